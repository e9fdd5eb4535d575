"""The ``state_graph`` experiment: every state of a small network and where it goes.

For N <= 16 neurons all ``2**N`` states are enumerated (see :mod:`hopsim.statespace`
for the state codes: neuron 0 is the most significant bit). The patterns are the
config's ``patterns.explicit`` (default ``[[-1, 1]]``, the source report's 2-neuron
example) or random ones (``patterns.explicit=null network.N=8 patterns.P=2``).

Dataset
-------
dims ``state`` (2**N), ``unit`` (N), ``pattern`` (P), ``basin`` (one per synchronous
attractor: a fixed point or a cycle), ``fixed_point`` (F).

per state
    ``spins`` (state, unit) +/-1; ``energy``; ``sync_successor`` (code);
    ``async_successor`` (state, unit: code after updating that neuron);
    ``is_fixed_point`` (1/0); ``attractor`` (label of the synchronous attractor the
    state flows to); ``sync_steps``; ``sync_period``; ``on_sync_cycle`` (1/0);
    ``async_attractor`` (label of the only fixed point asynchronous updates can reach
    from the state, ``"several"`` or ``"none"``); ``async_reachable`` (state,
    fixed_point, 1/0).
per synchronous attractor (coordinate ``basin`` = its label)
    ``basin_size``, ``attractor_kind`` (pattern, inverse, mixture, spurious, cycle),
    ``attractor_code`` (smallest code on it), ``attractor_period``, ``attractor_energy``.
per fixed point (coordinate ``fixed_point`` = its code)
    ``fixed_point_label``, ``async_basin_size`` (states that can reach it),
    ``async_sole_basin_size`` (states that can reach only it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig

from hopsim import statespace
from hopsim.config import ConfigError, get
from hopsim.experiments._discrete_config import NetworkSpec, PatternSpec, network_spec, pattern_spec
from hopsim.network import Network
from hopsim.rng import SeedTree


@dataclass(frozen=True)
class StateGraphParams:
    """Everything the state_graph experiment reads from its config, checked."""

    patterns: PatternSpec
    network: NetworkSpec


def parameters(cfg: DictConfig) -> StateGraphParams:
    """Read and check every key the state_graph experiment uses."""
    pats = pattern_spec(cfg)
    if pats.N > statespace.MAX_N:
        key = "network.N" if pats.explicit is None else "patterns.explicit"
        raise ConfigError(key, get(cfg, key), f"N <= {statespace.MAX_N} neurons (2**N states)")
    return StateGraphParams(pats, network_spec(cfg, pats.N))


#: Seconds per state and neuron^2 of the enumeration (every state's fields, its synchronous
#: and N asynchronous successors) and per state of the graph analysis (attractors, basins,
#: reachability, the dataset); bytes per state and neuron of the arrays kept.
SECONDS_PER_STATE_N2 = 4.0e-9
SECONDS_PER_STATE = 2.0e-6
BYTES_PER_STATE_N = 65.0


def estimate(params: StateGraphParams):
    """The job's :class:`hopsim.resources.Estimate`: every one of the 2^N states, its
    successors and its reachable fixed points."""
    from hopsim.experiments import _costs
    from hopsim.experiments._discrete_config import network_bytes
    from hopsim.resources import Estimate

    N, P = params.patterns.N, params.patterns.P
    states = 2.0**N
    state_bytes = states * (BYTES_PER_STATE_N * N + 64.0) + 16.0 * N * N + 80e3
    # random patterns are drawn as float64 before they become int8, then learned
    pattern_bytes = 9.0 * P * N + network_bytes(params.network, N, P)
    seconds = _costs.SECONDS_PER_JOB + _costs.network_seconds(params.network, N, P)
    seconds += states * (SECONDS_PER_STATE_N2 * N * N + SECONDS_PER_STATE)
    drivers = {"network.N": N, "patterns.explicit": N, "patterns.P": P, "patterns.alpha": P / N}
    if pattern_bytes > state_bytes:  # the patterns, not the states, make the job big
        drivers = {"patterns.P": P, "patterns.alpha": P / N, **drivers}
    return Estimate(state_bytes + pattern_bytes, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the state_graph experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def build_network(params: StateGraphParams, seeds: SeedTree) -> tuple[Network, np.ndarray]:
    """The network of the parameters and its stored patterns (P, N), dense couplings."""
    xi = params.patterns.draw(seeds).reshape(params.patterns.P, params.patterns.N)
    spec = params.network
    net = Network.learned(xi, spec.learning, spec.options, spec.theta_value, spec.tie, "dense")
    return net, xi


def run(params: StateGraphParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Enumerate the state space; see the module docstring for the dataset."""
    net, xi = build_network(params, seeds)
    graph = statespace.analyse(net, xi)
    return to_dataset(graph, net, xi)


