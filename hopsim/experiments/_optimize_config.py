"""Config of the ``optimize`` experiment: every key read once, checked, into frozen specs."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from omegaconf import DictConfig

from hopsim.config import (
    ConfigError,
    get,
    get_choice,
    get_float,
    get_int,
    get_list,
    most_responsible,
)
from hopsim.optimize import exact, graphs, gset, problems, solvers, tsp
from hopsim.resources import check_memory

KINDS = ("sk", "maxcut", "gset", "tsp")
TSP_SOLVERS = (*solvers.SOLVERS, "hopfield_tank")
#: Largest dense SK problem (8 N^2 bytes of couplings; N = 32768 is 8.6 GB).
MAX_SK = 32768


@dataclass(frozen=True)
class ProblemSpec:
    """Which problems: their kind, sizes and instances (``problem.*``)."""

    kind: str
    sizes: tuple[int, ...]  #: spins (sk, maxcut), cities (tsp), the file's n (gset)
    instances: int
    first_instance: int
    couplings: str
    graph: str
    degree: float
    weights: str
    path: str | None
    gset_problem: Any = None  #: the problem read from ``path`` (gset)


@dataclass(frozen=True)
class SolverSpec:
    """How the solvers run (``solvers``, ``reads``, ``schedule.*``, ``trace_points``)."""

    solvers: tuple[str, ...]
    reads: int
    budgets: tuple[int, ...]
    beta_min: float | None
    beta_max: float | None
    sweeps_per_beta: int
    schedule: str
    rule: str
    order: str
    trace_points: int


def _names(cfg: DictConfig, key: str, choices) -> tuple[str, ...]:
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw]
    allowed = "a non-empty list of distinct names from " + ", ".join(choices)
    if not values or any(not isinstance(v, str) or v not in choices for v in values):
        raise ConfigError(key, raw, allowed)
    if len(set(values)) != len(values):
        raise ConfigError(key, raw, allowed + " (no repeats)")
    return tuple(values)


def problem_spec(cfg: DictConfig) -> ProblemSpec:
    """Read ``problem.*`` (only the keys the chosen kind uses)."""
    kind = get_choice(cfg, "problem.kind", KINDS)
    couplings, graph, degree, weights, path, loaded = "", "", 0.0, "", None, None
    if kind == "gset":
        path = get(cfg, "problem.path", None)
        if not isinstance(path, str) or not path.strip():
            raise ConfigError(
                "problem.path",
                path,
                "a rudy / G-set edge-list file or a bundled example ("
                + ", ".join(gset.bundled_names())
                + ")",
            )
        try:
            loaded = gset.read_gset(path)
        except gset.GsetError as exc:
            raise ConfigError("problem.path", path, f"a rudy / G-set edge list ({exc})") from None
        sizes, instances, first = (loaded.N,), 1, 0
    else:
        lo, hi = (tsp.MIN_CITIES, tsp.MAX_CITIES) if kind == "tsp" else (2, problems.MAX_SPINS)
        hi = min(hi, MAX_SK) if kind == "sk" else hi
        sizes = tuple(get_list(cfg, "problem.N", kind="int", lo=lo, hi=hi))
        instances = get_int(cfg, "problem.instances", lo=1, hi=10**6)
        first = get_int(cfg, "problem.first_instance", lo=0, hi=10**9)
    if kind == "sk":
        couplings = get_choice(cfg, "problem.couplings", problems.SK_COUPLINGS)
    if kind == "maxcut":
        graph = get_choice(cfg, "problem.graph", graphs.GRAPHS)
        weights = get_choice(cfg, "problem.weights", graphs.WEIGHTS)
        degree = _degree(cfg, graph, sizes)
    return ProblemSpec(
        kind, sizes, instances, first, couplings, graph, degree, weights, path, loaded
    )


def _degree(cfg: DictConfig, graph: str, sizes) -> float:
    if graph == "regular":
        degree = get_int(cfg, "problem.degree", lo=1, hi=1000)
        for N in sizes:
            if degree >= N or N * degree % 2:
                raise ConfigError(
                    "problem.degree",
                    degree,
                    f"an integer below every N with N x degree even (N={N})",
                )
        return float(degree)
    degree = get_float(cfg, "problem.degree", lo=0.0, hi=1000.0, lo_open=True)
    if degree > min(sizes) - 1:
        raise ConfigError("problem.degree", degree, f"a mean degree <= N - 1 = {min(sizes) - 1}")
    return degree


def solver_spec(cfg: DictConfig, kind: str) -> SolverSpec:
    """Read ``solvers``, ``reads``, ``schedule.*`` and ``trace_points``."""
    names = _names(cfg, "solvers", TSP_SOLVERS if kind == "tsp" else solvers.SOLVERS)
    budgets = get_list(cfg, "schedule.sweeps", kind="int", lo=1, hi=solvers.MAX_SWEEPS)
    beta = {}
    for end in ("beta_min", "beta_max"):
        key = f"schedule.{end}"
        beta[end] = (
            None
            if get(cfg, key) is None
            else get_float(cfg, key, lo=0.0, hi=solvers.MAX_BETA, lo_open=True)
        )
    if None not in beta.values() and beta["beta_max"] < beta["beta_min"]:
        raise ConfigError(
            "schedule.beta_max",
            beta["beta_max"],
            f"a number >= schedule.beta_min={beta['beta_min']}",
        )
    return SolverSpec(
        solvers=names,
        reads=get_int(cfg, "reads", lo=1, hi=10**6),
        budgets=tuple(budgets),
        beta_min=beta["beta_min"],
        beta_max=beta["beta_max"],
        sweeps_per_beta=get_int(cfg, "schedule.sweeps_per_beta", lo=1, hi=solvers.MAX_SWEEPS),
        schedule=get_choice(cfg, "schedule.kind", solvers.SCHEDULES),
        rule=get_choice(cfg, "schedule.rule", solvers.RULES),
        order=get_choice(cfg, "schedule.order", solvers.ORDERS),
        trace_points=get_int(cfg, "trace_points", lo=1, hi=1000),
    )


def tsp_sets(cfg: DictConfig) -> tuple[tuple[str, tsp.HTParameters], ...]:
    """The named Hopfield-Tank parameter sets of ``tsp.parameter_sets`` (``tsp.NAME.*``)."""
    raw = get(cfg, "tsp.parameter_sets")
    names = raw if isinstance(raw, list) else [raw]
    defined = [k for k, v in (get(cfg, "tsp") or {}).items() if isinstance(v, dict)]
    allowed = "a non-empty list of distinct names of sets under tsp: " + ", ".join(defined)
    if not names or any(n not in defined for n in names) or len(set(names)) != len(names):
        raise ConfigError("tsp.parameter_sets", raw, allowed)
    out = []
    for name in names:
        values = {}
        for f in fields(tsp.HTParameters):
            key = f"tsp.{name}.{f.name}"
            values[f.name] = get_float(cfg, key, lo=0.0, hi=1e9)
            if f.name in ("u0", "dt", "tau", "D") and values[f.name] == 0.0:
                raise ConfigError(key, 0.0, "a number in (0, 1e9]")
        out.append((name, tsp.HTParameters(**values)))
    return tuple(out)


#: Seconds per operation of :func:`_operations` (numba kernels, one core) and per
#: enumerated state-spin of the exact ground states (~4 s of CPU for the default's 8
#: instances at N <= 24): measured by benchmarks/estimates.py.
SECONDS_PER_OPERATION = 1.0 / 8e8
SECONDS_PER_ENUMERATED = 1.5e-9


def job_bytes(p: ProblemSpec, s: SolverSpec, n_sets: int) -> float:
    """Peak bytes of one job: the largest problem's couplings and every read's results."""
    spins = [N * N if p.kind == "tsp" else N for N in p.sizes]
    couplings = 0.0
    if p.kind in ("sk", "tsp"):
        couplings = problems.sk_memory(max(spins))
    elif p.kind == "maxcut":
        couplings = 40.0 * max(spins) * p.degree + 64.0 * max(spins)
    return couplings + _results_bytes(p, s, n_sets)


def _results_bytes(p: ProblemSpec, s: SolverSpec, n_sets: int) -> float:
    spins = [N * N if p.kind == "tsp" else N for N in p.sizes]
    cells = float(len(p.sizes)) * p.instances * n_sets * len(s.solvers) * s.reads
    return cells * (8.0 * (3 * len(s.budgets) + s.trace_points) + 2.0 * max(spins))


def job_seconds(p: ProblemSpec, s: SolverSpec, n_sets: int, exact_max: int) -> float:
    """Seconds of one job on one core: every read's operations and the enumerations."""
    ops = sum(_operations(p, N, s) for N in p.sizes) * float(p.instances) * n_sets * s.reads
    enumerated = sum(2.0**N * N for N in p.sizes if N <= exact_max and p.kind != "tsp")
    return ops * SECONDS_PER_OPERATION + enumerated * p.instances * SECONDS_PER_ENUMERATED


