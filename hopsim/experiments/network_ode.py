"""The ``network_ode`` experiment: recall in the continuous Hopfield network.

``tau dv_i/dt = -v_i + F(h + sum_j W_ij v_j)`` with Hebbian ``W = (1/N) sum_mu xi_mu xi_mu^T``
(zero diagonal; any rule with symmetric couplings via ``network.learning``) for ``P`` random
patterns (:func:`hopsim.patterns.random_patterns`). Trial ``k`` cues pattern ``k mod P``:
``round(flip N)`` bits flipped (:func:`hopsim.patterns.corrupt_one`), scaled to
``v(0) = amplitude * cue``.

Why the gain matters: ``W xi = (1 - alpha) xi + crosstalk``, so the overlap with a pattern
obeys ``m = tanh(gain m)`` as ``alpha -> 0``: a pitchfork at gain 1 (the mean-field link of the
``bifurcation`` experiment), with only ``m = 0`` at gain <= 1. Crosstalk moves the threshold
above 1 (the AGS retrieval temperature ``T_M(alpha) < 1``): at gain 1 the network decays toward
a small mixture instead of retrieving. The default gain 4 is far above it:
``m = tanh(4 m)`` gives ``m = 0.9993`` (``meanfield_overlap``).

Dataset: dims ``trial``, ``time``, ``unit``, ``pattern``; variables ``v`` (trial, time, unit),
``overlap`` (trial, time, pattern), ``energy`` (trial, time) (the Lyapunov function with the
integral of ``F^{-1}``), ``cued_pattern``, ``cue_overlap``, ``final_overlap``,
``energy_max_rise``, ``solver_status``, ``solver_message``, ``nfev``, ``t_stop`` (trial),
``patterns`` (pattern, unit), ``meanfield_overlap``, ``gain_instability``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get_float, get_int, most_responsible
from hopsim.dynamics import continuous as ode
from hopsim.dynamics.continuous import Activation
from hopsim.experiments._continuous_config import (
    MIN_TIME,
    check_duration,
    learning_rule,
    neuron,
    solver,
)
from hopsim.learning import learn
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree
from hopsim.theory.continuous import tanh_fixed_point

WHY_GAIN = (
    "With Hebbian W, W xi = (1 - P/N) xi + crosstalk, so the overlap with a pattern obeys "
    "m = tanh(gain m) for P/N -> 0: a pitchfork at gain 1, with only m = 0 at gain <= 1. "
    "Crosstalk from the other patterns moves the retrieval threshold above 1 (the AGS "
    "retrieval temperature T_M(alpha) < 1), so at gain 1 the network decays toward a small "
    "mixture instead of retrieving; a gain of a few (default 4, m = tanh(4 m) = 0.9993) "
    "retrieves. v = 0 loses stability at gain_instability = 1/lambda_max(W) < 1, but along "
    "the top eigenvector of W, a mixture of patterns, not a pattern."
)


@dataclass(frozen=True)
class NetworkODEParams:
    """Everything the network_ode experiment reads from its config, checked."""

    tau: float
    h0: float
    activation: Activation
    learning: str
    learning_options: tuple[tuple[str, object], ...]
    N: int
    P: int
    bias: float
    trials: int
    flip: float
    amplitude: float
    t_max: float
    points: int
    solver: dict


def parameters(cfg: DictConfig) -> NetworkODEParams:
    """Read and check every key the network_ode experiment uses (and its memory and work)."""
    tau, h0, F = neuron(cfg)
    learning, options = learning_rule(cfg)
    solver_options = solver(cfg)
    # N = 1 has no couplings (W = 0): there is nothing to recall
    N = get_int(cfg, "network_ode.N", lo=2, hi=100_000)
    P = get_int(cfg, "network_ode.P", lo=1, hi=N)
    bias = get_float(cfg, "network_ode.bias", lo=-1.0, hi=1.0)
    if abs(bias) >= 1.0:
        raise ConfigError("network_ode.bias", bias, "a number in (-1, 1)")
    trials = get_int(cfg, "network_ode.trials", lo=1)
    flip = get_float(cfg, "network_ode.flip", lo=0.0, hi=1.0)
    amp = get_float(cfg, "network_ode.amplitude", lo=0.0, hi=1.0, lo_open=True)
    if amp >= 1.0:
        raise ConfigError("network_ode.amplitude", amp, "a number in (0, 1)")
    t_max = get_float(cfg, "network_ode.t_max", lo=MIN_TIME)
    points = get_int(cfg, "network_ode.points", lo=2, hi=1_000_000)
    check_duration("network_ode.t_max", t_max, tau)
    check_resources(N, P, trials, points, t_max, tau)
    return NetworkODEParams(
        tau,
        h0,
        F,
        learning,
        tuple(options.items()),
        N,
        P,
        bias,
        trials,
        flip,
        amp,
        t_max,
        points,
        solver_options,
    )


#: CPU seconds per multiply-add of a right-hand side (W v, float64 BLAS, one thread), per
#: evaluation's fixed cost (solve_ivp's Python overhead), evaluations per time constant
#: (RK45 at gain 4: 230 over 50 time constants at N = 1000), per multiply-add of the energy
#: of every sample (an unoptimised einsum), and per N^3 of the eigenvalues of W (fitted to
#: the runs at N = 500 and 1500, benchmarks/estimates.py).
SECONDS_PER_FLOP = 3.0e-10
SECONDS_PER_EVAL = 1.0e-5
EVALS_PER_TAU = 6.0
SECONDS_PER_ENERGY_FLOP = 1.0e-9
SECONDS_PER_EIGEN_N3 = 1.5e-10


def estimate(params: NetworkODEParams):
    """The job's :class:`hopsim.resources.Estimate`: the trajectories, the couplings and an
    implicit solver's Jacobian; every trial's right-hand sides (and, for Radau, BDF and
    LSODA, a factorisation per ~10 steps)."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    p = params
    N, P, T, points = float(p.N), p.P, p.trials, p.points
    # W and the copy its eigenvalues take; v, the overlaps, the energy's temporaries (fitted
    # to the peaks measured at N = 500 and 1500, benchmarks/estimates.py)
    memory = 8.0 * (1.7 * N * N + 6 * T * points * (N + P + 1) + P * N)
    evals = EVALS_PER_TAU * p.t_max / p.tau + 50.0
    per_eval = N * N * SECONDS_PER_FLOP + SECONDS_PER_EVAL
    seconds = _costs.SECONDS_PER_JOB + T * evals * per_eval
    if str(p.solver.get("method", "RK45")) in ("Radau", "BDF", "LSODA"):
        seconds += T * (evals / 6.0) * N**3 * SECONDS_PER_EIGEN_N3  # a factorisation a step
    seconds += T * points * N * N * SECONDS_PER_ENERGY_FLOP + N**3 * SECONDS_PER_EIGEN_N3
    seconds += N * N * P * SECONDS_PER_FLOP  # learning
    drivers = {
        "network_ode.N": p.N,
        "network_ode.trials": T,
        "network_ode.t_max": p.t_max,
        "network_ode.points": points,
        "network_ode.P": P,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the network_ode experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def check_resources(N: int, P: int, trials: int, points: int, t_max: float, tau: float) -> None:
    """Refuse a run whose arrays do not fit (its time is :func:`estimate`'s)."""
    sizes = {
        "network_ode.N": (N, 500),
        "network_ode.trials": (trials, 4),
        "network_ode.points": (points, 101),
        "network_ode.P": (P, 10),
    }
    # v (trial, time, unit), overlap (trial, time, pattern), energy and their temporaries;
    # one trial's solver output; W, its eigen-decomposition and an implicit solver's Jacobian
    nbytes = 8.0 * (2 * trials * points * (N + P + 1) + 2 * points * N + 5 * N * N + P * N)
    key, value = most_responsible(sizes)
    check_memory(key, value, nbytes, "the trajectories and couplings")


def run(params: NetworkODEParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Integrate the network from noisy cues; see the module docstring for the dataset."""
    tau, h0, F = params.tau, params.h0, params.activation
    N, P, trials = params.N, params.P, params.trials
    bias, level, amp = params.bias, params.flip, params.amplitude
    xi = random_patterns(seeds.generator("patterns", N, P, bias), P, N, bias)
    W = learn(params.learning, xi, dict(params.learning_options)).weights()
    model = ode.ContinuousNetwork(W, tau, F, ode.Input(base=h0))
    t = np.linspace(0.0, params.t_max, params.points)
    options = params.solver

    v = np.full((trials, t.size, N), np.nan)
    status = np.zeros(trials, dtype=np.int8)
    messages, nfev, t_stop = [], np.zeros(trials, dtype=np.int64), np.zeros(trials)
    cued = np.arange(trials) % P
    cue_overlap = np.zeros(trials)
    for k in tqdm(range(trials), desc="network_ode", unit="trial", disable=not progress):
        rng = seeds.generator("cue", N, P, "flip", level, k)
        cue = corrupt_one(xi[cued[k]], "flip", level, rng)
        cue_overlap[k] = float(cue.astype(np.float64) @ xi[cued[k]]) / N
        sol = ode.integrate(model, amp * cue.astype(np.float64), t, **options)
        v[k], status[k], nfev[k], t_stop[k] = sol.v, sol.status, sol.nfev, sol.t_stop
        messages.append(sol.message)

    xi_f = xi.astype(np.float64)
    overlap = np.einsum("kti,pi->ktp", v, xi_f) / N
    energy = model.energy(v)
    final = np.array([_last_finite(overlap[k, :, cued[k]]) for k in range(trials)])
    with np.errstate(invalid="ignore"):
        rise = np.nanmax(np.diff(energy, axis=1), axis=1) if t.size > 1 else np.zeros(trials)
    eig = np.linalg.eigvalsh(W)
    ds = xr.Dataset(
        {
            "v": (("trial", "time", "unit"), v),
            "overlap": (("trial", "time", "pattern"), overlap),
            "energy": (("trial", "time"), energy),
            "cued_pattern": ("trial", cued.astype(np.int32)),
            "cue_overlap": ("trial", cue_overlap),
            "final_overlap": ("trial", final),
            "energy_max_rise": ("trial", rise),
            "solver_status": ("trial", status),
            "solver_message": ("trial", np.array(messages, dtype=object).astype(str)),
            "nfev": ("trial", nfev),
            "t_stop": ("trial", t_stop),
            "patterns": (("pattern", "unit"), xi),
            "meanfield_overlap": ((), tanh_fixed_point(F.gain)),
            # W = 0 (e.g. two orthogonal patterns of N = 2): v = 0 never loses stability
            "gain_instability": ((), 1.0 / float(eig[-1]) if eig[-1] > 0 else np.inf),
        },
        coords={
            "trial": np.arange(trials),
            "time": t,
            "unit": np.arange(N),
            "pattern": np.arange(P),
            "N": N,
            "P": P,
            "alpha": P / N,
            "gain": F.gain,
            "tau": tau,
            "h0": h0,
            "noise": level,
            "activation": F.name,
            "method": options["method"],
            "learning": params.learning,
        },
    )
    for name, (long_name, units) in _ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["solver_status"].attrs.update(
        flag_values=np.array(list(ode.STATUS_MEANINGS), dtype=np.int8),
        flag_meanings=" ".join(ode.STATUS_MEANINGS.values()),
    )
    ds.attrs.update(
        activation_formula=F.formula,
        why_gain=WHY_GAIN,
        energy_formula="E = -1/2 v.W v - h.v + sum_i int_0^{v_i} F^{-1}(u) du",
    )
    return ds


def _last_finite(x: np.ndarray) -> float:
    ok = np.flatnonzero(np.isfinite(x))
    return float(x[ok[-1]]) if ok.size else float("nan")


_ATTRS = {
    "v": ("neuron state v", "1"),
    "overlap": ("overlap m = xi.v / N", "1"),
    "energy": ("Lyapunov energy", "1"),
    "cued_pattern": ("index of the cued pattern", "1"),
    "cue_overlap": ("overlap of the corrupted cue with its pattern", "1"),
    "final_overlap": ("final overlap with the cued pattern", "1"),
    "energy_max_rise": ("largest energy increase between samples (<= 0 expected)", "1"),
    "solver_status": ("solver status", "1"),
    "solver_message": ("solver message", ""),
    "nfev": ("right-hand-side evaluations", "1"),
    "t_stop": ("time the integration ended", "a.u."),
    "patterns": ("stored pattern", "1"),
    "meanfield_overlap": ("retrieval overlap m = tanh(gain m) as alpha -> 0", "1"),
    "gain_instability": ("gain where v = 0 loses stability, 1/lambda_max(W)", "1"),
    "trial": ("trial", "1"),
    "time": ("time t", "a.u."),
    "unit": ("neuron index", "1"),
    "pattern": ("pattern index", "1"),
    "N": ("number of neurons", "1"),
    "P": ("number of stored patterns", "1"),
    "learning": ("learning rule of W", ""),
    "alpha": ("load P/N", "1"),
    "gain": ("neuron gain F'(0)", "1"),
    "tau": ("time constant tau", "a.u."),
    "h0": ("constant input h", "1"),
    "noise": ("fraction of flipped bits in the cue", "1"),
    "activation": ("activation function F", ""),
    "method": ("solve_ivp method", ""),
}


def summary(ds: xr.Dataset) -> str:
    """One paragraph: overlaps reached, energy monotonicity, solver outcome."""
    final = ds.final_overlap.values
    ok = int(np.sum(ds.solver_status.values >= 0))
    return (
        f"Continuous network N={int(ds.N)}, P={int(ds.P)}, gain={float(ds.gain):g} "
        f"(mean-field retrieval overlap tanh(gain m) = m: {float(ds.meanfield_overlap):.4f}), "
        f"{ds.trial.size} cues with "
        f"{float(ds.noise):g} flipped: final overlap with the cued pattern "
        f"min {np.nanmin(final):.4f} / mean {np.nanmean(final):.4f} at t={float(ds.time[-1]):g}; "
        f"largest energy rise {np.nanmax(ds.energy_max_rise.values):.2e}; "
        f"{ok}/{ds.trial.size} solves succeeded ({str(ds.method.values)}, "
        f"mean {np.mean(ds.nfev.values):.0f} evaluations)."
    )
