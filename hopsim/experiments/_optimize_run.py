"""The loops of the ``optimize`` experiment: instances, exact answers, solvers, datasets."""

from __future__ import annotations

import numpy as np
import xarray as xr

from hopsim.optimize import exact, graphs, problems, solvers, tsp
from hopsim.rng import SeedTree

# --------------------------------------------------------------------------- shared


def instance(p, N: int, index: int, seeds: SeedTree) -> problems.IsingProblem:
    """Instance ``index`` of size N (the same for every job that asks for it)."""
    if p.kind == "gset":
        return p.gset_problem
    if p.kind == "sk":
        return problems.sk(N, seeds.generator("instance", "sk", p.couplings, N, index), p.couplings)
    rng = seeds.generator("instance", "maxcut", p.graph, p.degree, p.weights, N, index)
    degree = int(p.degree) if p.graph == "regular" else p.degree
    return graphs.random_maxcut(N, rng, p.graph, degree, p.weights)


def beta_range(problem, s) -> tuple[float, float]:
    """The schedule's range: the config's values, each ``null`` read off the problem."""
    if s.beta_min is not None and s.beta_max is not None:
        return s.beta_min, s.beta_max
    lo, hi = solvers.default_beta_range(problem)
    lo = s.beta_min if s.beta_min is not None else lo
    hi = s.beta_max if s.beta_max is not None else max(hi, lo)
    return lo, max(hi, lo)


def solve(problem, name: str, budget: int, s, beta, seed, target=None) -> xr.Dataset:
    """One solver on one problem for one budget (all reads)."""
    common = dict(num_reads=s.reads, sweeps=budget, order=s.order, seed=seed, target=target)
    common["trace_points"] = s.trace_points
    if name == "descent":
        return solvers.descend(problem, **common)
    schedule = dict(beta_range=beta, sweeps_per_beta=s.sweeps_per_beta, schedule=s.schedule)
    if name == "anneal":
        return solvers.anneal(problem, rule=s.rule, **common, **schedule)
    return solvers.mean_field_anneal(problem, **common, **schedule)


def _var(dims, values, long_name: str, units: str) -> tuple:
    return (dims, values, {"long_name": long_name, "units": units})


def _coords(params, trace_at, extra: dict) -> dict:
    p, s = params.problem, params.solver
    first = p.first_instance
    out = {
        "N": (
            "N",
            np.asarray(p.sizes, dtype=np.int64),
            {"long_name": "cities n" if p.kind == "tsp" else "spins N", "units": "1"},
        ),
        "instance": (
            "instance",
            np.arange(first, first + p.instances),
            {"long_name": "instance", "units": "1"},
        ),
        "solver": (
            "solver",
            np.asarray(s.solvers, dtype=object),
            {"long_name": "solver", "units": ""},
        ),
        "sweeps": (
            "sweeps",
            np.asarray(s.budgets, dtype=np.int64),
            {"long_name": "budget (sweeps per read)", "units": "sweeps"},
        ),
        "read": ("read", np.arange(s.reads), {"long_name": "read (replica)", "units": "1"}),
        "trace_sweep": (
            "trace_sweep",
            trace_at,
            {"long_name": "sweeps into the largest budget", "units": "sweeps"},
        ),
    }
    return out | extra


def _attrs(params) -> dict:
    p, s = params.problem, params.solver
    return {
        "problem_kind": p.kind,
        "couplings": p.couplings,
        "graph": p.graph,
        "degree": p.degree,
        "weights": p.weights,
        "path": p.path or "",
        "rule": s.rule,
        "order": s.order,
        "schedule": s.schedule,
        "sweeps_per_beta": s.sweeps_per_beta,
        "beta_min_setting": "auto" if s.beta_min is None else s.beta_min,
        "beta_max_setting": "auto" if s.beta_max is None else s.beta_max,
        "exact_max": params.exact_max,
        "reads": s.reads,
    }


# --------------------------------------------------------------------------- Ising kinds


def run_ising(params, seeds: SeedTree, bar) -> xr.Dataset:
    """Every solver and budget on every instance of an Ising kind (sk, maxcut, gset)."""
    p, s = params.problem, params.solver
    nN, nI, nS, nB, R = len(p.sizes), p.instances, len(s.solvers), len(s.budgets), s.reads
    top = max(s.budgets)
    trace_at = solvers.trace_sweeps(top, s.trace_points)
    out = {
        "energy": np.full((nN, nI, nS, nB, R), np.nan),
        "hit_sweep": np.full((nN, nI, nS, nB, R), np.nan),
        "seconds": np.full((nN, nI, nS, nB), np.nan),
        "trace": np.full((nN, nI, nS, R, trace_at.size), np.nan),
        "ground_energy": np.full((nN, nI), np.nan),
        "degeneracy": np.zeros((nN, nI), dtype=np.int64),
        "beta_min": np.full((nN, nI), np.nan),
        "beta_max": np.full((nN, nI), np.nan),
        "best_state": np.zeros((nN, nI, max(p.sizes)), dtype=np.int8),
    }
    for a, N in enumerate(p.sizes):
        for k in range(nI):
            index = p.first_instance + k
            problem = instance(p, N, index, seeds)
            target = _exact(problem, params.exact_max, out, a, k)
            beta = beta_range(problem, s)
            out["beta_min"][a, k], out["beta_max"][a, k] = beta
            best = (np.inf, None)
            for c, name in enumerate(s.solvers):
                for b, budget in enumerate(s.budgets):
                    seed = seeds.generator("solve", p.kind, N, index, name, budget)
                    ds = solve(problem, name, budget, s, beta, seed, target)
                    out["energy"][a, k, c, b] = ds.energy.values
                    out["hit_sweep"][a, k, c, b] = ds.hit_sweep.values
                    out["seconds"][a, k, c, b] = ds.attrs["seconds"]
                    r = int(np.argmin(ds.energy.values))
                    if ds.energy.values[r] < best[0]:
                        best = (float(ds.energy.values[r]), ds.state.values[r])
                    if budget == top:
                        out["trace"][a, k, c] = ds.trace.values
                bar.update()
            out["best_state"][a, k, :N] = best[1]
    return _ising_dataset(params, out, trace_at)


