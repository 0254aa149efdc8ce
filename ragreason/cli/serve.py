"""``ragreason serve --model PATH [--adapter name=path ...]``: a vLLM OpenAI-compatible server.

It binds 127.0.0.1 unless ``--host`` says otherwise, and another address only with an API key (``--api-key``
or ``$RAGREASON_API_KEY``); the model is listed under its folder's name (``--served-name``), the adapters
under the names given.

Prints the base URL once the server is healthy, then runs until Ctrl-C (or SIGTERM), and stops the
server's whole process group on the way out.
"""

from __future__ import annotations

import argparse
import signal
import time
from types import FrameType

from .. import console
from ..generate import ServerStartError, VLLMServer
from .endpoint_flags import API_KEY_ENV, api_key_of


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="start a vLLM OpenAI-compatible server and print its URL")
    parser.add_argument("--model", help="a local model folder (default: the packaged SmolLM2-135M-Instruct)")
    parser.add_argument("--adapter", action="append", default=[], metavar="NAME=PATH",
                        help="a LoRA adapter served as model NAME (repeatable)")
    parser.add_argument("--served-name", help="the model's name for clients (default: the model folder's name)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; another address needs an API key)")
    parser.add_argument("--port", type=int, help="port (default: a free one)")
    parser.add_argument("--api-key", help=f"require this key from clients (default: ${API_KEY_ENV})")
    parser.add_argument("--runtime-adapters", action="store_true",
                        help="let clients load adapters at run time (ragreason bench/tune/curve --endpoint load "
                             "the adapters they train; the folders must be readable by the server)")
    parser.add_argument("--max-lora-rank", type=int, help="default: the smallest that fits the adapters (64 with "
                                                          "--runtime-adapters)")
    parser.add_argument("--kv-cache-gb", type=float, help="KV cache size in GiB (CPU default 1)")
    parser.add_argument("--log-file", help="server log (default: a temp folder, printed)")
    parser.add_argument("--startup-timeout", type=float, default=300.0, help="seconds to wait for health")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        server = build(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=console.stream())
        return 2
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        print(f"serving {server.served_name} at {server.base_url}", flush=True)
        for spec in server.adapters:
            print(f"  adapter {spec.name}: {spec.path}", flush=True)
        print(f"log: {server.log_file}  (Ctrl-C to stop)", flush=True)
        while True:
            server.check()
            time.sleep(1.0)
    except ServerStartError as error:
        print(f"error: {error}", file=console.stream())
        return 1
    except KeyboardInterrupt:
        print("stopping", flush=True)
        return 0
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def build(args: argparse.Namespace) -> VLLMServer:
    model, name = args.model, args.served_name
    if model is None:
        from ..models import LLM_NAME, default_llm_path

        model, name = str(default_llm_path()), name or LLM_NAME
    settings = {}
    if args.max_lora_rank is not None:
        settings["max_lora_rank"] = args.max_lora_rank
    if args.kv_cache_gb is not None:
        settings["kv_cache_bytes"] = int(args.kv_cache_gb * (1 << 30))
    return VLLMServer(model, adapters=args.adapter, host=args.host, port=args.port, api_key=api_key_of(args),
                      served_name=name, log_file=args.log_file, startup_timeout=args.startup_timeout,
                      runtime_lora=args.runtime_adapters, **settings)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
