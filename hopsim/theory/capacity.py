"""Storage capacity of the Hebbian Hopfield network at T = 0.

Replica-symmetric theory of Amit, Gutfreund and Sompolinsky (Phys. Rev. Lett. 55, 1530
(1985); Ann. Phys. 173, 30 (1987)). At T = 0 the retrieval overlap m and the variable
``y = m / sqrt(2 alpha r)`` satisfy

    m = erf(y),    sqrt(2 alpha) = erf(y) / y - (2 / sqrt(pi)) exp(-y^2),

so ``alpha(y) = (erf(y)/y - 2/sqrt(pi) exp(-y^2))^2 / 2``. Retrieval states exist for
``alpha <= alpha_c = max_y alpha(y) ~ 0.1379`` with ``m(alpha_c) ~ 0.9674``; for a given
alpha the retrieval state is the larger root y.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import erf, erfc
from scipy.stats import binom


def _alpha_of_y(y: float) -> float:
    return 0.5 * (erf(y) / y - 2.0 / np.sqrt(np.pi) * np.exp(-y * y)) ** 2


@cache
def ags_critical() -> tuple[float, float]:
    """(alpha_c, m(alpha_c)) of the replica-symmetric T = 0 theory: (0.13790..., 0.96741...)."""
    res = minimize_scalar(
        lambda y: -_alpha_of_y(y),
        bounds=(0.5, 3.0),
        method="bounded",
        options={"xatol": 1e-13},
    )
    return float(_alpha_of_y(res.x)), float(erf(res.x))


@cache
def _y_critical() -> float:
    alpha_c, m_c = ags_critical()
    return float(brentq(lambda y: erf(y) - m_c, 0.5, 3.0, xtol=1e-14))


def ags_overlap(alpha: float | np.ndarray) -> np.ndarray:
    """Retrieval overlap m(alpha) at T = 0; NaN where no retrieval state exists.

    ``alpha = 0`` gives m = 1. Values solve the AGS equations to ~1e-12.
    """
    alpha = np.asarray(alpha, dtype=np.float64)
    alpha_c, _ = ags_critical()
    y_c = _y_critical()
    out = np.full(alpha.shape, np.nan)
    for idx, a in np.ndenumerate(alpha):
        if a < 0 or a > alpha_c:
            continue
        if a == 0:
            out[idx] = 1.0
            continue
        # alpha(y) decreases monotonically from alpha_c to 0 for y > y_c
        y = brentq(lambda y, a=a: _alpha_of_y(y) - a, y_c, 50.0, xtol=1e-14)
        out[idx] = erf(y)
    return out if out.ndim else float(out)


def one_step_error(alpha: float | np.ndarray) -> np.ndarray:
    """Fraction of bits of a stored pattern that one update flips: erfc(1/sqrt(2 alpha))/2.

    The crosstalk field on a bit is approximately Gaussian with variance alpha.
    """
    alpha = np.asarray(alpha, dtype=np.float64)
    with np.errstate(divide="ignore"):
        out = np.where(alpha > 0, 0.5 * erfc(1.0 / np.sqrt(np.where(alpha > 0, 2 * alpha, 1))), 0)
    return out if out.ndim else float(out)


# ------------------------------------------------- every pattern a fixed point (Hebb)


def all_patterns_law(N: float) -> float:
    """``N / (4 ln N)``: patterns that can be stored with *every* one a fixed point.

    McEliece, Posner, Rodemich and Venkatesh (IEEE Trans. Inf. Theory 33, 461 (1987)):
    ``N / (2 ln N)`` keeps a given pattern (most patterns) stable with probability -> 1,
    ``N / (4 ln N)`` all of them at once. Both are N -> infinity limits, approached like
    1 / ln N (see :func:`all_patterns_load`).
    """
    return N / (4.0 * np.log(N)) if N > 1 else 1.0


def bit_flip_probability(N: int, P: int) -> float:
    """Probability that one bit of a stored pattern flips under one update (Hebb, zero
    diagonal, theta = 0, a tie h = 0 going to +1).

    The raw field on bit i of pattern nu is ``xi_i h_i = (N - 1) + C`` with the crosstalk
    ``C`` a sum of ``M = (P - 1)(N - 1)`` terms +/-1, counted here as independent (binomial);
    the bit flips when ``C < -(N - 1)``, and at ``C = -(N - 1)`` (a tie) when ``xi_i = -1``
    (probability 1/2).
    """
    M = (P - 1) * (N - 1)
    if M <= 0:
        return 0.0
    k2 = M - (N - 1)  # 2 B - M < -(N - 1)  <=>  B < (M - (N - 1)) / 2
    if k2 < 0:
        return 0.0
    if k2 % 2 == 0:
        k = k2 // 2
        return float(binom.cdf(k - 1, M, 0.5) + 0.5 * binom.pmf(k, M, 0.5))
    return float(binom.cdf(k2 // 2, M, 0.5))


def all_patterns_stable(N: int, P: int) -> float:
    """Probability that all P random patterns are fixed points at once, every one of the
    N P bits flipping independently with :func:`bit_flip_probability`.

    Bits share crosstalk terms, so they are not quite independent: at N = 100 a simulation
    of 3000 pattern sets gives 0.72 at P = 10 and 0.34 at P = 12 where this gives 0.64 and
    0.20 (tests/test_theory_capacity.py); the load where it crosses 1/2 moves by about one
    pattern.
    """
    p = bit_flip_probability(N, P)
    return float(np.exp(N * P * np.log1p(-p))) if p < 1 else 0.0


def all_patterns_load(N: int) -> float:
    """Largest P / N with :func:`all_patterns_stable` >= 1/2: the finite-N version of
    :func:`all_patterns_law` (their ratio falls to 1 only like 1 / ln N)."""
    lo, hi = 1, max(2, N)  # stable(lo) >= 1/2 > stable(hi)
    if all_patterns_stable(N, hi) >= 0.5:
        return hi / N
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if all_patterns_stable(N, mid) >= 0.5 else (lo, mid)
    return lo / N
