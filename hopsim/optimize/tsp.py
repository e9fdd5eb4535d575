"""The travelling salesman as a Hopfield network (Hopfield and Tank 1985), and Held-Karp.

An ``n``-city tour is an ``n x n`` array of neurons ``V_xi`` (city x at position i, index
``x n + i``), a valid tour being a permutation matrix. Hopfield and Tank's energy

    E = A/2 sum_x sum_{i != j} V_xi V_xj + B/2 sum_i sum_{x != y} V_xi V_yi
        + C/2 (sum_xi V_xi - n_tilde)^2 + D/2 sum_{x != y} sum_i d_xy V_xi (V_y,i+1 + V_y,i-1)

is zero in the first two terms on a valid tour, where it equals ``D L + C/2 (n - n_tilde)^2``
(``L`` the tour length). Over binary ``V`` it is a QUBO, hence an
:class:`~hopsim.optimize.problems.IsingProblem` (:func:`tsp_problem`) that every solver of
:mod:`hopsim.optimize.solvers` takes; :func:`hopfield_tank` integrates the analogue circuit
of the same energy as Hopfield and Tank did. Hopfield and Tank's 10-city parameters:
``A = B = D = 500, C = 200, n_tilde = 15, u0 = 0.02`` (:data:`HOPFIELD_TANK`), with
``tau = 1`` and Euler steps ``dt = 1e-5`` as in Wilson and Pawley's (1988) repetition.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from hopsim.kernels import exact as exact_kern
from hopsim.kernels import tsp as kern
from hopsim.optimize.problems import IsingProblem, ProblemError, from_qubo
from hopsim.optimize.solvers import _check_int, read_seeds, trace_sweeps

#: Fewest and most cities: 3 (two cities have one tour) to 64 (4096 neurons, dense).
MIN_CITIES, MAX_CITIES = 3, 64
#: Most cities Held-Karp solves (2^(n-1) (n-1) table entries: 16 cities take ~30 ms).
MAX_HELD_KARP = 16
#: A read has converged when every output is this close to 0 or 1 (saturated) ...
SATURATION = 0.01
#: ... or when no output moved by more than ``STILL`` over the last ``WINDOW`` steps.
STILL, WINDOW = 1e-6, 1000
OUTCOMES = ("valid", "invalid", "unconverged")


@dataclass(frozen=True)
class HTParameters:
    """Penalties and circuit constants of the Hopfield-Tank network."""

    A: float = 500.0  #: two cities... one city at two positions (row) penalty
    B: float = 500.0  #: two cities at one position (column) penalty
    C: float = 200.0  #: global penalty on the number of active neurons
    D: float = 500.0  #: weight of the tour length
    n_tilde: float = 15.0  #: target number of active neurons in the C term
    u0: float = 0.02  #: gain scale, ``V = (1 + tanh(u / u0)) / 2``
    dt: float = 1e-5  #: Euler step
    tau: float = 1.0  #: time constant

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            ok = isinstance(value, (int, float)) and math.isfinite(value)
            if not ok or value < 0 or (value == 0 and name in ("u0", "dt", "tau", "D")):
                low = "> 0" if name in ("u0", "dt", "tau", "D") else ">= 0"
                raise ProblemError(
                    f"{name}={value!r} is not allowed: expected a finite number {low}"
                )


HOPFIELD_TANK = HTParameters()


def random_cities(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) cities uniform in the unit square."""
    _check_int("cities", n, MIN_CITIES, MAX_CITIES)
    return rng.random((n, 2))


def distances(coords) -> np.ndarray:
    """Euclidean distance matrix of (n, 2) coordinates (checked: finite, 3 <= n <= 64)."""
    try:
        xy = np.asarray(coords, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProblemError("cities: expected an (n, 2) array of coordinates") from None
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ProblemError(f"cities of shape {xy.shape} are not allowed: expected (n, 2)")
    if not MIN_CITIES <= xy.shape[0] <= MAX_CITIES:
        raise ProblemError(
            f"cities={xy.shape[0]} is not allowed: expected {MIN_CITIES} to {MAX_CITIES} cities"
        )
    if not np.all(np.isfinite(xy)):
        raise ProblemError("cities contain NaN or inf: expected finite coordinates")
    diff = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))


