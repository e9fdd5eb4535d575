"""numba kernels for exact answers: Ising ground states by Gray-code enumeration, Held-Karp.

``gray_ground_states`` visits all ``2^n`` settings of the first ``n`` spins (the others held
at +1) in Gray-code order, one flip per step, keeping the local fields ``H = J s + h`` up to
date (O(N) a step): ``2^n N`` operations. The ``2^n`` states are cut into ``2^c`` chunks
(the top ``c`` of the ``n`` bits fixed per chunk) that run in parallel.

``held_karp`` is the Bellman-Held-Karp dynamic programme over subsets of cities:
``O(2^n n^2)`` time, ``O(2^n n)`` memory.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _chunk(J, h, n_low, c, high_bits, tol):  # pragma: no cover - numba
    N = J.shape[0]
    s = np.ones(N, dtype=np.float64)
    for b in range(high_bits):
        if (c >> b) & 1:
            s[n_low + b] = -1.0
    H = np.empty(N)
    E = 0.0
    for i in range(N):
        acc = h[i]
        for j in range(N):
            acc += J[i, j] * s[j]
        H[i] = acc
        E += s[i] * (acc + h[i])
    E *= -0.5
    best, count, code = E, 1, 0
    for k in range(1, 1 << n_low):
        i = 0
        while not (k >> i) & 1:
            i += 1
        si = s[i]
        E += 2.0 * si * H[i]
        s[i] = -si
        row = J[i]
        c2 = -2.0 * si
        for j in range(N):
            H[j] += c2 * row[j]
        if E < best - tol:
            best, count, code = E, 1, k ^ (k >> 1)
        elif E <= best + tol:
            count += 1
            if E < best:
                best, code = E, k ^ (k >> 1)
    return best, count, code


@njit(cache=True, parallel=True)
def gray_ground_states(J, h, n, high_bits, tol):  # pragma: no cover - numba
    """Lowest energy over the ``2^n`` settings of spins ``0..n-1`` (spins ``n..`` at +1).

    Parameters
    ----------
    J : (N, N) float64
        Symmetric couplings, zero diagonal.
    h : (N,) float64
        Fields; energy ``-1/2 s^T J s - h^T s``.
    n : int
        Spins enumerated (``n <= N``).
    high_bits : int
        ``2^high_bits`` chunks run in parallel (``high_bits <= n``).
    tol : float
        Energies within ``tol`` of the minimum count as degenerate.

    Returns
    -------
    (minimum, counts, codes, chunk_minima)
        The lowest energy; per chunk the number of states within ``tol`` of its own minimum,
        the Gray code (bit ``j`` set: spin ``j`` is -1) of its lowest state among the low
        bits, and its minimum.
    """
    n_low = n - high_bits
    chunks = 1 << high_bits
    minima = np.empty(chunks)
    counts = np.zeros(chunks, dtype=np.int64)
    codes = np.zeros(chunks, dtype=np.int64)
    for c in prange(chunks):
        minima[c], counts[c], codes[c] = _chunk(J, h, n_low, c, high_bits, tol)
    return minima.min(), counts, codes, minima


@njit(cache=True)
def held_karp(d):  # pragma: no cover - numba
    """Shortest closed tour through all cities of the distance matrix ``d`` (n >= 3).

    Returns (length, tour) with ``tour[0] == 0``.
    """
    n = d.shape[0]
    m = n - 1
    full = 1 << m
    dp = np.full((full, m), np.inf)
    parent = np.full((full, m), -1, dtype=np.int64)
    for j in range(m):
        dp[1 << j, j] = d[0, j + 1]
    for mask in range(1, full):
        for j in range(m):
            cur = dp[mask, j]
            if not (mask >> j) & 1 or cur == np.inf:
                continue
            for k in range(m):
                if (mask >> k) & 1:
                    continue
                nm = mask | (1 << k)
                v = cur + d[j + 1, k + 1]
                if v < dp[nm, k]:
                    dp[nm, k] = v
                    parent[nm, k] = j
    best, last = np.inf, -1
    for j in range(m):
        v = dp[full - 1, j] + d[j + 1, 0]
        if v < best:
            best, last = v, j
    tour = np.zeros(n, dtype=np.int64)
    mask = full - 1
    for pos in range(n - 1, 0, -1):
        tour[pos] = last + 1
        prev = parent[mask, last]
        mask ^= 1 << last
        last = prev
    return best, tour
