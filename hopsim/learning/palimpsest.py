"""Palimpsests: learning rules that forget the oldest patterns to keep learning new ones.

Hebb's rule learns a stream of patterns until it holds ``0.138 N`` of them, and then
retrieves almost none, new or old (the blackout). These rules weaken old traces so that
the most recent patterns stay retrievable however long the stream runs. Both learn
``patterns`` in order, oldest first, and stream: :func:`add_hebb_decay` and
:func:`add_hebb_bounded` add patterns to learned couplings and give the same couplings
as learning the whole stream at once. Their theory is :mod:`hopsim.theory.palimpsest`.

``hebb_decay``
    Exponential decay, the "marginalist" scheme of Mezard, Nadal and Toulouse (J. Physique
    47, 1457 (1986)) and Nadal, Toulouse, Changeux and Dehaene (Europhys. Lett. 1, 535
    (1986)): ``W <- lambda W + xi xi^T / N`` with ``lambda = exp(-epsilon^2 / 2N)``, so
    ``W = (1/N) sum_mu lambda^(age_mu) xi^mu xi^mu^T`` (zero diagonal; the newest pattern
    has weight 1). ``epsilon`` is the new pattern's amplitude against couplings of unit
    norm; the memory time is ``2 N / epsilon^2`` patterns. Theory: about ``0.049 N``
    recent patterns at ``epsilon ~ 4.11``, none below ``epsilon_c ~ 2.46``; ``epsilon = 0``
    is Hebb's rule. Stored as the factors ``F = sqrt(w) xi`` (``J = F^T F - diag``), so the
    ``lowrank`` mode serves it; rows whose weight fell below ``2^-64`` (below float64
    resolution beside the newest pattern's 1) are dropped.
``hebb_bounded``
    Learning within bounds (Parisi, J. Phys. A 19, L617 (1986)): ``J_ij <- clip(J_ij +
    xi_i xi_j / sqrt(N), -A, A)``, ``W = J / sqrt(N)`` (the newest pattern's trace is then
    ``1/N`` per coupling, as in Hebb's rule). Theory: about ``0.040 N`` recent patterns at
    ``A ~ 0.355``, none above ``A ~ 0.76``. The walk is sequential per coupling: a numba
    kernel, O(P N^2), dense couplings only.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from hopsim.errors import ParameterError
from hopsim.learning.base import Change, Couplings, LowRank, Option, Rule, register

#: The default decay amplitude: the theory's best, epsilon_opt = 4.108 (MNT: 4.1).
EPSILON_OPT = 4.108
#: Its capacity, patterns per neuron (hopsim.theory.palimpsest.decay_optimum).
DECAY_ALPHA = 0.04896
#: The default bound: the mean-field best, A_opt = 0.355.
BOUND_OPT = 0.355
#: Its capacity, patterns per neuron (hopsim.theory.palimpsest.bounded_optimum).
BOUNDED_ALPHA = 0.04047
#: Factors with a weight below this are dropped (log2: 2^-64 of the newest pattern's 1).
LOG2_SMALLEST_WEIGHT = -64.0
#: Largest epsilon and bound allowed (both forget everything but the newest pattern far
#: below: epsilon = 100 at N = 10^6 keeps a pattern for 200 steps).
MAX_OPTION = 1e6


def _check_option(lo_open: bool):
    allowed = f"a finite number {'>' if lo_open else '>='} 0 and <= {MAX_OPTION:g}"

    def check(name: str, value: Any) -> float:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise ParameterError(name, value, allowed)
        x = float(value)
        if not math.isfinite(x) or x < 0 or (lo_open and x == 0) or x > MAX_OPTION:
            raise ParameterError(name, value, allowed)
        return x

    return check


# ----------------------------------------------------------------------------- decay


def _decay_factors(xi: np.ndarray, epsilon: float, ages: np.ndarray) -> np.ndarray:
    """``sqrt(lambda^age) xi`` for the rows worth keeping (weight >= 2^-64)."""
    N = xi.shape[1]
    half_log = -ages * epsilon**2 / (4.0 * N)  # ln sqrt(w)
    keep = 2.0 * half_log >= LOG2_SMALLEST_WEIGHT * math.log(2.0)
    return np.exp(half_log[keep])[:, None] * xi[keep].astype(np.float64)


def _decay_couplings(F: np.ndarray, N: int, epsilon: float) -> Couplings:
    weight = float(np.sum(F[:, 0] ** 2)) if F.shape[0] else 0.0
    return Couplings(
        rule="hebb_decay",
        N=N,
        inverse_scale=float(N),
        integer=False,
        symmetric=True,
        zero_diagonal=True,
        max_abs=math.inf,
        lowrank=LowRank(F, F, np.full(N, weight)),
        info={
            "epsilon": float(epsilon),
            "decay": math.exp(-(epsilon**2) / (2.0 * N)),
            "kept_patterns": int(F.shape[0]),
        },
    )


def learn_hebb_decay(patterns: np.ndarray, epsilon: float = EPSILON_OPT) -> Couplings:
    """``W = (1/N) sum_mu exp(-epsilon^2 age_mu / 2N) xi^mu xi^mu^T``, zero diagonal.

    Parameters
    ----------
    patterns : numpy.ndarray
        (P, N) +/-1, oldest first (the last row has age 0).
    epsilon : float
        MNT's amplitude of a new pattern; 0 is Hebb's rule.
    """
    xi = np.ascontiguousarray(patterns, dtype=np.int8)
    P, N = xi.shape
    ages = np.arange(P - 1, -1, -1, dtype=np.float64)
    return _decay_couplings(_decay_factors(xi, epsilon, ages), N, epsilon)


def add_hebb_decay(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Stream ``patterns`` (k, N), oldest first, into ``hebb_decay`` couplings.

    Each step is ``W <- lambda W + xi xi^T / N``: the old factors shrink by
    ``lambda^(k/2)`` and the new patterns join with their weights; equal to learning the
    whole stream at once. The change is ``J_new = lambda^k J_old + F_k^T F_k - diag``.
    """
    epsilon = float(options["epsilon"])
    xi = np.ascontiguousarray(patterns, dtype=np.int8)
    k, N = xi.shape
    decay = math.exp(-k * epsilon**2 / (2.0 * N))
    F_old = couplings.lowrank.left * math.sqrt(decay)  # every old factor ages by k steps
    alive = F_old[:, 0] ** 2 >= 2.0**LOG2_SMALLEST_WEIGHT  # |xi| = 1: the squared factor is w
    F_new = _decay_factors(xi, epsilon, np.arange(k - 1, -1, -1, dtype=np.float64))
    new = _decay_couplings(np.concatenate([F_old[alive], F_new]), N, epsilon)
    added = float(np.sum(F_new[:, 0] ** 2)) if F_new.shape[0] else 0.0
    change = Change(LowRank(F_new, F_new, np.full(N, added)), decay=decay)
    return replace(new, options=dict(couplings.options), change=change)


