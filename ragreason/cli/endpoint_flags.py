"""``--endpoint URL[,URL...]`` and ``--api-key``: answer through OpenAI-compatible servers (``ragreason serve``,
a vLLM server per GPU node, any compatible API) instead of a local engine. The key defaults to the
``RAGREASON_API_KEY`` environment variable, so that it need not stand in the shell's history."""

from __future__ import annotations

import argparse
import os

from ..generate.openai_client import DEFAULT_CONCURRENCY, Endpoint, Endpoints

API_KEY_ENV = "RAGREASON_API_KEY"


def add_endpoint_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", action="append", default=[], metavar="URL[,URL...]",
                        help="answer through these OpenAI-compatible servers (http://host:port/v1; repeatable or "
                             "comma-separated), spread over them, one that fails taken out of the rotation and tried "
                             "again later; --model names the served model's local folder (its tokenizer scores the "
                             "options)")
    parser.add_argument("--api-key", help=f"the endpoints' API key (default: ${API_KEY_ENV})")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                        help=f"requests in flight over the endpoints (default {DEFAULT_CONCURRENCY}; a GPU server "
                             "batches more: raise it there)")


def api_key_of(args: argparse.Namespace) -> str | None:
    """``--api-key``, else ``$RAGREASON_API_KEY`` (None: neither)."""
    return args.api_key or os.environ.get(API_KEY_ENV) or None


def endpoints_of(args: argparse.Namespace) -> Endpoints | None:
    """The endpoints the flags name, each with the API key (None: answer with a local engine)."""
    key = api_key_of(args)
    urls = [url.strip() for given in args.endpoint for url in given.split(",") if url.strip()]
    if not urls:
        return None
    if len(set(urls)) != len(urls):
        raise ValueError(f"--endpoint names a server twice: {urls}")
    return Endpoints(tuple(Endpoint(url.rstrip("/"), key) for url in urls), args.concurrency)
