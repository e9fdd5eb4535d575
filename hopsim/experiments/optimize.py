"""The ``optimize`` experiment: Hopfield networks as optimisers on Ising, Max-Cut and TSP instances.

For each size N in ``problem.N`` and instance, a problem is drawn (``problem.kind``: ``sk``,
the Sherrington-Kirkpatrick model; ``maxcut`` on a random graph; ``gset``, one rudy / G-set
edge-list file; ``tsp``, random cities in the unit square in Hopfield and Tank's network,
once per parameter set of ``tsp.parameter_sets``). Its exact answer is computed where
that is possible (ground state by enumeration for N <= ``exact_max``; the optimal tour by
Held-Karp up to 16 cities), then every solver of ``solvers`` runs ``reads`` independent reads
for each budget of ``schedule.sweeps`` (:mod:`hopsim.optimize.solvers`; ``hopfield_tank``
integrates the analogue circuit for ``schedule.sweeps`` Euler steps).

Dataset (Ising kinds): dims ``N``, ``instance``, ``solver``, ``sweeps`` (the budget), ``read``;
``energy`` (best energy of each read), ``hit_sweep`` (first sweep at the exact ground
state), ``seconds`` (wall time of the reads); per instance ``ground_energy``,
``degeneracy`` (exact, NaN / 0 beyond ``exact_max``), ``best_energy`` (lowest known),
``beta_min``, ``beta_max`` (the schedule's range) and ``best_state``; ``trace`` (best energy
so far against ``trace_sweep``, for the largest budget). The TSP adds the dim
``parameter_set`` and ``valid``, ``outcome``, ``length`` per read, ``optimal_length``,
``optimal_tour``, ``random_length``, ``cities`` and ``best_tour``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.experiments import _optimize_config as oc
from hopsim.experiments._optimize_run import run_ising, run_tsp
from hopsim.rng import SeedTree


@dataclass(frozen=True)
class OptimizeParams:
    """Everything the optimize experiment reads from its config, checked."""

    problem: oc.ProblemSpec
    solver: oc.SolverSpec
    exact_max: int
    tsp_sets: tuple


def parameters(cfg: DictConfig) -> OptimizeParams:
    """Read and check every key the optimize experiment uses (and its memory and work)."""
    problem = oc.problem_spec(cfg)
    solver = oc.solver_spec(cfg, problem.kind)
    exact_max = oc.exact_limit(cfg)
    sets = oc.tsp_sets(cfg) if problem.kind == "tsp" else ()
    oc.check_resources(problem, solver, max(1, len(sets)), exact_max)
    return OptimizeParams(problem, solver, exact_max, sets)


def estimate(params: OptimizeParams):
    """The job's :class:`hopsim.resources.Estimate`: the couplings and the results; every
    read's operations (:func:`hopsim.experiments._optimize_config.operations`) and the
    exact enumerations."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    p, s = params.problem, params.solver
    n_sets = max(1, len(params.tsp_sets))
    memory = oc.job_bytes(p, s, n_sets)
    seconds = (
        _costs.SECONDS_PER_JOB
        + _costs.SECONDS_NUMBA
        + oc.job_seconds(p, s, n_sets, params.exact_max)
    )
    # the keys in order of how far each is beyond its default scale (most responsible first)
    scaled = {
        "schedule.sweeps": (max(s.budgets) / 1000, list(s.budgets)),
        "reads": (s.reads / 32, s.reads),
        "problem.instances": (p.instances / 8, p.instances),
        "problem.N": (max(p.sizes) / 256, list(p.sizes)),
    }
    order = sorted(scaled, key=lambda k: -scaled[k][0])
    drivers = {k: scaled[k][1] for k in order}
    drivers.update({"solvers": list(s.solvers), "exact_max": params.exact_max})
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the optimize experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def run(params: OptimizeParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run every solver on every instance; see the module docstring for the dataset."""
    from hopsim.optimize.solvers import warm_up

    warm_up()  # compile (or load) the kernels before anything is timed
    p = params.problem
    sets = max(1, len(params.tsp_sets))
    total = len(p.sizes) * p.instances * sets * len(params.solver.solvers)
    bar = tqdm(total=total, desc="optimize", unit="solver", disable=not progress)
    try:
        if p.kind == "tsp":
            return run_tsp(params, seeds, bar)
        return run_ising(params, seeds, bar)
    finally:
        bar.close()


def summary(ds: xr.Dataset) -> str:
    """One paragraph: per solver the success rate at the largest budget, or the TSP's tours."""
    from hopsim.optimize import analysis

    kind = ds.attrs["problem_kind"]
    budget = int(ds.sweeps.values.max())
    sizes = [int(x) for x in ds.N.values]
    head = (
        f"optimize: {kind}, N in {sizes}, {ds.instance.size} instance(s), "
        f"{ds.read.size} reads, budgets {[int(x) for x in ds.sweeps.values]} sweeps. "
    )
    if kind == "tsp":
        stats = analysis.tsp_table(ds.sel(sweeps=budget))
        parts = [
            f"{r.parameter_set}/{r.solver}: {100 * r.valid_fraction:.0f}% valid, "
            f"length x{r.length_ratio:.3f} of the optimum"
            for r in stats.itertuples()
        ]
        return head + f"At {budget} sweeps: " + "; ".join(parts) + "."
    success = analysis.success_probability(ds).sel(sweeps=budget)
    parts = []
    for solver in ds.solver.values:
        p = success.sel(solver=solver).mean("instance").values
        known = ~np.isnan(p)
        if known.any():
            parts.append(f"{solver} {100 * np.nanmean(p):.0f}%")
    text = head
    if parts:
        text += f"Exact ground state reached at {budget} sweeps (N <= {ds.attrs['exact_max']}): "
        text += ", ".join(parts) + ". "
    e = (ds.best_energy / ds.N).mean("instance")
    text += "Lowest energy per spin: " + ", ".join(
        f"N={int(N)}: {float(v):.4f}" for N, v in zip(ds.N.values, e.values, strict=True)
    )
    return text + "."
