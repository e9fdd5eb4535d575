"""numba kernels of the learning rules (compiled once, cached on disk)."""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def minover(X, G, kappa, max_updates, counts, margins, updates):  # pragma: no cover - numba
    """Krauth-Mezard minimal-overlap learning for every neuron at once (neurons in parallel).

    Neuron i is a perceptron on the other N - 1 neurons with raw couplings
    ``J_ij = sum_mu c_imu xi_i^mu xi_j^mu`` (``j != i``). Each step adds the pattern of
    least stability ``xi_i^mu h_i^mu`` (``c_imu += 1``) until the normalised stability
    ``min_mu xi_i^mu h_i^mu / ||J_i||`` reaches ``kappa`` (strictly positive when
    ``kappa == 0``) or ``max_updates`` steps were made. Fields and norms are updated
    incrementally from the pattern overlaps ``G = xi xi^T``: O(P) per step.

    Parameters
    ----------
    X : (P, N) int8
        Patterns.
    G : (P, P) int64
        ``X X^T``.
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
    P, N = X.shape
    for i in prange(N):
        H = np.zeros(P, dtype=np.int64)  # raw fields of neuron i for every pattern
        norm2 = 0
        steps = 0
        while True:
            best = 0
            best_value = np.int64(1) << np.int64(62)
            for mu in range(P):
                value = X[mu, i] * H[mu]
                if value < best_value:
                    best_value = value
                    best = mu
            if norm2 > 0:
                margin = best_value / np.sqrt(float(norm2))
            else:
                margin = -np.inf
            if (margin >= kappa and (kappa > 0.0 or best_value > 0)) or steps >= max_updates:
                margins[i] = margin
                updates[i] = steps
                break
            s = X[best, i]
            norm2 += 2 * s * H[best] + (N - 1)
            for mu in range(P):
                H[mu] += s * G[best, mu] - X[mu, i]
            counts[i, best] += 1
            steps += 1
