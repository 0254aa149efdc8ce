"""Loaders and writers for multiple-choice reasoning data. Errors name file, line and field."""

from .clutrr import load_clutrr
from .competition import load_competition
from .errors import DataError, Rejects
from .formats import FORMATS, flatten, load_items, load_problems
from .logic_lm import load_logic_lm
from .logiqa import load_logiqa2
from .mcq import load_mcq
from .pararule import load_pararule_plus
from .prior import LetterPrior, chance_accuracy
from .submission import SubmissionReport, write_submission

__all__ = [
    "FORMATS", "DataError", "LetterPrior", "Rejects", "SubmissionReport", "chance_accuracy", "flatten", "load_clutrr",
    "load_competition", "load_items", "load_logic_lm", "load_logiqa2", "load_mcq", "load_pararule_plus",
    "load_problems", "write_submission",
]
