"""The ``mixtures`` experiment: energies and stability of patterns, mixtures and spurious states.

For every N and load alpha, P = round(alpha N) random patterns are stored (one network per
(N, alpha)), and the zero-temperature dynamics starts ``trials`` times from each kind of
state in ``mixtures.starts``:

``pattern``
    a stored pattern (trial t: pattern t mod P);
``mixture3`` / ``mixture5``
    a symmetric mixture ``sgn(e_1 xi_a + e_2 xi_b + e_3 xi_c)`` of 3 (5) distinct stored
    patterns with random signs, drawn from the trial's own stream (NaN when P < 3 or 5);
``random``
    a uniformly random state (the dynamics ends on whatever attracts it: mostly spurious
    states at these loads).

Each trial records where it ended: the energy per neuron ``E/N`` of the start and of the
end, the overlap of the end with the start (1: the start is a fixed point), the mean
overlap with the start's constituents (signed toward it), the largest ``|m|`` with any
stored pattern, and what the end is (:func:`hopsim.analysis.states.classify`).

Theory (Amit, Gutfreund and Sompolinsky 1985): at alpha -> 0 the constituents' overlaps are
``m_n`` = 1 (pattern), 1/2, 3/8 and the energies ``-n m_n^2 / 2`` = -1/2, -3/8, -45/128 per
neuron; 3-mixtures are stable at T = 0 up to alpha ~ 0.03, patterns up to 0.138.

Dataset: dims ``N``, ``alpha``, ``start``, ``trial``; variables ``energy``,
``start_energy``, ``start_overlap``, ``constituent_overlap``, ``max_overlap``,
``relation``, ``outcome``, ``sweeps``; coordinates ``P`` (N, alpha) and, over ``start``,
``overlap_theory`` and ``energy_theory``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.analysis import states
from hopsim.config import get_choices, get_int
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
    pattern_bias,
    run_dynamics,
)
from hopsim.io import flag_attrs
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

#: start kinds and the number of patterns they mix (0: a random state)
STARTS = {"pattern": 1, "mixture3": 3, "mixture5": 5, "random": 0}
#: AGS (1985): symmetric 3-mixtures lose stability at T = 0 near this load
MIXTURE3_STABILITY = 0.03


@dataclass(frozen=True)
class MixturesParams:
    """Everything the mixtures experiment reads from its config, checked."""

    Ns: tuple[int, ...]
    alphas: tuple[float, ...]
    starts: tuple[str, ...]
    bias: float
    network: NetworkSpec
    dynamics: DynamicsSpec
    trials: int

    def P(self, N: int, alpha: float) -> int:
        """Patterns stored at (N, alpha): round(alpha N)."""
        return int(round(alpha * N))

    def problem_size(self) -> tuple[int, int]:
        """(largest N, cues per batch): what the thread count is chosen from."""
        return max(self.Ns), min(self.dynamics.batch_size, self.trials * len(self.starts))


def parameters(cfg: DictConfig) -> MixturesParams:
    """Read and check every key the mixtures experiment uses (and its memory)."""
    Ns, alphas = load_grid(cfg, "mixtures")
    params = MixturesParams(
        Ns=Ns,
        alphas=alphas,
        starts=tuple(get_choices(cfg, "mixtures.starts", tuple(STARTS))),
        bias=pattern_bias(cfg),
        network=network_spec(cfg, None, scalar_theta=True, saved=True),
        dynamics=dynamics_spec(cfg),
        trials=get_int(cfg, "trials", lo=1, hi=10**9),
    )
    check_loads(list(Ns), list(alphas))
    check_saved_cell(params.network, Ns, alphas, params.P)
    for N in Ns:
        check_network_memory(params.network, N, max(params.P(N, a) for a in alphas), "network.N", N)
    cells = float(len(Ns)) * len(alphas) * len(params.starts) * params.trials
    check_memory("trials", params.trials, cells * 8.0 * 8, "the results")
    batch = min(params.dynamics.batch_size, len(params.starts) * params.trials)
    check_memory(
        "dynamics.batch_size",
        params.dynamics.batch_size,
        batch_bytes(max(Ns), batch, params.dynamics.max_sweeps),
        "a batch",
    )
    return params


#: A start's cost per N^2 beyond the sweeps counted at its load (mixture and random starts
#: wander for tens of sweeps; the final state's class): measured, benchmarks/estimates.py.
SECONDS_PER_START_N2 = 1.0e-9


def estimate(params: MixturesParams):
    """The job's :class:`hopsim.resources.Estimate`: the largest network, the results and
    one batch; a network learned and every start run at every (N, alpha)."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    spec, dyn, T = params.network, params.dynamics, params.trials
    S = len(params.starts)
    memory = max(
        network_bytes(spec, N, max(params.P(N, a) for a in params.alphas)) for N in params.Ns
    )
    memory += float(len(params.Ns)) * len(params.alphas) * S * T * 8.0 * 8
    memory += batch_bytes(max(params.Ns), min(dyn.batch_size, S * T), dyn.max_sweeps)
    memory += max(
        _costs.classify_bytes(N, params.P(N, a)) for N in params.Ns for a in params.alphas
    )
    seconds = _costs.NUMBA_JOB_SECONDS
    for N in params.Ns:
        for alpha in params.alphas:
            P = params.P(N, alpha)
            seconds += _costs.network_seconds(spec, N, P)
            starts = float(S) * T
            seconds += _costs.spec_recall_seconds(spec, N, P, starts, dyn, SECONDS_PER_START_N2)
    drivers = {
        "trials": T,
        "network.N": list(params.Ns),
        "patterns.alpha": list(params.alphas),
        "mixtures.starts": list(params.starts),
        "dynamics.max_sweeps": dyn.max_sweeps,
        "dynamics.batch_size": dyn.batch_size,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the mixtures experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# ----------------------------------------------------------------------------- run

VARIABLES = {
    "energy": ("energy per neuron E/N of the final state", "1"),
    "start_energy": ("energy per neuron E/N of the start", "1"),
    "start_overlap": ("overlap of the final state with the start", "1"),
    "constituent_overlap": ("overlap with the start's patterns", "1"),
    "max_overlap": ("largest |overlap| of the final state with a stored pattern", "1"),
    "sweeps": ("sweeps until the end of the trial", "sweep"),
}


def start_state(kind: str, xi: np.ndarray, trial: int, rng: np.random.Generator):
    """The start of a trial and its constituents (indices, signs): see the module docstring."""
    P, N = xi.shape
    n = STARTS[kind]
    if n == 0:
        return np.where(rng.random(N) < 0.5, 1, -1).astype(np.int8), None, None
    if n == 1:
        mu = np.array([trial % P])
        return xi[mu[0]].copy(), mu, np.ones(1, dtype=np.int64)
    idx = rng.choice(P, n, replace=False)
    signs = rng.choice(np.array([-1, 1]), n)
    return states.mixture_state(xi[idx], signs), idx, signs


def run(params: MixturesParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run every (N, alpha) point; see the module docstring for the dataset."""
    Ns, alphas, starts, trials = params.Ns, params.alphas, params.starts, params.trials
    shape = (len(Ns), len(alphas), len(starts), trials)
    out = {name: np.full(shape, np.nan) for name in (*VARIABLES, "relation", "outcome")}
    P_grid = np.zeros(shape[:2], dtype=np.int64)
    points = [(i, j) for i in range(len(Ns)) for j in range(len(alphas))]
    bar = tqdm(total=len(points), desc="mixtures", disable=not progress)
    for i, j in points:
        N, alpha = Ns[i], alphas[j]
        P = P_grid[i, j] = params.P(N, alpha)
        net, xi = params.network.make(
            lambda N=N, P=P: random_patterns(
                seeds.generator("patterns", N, P, params.bias), P, N, params.bias
            )
        )
        cells = [
            (k, t) for k, kind in enumerate(starts) for t in range(trials) if P >= STARTS[kind]
        ]
        for first in range(0, len(cells), params.dynamics.batch_size):
            chunk = cells[first : first + params.dynamics.batch_size]
            values = _run_chunk(net, xi, chunk, starts, params.dynamics, seeds)
            ks, ts = (np.array(c) for c in zip(*chunk, strict=True))
            for name, value in values.items():
                out[name][i, j, ks, ts] = value
        bar.update(1)
    bar.close()
    return _dataset(out, P_grid, params)


def _run_chunk(net, xi, chunk, starts, dyn: DynamicsSpec, seeds: SeedTree) -> dict:
    """Start, run and measure one batch of trials (k: start kind, t: trial)."""
    P, N = xi.shape
    made = [
        start_state(starts[k], xi, t, seeds.generator("mixture start", N, P, starts[k], t))
        for k, t in chunk
    ]
    S0 = np.stack([m[0] for m in made])
    rngs = [seeds.generator("dynamics", N, P, dyn.update, starts[k], t) for k, t in chunk]
    traj = run_dynamics(net, S0, dyn.update, dyn.max_sweeps, rngs)
    final = traj.final
    dots = states.raw_overlaps(final, xi)
    _, relation = states.classify(final, xi, dots)
    constituent = np.full(len(chunk), np.nan)
    for b, (_, idx, signs) in enumerate(made):
        if idx is not None:
            constituent[b] = np.mean(signs * dots[b, idx]) / N
    return {
        "energy": net.energy(final) / N,
        "start_energy": net.energy(S0) / N,
        "start_overlap": np.einsum("bi,bi->b", final.astype(np.float64), S0) / N,
        "constituent_overlap": constituent,
        "max_overlap": np.abs(dots).max(axis=1) / N,
        "sweeps": traj.sweeps,
        "relation": relation,
        "outcome": traj.outcome,
    }


def _dataset(out, P_grid, params: MixturesParams) -> xr.Dataset:
    dims = ("N", "alpha", "start", "trial")
    ds = xr.Dataset(
        {name: (dims, array) for name, array in out.items()},
        coords={
            "N": list(params.Ns),
            "alpha": list(params.alphas),
            "start": list(params.starts),
            "trial": np.arange(params.trials),
        },
    )
    ds = ds.assign_coords(P=(("N", "alpha"), P_grid))
    n = [STARTS[s] for s in params.starts]
    ds = ds.assign_coords(
        overlap_theory=("start", [states.mixture_overlap_theory(k) if k else np.nan for k in n]),
        energy_theory=("start", [states.mixture_energy_theory(k) if k else np.nan for k in n]),
    )
    for name, (long_name, units) in VARIABLES.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["relation"].attrs.update(flag_attrs("what the final state is", states.RELATIONS))
    ds["outcome"].attrs.update(flag_attrs("how the trial ended", discrete.OUTCOMES))
    coord_attrs = {
        "N": ("number of neurons", "1"),
        "alpha": ("load P/N", "1"),
        "start": ("kind of start state", ""),
        "trial": ("trial", "1"),
        "P": ("stored patterns round(alpha N)", "1"),
        "overlap_theory": ("constituent overlap at alpha -> 0 (AGS 1985)", "1"),
        "energy_theory": ("energy per neuron at alpha -> 0 (AGS 1985)", "1"),
    }
    for name, (long_name, units) in coord_attrs.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds = ds.assign_coords(
        update=params.dynamics.update,
        learning=params.network.learning,
        theta=float(params.network.theta),
    )
    ds["update"].attrs.update(long_name="update rule", units="")
    ds["learning"].attrs.update(long_name="learning rule", units="")
    ds["theta"].attrs.update(long_name="threshold", units="1")
    ds.attrs["mixture3_stability_theory"] = MIXTURE3_STABILITY
    return ds


def summary(ds: xr.Dataset) -> str:
    """One paragraph: the largest load each start kind survives, energies at the lowest load."""
    from hopsim.analysis.mixtures import stability_limits, state_energies

    limits = stability_limits(ds)
    parts = []
    for row in limits.itertuples():
        where = f"{row.limit:.3f}" if np.isfinite(row.limit) else "not crossed"
        parts.append(f"N={row.N} {row.start}: stays (m > 0.9) for half the starts up to {where}")
    energies = state_energies(ds)
    full = energies.energy.notnull().all([d for d in energies.energy.dims if d != "alpha"])
    low = energies.isel(alpha=int(np.argmax(full.values))) if full.any() else None
    text = (
        "; ".join(f"{g} {float(low.energy.sel(group=g).mean()):.3f}" for g in low.group.values)
        if low is not None
        else "no load with every kind of state"
    )
    at = f"{float(low.alpha):g}" if low is not None else "-"
    return (
        f"mixtures: N={list(map(int, ds.N.values))}, {ds.sizes['alpha']} loads "
        f"{float(ds.alpha.min()):.3f}..{float(ds.alpha.max()):.3f}, starts "
        f"{[str(s) for s in ds.start.values]}, {ds.sizes['trial']} trials. "
        + "; ".join(parts)
        + f" (AGS: 3-mixtures {MIXTURE3_STABILITY}, patterns 0.138). E/N of the states "
        f"reached at alpha={at}: {text} (alpha -> 0 theory: pattern -0.5, mixture3 -0.375, "
        "mixture5 -0.352)."
    )