def _exact(problem, exact_max: int, out: dict, a: int, k: int) -> float | None:
    """Exact ground state (stored in ``out``) when N <= exact_max; its energy, else None."""
    if problem.N > exact_max:
        return None
    gs = exact.ground_state(problem)
    out["ground_energy"][a, k] = gs.energy
    out["degeneracy"][a, k] = gs.degeneracy
    return gs.energy


def _ising_dataset(params, out: dict, trace_at) -> xr.Dataset:
    p = params.problem
    read_dims = ("N", "instance", "solver", "sweeps", "read")
    inst = ("N", "instance")
    best = np.fmin(np.nanmin(out["energy"], axis=(2, 3, 4)), out["ground_energy"])
    data = {
        "energy": _var(read_dims, out["energy"], "energy of the read's best state", "J"),
        "hit_sweep": _var(
            read_dims,
            out["hit_sweep"],
            "first sweep at the exact ground state (NaN: never)",
            "sweeps",
        ),
        "seconds": _var(read_dims[:-1], out["seconds"], "wall time of all reads", "s"),
        "trace": _var(
            ("N", "instance", "solver", "read", "trace_sweep"),
            out["trace"],
            "best energy so far (largest budget)",
            "J",
        ),
        "ground_energy": _var(inst, out["ground_energy"], "exact ground-state energy", "J"),
        "degeneracy": _var(inst, out["degeneracy"], "ground-state degeneracy (0: unknown)", "1"),
        "best_energy": _var(inst, best, "lowest energy known (exact or found)", "J"),
        "beta_min": _var(inst, out["beta_min"], "inverse temperature at the start", "1/J"),
        "beta_max": _var(inst, out["beta_max"], "inverse temperature at the end", "1/J"),
        "best_state": _var(
            ("N", "instance", "spin"),
            out["best_state"],
            "lowest-energy state found (0: padding)",
            "1",
        ),
    }
    spin = {"spin": ("spin", np.arange(max(p.sizes)), {"long_name": "spin", "units": "1"})}
    return xr.Dataset(data, coords=_coords(params, trace_at, spin), attrs=_attrs(params))


# --------------------------------------------------------------------------- TSP


def run_tsp(params, seeds: SeedTree, bar) -> xr.Dataset:
    """Every parameter set, solver and budget on random-city instances of the TSP."""
    p, s = params.problem, params.solver
    sets = params.tsp_sets
    nN, nI, nP, nS, nB, R = (
        len(p.sizes),
        p.instances,
        len(sets),
        len(s.solvers),
        len(s.budgets),
        s.reads,
    )
    top = max(s.budgets)
    trace_at = solvers.trace_sweeps(top, s.trace_points)
    n_max = max(p.sizes)
    read_shape = (nN, nI, nP, nS, nB, R)
    out = {
        "energy": np.full(read_shape, np.nan),
        "valid": np.zeros(read_shape, dtype=np.int8),
        "outcome": np.full(read_shape, 1, dtype=np.int8),
        "length": np.full(read_shape, np.nan),
        "seconds": np.full(read_shape[:-1], np.nan),
        "trace": np.full((nN, nI, nP, nS, R, trace_at.size), np.nan),
        "best_tour": np.full((nN, nI, nP, nS, n_max), -1, dtype=np.int64),
        "optimal_length": np.full((nN, nI), np.nan),
        "optimal_tour": np.full((nN, nI, n_max), -1, dtype=np.int64),
        "random_length": np.full((nN, nI), np.nan),
        "cities": np.full((nN, nI, n_max, 2), np.nan),
        "beta_min": np.full((nN, nI, nP), np.nan),
        "beta_max": np.full((nN, nI, nP), np.nan),
    }
    for a, n in enumerate(p.sizes):
        for k in range(nI):
            index = p.first_instance + k
            xy = tsp.random_cities(n, seeds.generator("instance", "tsp", n, index))
            d = tsp.distances(xy)
            _tsp_reference(out, a, k, xy, d)
            for q, (set_name, ht) in enumerate(sets):
                problem = tsp.tsp_problem(d, ht)
                beta = beta_range(problem, s)
                out["beta_min"][a, k, q], out["beta_max"][a, k, q] = beta
                for c, name in enumerate(s.solvers):
                    for b, budget in enumerate(s.budgets):
                        seed = seeds.generator("solve", "tsp", n, index, set_name, name, budget)
                        ds = _tsp_solve(problem, d, ht, name, budget, s, beta, seed)
                        _store_tsp(out, (a, k, q, c, b), ds, d, n, budget == top)
                    bar.update()
    return _tsp_dataset(params, out, trace_at)


