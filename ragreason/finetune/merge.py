"""Load an adapter onto its base model (checked first), or merge it into a stand-alone model folder.

A merged model serves faster when only one adapter is in use; keep the adapter when several share
one base model (vLLM serves many adapters over one copy of the base).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from .info import AdapterInfo, check_adapter, read_info

log = logging.getLogger(__name__)


def load_with_adapter(adapter_dir: str | Path, base_model: str | Path | None = None, *,
                      dtype: str = "float32", device: str = "cpu") -> Any:
    """The base model (default: the one the adapter was trained on) with the adapter, in eval mode.

    Raises ``AdapterMismatchError`` when ``base_model`` has another shape than the training base."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    info = _info(adapter_dir)
    base = str(base_model or info.base_model)
    check_adapter(adapter_dir, base)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=getattr(torch, dtype)).to(device)
    return PeftModel.from_pretrained(model, str(adapter_dir)).eval()


def merge(adapter_dir: str | Path, out_dir: str | Path, *, base_model: str | Path | None = None) -> Path:
    """Fold the adapter into the base weights (in fp32, saved in the base's dtype) and save a model
    folder with the adapter's tokenizer and a ``ragreason.json`` that names the adapter it came from."""
    from transformers import AutoConfig, AutoTokenizer

    info = _info(adapter_dir)
    base = str(base_model or info.base_model)
    out = Path(out_dir)
    if out.resolve() == Path(adapter_dir).resolve():
        raise ValueError("merge into a new folder, not the adapter's own")
    model = load_with_adapter(adapter_dir, base).merge_and_unload()
    saved_dtype = getattr(AutoConfig.from_pretrained(base), "dtype", None)
    if saved_dtype is not None:
        model = model.to(saved_dtype)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(str(adapter_dir)).save_pretrained(out)
    replace(info, path=str(out), merged_from=str(adapter_dir)).write(out)
    log.info("merged %s into %s (%s)", adapter_dir, out, base)
    return out


def _info(adapter_dir: str | Path) -> AdapterInfo:
    if not (Path(adapter_dir) / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{adapter_dir} holds no LoRA adapter (no adapter_config.json)")
    return read_info(adapter_dir)
