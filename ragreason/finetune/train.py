"""``finetune``: solved items -> chat examples -> a LoRA adapter folder. Reads top to bottom.

The folder ends up holding the adapter (``adapter_config.json``, ``adapter_model.safetensors``),
the tokenizer with its chat template, ``ragreason.json`` (see ``info.py``) and ``checkpoints/``;
a rerun with ``resume=True`` continues from the last checkpoint.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..prompt import PromptBuilder, TrainingExample
from ..types import Document, Item, Retriever
from . import runtime
from .evaluate import Evaluator, LiveGenerator
from .examples import Collator, encode_examples
from .info import AdapterInfo, data_hash, library_versions, model_fingerprint
from .progress import step_bar
from .raft import raft_contexts
from .spec import LoraSpec, TrainSpec

log = logging.getLogger(__name__)

CHECKPOINTS = "checkpoints"
RUN_FILE = "run.json"


def finetune(
    train_items: Sequence[Item], *, out_dir: str | Path, builder: PromptBuilder, base_model: str | Path | None = None,
    retriever: Retriever | None = None, eval_items: Sequence[Item] | None = None, lora: LoraSpec | None = None,
    spec: TrainSpec | None = None, resume: bool | str | Path = False, progress: bool = True,
    documents: Sequence[Document] = (),
) -> AdapterInfo:
    """Train a LoRA adapter on ``train_items`` and save it in ``out_dir`` (``spec.method`` "full": every
    weight trains, and the folder holds the whole model, served as it is).

    ``lora`` is the adapter's shape and ``spec`` every hyper-parameter of the run (defaults: ``LoraSpec()``,
    ``TrainSpec()``; change one with ``dataclasses.replace(spec, lr=1e-4)``). ``resume``: True continues
    from the last checkpoint in ``out_dir`` (a fresh start if there is none), a path continues from that
    checkpoint. ``documents``: knowledge to learn closed-book beside the items, each document the reply to its
    title (``PromptBuilder.document_example``)."""
    spec = spec or TrainSpec()
    lora = lora or LoraSpec()
    base = str(base_model) if base_model is not None else str(_default_base())
    if not train_items:
        raise ValueError("no training items")
    out = Path(out_dir)
    runtime.configure_torch(spec.threads, spec.seed)
    device = runtime.pick_device()
    precision = runtime.resolve_precision(spec.precision, device)
    tokenizer = runtime.load_tokenizer(base)

    examples, distracted = render_examples(train_items, builder, retriever, spec)
    examples += [builder.document_example(doc) for doc in documents]
    encoding = encode_examples(examples, tokenizer, spec.max_length)
    if not encoding.examples:
        raise ValueError(f"every training example is longer than max_length={spec.max_length}; raise it")
    run = _run_record(base, lora, spec, data_hash(examples))
    checkpoint = _checkpoint_to_resume(out / CHECKPOINTS, resume, run)

    if spec.method == "full":
        model = runtime.load_full_model(base, device=device, precision=precision,
                                        gradient_checkpointing=spec.gradient_checkpointing)
    else:
        model = runtime.load_lora_model(base, lora, device=device, precision=precision,
                                        gradient_checkpointing=spec.gradient_checkpointing)
    evaluate = _evaluator(model, tokenizer, builder, retriever, eval_items, spec, precision, base)
    callbacks = [runtime.eval_callback(evaluate, spec.eval_steps)] if evaluate and spec.eval_steps else []
    trainer = _trainer(model, tokenizer, encoding, spec, out, device, precision, progress, callbacks)
    log.info("fine-tuning %s on %d examples (%d skipped, %d with distractors), %s on %s",
             base, len(encoding.examples), len(encoding.skipped), len(distracted), precision, device)
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=checkpoint)
    train_seconds = time.perf_counter() - started

    seconds = train_seconds - (evaluate.seconds if evaluate else 0.0)
    metrics = _train_metrics(result, trainer.state, _start(checkpoint), seconds, device)
    if evaluate is not None:
        final = evaluate()
        metrics.update(final)
        trainer.state.log_history.append({"step": trainer.state.global_step, **final})
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = AdapterInfo(
        path=str(out), base_model=base, base_fingerprint=model_fingerprint(base), data_hash=run["data_hash"],
        template=_template_name(builder), closed_world=builder.closed_world, target=spec.target,
        lora=lora.to_dict(), train=spec.to_dict(),
        examples={"train": len(encoding.examples), "documents": len(documents), "tokens": encoding.tokens,
                  "distracted": len(distracted),
                  "skipped": [{"item_id": s.item_id, "reason": s.reason} for s in encoding.skipped]},
        metrics={**metrics, "device": device, "precision": precision, "batch_size": spec.batch_for(device)},
        history=[h for h in trainer.state.log_history if "loss" in h or "eval_accuracy" in h],
        versions=library_versions(),
    )
    info.write()
    log.info("adapter saved in %s: %s", out, {k: v for k, v in info.metrics.items() if not isinstance(v, dict)})
    return info


def render_examples(items: Sequence[Item], builder: PromptBuilder, retriever: Retriever | None,
                    spec: TrainSpec) -> tuple[list[TrainingExample], frozenset[str]]:
    """The builder's training examples, with retrieved (RAFT-mixed) context when a retriever is given."""
    if retriever is None:
        return [builder.training_example(item, target=spec.target) for item in items], frozenset()
    mixed = raft_contexts(items, retriever, distractor_share=spec.distractor_share, top_k=spec.top_k, seed=spec.seed)
    examples = [builder.training_example(item, context, target=spec.target)
                for item, context in zip(items, mixed.contexts, strict=True)]
    return examples, mixed.distracted


