"""Adapters trained here, loaded into vLLM servers at run time (``POST /v1/load_lora_adapter``).

Each is served under a name unique to its folder (``ft-3f2a91c0``), so that servers shared by several runs
never mix two adapters called "ft"; callers keep using the short name. An adapter is loaded into an endpoint
before the first request that needs it there, and again when the endpoint no longer knows it (a restarted
server). The folder must be readable by the server: the same machine, or storage the nodes share. The
servers must allow it: ``ragreason serve --runtime-adapters``."""

from __future__ import annotations

import hashlib
import threading
import urllib.error
from collections.abc import Mapping
from pathlib import Path

from .base import GenerationError


class RuntimeAdapters:
    """``{name: folder}`` to load into endpoints (``Endpoint`` objects: base_url and api_key) on demand."""

    def __init__(self, folders: Mapping[str, str | Path], endpoints: list, timeout: float) -> None:
        self.folders = {name: Path(folder).resolve() for name, folder in folders.items()}
        self.served = {name: f"{name}-{hashlib.sha1(str(f).encode()).hexdigest()[:8]}"
                       for name, f in self.folders.items()}
        self._by_served = {served: name for name, served in self.served.items()}
        self.endpoints, self.timeout = endpoints, timeout
        self._loaded: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    def served_name(self, adapter: str) -> str:
        """The name ``adapter`` is served under (an adapter not loaded here: its own name)."""
        return self.served.get(adapter, adapter)

    def manages(self, model: str | None) -> bool:
        return model in self._by_served

    def ensure(self, index: int, model: str) -> None:
        """Load ``model`` (a served name of ours) into endpoint ``index`` unless done already."""
        with self._lock:
            if (index, model) in self._loaded:
                return
            self._load(index, model)
            self._loaded.add((index, model))

    def forget(self, index: int, model: str) -> bool:
        """The endpoint no longer knows ``model``: load it again before the next request (True: it was loaded)."""
        with self._lock:
            known = (index, model) in self._loaded
            self._loaded.discard((index, model))
            return known

    def _load(self, index: int, model: str) -> None:
        endpoint = self.endpoints[index]
        folder = self.folders[self._by_served[model]]
        try:
            endpoint.post_json("/v1/load_lora_adapter", {"lora_name": model, "lora_path": str(folder)}, self.timeout)
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", errors="replace")[:300]
            if "already" in text.lower():  # loaded by an earlier run: the same folder under the same name
                return
            if error.code in (404, 405):
                raise GenerationError(
                    f"{endpoint.base_url} cannot load adapters at run time (HTTP {error.code}): start it with "
                    f"ragreason serve --runtime-adapters, or serve {self._by_served[model]} yourself") from error
            raise GenerationError(f"{endpoint.base_url} refused to load the adapter {folder} as {model} "
                                  f"(HTTP {error.code}): {text}") from error
