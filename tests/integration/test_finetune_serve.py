"""Fine-tune the packaged SmolLM2-135M-Instruct on a small real ProofWriter sample, then serve the
adapter through vLLM (``VLLMGenerator``): its greedy answers equal transformers + peft, and differ
from the base model's."""

import pytest

from ragreason.data import load_items
from ragreason.finetune import LoraSpec, TrainSpec, check_adapter, finetune, load_with_adapter
from ragreason.finetune.evaluate import LiveGenerator
from ragreason.prompt import PromptBuilder

pytestmark = pytest.mark.slow

BUILDER = PromptBuilder("direct-en", closed_world=False)


@pytest.fixture(scope="module")
def sample(shared_data):
    items = load_items(shared_data / "logic_lm" / "ProofWriter_train.json", "logic-lm")
    return items[:48], items[100:108]


@pytest.fixture(scope="module")
def adapter(sample, default_llm, tmp_path_factory):
    train, _ = sample
    out = tmp_path_factory.mktemp("smol-adapter")
    spec = TrainSpec(max_steps=12, lr=1e-3, batch_size=4, warmup=0.0, logging_steps=3, threads=2, seed=0)
    info = finetune(train, out_dir=out, builder=BUILDER, base_model=default_llm, lora=LoraSpec(r=8), spec=spec,
                    progress=False)
    return info, out


def test_the_loss_falls_on_real_data(adapter):
    info, _ = adapter
    losses = [h["loss"] for h in info.history if "loss" in h]
    assert losses[-1] < losses[0], losses
    assert info.metrics["precision"] in ("bf16", "fp32") and info.examples["skipped"] == []


def test_vllm_serves_the_adapter_with_the_same_greedy_answers(adapter, sample, default_llm):
    from transformers import AutoTokenizer

    from ragreason.generate import VLLMGenerator

    _, out = adapter
    _, probe = sample
    prompts = BUILDER.build_many(probe)
    check_adapter(out, default_llm)
    tokenizer = AutoTokenizer.from_pretrained(out)
    hf = LiveGenerator(load_with_adapter(out, dtype="float32"), tokenizer, name="hf")
    expected = [g[0].text for g in hf.generate(prompts, max_tokens=12)]
    with VLLMGenerator(default_llm, adapters={"ft": out}, dtype="float32") as llm:
        served = [g[0].text for g in llm.generate(prompts, max_tokens=12, adapter="ft")]
        base = [g[0].text for g in llm.generate(prompts, max_tokens=12)]
    assert served == expected
    assert served != base
    assert all(text.startswith("Answer: ") for text in served), served
