"""The default answer recipe of ``ragreason run`` and the benchmark, chosen by measurement
(benchmarks/RESULTS.md, "Cloze scoring" and "Answer policy"): option scores, no sampled text, every question
answered. The scoring method is chosen per task (``score="auto"``) among the cloze formulation's
normalisations and the letter: each is judged by 5-fold cross-validation on up to 300 solved examples per
option count under the fitted calibration (a map from the scores to the gold, fitted on the examples and
balanced to their letter shares, used per option count only where it beats batch calibration). On nine shared
sets (300 items each at most) the default was significantly below the prior on none, above it on ProofWriter
and CLUTRR, and scored cloze-pmi where cloze beat letters significantly (CLUTRR, LogiQA 2.0 zh). Without solved
examples it scores ``BLIND_SCORE``, the normalisation best on average over those sets (cloze-pmi: 36.7% raw,
37.4% batch-calibrated, against 33.5% for batch-calibrated letters), with batch calibration.
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
BLIND_SCORE = "cloze-pmi"  # "auto" without solved examples: the method measured best on average (see above)
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
