"""numba kernel: asynchronous sweeps of a binary dense associative memory.

The energy is ``-c sum_mu F(M_mu) + theta . s`` with overlaps ``M = xi s``; see
:mod:`hopsim.dense` for the derivation. Per visit of neuron i the kernel forms
``A_mu = M_mu - xi_mu,i s_i`` and ``D_i = sum_mu xi_mu,i g(A_mu)``, ``g(A) = F(A+1) - F(A-1)``,
O(P); a flip adds ``2 s_i xi[:, i]`` to M, O(P). For F = exp it uses
``sum_mu xi_mu,i exp(beta (A_mu - max_nu A_nu))`` instead (the same sign, no overflow).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

POLY, RECTIFIED, EXP = 0, 1, 2  # as hopsim.dense


@njit(cache=True, inline="always")
def _power(x, n):  # pragma: no cover - numba
    """x**n by repeated multiplication: exact for integers while below 2**53."""
    out = 1.0
    for _ in range(n):
        out *= x
    return out


@njit(cache=True, inline="always")
def _difference(Xi, Mb, si, code, n, beta):  # pragma: no cover - numba
    """``D_i`` of one neuron from the cue's overlaps (scaled positively for F = exp)."""
    P = Mb.size
    D = 0.0
    if code == EXP:
        top = -np.inf
        for mu in range(P):
            A = Mb[mu] - Xi[mu] * si
            if A > top:
                top = A
        for mu in range(P):
            A = Mb[mu] - Xi[mu] * si
            D += Xi[mu] * np.exp(beta * (A - top))
    elif code == RECTIFIED:
        for mu in range(P):
            A = Mb[mu] - Xi[mu] * si
            up = A + 1.0
            down = A - 1.0
            g = (_power(up, n) if up > 0 else 0.0) - (_power(down, n) if down > 0 else 0.0)
            D += Xi[mu] * g
    elif n == 2:  # (A+1)^2 - (A-1)^2 = 4 A: closed forms let the loop vectorise
        for mu in range(P):
            x = np.float64(Xi[mu])
            D += x * 4.0 * (Mb[mu] - x * si)
    elif n == 3:  # 6 A^2 + 2
        for mu in range(P):
            x = np.float64(Xi[mu])
            A = Mb[mu] - x * si
            D += x * (6.0 * A * A + 2.0)
    elif n == 4:  # 8 A^3 + 8 A
        for mu in range(P):
            x = np.float64(Xi[mu])
            A = Mb[mu] - x * si
            D += x * 8.0 * A * (A * A + 1.0)
    else:
        for mu in range(P):
            A = Mb[mu] - Xi[mu] * si
            D += Xi[mu] * (_power(A + 1.0, n) - _power(A - 1.0, n))
    return D


@njit(cache=True, parallel=True)
def async_sweep_energy(
    XT, thr, keep, code, n, beta, S, M, rows, orders, changed
):  # pragma: no cover - numba
    """One asynchronous sweep of a dense associative memory over a batch of cues.

    Parameters
    ----------
    XT : (N, P) int8
        Transposed patterns.
    thr : (N,) float64
        Raw thresholds ``2 theta / c``.
    keep : bool
        Tie rule: keep the old value when ``D_i`` equals the threshold.
    code, n, beta : int, int, float
        Interaction function (``hopsim.dense.POLY``, ``RECTIFIED``, ``EXP``), degree, scale.
    S : (B, N) int8
        States, updated in place.
    M : (B, P) float64
        Raw overlaps ``xi s``, updated in place.
    rows : (R,) int64
        Cues to sweep.
    orders : (R, N) int64
        Visiting order of each swept cue; a negative entry is skipped (a clamped neuron).
    changed : (R,) bool
        Set to True for cues in which some neuron flipped.
    """
    N, P = XT.shape
    for r in prange(rows.size):
        b = rows[r]
        Mb = M[b]
        Sb = S[b]
        for k in range(N):
            i = orders[r, k]
            if i < 0:  # a clamped neuron: held at its value
                continue
            Xi = XT[i]
            old = Sb[i]
            D = _difference(Xi, Mb, old, code, n, beta)
            new = 1 if D >= thr[i] else -1
            if keep and D == thr[i]:
                new = old
            if new != old:
                Sb[i] = new
                d = 2.0 * new
                for mu in range(P):
                    Mb[mu] += d * Xi[mu]
                changed[r] = True


@njit(cache=True)
def differences_one(XT, code, n, beta, s, Mb):  # pragma: no cover - numba
    """``D`` (N,) of one state with overlaps ``Mb``, by the per-visit formula (for tests)."""
    N = XT.shape[0]
    out = np.empty(N)
    for i in range(N):
        out[i] = _difference(XT[i], Mb, s[i], code, n, beta)
    return out


@njit(cache=True, parallel=True)
def batch_terms(M, code, n, beta, a, U):  # pragma: no cover - numba
    """Per state b: ``a_b = sum_mu (G- - G+) / 2`` and ``U = (G- + G+) / 2`` (B, P), with
    ``G-/+ = g(M -/+ 1)`` (for F = exp divided by ``2 sinh(beta) exp(beta max_mu M_bmu)``);
    then ``D = S a + U xi`` (see :meth:`hopsim.dense.DenseNetwork.differences`)."""
    B, P = M.shape
    for b in prange(B):
        Mb = M[b]
        acc = 0.0
        if code == EXP:
            top = -np.inf
            for mu in range(P):
                if Mb[mu] > top:
                    top = Mb[mu]
            em, ep = np.exp(-beta), np.exp(beta)
            for mu in range(P):
                e = np.exp(beta * (Mb[mu] - top))
                gm = e * em
                gp = e * ep
                acc += 0.5 * (gm - gp)
                U[b, mu] = 0.5 * (gm + gp)
        else:
            for mu in range(P):
                x = Mb[mu]
                if code == RECTIFIED:
                    f2 = _power(x - 2.0, n) if x - 2.0 > 0 else 0.0
                    f0 = _power(x, n) if x > 0 else 0.0
                    f4 = _power(x + 2.0, n) if x + 2.0 > 0 else 0.0
                else:
                    f2 = _power(x - 2.0, n)
                    f0 = _power(x, n)
                    f4 = _power(x + 2.0, n)
                gm = f0 - f2  # g(M - 1) = F(M) - F(M - 2)
                gp = f4 - f0  # g(M + 1) = F(M + 2) - F(M)
                acc += 0.5 * (gm - gp)
                U[b, mu] = 0.5 * (gm + gp)
        a[b] = acc
