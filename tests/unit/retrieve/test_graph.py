"""Knowledge graph: facts read from sentences (zh/en, extensible), from triples and from real CLUTRR
rows; entity linking; path, k-hop and personalised-PageRank retrieval; zh/en verbalisation; files."""

from __future__ import annotations

import csv
import json

import pytest

from ragreason.retrieve import (
    EntityLinker,
    Fact,
    FactPattern,
    GraphRetriever,
    KnowledgeGraph,
    Retriever,
    extract_facts,
)
from ragreason.retrieve.graph_text import verbalise
from ragreason.store.files import StoreFormatError
from ragreason.types import Item


def triples(text: str, **kwargs) -> list[tuple[str, str, str]]:
    return [(f.head, f.relation, f.tail) for f in extract_facts(text, **kwargs)]


def ask(question: str, context: str = "", meta=None, options=("True", "False")) -> Item:
    return Item(id="q", question=question, options=options, context=context, meta=meta or {})


def test_english_fact_sentences():
    text = ("Bob is the father of Alice. Alice's mother is Carol. Dave is Carol's brother. "
            "The bald eagle is big. Anne is not red. If something is red then it is big. "
            "If someone is kind and young then they are nice. All cats are mammals. Tom is a cat. "
            "The dog chases the mouse. It rained a lot yesterday.")
    assert triples(text) == [
        ("Bob", "father", "Alice"), ("Carol", "mother", "Alice"), ("Dave", "brother", "Carol"),
        ("The bald eagle", "is", "big"), ("Anne", "is not", "red"), ("red", "implies", "big"),
        ("kind", "implies", "nice"), ("young", "implies", "nice"), ("cat", "implies", "mammal"),
        ("Tom", "is", "cat"), ("The dog", "chases", "the mouse"),
    ]


def test_chinese_fact_sentences():
    text = ("小明是小红的父亲。小红的母亲是小丽。如果某物是红色的，那么它是大的。"
            "所有的猫都是哺乳动物。小华不是学生。今天下雨了吗？")
    assert triples(text) == [
        ("小明", "父亲", "小红"), ("小丽", "母亲", "小红"), ("红色", "implies", "大"),
        ("猫", "implies", "哺乳动物"), ("小华", "is not", "学生"),
    ]


def test_sentence_splitting_drops_empty_pieces():
    from ragreason.retrieve.graph_facts import split_sentences

    text = "Bob is big. . Anne is red!\n\n小明是学生。？"  # CLUTRR has stories with ". ."
    assert split_sentences(text) == ["Bob is big", "Anne is red", "小明是学生"]


def test_user_patterns_come_first():
    married = FactPattern("en", r"(?P<head>\w+) and (?P<tail>\w+) are married", "spouse")
    assert triples("Romeo and Juliet are married.", patterns=[married]) == [("Romeo", "spouse", "Juliet")]
    assert triples("Romeo and Juliet are married.") == []
    assert triples("Bob is big.", patterns=[married]) == [("Bob", "is", "big")]  # the table still applies


def test_triples_from_jsonl_and_csv(tmp_path):
    jsonl = tmp_path / "kb.jsonl"
    jsonl.write_text('{"head": "A", "relation": "father", "tail": "B"}\n\n'
                     '{"head": "B", "relation": "son", "tail": "A"}\n')
    assert len(KnowledgeGraph.read_triples(jsonl)) == 2
    table = tmp_path / "kb.csv"
    with open(table, "w", newline="") as f:
        csv.writer(f).writerows([["head", "relation", "tail"], ["甲", "父亲", "乙"], ["甲", "父亲", "乙"]])
    graph = KnowledgeGraph.read_triples(table)
    assert len(graph) == 1 and graph.facts()[0].source == "kb.csv"  # the same fact twice is stored once
    jsonl.write_text('{"head": "A", "relation": "father"}\n')
    with pytest.raises(ValueError, match=r"kb.jsonl:1: field 'tail'"):
        KnowledgeGraph.read_triples(jsonl)
    jsonl.write_text("{oops\n")
    with pytest.raises(ValueError, match="kb.jsonl:1: not valid JSON"):
        KnowledgeGraph.read_triples(jsonl)


