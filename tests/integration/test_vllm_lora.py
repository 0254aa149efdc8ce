"""LoRA through vLLM equals transformers + peft: random adapters of SmolLM2 (two on q/v, one on the top
8 layers only) served side by side in one engine give the same greedy tokens and option scores as
peft, and each changes the output.
Float32 on both sides (in bf16 the two stacks round differently and greedy paths can part)."""

from __future__ import annotations

import pytest

from ragreason.generate import TransformersGenerator, VLLMGenerator
from ragreason.types import Item, Prompt

QUESTIONS = ["Name a colour.", "Is the cat big if every cat is big?", "Which number is larger, 7 or 3?",
             "What is the capital of France?", "小明是小红的父亲。请问小红的父亲是谁？"]
PROMPTS = [Prompt(f"q{i}", ({"role": "user", "content": q},), "direct-en") for i, q in enumerate(QUESTIONS)]
ITEMS = [Item("s1", "Which number is larger?", ("3", "7")),
         Item("s2", "What is the capital of France?", ("Berlin", "Paris", "Rome", "Madrid"))]
ITEM_PROMPTS = [Prompt(i.id, ({"role": "user", "content": i.question + "\n" + "\n".join(
    f"{k}. {o}" for k, o in zip(i.letters, i.options, strict=True))},), "direct-en") for i in ITEMS]


@pytest.fixture(scope="module")
def adapters(default_llm, smol_adapters, tmp_path_factory):
    """The two random q/v adapters, and one on every linear layer of the last 8 decoder layers only
    (``LoraSpec(top_layers=8)``, made by the fine-tuning code's own loader, random ``lora_B``)."""
    import torch

    from ragreason.finetune import LoraSpec
    from ragreason.finetune.runtime import load_lora_model

    torch.manual_seed(0)
    model = load_lora_model(str(default_llm), LoraSpec(r=8, dropout=0.0, top_layers=8), device="cpu",
                            precision="fp32")
    generator = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.05)
    top = tmp_path_factory.mktemp("top-adapter") / "top8"
    model.save_pretrained(top)
    return {**smol_adapters, "top8": top}


@pytest.fixture(scope="module")
def vllm(default_llm, adapters):
    gen = VLLMGenerator(default_llm, adapters=adapters, dtype="float32", kv_cache_bytes=256 << 20,
                        max_model_len=1024)
    yield gen
    gen.close()


@pytest.fixture(scope="module")
def hf(default_llm, adapters):
    return TransformersGenerator(default_llm, adapters=adapters, dtype="float32", threads=1)


def greedy(gen, prompts, adapter, tokens):
    return [g[0].text for g in gen.generate(prompts, max_tokens=tokens, adapter=adapter)]


def test_greedy_outputs_equal_transformers_peft_and_each_adapter_shows(vllm, hf):
    served = {a: greedy(vllm, PROMPTS[:2], a, 6) for a in (None, "rnd1", "rnd2")}
    assert served == {a: greedy(hf, PROMPTS[:2], a, 6) for a in (None, "rnd1", "rnd2")}
    assert served["rnd1"] != served[None] and served["rnd2"] != served[None] and served["rnd1"] != served["rnd2"]


def test_an_adapter_on_the_top_layers_only_serves_like_peft(vllm, hf):
    served = greedy(vllm, PROMPTS[:2], "top8", 6)
    assert served == greedy(hf, PROMPTS[:2], "top8", 6)
    assert served != greedy(vllm, PROMPTS[:2], None, 6)


def test_option_scores_equal_transformers_peft(vllm, hf):
    for method, adapter in (("label", None), ("label", "rnd1"), ("text", "rnd2")):
        served = vllm.score_options(ITEM_PROMPTS[:1], ITEMS[:1], method=method, adapter=adapter)
        assert served == [pytest.approx(hf.score_options(ITEM_PROMPTS[:1], ITEMS[:1], method, adapter)[0], abs=2e-3)]
    assert vllm.score_options(ITEM_PROMPTS[:1], ITEMS[:1], "label", "rnd1") != \
        vllm.score_options(ITEM_PROMPTS[:1], ITEMS[:1], "label")


@pytest.mark.slow
def test_longer_greedy_outputs_and_all_scores_equal_transformers_peft(vllm, hf):
    for adapter in (None, "rnd1", "rnd2"):
        assert greedy(vllm, PROMPTS, adapter, 24) == greedy(hf, PROMPTS, adapter, 24), adapter
        for method in ("label", "text"):
            served = vllm.score_options(ITEM_PROMPTS, ITEMS, method, adapter)
            local = hf.score_options(ITEM_PROMPTS, ITEMS, method, adapter)
            assert served == [pytest.approx(x, abs=2e-3) for x in local], (adapter, method)
