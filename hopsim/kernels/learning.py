"""numba kernels of the learning rules (compiled once, cached on disk)."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

#: Neurons trained in lock step by one thread: they share every row of ``G`` they read
#: (one read from memory serves the block), and their stabilities (BLOCK x P float64) stay
#: in the core's cache.
BLOCK = 16


@njit(cache=True, parallel=True)
def adatron(XT, G, kappa, tol, max_sweeps, relax, C, F, lower, upper, sweeps):  # pragma: no cover
    """AdaTron (Anlauf and Biehl 1989) for every neuron: the couplings of maximal stability.

    Neuron i is a perceptron on the other N - 1 neurons with couplings
    ``J_ij = sum_mu c_imu xi_i^mu xi_j^mu`` (``j != i``) and embedding strengths
    ``c_imu >= 0``. Its unnormalised stabilities are ``E_mu = xi_i^mu sum_{j != i} J_ij
    xi_j^mu = (K c_i)_mu`` with ``K_munu = xi_i^mu xi_i^nu G_munu - 1`` (``G = xi xi^T``).
    The kernel minimises ``1/2 c^T K c - sum_mu c_mu`` over ``c >= 0`` (the dual of
    ``min ||J_i||^2`` subject to ``E_mu >= 1``: the maximal-stability problem) by coordinate
    descent, ``c_mu <- max(0, c_mu + relax (1 - E_mu) / K_mumu)``, one pattern after
    another in a fixed order (a sweep), which converges for ``0 < relax < 2`` whenever the
    patterns are separable (Anlauf and Biehl 1989; ``relax = 1`` is the exact minimum
    along c_mu).

    After every sweep it brackets the maximal stability kappa_max of the neuron:
    ``lower = min_mu E_mu / ||J_i||`` is the stability the couplings reach, and
    ``upper = ||J_i|| / sum_mu c_mu`` can not be beaten by any couplings (for any
    ``c >= 0``: ``min_mu E_mu(J') <= sum_mu c_mu E_mu(J') / sum c = J' . J_i / sum c``).
    A neuron stops when ``upper - lower <= tol * upper`` (its margin is certified within a
    relative ``tol`` of the maximum), with a fixed margin ``kappa`` (> -inf) also as soon
    as ``lower >= kappa`` and ``lower > 0`` (an unreachable kappa thus ends at the maximal
    stability), or after ``max_sweeps``.

    Cost: the kernel keeps ``F_mu = sum_nu c_nu xi_i^nu G_nu,mu`` (so ``E_mu = xi_i^mu F_mu
    - sum c``): an update of c_mu is one AXPY of a row of ``G`` into F, O(P); P updates a
    sweep. Neurons go in blocks of :data:`BLOCK`, the blocks in parallel; a block reads
    each row of ``G`` once per sweep.

    Parameters
    ----------
    XT : (N, P) float64
        Transposed patterns (row i: neuron i's bit in every pattern); N >= 2.
    G : (P, P) float64
        ``xi xi^T`` (exact integers); P >= 1.
    kappa : float
        Margin to stop at, or -inf for the maximal stability.
    tol : float
        Relative width of the bracket that counts as converged.
    max_sweeps : int
        Sweeps allowed per neuron.
    relax : float
        Relaxation factor in (0, 2).
    C : (N, P) float64
        Embedding strengths ``c_imu``: zeros in, filled in.
    F : (N, P) float64
        ``(c_i xi_i) G``: zeros in, kept up to date with ``C`` (float64 sums; recompute
        from ``C`` for exact values).
    lower, upper : (N,) float64
        The bracket after the last sweep, filled in.
    sweeps : (N,) int64
        Sweeps made per neuron, filled in.
    """
    N, P = XT.shape
    for blk in prange((N + BLOCK - 1) // BLOCK):
        i0 = blk * BLOCK
        B = min(BLOCK, N - i0)
        X, Cb, Fb = XT[i0 : i0 + B], C[i0 : i0 + B], F[i0 : i0 + B]
        active = np.ones(B, dtype=np.bool_)
        total = np.zeros(B)  # sum_mu c_mu per neuron
        lower[i0 : i0 + B] = np.nan
        upper[i0 : i0 + B] = np.nan
        sweeps[i0 : i0 + B] = 0
        sweep = 0
        while active.any() and sweep < max_sweeps:
            _sweep(X, G, relax, active, Cb, Fb, total)
            sweep += 1
            for b in range(B):
                if not active[b]:
                    continue
                lo, up = _bracket(X[b], Cb[b], Fb[b], total[b])
                lower[i0 + b] = lo
                upper[i0 + b] = up
                sweeps[i0 + b] = sweep
                done = up - lo <= tol * up
                if kappa > -np.inf:  # reached (strictly positive at kappa = 0)
                    done = done or (lo >= kappa and lo > 0.0)
                active[b] = not done


@njit(cache=True)
def _sweep(X, G, relax, active, C, F, total):  # pragma: no cover - numba
    """One AdaTron sweep over every pattern for a block of neurons (rows of X, C, F)."""
    B, P = X.shape
    diag = G[0, 0] - 1.0  # K_mumu = N - 1
    for mu in range(P):
        g = G[mu]
        for b in range(B):
            if not active[b]:
                continue
            x_mu = X[b, mu]
            c_old = C[b, mu]
            delta = relax * (1.0 - (x_mu * F[b, mu] - total[b])) / diag
            if delta < -c_old:
                delta = -c_old
            if delta == 0.0:
                continue
            C[b, mu] = c_old + delta
            total[b] += delta
            a = delta * x_mu
            Fb = F[b]
            for nu in range(P):
                Fb[nu] += a * g[nu]


@njit(cache=True)
def _bracket(x, c, F, total):  # pragma: no cover - numba
    """(reached stability, upper bound on the maximal stability) of one neuron."""
    q = 0.0  # ||J_i||^2 = c^T K c = c . E
    m = np.inf
    for mu in range(c.size):
        e = x[mu] * F[mu] - total
        q += c[mu] * e
        if e < m:
            m = e
    if q <= 0.0 or total <= 0.0:
        return -np.inf, np.inf
    norm = np.sqrt(q)
    return m / norm, norm / total
