"""numba kernel for single-spin dynamics at temperature T over dense couplings.

Pure function over arrays; the random numbers (visiting orders and uniforms) come
from the per-chain numpy Generators in :mod:`hopsim.dynamics.stochastic`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

GLAUBER, METROPOLIS = 0, 1


@njit(cache=True)
def dense_sweep(Jrows, H, S, raw_thr, diag, scale, betas, orders, uniforms, rule, tie_keep):
    """One sweep of every chain, in place.

    Parameters
    ----------
    Jrows : numpy.ndarray
        (N, N) raw couplings with ``Jrows[i, j] = J[j, i]`` (J itself when symmetric).
    H : numpy.ndarray
        (B, N) raw local fields ``J s``, kept up to date (float32 where exact, see
        ``Network.field_dtype``; the increments are typed like H).
    S : numpy.ndarray
        (B, N) int8 states.
    raw_thr : numpy.ndarray
        (N,) raw thresholds ``theta / scale``.
    diag : numpy.ndarray
        (N,) raw self-couplings ``J_ii`` (removed from the field at T > 0).
    scale : float
        ``W = scale * J``.
    betas : numpy.ndarray
        (B,) inverse temperatures; ``inf`` selects the deterministic T = 0 rule
        ``s_i = +1 if (J s)_i >= raw_thr_i else -1`` (tie kept when ``tie_keep``).
    orders : numpy.ndarray
        (B, K) int64 sites to visit in turn; a negative entry is skipped (a clamped site).
    uniforms : numpy.ndarray
        (B, K) float64 in [0, 1) (not read for chains at T = 0).
    rule : int
        ``GLAUBER`` (heat bath: ``P(s_i = +1) = 1 / (1 + exp(-2 beta g_i))``) or
        ``METROPOLIS`` (flip with ``min(1, exp(-2 beta s_i g_i))``), where
        ``g_i = scale ((J s)_i - J_ii s_i - raw_thr_i)``.
    tie_keep : bool

    Returns
    -------
    numpy.ndarray
        (B,) number of flips per chain.
    """
    B, K = orders.shape
    N = S.shape[1]
    flips = np.zeros(B, dtype=np.int64)
    for b in range(B):
        beta = betas[b]
        zero_t = math.isinf(beta)
        for k in range(K):
            i = orders[b, k]
            if i < 0:  # a clamped neuron: held at its value
                continue
            h = H[b, i]
            s = S[b, i]
            if zero_t:
                if h > raw_thr[i]:
                    new = 1
                elif h < raw_thr[i]:
                    new = -1
                elif tie_keep:
                    new = s
                else:
                    new = 1
            else:
                g = scale * (h - diag[i] * s - raw_thr[i])
                if rule == GLAUBER:
                    new = 1 if uniforms[b, k] * (1.0 + math.exp(-2.0 * beta * g)) < 1.0 else -1
                else:
                    dE = 2.0 * s * g
                    if dE <= 0.0 or uniforms[b, k] < math.exp(-beta * dE):
                        new = -s
                    else:
                        new = s
            if new != s:
                S[b, i] = new
                flips[b] += 1
                c = H.dtype.type(2.0) if new > 0 else H.dtype.type(-2.0)
                for j in range(N):
                    H[b, j] += c * Jrows[i, j]
    return flips
