"""The ``stimulus`` experiment: a one-bit memory switched by input pulses (source figure 3).

The single neuron ``tau dv/dt = -v + F(h(t) + lambda v)`` with ``lambda F'(0) > 1`` has two
stable fixed points ``+/- v*`` at the resting input ``neuron.h``. A pulse of input stronger
than the fold ``h_fold`` removes one of them and drives the state to the other one, where it
stays after the pulse ends; a pulse weaker than ``h_fold`` leaves the bit unchanged.

Dataset: dim ``time`` with ``v`` and ``h``; dim ``pulse`` with each pulse's ``pulse_start``,
``pulse_stop``, ``pulse_amplitude`` and the state it leaves behind (``v_after``, sampled just
before the next pulse or at the end, and ``bit_after`` = its sign); dim ``branch`` with the
resting fixed points ``v_fixed`` and ``stable``; ``h_fold``; the solver's ``solver_status``,
``solver_message``, ``nfev``, ``t_stop``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim import bifurcation as bif
from hopsim.config import ConfigError, get, get_float, get_int, get_optional
from hopsim.dynamics import continuous as ode
from hopsim.experiments._continuous_config import (
    MIN_TIME,
    ProgressModel,
    check_duration,
    drive,
    neuron,
    solver,
)
from hopsim.resources import check_memory
from hopsim.rng import SeedTree


@dataclass(frozen=True)
class StimulusParams:
    """Everything the stimulus experiment reads from its config, checked."""

    tau: float
    h0: float
    activation: ode.Activation
    lam: float
    drive: ode.Input
    v0: float | None
    t_max: float
    points: int
    solver: dict


def parameters(cfg: DictConfig) -> StimulusParams:
    """Read and check every key the stimulus experiment uses (and its memory and duration)."""
    tau, h0, F = neuron(cfg)
    options = solver(cfg)
    lam = get_float(cfg, "stimulus.lambda")
    t_max = get_float(cfg, "stimulus.t_max", lo=MIN_TIME)
    points = get_int(cfg, "stimulus.points", lo=2, hi=10_000_000)
    check_duration("stimulus.t_max", t_max, tau)
    # time, v, h and the solver's samples: about 6 float64 arrays of the output length
    check_memory("stimulus.points", points, 48.0 * points, "the time series")
    v0 = get_optional(cfg, "stimulus.v0", get_float, lo=-1.0, hi=1.0)
    h = drive(cfg, "stimulus", h0)
    for start, _, _ in h.pulses:
        if not 0.0 <= start < t_max:
            raise ConfigError(
                "stimulus.pulses",
                get(cfg, "stimulus.pulses"),
                f"pulses starting in [0, t_max={t_max:g})",
            )
    return StimulusParams(tau, h0, F, lam, h, v0, t_max, points, options)


#: Seconds per time constant integrated (solve_ivp's Python steps), per input change (a
#: restart of the solver and the state it leaves), and per output sample; bytes per time
#: constant of the solver's steps (measured at t_max = 100 and 3000, benchmarks/estimates.py).
SECONDS_PER_TAU = 8.0e-5
SECONDS_PER_CHANGE = 0.018
SECONDS_PER_POINT = 1.0e-6
BYTES_PER_TAU = 100.0


def estimate(params: StimulusParams):
    """The job's :class:`hopsim.resources.Estimate`: the time series; the integration's
    right-hand-side evaluations (restarted at every input change) and the output."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    changes = len(params.drive.breakpoints()) + 1
    span = params.t_max / params.tau
    seconds = _costs.SECONDS_PER_JOB + span * SECONDS_PER_TAU + changes * SECONDS_PER_CHANGE
    seconds += params.points * SECONDS_PER_POINT
    memory = 48.0 * params.points + BYTES_PER_TAU * span + 60e3
    drivers = {"stimulus.t_max": params.t_max, "stimulus.points": params.points}
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the stimulus experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def run(params: StimulusParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Integrate the driven neuron; see the module docstring for the dataset."""
    tau, h0, F, lam, h = params.tau, params.h0, params.activation, params.lam, params.drive
    model = ode.single_neuron(lam, tau, F, h)
    rest = bif.diagram(lam, h0, tau, F)
    stable_rest = np.where(rest.stable[0] == 1, rest.v[0], np.nan)
    # stimulus.v0, or the lower stable resting fixed point when it is null
    v0 = params.v0 if params.v0 is not None else float(np.nanmin(stable_rest))
    t = np.linspace(0.0, params.t_max, params.points)
    bar = tqdm(total=100, desc="stimulus", unit="%", disable=not progress)
    watched = ProgressModel(model, bar, float(t[-1])) if progress else model
    sol = ode.integrate(watched, np.array([v0]), t, **params.solver)
    bar.update(bar.total - bar.n)
    bar.close()

    pulses = np.array(h.pulses, dtype=np.float64).reshape(-1, 3)
    after = _states_after(model, sol, pulses, t[-1])
    ds = xr.Dataset(
        {
            "v": ("time", sol.v[:, 0]),
            "h": ("time", model.drive.base + model.drive.signal(t)),
            "pulse_start": ("pulse", pulses[:, 0]),
            "pulse_stop": ("pulse", pulses[:, 1]),
            "pulse_amplitude": ("pulse", pulses[:, 2]),
            "v_after": ("pulse", after),
            "bit_after": ("pulse", np.sign(np.nan_to_num(after)).astype(np.int8)),
            "v_fixed": ("branch", rest.v[0]),
            "stable": ("branch", rest.stable[0]),
            "h_fold": ((), float(bif.fold_points(lam, F)[0][0])),
            "solver_status": ((), np.int8(sol.status)),
            "solver_message": ((), sol.message),
            "nfev": ((), np.int64(sol.nfev)),
            "t_stop": ((), sol.t_stop),
        },
        coords={
            "time": t,
            "pulse": np.arange(pulses.shape[0]),
            "branch": list(bif.BRANCHES),
            "lambda": lam,
            "tau": tau,
            "h0": h0,
            "gain": F.gain,
            "activation": F.name,
            "v0": v0,
        },
    )
    for name, (long_name, units) in _ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["solver_status"].attrs.update(
        flag_values=np.array(list(ode.STATUS_MEANINGS), dtype=np.int8),
        flag_meanings=" ".join(ode.STATUS_MEANINGS.values()),
    )
    ds.attrs.update(activation_formula=F.formula, method=str(params.solver["method"]))
    return ds


def _states_after(model, sol, pulses: np.ndarray, t_end: float) -> np.ndarray:
    """The state each pulse leaves: just before the next input change, or at the end."""
    changes = np.append(model.drive.breakpoints(), np.inf)
    out = np.full(pulses.shape[0], np.nan)
    for k, (_, stop, _) in enumerate(pulses):
        nxt = min(float(changes[changes > stop][0]), t_end)
        valid = (sol.t <= nxt) & np.isfinite(sol.v[:, 0])
        if nxt < t_end:
            valid &= sol.t < nxt
        if valid.any() and sol.t[valid][-1] > stop:
            out[k] = sol.v[valid, 0][-1]
    return out


_ATTRS = {
    "v": ("neuron state v", "1"),
    "h": ("external input h", "1"),
    "pulse_start": ("pulse start", "a.u."),
    "pulse_stop": ("pulse end", "a.u."),
    "pulse_amplitude": ("pulse amplitude", "1"),
    "v_after": ("state left by the pulse (before the next input change)", "1"),
    "bit_after": ("stored bit after the pulse (sign of v)", "1"),
    "v_fixed": ("fixed point at the resting input", "1"),
    "stable": ("resting fixed point is stable (1) or unstable/absent (0)", "1"),
    "h_fold": ("fold input: pulses with |h| > h_fold switch the bit", "1"),
    "solver_status": ("solver status", "1"),
    "solver_message": ("solver message", ""),
    "nfev": ("right-hand-side evaluations", "1"),
    "t_stop": ("time the integration ended", "a.u."),
    "time": ("time t", "a.u."),
    "pulse": ("pulse index", "1"),
    "branch": ("fixed-point branch", ""),
    "lambda": ("self-coupling lambda", "1"),
    "tau": ("time constant tau", "a.u."),
    "h0": ("resting input", "1"),
    "gain": ("neuron gain F'(0)", "1"),
    "activation": ("activation function F", ""),
    "v0": ("initial state v(0)", "1"),
}


def summary(ds: xr.Dataset) -> str:
    """One paragraph: the bit after each pulse and the holding states."""
    bits = " ".join(
        f"{a:+g}->{'+' if b > 0 else '-' if b < 0 else '?'}"
        for a, b in zip(ds.pulse_amplitude.values, ds.bit_after.values, strict=True)
    )
    rest = ds.v_fixed.values[ds.stable.values == 1]
    return (
        f"Single neuron lambda={float(ds['lambda']):g}, rest h={float(ds.h0):g}: stable states "
        f"{np.array2string(rest, precision=6)}, fold at |h|={float(ds.h_fold):.6g}. "
        f"Pulses (amplitude->bit): {bits}. Final v={float(ds.v[-1]):.6f}. "
        f"Solver {ds.attrs['method']}: {str(ds.solver_message.values)} "
        f"({int(ds.nfev)} evaluations)."
    )
