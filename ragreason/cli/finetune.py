"""``ragreason finetune --data F --format F --out DIR``: train a LoRA adapter on solved items.

The hyper-parameter flags are generated from the ``LoraSpec`` and ``TrainSpec`` fields (``--r``,
``--target-modules``, ``--lr``, ...), with their help text; a bad value is reported under its flag's
name before any model loads.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from pathlib import Path

from ..data import FORMATS, DataError, load_items
from ..finetune.spec import LoraSpec, TrainSpec
from .spec_flags import add_spec_flags, spec_from_args

DEFAULTS_NOTE = "defaults: TrainSpec/LoraSpec in ragreason.finetune.spec"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("finetune", help="LoRA fine-tuning on solved items (answer-only loss)",
                            description=__doc__, epilog=DEFAULTS_NOTE)
    data = parser.add_argument_group("data")
    data.add_argument("--data", required=True, help="training file")
    data.add_argument("--format", "-f", required=True, choices=FORMATS, help="its format")
    data.add_argument("--limit", type=int, help="train on the first N items only")
    data.add_argument("--eval-data", help="items to measure accuracy on (through the pipeline)")
    data.add_argument("--eval-format", choices=FORMATS, help="their format (default: --format)")
    data.add_argument("--eval-limit", type=int, help="evaluate on the first N of them")
    data.add_argument("--out", required=True, help="the adapter folder to write")
    data.add_argument("--base-model", help="a local model folder (default: the packaged SmolLM2-135M-Instruct)")
    prompt = parser.add_argument_group("prompt")
    prompt.add_argument("--template", default="direct", help="prompt template or family (default: direct)")
    prompt.add_argument("--open-world", action="store_true", help="leave out the closed-world instruction")
    rag = parser.add_argument_group("retrieval (RAFT): retrieved context in every training prompt")
    rag.add_argument("--retriever", choices=("dense", "bm25", "hybrid"), help="how to retrieve from --knowledge")
    rag.add_argument("--knowledge", help="a knowledge folder or file, read as `ragreason run --knowledge` reads it")
    add_spec_flags(parser.add_argument_group("LoRA (LoraSpec)"), LoraSpec)
    add_spec_flags(parser.add_argument_group("training (TrainSpec)"), TrainSpec)
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run, log_to=lambda args: Path(f"{args.out}.log"))


def run(args: argparse.Namespace) -> int:
    from ..finetune import SpecError, finetune
    from ..prompt import PromptBuilder

    try:
        lora = spec_from_args(LoraSpec, args)
        spec = spec_from_args(TrainSpec, args)
        train, evals = _load(args)
        retriever = _retriever(args, train, spec)
    except SpecError as error:
        print(f"error: {_flags(str(error))}")
        return 1
    except (DataError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}")
        return 1
    logging.getLogger("ragreason.finetune").setLevel(logging.INFO)
    builder = PromptBuilder(args.template, closed_world=not args.open_world)
    try:
        info = finetune(train, out_dir=args.out, builder=builder, base_model=args.base_model, retriever=retriever,
                        eval_items=evals, lora=lora, spec=spec, resume=args.resume, progress=not args.no_progress)
    except (ValueError, OSError) as error:  # a used out_dir, a changed run, too-long examples, a bad model path
        print(f"error: {error}")
        return 1
    print(f"adapter: {info.path}")
    print(f"  base model: {info.base_model}; template {info.template}; target {info.target}")
    print(f"  examples: {info.examples['train']} trained, {len(info.examples['skipped'])} skipped (too long), "
          f"{info.examples['distracted']} with distractor-only context")
    shown = {k: v for k, v in info.metrics.items() if v is not None}
    print("  metrics: " + json.dumps(shown, ensure_ascii=False))
    return 0


def _flags(message: str) -> str:
    """Name spec fields as the flags that set them: "lr must be" -> "--lr must be"."""
    return re.sub(r"(?<![\w-])([a-z][a-z_]*) must\b", lambda m: f"--{m.group(1).replace('_', '-')} must", message)


def _load(args: argparse.Namespace) -> tuple[list, list | None]:
    train = load_items(args.data, args.format)[: args.limit]
    if args.eval_data is None:
        return train, None
    return train, load_items(args.eval_data, args.eval_format or args.format)[: args.eval_limit]


def _retriever(args: argparse.Namespace, train: list, spec: TrainSpec):
    if args.retriever is None:
        if args.knowledge:
            raise ValueError("--knowledge needs --retriever")
        return None
    if not args.knowledge:
        raise ValueError("--retriever needs --knowledge (the documents to retrieve from)")
    from ..retrieve import RetrievalSpec, build_retriever

    return build_retriever(RetrievalSpec(kind=args.retriever, knowledge=args.knowledge, top_k=spec.top_k or 3), train)
