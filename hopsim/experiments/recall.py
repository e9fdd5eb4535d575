"""The ``recall`` experiment: store P patterns, cue each with corrupted versions, recall.

Dataset: dims ``pattern``, ``trial``, ``sweep``; variables ``overlap``, ``bit_error``,
``sweeps``, ``outcome``, ``recalled``, ``relation``, ``cue_overlap``, ``energy``;
run parameters (N, P, alpha, noise, theta, update, corruption, ...) as scalar
coordinates so a sweep turns them into dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get, get_choice, get_float, get_int
from hopsim.dynamics import discrete
from hopsim.experiments._discrete_config import (
    DynamicsSpec,
    NetworkSpec,
    PatternSpec,
    batch_bytes,
    check_network_memory,
    dynamics_spec,
    network_spec,
    pattern_spec,
    run_dynamics,
)
from hopsim.io import flag_attrs
from hopsim.patterns import CORRUPTIONS, corrupt
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

# ----------------------------------------------------------------------------- config


@dataclass(frozen=True)
class RecallParams:
    """Everything the recall experiment reads from its config, checked."""

    patterns: PatternSpec
    network: NetworkSpec
    corruption: str
    level: float
    dynamics: DynamicsSpec
    trials: int


def parameters(cfg: DictConfig) -> RecallParams:
    """Read and check every key the recall experiment uses (and its memory)."""
    pats = pattern_spec(cfg)
    params = RecallParams(
        patterns=pats,
        network=network_spec(cfg, pats.N, dense_energies=True),
        corruption=get_choice(cfg, "corruption.kind", CORRUPTIONS),
        level=get_float(cfg, "corruption.level", lo=0.0, hi=1.0),
        dynamics=dynamics_spec(cfg),
        trials=get_int(cfg, "trials", lo=1, hi=10**9),
    )
    if pats.P == 0:
        raise ConfigError(
            "patterns.P", pats.P, "at least 1 pattern to recall (P >= 1, or alpha >= 0.5/N)"
        )
    N, P, T = pats.N, pats.P, params.trials
    if N >= P or pats.explicit is not None:
        size_key, size_value = "network.N", N
    elif get(cfg, "patterns.alpha", None) is not None:
        size_key, size_value = "patterns.alpha", pats.alpha
    else:
        size_key, size_value = "patterns.P", P
    check_network_memory(params.network, N, P, size_key, size_value)
    sweeps = params.dynamics.max_sweeps
    check_memory("trials", T, float(P) * T * (8.0 * (sweeps + 1) + 48), "the results")
    batch = min(params.dynamics.batch_size, P * T)
    check_memory(
        "dynamics.batch_size", params.dynamics.batch_size, batch_bytes(N, batch, sweeps), "a batch"
    )
    return params


def validate(cfg: DictConfig) -> None:
    """Check every key the recall experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# ----------------------------------------------------------------------------- run