@pytest.fixture(scope="module")
def clutrr_items(shared_data):
    from ragreason.data import load_items

    return load_items(shared_data / "clutrr" / "gen_train234_test2to10__validation.csv", "clutrr")


def test_clutrr_edges_read_in_the_story_direction(shared_data):
    from ragreason.data import load_items

    items = load_items(shared_data / "clutrr" / "gen_train23_test2to10__validation.csv", "clutrr")
    first = next(i for i in items if "Guillermina" in i.context and "Jason" in i.context)
    story = [verbalise(f) for f in KnowledgeGraph.from_clutrr(first).facts()]
    assert "Jason is Guillermina's grandfather." in story  # the story: "her grandfather Jason"
    with pytest.raises(ValueError, match="story_edges"):
        KnowledgeGraph.from_clutrr({"entities": ["a"]})


def test_clutrr_gold_path_is_retrieved_in_order(clutrr_items):
    retriever = GraphRetriever(build=KnowledgeGraph.from_clutrr, top_k=5)
    deep = [i for i in clutrr_items if i.meta.get("depth") == 4][:20]
    for item in deep:
        facts = [(h.doc.meta["head"], h.doc.meta["tail"]) for h in retriever.retrieve(item).hits]
        names = item.meta["entities"]
        gold = [(names[j], names[i]) for i, j in item.meta["story_edges"]]
        assert set(gold) <= set(facts[: len(gold)]), item.id
        assert item.meta["query"][1] in facts[0]  # "what is B to A": the path starts at B


def test_linking_by_name_alias_case_width_and_chinese():
    graph = KnowledgeGraph.from_triples([("Alice", "sister", "Al"), ("New York", "in", "USA"),
                                         ("小明", "父亲", "小红"), ("York", "in", "UK")])
    graph.add_alias("Alice", "Ally")
    linker = EntityLinker(graph)
    assert linker.link("Is ALICE older than Al?") == ["alice", "al"]
    assert linker.link("ally went to New York") == ["alice", "new york"]  # longest form, not "york"
    assert linker.link("ＡＬＩＣＥ and Alfred") == ["alice"]  # full width; "Al" inside "Alfred" is no name
    assert linker.link("小明和小红是什么关系？") == ["小明", "小红"]
    with pytest.raises(ValueError, match="no node named 'Bob'"):
        graph.add_alias("Bob", "Bobby")


CHAIN = ("Anne is kind. Bob is big. The cat is red. If something is kind then it is nice. "
         "If something is nice then it is quiet. If something is quiet then it is smart. "
         "If something is red then it is round. Bob likes the cat.")


def test_rule_chain_from_problem_text():
    retriever = GraphRetriever(top_k=3)
    context = retriever.retrieve(ask("Is Anne smart?", CHAIN))
    assert context.text.splitlines() == [
        "Anne is kind.", "If something is kind then it is nice.", "If something is nice then it is quiet.",
    ]
    assert isinstance(retriever, Retriever) and context.hits[0].source == "graph"
    assert retriever.retrieve(ask("Is Carl smart?", "Carl is tall. If something is tall then it is smart.")
                              ).text.splitlines()[-1] == "If something is tall then it is smart."
    assert retriever.retrieve(ask("Who is Zed?", CHAIN)).hits == ()


def test_modes_and_limits():
    chain = KnowledgeGraph.from_triples([("a", "r", "b"), ("b", "r", "c"), ("c", "r", "d"), ("d", "r", "e"),
                                         ("a", "r", "x"), ("x", "r", "y")])
    q = ask("How is a related to e?")
    paths = GraphRetriever(chain, mode="paths", top_k=10)
    assert [h.doc.meta["tail"] for h in paths.retrieve(q).hits] == ["b", "c", "d", "e"]
    assert GraphRetriever(chain, mode="paths", max_path_len=3).retrieve(q).hits == ()
    khop = GraphRetriever(chain, mode="khop", max_hops=1, top_k=10).retrieve(ask("What about x?")).hits
    assert {(h.doc.meta["head"], h.doc.meta["tail"]) for h in khop} == {("a", "x"), ("x", "y")}
    with pytest.raises(ValueError, match="mode"):
        GraphRetriever(chain, mode="bfs")
    with pytest.raises(ValueError, match="not both"):
        GraphRetriever(chain, build=KnowledgeGraph.from_clutrr)


