"""Zero-temperature dynamics of a binary dense associative memory over a batch of cues.

``run(net, cues, update, max_sweeps, rngs)`` takes a :class:`hopsim.dense.DenseNetwork`
and returns the same :class:`hopsim.dynamics.discrete.Trajectories` as
:func:`hopsim.dynamics.discrete.run`: the same update rules (``sync``, ``async``,
``sequential``), outcome codes (``fixed_point``, ``cycle``, ``max_sweeps``), cycle
detection (lags 2..``CYCLE_WINDOW``), energy after each sweep, and the same visiting
orders (:func:`hopsim.dynamics.discrete.async_orders`, one draw per cue per sweep from the
cue's own stream). With ``Polynomial(2)`` it gives Hebb's trajectories bit for bit.

Neuron i becomes +1 when ``D_i >= 2 theta_i / c`` (``D_i``: the energy difference of its
two values in raw units, see :mod:`hopsim.dense`); ``sync`` updates every neuron from the
previous state (two BLAS products per sweep), ``async``/``sequential`` one at a time in
numba from the cached overlaps ``M = xi s`` (O(P) per visit and per flip).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hopsim.dense import EXP, DenseNetwork
from hopsim.dynamics.discrete import UPDATE_RULES, Trajectories, _use_numba, drive
from hopsim.errors import ParameterError, check_choice
from hopsim.network import threshold_rule


class OverlapCache:
    """Overlaps ``M = xi s`` (B, P) of every cue, and the operations the run loop needs.

    The interface (``sync_update``, ``refresh``, ``energy``, ``sweep``) is the one the field
    caches of :mod:`hopsim.dynamics.discrete` offer, so one loop can drive both.
    """

    def __init__(self, net: DenseNetwork, S: np.ndarray, use_numba: bool) -> None:
        self.net, self.S, self.use_numba = net, S, use_numba
        self.M = net.overlaps(S)

    def sync_update(self, rows: np.ndarray) -> np.ndarray:
        S = self.S[rows]
        return self.net.update(self.net.differences(S, self.M[rows]), S)

    def refresh(self, rows: np.ndarray) -> None:
        self.M[rows] = self.net.overlaps(self.S[rows])

    def energy(self, rows: np.ndarray) -> np.ndarray:
        return self.net.energy(self.S[rows], self.M[rows])

    def sweep(self, rows: np.ndarray, orders: np.ndarray) -> np.ndarray:
        net, S, M = self.net, self.S, self.M
        changed = np.zeros(rows.size, dtype=bool)
        keep = net.tie == "keep"
        code, n, beta = net.kernel_args()
        if self.use_numba:
            from hopsim.kernels.dense import async_sweep_energy

            XT = net.patterns_t
            async_sweep_energy(
                XT, net.raw_thresholds, keep, code, n, beta, S, M, rows, orders, changed
            )
            return changed
        # numpy reference: the same per-visit formula, vectorised over the cues
        XTf = net.patterns_t.astype(np.float64)
        for k in range(net.N):
            i = orders[:, k]
            old = S[rows, i]
            Xi = XTf[i]
            A = M[rows] - Xi * old[:, None]
            if code == EXP:
                terms = np.exp(beta * (A - A.max(axis=1, keepdims=True))) if A.size else A
            else:
                terms = net.energy_fn.g(A)
            D = np.einsum("bm,bm->b", Xi, terms)
            new = threshold_rule(D, net.raw_thresholds[i], old, keep)
            flip = new != old
            if flip.any():
                fr, fi, fn = rows[flip], i[flip], new[flip]
                S[fr, fi] = fn
                M[fr] += 2.0 * fn[:, None].astype(np.float64) * XTf[fi]
                changed |= flip
        return changed


def run(
    net: DenseNetwork,
    cues: np.ndarray,
    update: str,
    max_sweeps: int,
    rngs: Sequence[np.random.Generator] | None = None,
    record_states: bool = False,
    engine: str = "auto",
) -> Trajectories:
    """Run the dense associative memory from a batch of cues until every trial has ended.

    Parameters and result as :func:`hopsim.dynamics.discrete.run` (``net`` is a
    :class:`hopsim.dense.DenseNetwork`); ``energy`` holds the network's energy after each
    sweep (for F = exp its log-sum-exp form, see :mod:`hopsim.dense`).
    """
    check_choice("update", update, UPDATE_RULES)
    S = np.array(cues, dtype=np.int8, copy=True)
    B, N = S.shape
    if N != net.N:
        raise ParameterError("cues", f"states of {N} units", f"states of N={net.N} units")
    if update == "async" and (rngs is None or len(rngs) != B):
        raise ParameterError("rngs", rngs, f"one random generator per cue ({B}) for async updates")
    cache = OverlapCache(net, S, _use_numba(engine) and update != "sync")
    return drive(cache, S, update, max_sweeps, rngs, record_states)