def check_distances(d) -> np.ndarray:
    """A distance matrix: square, 3 to 64 cities, finite, >= 0, symmetric, zero diagonal."""
    d = np.asarray(d, dtype=np.float64)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise ProblemError(f"distances of shape {d.shape}: expected (n, n)")
    if not MIN_CITIES <= d.shape[0] <= MAX_CITIES:
        raise ProblemError(
            f"cities={d.shape[0]} is not allowed: expected {MIN_CITIES} to {MAX_CITIES} cities"
        )
    if not np.all(np.isfinite(d)) or np.any(d < 0):
        raise ProblemError("distances must be finite and >= 0 (no NaN, inf or negative values)")
    if not np.allclose(d, d.T) or np.any(np.diag(d) != 0):
        raise ProblemError("distances must be symmetric with a zero diagonal")
    return np.ascontiguousarray(d)


def tsp_qubo(d, params: HTParameters = HOPFIELD_TANK) -> tuple[np.ndarray, np.ndarray, float]:
    """Hopfield and Tank's energy as ``V^T Q V + c^T V + k`` over binary ``V`` (n^2 entries)."""
    d = check_distances(d)
    n = d.shape[0]
    eye = np.eye(n)
    shift = np.roll(eye, 1, axis=1) + np.roll(eye, -1, axis=1)  # j = i +/- 1 (mod n)
    # Q2[(x, i), (y, j)]: the symmetric matrix of 1/2 V^T Q2 V
    Q2 = (
        params.A * np.kron(eye, 1.0 - eye)
        + params.B * np.kron(1.0 - eye, eye)
        + params.C
        + params.D * np.kron(d, shift)
    )
    c = np.full(n * n, -params.C * params.n_tilde)
    return 0.5 * Q2, c, 0.5 * params.C * params.n_tilde**2


def tsp_problem(d, params: HTParameters = HOPFIELD_TANK) -> IsingProblem:
    """The Hopfield-Tank energy as an Ising problem over ``s = 2 V - 1`` (dense, n^2 spins)."""
    Q, c, k = tsp_qubo(d, params)
    base = from_qubo(Q, c, k)
    n = int(math.isqrt(base.N))
    info = {"cities": n, **{key: float(v) for key, v in asdict(params).items()}}
    return IsingProblem(base.J, base.h, base.offset, "tsp", info)


def valid_energy(length: float, n: int, params: HTParameters = HOPFIELD_TANK) -> float:
    """Energy of a valid tour of length ``length``: ``D L + C/2 (n - n_tilde)^2``."""
    return params.D * length + 0.5 * params.C * (n - params.n_tilde) ** 2


