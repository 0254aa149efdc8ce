"""The conditions, named once: which adapter answers each, which read retrieved context, and the recipe a
one-condition config stands for."""

from ragreason.recipe.conditions import (
    CONDITIONS,
    CONTEXT_CONDITIONS,
    DEFAULT_CONDITIONS,
    DOCUMENT_CONDITIONS,
    FT_ADAPTER,
    RAFT_ADAPTER,
    SEARCHABLE_CONDITIONS,
    adapter_of,
    trained_with_context,
)


def test_each_condition_names_its_adapter_and_what_it_reads():
    assert {c: adapter_of(c) for c in CONDITIONS} == {
        "base": None, "rag": None, "graph": None, "ft": FT_ADAPTER, "rag+ft": RAFT_ADAPTER, "ft+rag": FT_ADAPTER,
        "competition-baseline": None}
    assert [c for c in CONDITIONS if trained_with_context(c)] == ["rag+ft"]
    assert set(DOCUMENT_CONDITIONS) == {"rag", "rag+ft", "ft+rag"}
    assert set(CONTEXT_CONDITIONS) == set(DOCUMENT_CONDITIONS) | {"graph"}
    assert set(DEFAULT_CONDITIONS) == set(CONDITIONS) - {"graph"}  # graph only when asked for: old hashes kept
    assert set(SEARCHABLE_CONDITIONS) <= set(CONDITIONS) and "graph" not in SEARCHABLE_CONDITIONS
