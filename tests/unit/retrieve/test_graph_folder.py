"""A knowledge folder's graph: its triples files and its documents' other facts, one graph for every
question; graph retrieval brings both facts of a two-hop question and the one fact of a reversed one."""

from __future__ import annotations

import json

import pytest

from ragreason.data import load_items
from ragreason.retrieve import RetrievalSpec, build_retriever
from ragreason.retrieve.graph_folder import folder_graph
from ragreason.synth.fiction import make_questions, make_world, write_world
from ragreason.types import Item


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    world = make_world(30, lang="en", seed=4)
    write_world(world, make_questions(world, seed=4), out)
    return world, out


def test_the_graph_holds_the_triples_and_no_second_reading_of_their_sentences(world_dir):
    world, out = world_dir
    graph = folder_graph(out / "knowledge")
    assert len(graph) == len(world.triples)  # every sentence of the documents is a triple's text
    (out / "knowledge" / "notes.md").write_text("# Notes\nZulo is the father of Ann.\n")
    try:
        facts = folder_graph(out / "knowledge").facts()
        assert len(facts) == len(world.triples) + 1
        assert any(f.relation == "father" and f.source == "notes.md" for f in facts)
    finally:
        (out / "knowledge" / "notes.md").unlink()


def test_graph_retrieval_over_the_folder_brings_the_facts_a_question_needs(world_dir):
    world, out = world_dir
    items = load_items(out / "questions.jsonl", "mcq")
    spec = RetrievalSpec(kind="graph", knowledge=str(out / "knowledge"), rerank=False)
    retriever = build_retriever(spec, items)
    found = {"two_hop": [], "reverse": [], "attribute": []}
    for item, context in zip(items, retriever.retrieve_many(items), strict=True):
        kind = item.meta["kind"]
        if kind not in found:
            continue
        stated = {(h.doc.meta["head"], h.doc.meta["relation"]) for h in context.hits}
        if kind == "reverse":
            needed = {(item.options["ABCD".index(item.answer)], item.meta["relations"][0])}
        else:
            head, (first, second) = item.meta["head"], (item.meta["relations"] + [None])[:2]
            needed = {(head, first)} | ({(getattr(world.entity(head), first), second)} if second else set())
        found[kind].append(needed <= stated)
    assert all(found["attribute"]) and all(found["reverse"]), found
    assert sum(found["two_hop"]) >= 0.85 * len(found["two_hop"]), sum(found["two_hop"])


def test_without_triples_files_graph_retrieval_reads_each_items_own_facts(tmp_path):
    (tmp_path / "doc.md").write_text("# A\nNothing here.\n")
    item = Item("q1", "Who is Bob's father?", ("Tom", "Ann"), "A", context="Tom is the father of Bob.")
    retriever = build_retriever(RetrievalSpec(kind="graph", knowledge=str(tmp_path), rerank=False), [item])
    assert "Tom is the father of Bob" in retriever.retrieve(item).text


def test_a_bad_triples_line_is_named(tmp_path):
    (tmp_path / "facts.triples.jsonl").write_text(json.dumps({"head": "A", "relation": "r"}) + "\n")
    with pytest.raises(ValueError, match=r"facts\.triples\.jsonl:1: field 'tail'"):
        build_retriever(RetrievalSpec(kind="graph", knowledge=str(tmp_path), rerank=False), [])
