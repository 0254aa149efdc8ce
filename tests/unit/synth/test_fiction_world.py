"""The fictional world: seeded, every gold right by the triples read back from disk, every fact stated
in its entity's document, the convention in none, and an update whose questions name the stale answer."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest

from ragreason.cli import main
from ragreason.data import load_items
from ragreason.data.knowledge import load_knowledge
from ragreason.data.triples import Triple, read_triples
from ragreason.synth.fiction import make_questions, make_world, solve, write_world
from ragreason.synth.fiction.questions import UNKNOWN, change_questions
from ragreason.synth.fiction.wording import document, sentence
from ragreason.synth.fiction.world import CHANGEABLE, RELATIONS, update_world


@pytest.fixture(scope="module", params=["en", "zh"])
def world(request):
    return make_world(40, lang=request.param, seed=1)


def test_same_seed_same_world_and_questions(world):
    again = make_world(40, lang=world.lang, seed=1)
    assert again == world and make_questions(again, seed=2) == make_questions(world, seed=2)
    assert make_world(40, lang=world.lang, seed=2).people != world.people


def test_every_gold_is_the_one_option_the_written_triples_make_right(world, tmp_path):
    paths = write_world(world, make_questions(world), tmp_path)
    triples = read_triples(paths["triples"])
    assert len(triples) == len(world.triples) == len(set(triples))
    items = load_items(paths["questions"], "mcq")
    kinds = Counter(i.meta["kind"] for i in items)
    assert set(kinds) == {"attribute", "reverse", "two_hop", "absent", "convention"}, kinds
    for item in items:
        record = {"meta": item.meta}
        right = solve(record, triples, world.guilds, world.lang)
        assert item.options["ABCD".index(item.answer)] == right and item.options.count(right) == 1
        assert len(item.options) == 4 and len(set(item.options)) == 4


def test_the_solver_reads_the_triples_not_the_question(world):
    question = next(q for q in make_questions(world) if q["meta"]["kind"] == "two_hop")
    person = world.entity(question["meta"]["head"])
    middle = getattr(person, question["meta"]["relations"][0])
    second = (middle, question["meta"]["relations"][1])
    moved = [t if (t.head, t.relation) != second else Triple(t.head, t.relation, "X") for t in world.triples]
    assert solve(question, moved, world.guilds, world.lang) == "X"
    missing = [t for t in world.triples if (t.head, t.relation) != (person.name, question["meta"]["relations"][0])]
    with pytest.raises(ValueError, match="not one"):
        solve(question, missing, world.guilds, world.lang)


def test_documents_state_every_fact_and_no_guild(world, tmp_path):
    paths = write_world(world, make_questions(world), tmp_path)
    docs = {d.meta["entity"]: d.text for d in load_knowledge(paths["documents"].parent)}
    assert len(docs) == len(world.people) + len(world.orgs) + len(world.towns)  # the triples file is no document
    for t in world.triples:
        assert sentence(world.lang, t.head, t.relation, t.tail) in docs[t.head]
    assert not any(guild in text for guild in set(world.guilds.values()) for text in docs.values())
    paraphrases = [json.loads(line) for line in paths["paraphrases"].read_text(encoding="utf-8").splitlines()]
    assert len(paraphrases) == 2 * len(docs)
    for p in paraphrases:
        name = p["meta"]["entity"]
        assert p["text"].splitlines()[1] != document(world, name) and name in p["text"]


def test_question_kinds_keep_their_promises(world):
    questions = make_questions(world)
    facts_named = {t.head for t in world.triples} | {t.tail for t in world.triples}
    born = Counter(p.born_in for p in world.people)
    for q in questions:
        meta = q["meta"]
        if meta["kind"] == "reverse" and meta["relations"] == ["born_in"]:
            assert born[meta["tail"]] == 1
        if meta["kind"] == "absent":
            assert meta["head"] not in facts_named and q["options"]["ABCD".index(q["answer"])] == UNKNOWN[world.lang]
            kind_of_answer = RELATIONS[meta["relations"][0]][1]
            assert set(q["options"]) - {UNKNOWN[world.lang]} <= set(world.names(kind_of_answer)), q
    asked = Counter(q["meta"]["head"] for q in questions if q["meta"]["kind"] == "absent")
    person_facts = sum(head == "person" for head, _ in RELATIONS.values())
    assert asked and set(asked.values()) == {person_facts}  # every fact a person has, of each invented name
    carrying = Counter(q["meta"]["kind"] for q in questions if UNKNOWN[world.lang] in q["options"])
    assert carrying["attribute"] > 0.3 * sum(q["meta"]["kind"] == "attribute" for q in questions)  # no cue
    assert carrying["convention"] == 0  # no document states a guild: "the documents do not say" would be true
    letters = Counter(q["answer"] for q in questions)
    assert all(0.15 < letters[x] / len(questions) < 0.35 for x in "ABCD"), letters
    splits = Counter(q["meta"]["split"] for q in questions)
    assert abs(splits["train"] - splits["test"]) < 0.2 * len(questions)
    train = {q["meta"]["head"] for q in questions if q["meta"]["split"] == "train" and q["meta"]["kind"] == "attribute"}
    test = {q["meta"]["head"] for q in questions if q["meta"]["split"] == "test" and q["meta"]["kind"] == "attribute"}
    assert train and test and not train & test


def test_an_update_changes_facts_and_its_questions_name_the_stale_answer(world):
    updated, changes = update_world(world, 0.25, seed=3)
    assert len(changes) == 10 and all(c.relation in CHANGEABLE and c.old != c.new for c in changes)
    assert sum(a != b for a, b in zip(world.people, updated.people, strict=True)) == 10
    questions = change_questions(updated, changes)
    for q, change in zip(questions, changes, strict=True):
        gold, stale = (q["options"]["ABCD".index(x)] for x in (q["answer"], q["meta"]["stale"]))
        assert gold == change.new and stale == change.old
        assert solve(q, world.triples, world.guilds, world.lang) == stale  # what the old world says
    # their own ids: a run that answers them beside the world's questions never takes one for another
    assert not {q["id"] for q in questions} & {q["id"] for q in make_questions(world)}
    with pytest.raises(ValueError, match="share"):
        update_world(world, 0)


def test_bad_triples_name_file_line_and_field(tmp_path):
    path = tmp_path / "w.triples.jsonl"
    path.write_text('{"head": "A", "relation": "r", "tail": "B"}\n{"head": "A", "relation": "", "tail": "B"}\n')
    with pytest.raises(ValueError, match=r"w\.triples\.jsonl:2: field 'relation'"):
        read_triples(path)


def test_cli_writes_a_world_and_its_update(tmp_path, capsys):
    out = tmp_path / "world"
    assert main(["synth", "world", "--people", "20", "--lang", "zh", "--update", "0.5", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "20 people" in printed and "10 facts changed" in printed
    assert (out / "knowledge" / "world.triples.jsonl").is_file() and (out / "updated" / "questions.jsonl").is_file()
    updated = load_items(out / "updated" / "questions.jsonl", "mcq")
    assert len(updated) == 10 and all(i.meta["stale"] != i.answer for i in updated)
    assert main(["synth", "world", "--people", "3", "--out", str(tmp_path / "small")]) == 2
    assert "at least 8 people" in capsys.readouterr().out
    assert main(["synth", "--n", "1"]) == 2 and "--out is required" in capsys.readouterr().out


def test_a_world_with_too_few_towns_for_four_options_is_refused():
    world = make_world(8, lang="en")
    small = replace(world, towns=world.towns[:3])
    with pytest.raises(ValueError, match="three town options besides the answer; the world has 2"):
        make_questions(small, kinds=["attribute"])
