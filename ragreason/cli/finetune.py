"""``ragreason finetune --data F --format F --out DIR``: train a LoRA adapter on solved items.

Flags are named after the ``TrainSpec``/``LoraSpec`` fields (``--lr``, ``--r``, ``--target-modules``),
and a bad value is reported under its flag's name before any model loads.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from pathlib import Path

from ..data import FORMATS, DataError, load_items
from ..types import Document

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
    prompt.add_argument("--target", choices=("answer", "cot"), help="train the answer line, or reasoning + answer")
    rag = parser.add_argument_group("retrieval (RAFT)")
    rag.add_argument("--retriever", choices=("bm25",), help="add retrieved context to every training prompt")
    rag.add_argument("--knowledge", help="documents for --retriever: a .jsonl ({text, id?, source?}), .md/.txt "
                                         "file or a folder of them (markdown split at '## ' headings)")
    rag.add_argument("--top-k", type=int, help="documents per prompt")
    rag.add_argument("--distractor-share", type=float, help="share of examples given distractor-only context")
    hyper = parser.add_argument_group("hyper-parameters")
    for flag, kind in [("--r", int), ("--alpha", float), ("--dropout", float), ("--epochs", float),
                       ("--max-steps", int), ("--lr", float), ("--batch-size", int), ("--grad-accum", int),
                       ("--max-length", int), ("--seed", int), ("--warmup", float), ("--eval-steps", int),
                       ("--save-steps", int), ("--threads", int)]:
        hyper.add_argument(flag, type=kind)
    hyper.add_argument("--target-modules", help="all-linear (default) or a comma-separated list: q_proj,v_proj")
    hyper.add_argument("--top-layers", type=int, help="adapt only the last N decoder layers (faster; default: all)")
    hyper.add_argument("--precision", choices=("auto", "fp32", "bf16"))
    hyper.add_argument("--group-by-length", action=argparse.BooleanOptionalAction, default=None,
                       help="batches of similar length (default on: less padding, 1.26x on ProofWriter); "
                            "--no-group-by-length: plain shuffled batches")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..finetune import LoraSpec, SpecError, TrainSpec, finetune
    from ..prompt import PromptBuilder

    try:
        lora = LoraSpec(**_given(args, "r", "alpha", "dropout", "top_layers"), **_modules(args.target_modules))
        spec = TrainSpec(**_given(args, "target", "epochs", "max_steps", "lr", "batch_size", "grad_accum",
                                  "max_length", "seed", "warmup", "eval_steps", "save_steps", "threads",
                                  "precision", "top_k", "distractor_share", "group_by_length"))
        train, evals = _load(args)
        retriever = _retriever(args)
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


def _given(args: argparse.Namespace, *names: str) -> dict:
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _modules(text: str | None) -> dict:
    if text is None:
        return {}
    if text == "all-linear":
        return {"target_modules": text}
    return {"target_modules": tuple(m.strip() for m in text.split(",") if m.strip())}


def _flags(message: str) -> str:
    """Name spec fields as the flags that set them: "lr must be" -> "--lr must be"."""
    return re.sub(r"(?<![\w-])([a-z][a-z_]*) must\b", lambda m: f"--{m.group(1).replace('_', '-')} must", message)


def _load(args: argparse.Namespace) -> tuple[list, list | None]:
    train = load_items(args.data, args.format)[: args.limit]
    if args.eval_data is None:
        return train, None
    return train, load_items(args.eval_data, args.eval_format or args.format)[: args.eval_limit]


def _retriever(args: argparse.Namespace):
    if args.retriever is None:
        if args.knowledge:
            raise ValueError("--knowledge needs --retriever")
        return None
    if not args.knowledge:
        raise ValueError("--retriever needs --knowledge (the documents to retrieve from)")
    from ..retrieve import LexicalRetriever

    return LexicalRetriever(read_documents(Path(args.knowledge)), **({"top_k": args.top_k} if args.top_k else {}))


def read_documents(path: Path) -> list[Document]:
    """Documents from a .jsonl file, a .md/.txt file (split at '## ' headings) or a folder of them."""
    if not path.exists():
        raise FileNotFoundError(f"no knowledge at {path}")
    files = sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".md", ".txt")) if path.is_dir() else [path]
    docs: list[Document] = []
    for file in files:
        if file.suffix == ".jsonl":
            for line in file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    docs.append(Document.from_text(row["text"], row.get("source", file.name), row.get("meta")))
        else:
            sections = re.split(r"(?m)^(?=## )", file.read_text(encoding="utf-8"))
            docs += [Document.from_text(s.strip(), file.name) for s in sections if s.strip()]
    if not docs:
        raise ValueError(f"no documents in {path}")
    return list({d.id: d for d in docs}.values())
