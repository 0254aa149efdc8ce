"""The default answer recipe of ``ragreason run`` and the benchmark, chosen by measurement
(benchmarks/RESULTS.md, "Answer policy"): the letter's log-probability after the direct template's
answer prefix, mapped by a letter model fitted on solved examples and balanced to their letter shares
at a bounded price (fitted calibration), and no sampled text. At full size on ProofWriter, CLUTRR,
LogicalDeduction and LogiQA 2.0 zh it answered every question, was nowhere significantly below the
answer prior, kept letter gaps of at most 3 pp, and with a 960-item ProofWriter LoRA kept 61.3%
(greedy 65.3%). Without solved examples the habit is divided out instead (batch calibration), which
cannot undo a model whose letters point away from the gold (below the prior on ProofWriter and CLUTRR).
A model that reasons in text before it answers is better served by ``--template reasoning --votes K``
(sampled answers, majority-voted).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "direct"  # a template family: direct-zh or direct-en by the item's language
DEFAULT_VOTES = 0  # sampled answers per question (0: the option scores alone decide)
DEFAULT_SCORE = "auto"  # option scoring: chosen per task on the solved examples (calibrate.formulation)
# what "auto" chooses from; ties go to the first
SCORE_CANDIDATES = ("cloze-pmi", "cloze", "cloze-char", "cloze-token", "label")
BLIND_SCORE = "cloze-pmi"  # "auto" without solved examples: the method measured best on average
DEFAULT_CALIBRATION = "fitted"  # a letter model fitted on solved examples, answers balanced to their shares
BLIND_CALIBRATION = "batch"  # without solved examples: divide out the mean letter probability over the questions
DEFAULT_FALLBACK = "score"  # when no vote names an option (votes without a score): the calibrated scores


def calibration_for(calibrate: str | None, has_examples: bool) -> str | None:
    """The calibration to run: ``calibrate``, except that the fitted kind without solved examples becomes
    ``BLIND_CALIBRATION`` (with a warning)."""
    if calibrate == "fitted" and not has_examples:
        log.warning("fitted calibration needs solved examples; without them the letter prior is divided out "
                    "instead (%s calibration)", BLIND_CALIBRATION)
        return BLIND_CALIBRATION
    return calibrate
