"""The answer-only loss equals the model's own loss (value and gradients) while computing logits at a
few positions only; the Trainer uses it, and falls back to the stock loss when asked."""

import pytest
import torch

from ragreason.finetune import LoraSpec
from ragreason.finetune.answer_loss import answer_loss, answer_positions, supports_logits_to_keep
from ragreason.finetune.examples import IGNORE, Collator
from ragreason.finetune.runtime import load_lora_model


def batch(pad_id=0):
    """Three rows of different lengths: prompt tokens masked, 1-3 answer tokens at the end, right-padded."""
    g = torch.Generator().manual_seed(0)
    rows = []
    for prompt, answer in ((9, 2), (14, 3), (6, 1)):
        ids = torch.randint(5, 200, (prompt + answer,), generator=g).tolist()
        rows.append({"input_ids": ids, "labels": [IGNORE] * prompt + ids[prompt:]})
    return Collator(pad_id)(rows)


def test_answer_positions_are_those_that_predict_a_trained_token():
    labels = torch.tensor([[IGNORE, IGNORE, 7, 8, IGNORE], [IGNORE, IGNORE, IGNORE, IGNORE, 9]])
    assert answer_positions(labels).tolist() == [1, 2, 3]


@pytest.fixture
def model(tiny_model_dir):
    torch.manual_seed(0)
    lora = load_lora_model(str(tiny_model_dir), LoraSpec(r=4, dropout=0.0), device="cpu", precision="fp32")
    for name, p in lora.named_parameters():  # LoRA B starts at zero; give the adapter something to say
        if "lora_B" in name:
            torch.nn.init.normal_(p, std=0.05)
    return lora


def test_same_loss_and_gradients_as_the_models_own_loss(model):
    assert supports_logits_to_keep(model)
    inputs = batch()
    stock = model(**inputs).loss
    stock.backward()
    expected = {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}
    model.zero_grad()
    ours, outputs = answer_loss(model, inputs)
    ours.backward()
    assert outputs.logits.shape[1] == len(answer_positions(inputs["labels"])) < inputs["input_ids"].shape[1] / 2
    assert torch.allclose(ours, stock, atol=1e-6), (ours, stock)
    for name, p in model.named_parameters():
        if p.requires_grad:
            assert torch.allclose(p.grad, expected[name], atol=1e-6), name


def test_normalised_by_the_accumulated_token_count_when_given(model):
    inputs = batch()
    mean, _ = answer_loss(model, inputs)
    total, _ = answer_loss(model, inputs, num_items_in_batch=12)
    assert torch.allclose(total, mean * 6 / 12)  # 2 + 3 + 1 answer tokens here


def test_a_batch_without_answer_tokens_is_an_error(model):
    inputs = batch()
    inputs["labels"][:] = IGNORE
    with pytest.raises(ValueError, match="no answer tokens"):
        answer_loss(model, inputs)


def test_training_with_answer_logits_only_ends_where_the_stock_loss_does(tiny_model_dir, tmp_path):
    """Through the real Trainer, with gradient accumulation (the loss is normalised over 2 batches)."""
    from safetensors.torch import load_file

    from ragreason.finetune import TrainSpec, finetune
    from ragreason.prompt import PromptBuilder
    from ragreason.types import Item

    items = [Item(f"q{i}", f"The cat is {c}.{' It sits.' * (i % 3)} Which colour?", ("red", "blue", "green"),
                  "ABC"[i % 3]) for i, c in enumerate(["red", "blue", "green"] * 4)]
    adapters = {}
    for only in (True, False):
        spec = TrainSpec(max_steps=3, lr=1e-2, batch_size=2, grad_accum=2, warmup=0.0, save_steps=100, threads=1,
                         seed=1, answer_logits_only=only)
        finetune(items, out_dir=tmp_path / str(only), builder=PromptBuilder("direct-en"), base_model=tiny_model_dir,
                 lora=LoraSpec(r=4, dropout=0.0), spec=spec, progress=False)
        adapters[only] = load_file(tmp_path / str(only) / "adapter_model.safetensors")
    moved = max((w.abs().max().item() for n, w in adapters[True].items() if "lora_B" in n))
    assert moved > 1e-3  # the adapter trained at all
    for name, weight in adapters[True].items():
        assert torch.allclose(weight, adapters[False][name], atol=1e-5), name
