"""Balanced answers: per-letter offsets that make a set of answers use each letter in given shares while
keeping as much of the items' log posterior as that balance allows, at a bounded price.

Answering items i with letters j under a budget of ``N * share_j`` answers per letter, to the largest
total log posterior, is a transport problem:
``max sum_ij x_ij L_ij  s.t.  sum_j x_ij = 1,  sum_i x_ij = N share_j,  x >= 0``.
Its dual prices ``u_j`` of the letter budgets turn it into a per-item rule: answer ``argmax_j L_ij - u_j``
(items on a tie between two letters, at most a few, take either). The prices are subtracted from each
item's scores, so the balanced answer is an ordinary score vote.

With ``max_price`` each answer beyond (or short of) a letter's budget costs that many nats instead of
being forbidden: two letters' prices then differ by at most twice that, so an item whose best letter
beats another by more is never moved to it. A model with weak evidence (small margins) is balanced
fully; a confident one, whose letter shares differ from the golds' because it cannot tell some answer
apart (a LoRA that never says "Unknown"), keeps its answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack, identity, kron, vstack


def balance_offsets(log_posteriors: Sequence[Sequence[float]], shares: Sequence[float],
                    max_price: float | None = None) -> tuple[float, ...]:
    """The per-letter prices ``u`` (mean 0) for items' log posteriors (one row per item, one column per
    letter) and the letters' target shares (summing to 1); ``max_price`` (nats): what one answer off a
    letter's budget costs (None: the budgets are exact)."""
    scores = np.asarray(log_posteriors, dtype=float)
    target = np.asarray(shares, dtype=float)
    if scores.ndim != 2 or scores.shape[0] == 0 or scores.shape[1] != len(target):
        raise ValueError(f"need one row of {len(target)} log posteriors per item, got shape {scores.shape}")
    if not np.all(np.isfinite(scores)):
        raise ValueError("log posteriors must be finite")
    if np.any(target <= 0) or abs(target.sum() - 1) > 1e-6:
        raise ValueError(f"shares must be positive and sum to 1, got {list(shares)}")
    if max_price is not None and max_price < 0:
        raise ValueError(f"max_price must be >= 0, got {max_price}")
    items, letters = scores.shape
    one_per_item = kron(identity(items), np.ones((1, letters)))
    per_letter = hstack([identity(letters)] * items)
    cost = -scores.ravel()
    if max_price is not None:  # slack variables: answers over and under each letter's budget, at max_price each
        slack = hstack([identity(letters), -identity(letters)])
        one_per_item = hstack([one_per_item, csr_matrix((items, 2 * letters))])
        per_letter = hstack([per_letter, -slack])
        cost = np.concatenate([cost, np.full(2 * letters, max_price)])
    result = linprog(cost, A_eq=csr_matrix(vstack([one_per_item, per_letter])),
                     b_eq=np.concatenate([np.ones(items), target * items]), bounds=(0, None), method="highs")
    if result.status != 0:
        raise RuntimeError(f"balancing the answers failed: {result.message}")
    prices = -np.asarray(result.eqlin.marginals[items:])
    return tuple(float(p) for p in prices - prices.mean())
