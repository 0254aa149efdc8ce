"""Extraction measured on 224 real sampled answers of the default model, labelled by hand."""

import json
import re
from pathlib import Path

import pytest

from ragreason.extract import extract_choice

FIXTURE = Path(__file__).parents[1] / "fixtures" / "extraction_smollm2.jsonl"
BASELINE = re.compile("答案是：(.)")


def rows(split=None):
    data = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [r for r in data if split is None or r["split"] == split]


def extraction_accuracy(data):
    hits = sum(extract_choice(r["text"], len(r["options"]), options=r["options"]) == r["label"] for r in data)
    return hits / len(data)


def baseline_accuracy(data, fallback=None):
    def read(text):
        match = BASELINE.search(text)
        return match.group(1) if match else fallback

    return sum(read(r["text"]) == r["label"] for r in data) / len(data)


def test_fixture_is_large_and_labelled():
    data = rows()
    assert len(data) >= 200 and {r["split"] for r in data} == {"dev", "heldout"}
    for r in data:
        assert r["label"] is None or r["label"] in "ABCDEFG"[: len(r["options"])]


@pytest.mark.parametrize(("split", "floor"), [("dev", 0.93), ("heldout", 0.85)])
def test_extraction_accuracy_on_real_outputs(split, floor):
    assert extraction_accuracy(rows(split)) >= floor


def test_extraction_beats_the_baseline_regex():
    data = rows()
    ours = extraction_accuracy(data)
    assert ours > baseline_accuracy(data) + 0.3
    assert ours > baseline_accuracy(data, fallback="A") + 0.3
