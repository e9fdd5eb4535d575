"""Single-spin dynamics at temperature T for a network with dense couplings.

The network's energy ``E(s) = -1/2 s^T W s + theta^T s`` is an Ising Hamiltonian with
couplings W and fields ``-theta``. With ``g_i = sum_{j != i} W_ij s_j - theta_i``:

``glauber``
    heat bath: ``s_i = +1`` with probability ``1 / (1 + exp(-2 g_i / T))``;
``metropolis``
    flip with probability ``min(1, exp(-dE / T))``, ``dE = 2 s_i g_i``.

Both leave the Boltzmann distribution ``exp(-E(s)/T)`` invariant for symmetric W (any
diagonal). Sites are visited in a sweep of N single-site updates:

``async``
    a fresh random permutation each sweep (as in :mod:`hopsim.dynamics.discrete`);
``random``
    N sites drawn uniformly with replacement;
``sequential``
    0, 1, ..., N - 1.

At ``T = 0`` both rules become the deterministic asynchronous rule of
:mod:`hopsim.dynamics.discrete` (``s_i = +1`` if ``h_i >= theta_i``, the network's tie rule),
and no uniforms are drawn: with the same generators ``async`` and ``sequential`` follow
the discrete trajectories exactly.

Random numbers: per sweep and chain, first the visiting order (``discrete.async_orders`` for
``async``, ``rng.integers(0, N, N)`` for ``random``, nothing for ``sequential``), then
``rng.random(N)`` uniforms when ``T > 0``. Each chain has its own Generator, so a chain's
trajectory does not depend on the batch it runs in. The hot loop is
:func:`hopsim.kernels.stochastic.dense_sweep`: raw local fields are kept per chain and a
flip of neuron i adds ``2 s_i J[:, i]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from hopsim.dynamics.discrete import async_orders
from hopsim.errors import ParameterError, check_choice
from hopsim.kernels import stochastic as kernels
from hopsim.network import Network

RULES = ("glauber", "metropolis")
UPDATES = ("async", "random", "sequential")


@dataclass
class Chains:
    """States of a batch of Markov chains and their raw local fields.

    Attributes
    ----------
    states : numpy.ndarray
        (B, N) int8.
    raw : numpy.ndarray
        (B, N) ``J s`` (float32 where exact, else float64).
    """

    states: np.ndarray
    raw: np.ndarray


class Sampler:
    """Glauber or Metropolis sweeps over a dense :class:`~hopsim.network.Network`.

    Parameters
    ----------
    net : Network
        Dense network (``net.J`` not None).
    rule : {"glauber", "metropolis"}
    update : {"async", "random", "sequential"}
    """

    def __init__(self, net: Network, rule: str = "glauber", update: str = "async") -> None:
        check_choice("rule", rule, RULES)
        check_choice("update", update, UPDATES)
        if net.J is None:
            raise ParameterError(
                "net", f"a network in {net.mode} mode", "dense couplings (mode='dense')"
            )
        self.net, self.rule, self.update = net, rule, update
        J = net.J
        # rows of J^T in the smallest exact type (int8/int16 for Hebbian J): flips are
        # memory-bound, and the discrete kernels read the same array
        self._rows = net.kernel_columns
        self._diag = np.ascontiguousarray(np.diag(J), dtype=np.float64)
        self._thr = np.ascontiguousarray(net.raw_thresholds, dtype=np.float64)
        self._rule_code = kernels.GLAUBER if rule == "glauber" else kernels.METROPOLIS

    def start(self, states: np.ndarray) -> Chains:
        """Chains starting at ``states`` (B, N) (copied)."""
        S = np.array(np.atleast_2d(states), dtype=np.int8, copy=True)
        return Chains(S, self.net.raw_fields(S).astype(self.net.field_dtype))

    def _draws(self, B: int, temps: np.ndarray, rngs: Sequence[np.random.Generator]):
        N = self.net.N
        orders = np.empty((B, N), dtype=np.int64)
        uniforms = np.zeros((B, N))
        for b, rng in enumerate(rngs):
            if self.update == "async":
                orders[b] = async_orders([rng], N)[0]  # the same orders as discrete.run
            elif self.update == "random":
                orders[b] = rng.integers(0, N, N)
            else:
                orders[b] = np.arange(N)
            if temps[b] > 0:
                uniforms[b] = rng.random(N)
        return orders, uniforms

    def sweep(
        self, chains: Chains, temperatures: np.ndarray, rngs: Sequence[np.random.Generator]
    ) -> np.ndarray:
        """One sweep of every chain in place; return the number of flips per chain (B,)."""
        temps = np.broadcast_to(np.asarray(temperatures, dtype=np.float64), (len(rngs),))
        if np.any(temps < 0):
            raise ValueError("temperatures must be >= 0")
        if len(rngs) != chains.states.shape[0]:
            raise ValueError("the sampler needs one random generator per chain")
        with np.errstate(divide="ignore"):
            betas = np.where(temps > 0, 1.0 / np.where(temps > 0, temps, 1.0), np.inf)
        orders, uniforms = self._draws(len(rngs), temps, rngs)
        return kernels.dense_sweep(
            self._rows,
            chains.raw,
            chains.states,
            self._thr,
            self._diag,
            float(self.net.scale),
            betas,
            orders,
            uniforms,
            self._rule_code,
            self.net.tie == "keep",
        )


def run(
    net: Network,
    states: np.ndarray,
    temperatures: float | np.ndarray,
    n_sweeps: int,
    rngs: Sequence[np.random.Generator],
    rule: str = "glauber",
    update: str = "async",
    observe: Callable[[np.ndarray], np.ndarray] | None = None,
    every: int = 1,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Run ``n_sweeps`` sweeps of a batch of chains.

    Parameters
    ----------
    net : Network
        Dense network.
    states : numpy.ndarray
        (B, N) starting states.
    temperatures : float or numpy.ndarray
        One temperature or one per chain (B,); 0 is the deterministic rule.
    n_sweeps : int
    rngs : sequence of numpy.random.Generator
        One per chain.
    rule, update : str
        See :class:`Sampler`.
    observe : callable, optional
        ``observe(states) -> array`` called after every ``every``-th sweep.
    every : int

    Returns
    -------
    (final, trace)
        Final states (B, N) int8 and the stacked observations (n_sweeps // every, ...)
        (None without ``observe``).
    """
    sampler = Sampler(net, rule, update)
    chains = sampler.start(states)
    trace = []
    for t in range(1, n_sweeps + 1):
        sampler.sweep(chains, temperatures, rngs)
        if observe is not None and t % every == 0:
            trace.append(np.asarray(observe(chains.states)))
    return chains.states, (np.stack(trace) if observe is not None and trace else None)
