"""Solvers built from hopsim's dynamics: annealing, zero-temperature descent, mean-field annealing.

Each solver takes an :class:`~hopsim.optimize.problems.IsingProblem` and runs ``num_reads``
independent reads (replicas) for a budget of ``sweeps`` sweeps each (a sweep is N single-spin
updates), in numba, reads in parallel (:mod:`hopsim.kernels.anneal`):

``anneal``
    simulated annealing, Metropolis (``min(1, exp(-beta dE))``) or Glauber (heat bath)
    acceptance, from a random state, along a :class:`Schedule` of inverse temperatures;
``descent``
    the Hopfield network's zero-temperature asynchronous dynamics: flip every spin whose
    flip lowers the energy until a sweep flips none (a local minimum), then restart from a
    new random state while the budget lasts;
``mean_field``
    mean-field (deterministic) annealing: the continuous Hopfield network
    ``m_i <- tanh(beta (J m + h)_i)`` updated one unit at a time along the same schedule of
    gains, read out as ``sign(m)``.

Every solver returns a labelled :class:`xarray.Dataset` (the dimod shape: one row per read):
``state`` (read, spin) the lowest-energy state the read saw at the end of a sweep,
``energy`` (read) its energy (summed afresh, offset included), ``hit_sweep`` (read) the first
sweep after which the read's energy was at the ``target`` (NaN: never, or no target),
``trace`` (read, sweep) the best energy so far after each traced sweep; attrs the settings,
``seconds`` (wall time) and ``spin_updates``.

Reproducibility: ``seed`` (an int, or a numpy Generator) gives a 64-bit base; read r's
stream starts at ``mix64(base + (r + 1) GAMMA)``, so a read's result depends on the seed and
its index only: not on ``num_reads``, the batch it runs in or the number of threads.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import xarray as xr

from hopsim.kernels import anneal as kern
from hopsim.optimize.problems import IsingProblem, ProblemError
from hopsim.rng import SeedTree

SOLVERS = ("anneal", "descent", "mean_field")
RULES = ("metropolis", "glauber")
ORDERS = ("sequential", "random")
SCHEDULES = ("geometric", "linear")
#: Most sweeps per read (a schedule holds one number per level).
MAX_SWEEPS = 10**8
#: Largest inverse temperature / gain a schedule may reach (``exp(-beta dE)`` stays defined).
MAX_BETA = 1e9
_GAMMA = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Schedule:
    """Inverse temperatures (or gains) of an anneal: ``levels`` steps, ``sweeps_per_beta`` each.

    ``geometric``: ``beta_k = beta_min (beta_max / beta_min)^(k / (L - 1))``; ``linear``:
    evenly spaced; ``L = ceil(sweeps / sweeps_per_beta)``, the last level cut short when
    ``sweeps_per_beta`` does not divide ``sweeps``.
    """

    sweeps: int
    beta_min: float
    beta_max: float
    sweeps_per_beta: int = 1
    kind: str = "geometric"

    def __post_init__(self) -> None:
        _check_int("sweeps", self.sweeps, 1, MAX_SWEEPS)
        _check_int("sweeps_per_beta", self.sweeps_per_beta, 1, MAX_SWEEPS)
        for name in ("beta_min", "beta_max"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0 < value <= MAX_BETA):
                raise ProblemError(f"{name}={value!r} is not allowed: expected (0, {MAX_BETA:g}]")
        if self.beta_max < self.beta_min:
            raise ProblemError(
                f"beta_max={self.beta_max} is not allowed: expected >= beta_min={self.beta_min}"
            )
        if self.kind not in SCHEDULES:
            raise ProblemError(
                f"schedule={self.kind!r} is not allowed: expected one of {SCHEDULES}"
            )

    @property
    def levels(self) -> int:
        return -(-self.sweeps // self.sweeps_per_beta)

    def betas(self) -> np.ndarray:
        """One inverse temperature per level (float64)."""
        L = self.levels
        if L == 1:
            return np.array([float(self.beta_max)])
        if self.kind == "geometric":
            return np.geomspace(self.beta_min, self.beta_max, L)
        return np.linspace(self.beta_min, self.beta_max, L)


def default_beta_range(problem: IsingProblem) -> tuple[float, float]:
    """Inverse temperatures at the start and the end of an anneal, read off the problem.

    Start: a typical flip of a random state is accepted with probability 1/2,
    ``beta_min = ln 2 / median_i |dE_i|``. End: at a local minimum (a zero-temperature
    descent from that random state) the expected number of uphill flips accepted in a
    sweep, ``sum_i exp(-beta dE_i)``, is one. Both states come from the fixed seed 0, so
    the range is a property of the problem. For SK with N = 1000: about 0.5 to 15 (the
    spin-glass transition is at beta = 1); for 3-regular Max-Cut with unit weights, 0.35 to
    ``ln(N) / 2``.
    """
    N = problem.N
    arrays = problem.kernel_arrays()
    s = np.empty((1, N), dtype=np.int8)
    seeds = read_seeds(0, "beta_range", 1)
    kern._random_spins(s[0], seeds[0])
    H = np.empty(N)
    kern.fields(s[0], problem.h, *arrays, H)
    typical = float(np.median(np.abs(2.0 * H)))
    if typical == 0.0:
        typical = float(np.max(np.abs(2.0 * H)))
    if typical == 0.0:
        return 1.0, 1.0
    beta_min = math.log(2.0) / typical
    best = np.empty((1, N), dtype=np.int8)
    trace_at = np.array([200], dtype=np.int64)
    kern.descend(
        s,
        best,
        np.empty(1),
        np.empty(1, dtype=np.int64),
        np.empty((1, 1)),
        *arrays,
        problem.h,
        200,
        False,
        seeds,
        trace_at,
        -np.inf,
        0.0,
    )
    kern.fields(best[0], problem.h, *arrays, H)
    gaps = 2.0 * best[0] * H
    gaps = gaps[gaps > 1e-12 * typical]
    if gaps.size == 0:
        return beta_min, beta_min
    lo, hi = 0.0, 1.0
    while np.exp(-hi * gaps).sum() > 1.0 and hi < MAX_BETA:
        lo, hi = hi, 2.0 * hi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.exp(-mid * gaps).sum() > 1.0 else (lo, mid)
    return beta_min, max(beta_min, min(hi, MAX_BETA))


def _check_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ProblemError(f"{name}={value!r} is not allowed: expected an integer in [{lo}, {hi}]")
    if not lo <= value <= hi:
        raise ProblemError(f"{name}={value} is not allowed: expected an integer in [{lo}, {hi}]")
    return int(value)


def read_seeds(seed, solver: str, num_reads: int) -> np.ndarray:
    """(num_reads,) uint64 SplitMix64 seeds; read r's depends on ``seed`` and r only."""
    if isinstance(seed, np.random.Generator):
        base = np.uint64(seed.integers(0, 2**63))
    else:
        base = np.uint64(SeedTree(seed).generator("optimize", solver).integers(0, 2**63))
    r = np.arange(1, num_reads + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = base + r * _GAMMA
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def trace_sweeps(sweeps: int, points: int) -> np.ndarray:
    """About ``points`` sweep counts from 1 to ``sweeps``, geometrically spaced, sorted."""
    _check_int("trace_points", points, 1, 10_000)
    if points >= sweeps:
        return np.arange(1, sweeps + 1, dtype=np.int64)
    grid = np.geomspace(1, sweeps, points).round().astype(np.int64)
    return np.unique(np.append(grid, sweeps))


def _schedule(problem, sweeps, beta_range, sweeps_per_beta, schedule) -> Schedule:
    lo, hi = default_beta_range(problem) if beta_range is None else beta_range
    return Schedule(sweeps, float(lo), float(hi), sweeps_per_beta, schedule)


def _common(problem, num_reads, order, target, trace_points, sweeps):
    if not isinstance(problem, IsingProblem):
        raise ProblemError("problem: expected an IsingProblem (hopsim.optimize.sk, maxcut, ...)")
    _check_int("num_reads", num_reads, 1, 10**7)
    _check_int("sweeps", sweeps, 1, MAX_SWEEPS)
    if order not in ORDERS:
        raise ProblemError(f"order={order!r} is not allowed: expected one of {ORDERS}")
    goal = -np.inf if target is None else float(target) - problem.offset
    if np.isnan(goal):
        raise ProblemError("target=nan is not allowed: expected a number or None")
    tol = 1e-9 * (1.0 + abs(goal)) if np.isfinite(goal) else 0.0
    return goal, tol, trace_sweeps(sweeps, trace_points)


def _buffers(problem, R, K):
    N = problem.N
    return (
        np.empty((R, N), dtype=np.int8),
        np.empty((R, N), dtype=np.int8),
        np.empty(R),
        np.empty(R, dtype=np.int64),
        np.full((R, K), np.nan),
    )


def anneal(
    problem: IsingProblem,
    *,
    num_reads: int = 32,
    sweeps: int = 1000,
    beta_range: tuple[float, float] | None = None,
    sweeps_per_beta: int = 1,
    schedule: str = "geometric",
    rule: str = "metropolis",
    order: str = "sequential",
    seed=0,
    target: float | None = None,
    trace_points: int = 32,
) -> xr.Dataset:
    """Simulated annealing; see the module docstring for the dataset.

    Parameters
    ----------
    problem : IsingProblem
    num_reads : int
        Independent reads, each from a uniformly random state.
    sweeps : int
        Sweeps per read (the budget).
    beta_range : (float, float), optional
        Inverse temperatures at the start and the end (default :func:`default_beta_range`).
    sweeps_per_beta : int
        Sweeps at each temperature of the ``schedule`` (``geometric`` or ``linear`` in beta).
    rule : {"metropolis", "glauber"}
    order : {"sequential", "random"}
        Spins in index order each sweep, or in a fresh random permutation.
    seed : int or numpy.random.Generator
    target : float, optional
        Energy whose first hit (to 1e-9 relative) is recorded per read.
    trace_points : int
        About this many traced sweeps, geometrically spaced.
    """
    goal, tol, trace_at = _common(problem, num_reads, order, target, trace_points, sweeps)
    if rule not in RULES:
        raise ProblemError(f"rule={rule!r} is not allowed: expected one of {RULES}")
    sched = _schedule(problem, sweeps, beta_range, sweeps_per_beta, schedule)
    bufs = _buffers(problem, num_reads, trace_at.size)
    code = kern.METROPOLIS if rule == "metropolis" else kern.GLAUBER
    start = time.perf_counter()
    kern.anneal(
        *bufs,
        *problem.kernel_arrays(),
        problem.h,
        sched.betas(),
        sched.sweeps_per_beta,
        code,
        order == "random",
        read_seeds(seed, "anneal", num_reads),
        trace_at,
        goal,
        tol,
    )
    seconds = time.perf_counter() - start
    attrs = _schedule_attrs(sched) | {"rule": rule}
    return _dataset(problem, "anneal", bufs, trace_at, seconds, sweeps, order, attrs)


def descend(
    problem: IsingProblem,
    *,
    num_reads: int = 32,
    sweeps: int = 1000,
    order: str = "sequential",
    seed=0,
    target: float | None = None,
    trace_points: int = 32,
) -> xr.Dataset:
    """Zero-temperature descent from random starts, restarted until ``sweeps`` are spent."""
    goal, tol, trace_at = _common(problem, num_reads, order, target, trace_points, sweeps)
    bufs = _buffers(problem, num_reads, trace_at.size)
    start = time.perf_counter()
    kern.descend(
        *bufs,
        *problem.kernel_arrays(),
        problem.h,
        sweeps,
        order == "random",
        read_seeds(seed, "descent", num_reads),
        trace_at,
        goal,
        tol,
    )
    seconds = time.perf_counter() - start
    return _dataset(problem, "descent", bufs, trace_at, seconds, sweeps, order, {})


def mean_field_anneal(
    problem: IsingProblem,
    *,
    num_reads: int = 32,
    sweeps: int = 1000,
    beta_range: tuple[float, float] | None = None,
    sweeps_per_beta: int = 1,
    schedule: str = "geometric",
    order: str = "sequential",
    noise: float = 1e-3,
    seed=0,
    target: float | None = None,
    trace_points: int = 32,
) -> xr.Dataset:
    """Mean-field annealing (the continuous network with rising gain ``beta``).

    Magnetisations start uniform in ``[-noise, noise]``; the other parameters are those of
    :func:`anneal`. The state of a read is ``sign(m)``.
    """
    goal, tol, trace_at = _common(problem, num_reads, order, target, trace_points, sweeps)
    if not (isinstance(noise, (int, float)) and 0 < noise <= 1):
        raise ProblemError(f"noise={noise!r} is not allowed: expected a number in (0, 1]")
    sched = _schedule(problem, sweeps, beta_range, sweeps_per_beta, schedule)
    bufs = _buffers(problem, num_reads, trace_at.size)
    start = time.perf_counter()
    kern.mean_field(
        *bufs,
        *problem.kernel_arrays(),
        problem.h,
        sched.betas(),
        sched.sweeps_per_beta,
        order == "random",
        read_seeds(seed, "mean_field", num_reads),
        float(noise),
        trace_at,
        goal,
        tol,
    )
    seconds = time.perf_counter() - start
    attrs = _schedule_attrs(sched) | {"noise": float(noise)}
    return _dataset(problem, "mean_field", bufs, trace_at, seconds, sweeps, order, attrs)


def solve(problem: IsingProblem, solver: str, **options) -> xr.Dataset:
    """Run the solver called ``solver`` (:data:`SOLVERS`) with its keyword options."""
    functions = {"anneal": anneal, "descent": descend, "mean_field": mean_field_anneal}
    if solver not in functions:
        raise ProblemError(f"solver={solver!r} is not allowed: expected one of {SOLVERS}")
    return functions[solver](problem, **options)


def _schedule_attrs(sched: Schedule) -> dict:
    return {
        "schedule": sched.kind,
        "beta_min": sched.beta_min,
        "beta_max": sched.beta_max,
        "sweeps_per_beta": sched.sweeps_per_beta,
    }


def _dataset(problem, solver, bufs, trace_at, seconds, sweeps, order, attrs) -> xr.Dataset:
    _, best, _, hits, traces = bufs
    energy = problem.energy(best)
    hit = np.where(hits >= 0, hits, np.nan).astype(np.float64)
    R = best.shape[0]
    data = {
        "state": (("read", "spin"), best, {"long_name": "best state of the read", "units": "1"}),
        "energy": ("read", energy, {"long_name": "energy of the best state", "units": "J"}),
        "hit_sweep": (
            "read",
            hit,
            {"long_name": "first sweep at the target energy (NaN: never)", "units": "sweeps"},
        ),
        "trace": (
            ("read", "sweep"),
            traces + problem.offset,
            {"long_name": "best energy so far", "units": "J"},
        ),
    }
    coords = {
        "read": ("read", np.arange(R), {"long_name": "read (replica)", "units": "1"}),
        "spin": ("spin", np.arange(problem.N), {"long_name": "spin", "units": "1"}),
        "sweep": ("sweep", trace_at, {"long_name": "sweeps", "units": "sweeps"}),
    }
    base = {
        "solver": solver,
        "problem_kind": problem.kind,
        "N": problem.N,
        "sweeps": int(sweeps),
        "order": order,
        "seconds": float(seconds),
        "spin_updates": float(R) * sweeps * problem.N,
    }
    return xr.Dataset(data, coords=coords, attrs=base | attrs)


def warm_up() -> None:
    """Compile (or load from numba's cache) every solver kernel on a 3-spin problem."""
    J = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 1.0], [-1.0, 1.0, 0.0]])
    problem = IsingProblem.create(J)
    for name in SOLVERS:
        solve(problem, name, num_reads=1, sweeps=2, trace_points=2)
