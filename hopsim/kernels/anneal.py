"""numba kernels of :mod:`hopsim.optimize`: annealing, descent and mean-field sweeps.

Pure functions over arrays, compiled once and cached on disk (``cache=True``).

Couplings
---------
Every kernel takes the couplings twice, once per storage: ``J`` (N, N) float64, dense,
symmetric, zero diagonal, and the CSR arrays ``indptr``, ``indices``, ``data`` of the same
matrix; ``dense`` says which one is read (the other is passed empty). A read keeps its local
fields ``H = J s + h`` and adds ``-2 s_i J[i]`` to them when spin i flips: O(N) for dense
couplings (a contiguous row), O(degree) for sparse ones. The energy is
``E(s) = -1/2 s^T J s - h^T s``, so flipping spin i costs ``dE = 2 s_i H_i``.

Random numbers
--------------
Each read r has its own SplitMix64 stream started at ``seeds[r]`` (the caller draws the
seeds from a :class:`hopsim.rng.SeedTree` stream keyed by the read), so a read's result does
not depend on how many reads run, in which batch, or on the number of threads (reads run
in parallel with ``prange``). Uniforms are the top 53 bits, ``u = (z >> 11) 2^-53``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from hopsim.kernels.random import splitmix64

METROPOLIS, GLAUBER = 0, 1
#: ``beta dE`` beyond which an uphill move is rejected without a draw: its acceptance
#: ``exp(-beta dE) <= 2^-53`` is below the resolution of the uniforms.
REJECT = 53.0 * math.log(2.0)
_TWO_M53 = 2.0**-53


@njit(cache=True, inline="always")
def _uniform(state):  # pragma: no cover - numba
    state, z = splitmix64(state)
    return state, np.float64(z >> np.uint64(11)) * _TWO_M53


@njit(cache=True, inline="always")
def _add_row(H, i, c, J, indptr, indices, data, dense):  # pragma: no cover - numba
    """``H += c J[i]``: the fields after spin (or magnetisation) i changed by ``c``."""
    if dense:
        row = J[i]
        for j in range(H.size):
            H[j] += c * row[j]
    else:
        for k in range(indptr[i], indptr[i + 1]):
            H[indices[k]] += c * data[k]


@njit(cache=True)
def fields(s, h, J, indptr, indices, data, dense, H):  # pragma: no cover - numba
    """Fill ``H`` with ``J s + h`` (``s`` spins or magnetisations)."""
    N = s.size
    for i in range(N):
        acc = 0.0
        if dense:
            row = J[i]
            for j in range(N):
                acc += row[j] * s[j]
        else:
            for k in range(indptr[i], indptr[i + 1]):
                acc += data[k] * s[indices[k]]
        H[i] = acc + h[i]


@njit(cache=True, inline="always")
def _energy(s, H, h):  # pragma: no cover - numba
    """``-1/2 s^T J s - h^T s`` from the fields ``H = J s + h``."""
    e = 0.0
    for i in range(s.size):
        e += s[i] * (H[i] + h[i])
    return -0.5 * e


@njit(cache=True)
def _random_spins(s, state):  # pragma: no cover - numba
    """Fill ``s`` with independent +/-1 spins (the top bit of one draw each)."""
    for i in range(s.size):
        state, z = splitmix64(state)
        s[i] = 1 if (z >> np.uint64(63)) == np.uint64(1) else -1
    return state


@njit(cache=True)
def _shuffle(row, state):  # pragma: no cover - numba
    """Fill ``row`` with a uniform random permutation of 0..N-1 (Fisher-Yates, Lemire)."""
    N = row.size
    for i in range(N):
        row[i] = i
    for i in range(N - 1, 0, -1):
        bound = np.uint64(i + 1)
        state, z = splitmix64(state)
        m = (z >> np.uint64(32)) * bound
        low = m & np.uint64(0xFFFFFFFF)
        if low < bound:
            threshold = (np.uint64(0x100000000) - bound) % bound
            while low < threshold:
                state, z = splitmix64(state)
                m = (z >> np.uint64(32)) * bound
                low = m & np.uint64(0xFFFFFFFF)
        j = np.int64(m >> np.uint64(32))
        tmp = row[i]
        row[i] = row[j]
        row[j] = tmp
    return state


@njit(cache=True, inline="always")
def _accept(dE, beta, rule, state):  # pragma: no cover - numba
    """Metropolis ``min(1, exp(-beta dE))`` or Glauber ``1 / (1 + exp(beta dE))``."""
    x = beta * dE
    if rule == METROPOLIS:
        if dE <= 0.0:
            return True, state
        if x >= REJECT:
            return False, state
        state, u = _uniform(state)
        # squeeze: 1 - x <= exp(-x) <= 1 / (1 + x + x^2/2); exp only between the bounds
        if u * (1.0 + x + 0.5 * x * x) >= 1.0:
            return False, state
        if u < 1.0 - x:
            return True, state
        return u < math.exp(-x), state
    if x >= REJECT:
        return False, state
    if x <= -REJECT:
        return True, state
    state, u = _uniform(state)
    return u * (1.0 + math.exp(x)) < 1.0, state


@njit(cache=True, inline="always")
def _record(t, E, best_E, s, best, target, tol, hit, trace_at, trace, k):  # pragma: no cover
    """End of sweep ``t``: keep the best state, the first sweep at the target, the trace."""
    if E < best_E:
        best_E = E
        best[:] = s
    if hit < 0 and E <= target + tol:
        hit = t
    while k < trace_at.size and trace_at[k] == t:
        trace[k] = best_E
        k += 1
    return best_E, hit, k


@njit(cache=True)
def _anneal_read(
    s,
    best,
    trace,
    J,
    indptr,
    indices,
    data,
    dense,
    h,
    betas,
    spb,
    rule,
    shuffle,
    state,
    trace_at,
    target,
    tol,
):  # pragma: no cover - numba
    """One read of simulated annealing from ``s``; returns (best energy, hit sweep, state)."""
    N = s.size
    H = np.empty(N)
    fields(s, h, J, indptr, indices, data, dense, H)
    E = _energy(s, H, h)
    best[:] = s
    best_E, hit, k, t = E, -1, 0, 0
    order = np.arange(N)
    for level in range(betas.size):
        beta = betas[level]
        for _ in range(spb):
            if shuffle:
                state = _shuffle(order, state)
            for kk in range(N):
                i = order[kk]
                si = s[i]
                dE = 2.0 * si * H[i]
                flip, state = _accept(dE, beta, rule, state)
                if flip:
                    s[i] = -si
                    _add_row(H, i, -2.0 * si, J, indptr, indices, data, dense)
                    E += dE
            t += 1
            best_E, hit, k = _record(t, E, best_E, s, best, target, tol, hit, trace_at, trace, k)
    return best_E, hit, state


@njit(cache=True, parallel=True)
def anneal(
    states,
    best,
    best_E,
    hits,
    traces,
    J,
    indptr,
    indices,
    data,
    dense,
    h,
    betas,
    spb,
    rule,
    shuffle,
    seeds,
    trace_at,
    target,
    tol,
):  # pragma: no cover - numba
    """Simulated annealing of every read (row of ``states``), reads in parallel.

    Parameters
    ----------
    states : (R, N) int8
        Scratch for the current states (overwritten with random starts).
    best : (R, N) int8
        Out: each read's lowest-energy state seen at the end of a sweep.
    best_E, hits : (R,) float64, (R,) int64
        Out: its energy (without the problem's offset), and the first sweep after which the
        energy was within ``tol`` of ``target`` (-1: never; ``target = -inf``: not asked).
    traces : (R, K) float64
        Out: the best energy so far after sweep ``trace_at[k]`` (sorted, 1-based).
    betas : (L,) float64
        Inverse temperature of each level; ``spb`` sweeps per level.
    rule : int
        ``METROPOLIS`` or ``GLAUBER``.
    shuffle : bool
        Visit spins in a fresh random order each sweep (else 0, 1, ..., N - 1).
    seeds : (R,) uint64
        The reads' SplitMix64 seeds.
    """
    for r in prange(seeds.size):
        state = _random_spins(states[r], seeds[r])
        e, hit, _ = _anneal_read(
            states[r],
            best[r],
            traces[r],
            J,
            indptr,
            indices,
            data,
            dense,
            h,
            betas,
            spb,
            rule,
            shuffle,
            state,
            trace_at,
            target,
            tol,
        )
        best_E[r] = e
        hits[r] = hit


@njit(cache=True)
def _descent_read(
    s,
    best,
    trace,
    J,
    indptr,
    indices,
    data,
    dense,
    h,
    budget,
    shuffle,
    state,
    trace_at,
    target,
    tol,
):  # pragma: no cover - numba
    """Greedy descents from random starts until ``budget`` sweeps are spent."""
    N = s.size
    H = np.empty(N)
    order = np.arange(N)
    best_E, hit, k, t = np.inf, -1, 0, 0
    while t < budget:
        state = _random_spins(s, state)
        fields(s, h, J, indptr, indices, data, dense, H)
        E = _energy(s, H, h)
        flips = 1
        while flips > 0 and t < budget:
            flips = 0
            if shuffle:
                state = _shuffle(order, state)
            for kk in range(N):
                i = order[kk]
                si = s[i]
                dE = 2.0 * si * H[i]
                if dE < 0.0:  # strictly downhill: a sweep without flips is a local minimum
                    s[i] = -si
                    _add_row(H, i, -2.0 * si, J, indptr, indices, data, dense)
                    E += dE
                    flips += 1
            t += 1
            best_E, hit, k = _record(t, E, best_E, s, best, target, tol, hit, trace_at, trace, k)
    return best_E, hit, state


@njit(cache=True, parallel=True)
def descend(
    states,
    best,
    best_E,
    hits,
    traces,
    J,
    indptr,
    indices,
    data,
    dense,
    h,
    budget,
    shuffle,
    seeds,
    trace_at,
    target,
    tol,
):  # pragma: no cover - numba
    """Zero-temperature asynchronous descent, restarted from random states, per read.

    Each read spends ``budget`` sweeps: it draws a random state, flips every spin whose flip
    lowers the energy (visiting order as in :func:`anneal`) until a sweep flips none (a
    local minimum of the Hopfield energy), and starts again while sweeps remain. Outputs as
    in :func:`anneal`.
    """
    for r in prange(seeds.size):
        e, hit, _ = _descent_read(
            states[r],
            best[r],
            traces[r],
            J,
            indptr,
            indices,
            data,
            dense,
            h,
            budget,
            shuffle,
            seeds[r],
            trace_at,
            target,
            tol,
        )
        best_E[r] = e
        hits[r] = hit


@njit(cache=True)
def _mean_field_read(
    sig,
    best,
    trace,
    J,
    indptr,
    indices,
    data,
    dense,
    h,
    betas,
    spb,
    shuffle,
    state,
    noise,
    trace_at,
    target,
    tol,
):  # pragma: no cover - numba
    """Mean-field annealing of one read; the rounded state ``sign(m)`` is tracked exactly."""
    N = sig.size
    m = np.empty(N)
    for i in range(N):
        state, u = _uniform(state)
        m[i] = noise * (2.0 * u - 1.0)
        sig[i] = 1 if m[i] >= 0.0 else -1
    H = np.empty(N)  # J m + h
    G = np.empty(N)  # J sig + h
    fields(m, h, J, indptr, indices, data, dense, H)
    fields(sig, h, J, indptr, indices, data, dense, G)
    E = _energy(sig, G, h)
    best[:] = sig
    best_E, hit, k, t = E, -1, 0, 0
    order = np.arange(N)
    for level in range(betas.size):
        beta = betas[level]
        for _ in range(spb):
            if shuffle:
                state = _shuffle(order, state)
            for kk in range(N):
                i = order[kk]
                new = math.tanh(beta * H[i])
                d = new - m[i]
                if d != 0.0:
                    m[i] = new
                    _add_row(H, i, d, J, indptr, indices, data, dense)
                si = sig[i]
                if (new >= 0.0) != (si > 0):
                    E += 2.0 * si * G[i]
                    sig[i] = -si
                    _add_row(G, i, -2.0 * si, J, indptr, indices, data, dense)
            t += 1
            best_E, hit, k = _record(t, E, best_E, sig, best, target, tol, hit, trace_at, trace, k)
    return best_E, hit, state


@njit(cache=True, parallel=True)
def mean_field(
    states,
    best,
    best_E,
    hits,
    traces,
    J,
    indptr,
    indices,
    data,
    dense,
    h,
    betas,
    spb,
    shuffle,
    seeds,
    noise,
    trace_at,
    target,
    tol,
):  # pragma: no cover - numba
    """Mean-field (deterministic) annealing: the continuous network with rising gain.

    Each read starts at magnetisations ``m_i`` uniform in ``[-noise, noise]`` and updates
    them one at a time, ``m_i <- tanh(beta (J m + h)_i)``, ``spb`` sweeps per level of
    ``betas``: the asynchronous fixed-point iteration of the continuous Hopfield network
    ``du/dt = -u + J tanh(beta u) + h`` at gain ``beta``. The rounded state
    ``sign(m)`` (+1 at 0) and its energy are kept up to date; best state, hits and traces
    are those of the rounded states, as in :func:`anneal`.
    """
    for r in prange(seeds.size):
        e, hit, _ = _mean_field_read(
            states[r],
            best[r],
            traces[r],
            J,
            indptr,
            indices,
            data,
            dense,
            h,
            betas,
            spb,
            shuffle,
            seeds[r],
            noise,
            trace_at,
            target,
            tol,
        )
        best_E[r] = e
        hits[r] = hit


@njit(cache=True)
def energies(S, h, J, indptr, indices, data, dense):  # pragma: no cover - numba
    """``-1/2 s^T J s - h^T s`` of every row of ``S`` (summed afresh, no offset)."""
    out = np.empty(S.shape[0])
    H = np.empty(S.shape[1])
    for r in range(S.shape[0]):
        fields(S[r], h, J, indptr, indices, data, dense, H)
        out[r] = _energy(S[r], H, h)
    return out
