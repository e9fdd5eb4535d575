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
