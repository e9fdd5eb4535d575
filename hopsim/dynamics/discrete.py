"""Zero-temperature dynamics of the discrete network over a batch of cues.

Update rule: ``s_i <- +1 if sum_j W_ij s_j >= theta_i else -1`` (tie rule in the network).

``sync``
    All neurons at once from the previous state: one matrix product per sweep.
``async``
    One neuron at a time, in a fresh random order each sweep (each cue draws its
    own order from its own random stream).
``sequential``
    One neuron at a time in the fixed order 0, 1, ..., N-1.

The asynchronous rules keep the raw local fields ``J s`` of every cue and, when
neuron i flips, add ``2 s_i J[:, i]`` to them, so a sweep without flips costs O(N)
per cue. Each trial ends as

``fixed_point``
    a sweep leaves the state unchanged (``sweeps`` counts the sweeps that changed it),
``cycle``
    the state after sweep t equals the state after sweep t - L for some
    2 <= L <= ``CYCLE_WINDOW`` (synchronous 2-cycles are the usual case),
``max_sweeps``
    neither happened within ``max_sweeps`` sweeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hopsim.errors import ParameterError, check_choice
from hopsim.network import Network, threshold_rule

UPDATE_RULES = ("sync", "async", "sequential")
OUTCOMES = ("fixed_point", "cycle", "max_sweeps")
FIXED_POINT, CYCLE, MAX_SWEEPS = 0, 1, 2
CYCLE_WINDOW = 8
ENGINES = ("auto", "numpy", "numba")


@dataclass
class Trajectories:
    """What a batch of trials did.

    Attributes
    ----------
    final : numpy.ndarray
        (B, N) int8 final states.
    sweeps : numpy.ndarray
        (B,) sweeps until the end (fixed point reached, cycle closed, or max_sweeps).
    outcome : numpy.ndarray
        (B,) int8 codes: 0 fixed_point, 1 cycle, 2 max_sweeps (see ``OUTCOMES``).
    cycle_length : numpy.ndarray
        (B,) length of the detected cycle, 0 when there is none.
    energy : numpy.ndarray
        (B, T) energy after each sweep (index 0: the cue), NaN after a trial's end; T is
        one more than the most sweeps any trial ran (at most ``max_sweeps + 1``).
    states : numpy.ndarray or None
        (B, T, N) int8 state after each sweep when recorded; entries after a trial's end
        repeat its final state.
    """

    final: np.ndarray
    sweeps: np.ndarray
    outcome: np.ndarray
    cycle_length: np.ndarray
    energy: np.ndarray
    states: np.ndarray | None = None


class _DenseFields:
    """Cache of raw fields ``H = J s`` (B, N) for dense and compact storage."""

    def __init__(self, net: Network, S: np.ndarray, use_numba: bool) -> None:
        self.net, self.S, self.use_numba = net, S, use_numba
        self.H = net.raw_fields(S).astype(net.field_dtype)

    def raw_fields(self, rows: np.ndarray) -> np.ndarray:
        return self.H[rows]

    def sync_update(self, rows: np.ndarray) -> np.ndarray:
        return self.net.threshold_update(self.raw_fields(rows), self.S[rows])

    def refresh(self, rows: np.ndarray) -> None:
        self.H[rows] = self.net.raw_fields(self.S[rows])

    def energy(self, rows: np.ndarray) -> np.ndarray:
        return self.net.energy_from_raw(self.S[rows], self.H[rows])

    def sweep(self, rows: np.ndarray, orders: np.ndarray) -> np.ndarray:
        net, S, H = self.net, self.S, self.H
        changed = np.zeros(rows.size, dtype=bool)
        keep = net.tie == "keep"
        if self.use_numba:
            from hopsim.kernels.discrete import async_sweep_dense

            C = net.kernel_columns
            thr, two = net.raw_thresholds, H.dtype.type(2)
            async_sweep_dense(C, thr, keep, S, H, rows, orders, changed, two)
            return changed
        thr, C = net.raw_thresholds, net.columns
        for k in range(net.N):
            i = orders[:, k]
            old = S[rows, i]
            new = threshold_rule(H[rows, i], thr[i], old, keep)
            flip = new != old
            if flip.any():
                fr, fi, fn = rows[flip], i[flip], new[flip]
                S[fr, fi] = fn
                H[fr] += 2.0 * fn[:, None].astype(np.float64) * C[fi].astype(np.float64)
                changed |= flip
        return changed


class _LowRankFields:
    """Cache of factor overlaps ``M = R s`` (B, R) for low-rank storage: O(N R) memory."""

    def __init__(self, net: Network, S: np.ndarray, use_numba: bool) -> None:
        self.net, self.S, self.use_numba = net, S, use_numba
        self.M = net.overlaps_raw(S)

    def raw_fields(self, rows: np.ndarray) -> np.ndarray:
        return self.net.lowrank_fields_from_overlaps(self.M[rows], self.S[rows])

    def sync_update(self, rows: np.ndarray) -> np.ndarray:
        return self.net.threshold_update(self.raw_fields(rows), self.S[rows])

    def refresh(self, rows: np.ndarray) -> None:
        self.M[rows] = self.net.overlaps_raw(self.S[rows])

    def energy(self, rows: np.ndarray) -> np.ndarray:
        return self.net.lowrank_energy(self.M[rows], self.S[rows])

    def sweep(self, rows: np.ndarray, orders: np.ndarray) -> np.ndarray:
        net, S, M = self.net, self.S, self.M
        changed = np.zeros(rows.size, dtype=bool)
        keep = net.tie == "keep"
        LT, RT, d = net.left_t, net.right_t, net.factors.diagonal
        if self.use_numba:
            from hopsim.kernels.discrete import async_sweep_factored

            async_sweep_factored(LT, RT, d, net.raw_thresholds, keep, S, M, rows, orders, changed)
            return changed
        thr, LTf, RTf = net.raw_thresholds, LT.astype(np.float64), RT.astype(np.float64)
        for k in range(net.N):
            i = orders[:, k]
            old = S[rows, i]
            h = np.einsum("bm,bm->b", LTf[i], M[rows]) - d[i] * old
            new = threshold_rule(h, thr[i], old, keep)
            flip = new != old
            if flip.any():
                fr, fi, fn = rows[flip], i[flip], new[flip]
                S[fr, fi] = fn
                M[fr] += 2.0 * fn[:, None].astype(np.float64) * RTf[fi]
                changed |= flip
        return changed


def async_orders(rngs: Sequence[np.random.Generator], N: int) -> np.ndarray:
    """A fresh random visiting order (B, N) for each cue, one raw 64-bit draw from its stream.

    The permutation itself is a Fisher-Yates shuffle in numba seeded by that draw (about
    10x faster than ``Generator.permutation`` per cue), so a cue's order depends on its own
    stream only: batch size and batch composition do not change it.
    """
    from hopsim.kernels.discrete import shuffled_orders, shuffled_orders_serial

    seeds = np.fromiter((rng.bit_generator.random_raw() for rng in rngs), np.uint64, len(rngs))
    shuffle = shuffled_orders if len(rngs) >= 8 else shuffled_orders_serial
    return shuffle(seeds, N)


def _use_numba(engine: str) -> bool:
    """Does ``engine`` choose the numba sweep kernels (numba is a hard dependency)?"""
    check_choice("engine", engine, ENGINES)
    return engine != "numpy"


def run(
    net: Network,
    cues: np.ndarray,
    update: str,
    max_sweeps: int,
    rngs: Sequence[np.random.Generator] | None = None,
    record_states: bool = False,
    engine: str = "auto",
) -> Trajectories:
    """Run the dynamics from a batch of cues until every trial has ended.

    Parameters
    ----------
    net : Network
    cues : numpy.ndarray
        (B, N) +/-1 starting states.
    update : {"sync", "async", "sequential"}
    max_sweeps : int
        Upper bound on sweeps per trial.
    rngs : sequence of numpy.random.Generator, optional
        One per cue; required for ``async`` (each sweep's order comes from its cue's
        stream, so results do not depend on the batch size).
    record_states : bool
        Keep the state after every sweep (memory B x (max_sweeps + 1) x N bytes).
    engine : {"auto", "numpy", "numba"}
        Implementation of the asynchronous sweep; ``auto`` (the default) is the numba
        kernels, ``numpy`` a reference implementation. Both give identical results.
    """
    check_choice("update", update, UPDATE_RULES)
    S = np.array(cues, dtype=np.int8, copy=True)
    B, N = S.shape
    if update == "async" and (rngs is None or len(rngs) != B):
        raise ParameterError("rngs", rngs, f"one random generator per cue ({B}) for async updates")
    cache_type = _LowRankFields if net.mode == "lowrank" else _DenseFields
    fields = cache_type(net, S, _use_numba(engine) and update != "sync")
    return drive(fields, S, update, max_sweeps, rngs, record_states)


def drive(cache, S, update, max_sweeps, rngs, record_states) -> Trajectories:
    """The sweep loop (outcomes, cycle detection, energies) over any field cache.

    ``cache`` has ``sync_update(rows)`` (new states of those cues from the old ones),
    ``refresh(rows)``, ``energy(rows)`` and ``sweep(rows, orders) -> changed``; ``S`` (B, N)
    is updated in place. Shared by every network kind (Hebbian and learned couplings here,
    dense associative memories in :mod:`hopsim.dynamics.dense`).
    """
    B, N = S.shape
    everyone = np.arange(B)
    # traces grow with the sweeps actually run (doubling), never to the bound max_sweeps
    energy = _Trace((B,), np.float64, np.nan, max_sweeps + 1)
    energy.set(0, everyone, cache.energy(everyone))
    states = _Trace((B,), np.int8, 0, max_sweeps + 1, (N,)) if record_states else None
    if states is not None:
        states.set(0, everyone, S)
    sweeps = np.full(B, max_sweeps, dtype=np.int32)
    outcome = np.full(B, MAX_SWEEPS, dtype=np.int8)
    cycle_length = np.zeros(B, dtype=np.int32)
    history = np.empty((CYCLE_WINDOW, B, N), dtype=np.int8)  # history[t % W] = state after t
    history[0] = S
    active = np.ones(B, dtype=bool)
    sequential = np.arange(N, dtype=np.int64)

    for t in range(1, max_sweeps + 1):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        if update == "sync":
            new = cache.sync_update(rows)
            changed = np.any(new != S[rows], axis=1)
            S[rows] = new
            cache.refresh(rows)
        else:
            if update == "sequential":
                orders = np.ascontiguousarray(np.broadcast_to(sequential, (rows.size, N)))
            else:
                orders = async_orders([rngs[r] for r in rows], N)
            changed = cache.sweep(rows, orders)

        ended_fixed = rows[~changed]
        sweeps[ended_fixed] = t - 1
        outcome[ended_fixed] = FIXED_POINT
        moving = rows[changed]
        energy.set(t, moving, cache.energy(moving))
        for lag in range(2, min(t, CYCLE_WINDOW) + 1):
            if moving.size == 0:
                break
            back = history[(t - lag) % CYCLE_WINDOW, moving]
            closed = np.all(S[moving] == back, axis=1)
            if closed.any():
                done = moving[closed]
                sweeps[done], outcome[done], cycle_length[done] = t, CYCLE, lag
                moving = moving[~closed]
        history[t % CYCLE_WINDOW] = S
        if states is not None:
            states.set(t, everyone, S)
        active[rows] = False
        active[moving] = True
    frames = None
    if states is not None:
        frames = states.array()
        frames[:, states.length :] = S[:, None]  # after the end, frames repeat the final state
    return Trajectories(S, sweeps, outcome, cycle_length, energy.array(), frames)


class _Trace:
    """A (B, T, ...) per-sweep record that grows with the sweeps run (doubling its length).

    ``array()`` returns it cut to the sweeps recorded, at most ``limit`` long: a bound of
    10**9 sweeps costs nothing until the trials actually run that long.
    """

    def __init__(self, batch, dtype, fill, limit: int, item=()) -> None:
        self.batch, self.dtype, self.fill, self.limit, self.item = batch, dtype, fill, limit, item
        self.length = 0
        self.data = np.full((*batch, min(limit, 16), *item), fill, dtype=dtype)

    def set(self, t: int, rows: np.ndarray, values: np.ndarray) -> None:
        if t >= self.data.shape[1]:
            grown = min(self.limit, max(2 * self.data.shape[1], t + 1))
            data = np.full((*self.batch, grown, *self.item), self.fill, dtype=self.dtype)
            data[:, : self.data.shape[1]] = self.data
            self.data = data
        self.data[rows, t] = values
        self.length = max(self.length, t + 1)

    def array(self) -> np.ndarray:
        return self.data[:, : self.length] if self.length < self.data.shape[1] else self.data


def recall_relation(final: np.ndarray, patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relation of each final state to memory.

    Returns
    -------
    index : numpy.ndarray
        (B,) index of the stored pattern the state equals or is the inverse of; -1 if none.
    relation : numpy.ndarray
        (B,) int8: 0 the pattern itself, 1 its inverse, 2 spurious (neither).
    """
    B = final.shape[0]
    index = np.full(B, -1, dtype=np.int32)
    relation = np.full(B, 2, dtype=np.int8)
    if patterns.shape[0] == 0:
        return index, relation
    N = final.shape[1]
    # overlaps in float32 BLAS blocks: exact (|dot| <= N < 2**24), no (P, N) int64 copy
    F = final.astype(np.float32)
    rows = max(1, (1 << 26) // (4 * max(N, 1)))
    dots = np.empty((B, patterns.shape[0]), dtype=np.float32)
    for start in range(0, patterns.shape[0], rows):
        dots[:, start : start + rows] = F @ patterns[start : start + rows].astype(np.float32).T
    for code, target in ((1, -N), (0, N)):  # exact match wins over inverse on ties
        hit = dots == target
        found = hit.any(axis=1)
        index[found] = hit[found].argmax(axis=1)
        relation[found] = code
    return index, relation


RELATIONS = ("pattern", "inverse", "spurious")
