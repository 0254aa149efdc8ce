"""On a GPU the same recipe trains in bf16 with the larger default batch (run with -m gpu)."""

import pytest

from ragreason.finetune import TrainSpec, finetune
from ragreason.prompt import PromptBuilder
from ragreason.types import Item

pytestmark = pytest.mark.gpu


def test_finetune_uses_bf16_and_larger_batches_on_a_gpu(tiny_model_dir, tmp_path):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    items = [Item(f"q{i}", f"Is {i} even?", ("yes", "no"), "AB"[i % 2], meta={"lang": "en"}) for i in range(32)]
    info = finetune(items, out_dir=tmp_path, builder=PromptBuilder("direct-en"), base_model=tiny_model_dir,
                    spec=TrainSpec(max_steps=4, lr=1e-2, logging_steps=1, warmup=0.0), progress=False)
    assert info.metrics["device"] == "cuda"
    assert info.metrics["precision"] == ("bf16" if torch.cuda.is_bf16_supported() else "fp32")
    assert info.train["batch_size"] is None and info.metrics["batch_size"] == 16
    losses = [h["loss"] for h in info.history if "loss" in h]
    assert losses[-1] < losses[0]
