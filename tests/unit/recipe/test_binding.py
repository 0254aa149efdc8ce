"""Settings bound to typed dataclasses: every problem listed at once and named by where it is."""

from dataclasses import dataclass, field

from ragreason.recipe.binding import bind, read_mapping


@dataclass(frozen=True)
class Inner:
    lr: float = 0.1
    steps: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.lr < 1:
            raise ValueError(f"lr must be in (0, 1), got {self.lr}")


@dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner = field(default_factory=Inner)
    tags: list[str] | None = None


def test_nested_settings_bind_and_every_problem_is_named_by_its_place():
    problems: list[str] = []
    assert bind(Outer, {"name": "x", "inner": {"lr": 0.5, "steps": 3}}, "s.", problems) == Outer("x", Inner(0.5, 3))
    assert problems == []
    assert bind(Outer, {"name": "x", "inner": {"steps": 2}}, "", problems).inner.lr == 0.1  # a default kept
    assert bind(Outer, {"inner": {"lr": 2.0, "steps": "many"}, "tags": [1], "steps": 3}, "s.", problems) is None
    assert problems == [
        "s.steps: unknown setting; it belongs under inner (known: name, inner, tags)",
        "s.name: missing",
        "s.tags: expected list[str] | None, got [1]",
    ]
    problems.clear()
    bind(Outer, {"name": "x", "inner": {"lr": 2, "steps": "many"}}, "s.", problems)  # callers read the problems
    assert problems == ["s.inner.steps: expected int, got 'many'",
                        "s.inner: lr must be in (0, 1), got 2.0"]  # the class's own check, an int read as float


def test_a_file_that_is_not_a_mapping_says_so(tmp_path):
    (tmp_path / "a.yaml").write_text("- 1\n- 2\n")
    (tmp_path / "b.yaml").write_text("x: [1\n")
    assert read_mapping(tmp_path / "a.yaml", "config") == (None, ["the config must be a mapping of sections"])
    assert read_mapping(tmp_path / "b.yaml", "config")[1][0].startswith("not valid YAML")
    missing = tmp_path / "c.yaml"
    assert read_mapping(missing, "search space") == (None, [f"no such search space file: {missing}"])


@dataclass(frozen=True)
class Sectioned:
    inner: Inner = field(default_factory=lambda: Inner(lr=0.5, steps=7))  # the section's own defaults


def test_a_section_left_partly_unset_keeps_its_owners_defaults_and_a_problem_names_its_setting():
    problems: list[str] = []
    assert bind(Sectioned, {"inner": {"steps": 2}}, "", problems) == Sectioned(Inner(0.5, 2))  # lr: 0.5, not 0.1
    assert bind(Sectioned, {}, "", problems) == Sectioned()
    from ragreason.recipe import Sampling

    @dataclass(frozen=True)
    class Config:
        sampling: Sampling = field(default_factory=Sampling)

    bind(Config, {"sampling": {"top_p": 2.0, "max_tokens": 0}}, "", problems)
    assert problems == ["sampling.top_p: must be in (0, 1], got 2.0", "sampling.max_tokens: must be >= 1, got 0"]
