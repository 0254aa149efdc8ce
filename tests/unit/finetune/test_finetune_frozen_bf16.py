"""Training under bf16 autocast on a CPU stores the frozen linear weights in bf16: the same loss and LoRA
gradients as float32 weights cast at every product, without the copies; the LoRA weights, the norms and the
output layer stay float32."""

import torch

from ragreason.finetune import LoraSpec
from ragreason.finetune.runtime import load_lora_model


def loss_and_grads(model, ids):
    model.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    return loss.item(), {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}


def same_adapter(model, seed=0):
    """Nonzero LoRA B (fresh adapters start at zero, which would leave A's gradient zero too)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _name, p in sorted(model.named_parameters()):
            if p.requires_grad:
                p.copy_(torch.randn(p.shape, generator=generator) * 0.1)


def test_frozen_linears_are_bf16_and_train_exactly_like_cast_float32_weights(tiny_model_dir):
    spec = LoraSpec(r=4, dropout=0.0)
    stored = load_lora_model(str(tiny_model_dir), spec, device="cpu", precision="bf16")
    cast = load_lora_model(str(tiny_model_dir), spec, device="cpu", precision="fp32")  # autocast casts them
    frozen = [m for m in stored.modules() if isinstance(m, torch.nn.Linear) and not m.weight.requires_grad
              and m is not stored.get_output_embeddings()]
    assert len(frozen) == 14 and all(m.weight.dtype == torch.bfloat16 for m in frozen)  # 7 per layer, 2 layers
    assert all(p.dtype == torch.float32 for n, p in stored.named_parameters() if p.requires_grad or "norm" in n)
    assert stored.get_output_embeddings().weight.dtype == torch.float32
    assert stored.get_input_embeddings().weight.dtype == torch.float32
    same_adapter(stored)
    same_adapter(cast)
    ids = torch.tensor([[5, 6, 7, 8, 9, 10, 11, 12]])
    loss_stored, grads_stored = loss_and_grads(stored, ids)
    loss_cast, grads_cast = loss_and_grads(cast, ids)
    assert loss_stored == loss_cast
    assert grads_stored.keys() == grads_cast.keys() and grads_stored
    for name, grad in grads_stored.items():
        assert torch.equal(grad, grads_cast[name]), name
