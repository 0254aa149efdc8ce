"""The torch side of fine-tuning: device and precision, the LoRA model, Trainer arguments, callbacks.

On a GPU the base model loads in bf16 (when the GPU has it); on a CPU it loads in fp32 and, where the
CPU has bf16 instructions (AVX512-BF16/AMX), trains under bf16 autocast, with
fp32 master weights for the adapter (speed: benchmarks/RESULTS.md, "Fine-tuning throughput").
"""

from __future__ import annotations

import logging
import resource
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..hardware import cpu_has_native_bf16
from .spec import LoraSpec, TrainSpec

log = logging.getLogger(__name__)


def pick_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def resolve_precision(precision: str, device: str) -> str:
    """"auto" -> "bf16" where the hardware runs it natively, else "fp32"."""
    if precision != "auto":
        return precision
    import torch

    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if cpu_has_native_bf16() else "fp32"


def configure_torch(threads: int | None, seed: int) -> None:
    import torch
    from transformers import set_seed

    if threads is not None:
        torch.set_num_threads(threads)
    set_seed(seed)


def load_tokenizer(base_model: str) -> Any:
    """The base model's tokenizer; it must carry a chat template (serving uses the same one)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base_model)
    if not tokenizer.chat_template:
        raise ValueError(f"the tokenizer of {base_model} has no chat template; fine-tune a chat model")
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_lora_model(base_model: str, lora: LoraSpec, *, device: str, precision: str,
                    gradient_checkpointing: bool = False) -> Any:
    """The base model with a fresh LoRA adapter; only the adapter's weights train."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if device == "cuda" and precision == "bf16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(base_model, dtype=dtype).to(device)
    model.config.use_cache = False
    if gradient_checkpointing:
        model.enable_input_require_grads()
    modules = lora.target_modules if isinstance(lora.target_modules, str) else list(lora.target_modules)
    if lora.top_layers is not None and modules == "all-linear":  # peft takes layer indices with names only
        modules = linear_module_names(model)
    config = LoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout, target_modules=modules,
                        layers_to_transform=top_layer_indices(model, lora.top_layers, base_model),
                        task_type="CAUSAL_LM")
    try:
        model = get_peft_model(model, config)
    except ValueError as error:
        raise ValueError(f"LoRA target_modules {modules!r} do not fit {base_model}: {error}") from error
    if device == "cpu" and precision == "bf16":
        frozen_linears_to(model, torch.bfloat16)
    return model


def load_full_model(base_model: str, *, device: str, precision: str, gradient_checkpointing: bool = False) -> Any:
    """The base model with every weight trainable (float32 master weights; bf16 autocast where ``precision``
    says so, as for LoRA)."""
    import torch
    from transformers import AutoModelForCausalLM

    dtype = torch.bfloat16 if device == "cuda" and precision == "bf16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(base_model, dtype=dtype).to(device)
    model.config.use_cache = False
    if gradient_checkpointing:
        model.gradient_checkpointing_enable()
    model.requires_grad_(True)
    return model


def frozen_linears_to(model: Any, dtype: Any) -> None:
    """Store the frozen weights of the linear layers in ``dtype`` (the output layer, often tied to the input
    embeddings, excluded). Under autocast a matrix product casts a float32 weight to bf16
    at every call unless the weight trains (autocast caches only those): storing the frozen ones in bf16
    gives the same products without the copies (benchmarks/RESULTS.md, "Where a training step's time
    goes"); the LoRA weights stay float32."""
    import torch

    output = model.get_output_embeddings()
    for module in model.modules():
        if isinstance(module, torch.nn.Linear) and module is not output and not module.weight.requires_grad:
            module.to(dtype)


def linear_module_names(model: Any) -> list[str]:
    """What ``"all-linear"`` stands for: the names of the model's linear layers, the output layer excluded."""
    import torch

    output = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, torch.nn.Linear) and module is not output})


def top_layer_indices(model: Any, top: int | None, base_model: str) -> list[int] | None:
    """The indices of the last ``top`` decoder layers (None: all of them)."""
    if top is None:
        return None
    count = getattr(model.config, "num_hidden_layers", None)
    if not isinstance(count, int):
        raise ValueError(f"LoRA top_layers needs the layer count of {base_model}; its config has no "
                         "num_hidden_layers")
    if top > count:
        raise ValueError(f"LoRA top_layers is {top}, but {base_model} has {count} decoder layers")
    return list(range(count - top, count))


def training_args(spec: TrainSpec, checkpoints: Path, *, device: str, precision: str) -> Any:
    """The Trainer's arguments; its own progress bar is off (``progress.step_bar`` draws ours)."""
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(checkpoints), per_device_train_batch_size=spec.batch_for(device),
        gradient_accumulation_steps=spec.grad_accum, num_train_epochs=spec.epochs,
        max_steps=spec.max_steps if spec.max_steps is not None else -1, learning_rate=spec.lr,
        warmup_steps=spec.warmup, weight_decay=spec.weight_decay, lr_scheduler_type="linear",
        logging_steps=spec.logging_steps, save_strategy="steps", save_steps=spec.save_steps,
        save_total_limit=spec.save_total_limit, seed=spec.seed, bf16=precision == "bf16",
        use_cpu=device == "cpu", report_to="none", remove_unused_columns=False, disable_tqdm=True,
        include_num_input_tokens_seen="non_padding", gradient_checkpointing=spec.gradient_checkpointing,
        dataloader_num_workers=0,
        train_sampling_strategy="group_by_length" if spec.group_by_length else "random",
    )


def eval_callback(evaluate: Callable[[], dict[str, float]], every: int) -> Any:
    """A Trainer callback that runs ``evaluate`` every ``every`` optimizer steps and logs the result
    into the trainer state (so it is saved with checkpoints and survives a resume)."""
    from transformers import TrainerCallback

    class EvalEvery(TrainerCallback):
        def on_step_end(self, args, state, control, model=None, **kwargs):
            if state.global_step % every == 0 and state.global_step < state.max_steps:
                metrics = evaluate()
                state.log_history.append({"step": state.global_step, "epoch": state.epoch, **metrics})
                log.info("step %d: %s", state.global_step, _fmt(metrics))
            return control

    return EvalEvery()


def _fmt(metrics: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items())


def peak_memory_mb(device: str) -> float:
    """Peak memory of this process: GPU memory allocated by torch, or the CPU's peak resident set."""
    if device == "cuda":
        import torch

        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
