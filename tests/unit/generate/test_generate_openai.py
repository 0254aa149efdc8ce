"""``OpenAIGenerator`` against scripted local HTTP servers: retries, spreading, bounds, errors."""

from __future__ import annotations

import time

import pytest
from openai_stub import StubServer, chat_reply, models_reply, ok

from ragreason.generate import EndpointError, OpenAIGenerator, UnknownAdapterError
from ragreason.generate.vllm_server import free_port
from ragreason.types import Prompt


def prompts(k: int) -> list[Prompt]:
    return [Prompt(f"q{i}", ({"role": "user", "content": f"question {i}"},), "t") for i in range(k)]


def fast(url, **kw) -> OpenAIGenerator:
    kw.setdefault("backoff", 0.0)
    return OpenAIGenerator(url, model="base", **kw)


def test_n_samples_come_from_one_request_per_prompt_in_order():
    with StubServer() as stub:
        out = fast(stub.url).generate(prompts(3), n=4, temperature=0.7, max_tokens=9)
    chats = [body for path, body in stub.requests if path.endswith("/chat/completions")]
    assert len(chats) == 3 and all(b["n"] == 4 and b["max_tokens"] == 9 for b in chats)
    assert [[g.item_id for g in gens] for gens in out] == [["q0"] * 4, ["q1"] * 4, ["q2"] * 4]
    first = out[0]
    assert [g.sample for g in first] == [0, 1, 2, 3] and first[2].text == "Answer: B #2"
    assert sum(g.completion_tokens for g in first) == 12 and first[0].prompt_tokens == 11
    assert first[0].model == "base" and first[0].adapter is None and first[0].latency_s > 0


def test_the_adapter_name_is_the_model_name_of_the_request():
    with StubServer() as stub:
        out = fast(stub.url).generate(prompts(1), adapter="ft")
    assert stub.requests[-1][1]["model"] == "ft" and out[0][0].adapter == "ft"


def test_a_wrong_adapter_name_lists_what_the_server_serves():
    def plan(i, path, body):
        if path.endswith("/models"):
            return 200, models_reply("base", "ft"), 0.0
        return 404, {"error": {"message": f"The model `{body['model']}` does not exist.", "code": 404}}, 0.0

    with StubServer(plan) as stub, pytest.raises(UnknownAdapterError, match="'nope'.*base, ft"):
        fast(stub.url).generate(prompts(1), adapter="nope")


def test_429_and_500_are_retried_with_backoff_then_succeed():
    def plan(i, path, body):
        return (429, {"error": {"message": "slow down"}}, 0.0) if i == 0 else \
               (500, {"error": {"message": "boom"}}, 0.0) if i == 1 else ok(i, path, body)

    with StubServer(plan) as stub:
        started = time.perf_counter()
        out = OpenAIGenerator(stub.url, model="base", backoff=0.2, retries=3).generate(prompts(1))
        waited = time.perf_counter() - started
    assert out[0][0].text == "Answer: B #0" and len(stub.requests) == 3
    assert waited >= 0.2 + 0.4 - 0.05  # two waits: 0.2 s, then doubled


def test_persistent_5xx_gives_up_with_a_clear_error():
    with StubServer(lambda i, p, b: (503, {"error": {"message": "overloaded"}}, 0.0)) as stub:
        with pytest.raises(EndpointError, match=r"after 3 attempts: HTTP 503"):
            fast(stub.url, retries=2).generate(prompts(1))
    assert len(stub.requests) == 3


def test_a_client_error_is_not_retried_and_says_what_the_endpoint_refused():
    with StubServer(lambda i, p, b: (400, {"error": {"message": "bad request"}}, 0.0)) as stub:
        with pytest.raises(EndpointError, match=r"refused the request: HTTP 400.*bad request.*cannot do"):
            fast(stub.url, retries=3).generate(prompts(1))
    assert len(stub.requests) == 1


def test_a_slow_request_times_out_and_is_retried():
    def plan(i, path, body):
        return (200, chat_reply(body), 2.0) if i == 0 else ok(i, path, body)

    with StubServer(plan) as stub:
        started = time.perf_counter()
        out = fast(stub.url, timeout=0.5, retries=1).generate(prompts(1))
    assert out[0][0].text == "Answer: B #0" and len(stub.requests) == 2
    assert time.perf_counter() - started < 1.9


def test_an_unreachable_endpoint_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(EndpointError, match=r"no answer from http://127\.0\.0\.1:\d+/v1 after 2 attempts.*Connection"):
        fast(url, retries=1).generate(prompts(1))


