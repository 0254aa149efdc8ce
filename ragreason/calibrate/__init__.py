"""Calibrated option scoring: what a model's letter scores say once its letter habit is taken out.
Three kinds (``CALIBRATIONS``), each turning an item's raw scores into corrected ones:

- ``"batch"`` and ``"pride"`` (``position``): a constant per-letter prior estimated from the items' own
  scores (no golds) and divided out;
- ``"fitted"`` (``fitted``): a letter map learned from solved examples, then the answers balanced to the
  examples' letter shares (``balance``); per option count only where it beats batch calibration in
  cross-validation on the examples (``select``).

``estimate_priors`` (``estimate``) runs the scoring passes a kind needs; the batch and fitted kinds keep
the items' raw scores, which then answer the items: nothing is scored twice.
"""

from .balance import balance_offsets
from .estimate import (
    AS_GIVEN,
    CALIBRATIONS,
    Calibration,
    Correction,
    estimate_priors,
    fitted_examples,
    orders_problem,
)
from .fitted import FIT_C, FIT_ITEMS, MAX_PRICE, MIN_BALANCE, MIN_FIT, FittedCorrection, LetterModel
from .position import (
    BATCH_PSEUDO,
    BATCH_SHARE,
    DEFAULT_SHARE,
    MIN_ITEMS,
    PositionPrior,
    estimation_share,
    fit_batch_prior,
    fit_position_prior,
    log_softmax,
)
from .select import CV_FOLDS, fitted_wins

__all__ = [
    "AS_GIVEN", "BATCH_PSEUDO", "BATCH_SHARE", "CALIBRATIONS", "CV_FOLDS", "DEFAULT_SHARE", "FIT_C", "FIT_ITEMS",
    "MAX_PRICE", "MIN_BALANCE", "MIN_FIT", "MIN_ITEMS", "Calibration", "Correction", "FittedCorrection", "LetterModel",
    "PositionPrior", "balance_offsets", "estimate_priors", "estimation_share", "fit_batch_prior", "fitted_examples",
    "fit_position_prior", "fitted_wins", "log_softmax", "orders_problem",
]
