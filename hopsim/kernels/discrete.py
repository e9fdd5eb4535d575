"""numba kernels for zero-temperature asynchronous sweeps over a batch of cues.

Pure functions over arrays, compiled once and cached on disk (``cache=True``).
Each cue (a row of ``S``) is independent, so the loop over cues runs in parallel
(``prange``); within a cue neurons are visited in the given order, and a negative entry of
the order is skipped: that is how a clamped neuron is held at its value.

Arithmetic is the same as the numpy reference in :mod:`hopsim.dynamics.discrete`
(float64 fields, integer-valued for Hebbian couplings), so both give identical states.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from hopsim.kernels.random import splitmix64


@njit(cache=True, parallel=True)
def async_sweep_dense(C, thr, keep, S, H, rows, orders, changed, two):  # pragma: no cover - numba
    """One asynchronous sweep with incremental local fields.

    Parameters
    ----------
    C : (N, N) array
        ``C[i]`` is column i of the raw couplings J (J itself when symmetric); any
        numeric dtype (float32, float64, int16, int8).
    thr : (N,) float64
        Raw thresholds.
    keep : bool
        Tie rule: keep the old value when the field equals the threshold.
    S : (B, N) int8
        States, updated in place.
    H : (B, N) float32 or float64
        Raw fields ``J s`` of every cue, updated in place: a flip of neuron i adds
        ``2 s_i C[i]`` to the cue's fields (float32 only where every field is an exact
        integer, see ``Network.field_dtype``).
    rows : (R,) int64
        Cues to sweep.
    orders : (R, N) int64
        Visiting order of each swept cue; a negative entry is skipped (a clamped neuron).
    changed : (R,) bool
        Set to True for cues in which some neuron flipped.
    two : scalar of H's dtype
        The number 2, typed like H.
    """
    N = S.shape[1]
    for r in prange(rows.size):
        b = rows[r]
        Hb = H[b]
        Sb = S[b]
        for k in range(N):
            i = orders[r, k]
            if i < 0:  # a clamped neuron: held at its value
                continue
            h = Hb[i]
            old = Sb[i]
            new = 1 if h >= thr[i] else -1
            if keep and h == thr[i]:
                new = old
            if new != old:
                Sb[i] = new
                d = two if new > 0 else -two  # H's own dtype: no float64 promotion
                Ci = C[i]
                for j in range(N):
                    Hb[j] += d * Ci[j]
                changed[r] = True


@njit(cache=True, parallel=True)
def async_sweep_factored(LT, RT, d, thr, keep, S, M, rows, orders, changed):  # pragma: no cover
    """One asynchronous sweep of a network held as factors ``J = L^T R - diag(d)``.

    The raw field of neuron i is ``sum_r L[r, i] M_r - d_i s_i`` with factor overlaps
    ``M = R s``, O(R) per visit; a flip of neuron i adds ``2 s_i R[:, i]`` to ``M``, also
    O(R). Memory is O(N R) instead of O(N^2). For Hebb ``L = R = xi`` (int8) and
    ``d = P``: the fields are the integers ``sum_mu xi_mu,i M_mu - P s_i``.

    Parameters
    ----------
    LT, RT : (N, R) arrays
        Transposed factors (row i holds neuron i's column); int8 or float64; may be the
        same array.
    d : (N,) float64
        Diagonal correction.
    thr, keep, S, rows, orders, changed
        As in :func:`async_sweep_dense`.
    M : (B, R) float64
        Factor overlaps ``R s`` of every cue, updated in place.
    """
    N, R = LT.shape
    for r in prange(rows.size):
        b = rows[r]
        Mb = M[b]
        Sb = S[b]
        for k in range(N):
            i = orders[r, k]
            if i < 0:  # a clamped neuron: held at its value
                continue
            Li = LT[i]
            h = 0.0
            for mu in range(R):
                h += Li[mu] * Mb[mu]
            h -= d[i] * Sb[i]
            old = Sb[i]
            new = 1 if h >= thr[i] else -1
            if keep and h == thr[i]:
                new = old
            if new != old:
                Sb[i] = new
                two = 2.0 * new
                Ri = RT[i]
                for mu in range(R):
                    Mb[mu] += two * Ri[mu]
                changed[r] = True


@njit(cache=True)
def _shuffle_row(row, state):  # pragma: no cover - numba
    """Fill ``row`` with a random permutation of 0..len(row)-1 (Fisher-Yates, SplitMix64).

    Each index is drawn exactly uniformly: Lemire's multiply-shift with rejection, no
    division except on the rare rejection path (len(row) < 2**32).
    """
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


@njit(cache=True, parallel=True)
def shuffled_orders(seeds, N):  # pragma: no cover - numba
    """One random permutation of 0..N-1 per seed, rows in parallel.

    ``seeds`` (R,) uint64 come from each cue's own Generator, so a cue's order depends on
    its stream only.
    """
    out = np.empty((seeds.size, N), dtype=np.int64)
    for r in prange(seeds.size):
        _shuffle_row(out[r], seeds[r])
    return out


@njit(cache=True)
def shuffled_orders_serial(seeds, N):  # pragma: no cover - numba
    """As :func:`shuffled_orders` on one thread: for a few rows, waking threads costs more."""
    out = np.empty((seeds.size, N), dtype=np.int64)
    for r in range(seeds.size):
        _shuffle_row(out[r], seeds[r])
    return out


def warm_up() -> None:
    """Compile (or load from cache) the kernels on tiny inputs."""
    S = np.ones((1, 2), np.int8)
    rows = np.zeros(1, np.int64)
    orders = np.zeros((1, 2), np.int64)
    orders[0, 1] = 1
    changed = np.zeros(1, np.bool_)
    thr = np.zeros(2)
    for h_dtype in (np.float32, np.float64):
        for c_dtype in (np.int8, np.int16, np.float32, np.float64):
            async_sweep_dense(
                np.zeros((2, 2), c_dtype),
                thr,
                False,
                S,
                np.zeros((1, 2), h_dtype),
                rows,
                orders,
                changed,
                h_dtype(2),
            )
    for f_dtype in (np.int8, np.float64):
        F = np.ones((2, 1), f_dtype)
        async_sweep_factored(F, F, thr, thr, False, S, np.zeros((1, 1)), rows, orders, changed)
    shuffled_orders(np.ones(1, np.uint64), 2)
    shuffled_orders_serial(np.ones(1, np.uint64), 2)