def _default_base() -> Path:
    from ..models import default_llm_path

    return default_llm_path()


def _template_name(builder: PromptBuilder) -> str:
    return str(getattr(builder.template, "name", builder.template))


def _run_record(base: str, lora: LoraSpec, spec: TrainSpec, digest: str) -> dict[str, Any]:
    """What a resumed run must share with the run it continues (as JSON would read it back); the length
    (epochs, max_steps) may grow, and how often to evaluate or save may change."""
    free = ("epochs", "max_steps", "eval_steps", "save_steps", "save_total_limit", "logging_steps", "threads",
            "answer_logits_only")
    fixed = {k: v for k, v in spec.to_dict().items() if k not in free}
    return json.loads(json.dumps({"base_model": base, "lora": lora.to_dict(), "train": fixed, "data_hash": digest}))


def _checkpoint_to_resume(folder: Path, resume: bool | str | Path, run: dict[str, Any]) -> str | None:
    """The checkpoint to continue from, after checking it belongs to the same run; records the run."""
    from transformers.trainer_utils import get_last_checkpoint

    record = folder / RUN_FILE
    checkpoint = None
    if resume is True:
        checkpoint = get_last_checkpoint(str(folder)) if folder.is_dir() else None
        if checkpoint is None:
            log.info("no checkpoint in %s; starting from the beginning", folder)
    elif resume:
        checkpoint = str(resume)
        if not Path(checkpoint).is_dir():
            raise FileNotFoundError(f"no checkpoint folder at {checkpoint}")
    elif folder.is_dir() and any(folder.glob("checkpoint-*")):
        raise FileExistsError(f"{folder} already holds checkpoints; resume=True (--resume) continues that run, "
                              "or use a new out_dir")
    if checkpoint is not None and record.is_file():
        before = json.loads(record.read_text(encoding="utf-8"))
        if before != run:
            changed = sorted(k for k in run if before.get(k) != run[k])
            raise ValueError(f"cannot resume from {checkpoint}: the run's {', '.join(changed)} changed since; "
                             "use a new out_dir or the original settings")
    folder.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    return checkpoint


def _evaluator(model, tokenizer, builder, retriever, eval_items, spec: TrainSpec, precision: str,
               base: str) -> Evaluator | None:
    if not eval_items:
        return None
    import torch

    autocast = torch.bfloat16 if precision == "bf16" else None
    generator = LiveGenerator(model, tokenizer, name=Path(base).name, autocast_dtype=autocast)
    return Evaluator(eval_items, builder=builder, generator=generator, retriever=retriever,
                     max_tokens=spec.max_new_tokens())


def _trainer(model, tokenizer, encoding, spec, out, device, precision, progress, callbacks):
    from .trainer import RagreasonTrainer

    rows = [{"input_ids": list(e.input_ids), "labels": list(e.labels)} for e in encoding.examples]
    from transformers import PrinterCallback

    args = runtime.training_args(spec, out / CHECKPOINTS, device=device, precision=precision)
    trainer = RagreasonTrainer(model=model, args=args, train_dataset=rows,
                               data_collator=Collator(tokenizer.pad_token_id),
                               callbacks=[*callbacks, step_bar("fine-tuning", progress)],
                               answer_logits_only=spec.answer_logits_only)
    trainer.remove_callback(PrinterCallback)
    return trainer


def _start(checkpoint: str | None) -> dict[str, Any]:
    """Where a resumed run started: the checkpoint's step and the tokens seen by then."""
    if checkpoint is None:
        return {"step": 0, "tokens": 0, "from": None}
    state = json.loads((Path(checkpoint) / "trainer_state.json").read_text(encoding="utf-8"))
    return {"step": state.get("global_step", 0), "tokens": state.get("num_input_tokens_seen", 0), "from": checkpoint}


def _train_metrics(result, state, start: dict[str, Any], seconds: float, device: str) -> dict[str, Any]:
    """Loss, steps, and throughput of this call (training time only: evaluation time left out)."""
    tokens = int(getattr(state, "num_input_tokens_seen", 0) or 0) - int(start["tokens"] or 0)
    return {
        "train_loss": float(result.training_loss), "steps": int(state.global_step), "start_step": start["step"],
        "resumed_from": start["from"], "train_seconds": round(seconds, 2), "tokens_this_run": tokens,
        "tokens_per_second": round(tokens / seconds, 1) if seconds > 0 else 0.0,
        "peak_memory_mb": round(runtime.peak_memory_mb(device), 1),
    }
