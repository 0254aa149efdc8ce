"""A whole benchmark, end to end, on a tiny model: every condition, fine-tuning, vLLM, the report.
The report's numbers are recomputed here from the records."""

import json

import pytest
import yaml
from tiny_model import build_tiny_model

from ragreason.bench.run import run_bench
from ragreason.data import LetterPrior
from ragreason.experiment.records import read_records
from ragreason.experiment.split import load_split
from ragreason.experiment.validate import load_config
from ragreason.generate.vllm_options import served_dtype
from ragreason.stats import accuracy, paired
from ragreason.synth import SynthConfig, generate_problems, write_jsonl


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    tiny_model_dir = build_tiny_model(root / "tiny", max_positions=4096)  # the tiny tokenizer makes long prompts
    write_jsonl(generate_problems(8, SynthConfig(lang="en", seed=3, questions_per_problem=2)), root / "synth.jsonl")
    config = {
        "name": "tiny", "out": "out", "votes": [1, 3],
        "data": {"format": "competition", "path": "synth.jsonl", "test_fraction": 0.5},
        "model": {"path": str(tiny_model_dir), "options": {"dtype": "float32", "max_model_len": 4096,
                                                           "kv_cache_bytes": 128 << 20}},
        "prompt": {"template": "direct", "max_context_tokens": 300},
        "retrieval": {"kind": "hybrid", "top_k": 2, "knowledge": str(root / "kb")},
        "finetune": {"train": {"max_steps": 2, "batch_size": 2, "max_length": 4096}},
        "sampling": {"max_tokens": 6},
        "score": None, "calibrate": None, "fallback": "none",  # sampled votes only: what these tests are about
    }
    (root / "kb").mkdir()
    (root / "kb" / "rules.md").write_text("# Kinship\nA parent's parent is a grandparent.\n\n# Order\n"
                                          "If A is taller than B and B is taller than C, A is taller than C.\n")
    (root / "bench.yaml").write_text(yaml.safe_dump(config))
    return root


@pytest.fixture(scope="module")
def result(bench_dir, monkeypatch_module):
    monkeypatch_module.setenv("RAGREASON_HOME", str(bench_dir / "home"))
    config = load_config(bench_dir / "bench.yaml")
    return config, run_bench(config, progress=False)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_every_arm_runs_on_the_same_items(result, bench_dir):
    config, report = result
    arms = [r.arm for r in report.rows]
    assert arms == ["prior", "base@1", "base@3", "rag@1", "rag@3", "ft@1", "ft@3", "rag+ft@1", "rag+ft@3", "ft+rag@1",
                    "ft+rag@3", "competition-baseline@3"]
    records = read_records(bench_dir / "out" / "records.jsonl")
    by_arm = {a: sorted(r.item_id for r in records if r.arm == a) for a in arms}
    assert len({tuple(ids) for ids in by_arm.values()}) == 1 and report.n_test == len(by_arm["base@1"]) > 0
    assert all(r.config_hash == report.config_hash for r in records)


def test_report_numbers_match_the_records(result, bench_dir):
    config, report = result
    records = read_records(bench_dir / "out" / "records.jsonl")
    for row in report.rows:
        mine = sorted((r for r in records if r.arm == row.arm), key=lambda r: r.item_id)
        est = accuracy([r.correct for r in mine])
        assert (row.accuracy, row.low, row.high) == pytest.approx((est.value, est.low, est.high))
        assert row.unanswered == pytest.approx(sum(r.choice is None for r in mine) / len(mine))
        assert all(r.correct == (r.choice is not None and r.choice == r.gold) for r in mine)
        if row.vs_base:
            base = sorted((r for r in records if r.arm == row.vs_base["base"]), key=lambda r: r.item_id)
            test = paired([r.correct for r in mine], [r.correct for r in base])
            assert row.vs_base["diff"] == pytest.approx(test.diff.value)
            assert row.vs_base["p"] == pytest.approx(test.p_value)
        prior = sorted((r for r in records if r.arm == "prior"), key=lambda r: r.item_id)
        if row.arm != "prior":
            test = paired([r.correct for r in mine], [r.correct for r in prior])
            assert (row.vs_prior["diff"], row.vs_prior["p"]) == pytest.approx((test.diff.value, test.p_value))
    split = load_split(config)
    prior = LetterPrior.fit(split.train)
    assert {r.item_id: r.choice for r in records if r.arm == "prior"} == {i.id: prior.choice(i) for i in split.test}
    assert report.chance == pytest.approx(sum(1 / len(i.options) for i in split.test) / len(split.test))
    saved = json.loads((bench_dir / "out" / "report.json").read_text())
    assert [r["accuracy"] for r in saved["rows"]] == [r.accuracy for r in report.rows]


