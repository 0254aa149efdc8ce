"""Fine-tune the tiny test model for a few steps (CPU, one thread): the loss falls, the adapter changes
what the model writes, the folder is complete, training resumes, merging keeps the outputs."""

import json
from dataclasses import replace

import pytest

from ragreason.finetune import (
    AdapterMismatchError,
    LoraSpec,
    TrainSpec,
    check_adapter,
    finetune,
    load_with_adapter,
    merge,
    read_info,
)
from ragreason.finetune.evaluate import LiveGenerator
from ragreason.prompt import PromptBuilder
from ragreason.types import Item

COLOURS = {"red": "A", "blue": "B", "green": "C"}
ITEMS = [Item(f"q{i}", f"The cat is {c}. Which colour is the cat?", ("red", "blue", "green"), COLOURS[c],
              meta={"lang": "en"}) for i, c in enumerate(list(COLOURS) * 8)]
BUILDER = PromptBuilder("direct-en", closed_world=False)
# Plain shuffled batches here (the items are all one length); the grouped sampler has its own test below.
SPEC = TrainSpec(max_steps=40, lr=5e-2, batch_size=4, warmup=0.0, logging_steps=4, eval_steps=20, save_steps=16,
                 threads=1, seed=5, group_by_length=False, precision="fp32")  # the same on every CPU kind
LORA = LoraSpec(r=8, alpha=16, dropout=0.0)


@pytest.fixture(scope="module")
def base_dir(tiny_model_dir, tmp_path_factory):
    """The tiny model with its (tied) embeddings scaled up 5x. LoRA does not touch the embeddings or the
    final norm, and the tiny model's logits span only ~±2.5, which keeps the loss above ~4.5 whatever
    the adapter does; scaled, its logits can move far enough to learn within a few dozen steps."""
    import shutil

    import torch
    from transformers import AutoModelForCausalLM

    out = tmp_path_factory.mktemp("tiny-scaled")
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    with torch.no_grad():
        model.get_input_embeddings().weight.mul_(5.0)
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        if (tiny_model_dir / name).exists():
            shutil.copy(tiny_model_dir / name, out / name)
    return out