def run(params: RecallParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the recall experiment; see the module docstring for the dataset."""
    pats, dyn = params.patterns, params.dynamics
    N, P, trials = pats.N, pats.P, params.trials
    kind, level, update = params.corruption, params.level, dyn.update
    xi = pats.draw(seeds)
    net = params.network.build(xi)

    # Trial (mu, k) has its own streams for the cue and for the update order.
    keys = [(mu, k) for mu in range(P) for k in range(trials)]
    out = _allocate(len(keys), N)
    energies = []  # one (batch, sweeps run + 1) trace per batch
    bar = tqdm(total=len(keys), desc="recall", unit="cue", disable=not progress)
    for start in range(0, len(keys), dyn.batch_size):
        chunk = keys[start : start + dyn.batch_size]
        idx = slice(start, start + len(chunk))
        cue_rngs = [seeds.generator("cue", N, P, kind, level, mu, k) for mu, k in chunk]
        dyn_rngs = [seeds.generator("dynamics", N, P, update, mu, k) for mu, k in chunk]
        targets = xi[[mu for mu, _ in chunk]]
        cues = corrupt(targets, kind, level, cue_rngs)
        traj = run_dynamics(net, cues, update, dyn.max_sweeps, dyn_rngs)
        m = np.einsum("bi,bi->b", traj.final.astype(np.float64), targets) / N
        out["overlap"][idx] = m
        out["bit_error"][idx] = np.mean(traj.final != targets, axis=1)
        out["cue_overlap"][idx] = np.einsum("bi,bi->b", cues.astype(np.float64), targets) / N
        out["sweeps"][idx] = traj.sweeps
        out["outcome"][idx] = traj.outcome
        out["cycle_length"][idx] = traj.cycle_length
        out["recalled"][idx], out["relation"][idx] = discrete.recall_relation(traj.final, xi)
        energies.append(traj.energy)
        bar.update(len(chunk))
    bar.close()
    out["energy"] = _stack_traces(energies, int(out["sweeps"].max()) + 1)
    return _dataset(out, params, net)


def _stack_traces(traces: list[np.ndarray], width: int) -> np.ndarray:
    """(B, width) from per-batch (b, T_b) traces, NaN-padded or cut to ``width`` columns."""
    out = np.full((sum(t.shape[0] for t in traces), width), np.nan)
    start = 0
    for trace in traces:
        w = min(width, trace.shape[1])
        out[start : start + trace.shape[0], :w] = trace[:, :w]
        start += trace.shape[0]
    return out


def _allocate(B: int, N: int) -> dict[str, np.ndarray]:
    return {
        "overlap": np.empty(B),
        "bit_error": np.empty(B),
        "cue_overlap": np.empty(B),
        "sweeps": np.empty(B, dtype=np.int32),
        "outcome": np.empty(B, dtype=np.int8),
        "cycle_length": np.empty(B, dtype=np.int32),
        "recalled": np.empty(B, dtype=np.int32),
        "relation": np.empty(B, dtype=np.int8),
    }


VARIABLE_ATTRS = {
    "overlap": ("final overlap with the cued pattern", "1"),
    "bit_error": ("fraction of wrong bits", "1"),
    "cue_overlap": ("overlap of the corrupted cue with its pattern", "1"),
    "sweeps": ("sweeps until the end of the trial", "sweep"),
    "cycle_length": ("length of the limit cycle (0: none)", "sweep"),
    "recalled": ("index of the stored pattern recalled or inverted (-1: none)", "1"),
    "energy": ("energy after each sweep", "1"),
}


def _dataset(out, params: RecallParams, net) -> xr.Dataset:
    pats, spec = params.patterns, params.network
    N, P, trials = pats.N, pats.P, params.trials
    shape = (P, trials)
    data = {}
    for name, array in out.items():
        dims = ("pattern", "trial", "sweep") if name == "energy" else ("pattern", "trial")
        data[name] = (dims, array.reshape(shape + array.shape[1:]))
    ds = xr.Dataset(
        data,
        coords={
            "pattern": np.arange(P),
            "trial": np.arange(trials),
            "sweep": np.arange(out["energy"].shape[1]),
        },
    )
    for name, (long_name, units) in VARIABLE_ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["outcome"].attrs.update(flag_attrs("how the trial ended", discrete.OUTCOMES))
    ds["relation"].attrs.update(flag_attrs("final state's relation to memory", discrete.RELATIONS))
    scalar_coords = {
        "N": (N, "number of neurons", "1"),
        "P": (P, "number of stored patterns", "1"),
        "alpha": (pats.alpha, "load P/N (as requested when patterns.alpha is set)", "1"),
        "noise": (params.level, "corruption level", "1"),
        "theta": (spec.theta_scalar, "threshold (NaN: one per neuron)", "1"),
        "update": (params.dynamics.update, "update rule", ""),
        "corruption": (params.corruption, "corruption kind", ""),
        "tie": (spec.tie, "tie rule", ""),
        "bias": (pats.bias, "pattern bias a, P(+1) = (1 + a)/2", "1"),
        "learning": (spec.learning, "learning rule", ""),
        "energy_function": (spec.energy_name, "energy (network.energy)", ""),
    }
    for name, (value, long_name, units) in scalar_coords.items():
        ds = ds.assign_coords({name: value})
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["pattern"].attrs.update(long_name="stored pattern", units="1")
    ds["trial"].attrs.update(long_name="trial", units="1")
    ds["sweep"].attrs.update(long_name="sweep", units="1")
    ds.attrs.update(network_mode=net.mode, max_sweeps=params.dynamics.max_sweeps)
    ds.attrs.update(learning_attrs(net))
    if not isinstance(spec.theta, float):
        ds["threshold"] = ("unit", np.asarray(spec.theta))
        ds["threshold"].attrs.update(long_name="threshold per neuron", units="1")
    return ds


def learning_attrs(net) -> dict:
    """Dataset attrs that record the learning rule, its options and its diagnostics."""
    c = getattr(net, "couplings", None)
    if c is None:
        return {}
    attrs = {"learning_rule": c.rule, "couplings_symmetric": int(c.symmetric)}
    attrs.update({f"learning_{k}": v for k, v in c.info.items()})
    return attrs


# ----------------------------------------------------------------------------- summary


def _memory_text(ds: xr.Dataset) -> str:
    """``learning=storkey``, or ``energy=polynomial n=3`` for a dense associative memory."""
    energy = ds["energy_function"].item() if "energy_function" in ds.coords else "quadratic"
    if energy != "quadratic":
        return f"energy={energy}"
    return f"learning={ds['learning'].item() if 'learning' in ds.coords else 'hebb'}"


def summary(ds: xr.Dataset) -> str:
    """One paragraph: parameters, mean overlap, exact recalls, outcomes, sweeps."""
    n = int(ds.overlap.size)
    m = ds.overlap.values.ravel()
    outcomes = ds.outcome.values.ravel()
    counts = ", ".join(
        f"{name} {int(np.sum(outcomes == code))}"
        for code, name in enumerate(discrete.OUTCOMES)
        if np.any(outcomes == code)
    )
    exact = int(np.sum(ds.bit_error.values == 0))
    sem = m.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
    inverse = int(np.sum(ds.relation.values == 1))
    spurious = int(np.sum(ds.relation.values == 2))
    theta = float(ds.theta)
    theta_text = "per-neuron" if np.isnan(theta) else f"{theta:g}"
    return (
        f"recall: N={int(ds.N)} P={int(ds.P)} (alpha={float(ds.alpha):.3f}), "
        f"update={ds['update'].item()}, corruption={ds['corruption'].item()} "
        f"level={float(ds.noise):g}, theta={theta_text}, tie={ds['tie'].item()}, "
        f"{_memory_text(ds)}. "
        f"{n} trials: mean final overlap {m.mean():.3f} +/- {sem:.3f} "
        f"(cue {float(ds.cue_overlap.mean()):.3f}), exact recall {exact}/{n}, "
        f"ended on an inverse {inverse}, spurious {spurious}; outcomes: {counts}; "
        f"mean sweeps {float(ds.sweeps.mean()):.2f}."
    )
