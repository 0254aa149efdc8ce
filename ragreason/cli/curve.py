"""``ragreason curve CONFIG.yaml --sizes 0 100 200 400``: accuracy against the number of training items."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..bench.curve import DEFAULT_SIZES
from .endpoint_flags import add_endpoint_flags, endpoints_of


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("curve", help="a learning curve: the config's fine-tuning on the first N training items")
    parser.add_argument("config", help="a benchmark config (its finetune section is the spec of every point)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="training items per point, 0 = the base model (default "
                             f"{' '.join(map(str, DEFAULT_SIZES))})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_endpoint_flags(parser)
    parser.set_defaults(func=run, log_to=lambda args: Path(args.config).with_suffix(".curve.log"))


def run(args: argparse.Namespace) -> int:
    from ..bench.curve import run_curve, to_markdown
    from ..experiment.validate import load_config
    from ..generate import GenerationError

    try:
        config = load_config(args.config)
        curve = run_curve(config, args.sizes, progress=not args.no_progress, endpoints=endpoints_of(args))
    except (ValueError, GenerationError) as error:  # a ConfigError is a ValueError; every endpoint failing
        print(error)
        return 1
    print(to_markdown(curve))
    print(f"curve: {config.resolve(config.out) / 'curve' / 'curve.md'} (curve.png, curve.csv, curve.json; "
          "each point's report under size-N/)")
    return 0
