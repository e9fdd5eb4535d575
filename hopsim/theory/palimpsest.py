"""Palimpsests: how many of the most recent patterns a forgetful Hopfield network retrieves.

A network that learns a stream of patterns without forgetting (Hebb) fails for all of them
once it holds more than ``alpha_c N ~ 0.138 N`` (Amit, Gutfreund and Sompolinsky 1987): the
blackout. A palimpsest weakens old traces so that the newest ones stay retrievable
forever; its capacity is the number of most recent patterns it retrieves, ``alpha N``.

Mean-field theory at T = 0
--------------------------
Couplings that hold pattern ``mu`` with a weight ``Lambda_mu`` (the newest: 1) plus
Gaussian static noise of variance ``Delta^2 / N`` per coupling,
``W = (1/N) sum_mu Lambda_mu xi^mu xi^mu^T + noise``, obey the replica-symmetric
equations of Amit, Gutfreund and Sompolinsky (Ann. Phys. 173, 30 (1987)) with pattern
weights (Mezard, Nadal and Toulouse, J. Physique 47, 1457 (1986)) and static noise
(Sompolinsky, Phys. Rev. A 34, 2571 (1986)). A pattern of weight ``x`` is retrieved with
overlap ``m = erf(y)`` when::

    x^2 erf(y)^2 / (2 y^2) = sigma^2(U),        U = 2 y exp(-y^2) / (sqrt(pi) x erf(y)),
    sigma^2(U) = integral_0^inf dt Lambda(t)^2 / (1 - U Lambda(t))^2 + Delta^2,

``t`` the age in units of N patterns (Hebb: ``Lambda = 1`` for ``t < alpha``, no noise, is
AGS's ``sqrt(2 alpha) = erf(y)/y - 2/sqrt(pi) exp(-y^2)``). The retrieval state is the
larger root ``y``; the weakest retrievable weight ``x_c`` is where the two roots merge,
and the capacity is the age at which ``Lambda(t) = x_c``.

Exponential decay (marginalist learning: Mezard, Nadal and Toulouse 1986; Nadal,
Toulouse, Changeux and Dehaene, Europhys. Lett. 1, 535 (1986)): ``W <- lambda W +
xi xi^T / N`` with ``lambda = exp(-epsilon^2 / 2N)``, so ``Lambda(t) = exp(-t / tau)``,
``tau = 2 / epsilon^2``, ``Delta = 0`` and ``sigma^2 = tau g(U)``,
``g(U) = 1 / (U (1 - U)) + ln(1 - U) / U^2``. Below ``epsilon_c ~ 2.46`` not even the newest
pattern is retrieved (the blackout returns); the capacity peaks at ``epsilon ~ 4.11``
with ``alpha ~ 0.049`` (MNT: 0.05 N at epsilon ~ 4.1).

Learning within bounds (Parisi, J. Phys. A 19, L617 (1986); Nadal et al. 1986):
``J_ij <- clip(J_ij + xi_i xi_j / sqrt(N), -A, A)`` and ``W = J / sqrt(N)``. Over t N
patterns a coupling diffuses with unit variance per unit t between reflecting walls at
``+/-A``; the mean trace a pattern leaves relaxes as the odd modes of that box,
``Lambda(t) = sum_{n odd} 8 / (pi n)^2 exp(-(n pi)^2 t / (8 A^2))``, and what the
linear traces do not explain of the stationary variance ``A^2 / 3`` is static noise,
``Delta^2 = A^2 / 3 - integral Lambda^2 dt``. The capacity peaks at ``A ~ 0.35`` with
``alpha ~ 0.0405``, and vanishes above ``A ~ 0.76`` (the blackout again). This is the
mean-field approximation (Gaussian static noise, as for Sompolinsky's nonlinear synapses);
Parisi's simulations found about 0.04 N patterns at the best bound. hopsim measures both
against simulations with their finite-size error (docs/memory_over_time.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import erf, roots_legendre

__all__ = [
    "bounded_capacity",
    "bounded_critical_bound",
    "bounded_optimum",
    "bounded_overlap",
    "bounded_trace",
    "decay_capacity",
    "decay_critical_epsilon",
    "decay_optimum",
    "decay_overlap",
    "decay_time",
    "palimpsest_capacity",
    "retrieval_overlap",
    "weakest_retrieved",
]

#: Grid of y = m / sqrt(2 sigma^2) scanned for the retrieval solution (m = erf(y)).
_Y = np.geomspace(0.05, 8.0, 600)
#: Capacities below this (in units of N) are reported as 0: no pattern is retrieved.
_TINY = 1e-9


# ----------------------------------------------------------------------------- solver


def _residual(y: np.ndarray, x: float, noise: Callable[[np.ndarray], np.ndarray], u_max: float):
    """``x^2 erf(y)^2 / 2y^2 - sigma^2(U(y))``: positive where a retrieval state exists."""
    y = np.asarray(y, dtype=np.float64)
    e = erf(y)
    U = 2.0 * y * np.exp(-y * y) / (math.sqrt(math.pi) * x * e)
    out = np.full(y.shape, -np.inf)
    ok = U < u_max
    out[ok] = x * x * e[ok] ** 2 / (2.0 * y[ok] ** 2) - noise(U[ok])
    return out


def _best_y(x: float, noise, u_max: float) -> tuple[float, float]:
    """(y, residual) at the residual's maximum over y (the two roots merge there at x_c)."""
    r = _residual(_Y, x, noise, u_max)
    k = int(np.argmax(r))
    if not np.isfinite(r[k]):
        return math.nan, -math.inf
    lo, hi = _Y[max(k - 1, 0)], _Y[min(k + 1, _Y.size - 1)]
    res = minimize_scalar(
        lambda y: -float(_residual(np.array([y]), x, noise, u_max)[0]),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-12},
    )
    if -res.fun >= r[k]:
        return float(res.x), float(-res.fun)
    return float(_Y[k]), float(r[k])


