"""What to train: ``LoraSpec`` (the adapter's shape) and ``TrainSpec`` (the run's hyper-parameters).

Both check themselves on construction and name every bad value in one message, so a typo fails
before a model is loaded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

TARGETS = ("answer", "cot")
METHODS = ("lora", "full")  # what trains: a LoRA adapter (``LoraSpec``), or every weight of the model
PRECISIONS = ("auto", "fp32", "bf16")
# Batch sizes used when ``batch_size`` is None: small on a CPU, larger on a GPU.
AUTO_BATCH = {"cpu": 4, "cuda": 16}


class SpecError(ValueError):
    """One or more bad hyper-parameters; the message lists them all."""


def _raise_if(problems: list[str], owner: str) -> None:
    if problems:
        raise SpecError(f"bad {owner}: " + "; ".join(problems))


@dataclass(frozen=True)
class LoraSpec:
    """A LoRA adapter's shape. ``target_modules``: ``"all-linear"`` or module names ("q_proj", ...).

    ``top_layers`` None: every decoder layer gets the adapter. N: only the last N decoder layers do
    (peft's ``layers_to_transform``); the layers below them then hold nothing to train, so autograd
    records nothing there and backward stops at the lowest adapted layer: training is faster and
    needs less memory (unless gradient checkpointing, which makes the inputs require grad, is on)."""

    r: int = field(default=8, metadata={"help": "LoRA rank"})
    alpha: float = field(default=16.0, metadata={"help": "LoRA scaling (alpha / r multiplies the update)"})
    dropout: float = field(default=0.0, metadata={"help": "dropout on the LoRA input"})
    target_modules: str | tuple[str, ...] = field(
        default="all-linear", metadata={"help": "all-linear, or module names: q_proj,v_proj"})
    top_layers: int | None = field(
        default=None, metadata={"help": "adapt only the last N decoder layers (faster); unset: all"})

    def __post_init__(self) -> None:
        if isinstance(self.target_modules, list):
            object.__setattr__(self, "target_modules", tuple(self.target_modules))
        problems = []
        if not isinstance(self.r, int) or isinstance(self.r, bool) or self.r < 1:
            problems.append(f"r must be an integer >= 1, got {self.r!r}")
        if not isinstance(self.alpha, int | float) or self.alpha <= 0:
            problems.append(f"alpha must be > 0, got {self.alpha!r}")
        if not isinstance(self.dropout, int | float) or not 0.0 <= self.dropout < 1.0:
            problems.append(f"dropout must be in [0, 1), got {self.dropout!r}")
        modules = self.target_modules
        if isinstance(modules, str):
            if modules != "all-linear":
                problems.append(f"target_modules must be 'all-linear' or a list of module names, got {modules!r}")
        elif not modules or not all(isinstance(m, str) and m.strip() for m in modules):
            problems.append(f"target_modules must name at least one module, got {list(modules)!r}")
        top = self.top_layers
        if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
            problems.append(f"top_layers must be an integer >= 1 or None, got {top!r}")
        _raise_if(problems, "LoraSpec")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if isinstance(self.target_modules, tuple):
            data["target_modules"] = list(self.target_modules)
        if self.top_layers is None:  # recorded only when set: all-layer adapters keep their earlier records
            del data["top_layers"]
        return data


@dataclass(frozen=True)
class TrainSpec:
    """The hyper-parameters of one fine-tuning run.

    ``batch_size`` None: 4 on a CPU, 16 on a GPU. ``max_steps`` (if set) overrides ``epochs``.
    ``precision`` "auto": bf16 on a GPU that has it and on a CPU with bf16 instructions (autocast,
    fp32 master weights), else fp32. ``distractor_share``: the share of training examples that get
    distractor-only context when a retriever is given (RAFT). ``eval_steps`` None: evaluate at the
    end only. ``threads`` None: leave torch's thread count as it is. ``group_by_length`` (default True):
    batch examples of similar length (transformers' grouping, mega-batches shuffled by the seed and the
    epoch, ``batches.py``), so that little compute goes to padding; a resumed run
    draws the same batches (speed: benchmarks/RESULTS.md, "Batches of similar length"). False: plain shuffled
    batches. ``answer_logits_only`` (default True): compute the vocabulary logits only at the positions that
    predict answer tokens (``answer_loss.py``); the same loss, less work and memory; False: the model's stock
    loss over logits at every position."""

    target: str = field(default="answer", metadata={"help": "train the answer line, or reasoning + answer",
                                                     "choices": TARGETS})
    method: str = field(default="lora", metadata={
        "help": "lora: a LoRA adapter; full: every weight trains (a small model on a CPU), the folder holds a model",
        "choices": METHODS})
    epochs: float = field(default=1.0, metadata={"help": "passes over the training items"})
    max_steps: int | None = field(default=None, metadata={"help": "optimizer steps (overrides epochs)"})
    lr: float = field(default=2e-4, metadata={"help": "peak learning rate"})
    batch_size: int | None = field(default=None, metadata={"help": "examples per step (default: 4 on a CPU, "
                                                                     "16 on a GPU)"})
    grad_accum: int = field(default=1, metadata={"help": "batches per optimizer step"})
    max_length: int = field(default=1024, metadata={"help": "longest example in tokens; longer ones are skipped"})
    seed: int = field(default=0, metadata={"help": "seed of the run (shuffling, distractors, init)"})
    warmup: float = field(default=0.03, metadata={"help": "share of the steps spent warming up"})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay"})
    distractor_share: float = field(default=0.2, metadata={"help": "share of examples given distractor-only "
                                                                   "context (with a retriever)"})
    top_k: int | None = field(default=None, metadata={"help": "documents per training prompt (with a retriever)"})
    eval_steps: int | None = field(default=None, metadata={"help": "evaluate every N steps (default: at the end)"})
    eval_max_tokens: int | None = field(default=None, metadata={"help": "tokens an evaluation answer may take"})
    save_steps: int = field(default=200, metadata={"help": "checkpoint every N steps"})
    save_total_limit: int = field(default=2, metadata={"help": "checkpoints kept"})
    logging_steps: int = field(default=10, metadata={"help": "log the loss every N steps"})
    precision: str = field(default="auto", metadata={"help": "auto: bf16 where the hardware has it, else fp32",
                                                     "choices": PRECISIONS})
    threads: int | None = field(default=None, metadata={"help": "torch threads (default: as they are)"})
    gradient_checkpointing: bool = field(default=False, metadata={"help": "recompute activations (less memory)"})
    group_by_length: bool = field(default=True, metadata={"help": "batches of similar length (less padding)"})
    answer_logits_only: bool = field(default=True, metadata={"help": "logits at the answer positions only"})

    def __post_init__(self) -> None:
        problems = [*self._count_problems(), *self._rate_problems()]
        if self.target not in TARGETS:
            problems.append(f"target must be one of {', '.join(TARGETS)}, got {self.target!r}")
        if self.method not in METHODS:
            problems.append(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        for name in ("gradient_checkpointing", "group_by_length", "answer_logits_only"):
            if not isinstance(getattr(self, name), bool):
                problems.append(f"{name} must be true or false, got {getattr(self, name)!r}")
        if self.precision not in PRECISIONS:
            problems.append(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        _raise_if(problems, "TrainSpec")

    def _count_problems(self) -> list[str]:
        problems = []
        minimum = {"grad_accum": 1, "max_length": 8, "save_steps": 1, "save_total_limit": 1, "logging_steps": 1}
        optional = {"max_steps": 1, "batch_size": 1, "top_k": 1, "eval_steps": 1, "eval_max_tokens": 1, "threads": 1}
        for name, low in [*minimum.items(), *optional.items()]:
            value = getattr(self, name)
            if value is None and name in optional:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                problems.append(f"{name} must be an integer >= {low}{' or None' if name in optional else ''}, "
                                f"got {value!r}")
        return problems

    def _rate_problems(self) -> list[str]:
        problems = []
        if not isinstance(self.lr, int | float) or not 0.0 < self.lr < 1.0:
            problems.append(f"lr must be in (0, 1), got {self.lr!r}")
        if not isinstance(self.epochs, int | float) or self.epochs <= 0:
            problems.append(f"epochs must be > 0, got {self.epochs!r}")
        if not isinstance(self.warmup, int | float) or not 0.0 <= self.warmup < 1.0:
            problems.append(f"warmup (a share of the steps) must be in [0, 1), got {self.warmup!r}")
        if not isinstance(self.weight_decay, int | float) or self.weight_decay < 0:
            problems.append(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        if not isinstance(self.distractor_share, int | float) or not 0.0 <= self.distractor_share <= 1.0:
            problems.append(f"distractor_share must be in [0, 1], got {self.distractor_share!r}")
        return problems

    def batch_for(self, device: str) -> int:
        return self.batch_size if self.batch_size is not None else AUTO_BATCH.get(device, AUTO_BATCH["cpu"])

    def max_new_tokens(self) -> int:
        """How much an evaluation lets the model write: a short line for answers, more for reasoning."""
        if self.eval_max_tokens is not None:
            return self.eval_max_tokens
        return 16 if self.target == "answer" else 512

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
