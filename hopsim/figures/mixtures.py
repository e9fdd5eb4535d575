"""Figure of a ``mixtures`` run: energies and stability of patterns, mixtures, spurious states.

``figure(ds)``: (a) the energy per neuron of the states reached against the load: patterns
and 3- and 5-mixtures where the start stayed (overlap with it > 0.9), and the non-retrieval
states random starts end in, with the alpha -> 0 theory (-1/2, -3/8, -45/128) marked at the
left edge; (b) the fraction of starts that stay against the load, with the AGS stability
limits (0.03 for 3-mixtures, 0.138 for patterns); (c) the final state's mean overlap with
the start's patterns, with the theory m_n (1, 1/2, 3/8). Lines per start kind (colour) and
N (line style). ``tables(ds)``: the stability limits read off the grid (CSV).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.lines import Line2D

from hopsim.analysis.mixtures import STAY, stability_limits, state_energies, stay_fraction
from hopsim.figures._common import LINESTYLES, OKABE_ITO, axis_label, legend_below, panel
from hopsim.gallery.plan import Entry
from hopsim.theory.capacity import ags_critical

OWN_DIMS = ("N", "alpha", "start", "trial")
STEMS = ("mixtures",)
#: one colour per kind of state, in every panel
COLORS = {
    "pattern": OKABE_ITO[0],
    "mixture3": OKABE_ITO[1],
    "mixture5": OKABE_ITO[2],
    "spurious": OKABE_ITO[6],
    "random": OKABE_ITO[6],
}
LABELS = {
    "pattern": "pattern",
    "mixture3": "3-mixture",
    "mixture5": "5-mixture",
    "spurious": "from random starts (max |m| < 0.9)",
}


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    """The three panels (see the module docstring)."""
    fig, (ax_e, ax_s, ax_m) = plt.subplots(1, 3, figsize=(15, 5.2), constrained_layout=True)
    _energies(ax_e, ds)
    _stability(ax_s, ds)
    _overlaps(ax_m, ds)
    sizes = ", ".join(str(int(n)) for n in ds.N.values)
    fig.suptitle(
        f"Patterns, mixtures and spurious states (N = {sizes}; {ds.sizes['trial']} starts per "
        f"point; {ds['update'].item()} updates, T = 0)"
    )
    return fig


def _style(k: int) -> str:
    return LINESTYLES[k % len(LINESTYLES)]


def _energies(ax, ds: xr.Dataset) -> None:
    e = state_energies(ds)
    alpha = ds.alpha.values
    for k, N in enumerate(ds.N.values):
        for group in e.group.values:
            mean = e.energy.sel(N=N, group=group).values
            err = e.error.sel(N=N, group=group).values
            ax.errorbar(
                alpha,
                mean,
                yerr=np.nan_to_num(err),
                ls=_style(k),
                marker="o",
                ms=3,
                color=COLORS[str(group)],
                capsize=2,
                lw=1.2,
                gid=f"energy {group} {N}",
            )
    for start in ds.start.values:
        theory = float(ds.energy_theory.sel(start=start))
        if np.isfinite(theory):
            ax.plot(
                [0],
                [theory],
                marker="<",
                ms=9,
                color=COLORS[str(start)],
                clip_on=False,
                ls="none",
                gid=f"theory {start}",
            )
    theory = Line2D([], [], marker="<", color="0.3", ms=8, ls="none")
    ax.set(xlabel=axis_label(ds["alpha"]), ylabel="energy per neuron E/N", xlim=(0, None))
    panel(ax, "a", "energy of the states reached")
    _legend(ax, ds, [str(g) for g in e.group.values], [(theory, "alpha -> 0 (AGS 1985)")])


def _stability(ax, ds: xr.Dataset) -> None:
    f = stay_fraction(ds)
    alpha = ds.alpha.values
    for k, N in enumerate(ds.N.values):
        for start in ds.start.values:
            if start == "random":
                continue
            ax.errorbar(
                alpha,
                f.fraction.sel(N=N, start=start).values,
                yerr=np.nan_to_num(f.error.sel(N=N, start=start).values),
                ls=_style(k),
                marker="o",
                ms=3,
                capsize=2,
                color=COLORS[str(start)],
                gid=f"stay {start} {N}",
            )
    alpha_c, _ = ags_critical()
    limit3 = float(ds.attrs.get("mixture3_stability_theory", 0.03))
    ax.axvline(limit3, color=COLORS["mixture3"], lw=1, ls=(0, (1, 2)), gid="ags mixture3")
    ax.axvline(alpha_c, color=COLORS["pattern"], lw=1, ls=(0, (1, 2)), gid="ags pattern")
    ax.axhline(0.5, color="0.6", lw=0.8)
    ax.set(
        xlabel=axis_label(ds["alpha"]),
        ylabel=f"fraction of starts that stay (m > {STAY})",
        ylim=(-0.02, 1.02),
        xlim=(0, None),
    )
    panel(ax, "b", "stability at T = 0")
    ags = Line2D([], [], color="0.3", lw=1, ls=(0, (1, 2)))
    _legend(ax, ds, _kinds(ds), [(ags, f"AGS limits: {limit3:g}, {alpha_c:.3f}")])


def _overlaps(ax, ds: xr.Dataset) -> None:
    alpha = ds.alpha.values
    for k, N in enumerate(ds.N.values):
        for start in ds.start.values:
            if start == "random":
                continue
            m = ds.constituent_overlap.sel(N=N, start=start)
            n = np.isfinite(m).sum("trial")
            err = (m.std("trial", ddof=1) / np.sqrt(n)).where(n > 1)
            ax.errorbar(
                alpha,
                m.mean("trial").values,
                yerr=np.nan_to_num(err.values),
                ls=_style(k),
                marker="o",
                ms=3,
                capsize=2,
                color=COLORS[str(start)],
                gid=f"overlap {start} {N}",
            )
    for start in ds.start.values:
        theory = float(ds.overlap_theory.sel(start=start))
        if np.isfinite(theory):
            ax.axhline(
                theory, color=COLORS[str(start)], lw=0.8, ls=(0, (4, 3)), gid=f"theory {start}"
            )
    theory = Line2D([], [], color="0.3", lw=0.8, ls=(0, (4, 3)))
    ax.set(
        xlabel=axis_label(ds["alpha"]),
        ylabel=axis_label(ds["constituent_overlap"]),
        ylim=(0, 1.05),
        xlim=(0, None),
    )
    panel(ax, "c", "overlap with the start's patterns")
    _legend(ax, ds, _kinds(ds), [(theory, "m_n at alpha -> 0: 1, 1/2, 3/8")])


def _kinds(ds: xr.Dataset) -> list[str]:
    return [str(s) for s in ds.start.values if s != "random"]


def _legend(ax, ds: xr.Dataset, kinds: list[str], extra: list) -> None:
    """Colours name the kinds of state, line styles the sizes: one entry each."""
    handles = [Line2D([], [], color=COLORS[k], lw=2) for k in kinds]
    labels = [LABELS[k] for k in kinds]
    for k, N in enumerate(ds.N.values):
        handles.append(Line2D([], [], color="0.3", ls=_style(k), marker="o", ms=3))
        labels.append(f"N = {int(N)}")
    for handle, label in extra:
        handles.append(handle)
        labels.append(label)
    legend_below(ax, ncol=2, handles=handles, labels=labels)


def figures(ds: xr.Dataset, **options) -> dict[str, plt.Figure]:
    """Every figure of the family: ``{"mixtures": figure(ds)}``."""
    return {"mixtures": figure(ds, **options)}


def tables(ds: xr.Dataset, **_) -> dict[str, pd.DataFrame]:
    """The stability limits (``mixtures_stability.csv``)."""
    return {"mixtures_stability.csv": stability_limits(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 140
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "mixtures",
        title="Patterns, mixtures and spurious states against load",
        why="AGS (1985): symmetric 3- and 5-mixtures have overlaps 1/2 and 3/8 and energies -3/8 "
        "and -45/128 per neuron above the patterns' -1/2, and 3-mixtures are stable up to "
        "alpha ~ 0.03; measured at three sizes from every kind of start.",
        overrides=("experiment=mixtures", "network.N=[500,1000,2000]", "trials=100"),
        quick=(
            "experiment=mixtures",
            "network.N=[300]",
            "patterns.alpha=[0.01,0.02,0.03,0.04,0.06,0.1,0.2]",
            "trials=20",
        ),
    ),
)
