"""Recall from cues, as a labelled dataset: what :meth:`hopsim.Network.recall` returns.

One function, :func:`recall`, runs a network from a batch of cues and describes every cue's
trial in an :class:`xarray.Dataset` with the conventions of the experiments' datasets
(every variable has ``long_name`` and ``units``; the run's parameters are attrs):

``state`` (cue, neuron)
    the final state, int8 +/-1;
``overlap`` (cue, pattern), ``cue_overlap`` (cue, pattern)
    ``m_mu = s . xi_mu / N`` of the final state and of the cue with every stored pattern;
``outcome`` (cue)
    ``fixed_point``, ``cycle`` or ``max_sweeps`` (strings);
``relation`` (cue), ``recalled`` (cue)
    ``pattern``, ``inverse``, ``mixture3``, ``mixture5`` (a symmetric mixture of 3 or 5
    stored patterns, any signs) or ``spurious`` (none of these), exactly
    (:func:`hopsim.analysis.states.classify`); and the index of the pattern (or inverse)
    the final state equals (-1: none);
``sweeps``, ``cycle_length`` (cue); ``energy`` (cue, sweep)
    sweeps that changed the state, the cycle's length, and the energy after each sweep;
``clamped`` (cue)
    neurons held at the cue's value (``clamp=``; 0 without clamping).

Random numbers: cue ``i`` (its index in the batch, or ``keys[i]``) draws its update orders
from the stream ``SeedTree(seed).generator("dynamics", N, P, update, i)``, the stream the
``recall`` experiment keys by pattern and trial. A cue's trajectory therefore depends on its
own key only: the batch's size, order and splitting into chunks do not change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from hopsim.errors import ParameterError, check_choice
from hopsim.patterns import as_states
from hopsim.rng import SeedTree

if TYPE_CHECKING:
    from hopsim.dense import DenseNetwork
    from hopsim.network import Network

__all__ = ["RECALL_VARIABLES", "Recalls", "learning_attrs", "recall"]

#: Bytes of working memory a batch of cues may take (states, fields, cycle history).
BATCH_BYTES = 1 << 28

#: long_name and units of every variable :func:`recall` returns.
RECALL_VARIABLES = {
    "state": ("final state", "1"),
    "overlap": ("overlap of the final state with each stored pattern", "1"),
    "cue_overlap": ("overlap of the cue with each stored pattern", "1"),
    "outcome": ("how the trial ended", ""),
    "relation": ("final state's relation to memory", ""),
    "recalled": ("index of the stored pattern recalled or inverted (-1: none)", "1"),
    "sweeps": ("sweeps that changed the state", "sweep"),
    "cycle_length": ("length of the limit cycle (0: none)", "sweep"),
    "energy": ("energy after each sweep (index 0: the cue)", "1"),
    "clamped": ("neurons held at the cue's value", "neuron"),
}


def recall(
    net: Network | DenseNetwork,
    cues,
    *,
    update: str = "async",
    seed: int = 0,
    max_sweeps: int = 100,
    temperature: float = 0.0,
    keys: Sequence | None = None,
    batch_size: int | None = None,
    progress: bool = False,
    clamp=None,
) -> xr.Dataset:
    """Run ``net`` from each cue until it settles; one labelled dataset for the batch.

    Parameters
    ----------
    net : Network or DenseNetwork
        A network that stores patterns (:func:`hopsim.store`).
    cues : array_like
        (B, N) or (N,) states of +/-1.
    update : {"async", "sync", "sequential"}
        One neuron at a time in a fresh random order each sweep, all at once, or one at a
        time in the order 0..N-1.
    seed : int
        Root of the cues' random streams (see the module docstring).
    max_sweeps : int
        Most sweeps per cue (a trial that has not settled by then ends as ``max_sweeps``).
    temperature : float
        0 (the default) is the deterministic rule. ``T > 0`` runs Glauber dynamics
        (heat bath, ``P(s_i = +1) = 1 / (1 + exp(-2 g_i / T))``) for exactly ``max_sweeps``
        sweeps: no state is absorbing, every outcome is ``max_sweeps``. Needs dense couplings
        and asynchronous or sequential updates.
    keys : sequence, optional
        One stream key per cue (an int or a tuple of ints); default ``0..B-1``.
    batch_size : int, optional
        Cues run together (default: as many as fit in 256 MB of working memory). Does not
        change any result.
    progress : bool
        Show a progress bar over the cues.
    clamp : array_like of bool, optional
        (N,) for every cue or (B, N) one row per cue: True marks a neuron whose value in
        the cue is known, held there while the others move (pattern completion from a
        partial cue). Works with every update rule and temperature.

    Returns
    -------
    xarray.Dataset
        See the module docstring.
    """
    from hopsim.dynamics.discrete import clamp_mask

    states = as_states(cues, "cues", net.N)
    _check_recall(net, update, seed, max_sweeps, temperature)
    mask = clamp_mask(clamp, states.shape[0], net.N)
    keys = _stream_keys(keys, states.shape[0])
    if batch_size is None:
        per_cue = net.N * (1 + 8 + 8 + 8) + 8 * 64
        batch_size = max(1, BATCH_BYTES // per_cue)
    elif isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ParameterError("batch_size", batch_size, "a positive integer")
    elif batch_size < 1:
        raise ParameterError("batch_size", batch_size, "a positive integer")
    seeds = SeedTree(seed)
    P = net.n_patterns
    chunks = []
    from tqdm.auto import tqdm

    bar = tqdm(total=len(keys), desc="recall", unit="cue", disable=not progress)
    for start in range(0, len(keys), int(batch_size)):
        part = slice(start, start + int(batch_size))
        rngs = [seeds.generator("dynamics", net.N, P, update, *k) for k in keys[part]]
        held = None if mask is None else mask[part]
        chunks.append(_run_batch(net, states[part], update, max_sweeps, temperature, rngs, held))
        bar.update(len(rngs))
    bar.close()
    held = np.zeros(states.shape[0], np.int64) if mask is None else mask.sum(axis=1)
    return _dataset(net, states, chunks, update, seed, max_sweeps, temperature, held)


class Recalls:
    """The ``recall`` method, shared by every network kind that stores patterns."""

    def recall(
        self,
        cues,
        *,
        update: str = "async",
        seed: int = 0,
        max_sweeps: int = 100,
        temperature: float = 0.0,
        keys: Sequence | None = None,
        batch_size: int | None = None,
        progress: bool = False,
        clamp=None,
    ) -> xr.Dataset:
        """Run the network from each cue until it settles (:func:`hopsim.retrieval.recall`).

        ``clamp`` (N,) or (B, N) bool holds the known neurons at the cue's values.

        Examples
        --------
        >>> import hopsim
        >>> xi = hopsim.random_patterns(5, 100, seed=0)
        >>> net = hopsim.store(xi)
        >>> ds = net.recall(hopsim.corrupt(xi, "flip", 0.1, seed=1), seed=2)
        >>> [str(o) for o in ds.relation.values]
        ['pattern', 'pattern', 'pattern', 'pattern', 'pattern']
        """
        return recall(
            self,
            cues,
            update=update,
            seed=seed,
            max_sweeps=max_sweeps,
            temperature=temperature,
            keys=keys,
            batch_size=batch_size,
            progress=progress,
            clamp=clamp,
        )


def _check_recall(net, update: str, seed, max_sweeps, temperature) -> None:
    from hopsim.dynamics.discrete import UPDATE_RULES

    check_choice("update", update, UPDATE_RULES)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError("seed", seed, "an integer >= 0")
    if (
        isinstance(max_sweeps, bool)
        or not isinstance(max_sweeps, (int, np.integer))
        or not 1 <= max_sweeps <= 10**9
    ):
        raise ParameterError("max_sweeps", max_sweeps, "an integer in [1, 10**9]")
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float, np.number))
        or not np.isfinite(temperature)
        or temperature < 0
    ):
        raise ParameterError("temperature", temperature, "a finite number >= 0")
    if temperature > 0:
        if getattr(net, "J", None) is None:
            raise ParameterError(
                "temperature",
                temperature,
                f"0 for a network in {net.mode} mode (T > 0 needs dense couplings: "
                "hopsim.store(..., mode='dense'))",
            )
        if update == "sync":
            raise ParameterError(
                "update", update, "'async' or 'sequential' at temperature > 0 (Glauber)"
            )


def _stream_keys(keys, B: int) -> list[tuple[int, ...]]:
    if keys is None:
        return [(i,) for i in range(B)]
    out = []
    for key in keys:
        parts = key if isinstance(key, tuple) else (key,)
        if not parts or any(
            isinstance(k, bool) or not isinstance(k, (int, np.integer)) for k in parts
        ):
            raise ParameterError("keys", keys, "one int (or tuple of ints) per cue")
        out.append(tuple(int(k) for k in parts))
    if len(out) != B or len(set(out)) != B:
        raise ParameterError("keys", f"{len(out)} keys", f"{B} distinct keys, one per cue")
    return out


def _run_batch(net, cues: np.ndarray, update: str, max_sweeps: int, temperature, rngs, clamp):
    """One batch: zero-temperature Trajectories, or Glauber sweeps at temperature T."""
    if temperature == 0:
        from hopsim.dynamics.dense import run as run_dense
        from hopsim.dynamics.discrete import run as run_discrete

        is_dense = type(net).__name__ == "DenseNetwork"
        run = run_dense if is_dense else run_discrete
        return run(net, cues, update, max_sweeps, rngs, clamp=clamp)
    return _glauber(net, cues, update, max_sweeps, float(temperature), rngs, clamp)


def _glauber(net, cues, update, max_sweeps, temperature, rngs, clamp=None):
    """``max_sweeps`` heat-bath sweeps at ``temperature``, as zero-temperature Trajectories."""
    from hopsim.dynamics import discrete, stochastic

    sampler = stochastic.Sampler(net, "glauber", update)
    chains = sampler.start(cues)
    B = cues.shape[0]
    energy = np.empty((B, max_sweeps + 1))
    energy[:, 0] = net.energy_from_raw(chains.states, chains.raw)
    for t in range(1, max_sweeps + 1):
        sampler.sweep(chains, temperature, rngs, clamp)
        energy[:, t] = net.energy_from_raw(chains.states, chains.raw)
    return discrete.Trajectories(
        final=chains.states,
        sweeps=np.full(B, max_sweeps, dtype=np.int32),
        outcome=np.full(B, discrete.MAX_SWEEPS, dtype=np.int8),
        cycle_length=np.zeros(B, dtype=np.int32),
        energy=energy,
    )


def _dataset(net, cues, chunks, update, seed, max_sweeps, temperature, held) -> xr.Dataset:
    from hopsim.dynamics.discrete import OUTCOMES, RELATIONS, recall_relation

    final = np.concatenate([c.final for c in chunks])
    sweeps = np.concatenate([c.sweeps for c in chunks])
    width = int(max(c.energy.shape[1] for c in chunks))
    energy = np.full((final.shape[0], width), np.nan)
    start = 0
    for c in chunks:
        energy[start : start + c.final.shape[0], : c.energy.shape[1]] = c.energy
        start += c.final.shape[0]
    xi = _stored_patterns(net)
    recalled, relation = recall_relation(final, xi)
    data = {
        "state": (("cue", "neuron"), final),
        "overlap": (("cue", "pattern"), _overlaps(final, xi)),
        "cue_overlap": (("cue", "pattern"), _overlaps(cues, xi)),
        "outcome": (
            "cue",
            np.array(OUTCOMES, dtype=object)[np.concatenate([c.outcome for c in chunks])],
        ),
        "relation": ("cue", np.array(RELATIONS, dtype=object)[relation]),
        "recalled": ("cue", recalled),
        "sweeps": ("cue", sweeps),
        "cycle_length": ("cue", np.concatenate([c.cycle_length for c in chunks])),
        "energy": (("cue", "sweep"), energy),
        "clamped": ("cue", held),
    }
    ds = xr.Dataset(
        data,
        coords={
            "cue": np.arange(final.shape[0]),
            "pattern": np.arange(xi.shape[0]),
            "neuron": np.arange(net.N),
            "sweep": np.arange(width),
        },
    )
    for name, (long_name, units) in RECALL_VARIABLES.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    for name, long_name in (
        ("cue", "cue"),
        ("pattern", "stored pattern"),
        ("neuron", "neuron"),
        ("sweep", "sweep"),
    ):
        ds[name].attrs.update(long_name=long_name, units="1")
    ds.attrs.update(_run_attrs(net, update, seed, max_sweeps, temperature))
    return ds


def _stored_patterns(net) -> np.ndarray:
    xi = getattr(net, "patterns", None)
    return np.zeros((0, net.N), dtype=np.int8) if xi is None else xi


def _overlaps(states: np.ndarray, xi: np.ndarray) -> np.ndarray:
    """``s . xi_mu / N`` (B, P), in float32 BLAS blocks (exact: |dot| <= N < 2**24)."""
    N = states.shape[1]
    out = np.empty((states.shape[0], xi.shape[0]))
    S = states.astype(np.float32)
    rows = max(1, (1 << 24) // max(N, 1))
    for start in range(0, xi.shape[0], rows):
        block = xi[start : start + rows].astype(np.float32)
        out[:, start : start + block.shape[0]] = S @ block.T
    return out / N


def _run_attrs(net, update, seed, max_sweeps, temperature) -> dict:
    from hopsim.io import hopsim_version

    attrs = {
        "N": int(net.N),
        "P": int(net.n_patterns),
        "update": update,
        "seed": int(seed),
        "max_sweeps": int(max_sweeps),
        "temperature": float(temperature),
        "tie": net.tie,
        "network_mode": net.mode,
        "hopsim_version": hopsim_version(),
    }
    attrs.update(learning_attrs(net))
    energy_fn = getattr(net, "energy_fn", None)
    if energy_fn is not None:
        attrs["energy_function"] = energy_fn.name
    return attrs


def learning_attrs(net) -> dict:
    """Dataset attrs that record the learning rule, its options and its diagnostics."""
    c = getattr(net, "couplings", None)
    if c is None:
        return {}
    attrs = {"learning_rule": c.rule, "couplings_symmetric": int(c.symmetric)}
    attrs.update({f"learning_{k}": v for k, v in c.info.items()})
    return attrs
