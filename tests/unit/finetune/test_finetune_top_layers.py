"""``LoraSpec(top_layers=N)`` adapts only the last N decoder layers, and autograd then records nothing
below them (where the speed comes from); asking for more layers than the model has fails clearly."""

import json

import pytest
import torch

from ragreason.finetune import LoraSpec, TrainSpec, finetune, load_with_adapter
from ragreason.finetune.runtime import load_lora_model
from ragreason.prompt import PromptBuilder
from ragreason.types import Item


def lora_layers(model) -> set[int]:
    return {int(name.split(".layers.")[1].split(".")[0]) for name, _ in model.named_parameters() if "lora_" in name}


def adapted(model, layer: int) -> set[str]:
    return {name.split(f".layers.{layer}.")[1].split(".lora_")[0] for name, _ in model.named_parameters()
            if f".layers.{layer}." in name and "lora_A" in name}


def hidden_states(model):
    ids = torch.tensor([[5, 6, 7, 8]])
    return model(input_ids=ids, output_hidden_states=True).hidden_states


def test_only_the_top_layers_hold_the_adapter_and_backward_stops_there(tiny_model_dir):
    everywhere = load_lora_model(str(tiny_model_dir), LoraSpec(r=4), device="cpu", precision="fp32")
    top = load_lora_model(str(tiny_model_dir), LoraSpec(r=4, top_layers=1), device="cpu", precision="fp32")
    assert lora_layers(everywhere) == {0, 1} and lora_layers(top) == {1}  # the tiny model has 2 layers
    assert adapted(top, 1) == adapted(everywhere, 1) and len(adapted(top, 1)) == 7  # "all-linear" in layer 1
    # hidden_states[1] is what layer 0 hands to layer 1: with an adapter in layer 0 it carries a graph to
    # backpropagate through; without one there is nothing to record (and nothing to compute backwards).
    assert hidden_states(everywhere)[1].requires_grad
    states = hidden_states(top)
    assert not states[1].requires_grad and states[-1].requires_grad


def test_more_layers_than_the_model_has_fail_with_the_count(tiny_model_dir):
    with pytest.raises(ValueError, match="top_layers is 3, but .* has 2 decoder layers"):
        load_lora_model(str(tiny_model_dir), LoraSpec(top_layers=3), device="cpu", precision="fp32")


def test_a_top_layers_adapter_trains_saves_and_loads(tiny_model_dir, tmp_path):
    items = [Item(f"q{i}", f"Is {i} even?", ("yes", "no"), "A" if i % 2 == 0 else "B", meta={"lang": "en"})
             for i in range(8)]
    spec = TrainSpec(max_steps=3, lr=1e-2, batch_size=4, warmup=0.0, threads=1, save_steps=100)
    info = finetune(items, out_dir=tmp_path / "a", builder=PromptBuilder("direct-en"), base_model=tiny_model_dir,
                    lora=LoraSpec(r=4, top_layers=1), spec=spec, progress=False)
    assert info.lora["top_layers"] == 1
    config = json.loads((tmp_path / "a" / "adapter_config.json").read_text())
    assert config["layers_to_transform"] == [1]
    assert lora_layers(load_with_adapter(tmp_path / "a")) == {1}
