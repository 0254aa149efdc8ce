"""``VLLMGenerator`` on the real vLLM (CPU) with the packaged SmolLM2: one engine call per batch with
n samples each, what every ``Generation`` records, stop strings, prefix caching, clear errors, and
one in-process engine at a time."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from ragreason.generate import GenerationError, UnknownAdapterError, VLLMGenerator
from ragreason.types import Item, Prompt

PROMPTS = [Prompt(f"q{i}", ({"role": "user", "content": q},), "direct-en") for i, q in enumerate(
    ["Which number is larger, 7 or 3?", "What is the capital of France?", "小明是小红的父亲。请问小红的父亲是谁？"])]
ITEM = Item("s", "Capital of France?", ("Berlin", "Paris", "Rome"))
ITEM_PROMPT = Prompt("s", ({"role": "user", "content": "Capital of France?\nA. Berlin\nB. Paris\nC. Rome"},),
                     "direct-en")


def chat_ids(gen: VLLMGenerator, prompt: Prompt) -> list[int]:
    text = gen.tokenizer.apply_chat_template(list(prompt.messages), tokenize=False, add_generation_prompt=True)
    return gen.tokenizer.encode(text, add_special_tokens=False)


def test_n_samples_per_prompt_in_order_from_one_engine_call(vllm, monkeypatch):
    calls = []
    real = vllm.llm.generate

    def spy(inputs, params, **kw):
        calls.append((len(inputs), params.n))
        return real(inputs, params, **kw)

    monkeypatch.setattr(vllm.llm, "generate", spy)
    out = vllm.generate(PROMPTS, n=4, temperature=1.0, top_p=0.95, max_tokens=6)
    assert calls == [(3, 4)]
    assert [[(g.item_id, g.sample) for g in gens] for gens in out] == [[(p.item_id, k) for k in range(4)]
                                                                       for p in PROMPTS]
    assert len({g.text for gens in out for g in gens}) > 3  # sampled, not copied


def test_generations_record_model_tokens_latency_and_logprob(vllm, default_llm):
    g = vllm.generate(PROMPTS[:2], max_tokens=6)[1][0]
    assert g.model == str(default_llm) and g.adapter is None and g.prompt_template == "direct-en"
    assert g.prompt_tokens == len(chat_ids(vllm, PROMPTS[1])) and 1 <= g.completion_tokens <= 6
    assert g.latency_s > 0 and g.logprob is not None and g.logprob < 0
    assert g.text and g.text == vllm.generate(PROMPTS[1:2], max_tokens=6)[0][0].text  # greedy repeats


def test_stop_strings_end_the_text(vllm):
    free = vllm.generate(PROMPTS[1:2], max_tokens=6)[0][0].text
    assert vllm.generate(PROMPTS[1:2], max_tokens=6, stop=[" "])[0][0].text == free.split(" ")[0]


def test_option_scores_prefer_the_right_capital(vllm):
    for method in ("label", "text"):
        scores = vllm.score_options([ITEM_PROMPT], [ITEM], method=method)[0]
        assert list(scores) == ["A", "B", "C"] and all(v < 0 for v in scores.values())
    assert max(scores, key=scores.get) == "B"  # the text of "Paris" is the likeliest reply


def test_constrained_decoding_returns_only_valid_answer_lines(vllm):
    """Structured outputs on vLLM-CPU: every sample is one of its prompt's allowed texts, also for prompts
    with different option counts in one call; greedy is deterministic."""
    two_prompt = Prompt("t", ({"role": "user", "content": "Capital of France?\nA. Paris\nB. Rome"},), "direct-en")
    choices = [["Answer: A", "Answer: B", "Answer: C"], ["Answer: A", "Answer: B"]]
    out = vllm.generate([ITEM_PROMPT, two_prompt], n=12, temperature=1.5, max_tokens=16, choices=choices)
    assert [len(gens) for gens in out] == [12, 12]
    for gens, allowed in zip(out, choices, strict=True):
        assert {g.text for g in gens} <= set(allowed) and all(g.logprob is not None for g in gens)
    assert len({g.text for g in out[0]}) > 1  # sampled within the choices, not forced to one
    greedy = vllm.generate([ITEM_PROMPT, two_prompt], max_tokens=16, choices=choices)
    assert all(g[0].text in allowed for g, allowed in zip(greedy, choices, strict=True))
    assert [g[0].text for g in vllm.generate([ITEM_PROMPT, two_prompt], max_tokens=16, choices=choices)] == [
        g[0].text for g in greedy]
    with pytest.raises(ValueError, match="one list per prompt"):
        vllm.generate([ITEM_PROMPT], choices=choices)


def test_prefix_caching_is_on(vllm):
    from vllm import SamplingParams
    from vllm.inputs import TokensPrompt

    assert vllm.llm.llm_engine.vllm_config.cache_config.enable_prefix_caching
    system = {"role": "system", "content": " ".join(f"Rule {i}: every cat is big." for i in range(40))}
    prompt = Prompt("long", (system, {"role": "user", "content": "Is the cat big?"}), "t")
    vllm.generate([prompt], max_tokens=1)
    again = vllm.llm.generate([TokensPrompt(prompt_token_ids=chat_ids(vllm, prompt))], SamplingParams(max_tokens=1),
                              use_tqdm=False)
    assert again[0].num_cached_tokens > 0


def test_unknown_adapter_and_bad_settings_are_clear_errors(vllm):
    with pytest.raises(UnknownAdapterError, match="'nope'; this generator serves: none"):
        vllm.generate(PROMPTS[:1], adapter="nope")
    with pytest.raises(ValueError, match="temperature 0"):
        vllm.generate(PROMPTS[:1], n=3)
    assert vllm.generate([], max_tokens=4) == []


def test_one_in_process_engine_at_a_time_then_close_frees_it(vllm, tiny_model_dir):
    other = VLLMGenerator(tiny_model_dir, kv_cache_bytes=64 << 20, max_model_len=256)
    with pytest.raises(GenerationError, match="close\\(\\) it first"):
        _ = other.llm
    vllm.close()
    before = set(Path(tempfile.gettempdir()).iterdir())
    with other:
        out = other.generate(PROMPTS[:2], max_tokens=4)
        assert len(out) == 2 and out[0][0].model == str(tiny_model_dir)
    assert other._llm is None
    left = {p.name for p in set(Path(tempfile.gettempdir()).iterdir()) - before}
    assert not {name for name in left if name.startswith(("vllm_dist_", "ragreason-vllm-", "torchinductor"))}
