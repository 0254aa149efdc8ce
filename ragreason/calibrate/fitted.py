"""A letter map fitted on solved examples: per option count, a multinomial logistic regression from an item's
letter log-probabilities (options as given) to its gold letter (matrix scaling, Guo et al. 2017, "On
Calibration of Modern Neural Networks"), then the answers balanced to the examples' gold letter shares.

Dividing out a constant letter prior (``position``) assumes that what is left points at the gold. For a
small model it may not: on ProofWriter the packaged 135M model's batch-calibrated letters swap True and
False more often than not, and fall below chance (benchmarks/RESULTS.md, "Answer policy"). A map fitted
on examples with golds learns what the letter scores really say (a swap included) and their letter
habit at once. Its posterior over the examples' letter shares (the evidence) is then balanced to
those shares (``balance``, at a price of at most ``MAX_PRICE`` nats per answer off a letter's budget):
a weak map does not answer every item with the examples' commonest letter, and the confident answers
of a fine-tuned model stay in place.

``MAX_PRICE`` was chosen on training items alone (two halves of ProofWriter's and CLUTRR's training
items with the packaged model, and of the ProofWriter items a 960-item LoRA did not train on): at
0.1 nats CLUTRR kept a 15 pp letter gap, at 0.25 every base-model set was balanced (gaps 5-7 pp) and
the LoRA kept 61.3% against 62.7% unbalanced; at 0.5 the LoRA fell to 55.3%.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import option_letters
from .balance import balance_offsets
from .position import PositionPrior, log_softmax

log = logging.getLogger(__name__)

FIT_ITEMS = 300  # solved examples scored per option count, at most
MIN_FIT = 30  # fewer examples of an option count, or one without every letter among its golds: batch calibration
FIT_C = 1.0  # the regression's inverse L2 strength (scikit-learn's default)
MIN_BALANCE = 30  # items of an option count below which answers are not balanced (a balance of few is noise)
MAX_PRICE = 0.25  # nats per answer off a letter's budget (prices differ by <= 2x that; chosen on training items)


@dataclass(frozen=True)
class LetterModel:
    """``log P(gold = j | scores) = log_softmax(weights @ log_softmax(scores) + bias)[j]`` for one option count;
    ``weights[j]`` holds gold letter j's weight for each scored letter."""

    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    examples: int

    def __post_init__(self) -> None:
        n = len(self.bias)
        if n < 2 or len(self.weights) != n or any(len(row) != n for row in self.weights):
            raise ValueError(f"a letter model needs {n} x {n} weights and {n} biases")

    @classmethod
    def fit(cls, scores: Sequence[Mapping[str, float]], golds: Sequence[str]) -> LetterModel | None:
        """The map from examples' scores (keyed by letter) and gold letters of one option count; None when
        they are too few (``MIN_FIT``) or some letter is no example's gold."""
        from sklearn.linear_model import LogisticRegression

        if len(scores) != len(golds):
            raise ValueError(f"{len(scores)} scored examples but {len(golds)} golds")
        if not scores:
            return None
        letters = option_letters(len(scores[0]))
        if len(scores) < MIN_FIT or set(golds) != set(letters):
            return None
        features = [_features(s, letters) for s in scores]
        fitted = LogisticRegression(C=FIT_C, max_iter=1000).fit(features, [letters.index(g) for g in golds])
        weights, bias = fitted.coef_.tolist(), fitted.intercept_.tolist()
        if len(letters) == 2:  # scikit-learn keeps one row for two classes: the second's logit against the first's 0
            weights, bias = [[0.0] * 2, weights[0]], [0.0, bias[0]]
        return cls(tuple(tuple(float(w) for w in row) for row in weights), tuple(float(b) for b in bias), len(scores))

    def log_posterior(self, scores: Mapping[str, float]) -> dict[str, float]:
        letters = option_letters(len(self.bias))
        x = _features(scores, letters)
        z = {letter: b + sum(w * v for w, v in zip(row, x, strict=True))
             for letter, row, b in zip(letters, self.weights, self.bias, strict=True)}
        return log_softmax(z)


@dataclass(frozen=True)
class FittedCorrection:
    """The fitted map per option count (``models``), each followed by its offsets per letter: the log of
    the examples' share of the letter (the posterior becomes the evidence) plus the letter's balancing
    price, none for an option count with fewer than ``MIN_BALANCE`` items; option counts without a model
    are batch-calibrated (``fallback``)."""

    method: str
    models: dict[int, LetterModel]
    offsets: dict[int, tuple[float, ...]]
    fallback: PositionPrior

    def debias(self, scores: Mapping[str, float]) -> dict[str, float]:
        """Scores per letter (letters as given): the fitted log posterior less the letter's offset."""
        model = self.models.get(len(scores))
        if model is None:
            return self.fallback.debias(scores)
        posterior = model.log_posterior(scores)
        prices = self.offsets.get(len(scores))
        if prices is None:
            return posterior
        return {letter: posterior[letter] - price
                for letter, price in zip(option_letters(len(scores)), prices, strict=True)}


def fit_count(scores: Sequence[Mapping[str, float]], golds: Sequence[str], answered: Sequence[Mapping[str, float]],
              shares: Mapping[str, float]) -> tuple[LetterModel, tuple[float, ...] | None] | None:
    """For one option count: the map from the examples' ``scores`` and ``golds``, and the offsets that balance
    the ``answered`` items' evidence to the examples' letter ``shares`` (None for fewer than ``MIN_BALANCE``
    items); None without a map (``LetterModel.fit``)."""
    model = LetterModel.fit(scores, golds)
    if model is None:
        return None
    if len(answered) < MIN_BALANCE:
        return model, None
    letters = option_letters(len(model.bias))
    prior = [math.log(shares[letter]) for letter in letters]
    evidence = [[p[letter] - prior[j] for j, letter in enumerate(letters)]
                for p in (model.log_posterior(s) for s in answered)]
    prices = balance_offsets(evidence, [shares[letter] for letter in letters], MAX_PRICE)
    return model, tuple(prior[j] + prices[j] for j in range(len(letters)))


def _features(scores: Mapping[str, float], letters: Sequence[str]) -> list[float]:
    if set(scores) != set(letters):
        raise ValueError(f"scores {dict(scores)} do not name the letters {', '.join(letters)}")
    logp = log_softmax(scores)
    return [max(logp[letter], math.log(1e-12)) for letter in letters]
