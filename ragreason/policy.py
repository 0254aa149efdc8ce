"""The default answer recipe of ``ragreason run`` and the benchmark, chosen by measurement
(benchmarks/RESULTS.md, "Answer policy"): the letter's log-probability after the direct template's
answer prefix, with the mean letter probability over the questions divided out (batch calibration),
and no sampled text. It answers every question, leans on one letter far less than five free samples,
keeps a fine-tuned adapter's gain and costs 0.05-0.2x of five samples; but on all 600 ProofWriter dev
items and the whole CLUTRR test split it scored significantly below always answering the commonest
training letter (the open problem of that section). A model that reasons in text before it
answers is better served by ``--template reasoning --votes K`` (sampled answers, majority-voted).
"""

from __future__ import annotations

DEFAULT_TEMPLATE = "direct"  # a template family: direct-zh or direct-en by the item's language
DEFAULT_VOTES = 0  # sampled answers per question (0: the option scores alone decide)
DEFAULT_SCORE = "label"  # option scoring: the letter after the answer prefix
DEFAULT_CALIBRATION = "batch"  # divide out the mean letter probability over a share of the questions
DEFAULT_FALLBACK = "score"  # when no vote names an option (votes without a score): the calibrated scores