def test_requests_are_spread_over_endpoints_and_fail_over():
    with StubServer() as a, StubServer() as b:
        out = fast([a.url, b.url]).generate(prompts(6))
        assert len(out) == 6 and len(a.requests) == 3 and len(b.requests) == 3
    down = f"http://127.0.0.1:{free_port()}/v1"
    with StubServer() as c:
        out = fast([down, c.url], retries=1).generate(prompts(4))
    assert [g[0].item_id for g in out] == ["q0", "q1", "q2", "q3"] and len(c.requests) == 4


def test_concurrency_is_bounded():
    with StubServer(lambda i, p, b: (200, chat_reply(b), 0.15)) as stub:
        fast(stub.url, concurrency=3).generate(prompts(12))
    assert stub.max_in_flight == 3


def test_the_model_defaults_to_the_first_served_one():
    with StubServer() as stub:
        gen = OpenAIGenerator(stub.url)
        assert gen.model == "base" and gen.model_name == "base"


def test_bad_settings_are_rejected():
    with pytest.raises(ValueError, match="http"):
        OpenAIGenerator("localhost:8000")
    with pytest.raises(ValueError, match="concurrency"):
        OpenAIGenerator("http://x/v1", concurrency=0)
    with pytest.raises(ValueError, match="temperature 0"):
        OpenAIGenerator("http://x/v1", model="m").generate(prompts(1), n=2, temperature=0.0)


def test_a_failing_endpoint_leaves_the_rotation_and_rejoins_after_its_cool_down():
    """One endpoint answers 503: it is asked once, then every request goes to the other until its cool-down
    ends; once it answers again it is back in the rotation."""
    broken = {"on": True}

    def flaky(i, path, body):
        return (503, {"error": {"message": "down"}}, 0.0) if broken["on"] else ok(i, path, body)

    with StubServer(flaky) as a, StubServer() as b:
        gen = OpenAIGenerator([a.url, b.url], model="base", backoff=0.6, concurrency=1)
        out = gen.generate(prompts(10))
        assert [g[0].item_id for g in out] == [f"q{i}" for i in range(10)]
        assert (len(a.requests), len(b.requests)) == (1, 10)
        assert gen.pool.in_rotation() == [b.url]
        broken["on"] = False
        time.sleep(0.7)
        gen.generate(prompts(4))
        assert len(a.requests) == 3 and gen.pool.in_rotation() == [a.url, b.url]


def test_when_every_endpoint_fails_the_request_names_them_all():
    with StubServer(lambda i, p, b: (502, {"error": {"message": "bad gateway"}}, 0.0)) as a, \
            StubServer(lambda i, p, b: (500, {"error": {"message": "boom"}}, 0.0)) as b:
        with pytest.raises(EndpointError, match=rf"no answer from {a.url}, {b.url} after 3 attempts"):
            fast([a.url, b.url], retries=1).generate(prompts(1))



def test_adapters_trained_here_are_loaded_into_each_endpoint_before_first_use_and_again_after_a_restart(tmp_path):
    restarted = {"a": False}

    def plan(i, path, body):
        if path.endswith("/load_lora_adapter"):
            return 200, {}, 0.0
        if path.endswith("/chat/completions") and body["model"] != "base" and restarted["a"]:
            restarted["a"] = False
            return 404, {"error": {"message": f"The model `{body['model']}` does not exist."}}, 0.0
        return ok(i, path, body)

    with StubServer(plan) as a:
        gen = OpenAIGenerator(a.url, model="base", backoff=0.0, adapters={"ft": tmp_path})
        out = gen.generate(prompts(3), adapter="ft")
        loads = [b for p, b in a.requests if p.endswith("/load_lora_adapter")]
        served = loads[0]["lora_name"]
        assert len(loads) == 1 and served.startswith("ft-") and loads[0]["lora_path"] == str(tmp_path.resolve())
        chats = [b["model"] for p, b in a.requests if p.endswith("/chat/completions")]
        assert chats == [served] * 3 and {g[0].adapter for g in out} == {"ft"}
        assert gen.served_model(None) == "base" and gen.served_model("ft") == served
        restarted["a"] = True  # the server forgot it: loaded again, the request asked again
        gen.generate(prompts(1), adapter="ft")
        assert len([p for p, _ in a.requests if p.endswith("/load_lora_adapter")]) == 2


def test_a_server_that_cannot_load_adapters_says_how_to_start_one_that_can(tmp_path):
    from ragreason.generate import GenerationError

    def plan(i, path, body):
        return (404, {"detail": "Not Found"}, 0.0) if path.endswith("/load_lora_adapter") else ok(i, path, body)

    with StubServer(plan) as a, pytest.raises(GenerationError, match="ragreason serve --runtime-adapters"):
        OpenAIGenerator(a.url, model="base", adapters={"ft": tmp_path}).generate(prompts(1), adapter="ft")
