"""Figure: recall in the continuous Hopfield network (overlaps, energy per neuron, unit states).

The time axis ends at 1.5 times the settling time (the last time any trial's overlaps or
energy still differ from their final values by more than 1% of their range), so the
dynamics fill the panels; the title says where the run itself ends.

(a) overlap with the cued pattern over time for each trial (the largest overlap with any
    other pattern thin), with the mean-field retrieval overlap m = tanh(gain m); each trial
    has its own colour and line style in (a) and (b), since trials that retrieve alike
    coincide;
(b) the Lyapunov energy per neuron E/N over time (it must not rise);
(c) v(t) of every unit in trial 0, units ordered by the cued pattern's sign.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.analysis.continuous import largest_energy_rise
from hopsim.figures._common import LINESTYLES, axis_label, colors, legend_below, panel
from hopsim.gallery.plan import Entry

STEMS = ("network_ode",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ()


def settle_time(ds: xr.Dataset, tol: float = 0.01) -> float:
    """Last time at which an overlap or the energy of any trial is off its final value."""
    t = ds.time.values
    last = 0
    for series in (ds.overlap.values, ds.energy.values[..., None]):
        for k in range(series.shape[0]):
            s = series[k]
            final = s[-1]
            scale = np.maximum(np.nanmax(s, 0) - np.nanmin(s, 0), 1e-12)
            off = np.any(np.abs(s - final) > tol * scale, axis=1)
            idx = np.flatnonzero(off)
            if idx.size:
                last = max(last, int(idx[-1]) + 1)
    return float(t[min(last, t.size - 1)])


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.4), constrained_layout=True)
    t = ds.time.values
    t_end = min(float(t[-1]), max(1.5 * settle_time(ds), float(t[min(5, t.size - 1)])))
    N = int(ds.N)
    pal = colors(ds.trial.size)
    ax = axes[0]
    for k in range(ds.trial.size):
        mu = int(ds.cued_pattern[k])
        ov = ds.overlap.values[k]
        ls = LINESTYLES[k % len(LINESTYLES)]  # trials that retrieve alike coincide
        ax.plot(t, ov[:, mu], color=pal[k], ls=ls, lw=2, label=f"trial {k}: pattern {mu}")
        others = np.delete(ov, mu, axis=1)
        if others.shape[1]:
            ax.plot(t, np.max(np.abs(others), axis=1), color=pal[k], ls=ls, lw=0.8, alpha=0.7)
    ax.axhline(
        float(ds.meanfield_overlap),
        color="k",
        ls=":",
        lw=1.2,
        label=f"m = tanh(gain m) = {float(ds.meanfield_overlap):.4f}",
    )
    ax.set_xlabel(axis_label(ds.time))
    ax.set_ylabel(axis_label(ds.overlap))
    panel(ax, "a", f"overlap (thin: largest other), gain = {float(ds.gain):g}")
    legend_below(ax, ncol=2)

    ax = axes[1]
    per_neuron = ds.energy.values / N
    for k in range(ds.trial.size):
        ax.plot(
            t,
            per_neuron[k],
            color=pal[k],
            ls=LINESTYLES[k % len(LINESTYLES)],
            lw=2,
            label=f"trial {k}",
        )
    ax.set_xlabel(axis_label(ds.time))
    ax.set_ylabel("energy per neuron E/N")
    rise, _ = largest_energy_rise(ds)
    panel(ax, "b", f"energy per neuron, largest rise {rise:.1e}")

    ax = axes[2]
    mu = int(ds.cued_pattern[0])
    order = np.argsort(ds.patterns.values[mu], kind="stable")
    image = ds.v.values[0][:, order].T
    mesh = ax.imshow(
        image,
        aspect="auto",
        origin="lower",
        cmap="RdBu_r",
        vmin=-1,
        vmax=1,
        extent=[t[0], t[-1], 0, image.shape[0]],
        interpolation="nearest",
    )
    fig.colorbar(mesh, ax=ax, label=axis_label(ds.v))
    ax.set_xlabel(axis_label(ds.time))
    ax.set_ylabel(f"unit (ordered by pattern {mu})")
    panel(ax, "c", "v(t), trial 0")
    for ax in axes:
        ax.set_xlim(float(t[0]), t_end)
    for ax in axes[:2]:
        ax.grid(True, color="0.92")
    shown = (
        f"; shown until t = {t_end:.3g} of {float(t[-1]):.3g} (constant after)"
        if (t_end < float(t[-1]))
        else ""
    )
    fig.suptitle(
        f"continuous Hopfield network N = {N}, P = {int(ds.P)}, tau = {float(ds.tau):g}: "
        f"retrieval needs gain > 1 (m = tanh(gain m); crosstalk raises it){shown}",
        fontsize=10,
    )
    return fig


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"network_ode": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 110
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "network_ode",
        title="Continuous N-neuron network",
        why="The report's N-neuron ODE recalling stored patterns, with its Lyapunov energy.",
        overrides=("experiment=network_ode",),
    ),
)
