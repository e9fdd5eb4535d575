"""The Hebb rule ``W = (1/N) sum_mu xi_mu xi_mu^T`` with zero diagonal (Hopfield 1982).

Hebbian couplings are returned as *integer* couplings ``J`` with ``scale = 1/N``. Keeping
``J`` integer (stored in float32, exact up to 2**24, or int8/int16) makes the comparison
``sum_j W_ij s_j >= theta_i`` exact, ties included: the source report's tie rule (+1 at
the threshold) depends on it.

Capacity: retrieval with a few per cent of errors up to ``alpha_c = 0.138`` (Amit,
Gutfreund and Sompolinsky 1985/1987); every bit of a pattern stable up to
``P = N / (2 ln N)`` (McEliece et al. 1987). Cost: one ``xi^T xi`` product, O(P N^2), or
nothing at all in low-rank mode (the patterns are the factors).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from hopsim.learning.base import Change, Couplings, LowRank, Rule, register, stored_rows


def hebb_integer(patterns: np.ndarray, dtype=np.float32) -> np.ndarray:
    """``J = sum_mu xi_mu xi_mu^T`` with zero diagonal (so ``W = J / N``).

    Parameters
    ----------
    patterns : numpy.ndarray
        Shape (P, N), +/-1.
    dtype : numpy dtype
        float32 (default, exact for integers below 2**24), float64, int8 (P <= 127)
        or int16 (P <= 32767).
    """
    xi = patterns.astype(np.float32 if np.dtype(dtype).kind != "f" else dtype)
    J = xi.T @ xi
    np.fill_diagonal(J, 0)
    return J.astype(dtype, copy=False)


def hebb(patterns: np.ndarray) -> np.ndarray:
    """The Hebb rule ``W = (1/N) sum_mu xi_mu xi_mu^T``, zero diagonal, float64."""
    N = patterns.shape[1]
    return hebb_integer(patterns, np.float64) / N


def learn_hebb(patterns: np.ndarray) -> Couplings:
    """Hebbian couplings as the factored form ``J = xi^T xi - P I`` (nothing is formed)."""
    xi = np.ascontiguousarray(patterns, dtype=np.int8)
    P, N = xi.shape
    return Couplings(
        rule="hebb",
        N=N,
        inverse_scale=float(N),
        integer=True,
        symmetric=True,
        zero_diagonal=True,
        max_abs=float(P),
        lowrank=LowRank(xi, xi, np.full(N, float(P))),
    )


def add_hebb(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Hebb's couplings with ``patterns`` (k, N) added: ``J += x^T x - k I``, exactly.

    The factors gain the k rows; the change is the rank-k ``x^T x`` (integers, exact).
    """
    f = couplings.lowrank
    x = np.ascontiguousarray(patterns, dtype=np.int8)
    k = x.shape[0]
    xi = np.concatenate([f.left, x])
    P = xi.shape[0]
    return replace(
        couplings,
        max_abs=float(P),
        lowrank=LowRank(xi, xi, np.full(couplings.N, float(P))),
        change=Change(LowRank(x, x, np.full(couplings.N, float(k)))),
    )


def remove_hebb(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Hebb's couplings without the stored ``patterns``: ``J -= x^T x - k I``, exactly."""
    f = couplings.lowrank
    rows = stored_rows(f.left, patterns)
    x = f.left[rows]
    xi = np.delete(f.left, rows, axis=0)
    P, k = xi.shape[0], x.shape[0]
    return replace(
        couplings,
        max_abs=float(P),
        lowrank=LowRank(xi, xi, np.full(couplings.N, float(P))),
        change=Change(LowRank(x, -x, np.full(couplings.N, -float(k)))),
    )


def exact_storage_capacity(N: int) -> float:
    """``N / (2 ln N)``: patterns whose every bit is stable (McEliece et al. 1987)."""
    return N / (2.0 * math.log(N)) if N > 1 else 1.0


HEBB = register(
    Rule(
        name="hebb",
        learn=learn_hebb,
        options={},
        integer=True,
        symmetric=True,
        lowrank=True,
        capacity=lambda N: 0.138 * N,
        capacity_text="0.138 N with errors (AGS 1987); N / (2 ln N) without (McEliece 1987)",
        summary="Hebb (1949), Hopfield (1982): W = xi^T xi / N, zero diagonal",
        add=add_hebb,
        remove=remove_hebb,
    )
)