@pytest.fixture(scope="module")
def trained(base_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("adapter")
    info = finetune(ITEMS, out_dir=out, builder=BUILDER, base_model=base_dir, eval_items=ITEMS[:6],
                    lora=LORA, spec=SPEC, progress=False)
    return info, out


def greedy(model, tokenizer, items):
    generator = LiveGenerator(model, tokenizer, name="tiny")
    return [g[0].text for g in generator.generate(BUILDER.build_many(items), max_tokens=8)]


def test_the_loss_falls(trained):
    info, _ = trained
    losses = [h["loss"] for h in info.history if "loss" in h]
    assert len(losses) == 10
    assert losses[-1] < 0.5 * losses[0], losses
    assert info.metrics["steps"] == 40 and info.metrics["tokens_per_second"] > 0


def test_the_adapter_changes_the_outputs_towards_the_answer_line(trained, base_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    _, out = trained
    tokenizer = AutoTokenizer.from_pretrained(out)
    base = AutoModelForCausalLM.from_pretrained(base_dir).eval()
    before, after = greedy(base, tokenizer, ITEMS[:6]), greedy(load_with_adapter(out), tokenizer, ITEMS[:6])
    assert before != after
    assert not any("Answer" in text for text in before), before
    # the answer line, learned; on some CPUs (Xeon with AMX, fp32) the reply opens with one ":" before it
    assert all(text.lstrip(":").startswith("Answer") for text in after), after


def test_eval_accuracy_is_logged_during_and_after_training(trained):
    info, _ = trained
    evals = [h for h in info.history if "eval_accuracy" in h]
    assert [h["step"] for h in evals] == [20, 40]
    assert info.metrics["eval_accuracy"] == evals[-1]["eval_accuracy"]
    assert all(0.0 <= h["eval_accuracy"] <= h["eval_answered"] <= 1.0 and h["eval_items"] == 6 for h in evals)


def test_the_folder_holds_adapter_tokenizer_template_and_info(trained, base_dir):
    info, out = trained
    names = {p.name for p in out.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "ragreason.json"} <= names
    template = (out / "chat_template.jinja").read_text() if "chat_template.jinja" in names else \
        json.loads((out / "tokenizer_config.json").read_text())["chat_template"]
    assert "<|im_start|>" in template
    assert read_info(out) == info
    assert info.base_model == str(base_dir) and info.template == "direct-en" and info.target == "answer"
    assert info.lora["r"] == 8 and info.train["lr"] == 5e-2 and len(info.data_hash) == 16
    assert info.examples["train"] == 24 and info.examples["skipped"] == []
    assert {p.name for p in (out / "checkpoints").glob("checkpoint-*")} == {"checkpoint-32", "checkpoint-40"}


def test_training_resumes_from_a_checkpoint_to_the_same_adapter(trained, base_dir, tmp_path):
    import shutil

    from safetensors.torch import load_file

    info, out = trained
    copy = tmp_path / "resumed"
    shutil.copytree(out / "checkpoints", copy / "checkpoints")
    shutil.rmtree(copy / "checkpoints" / "checkpoint-40")
    resumed = finetune(ITEMS, out_dir=copy, builder=BUILDER, base_model=base_dir, lora=LORA, spec=SPEC,
                       progress=False, resume=True)
    assert resumed.metrics["steps"] == 40 and info.metrics["start_step"] == 0
    assert resumed.metrics["start_step"] == 32 and resumed.metrics["resumed_from"].endswith("checkpoint-32")
    assert resumed.metrics["tokens_this_run"] < info.metrics["tokens_this_run"] / 4  # 8 of 40 steps
    assert [h["step"] for h in resumed.history if "loss" in h][0] == 4  # the history before the resume is kept
    first, again = load_file(out / "adapter_model.safetensors"), load_file(copy / "adapter_model.safetensors")
    assert first.keys() == again.keys()
    for name in first:
        assert (first[name] - again[name]).abs().max() < 1e-4, name
    with pytest.raises(FileExistsError, match="already holds checkpoints"):
        finetune(ITEMS, out_dir=copy, builder=BUILDER, base_model=base_dir, lora=LORA, spec=SPEC, progress=False)
    with pytest.raises(ValueError, match="the run's train changed"):
        finetune(ITEMS, out_dir=copy, builder=BUILDER, base_model=base_dir, lora=LORA, spec=replace(SPEC, lr=1e-3),
                 progress=False, resume=True)


def test_an_adapter_on_the_wrong_base_fails_clearly(trained, default_llm):
    _, out = trained
    with pytest.raises(AdapterMismatchError, match="hidden_size 128 vs 576"):
        check_adapter(out, default_llm)
    with pytest.raises(AdapterMismatchError, match="load it onto its own base model"):
        load_with_adapter(out, default_llm)


def test_an_adapter_made_elsewhere_is_checked_by_its_shapes(trained, default_llm, tmp_path):
    import shutil

    _, out = trained
    foreign = tmp_path / "foreign"
    shutil.copytree(out, foreign, ignore=shutil.ignore_patterns("ragreason.json", "checkpoints"))
    assert load_with_adapter(foreign) is not None  # its base named by adapter_config.json
    with pytest.raises(AdapterMismatchError, match="tensor shapes differ"):
        load_with_adapter(foreign, default_llm)


def test_merge_gives_the_same_greedy_outputs(trained, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    _, out = trained
    merged_dir = merge(out, tmp_path / "merged", dtype="float32")  # exact: bf16 rounds a small update away
    tokenizer = AutoTokenizer.from_pretrained(merged_dir)
    merged = AutoModelForCausalLM.from_pretrained(merged_dir).eval()
    assert not (merged_dir / "adapter_config.json").exists()
    assert read_info(merged_dir).merged_from == str(out)
    assert greedy(merged, tokenizer, ITEMS[:6]) == greedy(load_with_adapter(out), tokenizer, ITEMS[:6])
    with pytest.raises(ValueError, match="new folder"):
        merge(out, out)


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_merged_config_names_the_dtype_of_its_weights(trained, tmp_path, dtype):
    """An engine loading with dtype "auto" takes config.json's dtype; weights saved in another one are cast
    on load, with a warning per weight."""
    from safetensors import safe_open

    _, out = trained
    merged_dir = merge(out, tmp_path / dtype, dtype=dtype)
    config = json.loads((merged_dir / "config.json").read_text())
    with safe_open(merged_dir / "model.safetensors", "pt") as weights:
        saved = {str(weights.get_tensor(name).dtype) for name in weights.keys()}
    assert config["dtype"] == dtype and saved == {f"torch.{dtype}"}


def test_length_grouped_batches_train_and_resume_exactly(base_dir, tmp_path):
    """transformers' length grouping infers the lengths from our rows; the loss falls; and a run resumed
    from a checkpoint draws the same batches as the uninterrupted one (the stock sampler does not)."""
    import shutil

    from safetensors.torch import load_file

    items = [Item(f"g{i}", f"The cat is {c}.{' It sits on the mat.' * (i % 4)} Which colour is the cat?",
                  ("red", "blue", "green"), COLOURS[c]) for i, c in enumerate(list(COLOURS) * 8)]
    spec = TrainSpec(max_steps=24, lr=5e-2, batch_size=4, warmup=0.0, logging_steps=4, save_steps=8, threads=1,
                     seed=5, group_by_length=True)
    whole = tmp_path / "whole"
    info = finetune(items, out_dir=whole, builder=BUILDER, base_model=base_dir, lora=LORA, spec=spec,
                    progress=False)
    losses = [h["loss"] for h in info.history if "loss" in h]
    assert info.metrics["steps"] == 24 and losses[-1] < 0.5 * losses[0], losses
    again = tmp_path / "again"
    shutil.copytree(whole / "checkpoints", again / "checkpoints")
    shutil.rmtree(again / "checkpoints" / "checkpoint-24")
    resumed = finetune(items, out_dir=again, builder=BUILDER, base_model=base_dir, lora=LORA, spec=spec,
                       progress=False, resume=True)
    assert resumed.metrics["start_step"] == 16
    first, second = load_file(whole / "adapter_model.safetensors"), load_file(again / "adapter_model.safetensors")
    for name in first:
        assert (first[name] - second[name]).abs().max() < 1e-4, name


def test_full_fine_tuning_trains_every_weight_and_saves_a_model(base_dir, tmp_path):
    """``method="full"``: no adapter; the folder is a whole model that loads and answers on its own, its
    weights moved (the embeddings too, which a LoRA never touches), the documents learned beside the items."""
    import torch
    from transformers import AutoModelForCausalLM

    from ragreason.types import Document

    out = tmp_path / "full"
    spec = replace(SPEC, method="full", max_steps=12, lr=1e-3, eval_steps=None)
    docs = [Document(id="d1", text="The cat\nThe cat is green and sleeps all day.")]
    info = finetune(ITEMS, out_dir=out, builder=BUILDER, base_model=base_dir, spec=spec, progress=False,
                    documents=docs)
    assert not (out / "adapter_config.json").exists() and (out / "config.json").is_file()
    assert info.examples["documents"] == 1 and info.examples["train"] == len(ITEMS) + 1
    assert info.history[0]["loss"] > info.history[-1]["loss"]
    before = AutoModelForCausalLM.from_pretrained(base_dir).get_input_embeddings().weight
    after = AutoModelForCausalLM.from_pretrained(out).get_input_embeddings().weight
    assert not torch.equal(before, after)
