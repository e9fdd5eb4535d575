"""numba kernels of the learning rules (compiled once, cached on disk)."""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def minover(XT, G, kappa, max_updates, counts, margins, updates):  # pragma: no cover - numba
    """Krauth-Mezard minimal-overlap learning for every neuron at once (neurons in parallel).

    Neuron i is a perceptron on the other N - 1 neurons with raw couplings
    ``J_ij = sum_mu c_imu xi_i^mu xi_j^mu`` (``j != i``). Each step adds the pattern of
    least stability ``xi_i^mu h_i^mu`` (``c_imu += 1``) until the normalised stability
    ``min_mu xi_i^mu h_i^mu / ||J_i||`` reaches ``kappa`` (strictly positive when
    ``kappa == 0``) or ``max_updates`` steps were made. Fields and norms are updated
    incrementally from the pattern overlaps ``G = xi xi^T``: O(P) per step, contiguous
    rows only. All quantities are integers held exactly in float64 (below 2**53).

    Parameters
    ----------
    XT : (N, P) float64
        Transposed patterns (row i: neuron i's bit in every pattern).
    G : (P, P) float64
        ``xi xi^T``.
    kappa : float
        Requested margin.
    max_updates : int
        Steps allowed per neuron.
    counts : (N, P) int64
        Embedding strengths ``c_imu``, filled in.
    margins : (N,) float64
        Reached ``min_mu xi_i^mu h_i^mu / ||J_i||`` per neuron, filled in.
    updates : (N,) int64
        Steps taken per neuron, filled in.
    """
    N, P = XT.shape
    for i in prange(N):
        x = XT[i]
        D = np.zeros(P)  # unnormalised stabilities xi_i^mu h_i^mu of neuron i
        norm2 = 0.0
        steps = 0
        while True:
            best = 0
            best_value = D[0]
            for mu in range(1, P):
                if D[mu] < best_value:
                    best_value = D[mu]
                    best = mu
            margin = best_value / np.sqrt(norm2) if norm2 > 0 else -np.inf
            if (margin >= kappa and (kappa > 0.0 or best_value > 0)) or steps >= max_updates:
                margins[i] = margin
                updates[i] = steps
                break
            s = x[best]
            norm2 += 2.0 * best_value + (N - 1)  # s h_best = D_best
            Gb = G[best]
            for mu in range(P):  # h_mu += s (G_best,mu - x_best x_mu): D_mu += s x_mu G - 1
                D[mu] += s * x[mu] * Gb[mu] - 1.0
            counts[i, best] += 1
            steps += 1


@njit(cache=True, parallel=True)
def low_rank_change(J, out, decay, L, R, d):  # pragma: no cover - numba
    """``out = decay J + L^T R - diag(d)`` for a small rank k, one pass over J (rows in parallel).

    The update of a stored dense ``J`` when a rule adds or removes a few patterns
    (:class:`hopsim.learning.base.Change`): each entry is summed in float64 and written once
    in ``out``'s dtype (exact for integer couplings: every partial sum is an integer below
    2**53). Memory traffic is one read of J and one write of ``out``, against the several
    float64 passes of a BLAS rank-k product.

    Parameters
    ----------
    J : (N, N) array
        Stored couplings (float32, float64, int8 or int16).
    out : (N, N) array
        The result (its own dtype, possibly wider than J's).
    decay : float
    L, R : (k, N) float64
    d : (N,) float64
    """
    N = J.shape[0]
    k = L.shape[0]
    for i in prange(N):
        row = np.empty(N)
        for j in range(N):
            row[j] = decay * J[i, j]
        for r in range(k):
            a = L[r, i]
            if a != 0.0:
                for j in range(N):
                    row[j] += a * R[r, j]
        row[i] -= d[i]
        for j in range(N):
            out[i, j] = row[j]
