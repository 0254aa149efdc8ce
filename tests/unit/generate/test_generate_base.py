"""The shared checks of ``ragreason.generate``: sampling settings, adapters and ranks, engine options,
and a light import."""

from __future__ import annotations

import json

import pytest

from ragreason.generate import (
    AdapterRankError,
    AdapterSpec,
    EngineOptions,
    FakeGenerator,
    Generator,
    UnknownAdapterError,
    as_specs,
    check_sampling,
)
from ragreason.generate.adapters import lookup, lora_rank_for


def adapter(tmp_path, name: str, r: int, **extra) -> AdapterSpec:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "adapter_config.json").write_text(json.dumps({"r": r, **extra}))
    return AdapterSpec(name, folder)


@pytest.mark.parametrize(("kw", "message"), [
    ({"n": 0}, "n must be"), ({"temperature": -1}, "temperature must be"),
    ({"n": 3, "temperature": 0.0}, "temperature 0"), ({"top_p": 0}, "top_p"), ({"max_tokens": 0}, "max_tokens"),
])
def test_sampling_settings_that_no_backend_can_honour(kw, message):
    settings = {"n": 1, "temperature": 0.7, "top_p": 1.0, "max_tokens": 8, **kw}
    with pytest.raises(ValueError, match=message):
        check_sampling(**settings)


def test_adapter_specs_parse_and_check(tmp_path):
    spec = AdapterSpec.parse(f"ft={tmp_path}")
    assert spec.name == "ft" and spec.path == tmp_path
    with pytest.raises(ValueError, match="name=path"):
        AdapterSpec.parse("just-a-path")
    with pytest.raises(ValueError, match="letters"):
        AdapterSpec("bad name", tmp_path)
    with pytest.raises(ValueError, match="given twice"):
        as_specs(["a=/x", "a=/y"])
    assert [s.name for s in as_specs({"a": "/x", "b": "/y"})] == ["a", "b"]
    with pytest.raises(FileNotFoundError, match="adapter_config.json"):
        _ = spec.rank


def test_unknown_adapter_names_what_is_served(tmp_path):
    specs = [adapter(tmp_path, "ft", 8), adapter(tmp_path, "rag", 8)]
    assert lookup(specs, None) is None and lookup(specs, "rag") is specs[1]
    with pytest.raises(UnknownAdapterError, match="unknown adapter 'nope'; this generator serves: ft, rag"):
        lookup(specs, "nope")


def test_lora_rank_is_the_smallest_vllm_rank_that_fits(tmp_path):
    specs = [adapter(tmp_path, "a", 8), adapter(tmp_path, "b", 12, rank_pattern={"q_proj": 4})]
    assert lora_rank_for(specs) == 16
    assert lora_rank_for(specs, 32) == 32


def test_an_adapter_above_max_lora_rank_is_refused_before_any_engine_starts(tmp_path):
    specs = [adapter(tmp_path, "big", 32)]
    with pytest.raises(AdapterRankError, match=r"max_lora_rank=16: big \(r=32\)"):
        lora_rank_for(specs, 16)
    with pytest.raises(ValueError, match="max_lora_rank must be one of"):
        lora_rank_for(specs, 24)
    from ragreason.generate import VLLMGenerator, VLLMServer

    with pytest.raises(AdapterRankError):
        VLLMGenerator("/models/m", adapters=specs, max_lora_rank=16)
    with pytest.raises(AdapterRankError):
        VLLMServer("/models/m", adapters=specs, max_lora_rank=16)


def test_engine_options_for_cpu_and_gpu(tmp_path):
    cpu = EngineOptions(device="cpu").engine_kwargs()
    assert cpu["enforce_eager"] is True and cpu["kv_cache_memory_bytes"] == 1 << 30
    assert cpu["enable_prefix_caching"] is True and "enable_lora" not in cpu
    assert cpu["block_size"] == 32  # vLLM-CPU's own default is 128
    assert EngineOptions(device="cpu", block_size=64).engine_kwargs()["block_size"] == 64
    gpu = EngineOptions(device="cuda", gpu_memory_utilization=0.8, tensor_parallel_size=2).engine_kwargs()
    assert gpu["enforce_eager"] is False and "kv_cache_memory_bytes" not in gpu and "block_size" not in gpu
    assert gpu["gpu_memory_utilization"] == 0.8 and gpu["tensor_parallel_size"] == 2
    lora = EngineOptions(device="cpu").engine_kwargs([adapter(tmp_path, "a", 8), adapter(tmp_path, "b", 8)])
    assert lora["enable_lora"] is True and lora["max_loras"] == 2 and lora["max_lora_rank"] == 8
    args = EngineOptions(device="cpu", enable_prefix_caching=False, block_size=64).server_args()
    assert "--no-enable-prefix-caching" in args and args[args.index("--block-size") + 1] == "64"
    with pytest.raises(ValueError, match="block_size"):
        EngineOptions(block_size=0)
    with pytest.raises(ValueError, match="device"):
        EngineOptions(device="tpu")
    with pytest.raises(TypeError, match="bogus"):
        EngineOptions(bogus=1)  # type: ignore[call-arg]


def test_engine_settings_go_either_as_options_or_keywords():
    from ragreason.generate import VLLMGenerator

    with pytest.raises(ValueError, match="not both"):
        VLLMGenerator("/models/m", options=EngineOptions(), seed=3)
    gen = VLLMGenerator("/models/m", seed=3, name="m")
    assert gen.options.seed == 3 and gen.model_name == "m" and gen._llm is None  # nothing built yet


def test_the_fake_follows_the_protocol():
    assert isinstance(FakeGenerator(), Generator)


def test_max_model_len_is_capped_at_the_models_context(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"max_position_embeddings": 2048}))
    options = EngineOptions(device="cpu")  # default max_model_len 4096
    assert options.engine_kwargs(model=tmp_path)["max_model_len"] == 2048
    assert options.engine_kwargs()["max_model_len"] == 4096  # no model folder: as given
    assert EngineOptions(device="cpu", max_model_len=1024).engine_kwargs(model=tmp_path)["max_model_len"] == 1024
    args = options.server_args(model=tmp_path)
    assert args[args.index("--max-model-len") + 1] == "2048"
    nested = tmp_path / "vl"
    nested.mkdir()
    (nested / "config.json").write_text(json.dumps({"text_config": {"max_position_embeddings": 1000}}))
    assert options.engine_kwargs(model=nested)["max_model_len"] == 1000
    assert options.engine_kwargs(model=tmp_path / "missing")["max_model_len"] == 4096


def test_auto_dtype_is_float32_on_a_cpu_without_native_bf16(monkeypatch):
    from ragreason.finetune.runtime import resolve_precision
    from ragreason.generate import vllm_options

    # training and serving read the same answer about this CPU
    native = vllm_options.cpu_has_native_bf16()
    assert resolve_precision("auto", "cpu") == ("bf16" if native else "fp32")
    assert EngineOptions(device="cpu").engine_kwargs()["dtype"] == ("auto" if native else "float32")

    monkeypatch.setattr(vllm_options, "cpu_has_native_bf16", lambda: False)
    assert EngineOptions(device="cpu").engine_kwargs()["dtype"] == "float32"
    assert EngineOptions(device="cpu", dtype="bfloat16").engine_kwargs()["dtype"] == "bfloat16"
    assert EngineOptions(device="cuda").engine_kwargs()["dtype"] == "auto"
    monkeypatch.setattr(vllm_options, "cpu_has_native_bf16", lambda: True)
    assert EngineOptions(device="cpu").engine_kwargs()["dtype"] == "auto"
