"""Exact results for Ising models and the Hopfield network at finite temperature.

Conventions: ``H(s) = -J sum_<ij> s_i s_j - h sum_i s_i`` with ``k_B = 1``; energies are
per spin; ``T`` is the temperature in units of ``J / k_B`` when ``J = 1``.

Square lattice (Onsager, Yang)
    :data:`T_C`, :func:`square_tc`, :func:`square_magnetization`, :func:`square_energy`,
    :func:`square_specific_heat`.
Periodic chain (transfer matrix)
    :func:`chain_infinite` (thermodynamic limit) and :func:`chain_finite` (a ring of L spins,
    exact through traces of powers of the transfer matrix).
Hopfield network (Amit, Gutfreund and Sompolinsky 1985/1987, replica symmetric)
    :func:`ags_solve`, :func:`ags_alpha_c`, :func:`ags_temperature`, :data:`AGS_ALPHA_C0`,
    :func:`spin_glass_temperature`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import ellipk, erf

T_C = 2.0 / math.log(1.0 + math.sqrt(2.0))
"""Onsager's critical temperature of the square lattice for ``J = 1`` (2.269185...)."""


# --------------------------------------------------------------------------- square lattice


def square_tc(J: float = 1.0) -> float:
    """Critical temperature ``2 J / ln(1 + sqrt 2)`` of the square lattice."""
    return J * T_C