def retrieval_overlap(x: float, noise: Callable[[np.ndarray], np.ndarray], u_max: float = 1.0):
    """Overlap ``m`` of the retrieval state of a pattern of weight ``x`` (NaN: none).

    Parameters
    ----------
    x : float
        The pattern's weight ``Lambda`` (> 0).
    noise : callable
        ``sigma^2(U)`` for an array of ``U`` in ``[0, u_max)``.
    u_max : float
        ``1 / max_t Lambda(t)``: where ``sigma^2`` diverges.
    """
    y0, top = _best_y(x, noise, u_max)
    if not top >= 0.0:
        return math.nan
    f = lambda y: float(_residual(np.array([y]), x, noise, u_max)[0])  # noqa: E731
    hi = y0
    while f(hi) >= 0.0:  # the residual falls to -sigma^2(0) as y grows
        hi *= 2.0
        if hi > 1e3:
            return 1.0
    y = brentq(f, y0, hi, xtol=1e-13) if top > 0 else y0
    return float(erf(y))


def weakest_retrieved(noise: Callable[[np.ndarray], np.ndarray], u_max: float = 1.0) -> float:
    """The smallest weight ``x_c`` in (0, 1] whose pattern has a retrieval state (NaN: none)."""

    def margin(x: float) -> float:
        return _best_y(x, noise, u_max)[1]

    if margin(1.0) < 0.0:
        return math.nan
    lo = 1e-6
    if margin(lo) >= 0.0:
        return lo
    return float(brentq(margin, lo, 1.0, xtol=1e-12))


# ----------------------------------------------------------------------------- decay


def decay_time(epsilon: float) -> float:
    """``tau = 2 / epsilon^2``: the memory time in units of N patterns (``lambda^(tau N)``
    is ``1/e``)."""
    return 2.0 / (float(epsilon) ** 2)


def _g(U: np.ndarray) -> np.ndarray:
    """``integral_0^1 x / (1 - U x)^2 dx = 1 / (U (1 - U)) + ln(1 - U) / U^2`` (series near 0)."""
    U = np.asarray(U, dtype=np.float64)
    out = np.empty_like(U)
    small = U < 0.05
    k = np.arange(40)
    out[small] = ((k + 1.0) / (k + 2.0) * U[small, None] ** k).sum(axis=1)
    u = U[~small]
    out[~small] = 1.0 / (u * (1.0 - u)) + np.log1p(-u) / (u * u)
    return out


