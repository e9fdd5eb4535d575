"""Closed forms for the single neuron ``tau dv/dt = -v + tanh(gain (h + lambda v))``.

The fixed points solve ``v = tanh(gain (h + lambda v))``. At ``h = 0`` this is the
mean-field equation ``m = tanh(beta m)`` of the Hopfield network's overlap with one
pattern (``beta = gain lambda``): a supercritical pitchfork at ``gain lambda = 1``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq


def lambda_c(gain: float = 1.0) -> float:
    """Critical self-coupling of the pitchfork at ``h = 0``: ``lambda_c = 1 / gain``."""
    return 1.0 / gain


def tanh_fixed_point(k: float) -> float:
    """The positive root of ``x = tanh(k x)`` (0 when ``k <= 1``).

    This is the upper branch ``v*(lambda)`` of the single neuron (``k = gain lambda``)
    and the mean-field overlap ``m(beta)`` (``k = beta``).
    """
    if k <= 1.0:
        return 0.0
    # x - tanh(k x) < 0 just above 0 and > 0 at x = 1
    lo = min(math.sqrt(3.0 * (k - 1.0)) / k, 1.0) * 1e-3
    return brentq(lambda x: x - math.tanh(k * x), lo, 1.0, xtol=1e-15, rtol=1e-15)


def meanfield_overlap(beta) -> np.ndarray:
    """``m(beta) >= 0`` solving ``m = tanh(beta m)`` (vectorised over ``beta``)."""
    beta = np.atleast_1d(np.asarray(beta, dtype=np.float64))
    return np.array([tanh_fixed_point(b) for b in beta]).reshape(np.shape(beta))


def small_amplitude_branch(lam, gain: float = 1.0) -> np.ndarray:
    """Leading order near the pitchfork: ``v* ~ sqrt(3 (gain lambda - 1)) / (gain lambda)``.

    From ``tanh(x) = x - x^3/3 + ...`` with ``x = gain lambda v``; for gain 1 and lambda -> 1+
    this is ``sqrt(3 (lambda - 1))``. NaN below the pitchfork.
    """
    k = gain * np.asarray(lam, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(k > 1.0, np.sqrt(3.0 * (k - 1.0)) / k, np.nan)


def fold_points_tanh(lam, gain: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Saddle-node points of ``v = tanh(gain (h + lambda v))`` for ``gain lambda > 1``.

    At a fold ``lambda F'(x) = 1`` with ``x = h + lambda v``: ``cosh^2(gain x) = gain lambda``,
    so ``v_f = sqrt(1 - 1/(gain lambda))`` and ``h_f = x - lambda v_f``. The bistable window is
    ``|h| < h_fold`` with

        h_fold = lambda sqrt(1 - 1/(gain lambda)) - arccosh(sqrt(gain lambda)) / gain.

    Returns
    -------
    (h_fold, v_fold)
        ``h_fold >= 0`` and the value ``v_fold > 0`` of the fixed point where the upper and
        middle branches merge (at ``h = -h_fold``); NaN where ``gain lambda <= 1``.
    """
    lam = np.asarray(lam, dtype=np.float64)
    k = gain * lam
    with np.errstate(invalid="ignore", divide="ignore"):
        v_f = np.where(k > 1.0, np.sqrt(np.clip(1.0 - 1.0 / k, 0.0, None)), np.nan)
        x_f = np.arccosh(np.sqrt(np.where(k > 1.0, k, np.nan))) / gain
        return lam * v_f - x_f, v_f