def check_resources(p: ProblemSpec, s: SolverSpec, n_sets: int, exact_max: int) -> None:
    """Refuse a job whose problems or results do not fit in memory (its time is estimated by
    :func:`job_seconds` and checked by the preflight against the one-day limit)."""
    big = max(p.sizes)
    spins = [N * N if p.kind == "tsp" else N for N in p.sizes]
    if p.kind in ("sk", "tsp"):
        check_memory("problem.N", list(p.sizes), problems.sk_memory(max(spins)), "the couplings")
    elif p.kind == "maxcut":
        nbytes = 40.0 * max(spins) * p.degree + 64.0 * max(spins)
        check_memory("problem.N", list(p.sizes), nbytes, "the sparse couplings")
    key, value = most_responsible(
        {"reads": (s.reads, 32), "problem.instances": (p.instances, 8), "problem.N": (big, 64)}
    )
    check_memory(key, value, _results_bytes(p, s, n_sets), "the results")


def _operations(p: ProblemSpec, N: int, s: SolverSpec) -> float:
    """Operations of one read of every solver and budget on one instance of size N.

    A single-spin update costs 1 plus, when it flips (a tenth of the updates, a rough mean
    over an anneal), one field update per neighbour; a mean-field update always updates
    them; an Euler step of the Hopfield-Tank circuit costs n^3.
    """
    spins = N * N if p.kind == "tsp" else N
    neighbours = {"maxcut": p.degree, "sk": spins - 1, "tsp": spins - 1}.get(p.kind)
    if p.kind == "gset":
        neighbours = p.gset_problem.nnz / max(p.gset_problem.N, 1)
    budget = float(sum(s.budgets))
    cost = {"anneal": 1 + 0.1 * neighbours, "descent": 1 + 0.1 * neighbours}
    cost["mean_field"] = 1 + neighbours
    total = 0.0
    for name in s.solvers:
        if name == "hopfield_tank":
            total += budget * float(N) ** 3
        else:
            total += budget * spins * cost[name]
    return total


def exact_limit(cfg: DictConfig) -> int:
    """``exact_max``: enumerate ground states up to this N (at most :data:`MAX_EXACT`)."""
    return get_int(cfg, "exact_max", lo=0, hi=exact.MAX_EXACT)


def finite(x: float) -> bool:
    return x is not None and math.isfinite(x)
