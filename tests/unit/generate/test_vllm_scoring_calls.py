"""How the offline vLLM generator sends option scoring to the engine, with a scripted engine that keeps a
prefix cache the way vLLM's does (whole blocks, per cache salt, never read by a request that skips it, never
a request's last token) and remembers which call wrote each block."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

pytest.importorskip("vllm")

from ragreason.generate import VLLMGenerator  # noqa: E402

BLOCK = 4


@dataclass
class ScriptedEngine:
    """``generate`` answers prompt log-probabilities of -0.01 x token id (none where read from the cache)."""

    calls: list[list[tuple[list[int], str]]] = field(default_factory=list)
    blocks: dict[tuple[str, tuple[int, ...]], int] = field(default_factory=dict)  # -> the call that wrote it
    read: list[list[set[int]]] = field(default_factory=list)  # per call, per request: the calls it read from

    def __post_init__(self) -> None:
        config = SimpleNamespace(max_model_len=64)
        self.llm_engine = SimpleNamespace(model_config=config,
                                          vllm_config=SimpleNamespace(cache_config=SimpleNamespace(block_size=BLOCK)))

    def generate(self, inputs, params, lora_request=None, use_tqdm=False):
        self.calls.append([(list(x["prompt_token_ids"]), x["cache_salt"]) for x in inputs])
        self.read.append([])
        params = params if isinstance(params, list) else [params] * len(inputs)
        return [self._one(x["prompt_token_ids"], x["cache_salt"], p) for x, p in zip(inputs, params, strict=True)]

    def _one(self, ids, salt, params):
        hit, sources = 0, set()
        if not params.skip_reading_prefix_cache:
            while hit + BLOCK <= len(ids) - 1 and (salt, tuple(ids[: hit + BLOCK])) in self.blocks:
                sources.add(self.blocks[(salt, tuple(ids[: hit + BLOCK]))])
                hit += BLOCK
        self.read[-1].append(sources)
        for end in range(BLOCK, len(ids) + 1, BLOCK):
            self.blocks.setdefault((salt, tuple(ids[:end])), len(self.calls) - 1)
        logprobs = [None] + [{t: SimpleNamespace(logprob=-0.01 * t)} if j > hit else {}
                             for j, t in enumerate(ids) if j > 0]
        return SimpleNamespace(prompt_logprobs=logprobs, num_cached_tokens=hit, outputs=[])


def scripted(batch_invariant: bool = True, dtype: str = "bfloat16") -> tuple[VLLMGenerator, ScriptedEngine]:
    gen = VLLMGenerator("unused", batch_invariant=batch_invariant, dtype=dtype, device="cpu")
    engine = ScriptedEngine()
    gen._llm = engine
    return gen, engine


def group(prefix: list[int], *tails: list[int]) -> list[tuple[list[int], int]]:
    return [(prefix + tail, len(prefix)) for tail in tails]


def test_each_item_goes_to_the_engine_alone_with_a_prefix_cache_of_its_own():
    gen, engine = scripted()
    groups = [group(list(range(10, 19)), [50], [51, 52]), group(list(range(10, 19)), [53])]
    assert gen._group_logprobs(groups, [0, 0], None) == [[[-0.5], [-0.51, -0.52]], [[-0.53]]]
    assert [len(call) for call in engine.calls] == [3, 2]  # one call per item: its prompt alone, then its options
    assert engine.calls[0][0][0] == list(range(10, 18))  # the prompt, less its last token (two whole blocks)
    salts = [{salt for _, salt in call} for call in engine.calls]
    assert all(len(s) == 1 for s in salts) and salts[0] != salts[1]  # no shared problem: nothing shared


def test_float32_weights_are_scored_item_by_item_too():  # they moved by up to 6e-5 with the batch on an AMD EPYC
    gen, engine = scripted(dtype="float32")
    groups = [group(list(range(10, 19)), [50]), group(list(range(20, 29)), [53])]
    gen._group_logprobs(groups, [0, 0], None)
    assert [len(call) for call in engine.calls] == [2, 2]


def test_batched_scoring_sends_every_item_in_one_call():
    gen, engine = scripted(batch_invariant=False)
    groups = [group(list(range(10, 19)), [50]), group(list(range(20, 29)), [53])]
    assert gen._group_logprobs(groups, [0, 0], None) == [[[-0.5]], [[-0.53]]]
    assert [len(call) for call in engine.calls] == [4]  # both prompts, then both options


def test_questions_of_one_problem_read_its_blocks_as_one_call_made_them():
    gen, engine = scripted()
    problem = list(range(100, 110))  # two whole blocks, then two tokens
    first, second = group(problem + [1, 2], [50]), group(problem + [3, 4], [60])
    gen._group_logprobs([first], [10], None)
    gen._group_logprobs([second], [10], None)
    assert engine.calls[0] == [(problem[:9], engine.calls[0][0][1])]  # the shared blocks alone (and one token)
    assert engine.calls[2][0][0] == problem[:9] and engine.calls[2][0][1] == engine.calls[0][0][1]
    assert engine.read[2] == [{0}]  # the second question's turn finds them, made by that first call
    assert engine.read[3][0] == {0} and all(r <= {0, 3} for r in engine.read[3])  # and its own call: them, itself


def test_an_item_that_read_blocks_another_question_wrote_is_scored_again_under_a_new_salt():
    gen, engine = scripted()
    problem = list(range(100, 110))
    first = group(problem + [1, 2, 3, 4, 5, 6], [50])  # writes the block problem[8:10] + [1, 2] past the shared part
    second = group(problem + [1, 2, 3, 4, 7, 8], [60])  # begins with that block too
    gen._group_logprobs([first], [10], None)
    gen._group_logprobs([second], [10], None)
    assert len(engine.calls) == 6  # first: shared, item; second: shared, item (read the first's block), again
    assert engine.calls[5][0][1] not in {engine.calls[0][0][1], engine.calls[3][0][1]}
    assert engine.read[5][0] == {4}  # the second attempt reads only its own fresh shared blocks


def test_an_option_whose_first_scored_token_was_read_from_the_cache_is_computed_again():
    gen, engine = scripted()
    found = gen._group_logprobs([group([10, 11], [12, 13, 14, 15, 16], [12, 13, 14, 15, 16, 17])], [0], None)
    assert found == [[[-0.12, -0.13, -0.14, -0.15, -0.16], [-0.12, -0.13, -0.14, -0.15, -0.16, -0.17]]]
    assert len(engine.calls) == 2 and engine.calls[1] == [([10, 11, 12, 13, 14, 15, 16, 17], engine.calls[1][0][1])]
    assert engine.calls[1][0][1] != engine.calls[0][0][1]  # computed whole, under a salt of its own


def test_a_sequence_longer_than_the_engine_allows_is_refused_by_name():
    gen, _ = scripted()
    with pytest.raises(Exception, match="longer than the engine's max_model_len of 64"):
        gen._group_logprobs([group(list(range(100)), [5])], [0], None)
