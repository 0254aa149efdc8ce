"""``ragreason demo --task logic``: the demo on generated logic problems, end to end, on a fresh machine with
nothing but the packaged models (the main job, ``ragreason demo``, is the fictional world: ``demo_world``).

1. generate verified closed-world logic problems (train and test, different seeds);
2. index the bundled ``knowledge/`` and the training items (FAISS + BM25) and build each problem's graph;
3. fine-tune LoRA adapters on the CPU (without and with retrieved context);
4. answer the test set with the default model served by vLLM under four conditions (base, rag, ft,
   rag+ft) with the default answer recipe (calibrated letter scores; ``votes`` > 1 adds sampled votes);
5. print the accuracy table with 95% intervals, paired tests against base and the prior, and the time of
   each stage.
It is a small benchmark (``ragreason.bench``) with a config written for you; ``--fast`` skips
fine-tuning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..types import DEFAULT_TEMPERATURE, DEFAULT_TOP_P

log = logging.getLogger(__name__)


# ~3 questions a problem: ~180 test questions put the paired difference's 95% interval at about +-9
# points (benchmarks/RESULTS.md, "The logic demo"); --fast answers ~60 in a few minutes.
TEST_PROBLEMS, FAST_TEST_PROBLEMS = 60, 20


@dataclass(frozen=True)
class DemoOptions:
    out: Path = Path("demo-out")
    fast: bool = False
    model: str = "default"
    data: str | None = None
    data_format: str = "competition"
    lang: str = "en"
    train_problems: int = 100
    test_problems: int | None = None  # None: TEST_PROBLEMS, or FAST_TEST_PROBLEMS with fast
    votes: int = 1  # 1: the default answer recipe alone; K > 1: K samples voted with it
    seed: int = 0

    @property
    def n_test_problems(self) -> int:
        """``test_problems``, or the default size (smaller with ``fast``)."""
        if self.test_problems is not None:
            return self.test_problems
        return FAST_TEST_PROBLEMS if self.fast else TEST_PROBLEMS

    def __post_init__(self) -> None:
        if self.train_problems < 2 or (self.test_problems is not None and self.test_problems < 1):
            raise ValueError("train_problems must be >= 2 and test_problems >= 1")
        if self.votes < 1:
            raise ValueError(f"votes must be >= 1, got {self.votes}")


def write_data(options: DemoOptions) -> dict[str, object]:
    """The data section: the user's file (split by problem), or freshly generated problems."""
    if options.data is not None:
        return {"format": options.data_format, "path": str(Path(options.data).resolve()), "test_fraction": 0.25}
    from ..synth import SynthConfig, generate_problems, write_jsonl

    folder = options.out / "data"
    train = generate_problems(options.train_problems, SynthConfig(lang=options.lang, seed=options.seed))
    test = generate_problems(options.n_test_problems, SynthConfig(lang=options.lang, seed=options.seed + 1))
    write_jsonl(train, folder / "train.jsonl")
    write_jsonl(test, folder / "test.jsonl")
    return {"format": "competition", "train": "data/train.jsonl", "test": "data/test.jsonl"}


def demo_config(options: DemoOptions, data: dict[str, object]) -> dict[str, object]:
    from ..data.knowledge import default_knowledge_dir

    conditions = ["base", "rag"] if options.fast else ["base", "rag", "ft", "rag+ft"]
    return {
        "name": "demo", "out": "report", "data": data, "conditions": conditions, "votes": [options.votes],
        "model": {"path": options.model, "backend": "vllm", "adapters": "merged"},
        "prompt": {"template": "direct", "max_context_tokens": 256},
        # Not reranked by the model (retrieve.rerank): each hit, most of them whole solved problems, would be
        # scored twice more per question, in both arms with context.
        "retrieval": {"kind": "hybrid", "knowledge": str(default_knowledge_dir()), "top_k": 3, "examples": True,
                      "graph": True, "rerank": False},
        # Sized by the measured training and serving speed on 2-core CPUs (benchmarks/RESULTS.md, "The
        # demo"): 4 steps of 6 examples per adapter, served merged. Short training, so a higher learning rate.
        "finetune": {"lora": {"r": 8, "alpha": 16},
                     "train": {"max_steps": 4, "lr": 1e-3, "batch_size": 6, "max_length": 1024}},
        "sampling": {"temperature": DEFAULT_TEMPERATURE, "top_p": DEFAULT_TOP_P, "max_tokens": 16},
        "seed": options.seed,
    }


def run_demo(options: DemoOptions, *, progress: bool = True):
    """Write the data and config under ``options.out``, run the benchmark, return its report."""
    from ..experiment.validate import load_config
    from .run import run_bench

    options.out.mkdir(parents=True, exist_ok=True)
    config_path = options.out / "demo.yaml"
    config_path.write_text(yaml.safe_dump(demo_config(options, write_data(options)), sort_keys=False),
                           encoding="utf-8")
    return run_bench(load_config(config_path), progress=progress)
