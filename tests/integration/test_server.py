"""``VLLMServer`` + ``OpenAIGenerator`` on the real vLLM server (CPU) with the packaged SmolLM2 and two
adapters by name: same greedy answers and option scores as transformers + peft, clear errors, and no
process left once it stops."""

from __future__ import annotations

import os
import time

import openai
import pytest

from ragreason.generate import EndpointError, OpenAIGenerator, TransformersGenerator, UnknownAdapterError, VLLMServer
from ragreason.prompt import PromptBuilder
from ragreason.types import Item, Prompt

PROMPTS = [Prompt(f"q{i}", ({"role": "user", "content": q},), "direct-en") for i, q in enumerate(
    ["Name a colour.", "Is the cat big if every cat is big?", "What is the capital of France?"])]
ITEMS = [Item("s1", "Which number is larger?", ("3", "7")), Item("s2", "Capital of France?", ("Berlin", "Paris"))]
ITEM_PROMPTS = [Prompt(i.id, ({"role": "user", "content": f"{i.question}\nA. {i.options[0]}\nB. {i.options[1]}"},),
                       "direct-en") for i in ITEMS]


@pytest.fixture(scope="module")
def server(default_llm, smol_adapters, tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "server.log"
    with VLLMServer(default_llm, adapters=smol_adapters, api_key="test-key", dtype="float32", log_file=log,
                    kv_cache_bytes=256 << 20, max_model_len=1024, startup_timeout=240) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    return server.generator(concurrency=4, timeout=60)


@pytest.fixture(scope="module")
def hf(default_llm, smol_adapters):
    return TransformersGenerator(default_llm, adapters=smol_adapters, dtype="float32", threads=1)


def test_it_serves_the_base_model_and_adapters_by_name(server, client):
    assert client.served_models() == [server.served_name, "rnd1", "rnd2"]
    assert server.host == "127.0.0.1"


def test_greedy_answers_equal_transformers_peft_for_each_adapter(client, hf):
    texts = {}
    for adapter in (None, "rnd1", "rnd2"):
        texts[adapter] = [g[0].text for g in client.generate(PROMPTS[:2], max_tokens=8, adapter=adapter)]
        assert texts[adapter] == [g[0].text for g in hf.generate(PROMPTS[:2], max_tokens=8, adapter=adapter)]
    assert texts["rnd1"] != texts[None] and texts["rnd2"] != texts[None]


def test_n_samples_in_one_request_with_counts(client, server):
    out = client.generate(PROMPTS[:2], n=3, temperature=0.9, max_tokens=6, adapter="rnd1")
    assert [[(g.item_id, g.sample, g.adapter) for g in gens] for gens in out] == [
        [(p.item_id, k, "rnd1") for k in range(3)] for p in PROMPTS[:2]]
    g = out[0][0]
    assert g.model == server.served_name and g.prompt_tokens > 10 and 1 <= g.completion_tokens <= 6
    assert g.logprob is not None and g.latency_s > 0


def test_constrained_choices_go_to_the_server_as_structured_outputs(client):
    choices = [["答案是：A", "答案是：B"], ["Answer: A", "Answer: B"]]
    out = client.generate(ITEM_PROMPTS, n=6, temperature=1.5, max_tokens=16, choices=choices)
    assert all({g.text for g in gens} <= set(allowed) for gens, allowed in zip(out, choices, strict=True))


@pytest.mark.parametrize("method", ["label", "text", "cloze", "cloze-pmi"])
def test_option_scores_over_the_server_equal_transformers_peft(client, hf, method):
    prompts = PromptBuilder("direct").for_scoring(method).build_many(ITEMS[:1]) if method.startswith("cloze") \
        else ITEM_PROMPTS[:1]
    served = client.score_options(prompts, ITEMS[:1], method=method, adapter="rnd2")
    assert served == [pytest.approx(hf.score_options(prompts, ITEMS[:1], method, "rnd2")[0], abs=2e-3)]


def test_clear_errors_for_a_wrong_adapter_and_a_wrong_key(server, client):
    with pytest.raises(UnknownAdapterError, match="'nope'.*rnd1, rnd2"):
        client.generate(PROMPTS[:1], adapter="nope")
    wrong = OpenAIGenerator(server.base_url, api_key="wrong", model=server.served_name, backoff=0)
    with pytest.raises(EndpointError, match="refused the request: HTTP 401.*the API key") as refused:
        wrong.generate(PROMPTS[:1], max_tokens=2)
    assert isinstance(refused.value.__cause__, openai.AuthenticationError)


def test_the_key_and_the_prompts_stay_out_of_the_log_and_the_command_line(server, client):
    client.generate(PROMPTS[2:], max_tokens=2)
    log = server.log_file.read_text(errors="replace")
    cmdline = (open(f"/proc/{server.process.pid}/cmdline", "rb").read().decode(errors="replace")
               if os.path.exists(f"/proc/{server.process.pid}/cmdline") else "")
    assert "test-key" not in log and "test-key" not in cmdline
    assert "capital of France" not in log  # request bodies are not logged


def test_stop_leaves_no_process_behind(server):
    pgid = server.process.pid
    server.stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"processes of group {pgid} still run after stop()")
    assert not server.alive


@pytest.mark.slow
def test_a_real_server_on_a_broken_model_is_reported_with_its_log(tmp_path):
    from ragreason.generate import ServerStartError

    (tmp_path / "config.json").write_text("{}")
    server = VLLMServer(tmp_path, startup_timeout=300)
    with pytest.raises(ServerStartError, match=r"exited with code \d+; last lines of"):
        server.start()
    assert server.process is None or not server.alive


@pytest.mark.slow
def test_ragreason_serve_prints_the_url_and_stops_on_ctrl_c(default_llm):
    import json
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "ragreason", "serve", "--model", str(default_llm),
                             "--kv-cache-gb", "0.25"], stdout=subprocess.PIPE, text=True)
    try:
        url = None
        for line in proc.stdout:  # type: ignore[union-attr]
            found = re.search(r" at (http://127\.0\.0\.1:(\d+)/v1)", line)
            if found:
                url, port = found.group(1), found.group(2)
                break
        assert url is not None, "no URL printed"
        with urllib.request.urlopen(f"{url}/models", timeout=10) as response:
            assert json.load(response)["data"][0]["id"] == str(default_llm)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    left = subprocess.run(["pgrep", "-f", f"--port {port}"], capture_output=True, text=True).stdout.split()
    assert not left, f"server processes left: {left}"
