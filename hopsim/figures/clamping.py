"""The clamping figure of a recall sweep over occlusion: completion with and without clamping.

Drawn by :func:`hopsim.figures.recall.figures` (stem ``recall_clamping``) when a recall
sweep holds both ``corruption.kind=occlude`` and ``occlude_clamped`` over at least two
occlusion levels (``noise``). (a) The fraction of cues completed (final overlap > 0.9)
against the occluded fraction, per load (colour), occluded and unknown (dashed, open
markers) or with the visible part clamped (solid); (b) the basins, the occluded fraction
half the cues are completed from, against the load; (c) the gain, clamped minus free, with
the level grid's resolution as error bar (an upward arrow: the clamped basin reached the
end of the grid, so the gain is at least that). Numbers: :mod:`hopsim.analysis.clamping`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.analysis.clamping import CLAMPED, COMPLETED, FREE, clamping_gain, completion
from hopsim.figures._common import FigureError, axis_label, colors, legend_below, panel

KIND_STYLE = {
    FREE: {"ls": "--", "mfc": "white", "label": "occluded and unknown (occlude)"},
    CLAMPED: {"ls": "-", "mfc": None, "label": "visible part clamped (occlude_clamped)"},
}


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    """The three panels (see the module docstring)."""
    extra = [
        d
        for d in ds.overlap.dims
        if d not in ("pattern", "trial", "sweep", "alpha", "corruption", "noise")
    ]
    if extra:
        raise FigureError(
            f"the clamping figure draws alpha, corruption and noise; select one value of "
            f"{', '.join(extra)} with --fix"
        )
    fig, (ax_c, ax_b, ax_g) = plt.subplots(1, 3, figsize=(15, 5), constrained_layout=True)
    _completion(ax_c, ds)
    table = clamping_gain(ds)
    _basins(ax_b, ds, table)
    _gain(ax_g, ds, table)
    fig.suptitle(
        f"Completing occluded patterns, with and without clamping (N = {int(ds.N.max())}, "
        f"{ds['update'].item() if 'update' in ds.coords and ds['update'].ndim == 0 else ''} "
        f"updates; completed: final overlap > {COMPLETED})"
    )
    return fig


def _alphas(ds: xr.Dataset) -> np.ndarray:
    return ds.alpha.values if "alpha" in ds.dims else np.array([float(ds.alpha)])


def _completion(ax, ds: xr.Dataset) -> None:
    c = completion(ds)
    alphas = _alphas(ds)
    for color, alpha in zip(colors(len(alphas)), alphas, strict=True):
        cell = c.sel(alpha=alpha) if "alpha" in c.dims else c
        for kind, style in KIND_STYLE.items():
            f = cell.sel(corruption=kind)
            ax.errorbar(
                f.noise.values,
                f.fraction.values,
                yerr=f.error.values,
                color=color,
                ls=style["ls"],
                marker="o",
                ms=4,
                mfc=style["mfc"] or color,
                capsize=2,
                gid=f"completion {kind} {alpha:g}",
            )
        ax.plot([], [], color=color, lw=2, label=f"alpha = {alpha:g}")
    for style in KIND_STYLE.values():
        ax.plot(
            [],
            [],
            color="0.3",
            ls=style["ls"],
            marker="o",
            mfc=style["mfc"] or "0.3",
            label=style["label"],
        )
    ax.axhline(0.5, color="0.6", lw=0.8)
    ax.set(
        xlabel="occluded fraction of the cue",
        ylabel="fraction of cues completed",
        ylim=(-0.02, 1.02),
    )
    panel(ax, "a", "completion against occlusion")
    legend_below(ax, ncol=2)


def _basins(ax, ds: xr.Dataset, table) -> None:
    alpha = table.alpha.to_numpy()
    for kind, style in KIND_STYLE.items():
        column = "free" if kind == FREE else "clamped"
        basin = table[column].to_numpy()
        ax.plot(
            alpha,
            basin,
            color="0.2",
            ls=style["ls"],
            marker="o",
            mfc=style["mfc"] or "0.2",
            label=style["label"],
            gid=f"basin {kind}",
        )
        past = basin >= float(ds.noise.max())  # completed at every level: at least this
        ax.plot(alpha[past], basin[past], "^", color="0.2", ms=10, mfc="none", ls="none")
    ax.plot(
        [],
        [],
        "^",
        color="0.2",
        ms=8,
        mfc="none",
        ls="none",
        label="at least (completed at every level of the grid)",
    )
    ax.set(
        xlabel=axis_label(ds["alpha"]) if "alpha" in ds.coords else "load P/N",
        ylabel="basin: occluded fraction completed by half the cues",
        ylim=(0, 1.02),
    )
    panel(ax, "b", "basins")
    legend_below(ax, ncol=1)


def _gain(ax, ds: xr.Dataset, table) -> None:
    table = table[np.isfinite(table.gain.to_numpy())]  # both basins past the grid: no gain
    alpha, gain = table.alpha.to_numpy(), table.gain.to_numpy()
    done = ~table.censored.to_numpy(dtype=bool)
    ax.errorbar(
        alpha[done],
        gain[done],
        yerr=table.resolution.to_numpy()[done] / 2,
        color="k",
        marker="o",
        capsize=3,
        ls="-",
        gid="gain",
    )
    if (~done).any():
        ax.plot(
            alpha[~done],
            gain[~done],
            "k^",
            ms=8,
            ls="none",
            gid="gain censored",
            label="at least (clamped basin past the grid)",
        )
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set(
        xlabel=axis_label(ds["alpha"]) if "alpha" in ds.coords else "load P/N",
        ylabel="basin gain of clamping (occluded fraction)",
    )
    panel(ax, "c", "gain = clamped - free basin")
    if (~done).any():
        legend_below(ax, ncol=1)
