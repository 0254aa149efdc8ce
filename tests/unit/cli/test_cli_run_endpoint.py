"""``ragreason run --endpoint``: answering through OpenAI-compatible servers (scripted ones on 127.0.0.1), with
one of them stopped mid-run, all of them failing, and the client killed mid-run: every question answered
exactly once, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from openai_stub import StubServer, chat_reply, models_reply

from ragreason.cli import main

N = 24


def _data(tmp_path: Path) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps({"id": f"q{i}", "question": f"Which one, {i}?", "options": ["x", "y", "z"],
                                        "answer": "B"}) + "\n" for i in range(N)))
    return path


def _answers(path: Path) -> list[dict]:
    return [r for r in map(json.loads, path.read_text().splitlines()) if "item_id" in r]


def _reply(delay: float = 0.0):
    def plan(i, path, body):
        if path.endswith("/models"):
            return 200, models_reply("SmolLM2-135M-Instruct"), 0.0
        return 200, chat_reply(body, text="Answer: B"), delay
    return plan


def _flags(data: Path, out: Path, *urls: str) -> list[str]:
    return ["run", "--data", str(data), "--format", "mcq", "--out", str(out), "--score", "none", "--votes", "1",
            "--calibrate", "none", "--fallback", "none", "--batch-size", "4", "--no-progress",
            "--endpoint", ",".join(urls)]


def test_run_answers_through_the_endpoints_with_the_key_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAGREASON_API_KEY", "sekret")
    out = tmp_path / "a.jsonl"
    with StubServer(_reply(0.05)) as a, StubServer(_reply(0.05)) as b:
        assert main([*_flags(_data(tmp_path), out, a.url, b.url), "--concurrency", "3"]) == 0
    answers = _answers(out)
    assert sorted(r["item_id"] for r in answers) == sorted(f"q{i}" for i in range(N))
    assert all(r["choice"] == "B" for r in answers)
    chats = [len([p for p, _ in s.requests if p.endswith("/chat/completions")]) for s in (a, b)]
    assert chats == [N // 2, N // 2] and set(a.keys + b.keys) == {"Bearer sekret"}
    assert max(a.max_in_flight, b.max_in_flight) <= 2  # --concurrency 3 over two servers
    assert "accuracy" in capsys.readouterr().out


def test_a_server_stopped_mid_run_leaves_its_questions_to_the_other(tmp_path):
    out = tmp_path / "a.jsonl"
    with StubServer(_reply(0.02)) as a, StubServer(_reply(0.02)) as b:
        def stop_a_after_some():
            while len(a.requests) < 5:
                time.sleep(0.01)
            a.stop()
        threading.Thread(target=stop_a_after_some, daemon=True).start()
        assert main([*_flags(_data(tmp_path), out, a.url, b.url)]) == 0
    answers = _answers(out)
    assert sorted(r["item_id"] for r in answers) == sorted(f"q{i}" for i in range(N))  # each once
    assert len([p for p, _ in b.requests if p.endswith("/chat/completions")]) >= N - 5


def test_when_every_server_fails_the_run_stops_with_the_answers_so_far_on_disk(tmp_path, capsys):
    def failing_after(k):
        def plan(i, path, body):
            chats = i  # every request after the first k fails
            if path.endswith("/models"):
                return 200, models_reply("m"), 0.0
            return (200, chat_reply(body), 0.0) if chats < k else (503, {"error": {"message": "down"}}, 0.0)
        return plan

    out = tmp_path / "a.jsonl"
    data = _data(tmp_path)
    with StubServer(failing_after(5)) as a, StubServer(failing_after(5)) as b:
        flags = [*_flags(data, out, a.url, b.url)]
        assert main(flags) == 1
    printed = capsys.readouterr().out
    done = len(_answers(out))
    assert f"no answer from {a.url}, {b.url}" in printed
    assert f"{done} of {N} questions answered so far, kept in {out}" in printed and 4 <= done < N
    with StubServer(_reply()) as c:  # the same command, another server: the rest, none twice
        assert main([*_flags(data, out, c.url)]) == 0
    assert len(c.requests) - 1 == N - done  # one /models request, then the questions not answered yet
    assert sorted(r["item_id"] for r in _answers(out)) == sorted(f"q{i}" for i in range(N))


def test_a_client_killed_mid_run_resumes_without_answering_anything_twice(tmp_path):
    out = tmp_path / "a.jsonl"
    data = _data(tmp_path)
    with StubServer(_reply(0.05)) as a:
        command = [sys.executable, "-m", "ragreason", *_flags(data, out, a.url)]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while (not out.is_file() or len(_answers(out)) < 8) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        before = {r["item_id"] for r in _answers(out)}
        assert 8 <= len(before) < N
        asked = len(a.requests)
        assert main(_flags(data, out, a.url)) == 0
    answers = _answers(out)
    assert sorted(r["item_id"] for r in answers) == sorted(f"q{i}" for i in range(N))  # none twice
    assert len(a.requests) - asked - 1 == N - len(before)