def test_a_path_told_by_one_source_beats_a_shorter_stitched_one():
    facts = [Fact("Ann", "sister", "Bo", source="s1"), Fact("Bo", "son", "Cy", source="s1"),
             Fact("Cy", "father", "Dee", source="s1"),
             Fact("Ann", "aunt", "Xu", source="s2"), Fact("Xu", "brother", "Dee", source="s3")]
    graph = KnowledgeGraph.from_facts(facts)
    hits = GraphRetriever(graph, mode="paths", top_k=3).retrieve(ask("What is Ann to Dee?")).hits
    assert {h.doc.meta["source"] for h in hits} == {"s1"}
    unsourced = KnowledgeGraph.from_triples([(f.head, f.relation, f.tail) for f in facts])
    hits = GraphRetriever(unsourced, mode="paths", top_k=2).retrieve(ask("What is Ann to Dee?")).hits
    assert {h.doc.meta["tail"] for h in hits} == {"Xu", "Dee"}  # without sources: the shortest path


def test_personalised_pagerank_prefers_facts_near_the_seed():
    rows = [("seed", "r", "a"), ("a", "r", "b"), ("b", "r", "c"), ("c", "r", "d"), ("seed", "r", "h")]
    rows += [("h", "r", f"h{i}") for i in range(5)]
    hits = GraphRetriever(KnowledgeGraph.from_triples(rows), mode="ppr", max_hops=3, top_k=20
                          ).retrieve(ask("Tell me about seed.")).hits
    order = [(h.doc.meta["head"], h.doc.meta["tail"]) for h in hits]
    assert set(order[:2]) == {("seed", "a"), ("seed", "h")}
    assert order.index(("a", "b")) < order.index(("b", "c"))  # mass decays along the chain
    assert ("c", "d") not in order  # beyond three hops
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_verbalise_in_the_question_language():
    kin = Fact("Jason", "grandfather", "Guillermina")
    assert verbalise(kin, "en") == "Jason is Guillermina's grandfather."
    assert verbalise(kin, "zh") == "Jason是Guillermina的祖父或外祖父。"
    assert verbalise(Fact("红色", "implies", "大"), "zh") == "如果某物是红色的，那么它是大的。"
    read = Fact("小明", "父亲", "小红", text="小明是小红的父亲")
    assert verbalise(read, "zh") == "小明是小红的父亲。" and verbalise(read, "en") == "小明 is 小红's 父亲."
    assert verbalise(Fact("Bob", "likes", "the cat"), "en") == "Bob likes the cat."
    custom = {"en": {"likes": "{head} is fond of {tail}."}}
    assert verbalise(Fact("Bob", "likes", "the cat"), "en", custom) == "Bob is fond of the cat."
    graph = KnowledgeGraph.from_text("小明是小红的父亲。小红是小刚的姐姐。")
    retrieved = GraphRetriever(graph).retrieve(ask("小明是小刚的什么人？", options=("外祖父", "祖父")))
    assert retrieved.text == "小明是小红的父亲。\n小红是小刚的姐姐。"


def test_save_load_round_trip_and_bad_files(tmp_path):
    graph = KnowledgeGraph.from_text(CHAIN)
    graph.add_alias("Anne", "Annie")
    graph.save(tmp_path / "g.json")
    loaded = KnowledgeGraph.load(tmp_path / "g.json")
    assert sorted(map(verbalise, loaded.facts())) == sorted(map(verbalise, graph.facts()))
    assert EntityLinker(loaded).link("annie") == ["anne"]
    data = json.loads((tmp_path / "g.json").read_text())
    (tmp_path / "g.json").write_text(json.dumps({**data, "version": 7}))
    with pytest.raises(StoreFormatError, match="g.json is not a ragreason-graph file of version 1"):
        KnowledgeGraph.load(tmp_path / "g.json")
    (tmp_path / "g.json").write_text(json.dumps(data)[:100])
    with pytest.raises(StoreFormatError, match="g.json is not valid JSON"):
        KnowledgeGraph.load(tmp_path / "g.json")
