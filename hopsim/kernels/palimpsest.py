"""numba kernel of learning within bounds (Parisi 1986): a clipped walk per coupling."""

from __future__ import annotations

from numba import njit, prange


@njit(cache=True, parallel=True)
def bounded_walk(J, X, inc, bound):  # pragma: no cover - numba
    """``J_ij <- min(max(J_ij + xi_i xi_j inc, -bound), bound)`` for every pattern in order.

    Each coupling walks on its own, so a row of ``J`` stays in cache while every pattern
    of ``X`` passes over it (rows in parallel); the diagonal is left at 0. The arithmetic is
    the textbook's, ``J + (xi_i xi_j) inc`` then the clip, with ``xi_i xi_j inc = +/-inc``
    exactly, so the result is bit for bit that of the plain per-pattern loop.

    Parameters
    ----------
    J : (N, N) float64
        Couplings, updated in place.
    X : (P, N) int8
        Patterns, oldest first.
    inc : float
        The step ``1 / sqrt(N)``.
    bound : float
        ``A``.
    """
    P, N = X.shape
    for i in prange(N):
        row = J[i]
        for mu in range(P):
            a = X[mu, i] * inc
            x = X[mu]
            for j in range(N):
                v = row[j] + a * x[j]
                if v > bound:
                    v = bound
                elif v < -bound:
                    v = -bound
                row[j] = v
        row[i] = 0.0
