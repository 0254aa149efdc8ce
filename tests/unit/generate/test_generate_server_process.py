"""``VLLMServer``'s process handling, with a small stand-in server script instead of vLLM: health
wait, log tail of a dead server, start timeout, SIGTERM then SIGKILL, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ragreason.generate import ServerStartError, VLLMServer

STANDIN = r'''
import http.server, os, signal, subprocess, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])  # like vLLM's engine process
print("standin pid", os.getpid(), "child", child.pid, flush=True)
if mode == "die":
    print("ValueError: the model folder holds no config.json", flush=True)
    sys.exit(3)
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "never":
    time.sleep(300)

class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
    def log_message(self, *a):
        pass

time.sleep(0.5)
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
'''


def standin(tmp_path, mode: str, **kw) -> VLLMServer:
    script = tmp_path / "standin.py"
    script.write_text(STANDIN)
    server = VLLMServer(tmp_path, log_file=tmp_path / "server.log", **kw)
    server.command = lambda: [sys.executable, str(script), str(server.port), mode]  # type: ignore[method-assign]
    return server


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pgid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not group_alive(pgid):
            return True
        time.sleep(0.05)
    return False


def test_start_waits_for_health_and_stop_leaves_no_process(tmp_path):
    with standin(tmp_path, "ok") as server:
        assert server.alive and server.base_url == f"http://127.0.0.1:{server.port}/v1"
        pgid = server.process.pid
        assert group_alive(pgid)
        assert "child" in server.log_tail()
    assert not server.alive and wait_gone(pgid)
    assert not server._tmp.exists()  # its temp folder is gone (the log lives elsewhere)


def test_a_server_that_dies_is_reported_with_its_log(tmp_path):
    server = standin(tmp_path, "die")
    with pytest.raises(ServerStartError, match=r"exited with code 3(.|\n)*no config\.json"):
        server.start()
    server.stop()
    out = subprocess.run(["pgrep", "-f", "time.sleep\\(300\\)"], capture_output=True, text=True).stdout.split()
    assert not out  # the stand-in's orphaned child is killed with the group


def test_a_server_that_never_gets_healthy_times_out_and_is_stopped(tmp_path):
    server = standin(tmp_path, "never", startup_timeout=1.5)
    started = time.monotonic()
    with pytest.raises(ServerStartError, match=r"not healthy after 1.5 s"):
        server.start()
    assert time.monotonic() - started < 15
    assert server.process is None


def test_sigterm_then_sigkill(tmp_path):
    server = standin(tmp_path, "stubborn").start()
    pgid = server.process.pid
    started = time.monotonic()
    server.stop(grace=1.0)
    assert 0.9 < time.monotonic() - started < 10 and wait_gone(pgid)


def test_the_command_binds_localhost_and_names_adapters(tmp_path):
    adapter = tmp_path / "ad"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"r": 8}')
    server = VLLMServer("/models/m", adapters={"ft": adapter}, api_key="k", port=1234, kv_cache_bytes=1 << 28,
                        device="cpu")
    cmd = server.command()
    joined = " ".join(cmd)
    assert cmd[1:3] == ["-m", "vllm.entrypoints.openai.api_server"]
    assert "--host 127.0.0.1 --port 1234" in joined and "--api-key" not in joined  # the key: in its environment
    assert "--enable-lora" in cmd and "--max-lora-rank 8" in joined and "--max-loras 1" in joined
    assert f"--lora-modules ft={adapter}" in joined and "--enforce-eager" in cmd
    assert "--kv-cache-memory-bytes 268435456" in joined and "--enable-prefix-caching" in cmd


def test_sigterm_to_the_group_is_what_stop_sends(tmp_path, monkeypatch):
    sent = []
    real = os.killpg
    monkeypatch.setattr(os, "killpg", lambda pid, sig: (sent.append(sig), real(pid, sig))[1])
    with standin(tmp_path, "ok"):
        pass
    assert sent[0] == signal.SIGTERM


def test_loopback_addresses_and_short_names():
    from ragreason.generate.vllm_server import is_loopback, short_name

    assert [is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "localhost", "0.0.0.0", "10.0.0.1",
                                     "gpu-node-1")] == [True, True, True, True, False, False, False]
    assert short_name("Qwen/Qwen2.5-7B-Instruct") == "Qwen/Qwen2.5-7B-Instruct"


OWNER = r'''
import sys, time
from pathlib import Path
from ragreason.generate import VLLMServer
folder, mode = Path(sys.argv[1]), sys.argv[2]
server = VLLMServer(folder, log_file=folder / "owned.log")
server.command = lambda: [sys.executable, str(folder / "standin.py"), str(server.port), mode]
server.start()
print(server.process.pid, server._tmp, flush=True)
time.sleep(300)
'''


def test_a_server_whose_owner_is_killed_stops_and_its_folder_is_swept_by_the_next_start(tmp_path):
    (tmp_path / "standin.py").write_text(STANDIN)
    (tmp_path / "owner.py").write_text(OWNER)
    owner = subprocess.Popen([sys.executable, str(tmp_path / "owner.py"), str(tmp_path), "ok"],
                             stdout=subprocess.PIPE, text=True)
    pid, folder = owner.stdout.readline().split()
    owner.kill()  # SIGKILL: no clean-up of its own
    owner.wait()
    owner.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and \
            "zombie" not in Path(f"/proc/{pid}/status").read_text().lower():
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert Path(folder).exists()
    with standin(tmp_path, "ok"):
        assert not Path(folder).exists()
    subprocess.run(["pkill", "-f", "time.sleep\\(300\\)"], check=False)  # the stand-in's own child, orphaned