def square_magnetization(T, J: float = 1.0) -> np.ndarray:
    """Spontaneous magnetization ``(1 - sinh(2J/T)^-4)^(1/8)`` below T_c, 0 above (Yang 1952).

    Parameters
    ----------
    T : float or array_like
        Temperatures (> 0).
    J : float
        Coupling (> 0).
    """
    T = np.asarray(T, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore"):
        x = 1.0 - np.sinh(2.0 * J / T) ** -4.0
    return np.where(T < square_tc(J), np.clip(x, 0.0, None) ** 0.125, 0.0)


def square_energy(T, J: float = 1.0) -> np.ndarray:
    """Exact internal energy per spin of the infinite square lattice at ``h = 0``.

    ``u = -J coth(2K) [1 + (2/pi) (2 tanh^2(2K) - 1) K1(k)]`` with ``K = J/T``,
    ``k = 2 sinh(2K) / cosh^2(2K)`` and ``K1`` the complete elliptic integral of the first
    kind of modulus k (``scipy.special.ellipk`` takes the parameter ``k^2``).
    """
    T = np.asarray(T, dtype=np.float64)
    K = J / T
    k = 2.0 * np.sinh(2.0 * K) / np.cosh(2.0 * K) ** 2
    t = np.tanh(2.0 * K)
    # at T_c k = 1 and K1 diverges, but its prefactor 2 tanh^2 - 1 vanishes: u(T_c) = -sqrt 2 J
    k2 = np.minimum(k * k, 1.0 - 1e-16)
    return -J / t * (1.0 + (2.0 / np.pi) * (2.0 * t * t - 1.0) * ellipk(k2))


def square_specific_heat(T, J: float = 1.0, dT: float = 1e-5) -> np.ndarray:
    """Exact specific heat per spin ``du/dT`` (central difference of :func:`square_energy`).

    It diverges logarithmically at T_c, where the returned value is large but finite.
    """
    T = np.asarray(T, dtype=np.float64)
    return (square_energy(T + dT, J) - square_energy(T - dT, J)) / (2.0 * dT)


# --------------------------------------------------------------------------- chain


def _chain_eigen(beta: np.ndarray, J: float, h: float) -> tuple[np.ndarray, np.ndarray]:
    c, s = np.cosh(beta * h), np.sinh(beta * h)
    root = np.sqrt(np.exp(2 * beta * J) * s * s + np.exp(-2 * beta * J))
    a = np.exp(beta * J) * c
    return a + root, a - root


def chain_infinite(T, J: float = 1.0, h: float = 0.0) -> dict[str, np.ndarray]:
    """Thermodynamic limit of the periodic chain: magnetization, energy, susceptibility, C.

    ``m = sinh(h/T) / sqrt(sinh^2(h/T) + exp(-4J/T))`` and ``u = -d ln(lambda_+)/d beta`` with
    the larger transfer-matrix eigenvalue ``lambda_+ = e^{K} cosh(h/T) + sqrt(e^{2K}
    sinh^2(h/T) + e^{-2K})``. Susceptibility ``dm/dh`` and specific heat ``du/dT`` are
    central differences of these closed forms.

    Returns
    -------
    dict
        ``magnetization``, ``energy``, ``susceptibility``, ``specific_heat`` as arrays like T.
    """
    T = np.asarray(T, dtype=np.float64)

    def mag(T, h):
        b = 1.0 / T
        s = np.sinh(b * h)
        return s / np.sqrt(s * s + np.exp(-4.0 * b * J))

    def energy(T, h):
        b = 1.0 / T
        c, s = np.cosh(b * h), np.sinh(b * h)
        e2, em2 = np.exp(2 * b * J), np.exp(-2 * b * J)
        root = np.sqrt(e2 * s * s + em2)
        lam = np.exp(b * J) * c + root
        dlam = np.exp(b * J) * (J * c + h * s) + (J * e2 * s * s + e2 * s * c * h - J * em2) / root
        return -dlam / lam

    dh = 1e-6
    dT = 1e-5 * np.maximum(T, 1e-3)
    return {
        "magnetization": mag(T, h),
        "energy": energy(T, h),
        "susceptibility": (mag(T, h + dh) - mag(T, h - dh)) / (2 * dh),
        "specific_heat": (energy(T + dT, h) - energy(T - dT, h)) / (2 * dT),
    }


def _chain_log_z(beta: float, L: int, J: float, h: float) -> float:
    lp, lm = _chain_eigen(np.float64(beta), J, h)
    return float(L * np.log(lp) + np.log1p((lm / lp) ** L))


def chain_finite(T: float, L: int, J: float = 1.0, h: float = 0.0) -> dict[str, float]:
    """Exact averages of a periodic ring of ``L`` spins from traces of ``T^L``.

    With the symmetric transfer matrix ``T_{ss'} = exp(K s s' + (h/T)(s + s')/2)`` and
    ``Z = tr T^L``: ``<s_0> = tr(S T^L)/Z``, ``<s_0 s_1> = tr(S T S T^{L-1})/Z`` and
    ``<s_0 s_r> = tr(S T^r S T^{L-r})/Z`` with ``S = diag(+1, -1)``. Hence
    ``<m>``, ``<m^2> = (1/L) sum_r <s_0 s_r>``, the energy per spin ``-J<s_0 s_1> - h<s_0>``,
    the susceptibility ``L (<m^2> - <m>^2) / T`` and the specific heat
    ``beta^2 d^2 ln Z / d beta^2 / L`` (central difference of the exact ln Z).

    Returns
    -------
    dict
        ``magnetization``, ``m2``, ``energy``, ``susceptibility``, ``specific_heat``.
    """
    beta = 1.0 / T
    spins = np.array([1.0, -1.0])
    Tm = np.exp(
        beta * J * np.outer(spins, spins) + 0.5 * beta * h * (spins[:, None] + spins[None, :])
    )
    lam, vec = np.linalg.eigh(Tm)
    lam_s = lam / lam.max()  # scaled to avoid overflow of T^L

    def power(r: int) -> np.ndarray:
        return (vec * lam_s**r) @ vec.T

    S = np.diag(spins)
    TL = power(L)
    Z = np.trace(TL)
    m = np.trace(S @ TL) / Z
    corr = np.array([np.trace(S @ power(r) @ S @ power(L - r)) / Z for r in range(L)])
    m2 = corr.mean()
    nn = corr[1 % L] if L > 1 else 1.0
    db = 1e-4 * beta
    d2 = (
        _chain_log_z(beta + db, L, J, h)
        - 2 * _chain_log_z(beta, L, J, h)
        + _chain_log_z(beta - db, L, J, h)
    ) / db**2
    return {
        "magnetization": float(m),
        "m2": float(m2),
        "energy": float(-J * nn - h * m),
        "susceptibility": float(L * (m2 - m * m) * beta),
        "specific_heat": float(beta * beta * d2 / L),
    }


# --------------------------------------------------------------------------- AGS

RETRIEVAL_THRESHOLD = 0.05
"""Overlap above which the iterated AGS solution counts as the retrieval state."""

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(121)
_GH_W = _GH_W / _GH_W.sum()  # weights of the standard normal
_U = np.linspace(-25.0, 25.0, 1001)
_DU = _U[1] - _U[0]
_SECH2 = 1.0 / np.cosh(_U) ** 2
_TANH_DEFECT = np.sign(_U) * (np.tanh(np.abs(_U)) - 1.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def chain_magnetization_distribution(
    T: float, L: int, J: float = 1.0, h: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Exact distribution of the magnetization per spin of a periodic ring of ``L`` spins.

    The weight of every number of up spins, by a transfer along the ring that counts them
    (first spin fixed, closed with the last bond), rescaled at each step; O(L^2).

    Returns
    -------
    m : numpy.ndarray
        (L + 1,) the magnetizations per spin ``(2 n - L) / L``, n = 0..L up spins.
    p : numpy.ndarray
        (L + 1,) their Boltzmann probabilities (summing to 1).
    """
    beta = 1.0 / T
    spins = (1, -1)
    parts = []  # (log scale, weights over the number of up spins) per first spin
    for s0 in spins:
        w = np.zeros((2, L + 1))  # w[state of the current spin, number of up spins so far]
        w[spins.index(s0), 1 if s0 > 0 else 0] = np.exp(beta * h * s0)
        log_scale = 0.0
        for _ in range(L - 1):
            new = np.zeros_like(w)
            for a, sa in enumerate(spins):
                for b, sb in enumerate(spins):
                    factor = np.exp(beta * (J * sa * sb + h * sb))
                    if sb > 0:
                        new[b, 1:] += factor * w[a, :-1]
                    else:
                        new[b] += factor * w[a]
            peak = new.max()
            log_scale += np.log(peak)
            w = new / peak
        closed = sum(w[b] * np.exp(beta * J * sb * s0) for b, sb in enumerate(spins))
        parts.append((log_scale, closed))
    top = max(p[0] for p in parts)
    total = sum(np.exp(scale - top) * weights for scale, weights in parts)
    n = np.arange(L + 1)
    return (2 * n - L) / L, total / np.sum(total)


def chain_abs_magnetization(T: float, L: int, J: float = 1.0, h: float = 0.0) -> float:
    """Exact ``<|m|>`` of a periodic ring of ``L`` spins at temperature ``T``."""
    m, p = chain_magnetization_distribution(T, L, J, h)
    return float(np.sum(p * np.abs(m)))


def chain_binder(T: float, L: int, J: float = 1.0, h: float = 0.0) -> float:
    """Exact Binder cumulant ``U4 = 1 - <m^4> / (3 <m^2>^2)`` of a periodic ring of ``L`` spins.

    The moments of the exact magnetization distribution
    (:func:`chain_magnetization_distribution`): the quantity the simulation's ``binder``
    estimates (:func:`hopsim.observables.binder`).
    """
    m, p = chain_magnetization_distribution(T, L, J, h)
    m2, m4 = float(np.sum(p * m**2)), float(np.sum(p * m**4))
    return 1.0 - m4 / (3.0 * m2 * m2)


def chain_abs_susceptibility(T: float, L: int, J: float = 1.0, h: float = 0.0) -> float:
    """Exact ``L (<m^2> - <|m|>^2) / T`` of a periodic ring: the finite-size susceptibility
    the simulation reports at h = 0 (:func:`hopsim.observables.susceptibility`, absolute)."""
    m, p = chain_magnetization_distribution(T, L, J, h)
    mean_abs = float(np.sum(p * np.abs(m)))
    return L * (float(np.sum(p * m**2)) - mean_abs**2) / T


def _ags_moments(m: float, s: float, beta: float) -> tuple[float, float]:
    """``<tanh(x)>`` and ``<tanh^2(x)>`` for ``x = beta (m + s z)``, z standard normal.

    When ``beta s`` is small the integrand is smooth on the scale of the Gaussian and
    Gauss-Hermite quadrature is exact to rounding. When it is large tanh is nearly a step:
    then ``<tanh> = erf(m / (s sqrt 2)) + <sign(x)(tanh|x| - 1)>`` and
    ``<tanh^2> = 1 - <sech^2 x>``, where the two corrections are integrals over
    ``u = x`` of exponentially decaying functions times the Gaussian density
    ``phi(z0 + u / (beta s)) / (beta s)``, done by the trapezoidal rule on a fixed u grid.
    """
    if s == 0.0:
        t = math.tanh(beta * m)
        return t, t * t
    bs = beta * s
    if bs < 5.0:
        t = np.tanh(beta * (m + s * _GH_X))
        return float(np.dot(_GH_W, t)), float(np.dot(_GH_W, t * t))
    z = -m / s + _U / bs
    dens = np.exp(-0.5 * z * z) / (_SQRT2PI * bs) * _DU
    mean = math.erf(m / (s * math.sqrt(2.0))) + float(np.dot(dens, _TANH_DEFECT))
    return mean, 1.0 - float(np.dot(dens, _SECH2))


def ags_solve(
    alpha: float,
    T: float,
    m0: float = 1.0,
    q0: float = 1.0,
    tol: float = 1e-12,
    max_iter: int = 3000,
) -> tuple[float, float, float]:
    """Iterate the AGS replica-symmetric equations from ``(m0, q0)``.

    ``m = <tanh(beta(m + sqrt(alpha r) z))>_z``, ``q = <tanh^2(beta(m + sqrt(alpha r) z))>_z``,
    ``r = q / (1 - beta(1 - q))^2`` with z a standard normal variable (quadrature in
    :func:`_ags_moments`, accurate at any beta). Started at ``m0 = 1`` the iteration follows
    the retrieval branch while it exists and falls to ``m = 0`` once it has disappeared
    (it stops early when m drops below a tenth of :data:`RETRIEVAL_THRESHOLD`).

    Returns
    -------
    (m, q, r)
    """
    if T <= 0:
        raise ValueError("ags_solve needs T > 0; use ags_alpha_c(0) for the zero-temperature limit")
    beta = 1.0 / T
    m, q = m0, q0
    for _ in range(max_iter):
        denom = max(1.0 - beta * (1.0 - q), 1e-12)
        s = math.sqrt(alpha * q) / denom
        m_new, q_new = _ags_moments(m, s, beta)
        done = abs(m_new - m) < tol and abs(q_new - q) < tol
        m, q = m_new, q_new
        if done or abs(m) < 0.1 * RETRIEVAL_THRESHOLD:
            break
    denom = max(1.0 - beta * (1.0 - q), 1e-12)
    return m, q, q / denom**2


def _alpha_c_zero() -> float:
    # T = 0: with y = m / sqrt(2 alpha r), retrieval needs y (sqrt(2 alpha) + 2/sqrt(pi) e^-y^2)
    # = erf(y); the largest alpha with a solution is max_y (erf(y)/y - 2/sqrt(pi) e^-y^2)^2 / 2.
    def neg(y):
        return -((erf(y) / y - 2.0 / math.sqrt(math.pi) * math.exp(-y * y)) ** 2) / 2.0

    res = minimize_scalar(neg, bounds=(0.5, 3.0), method="bounded", options={"xatol": 1e-12})
    return float(-res.fun)


AGS_ALPHA_C0 = _alpha_c_zero()
"""Storage capacity at T = 0 of the AGS theory (0.1379...)."""


def _retrieves(alpha: float, T: float) -> bool:
    return ags_solve(alpha, T)[0] > RETRIEVAL_THRESHOLD


def ags_alpha_c(T: float, xtol: float = 1e-5) -> float:
    """Largest load alpha at which the retrieval state exists at temperature T (AGS).

    ``T = 0`` uses the exact zero-temperature condition (``AGS_ALPHA_C0`` = 0.138);
    ``T >= 1`` gives 0. Otherwise bisection on alpha of :func:`ags_solve` started at m = 1.
    """
    if T <= 0:
        return AGS_ALPHA_C0
    if T >= 1.0:
        return 0.0
    lo, hi = 0.0, AGS_ALPHA_C0 + 0.01
    if not _retrieves(1e-9, T):
        return 0.0
    while hi - lo > xtol:
        mid = 0.5 * (lo + hi)
        if _retrieves(mid, T):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def ags_temperature(alpha: float, xtol: float = 1e-5) -> float:
    """Retrieval boundary ``T_M(alpha)``: the highest T with a retrieval state (AGS).

    ``T_M(0) = 1``; ``T_M`` falls to 0 at ``alpha = AGS_ALPHA_C0``; 0 beyond. Bisection on T
    of :func:`ags_solve` started at m = 1.
    """
    if alpha <= 0:
        return 1.0
    if alpha >= AGS_ALPHA_C0:
        return 0.0
    lo, hi = 1e-3, 1.0
    if not _retrieves(alpha, lo):
        return 0.0
    while hi - lo > xtol:
        mid = 0.5 * (lo + hi)
        if _retrieves(alpha, mid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def ags_boundary(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(alpha, T_M)`` of the retrieval boundary for plotting, from T = 0 to T = 1."""
    temps = np.linspace(0.0, 1.0, n)
    alphas = np.array([ags_alpha_c(t, xtol=1e-4) for t in temps])
    return alphas, temps


def spin_glass_temperature(alpha) -> np.ndarray:
    """The AGS spin-glass transition ``T_g = 1 + sqrt(alpha)``."""
    return 1.0 + np.sqrt(np.asarray(alpha, dtype=np.float64))


__all__ = [
    "T_C",
    "AGS_ALPHA_C0",
    "square_tc",
    "square_magnetization",
    "square_energy",
    "square_specific_heat",
    "chain_infinite",
    "chain_finite",
    "chain_magnetization_distribution",
    "chain_abs_magnetization",
    "chain_binder",
    "chain_abs_susceptibility",
    "ags_solve",
    "ags_alpha_c",
    "ags_temperature",
    "ags_boundary",
    "spin_glass_temperature",
]
