"""The covariance rule for biased patterns (Amit, Gutfreund and Sompolinsky 1987;
Tsodyks and Feigel'man 1988).

Patterns with mean activity ``a`` (``P(xi = +1) = (1 + a) / 2``, ``patterns.bias``) share
a mean pattern; Hebb's ``xi^T xi`` then adds ``P a^2`` of it to every field and recall
collapses onto it. The covariance rule stores the deviations::

    W = (1/N) sum_mu (xi_mu - a)(xi_mu - a)^T,   W_ii = 0,

and the threshold that goes with it, ``theta_i = -a (1 - a^2)``: from a stored pattern the
field is ``(xi_i - a)(1 - a^2)`` plus zero-mean crosstalk, and ``-a (1 - a^2)`` is the
midpoint between the two signal levels. At ``a = 0`` the rule is Hebb's (capacity 0.138).

Cost: one product, O(P N^2) (or none: ``xi - a`` is its low-rank form).

Updates (``Network.add`` / ``Network.remove``) are exact rank-one terms
``+-(x - a)(x - a)^T`` at the activity ``a`` the network was learned with (its
``learning_activity``): the rule assumes a known mean activity, and following the sample
mean would change every coupling. Adding to a network stored with the patterns' mean gives
the batch couplings of ``activity=a`` with that same ``a``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from hopsim.learning.base import (
    Change,
    Couplings,
    LowRank,
    Option,
    Rule,
    check_number,
    register,
    stored_rows,
)


def learn_covariance(patterns: np.ndarray, activity: float | None = None) -> Couplings:
    """Covariance couplings ``J = (xi - a)^T (xi - a)``, zero diagonal, ``W = J / N``.

    Parameters
    ----------
    patterns : numpy.ndarray
        (P, N) +/-1.
    activity : float, optional
        Mean activity ``a``; default the mean of all pattern entries.
    """
    P, N = patterns.shape
    a = float(patterns.mean()) if activity is None else float(activity)
    D = patterns.astype(np.float64) - a
    diag = np.einsum("pn,pn->n", D, D)
    return Couplings(
        rule="covariance",
        N=N,
        inverse_scale=float(N),
        integer=False,
        symmetric=True,
        zero_diagonal=True,
        max_abs=math.inf,
        lowrank=LowRank(D, D, diag),
        threshold_shift=np.full(N, -a * (1.0 - a * a)),
        info={"activity": a},
    )


def add_covariance(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Rank-one terms ``(x - a)(x - a)^T`` for the new patterns, at the network's ``a``."""
    a, f = couplings.info["activity"], couplings.lowrank
    D = patterns.astype(np.float64) - a
    diag = np.einsum("pn,pn->n", D, D)
    left = np.concatenate([f.left, D])
    return replace(
        couplings,
        lowrank=LowRank(left, left, f.diagonal + diag),
        change=Change(LowRank(D, D, diag)),
    )


def remove_covariance(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """The stored patterns' rank-one terms taken away again (the same ``D`` rows, exactly)."""
    a, f = couplings.info["activity"], couplings.lowrank
    rows = stored_rows(f.left, patterns.astype(np.float64) - a)
    D = f.left[rows]
    diag = np.einsum("pn,pn->n", D, D)
    left = np.delete(f.left, rows, axis=0)
    return replace(
        couplings,
        lowrank=LowRank(left, left, f.diagonal - diag),
        change=Change(LowRank(D, -D, -diag)),
    )


COVARIANCE = register(
    Rule(
        name="covariance",
        learn=learn_covariance,
        options={
            "activity": Option(
                None,
                check_number(-1.0, 1.0, optional=True),
                "mean activity a (null: the patterns' mean)",
            )
        },
        integer=False,
        symmetric=True,
        lowrank=True,
        capacity=lambda N: 0.138 * N,
        capacity_text="Hebb's 0.138 N at a = 0; keeps recall for biased patterns (AGS 1987)",
        summary="covariance rule: W = (xi - a)^T (xi - a) / N with theta = -a (1 - a^2)",
        add=add_covariance,
        remove=remove_covariance,
    )
)