def remove_hebb_decay(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """``hebb_decay`` couplings without the stored ``patterns``: each one's weighted term
    ``w xi xi^T / N`` is subtracted (the last stored occurrence of each).

    A pattern so old that its weight fell below ``2^-64`` was dropped from the factors
    already: removing it changes nothing.
    """
    F = couplings.lowrank.left
    signs = np.where(F >= 0, 1, -1).astype(np.int8)
    rows: list[int] = []
    for x in np.ascontiguousarray(patterns, dtype=np.int8):
        hits = [int(i) for i in np.flatnonzero((signs == x).all(axis=1))[::-1] if i not in rows]
        if hits:
            rows.append(hits[0])
    gone = F[rows]
    N = couplings.N
    new = _decay_couplings(np.delete(F, rows, axis=0), N, float(options["epsilon"]))
    weight = float(np.sum(gone[:, 0] ** 2)) if gone.shape[0] else 0.0
    change = Change(LowRank(gone, -gone, np.full(N, -weight)))
    return replace(new, options=dict(couplings.options), change=change)


# ----------------------------------------------------------------------------- bounds


def _bounded_couplings(J: np.ndarray, bound: float) -> Couplings:
    N = J.shape[0]
    off = N * (N - 1)
    saturated = float(np.count_nonzero(np.abs(J) == bound) / off) if off else 0.0
    return Couplings(
        rule="hebb_bounded",
        N=N,
        inverse_scale=math.sqrt(N),
        integer=False,
        symmetric=True,
        zero_diagonal=True,
        max_abs=float(bound),
        J=J,
        info={"bound": float(bound), "saturated_fraction": saturated},
    )


def _walk(J: np.ndarray, xi: np.ndarray, bound: float) -> None:
    from hopsim.kernels.palimpsest import bounded_walk

    if xi.shape[0]:
        bounded_walk(J, xi, 1.0 / math.sqrt(J.shape[0]), float(bound))


def learn_hebb_bounded(patterns: np.ndarray, bound: float = BOUND_OPT) -> Couplings:
    """``J_ij <- clip(J_ij + xi_i xi_j / sqrt(N), -A, A)`` pattern by pattern from ``J = 0``.

    Parameters
    ----------
    patterns : numpy.ndarray
        (P, N) +/-1, oldest first.
    bound : float
        ``A``: every coupling stays in ``[-A, A]`` (``W = J / sqrt(N)``).
    """
    xi = np.ascontiguousarray(patterns, dtype=np.int8)
    N = xi.shape[1]
    J = np.zeros((N, N))
    _walk(J, xi, bound)
    return _bounded_couplings(J, bound)


def add_hebb_bounded(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Continue the clipped walk of ``hebb_bounded`` couplings with ``patterns`` (on a copy).

    The clip is not low-rank: no :class:`Change` (a network forms ``J`` again, O(N^2)); and
    it cannot be undone, so the rule has no ``remove``.
    """
    J = np.array(couplings.J, dtype=np.float64, copy=True)
    _walk(J, np.ascontiguousarray(patterns, dtype=np.int8), float(options["bound"]))
    return replace(_bounded_couplings(J, float(options["bound"])), options=dict(couplings.options))


# ----------------------------------------------------------------------------- registry

HEBB_DECAY = register(
    Rule(
        name="hebb_decay",
        learn=learn_hebb_decay,
        options={
            "epsilon": Option(
                EPSILON_OPT,
                _check_option(lo_open=False),
                "amplitude of a new pattern: lambda = exp(-epsilon^2 / 2N); 0 is Hebb "
                "(default 4.108, the theory's best)",
            )
        },
        integer=False,
        symmetric=True,
        lowrank=True,
        capacity=lambda N: DECAY_ALPHA * N,
        capacity_text="the most recent 0.049 N patterns at epsilon = 4.11 (MNT 1986: 0.05 N "
        "at 4.1); none below epsilon = 2.46",
        summary="Mezard, Nadal and Toulouse (1986): Hebb with exponential decay, a palimpsest",
        learning_bytes=lambda N, P, **_: 24.0 * N * min(P, 4 * N + 64),
        color="#E69F00",
        marker="P",
        add=add_hebb_decay,
        remove=remove_hebb_decay,
    )
)

HEBB_BOUNDED = register(
    Rule(
        name="hebb_bounded",
        learn=learn_hebb_bounded,
        options={
            "bound": Option(
                BOUND_OPT,
                _check_option(lo_open=True),
                "A: couplings clipped to [-A, A] after each pattern's xi_i xi_j / sqrt(N) "
                "(default 0.355, the theory's best)",
            )
        },
        integer=False,
        symmetric=True,
        lowrank=False,
        capacity=lambda N: BOUNDED_ALPHA * N,
        capacity_text="the most recent 0.040 N patterns at A = 0.355 (mean-field; Parisi 1986: "
        "about 0.04 N); none above A = 0.76",
        summary="Parisi (1986): learning within bounds, clipped Hebbian couplings, a palimpsest",
        learning_bytes=lambda N, P, **_: 16.0 * N * N,
        color="#56B4E9",
        marker="X",
        add=add_hebb_bounded,
    )
)