def test_samples_votes_and_baseline_recipe(result, bench_dir):
    records = read_records(bench_dir / "out" / "records.jsonl")
    assert {r.samples for r in records if r.arm == "base@1"} == {1}
    assert {r.samples for r in records if r.arm == "ft@3"} == {3}
    baseline = [r for r in records if r.condition == "competition-baseline"]
    assert {r.samples for r in baseline} == {3} and all(r.choice is not None for r in baseline)  # fallback "A"


def test_outputs_and_stages(result, bench_dir):
    _, report = result
    out = bench_dir / "out"
    for name in ("report.md", "report.csv", "report.json", "accuracy.png", "votes.png", "cost.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    md = (out / "report.md").read_text()
    assert "![accuracy.png](accuracy.png)" in md and "| base@1 |" in md
    assert f"Adapter `ft` on {report.n_train} training items" in md  # no train_limit: all of them
    assert {"load data", "build retriever", "fine-tune ft", "fine-tune raft", "start engine base"} <= set(report.stages)
    assert report.finetune["ft"]["path"] != report.finetune["raft"]["path"]


def test_rerun_resumes_and_reuses_adapters(result, bench_dir):
    config, first = result
    answers = sorted((bench_dir / "out" / "answers").glob("*.jsonl"))
    sizes = [p.stat().st_size for p in answers]
    second = run_bench(config, progress=False)
    assert all(info["reused"] for info in second.finetune.values())
    assert [p.stat().st_size for p in sorted((bench_dir / "out" / "answers").glob("*.jsonl"))] == sizes
    assert [r.accuracy for r in second.rows] == [r.accuracy for r in first.rows]
    assert second.rows[0].arm == "prior" and second.rows[0].seconds == 0.0
    # Every answer came from the first run: each arm's seconds are the generation time its records carry
    # (not this run's near-zero wall time), listed as the arm's "earlier runs" stage.
    records = read_records(bench_dir / "out" / "records.jsonl")
    for row in second.rows[1:]:  # the prior reference is computed, not answered
        carried = sum(r.latency_s for r in records if r.arm == row.arm)
        assert carried > 0 and second.stages[f"answer {row.arm} (earlier runs)"] == pytest.approx(carried, abs=0.01)
        assert row.seconds == pytest.approx(carried + second.stages[f"answer {row.arm}"], abs=0.01)
        assert row.items_per_s == pytest.approx(row.n / row.seconds)
    md = (bench_dir / "out" / "report.md").read_text()
    assert "**total, this run**" in md and "**total with earlier runs**" in md


def test_merged_adapters_serve_like_lora_adapters(result, bench_dir):
    """``model.adapters: merged``: each adapter folded into a float32 base and served by its own engine
    without LoRA; greedy answers match the LoRA-served ones of the first run (same cached adapters)."""
    config, first = result
    spec = yaml.safe_load((bench_dir / "bench.yaml").read_text())
    spec.update(out="merged", votes=[1], conditions=["base", "ft", "rag+ft"])
    spec["model"]["adapters"] = "merged"
    (bench_dir / "merged.yaml").write_text(yaml.safe_dump(spec))
    report = run_bench(load_config(bench_dir / "merged.yaml"), progress=False)
    assert [r.arm for r in report.rows] == ["prior", "base@1", "ft@1", "rag+ft@1"]
    assert all(info["reused"] for info in report.finetune.values())
    assert {"merge ft", "merge raft"} <= set(report.stages)
    for name in ("ft", "raft"):
        adapter = first.finetune[name]["path"].rsplit("/", 1)[1]
        merged = bench_dir / "home" / "adapters" / f"{adapter}-merged-{served_dtype(spec['model']['options'])}"
        assert (merged / "config.json").is_file() and not (merged / "adapter_config.json").exists()
    lora = {(r.arm, r.item_id): r.choice for r in read_records(bench_dir / "out" / "records.jsonl")}
    again = {(r.arm, r.item_id): r.choice for r in read_records(bench_dir / "merged" / "records.jsonl")}
    assert again == {key: lora[key] for key in again}
    for arm in ("ft", "rag+ft"):  # the same greedy texts and log-probabilities, from the merged model
        served = [g for f in (bench_dir / "out" / "answers").glob(f"{arm}-k1-*.jsonl") for g in _generations(f)]
        merged = [g for f in (bench_dir / "merged" / "answers").glob(f"{arm}-k1-*.jsonl") for g in _generations(f)]
        assert {g["model"] for g in merged} == {f"merged-{'ft' if arm == 'ft' else 'raft'}"}
        assert {g["adapter"] for g in served} == {"ft" if arm == "ft" else "raft"}
        assert [g["text"] for g in merged] == [g["text"] for g in served]
        assert [g["logprob"] for g in merged] == pytest.approx([g["logprob"] for g in served], rel=1e-3)


def _generations(path):
    return [g for line in path.read_text().splitlines() for g in json.loads(line)["generations"]]


def test_learning_curve_trains_each_point_on_the_first_n_items_and_resumes(result, bench_dir):
    from ragreason.bench.curve import run_curve
    from ragreason.experiment.config import ConfigError

    config, _ = result
    curve = run_curve(config, [4, 0, 2], progress=False)
    assert [p.size for p in curve.points] == [0, 2, 4] and curve.n_test > 0
    folder = bench_dir / "out" / "curve"
    base = [r.correct for r in sorted(read_records(folder / "size-0" / "records.jsonl"), key=lambda r: r.item_id)
            if r.arm == "base@1"]
    assert not curve.points[0].vs_base
    for point in curve.points[1:]:
        report = json.loads((folder / f"size-{point.size}" / "report.json").read_text())
        assert report["finetune"]["ft"]["train_items"] == point.size
        mine = sorted((r for r in read_records(folder / f"size-{point.size}" / "records.jsonl") if r.arm == "ft@1"),
                      key=lambda r: r.item_id)
        test = paired([r.correct for r in mine], base)
        assert (point.vs_base["diff"], point.vs_base["p"]) == pytest.approx((test.diff.value, test.p_value))
    saved = json.loads((folder / "curve.json").read_text())
    assert [p["accuracy"] for p in saved["points"]] == [p.accuracy for p in curve.points]
    assert (folder / "curve.png").stat().st_size > 0 and "| 4 |" in (folder / "curve.md").read_text()
    sizes = {p: p.stat().st_size for p in folder.glob("size-*/answers/*.jsonl")}
    again = run_curve(config, [0, 2, 4], progress=False)
    assert [p.accuracy for p in again.points] == [p.accuracy for p in curve.points]
    assert {p: p.stat().st_size for p in folder.glob("size-*/answers/*.jsonl")} == sizes  # nothing answered again
    with pytest.raises(ConfigError, match="training items"):
        run_curve(config, [0, 10_000], progress=False)


@pytest.mark.slow
def test_a_benchmark_through_an_endpoint_loads_its_adapters_and_answers_as_the_local_engine(result, bench_dir):
    """``run_bench(..., endpoints=...)`` on a server started with runtime adapters (``ragreason serve
    --runtime-adapters``): the adapters trained here are loaded into it under names of their own, and every
    greedy answer and text is the local LoRA engine's of the first run."""
    from ragreason.generate import VLLMServer
    from ragreason.generate.openai_client import Endpoint, Endpoints

    config, first = result
    spec = yaml.safe_load((bench_dir / "bench.yaml").read_text())
    spec.update(out="served", votes=[1], conditions=["base", "ft", "rag+ft"])
    (bench_dir / "served.yaml").write_text(yaml.safe_dump(spec))
    with VLLMServer(spec["model"]["path"], runtime_lora=True, dtype="float32", max_model_len=4096,
                    kv_cache_bytes=128 << 20, max_lora_rank=8, log_file=bench_dir / "served.log") as server:
        report = run_bench(load_config(bench_dir / "served.yaml"), progress=False,
                           endpoints=Endpoints((Endpoint(server.base_url),)))
        served = server.generator().served_models()
    assert [r.arm for r in report.rows] == ["prior", "base@1", "ft@1", "rag+ft@1"]
    assert all(info["reused"] for info in report.finetune.values())
    assert sorted(n.rsplit("-", 1)[0] for n in served[1:]) == ["ft", "raft"]  # ft-<folder hash>, raft-<...>
    local = {(r.arm, r.item_id): r.choice for r in read_records(bench_dir / "out" / "records.jsonl")}
    again = {(r.arm, r.item_id): r.choice for r in read_records(bench_dir / "served" / "records.jsonl")}
    assert again == {key: local[key] for key in again}
    for arm in ("ft", "rag+ft"):
        mine = [g for f in (bench_dir / "out" / "answers").glob(f"{arm}-k1-*.jsonl") for g in _generations(f)]
        theirs = [g for f in (bench_dir / "served" / "answers").glob(f"{arm}-k1-*.jsonl") for g in _generations(f)]
        assert [g["text"] for g in theirs] == [g["text"] for g in mine]