def _decay_noise(epsilon: float):
    tau = decay_time(epsilon)
    return lambda U: tau * _g(U)


def _check_positive(name: str, value, zero: bool = False) -> float:
    """``value`` as a float if finite and > 0 (>= 0 with ``zero``), else ParameterError."""
    from hopsim.errors import ParameterError

    allowed = f"a finite number {'>=' if zero else '>'} 0"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ParameterError(name, value, allowed)
    value = float(value)
    if not (math.isfinite(value) and (value > 0.0 or (zero and value == 0.0))):
        raise ParameterError(name, value, allowed)
    return value


@cache
def decay_capacity(epsilon: float) -> float:
    """Most recent patterns retrieved, per neuron, by exponential decay at ``epsilon`` (MNT).

    ``alpha(epsilon) = tau ln(1 / x_c)``; 0 below :func:`decay_critical_epsilon` (and at
    ``epsilon = 0``, Hebb's rule, whose stream blacks out).
    """
    epsilon = _check_positive("epsilon", epsilon, zero=True)
    if epsilon <= decay_critical_epsilon():
        return 0.0
    x_c = weakest_retrieved(_decay_noise(epsilon))
    if not math.isfinite(x_c):
        return 0.0
    alpha = decay_time(epsilon) * math.log(1.0 / x_c)
    return alpha if alpha > _TINY else 0.0


def decay_overlap(epsilon: float, age: float | np.ndarray) -> np.ndarray:
    """Retrieval overlap of the pattern of ``age`` (in units of N patterns; NaN: none)."""
    epsilon = _check_positive("epsilon", epsilon, zero=True)
    age = np.asarray(age, dtype=np.float64)
    if epsilon <= decay_critical_epsilon():
        out = np.full(age.shape, math.nan)
        return out if out.ndim else float(out)
    tau, noise = decay_time(epsilon), _decay_noise(epsilon)
    age = np.asarray(age, dtype=np.float64)
    out = np.array([retrieval_overlap(math.exp(-a / tau), noise) for a in age.ravel()])
    out = out.reshape(age.shape)
    return out if out.ndim else float(out)


@cache
def decay_critical_epsilon() -> float:
    """``epsilon_c ~ 2.46``: below it not even the newest pattern is retrieved (MNT 1986)."""

    def margin(eps: float) -> float:
        return _best_y(1.0, _decay_noise(eps), 1.0)[1]

    return float(brentq(margin, 1.0, 4.0, xtol=1e-10))


