"""The ``recall`` experiment: store P patterns, cue each with corrupted versions, recall.

``corruption.kind=occlude_clamped`` completes a partial cue: ``occlude``'s very cues (the
same random stream), recalled with the visible units clamped (held at their values), so the
two kinds compare clamping on identical cues.

Dataset: dims ``pattern``, ``trial``, ``sweep``; variables ``overlap``, ``bit_error``,
``sweeps``, ``outcome``, ``recalled``, ``relation``, ``cue_overlap``, ``energy``;
run parameters (N, P, alpha, noise, theta, update, corruption, ...) as scalar
coordinates so a sweep turns them into dimensions.

With ``record.update_energy=K`` (default 0: off) the first K cues (trial 0 of every
pattern, then trial 1, ...) are replayed one neuron at a time
(:func:`hopsim.dynamics.discrete.update_trace`: the same orders, the energy from scratch
after every single-neuron update), adding ``update_energy`` over (``traced_cue``,
``step``) and ``traced_pattern``, ``traced_trial`` (which cue each trace is).
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
    check_saved_size,
    dynamics_spec,
    network_bytes,
    network_spec,
    pattern_spec,
    run_dynamics,
)
from hopsim.io import flag_attrs
from hopsim.patterns import CLAMPED, CORRUPTIONS, corrupt_batch, cue_kind
from hopsim.resources import check_memory
from hopsim.retrieval import learning_attrs
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
    update_energy: int = 0  #: cues whose energy is recorded after every single-neuron update

    def problem_size(self) -> tuple[int, int]:
        """(N, cues per batch): what the thread count is chosen from."""
        cues = self.patterns.P * self.trials
        return self.patterns.N, min(self.dynamics.batch_size, cues)


def parameters(cfg: DictConfig) -> RecallParams:
    """Read and check every key the recall experiment uses (and its memory)."""
    pats = pattern_spec(cfg)
    params = RecallParams(
        patterns=pats,
        network=network_spec(cfg, pats.N, dense_energies=True, saved=True),
        corruption=get_choice(cfg, "corruption.kind", CORRUPTIONS),
        level=get_float(cfg, "corruption.level", lo=0.0, hi=1.0),
        dynamics=dynamics_spec(cfg),
        trials=get_int(cfg, "trials", lo=1, hi=10**9),
        update_energy=get_int(cfg, "record.update_energy", lo=0, hi=10**9),
    )
    if pats.P == 0:
        raise ConfigError(
            "patterns.P", pats.P, "at least 1 pattern to recall (P >= 1, or alpha >= 0.5/N)"
        )
    N, P, T = pats.N, pats.P, params.trials
    alpha_set = get(cfg, "patterns.alpha", None) is not None
    check_saved_size(params.network, N, P, "patterns.alpha" if alpha_set else "patterns.P")
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
    _check_update_energy(params)
    return params


def _check_update_energy(params: RecallParams) -> None:
    """``record.update_energy``: at most one trace per cue, single-neuron dynamics, a
    quadratic energy, and a replay that fits in memory (its time, O(N^3) a sweep, is
    :func:`estimate`'s)."""
    K = params.update_energy
    if K == 0:
        return
    N, cues = params.patterns.N, params.patterns.P * params.trials
    if K > cues:
        raise ConfigError("record.update_energy", K, f"at most the {cues} cues (P x trials)")
    if params.dynamics.update == "sync":
        raise ConfigError(
            "record.update_energy",
            K,
            "0 with dynamics.update=sync (single-neuron updates happen with async or sequential)",
        )
    if params.network.energy is not None:
        raise ConfigError(
            "record.update_energy", K, "0 with network.energy set (quadratic energies only)"
        )
    if params.corruption in CLAMPED:
        raise ConfigError(
            "record.update_energy",
            K,
            f"0 with corruption.kind={params.corruption} (the replay has no clamped neurons)",
        )
    check_memory(
        "record.update_energy",
        K,
        8.0 * float(N) * N * 2 + 8.0 * K * (float(N) * params.dynamics.max_sweeps + 1),
        "the single-update energies",
    )


#: Seconds per multiply-add of the single-update replays (the energy from scratch after
#: every single-neuron update, float64 matrix-vector products).
SECONDS_PER_TRACE_FLOP = 5.0e-10


def estimate(params: RecallParams):
    """The job's :class:`hopsim.resources.Estimate`: the network, the results and one batch
    of cues; learning, every cue's recall and the single-update replays."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    pats, dyn, spec = params.patterns, params.dynamics, params.network
    N, P, T, K = pats.N, pats.P, params.trials, params.update_energy
    cues = float(P) * T
    memory = network_bytes(spec, N, P) + cues * (8.0 * (dyn.max_sweeps + 1) + 48)
    memory += batch_bytes(N, int(min(dyn.batch_size, cues)), dyn.max_sweeps)
    memory += 3.0 * cues * N  # the cues, the final states
    seconds = _costs.NUMBA_JOB_SECONDS + _costs.network_seconds(spec, N, P)
    seconds += _costs.spec_recall_seconds(spec, N, P, cues, dyn)
    trace = 0.0
    if K:
        sweeps = _costs.mean_sweeps(P / N, dyn.max_sweeps, dyn.update)
        trace = 2.0 * K * float(N) ** 3 * sweeps * SECONDS_PER_TRACE_FLOP
        memory = max(memory, 16.0 * float(N) * N + 8.0 * K * (float(N) * dyn.max_sweeps + 1))
    drivers = {
        "trials": T,
        "network.N": N,
        "patterns.P": P,
        "patterns.alpha": pats.alpha,
        "record.update_energy": K,
        "dynamics.max_sweeps": dyn.max_sweeps,
        "dynamics.batch_size": dyn.batch_size,
    }
    if trace > seconds:  # the replays cost most: name them first
        drivers = {"record.update_energy": K, **drivers}
    return Estimate(memory, seconds + trace, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the recall experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# ----------------------------------------------------------------------------- run


def run(params: RecallParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the recall experiment; see the module docstring for the dataset."""
    pats, dyn = params.patterns, params.dynamics
    N, P, trials = pats.N, pats.P, params.trials
    kind, level, update = params.corruption, params.level, dyn.update
    net, xi = params.network.make(lambda: pats.draw(seeds))

    # Trial (mu, k) has its own streams for the cue and for the update order.
    keys = [(mu, k) for mu in range(P) for k in range(trials)]
    out = _allocate(len(keys), N)
    energies = []  # one (batch, sweeps run + 1) trace per batch
    bar = tqdm(total=len(keys), desc="recall", unit="cue", disable=not progress)
    for start in range(0, len(keys), dyn.batch_size):
        chunk = keys[start : start + dyn.batch_size]
        idx = slice(start, start + len(chunk))
        cue_rngs = [seeds.generator("cue", N, P, cue_kind(kind), level, mu, k) for mu, k in chunk]
        dyn_rngs = [seeds.generator("dynamics", N, P, update, mu, k) for mu, k in chunk]
        targets = xi[[mu for mu, _ in chunk]]
        cues, known = corrupt_batch(targets, kind, level, cue_rngs)
        clamp = known if kind in CLAMPED else None
        traj = run_dynamics(net, cues, update, dyn.max_sweeps, dyn_rngs, clamp=clamp)
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
    ds = _dataset(out, params, net)
    if params.update_energy:
        ds = ds.merge(_update_traces(params, seeds, xi, net))
    return ds


def _update_traces(params: RecallParams, seeds: SeedTree, xi: np.ndarray, net) -> xr.Dataset:
    """The energy after every single-neuron update of the first ``update_energy`` cues,
    replayed from the same cue and order streams as the run (trial 0 of each pattern first)."""
    pats, dyn = params.patterns, params.dynamics
    N, P = pats.N, pats.P
    keys = [(mu, k) for k in range(params.trials) for mu in range(P)][: params.update_energy]
    traces = []
    for mu, k in keys:
        kind = cue_kind(params.corruption)
        cue_rng = seeds.generator("cue", N, P, kind, params.level, mu, k)
        dyn_rng = seeds.generator("dynamics", N, P, dyn.update, mu, k)
        cue = corrupt_batch(xi[[mu]], params.corruption, params.level, [cue_rng])[0][0]
        traces.append(discrete.update_trace(net, cue, dyn.update, dyn.max_sweeps, dyn_rng))
    trace = _stack_traces([t[None] for t in traces], max(t.size for t in traces))
    ds = xr.Dataset(
        {
            "update_energy": (("traced_cue", "step"), trace),
            "traced_pattern": ("traced_cue", np.array([mu for mu, _ in keys])),
            "traced_trial": ("traced_cue", np.array([k for _, k in keys])),
        },
        coords={"traced_cue": np.arange(len(keys)), "step": np.arange(trace.shape[1])},
    )
    ds["update_energy"].attrs.update(
        long_name="energy after each single-neuron update (step 0: the cue; step t N: after "
        "sweep t; NaN after the replay's end)",
        units="1",
    )
    ds["traced_pattern"].attrs.update(long_name="stored pattern of the traced cue", units="1")
    ds["traced_trial"].attrs.update(long_name="trial of the traced cue", units="1")
    ds["step"].attrs.update(long_name="single-neuron updates since the cue", units="1")
    ds["traced_cue"].attrs.update(long_name="traced cue", units="1")
    return ds


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
    mixtures = [int(np.sum(ds.relation.values == code)) for code in (3, 4)]
    theta = float(ds.theta)
    theta_text = "per-neuron" if np.isnan(theta) else f"{theta:g}"
    return (
        f"recall: N={int(ds.N)} P={int(ds.P)} (alpha={float(ds.alpha):.3f}), "
        f"update={ds['update'].item()}, corruption={ds['corruption'].item()} "
        f"level={float(ds.noise):g}, theta={theta_text}, tie={ds['tie'].item()}, "
        f"{_memory_text(ds)}. "
        f"{n} trials: mean final overlap {m.mean():.3f} +/- {sem:.3f} "
        f"(cue {float(ds.cue_overlap.mean()):.3f}), exact recall {exact}/{n}, "
        f"ended on an inverse {inverse}, a mixture of 3 {mixtures[0]}, of 5 {mixtures[1]}, "
        f"another spurious state {spurious}; outcomes: {counts}; "
        f"mean sweeps {float(ds.sweeps.mean()):.2f}."
    )