def _tsp_reference(out: dict, a: int, k: int, xy, d) -> None:
    n = d.shape[0]
    out["cities"][a, k, :n] = xy
    out["random_length"][a, k] = d.sum() / (n - 1)  # mean over uniformly random tours
    if n <= tsp.MAX_HELD_KARP:
        length, tour = tsp.held_karp(d)
        out["optimal_length"][a, k] = length
        out["optimal_tour"][a, k, :n] = tour


def _tsp_solve(problem, d, ht, name, budget, s, beta, seed) -> xr.Dataset:
    if name == "hopfield_tank":
        return tsp.hopfield_tank(
            d, ht, num_reads=s.reads, steps=budget, seed=seed, trace_points=s.trace_points
        )
    return solve(problem, name, budget, s, beta, seed)


def _store_tsp(out: dict, where: tuple, ds: xr.Dataset, d, n: int, top: bool) -> None:
    a, k, q, c, b = where
    tours, valid = tsp.decode(ds.state.values, n)
    lengths = np.array(
        [tsp.tour_length(d, t) if v else np.nan for t, v in zip(tours, valid, strict=True)]
    )
    out["energy"][where] = ds.energy.values
    out["valid"][where] = valid
    out["length"][where] = lengths
    out["outcome"][where] = ds.outcome.values if "outcome" in ds else np.where(valid, 0, 1)
    out["seconds"][where] = ds.attrs["seconds"]
    if top:
        out["trace"][a, k, q, c] = ds.trace.values
        if valid.any():
            out["best_tour"][a, k, q, c, :n] = tours[int(np.nanargmin(lengths))]


def _tsp_dataset(params, out: dict, trace_at) -> xr.Dataset:
    read_dims = ("N", "instance", "parameter_set", "solver", "sweeps", "read")
    inst = ("N", "instance")
    outcome_attrs = {
        "long_name": "outcome of the read",
        "units": "1",
        "flag_values": np.arange(3, dtype=np.int8),
        "flag_meanings": " ".join(tsp.OUTCOMES),
    }
    data = {
        "energy": _var(read_dims, out["energy"], "Hopfield-Tank energy of the read's state", "1"),
        "valid": _var(read_dims, out["valid"], "the state is a valid tour", "1"),
        "outcome": (read_dims, out["outcome"], outcome_attrs),
        "length": _var(read_dims, out["length"], "tour length (NaN: not a tour)", "1"),
        "seconds": _var(read_dims[:-1], out["seconds"], "wall time of all reads", "s"),
        "trace": _var(
            ("N", "instance", "parameter_set", "solver", "read", "trace_sweep"),
            out["trace"],
            "energy of the read's state so far (largest budget)",
            "1",
        ),
        "best_tour": _var(
            ("N", "instance", "parameter_set", "solver", "position"),
            out["best_tour"],
            "shortest valid tour found (city at each position; -1: none)",
            "1",
        ),
        "optimal_length": _var(inst, out["optimal_length"], "optimal tour length (Held-Karp)", "1"),
        "optimal_tour": _var((*inst, "position"), out["optimal_tour"], "optimal tour", "1"),
        "random_length": _var(inst, out["random_length"], "mean length of a random tour", "1"),
        "cities": _var((*inst, "city", "axis"), out["cities"], "city coordinates", "1"),
        "beta_min": _var(
            (*inst, "parameter_set"), out["beta_min"], "inverse temperature at the start", "1"
        ),
        "beta_max": _var(
            (*inst, "parameter_set"), out["beta_max"], "inverse temperature at the end", "1"
        ),
    }
    n_max = max(params.problem.sizes)
    sets = params.tsp_sets
    extra = {
        "parameter_set": (
            "parameter_set",
            np.asarray([n for n, _ in sets], dtype=object),
            {"long_name": "Hopfield-Tank parameter set", "units": ""},
        ),
        "position": ("position", np.arange(n_max), {"long_name": "tour position", "units": "1"}),
        "city": ("city", np.arange(n_max), {"long_name": "city", "units": "1"}),
        "axis": ("axis", np.array(["x", "y"], dtype=object), {"long_name": "axis", "units": ""}),
    }
    for field in ("A", "B", "C", "D", "n_tilde", "u0", "dt", "tau"):
        extra[f"tsp_{field}"] = (
            "parameter_set",
            np.array([getattr(ht, field) for _, ht in sets]),
            {"long_name": f"Hopfield-Tank {field}", "units": "1"},
        )
    return xr.Dataset(data, coords=_coords(params, trace_at, extra), attrs=_attrs(params))
