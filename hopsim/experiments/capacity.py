"""The ``capacity`` experiment: retrieval against load alpha = P/N for several N.

For every N and alpha, P = round(alpha N) random patterns are stored (one network per
(N, alpha)); trial t cues pattern ``t mod P`` at every corruption level, runs to
convergence and records the final overlap m, the bit-error fraction, the outcome, the
sweeps, and the one-step error of the cued pattern (the fraction of its bits that one
update of the stored pattern itself flips).

Dataset: dims ``N``, ``alpha``, ``noise``, ``trial``; variables ``overlap``, ``bit_error``,
``one_step_error``, ``outcome``, ``sweeps``, ``relation``, ``cued_pattern``; coordinate
``P`` over (N, alpha).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import get_choice, get_int, get_list
from hopsim.dynamics import discrete
from hopsim.experiments._discrete_checks import check_loads
from hopsim.experiments._discrete_config import (
    DynamicsSpec,
    NetworkSpec,
    batch_bytes,
    check_network_memory,
    check_saved_cell,
    dynamics_spec,
    load_grid,
    network_bytes,
    network_spec,
    one_update,
    pattern_bias,
    run_dynamics,
)
from hopsim.io import flag_attrs
from hopsim.patterns import CLAMPED, CORRUPTIONS, corrupt_known, cue_kind, random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree


@dataclass(frozen=True)
class CapacityParams:
    """Everything the capacity experiment reads from its config, checked."""

    Ns: tuple[int, ...]
    alphas: tuple[float, ...]
    levels: tuple[float, ...]
    corruption: str
    bias: float
    network: NetworkSpec
    dynamics: DynamicsSpec
    trials: int

    def P(self, N: int, alpha: float) -> int:
        """Patterns stored at (N, alpha): round(alpha N)."""
        return int(round(alpha * N))

    def problem_size(self) -> tuple[int, int]:
        """(largest N, cues per batch): what the thread count is chosen from."""
        return max(self.Ns), min(self.dynamics.batch_size, self.trials * len(self.levels))


def parameters(cfg: DictConfig) -> CapacityParams:
    """Read and check every key the capacity experiment uses (and its memory)."""
    Ns, alphas = load_grid(cfg, "capacity")
    levels = tuple(get_list(cfg, "corruption.level", lo=0.0, hi=1.0))
    params = CapacityParams(
        Ns=Ns,
        alphas=alphas,
        levels=levels,
        corruption=get_choice(cfg, "corruption.kind", CORRUPTIONS),
        bias=pattern_bias(cfg),
        network=network_spec(cfg, None, scalar_theta=True, dense_energies=True, saved=True),
        dynamics=dynamics_spec(cfg),
        trials=get_int(cfg, "trials", lo=1, hi=10**9),
    )
    check_loads(list(Ns), list(alphas))  # no cell may store nothing (it would be all NaN)
    check_saved_cell(params.network, Ns, alphas, params.P)
    for N in Ns:
        P_max = max(params.P(N, a) for a in alphas)
        check_network_memory(params.network, N, P_max, "network.N", N)
    cells = float(len(Ns)) * len(alphas) * len(levels) * params.trials
    check_memory("trials", params.trials, cells * 8.0 * 6, "the results")
    N_max, sweeps = max(Ns), params.dynamics.max_sweeps
    batch = min(params.dynamics.batch_size, len(levels) * params.trials)
    check_memory(
        "dynamics.batch_size",
        params.dynamics.batch_size,
        batch_bytes(N_max, batch, sweeps),
        "a batch",
    )
    return params


#: A cue's cost per N^2 beyond its sweeps (its one-step error, the final state's class
#: against every stored pattern and mixture): measured, benchmarks/estimates.py.
SECONDS_PER_CUE_N2 = 1.0e-9


def estimate(params: CapacityParams):
    """The job's :class:`hopsim.resources.Estimate`: the largest network, the results and
    one batch; a network learned and ``trials`` cues (plus the one-step check) recalled at
    every (N, alpha, level)."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    spec, dyn, T = params.network, params.dynamics, params.trials
    L = len(params.levels)
    # the next network is built while the last one is still held: two at the peak
    biggest = max(
        network_bytes(spec, N, max(params.P(N, a) for a in params.alphas)) for N in params.Ns
    )
    memory = biggest * min(2, len(params.Ns) * len(params.alphas))
    memory += float(len(params.Ns)) * len(params.alphas) * (L * 6 + 2) * T * 8.0
    memory += batch_bytes(max(params.Ns), min(dyn.batch_size, L * T), dyn.max_sweeps)
    memory += 3.0 * L * T * max(params.Ns)  # the cues and final states
    seconds = _costs.NUMBA_JOB_SECONDS
    for N in params.Ns:
        for alpha in params.alphas:
            P = params.P(N, alpha)
            if P:
                seconds += _costs.network_seconds(spec, N, P)
                seconds += _costs.spec_recall_seconds(
                    spec, N, P, float(L) * T, dyn, SECONDS_PER_CUE_N2
                )
    drivers = {
        "trials": T,
        "network.N": list(params.Ns),
        "patterns.alpha": list(params.alphas),
        "corruption.level": list(params.levels),
        "dynamics.max_sweeps": dyn.max_sweeps,
        "dynamics.batch_size": dyn.batch_size,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the capacity experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def run(params: CapacityParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run every (N, alpha) point; see the module docstring for the dataset."""
    Ns, alphas, levels = params.Ns, params.alphas, params.levels
    kind, bias, trials = params.corruption, params.bias, params.trials
    update, max_sweeps = params.dynamics.update, params.dynamics.max_sweeps
    batch = params.dynamics.batch_size

    shape = (len(Ns), len(alphas), len(levels), trials)
    out = {
        name: np.full(shape, np.nan)
        for name in ("overlap", "bit_error", "outcome", "sweeps", "relation")
    }
    one_step = np.full(shape[:2] + (trials,), np.nan)
    cued = np.full(shape[:2] + (trials,), -1, dtype=np.int32)
    P_grid = np.zeros(shape[:2], dtype=np.int64)
    modes = []
    points = [(i, j) for i in range(len(Ns)) for j in range(len(alphas))]
    work = np.array([Ns[i] ** 2 * max(1.0, alphas[j] * 10) for i, j in points])
    bar = tqdm(
        total=float(work.sum()),
        desc="capacity",
        disable=not progress,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
    )
    for (i, j), cost in zip(points, work, strict=True):
        N, alpha = Ns[i], alphas[j]
        P = params.P(N, alpha)
        P_grid[i, j] = P
        bar.set_description_str(f"capacity N={N} alpha={alpha:.3f}")
        if P == 0:
            bar.update(cost)
            continue
        net, xi = params.network.make(
            lambda N=N, P=P: random_patterns(seeds.generator("patterns", N, P, bias), P, N, bias)
        )
        modes.append(net.mode)
        targets_idx = np.arange(trials) % P
        cued[i, j] = targets_idx
        # one-step error: one synchronous update of the stored pattern itself
        pats = xi[targets_idx]
        first = one_update(net, pats)
        one_step[i, j] = np.mean(first != pats, axis=1)
        cells = [(k, t) for k in range(len(levels)) for t in range(trials)]
        for start in range(0, len(cells), batch):
            chunk = cells[start : start + batch]
            targets = xi[[targets_idx[t] for _, t in chunk]]
            cues, known = _cues(targets, chunk, kind, levels, seeds, N, P)
            clamp = known if kind in CLAMPED else None
            dyn_rngs = [seeds.generator("dynamics", N, P, update, levels[k], t) for k, t in chunk]
            traj = run_dynamics(net, cues, update, max_sweeps, dyn_rngs, clamp=clamp)
            m = np.einsum("bi,bi->b", traj.final.astype(np.float64), targets) / N
            _, relation = discrete.recall_relation(traj.final, xi)
            ks = np.array([k for k, _ in chunk])
            ts = np.array([t for _, t in chunk])
            out["overlap"][i, j, ks, ts] = m
            out["bit_error"][i, j, ks, ts] = np.mean(traj.final != targets, axis=1)
            out["outcome"][i, j, ks, ts] = traj.outcome
            out["sweeps"][i, j, ks, ts] = traj.sweeps
            out["relation"][i, j, ks, ts] = relation
        bar.update(cost)
    bar.close()
    return _dataset(out, one_step, cued, P_grid, params, modes)


def _cues(targets, chunk, kind, levels, seeds, N, P):
    """Cues and the units a clamping kind holds; level 0 is the stored pattern itself,
    whatever the kind, with nothing held (``occlude_clamped`` shares ``occlude``'s stream
    and clamps what it left visible)."""
    pairs = [
        corrupt_known(
            target, kind, levels[k], seeds.generator("cue", N, P, cue_kind(kind), levels[k], t)
        )
        if levels[k] > 0
        else (target, np.zeros(N, dtype=bool))  # the pattern itself: nothing held
        for target, (k, t) in zip(targets, chunk, strict=True)
    ]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


ATTRS = {
    "overlap": ("final overlap m with the cued pattern", "1"),
    "bit_error": ("fraction of wrong bits after convergence", "1"),
    "one_step_error": ("fraction of a stored pattern's bits flipped by one update", "1"),
    "sweeps": ("sweeps until the end of the trial", "sweep"),
    "cued_pattern": ("index of the cued pattern", "1"),
}


def _dataset(out, one_step, cued, P_grid, params: CapacityParams, modes) -> xr.Dataset:
    Ns, alphas, levels, trials = params.Ns, params.alphas, params.levels, params.trials
    dims = ("N", "alpha", "noise", "trial")
    ds = xr.Dataset(
        {name: (dims, array) for name, array in out.items()},
        coords={
            "N": list(Ns),
            "alpha": list(alphas),
            "noise": list(levels),
            "trial": np.arange(trials),
        },
    )
    ds["one_step_error"] = (("N", "alpha", "trial"), one_step)
    ds["cued_pattern"] = (("N", "alpha", "trial"), cued)
    ds = ds.assign_coords(P=(("N", "alpha"), P_grid))
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["outcome"].attrs.update(flag_attrs("how the trial ended", discrete.OUTCOMES))
    ds["relation"].attrs.update(flag_attrs("final state's relation to memory", discrete.RELATIONS))
    coord_attrs = {
        "N": ("number of neurons", "1"),
        "alpha": ("load P/N", "1"),
        "noise": ("corruption level of the cue", "1"),
        "trial": ("trial", "1"),
        "P": ("stored patterns round(alpha N)", "1"),
    }
    for name, (long_name, units) in coord_attrs.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds = ds.assign_coords(
        update=params.dynamics.update,
        corruption=params.corruption,
        theta=float(params.network.theta),
        learning=params.network.learning,
        energy_function=params.network.energy_name,
    )
    ds["energy_function"].attrs.update(long_name="energy (network.energy)", units="")
    ds["learning"].attrs.update(long_name="learning rule", units="")
    ds["update"].attrs.update(long_name="update rule", units="")
    ds["corruption"].attrs.update(long_name="corruption kind", units="")
    ds["theta"].attrs.update(long_name="threshold", units="1")
    ds.attrs["network_modes"] = " ".join(sorted(set(modes)))
    return ds


def summary(ds: xr.Dataset) -> str:
    """One paragraph: sizes, loads, mean overlap near alpha = 0.1 and 0.2, the N=200 check."""
    from hopsim.theory.capacity import ags_critical

    m0 = ds.overlap.sel(noise=ds.noise.values[0]).mean("trial")
    parts = []
    for N in ds.N.values:
        row = m0.sel(N=N)
        good = row.alpha.values[(row > 0.9).values]
        last = f"{good.max():.3f}" if good.size else "none"
        parts.append(f"N={int(N)}: m>0.9 up to alpha={last}")
    alpha_c, _ = ags_critical()
    return (
        f"capacity: N={list(map(int, ds.N.values))}, {ds.sizes['alpha']} loads "
        f"{float(ds.alpha.min()):.3f}..{float(ds.alpha.max()):.3f}, noise levels "
        f"{list(map(float, ds.noise.values))}, {ds.sizes['trial']} trials, "
        f"update={ds['update'].item()}. Mean final overlap from noise {float(ds.noise[0]):g}: "
        + "; ".join(parts)
        + f" (AGS theory alpha_c={alpha_c:.4f}). Figure: hopsim-plot RUN_DIR."
    )