def to_dataset(graph: statespace.StateGraph, net: Network, xi: np.ndarray) -> xr.Dataset:
    """The dataset of a :class:`hopsim.statespace.StateGraph` (dims and names above)."""
    N = graph.N
    n = graph.spins.shape[0]
    codes = np.arange(n, dtype=np.int64)
    a_index = graph.attractor_index
    labels = np.array(graph.attractor_labels, dtype=str)
    periods = np.array([len(c) for c in graph.attractor_states], dtype=np.int32)
    reach = graph.reachable
    n_reach = reach.sum(axis=1)
    fp_labels = np.array(graph.fixed_point_labels(), dtype=str)
    if fp_labels.size:
        sole = fp_labels[np.argmax(reach, axis=1)] if reach.shape[1] else fp_labels[:0]
        async_label = np.where(n_reach == 1, sole, np.where(n_reach == 0, "none", "several"))
    else:
        async_label = np.full(n, "none")
    sole_size = (reach & (n_reach == 1)[:, None]).sum(axis=0)

    data = {
        "spins": (("state", "unit"), graph.spins),
        "energy": ("state", graph.energy),
        "sync_successor": ("state", graph.sync_successor.astype(np.int32)),
        "async_successor": (("state", "unit"), graph.async_successor.astype(np.int32)),
        "is_fixed_point": ("state", graph.is_fixed_point.astype(np.int8)),
        "attractor": ("state", labels[a_index]),
        "sync_steps": ("state", graph.sync_steps.astype(np.int32)),
        "sync_period": ("state", periods[a_index]),
        "on_sync_cycle": ("state", graph.on_cycle.astype(np.int8)),
        "async_attractor": ("state", async_label.astype(str)),
        "async_reachable": (("state", "fixed_point"), reach.astype(np.int8)),
        "basin_size": ("basin", graph.basin_size.astype(np.int64)),
        "attractor_kind": ("basin", np.array(graph.attractor_kind, dtype=str)),
        "attractor_code": ("basin", graph.attractors.astype(np.int64)),
        "attractor_period": ("basin", periods),
        "attractor_energy": ("basin", graph.energy[graph.attractors]),
        "fixed_point_label": ("fixed_point", fp_labels),
        "async_basin_size": ("fixed_point", reach.sum(axis=0).astype(np.int64)),
        "async_sole_basin_size": ("fixed_point", sole_size.astype(np.int64)),
        "stored_pattern": (("pattern", "unit"), np.asarray(xi, dtype=np.int8).reshape(-1, N)),
        "threshold": ("unit", net.thresholds),
        "weight": (("unit", "unit_in"), net.weights()),
    }
    ds = xr.Dataset(
        data,
        coords={
            "state": codes.astype(np.int32),
            "unit": np.arange(N),
            "unit_in": np.arange(N),
            "pattern": np.arange(xi.shape[0]),
            "basin": labels,
            "fixed_point": graph.fixed_points.astype(np.int64),
        },
    )
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    for name in ("attractor", "async_attractor", "basin", "fixed_point_label", "attractor_kind"):
        ds[name] = ds[name].astype(object)  # variable-length strings on disk
    for name in ("spins", "energy", "sync_successor", "async_successor", "async_reachable"):
        ds[name].encoding.update(zlib=True, complevel=4)
    ds["state"].attrs["bit_order"] = (
        "neuron i is +1 when bit N-1-i of the code is set (neuron 0 = most significant bit)"
    )
    scalar = {
        "N": (N, "number of neurons", "1"),
        "P": (int(xi.shape[0]), "number of stored patterns", "1"),
        "tie": (net.tie, "tie rule", "1"),
    }
    theta = net.thresholds
    scalar["theta"] = (
        float(theta[0]) if np.all(theta == theta[0]) else float("nan"),
        "threshold (NaN: one per neuron)",
        "1",
    )
    if net.couplings is not None:
        scalar["learning"] = (net.couplings.rule, "learning rule", "")
    for name, (value, long_name, units) in scalar.items():
        ds = ds.assign_coords({name: value})
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs["mixture_order"] = int(graph.mixture_order)
    return ds


