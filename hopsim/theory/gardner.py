"""Storage capacity of a perceptron with a margin: Gardner's volume and Cover's count.

A neuron of a network of N neurons is a perceptron with N - 1 inputs. Its stability on
pattern mu is ``Delta_mu = xi_i^mu sum_{j != i} J_ij xi_j^mu / ||J_i||``, and its margin
``kappa_i = min_mu Delta_mu``. Gardner (J. Phys. A 21, 257 (1988)) computed, for P = alpha N
random unbiased patterns and N -> infinity, the largest load at which couplings with margin
kappa exist::

    1 / alpha_c(kappa) = int_{-kappa}^inf Dt (t + kappa)^2
                       = (1 + kappa^2) Phi(kappa) + kappa phi(kappa),

with ``Dt`` the standard Gaussian measure, ``phi`` its density and ``Phi`` its distribution
function: ``alpha_c(0) = 2``. Read the other way, :func:`kappa_max` is the maximal
stability reachable at load alpha (1.73 at alpha = 0.25, 1.03 at 0.5, 0.47 at 1, 0.19 at
1.5, 0 at 2); beyond alpha = 2 no couplings stabilise every pattern.

At finite size Cover's function counting theorem (IEEE Trans. Electron. Comput. 14, 326
(1965)) is exact: P points in general position in n dimensions have
``C(P, n) = 2 sum_{k < n} binom(P - 1, k)`` of their 2^P dichotomies separable by a plane
through the origin, so a random dichotomy is separable with probability
``P(Binomial(P - 1, 1/2) <= n - 1)`` (:func:`cover_separable`), 1/2 at P = 2n.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import erfc
from scipy.stats import binom


def gardner_integral(kappa: float | np.ndarray) -> np.ndarray:
    """``int_{-kappa}^inf Dt (t + kappa)^2 = (1 + kappa^2) Phi(kappa) + kappa phi(kappa)``."""
    k = np.asarray(kappa, dtype=np.float64)
    Phi = 0.5 * erfc(-k / math.sqrt(2.0))
    phi = np.exp(-0.5 * k * k) / math.sqrt(2.0 * math.pi)
    return (1.0 + k * k) * Phi + k * phi


def alpha_c(kappa: float | np.ndarray = 0.0) -> np.ndarray | float:
    """Gardner's capacity at margin kappa >= 0: ``1 / int_{-kappa}^inf Dt (t + kappa)^2``.

    2 at kappa = 0, 0.96 at 0.5, 0.52 at 1 (Gardner 1988); NaN for kappa < 0 or NaN.
    """
    k = np.asarray(kappa, dtype=np.float64)
    out = np.where(k >= 0, 1.0 / gardner_integral(np.maximum(k, 0.0)), np.nan)
    return float(out) if out.ndim == 0 else out


def kappa_max(alpha: float | np.ndarray) -> np.ndarray | float:
    """Maximal stability at load alpha: the root of ``alpha_c(kappa) = alpha``.

    Defined for 0 < alpha <= 2 (0 at alpha = 2); NaN beyond alpha = 2, where no couplings
    stabilise every pattern, and for alpha <= 0 or NaN. Accurate to 1e-12.
    """
    a = np.asarray(alpha, dtype=np.float64)
    out = np.full(a.shape, np.nan)
    for idx, value in np.ndenumerate(a):
        if 0.0 < value <= 2.0:
            out[idx] = _kappa_root(float(value))
    return float(out) if out.ndim == 0 else out


def _kappa_root(alpha: float) -> float:
    """kappa with ``alpha * gardner_integral(kappa) = 1``, for 0 < alpha <= 2."""
    if alpha == 2.0:
        return 0.0
    hi = 1.0
    while alpha * float(gardner_integral(hi)) < 1.0:  # the integral grows like kappa^2
        hi *= 2.0
    return brentq(lambda k: alpha * float(gardner_integral(k)) - 1.0, 0.0, hi, xtol=1e-13)


def cover_separable(P: int | np.ndarray, n: int | np.ndarray) -> np.ndarray | float:
    """Probability that a random dichotomy of P points in general position in n dimensions
    is separable by a plane through the origin (Cover 1965): ``P(Bin(P - 1, 1/2) <= n - 1)``.

    1 for P <= n, 1/2 at P = 2n. For a neuron of a Hopfield network, n = N - 1 inputs.
    """
    P = np.asarray(P)
    n = np.asarray(n)
    out = np.where(P <= 0, 1.0, binom.cdf(n - 1, np.maximum(P - 1, 0), 0.5))
    return float(out) if out.ndim == 0 else out
