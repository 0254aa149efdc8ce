"""Load an adapter onto its base model (checked first), or merge it into a stand-alone model folder.

A merged model serves faster when only one adapter is in use; keep the adapter when several share
one base model (vLLM serves many adapters over one copy of the base).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from .info import INFO_FILE, AdapterInfo, AdapterMismatchError, check_adapter, read_info

log = logging.getLogger(__name__)


def load_with_adapter(adapter_dir: str | Path, base_model: str | Path | None = None, *,
                      dtype: str = "float32", device: str = "cpu") -> Any:
    """The base model (default: the one the adapter was trained on) with the adapter, in eval mode.

    Raises ``AdapterMismatchError`` when ``base_model`` has another shape than the training base:
    checked before loading from ``ragreason.json``, or (for an adapter made elsewhere) from peft's
    shape errors."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    config = _adapter_config(adapter_dir)
    info = read_info(adapter_dir) if (Path(adapter_dir) / INFO_FILE).is_file() else None
    base = str(base_model or (info.base_model if info else config.get("base_model_name_or_path") or ""))
    if not base:
        raise ValueError(f"{adapter_dir} names no base model; pass base_model")
    if info is not None:
        check_adapter(adapter_dir, base)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=getattr(torch, dtype)).to(device)
    try:
        return PeftModel.from_pretrained(model, str(adapter_dir)).eval()
    except RuntimeError as error:
        if "size mismatch" not in str(error):
            raise
        raise AdapterMismatchError(f"the adapter in {adapter_dir} does not fit {base}: its tensor shapes differ "
                                   f"({str(error).splitlines()[-1].strip()})") from error


def merge(adapter_dir: str | Path, out_dir: str | Path, *, base_model: str | Path | None = None,
          dtype: str | None = None) -> Path:
    """Fold the adapter into the base weights (in fp32) and save a model folder with the adapter's
    tokenizer and a ``ragreason.json`` that names the adapter it came from.

    ``dtype`` None: saved in the base's dtype (SmolLM2's is bfloat16, whose 8-bit mantissa can round
    away a small adapter's change to a weight); "float32" keeps the merged weights exact. Save in the
    dtype the model will be served in: an engine casting on load warns for every weight."""
    import torch
    from transformers import AutoConfig, AutoTokenizer

    info = _info(adapter_dir)
    base = str(base_model or info.base_model)
    out = Path(out_dir)
    if out.resolve() == Path(adapter_dir).resolve():
        raise ValueError("merge into a new folder, not the adapter's own")
    model = load_with_adapter(adapter_dir, base).merge_and_unload()
    saved_dtype = dtype or getattr(AutoConfig.from_pretrained(base), "dtype", None)
    if saved_dtype is not None:
        saved_dtype = getattr(torch, saved_dtype) if isinstance(saved_dtype, str) else saved_dtype
        model = model.to(saved_dtype)
        model.config.dtype = saved_dtype  # config.json says what the weights are: "auto" loads them as saved
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(str(adapter_dir)).save_pretrained(out)
    replace(info, path=str(out), merged_from=str(adapter_dir)).write(out)
    log.info("merged %s into %s (%s)", adapter_dir, out, base)
    return out


def _adapter_config(adapter_dir: str | Path) -> dict[str, Any]:
    file = Path(adapter_dir) / "adapter_config.json"
    if not file.is_file():
        raise FileNotFoundError(f"{adapter_dir} holds no LoRA adapter (no adapter_config.json)")
    return json.loads(file.read_text(encoding="utf-8"))


def _info(adapter_dir: str | Path) -> AdapterInfo:
    _adapter_config(adapter_dir)
    return read_info(adapter_dir)
