"""Observables of spin configurations and the statistics of Markov-chain time series.

Configuration observables
    :func:`magnetization`, :func:`overlap_with`.
Thermodynamics from time series of per-spin magnetization m_t and energy e_t of a
system of N spins at temperature T
    ``<m>``, ``<|m|>``, ``<e>``; specific heat ``C = N (<e^2> - <e>^2) / T^2``;
    susceptibility ``chi = N (<m^2> - <m>^2) / T``, or with ``<|m|>`` in place of ``<m>`` at
    zero field (the finite-size estimator whose peak tracks T_c); Binder cumulant
    ``U4 = 1 - <m^4> / (3 <m^2>^2)``.
Errors
    Means get ``sqrt(2 tau_int var / n)`` with Sokal's automatically windowed integrated
    autocorrelation time (:func:`integrated_autocorrelation_time`); the non-linear
    functions (C, chi, U4) get a jackknife over contiguous blocks (:func:`jackknife`),
    valid when blocks are much longer than tau_int.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def magnetization(states: np.ndarray) -> np.ndarray:
    """Mean spin of each state: ``states`` (..., N) -> (...)."""
    return np.asarray(states, dtype=np.float64).mean(axis=-1)


def overlap_with(states: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """Overlap ``s . xi / N`` of each state (..., N) with one pattern (N,)."""
    xi = np.asarray(pattern, dtype=np.float64)
    return np.asarray(states, dtype=np.float64) @ xi / xi.size


def autocorrelation(x: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation ``rho(t)``, t = 0..n-1, of a series (FFT, biased estimator)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    d = x - x.mean()
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, size)
    acf = np.fft.irfft(f * np.conj(f), size)[:n]
    if acf[0] <= 0:
        out = np.zeros(n)
        out[0] = 1.0
        return out
    return acf / acf[0]


def integrated_autocorrelation_time(x: np.ndarray, c: float = 6.0) -> float:
    """Integrated autocorrelation time with Sokal's automatic window.

    ``tau_int(M) = 1/2 + sum_{t=1}^{M} rho(t)``; the window is the smallest M with
    ``M >= c tau_int(M)`` (Sokal 1997; Madras and Sokal 1988). Uncorrelated data give
    1/2, so the error of the mean is ``sqrt(2 tau_int var / n)``. A constant series gives 1/2.

    Parameters
    ----------
    x : numpy.ndarray
        (n,) time series.
    c : float
        Window factor (5 to 10 is usual).
    """
    rho = autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1:])
    M = np.arange(1, rho.size)
    ok = np.flatnonzero(M >= c * taus)
    tau = taus[ok[0]] if ok.size else taus[-1]
    return float(max(tau, 0.5))


def mean_error(x: np.ndarray) -> tuple[float, float, float]:
    """Mean, its error ``sqrt(2 tau var / n)`` and ``tau_int`` of a correlated series."""
    x = np.asarray(x, dtype=np.float64)
    tau = integrated_autocorrelation_time(x)
    err = np.sqrt(2.0 * tau * x.var() / x.size) if x.size > 1 else np.nan
    return float(x.mean()), float(err), tau


def jackknife(
    func: Callable[..., float], *series: np.ndarray, n_blocks: int = 20
) -> tuple[float, float]:
    """Value of ``func(*series)`` and its blocked-jackknife error.

    The series (same length) are cut into ``n_blocks`` contiguous blocks; ``func`` is
    evaluated with each block left out, and the error is
    ``sqrt((B - 1)/B sum_b (f_b - f_mean)^2)``.
    """
    n = series[0].size
    value = float(func(*series))
    B = min(n_blocks, n)
    if B < 2:
        return value, float("nan")
    edges = np.linspace(0, n, B + 1).astype(int)
    keep = np.ones(n, dtype=bool)
    leave_out = np.empty(B)
    for b in range(B):
        keep[:] = True
        keep[edges[b] : edges[b + 1]] = False
        leave_out[b] = func(*(s[keep] for s in series))
    err = np.sqrt((B - 1) / B * np.sum((leave_out - leave_out.mean()) ** 2))
    return value, float(err)


def specific_heat(e: np.ndarray, N: int, T: float) -> float:
    """``N (<e^2> - <e>^2) / T^2`` from per-spin energies."""
    return float(N * np.var(e) / T**2)


def susceptibility(m: np.ndarray, N: int, T: float, absolute: bool = False) -> float:
    """``N (<m^2> - <m>^2) / T``, with ``<|m|>`` in place of ``<m>`` when ``absolute``."""
    mean = np.mean(np.abs(m)) if absolute else np.mean(m)
    return float(N * (np.mean(m * m) - mean * mean) / T)


def binder(m: np.ndarray) -> float:
    """Binder cumulant ``1 - <m^4> / (3 <m^2>^2)``."""
    m2 = np.mean(m * m)
    if m2 == 0:
        return float("nan")
    return float(1.0 - np.mean(m**4) / (3.0 * m2 * m2))


THERMO_NAMES = (
    "magnetization",
    "abs_magnetization",
    "energy",
    "specific_heat",
    "susceptibility",
    "binder",
)


def thermodynamics(
    m: np.ndarray, e: np.ndarray, N: int, T: float, zero_field: bool, n_blocks: int = 20
) -> dict[str, tuple[float, float]]:
    """All Ising observables with errors from per-spin time series.

    Parameters
    ----------
    m, e : numpy.ndarray
        (n,) magnetization and energy per spin, one per measurement.
    N : int
        Number of spins.
    T : float
        Temperature.
    zero_field : bool
        Use ``<|m|>`` in the susceptibility (the finite-size estimator at h = 0).
    n_blocks : int
        Jackknife blocks for C, chi and U4.

    Returns
    -------
    dict
        ``name -> (value, error)`` for the names in :data:`THERMO_NAMES`, plus
        ``tau_abs_magnetization`` and ``tau_energy`` as ``(tau, nan)``.
    """
    m = np.asarray(m, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    out = {}
    out["magnetization"] = mean_error(m)[:2]
    mabs, mabs_err, tau_m = mean_error(np.abs(m))
    out["abs_magnetization"] = (mabs, mabs_err)
    emean, e_err, tau_e = mean_error(e)
    out["energy"] = (emean, e_err)
    out["specific_heat"] = jackknife(lambda x: specific_heat(x, N, T), e, n_blocks=n_blocks)
    out["susceptibility"] = jackknife(
        lambda x: susceptibility(x, N, T, absolute=zero_field), m, n_blocks=n_blocks
    )
    out["binder"] = jackknife(binder, m, n_blocks=n_blocks)
    out["tau_abs_magnetization"] = (tau_m, float("nan"))
    out["tau_energy"] = (tau_e, float("nan"))
    return out
