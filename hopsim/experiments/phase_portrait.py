"""The ``phase_portrait`` experiment: dv/dt against v for several lambda (source figure 2).

For the single neuron ``tau dv/dt = -v + F(h + lambda v)`` the phase line is the graph of
``dv/dt`` over ``v``: its zeros are the fixed points, stable where the graph falls through
zero. For ``lambda F'(0) < 1`` there is one zero (``v = 0`` at ``h = 0``); above it three.

Dataset: dims ``lambda``, ``v``, ``branch``; variables ``dvdt`` (lambda, v) and the fixed
points ``fixed_point``, ``eigenvalue``, ``stable`` (lambda, branch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig

from hopsim import bifurcation as bif
from hopsim.config import get_float, get_int, get_list, most_responsible
from hopsim.dynamics.continuous import Activation
from hopsim.experiments._continuous_config import neuron
from hopsim.resources import check_memory
from hopsim.rng import SeedTree


@dataclass(frozen=True)
class PhasePortraitParams:
    """Everything the phase_portrait experiment reads from its config, checked."""

    tau: float
    h0: float
    activation: Activation
    lambdas: tuple[float, ...]
    v_max: float
    points: int


def parameters(cfg: DictConfig) -> PhasePortraitParams:
    """Read and check every key the phase-portrait experiment uses (and its memory)."""
    tau, h0, F = neuron(cfg)
    lams = get_list(cfg, "phase_portrait.lambdas", kind="float")
    v_max = get_float(cfg, "phase_portrait.v_max", lo=0.0, lo_open=True)
    points = get_int(cfg, "phase_portrait.points", lo=2, hi=10_000_000)
    # dvdt (lambda, v) and its float64 temporaries
    key, value = most_responsible(
        {"phase_portrait.points": (points, 301), "phase_portrait.lambdas": (len(lams), 5)}
    )
    if key == "phase_portrait.lambdas":
        value = lams
    check_memory(key, value, 32.0 * len(lams) * points, "the phase lines")
    return PhasePortraitParams(tau, h0, F, tuple(lams), v_max, points)


def estimate(params: PhasePortraitParams):
    """The job's :class:`hopsim.resources.Estimate`: the phase lines and the fixed points
    of every lambda (one solve each, ~55 us)."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    lams, points = len(params.lambdas), params.points
    # a fixed-point solve ~55 us; the phase line ~0.08 us a sample (measured at 5e6)
    seconds = _costs.SECONDS_PER_JOB + lams * 5.5e-5 + 8e-8 * lams * points
    drivers = {"phase_portrait.points": points, "phase_portrait.lambdas": list(params.lambdas)}
    return Estimate(32.0 * lams * points, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the phase-portrait experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def run(params: PhasePortraitParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Evaluate the phase lines; see the module docstring for the dataset."""
    tau, h0, F = params.tau, params.h0, params.activation
    lams = np.asarray(params.lambdas)
    v = np.linspace(-params.v_max, params.v_max, params.points)
    dvdt = (-v[None, :] + F(h0 + lams[:, None] * v[None, :])) / tau
    fp = bif.diagram(lams, h0, tau, F)
    ds = xr.Dataset(
        {
            "dvdt": (("lambda", "v"), dvdt),
            "fixed_point": (("lambda", "branch"), fp.v),
            "eigenvalue": (("lambda", "branch"), fp.eigenvalue),
            "stable": (("lambda", "branch"), fp.stable),
        },
        coords={
            "lambda": lams,
            "v": v,
            "branch": list(bif.BRANCHES),
            "tau": tau,
            "h0": h0,
            "gain": F.gain,
            "activation": F.name,
        },
    )
    attrs = {
        "dvdt": ("rate of change dv/dt", "1/a.u."),
        "fixed_point": ("fixed point v* (NaN: branch absent)", "1"),
        "eigenvalue": ("linear stability eigenvalue", "1/a.u."),
        "stable": ("fixed point is stable (1) or unstable/absent (0)", "1"),
        "lambda": ("self-coupling lambda", "1"),
        "v": ("neuron state v", "1"),
        "branch": ("fixed-point branch", ""),
        "tau": ("time constant tau", "a.u."),
        "h0": ("constant input h", "1"),
        "gain": ("neuron gain F'(0)", "1"),
        "activation": ("activation function F", ""),
    }
    for name, (long_name, units) in attrs.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs["activation_formula"] = F.formula
    return ds


def summary(ds: xr.Dataset) -> str:
    """One paragraph: the fixed points for each lambda."""
    parts = []
    for lam in ds["lambda"].values:
        fp = ds.fixed_point.sel({"lambda": lam}).values
        st = ds.stable.sel({"lambda": lam}).values
        shown = ", ".join(
            f"{x:+.4f}{'(s)' if s else '(u)'}"
            for x, s in zip(fp, st, strict=True)
            if np.isfinite(x)
        )
        parts.append(f"lambda={lam:g}: {shown}")
    return (
        f"Phase lines dv/dt(v) for {ds['lambda'].size} lambda values at h={float(ds.h0):g} "
        f"(s stable, u unstable): " + "; ".join(parts) + "."
    )