def decode(states, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Tours of (B, n^2) +/-1 states: ``(tours (B, n) with -1 rows where invalid, valid (B,))``.

    A state is a valid tour when its n x n array of ``V = (1 + s)/2`` is a permutation
    matrix; ``tours[b, i]`` is then the city at position i.
    """
    V = (np.atleast_2d(states).reshape(-1, n, n) > 0).astype(np.int64)
    valid = np.all(V.sum(axis=1) == 1, axis=1) & np.all(V.sum(axis=2) == 1, axis=1)
    tours = np.where(valid[:, None], V.argmax(axis=1), -1)
    return tours, valid


def tour_states(tours, n: int) -> np.ndarray:
    """(B, n^2) int8 states of (B, n) tours (the inverse of :func:`decode`)."""
    tours = np.atleast_2d(tours)
    V = np.zeros((tours.shape[0], n, n), dtype=np.int8)
    for b, tour in enumerate(tours):
        V[b, tour, np.arange(n)] = 1
    return (2 * V - 1).reshape(tours.shape[0], n * n)


def tour_length(d, tour) -> float:
    """Length of the closed tour visiting the cities in the order ``tour``."""
    tour = np.asarray(tour)
    return float(np.sum(np.asarray(d)[tour, np.roll(tour, -1)]))


def held_karp(d) -> tuple[float, np.ndarray]:
    """Optimal tour (length, order starting at city 0) by Held-Karp, up to 16 cities."""
    d = check_distances(d)
    if d.shape[0] > MAX_HELD_KARP:
        raise ProblemError(
            f"cities={d.shape[0]} is not allowed for Held-Karp: expected at most {MAX_HELD_KARP}"
        )
    length, tour = exact_kern.held_karp(d)
    return float(length), tour


def hopfield_tank(
    d,
    params: HTParameters = HOPFIELD_TANK,
    *,
    num_reads: int = 32,
    steps: int = 10_000,
    seed=0,
    trace_points: int = 32,
) -> xr.Dataset:
    """Integrate Hopfield and Tank's analogue network from ``num_reads`` noisy starts.

    Every read starts at ``u = u00 + du`` with ``u00 = -u0 ln(n - 1) / 2`` (so that
    ``sum V = n``) and ``du`` uniform in ``[-u0/10, u0/10]`` (Hopfield and Tank's noise), and
    runs until it converges (outputs within :data:`SATURATION` of 0 or 1, or no output moving
    by more than :data:`STILL` over :data:`WINDOW` steps) or ``steps`` Euler steps pass. The
    read's state is the final ``V > 1/2``.

    Returns the dataset of :mod:`hopsim.optimize.solvers` (``hit_sweep`` all NaN: the method
    has no target) plus ``steps_used`` (read) and ``outcome`` (read): 0 a valid tour,
    1 converged on a state that is not a tour, 2 not converged after ``steps`` and not a tour.
    """
    d = check_distances(d)
    n = d.shape[0]
    _check_int("num_reads", num_reads, 1, 10**7)
    _check_int("steps", steps, 1, 10**8)
    problem = tsp_problem(d, params)
    trace_at = trace_sweeps(steps, trace_points)
    U = _initial_inputs(n, params.u0, num_reads, seed)
    states = np.empty((num_reads, n * n), dtype=np.int8)
    used = np.empty(num_reads, dtype=np.int64)
    traces = np.full((num_reads, trace_at.size), np.nan)
    p = params
    start = time.perf_counter()
    kern.hopfield_tank(
        U,
        d,
        p.A,
        p.B,
        p.C,
        p.D,
        p.n_tilde,
        p.u0,
        p.dt,
        p.tau,
        steps,
        SATURATION,
        STILL,
        WINDOW,
        problem.J,
        problem.h,
        trace_at,
        states,
        used,
        traces,
    )
    seconds = time.perf_counter() - start
    return _ht_dataset(problem, states, used, traces, trace_at, seconds, steps, params)


def _initial_inputs(n: int, u0: float, R: int, seed) -> np.ndarray:
    """(R, n, n) starting inputs; read r's from its own stream (:func:`read_seeds`)."""
    u00 = -0.5 * u0 * math.log(n - 1)
    U = np.empty((R, n, n))
    for r, s in enumerate(read_seeds(seed, "hopfield_tank", R)):
        rng = np.random.Generator(np.random.PCG64(int(s)))
        U[r] = u00 + u0 * 0.1 * (2.0 * rng.random((n, n)) - 1.0)
    return U


def _ht_dataset(problem, states, used, traces, trace_at, seconds, steps, params) -> xr.Dataset:
    from hopsim.optimize.solvers import _dataset

    n = problem.info["cities"]
    R = states.shape[0]
    bufs = (None, states, None, np.full(R, -1, dtype=np.int64), traces)
    ds = _dataset(problem, "hopfield_tank", bufs, trace_at, seconds, steps, "parallel", {})
    ds["trace"].attrs["long_name"] = "energy of the rounded state V > 1/2"
    _, valid = decode(states, n)
    outcome = np.where(valid, 0, np.where(used > 0, 1, 2)).astype(np.int8)
    ds["steps_used"] = ("read", np.abs(used), {"long_name": "Euler steps taken", "units": "steps"})
    ds["outcome"] = (
        "read",
        outcome,
        {
            "long_name": "outcome",
            "units": "1",
            "flag_values": np.arange(3, dtype=np.int8),
            "flag_meanings": " ".join(OUTCOMES),
        },
    )
    ds.attrs.update({k: float(v) for k, v in asdict(params).items()})
    return ds
