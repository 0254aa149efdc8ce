"""The knowledge folder: chunking by heading and size, stable ids, clear errors, and a shipped
knowledge base that covers the topics it promises in both languages and answers real queries."""

from __future__ import annotations

import pytest

from ragreason.data.knowledge import chunk_text, default_knowledge_dir, load_knowledge, split_markdown
from ragreason.retrieve import LexicalRetriever
from ragreason.types import Item


@pytest.fixture(scope="module")
def shipped():
    return load_knowledge()


def test_shipped_base_is_bilingual_and_covers_its_topics(shipped):
    by_lang = {lang: "\n".join(d.text for d in shipped if d.meta["lang"] == lang) for lang in ("en", "zh")}
    for phrase in ("Modus tollens", "closed-world assumption", "Some S are not P", "grandfather",
                   "transitive", "Affirming the consequent", "Necessary assumption"):
        assert phrase in by_lang["en"], phrase
    zh_phrases = ("否后必否前", "封闭世界假设", "矛盾关系", "外祖父", "传递", "肯定后件", "取非法",
                  "只有Q，才P")
    for phrase in zh_phrases:
        assert phrase in by_lang["zh"], phrase
    assert len(shipped) > 100 and all(len(d.text) <= 800 for d in shipped)
    assert len({d.id for d in shipped}) == len(shipped)
    assert not any(d.meta["source"].lower().startswith("readme") for d in shipped)


def test_ids_are_stable_and_local(tmp_path):
    (tmp_path / "a.md").write_text("# Logic\n## One\nFirst rule.\n## Two\nSecond rule.\n")
    first = load_knowledge(tmp_path)
    assert [d.id for d in first] == [d.id for d in load_knowledge(tmp_path)]
    (tmp_path / "a.md").write_text("# Logic\n## One\nFirst rule.\n## Two\nSecond rule, amended.\n")
    second = load_knowledge(tmp_path)
    assert first[0].id == second[0].id and first[1].id != second[1].id
    assert second[1].text == "Logic > Two\nSecond rule, amended."
    assert second[1].meta["section"] == "Logic > Two"


def test_markdown_sections_and_fences():
    text = "intro\n# A\nbody a\n```\n# not a heading\n```\n## B\nbody b\n# C\nbody c"
    assert split_markdown(text, "file") == [
        ("file", "intro"), ("A", "body a\n```\n# not a heading\n```"), ("A > B", "body b"), ("C", "body c"),
    ]


def test_chunks_respect_size_and_overlap():
    sentences = [f"Sentence number {i} says something." for i in range(40)]
    chunks = chunk_text(" ".join(sentences), 200, 60)
    assert len(chunks) > 5 and all(len(c) <= 200 for c in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.split(". ")[0] + "." in before  # each chunk repeats the end of the one before
    assert all(s in " ".join(chunks) for s in sentences)
    zh = chunk_text("。".join(f"第{i}条规则成立" for i in range(60)) + "。", 100, 20)
    assert all(len(c) <= 100 for c in zh) and "第59条规则成立。" in zh[-1]
    assert chunk_text("x" * 250, 100, 10) == ["x" * 100, "x" * 100, "x" * 50]


def test_jsonl_and_txt_and_errors(tmp_path):
    (tmp_path / "rules.jsonl").write_text(
        '{"text": "若P则Q", "title": "假言", "meta": {"topic": "cond"}}\n\n{"text": "P or Q"}\n'
    )
    (tmp_path / "notes.txt").write_text("Plain notes.\n\nSecond paragraph.")
    (tmp_path / "README.md").write_text("# About this folder")
    docs = load_knowledge(tmp_path)
    assert [d.text for d in docs] == ["Plain notes.\n\nSecond paragraph.", "假言\n若P则Q", "P or Q"]
    assert docs[1].meta == {"lang": "zh", "topic": "cond", "source": "rules.jsonl", "line": 1}
    (tmp_path / "rules.jsonl").write_text('{"text": ""}\n')
    with pytest.raises(ValueError, match="rules.jsonl:1: expected an object with a non-empty 'text'"):
        load_knowledge(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_knowledge(tmp_path / "missing")
    with pytest.raises(ValueError, match="overlap"):
        load_knowledge(tmp_path, chunk_size=100, overlap=60)


def test_shipped_knowledge_answers_real_questions(shipped):
    bm25 = LexicalRetriever(shipped, top_k=3)

    def top_sources(question: str) -> list[str]:
        item = Item(id="q", question=question, options=("对", "错"))
        return [h.doc.meta["source"] for h in bm25.retrieve(item).hits]

    assert "zh/conditionals.md" in top_sources("只有通过考试，才能毕业。小王毕业了，可以推出什么？")
    assert "zh/kinship.md" in top_sources("张三的母亲的父亲是张三的什么人？外祖父还是祖父？")
    assert "en/closed_world.md" in top_sources("Under the closed-world assumption, is an unstated fact false?"
                                               )
    assert default_knowledge_dir().name == "knowledge"