@cache
def decay_optimum() -> tuple[float, float]:
    """``(epsilon_opt, alpha_max) ~ (4.11, 0.049)``: the best decay rate (MNT 1986: 4.1, 0.05)."""
    res = minimize_scalar(
        lambda e: -decay_capacity(float(e)),
        bounds=(3.0, 6.0),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return float(res.x), float(-res.fun)


# ----------------------------------------------------------------------------- bounds


def _phi(s: np.ndarray) -> np.ndarray:
    """``Lambda`` at ``t = A^2 s``: the mean trace of one step in a box of half-width 1.

    Eigenmodes (odd n) for ``s >= 0.05``; below, the one-wall image solution
    ``1 - sqrt(2 s / pi)``, exact up to ``exp(-2 / s) < 1e-17``.
    """
    s = np.asarray(s, dtype=np.float64)
    out = np.empty_like(s)
    small = s < 0.05
    out[small] = 1.0 - np.sqrt(2.0 * s[small] / math.pi)
    n = np.arange(1, 80, 2, dtype=np.float64)
    big = s[~small]
    terms = 8.0 / (math.pi * n) ** 2 * np.exp(-((n * math.pi) ** 2) * big[:, None] / 8.0)
    out[~small] = terms.sum(axis=1)
    return out


@cache
def _bounded_nodes() -> tuple[np.ndarray, np.ndarray, float]:
    """Gauss-Legendre nodes for ``integral_0^inf f(phi(s)) ds`` with ``s = v^2``, and
    ``1/3 - integral phi^2 ds`` (the static noise in units of A^2)."""
    v, w = roots_legendre(400)
    v_max = 6.0  # phi^2 ~ exp(-pi^2 v^2 / 4) < 1e-38 beyond
    v = 0.5 * v_max * (v + 1.0)
    w = 0.5 * v_max * w * 2.0 * v  # ds = 2 v dv
    phi = _phi(v * v)
    static = 1.0 / 3.0 - float(np.sum(w * phi * phi))
    return w, phi, static


def bounded_trace(age: float | np.ndarray, bound: float) -> np.ndarray:
    """``Lambda(t)``: the weight of the pattern of age ``t`` (units of N) at bound ``A``."""
    bound = _check_positive("bound", bound)
    return _phi(np.asarray(age, dtype=np.float64) / bound**2)


def _bounded_noise(bound: float):
    w, phi, static = _bounded_nodes()

    def noise(U: np.ndarray) -> np.ndarray:
        U = np.asarray(U, dtype=np.float64)[..., None]
        return bound**2 * (np.sum(w * phi**2 / (1.0 - U * phi) ** 2, axis=-1) + static)

    return noise


def _age_of_trace(x: float, bound: float) -> float:
    """The age ``t`` with ``Lambda(t) = x`` (Lambda falls from 1 to 0)."""
    hi = 1.0
    while _phi(np.array([hi]))[0] > x:
        hi *= 2.0
    return bound**2 * brentq(lambda s: _phi(np.array([s]))[0] - x, 0.0, hi, xtol=1e-14)


@cache
def bounded_capacity(bound: float) -> float:
    """Most recent patterns retrieved, per neuron, by learning within bounds ``+/-A``."""
    bound = _check_positive("bound", bound)
    x_c = weakest_retrieved(_bounded_noise(bound))
    if not math.isfinite(x_c):
        return 0.0
    alpha = _age_of_trace(x_c, bound)
    return alpha if alpha > _TINY else 0.0


def bounded_overlap(bound: float, age: float | np.ndarray) -> np.ndarray:
    """Retrieval overlap of the pattern of ``age`` (units of N patterns) at bound ``A``."""
    bound = _check_positive("bound", bound)
    noise = _bounded_noise(bound)
    age = np.asarray(age, dtype=np.float64)
    x = bounded_trace(age.ravel(), bound)
    out = np.array([retrieval_overlap(float(v), noise) if v > 0 else math.nan for v in x])
    out = out.reshape(age.shape)
    return out if out.ndim else float(out)


@cache
def bounded_critical_bound() -> float:
    """``A_c ~ 0.76``: above it not even the newest pattern is retrieved."""

    def margin(A: float) -> float:
        return _best_y(1.0, _bounded_noise(A), 1.0)[1]

    return float(brentq(margin, 0.3, 2.0, xtol=1e-10))


@cache
def bounded_optimum() -> tuple[float, float]:
    """``(A_opt, alpha_max) ~ (0.355, 0.0405)``: the best bound (Parisi 1986: about 0.04)."""
    res = minimize_scalar(
        lambda A: -bounded_capacity(float(A)),
        bounds=(0.2, 0.5),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return float(res.x), float(-res.fun)


# ----------------------------------------------------------------------------- by rule

#: rule name -> (its forgetting option, capacity(value), overlap(value, age))
FORGETTING = {
    "hebb_decay": ("epsilon", decay_capacity, decay_overlap),
    "hebb_bounded": ("bound", bounded_capacity, bounded_overlap),
}


def palimpsest_capacity(rule: str, value: float) -> float:
    """Theoretical capacity (recent patterns per neuron) of a palimpsest rule at ``value``
    of its forgetting option; NaN for a rule without a palimpsest theory."""
    entry = FORGETTING.get(str(rule))
    if entry is None or value is None or not math.isfinite(float(value)):
        return math.nan
    return entry[1](float(value))