ATTRS = {
    "state": ("state code", "1"),
    "unit": ("neuron", "1"),
    "unit_in": ("presynaptic neuron", "1"),
    "pattern": ("stored pattern", "1"),
    "basin": ("synchronous attractor", "1"),
    "fixed_point": ("fixed point (state code)", "1"),
    "spins": ("neuron states", "1"),
    "energy": ("energy", "1"),
    "sync_successor": ("synchronous successor (state code)", "1"),
    "async_successor": ("state after updating one neuron (state code)", "1"),
    "is_fixed_point": ("fixed point (1) or not (0)", "1"),
    "attractor": ("synchronous attractor reached", "1"),
    "sync_steps": ("synchronous steps to the attractor", "1"),
    "sync_period": ("period of the synchronous attractor reached", "1"),
    "on_sync_cycle": ("on a synchronous cycle (1) or not (0)", "1"),
    "async_attractor": ("only fixed point reachable by asynchronous updates", "1"),
    "async_reachable": ("fixed point reachable by asynchronous updates (1/0)", "1"),
    "basin_size": ("synchronous basin size", "states"),
    "attractor_kind": ("kind of attractor", "1"),
    "attractor_code": ("smallest state code on the attractor", "1"),
    "attractor_period": ("period of the attractor", "1"),
    "attractor_energy": ("energy of the attractor's smallest-code state", "1"),
    "fixed_point_label": ("fixed point", "1"),
    "async_basin_size": ("states that can reach it asynchronously", "states"),
    "async_sole_basin_size": ("states that can reach only it asynchronously", "states"),
    "stored_pattern": ("stored pattern", "1"),
    "threshold": ("threshold", "1"),
    "weight": ("coupling W_ij", "1"),
}


def summary(ds: xr.Dataset) -> str:
    """One paragraph: size, fixed points, synchronous cycles, asynchronous basins."""
    n = int(ds.sizes["state"])
    kinds = ds.attractor_kind.values
    fixed = [str(x) for x in ds.fixed_point_label.values]
    cycles = [str(b) for b, k in zip(ds.basin.values, kinds, strict=True) if k == "cycle"]
    order = np.argsort(-ds.basin_size.values, kind="stable")
    shown = [f"{ds.basin.values[i]}: {int(ds.basin_size.values[i])}" for i in order[:6]]
    shown_sizes = ", ".join(shown) + (" ..." if order.size > 6 else "")
    several = int(np.sum(ds.async_attractor.values == "several"))
    none = int(np.sum(ds.async_attractor.values == "none"))
    fixed_text = ", ".join(fixed[:8]) + (f" ... ({len(fixed)} in all)" if len(fixed) > 8 else "")
    return (
        f"state_graph: N={int(ds.N)}, P={int(ds.P)}, {n} states, tie={ds['tie'].item()}. "
        f"{len(fixed)} fixed points: {fixed_text}. Synchronous map: {len(kinds)} attractors "
        f"({len(cycles)} cycles); largest basins {shown_sizes}. Asynchronous: "
        f"{n - several - none} states reach one fixed point only, {several} can reach several, "
        f"{none} none."
    )
