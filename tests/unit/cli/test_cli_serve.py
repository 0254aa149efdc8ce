"""``ragreason serve``: prints the URL, stops the server on Ctrl-C and on failure, names bad flags."""

from __future__ import annotations

import pytest

from ragreason.cli import main
from ragreason.generate import ServerStartError


class FakeServer:
    instances: list[FakeServer] = []

    def __init__(self, model, *, adapters, fail=False, **kw):
        from ragreason.generate import as_specs

        self.model, self.adapters, self.kw = model, as_specs(adapters), kw
        self.served_name, self.base_url, self.log_file = model, "http://127.0.0.1:4321/v1", "/tmp/x.log"
        self.checks, self.stopped = 0, False
        FakeServer.instances.append(self)

    def start(self):
        if self.model == "broken":
            raise ServerStartError("the vLLM server exited with code 1; last lines: boom")
        return self

    def check(self):
        self.checks += 1
        if self.checks == 2:
            raise KeyboardInterrupt

    def stop(self):
        self.stopped = True


@pytest.fixture
def fake(monkeypatch):
    import ragreason.cli.serve as serve

    FakeServer.instances.clear()
    monkeypatch.setattr(serve, "VLLMServer", FakeServer)
    monkeypatch.setattr(serve.time, "sleep", lambda s: None)
    return FakeServer.instances


def test_serve_prints_the_url_and_stops_on_ctrl_c(fake, capsys, tmp_path):
    code = main(["serve", "--model", "m", "--adapter", f"ft={tmp_path}", "--api-key", "k", "--kv-cache-gb", "0.5"])
    out = capsys.readouterr().out
    assert code == 0 and "serving m at http://127.0.0.1:4321/v1" in out and f"adapter ft: {tmp_path}" in out
    server = fake[0]
    assert server.stopped and server.kw["api_key"] == "k" and server.kw["kv_cache_bytes"] == 1 << 29
    assert server.kw["host"] == "127.0.0.1"


def test_a_server_that_fails_to_start_is_an_error(fake, capsys):
    assert main(["serve", "--model", "broken"]) == 1
    assert "boom" in capsys.readouterr().err and fake[0].stopped


def test_a_bad_adapter_flag_names_the_form(fake, capsys):
    assert main(["serve", "--model", "m", "--adapter", "no-equals-sign"]) == 2
    assert "name=path" in capsys.readouterr().err


def test_another_address_than_the_loopback_needs_an_api_key(capsys, tmp_path):
    assert main(["serve", "--model", str(tmp_path), "--host", "0.0.0.0"]) == 2
    assert "give it an API key" in capsys.readouterr().err


def test_the_key_comes_from_the_environment_and_never_stands_on_the_command_line(fake, monkeypatch, tmp_path):
    from ragreason.generate import VLLMServer

    monkeypatch.setenv("RAGREASON_API_KEY", "from-env")
    assert main(["serve", "--model", "m", "--host", "0.0.0.0"]) == 0
    assert fake[0].kw["api_key"] == "from-env" and fake[0].kw["host"] == "0.0.0.0"
    real = VLLMServer(tmp_path, api_key="sekret", host="10.0.0.1", port=8000)
    assert "sekret" not in " ".join(real.command()) and real.served_name == tmp_path.name


def test_the_packaged_model_is_served_under_its_short_name(fake):
    assert main(["serve"]) == 0
    assert fake[0].kw["served_name"] == "SmolLM2-135M-Instruct"
    assert main(["serve", "--model", "m", "--served-name", "mine"]) == 0
    assert fake[1].kw["served_name"] == "mine"
