"""Figure: the phase line dv/dt against v of the single neuron for several lambda.

(a) dv/dt against v, one curve per lambda, with arrows on the curves showing where v
moves (right where dv/dt > 0, left where dv/dt < 0); (b) the phase line of each lambda
on its own row: fixed points as markers (filled stable, open unstable), so points of
different lambda at the same v (v = 0 for every lambda) cannot hide each other, and
arrows for the flow between them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import MARKERS, axis_label, colors, legend_below, panel

STEMS = ("phase_portrait",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("lambda",)


def flow_arrows(v: np.ndarray, rate: np.ndarray, fixed: np.ndarray) -> list[tuple[float, int]]:
    """(position, direction +1/-1) of one arrow in each interval between fixed points."""
    lo, hi = float(v.min()), float(v.max())
    cuts = np.sort(np.concatenate([[lo], fixed[np.isfinite(fixed)], [hi]]))
    out = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        if b - a < 0.02 * (hi - lo):
            continue
        mid = 0.5 * (a + b)
        r = float(np.interp(mid, v, rate))
        if r != 0:
            out.append((mid, 1 if r > 0 else -1))
    return out


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    fig, (ax, ax_l) = plt.subplots(
        1, 2, figsize=(13, 5.5), constrained_layout=True, gridspec_kw={"width_ratios": [1.3, 1]}
    )
    lams = ds["lambda"].values
    pal = colors(len(lams))
    v = ds.v.values
    span = float(np.ptp(v))
    for k, lam in enumerate(lams):
        rate = ds.dvdt.values[k]
        ax.plot(v, rate, color=pal[k], lw=2, label=f"lambda = {lam:g}")
        fp = ds.fixed_point.values[k]
        for x, d in flow_arrows(v, rate, fp):
            y = float(np.interp(x, v, rate))
            ax.annotate(
                "",
                xy=(x + d * 0.04 * span, y),
                xytext=(x - d * 0.04 * span, y),
                arrowprops=dict(arrowstyle="-|>", color=pal[k], lw=1.5, mutation_scale=14),
                gid="flow",
            )
        # the phase line of this lambda on row k of panel (b)
        ax_l.axhline(k, color=pal[k], lw=1)
        for x, d in flow_arrows(v, rate, fp):
            ax_l.annotate(
                "",
                xy=(x + d * 0.05 * span, k),
                xytext=(x - d * 0.05 * span, k),
                arrowprops=dict(arrowstyle="-|>", color=pal[k], lw=1.5, mutation_scale=14),
                gid="flow",
            )
        st = ds.stable.values[k].astype(bool)
        ok = np.isfinite(fp)
        ax_l.plot(
            fp[ok & st],
            np.full((ok & st).sum(), k),
            MARKERS[0],
            color=pal[k],
            ms=10,
            zorder=3,
            gid="fixed_stable",
        )
        ax_l.plot(
            fp[ok & ~st],
            np.full((ok & ~st).sum(), k),
            MARKERS[0],
            mfc="white",
            color=pal[k],
            ms=10,
            mew=2,
            zorder=3,
            gid="fixed_unstable",
        )
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xlabel(axis_label(ds.v))
    ax.set_ylabel(axis_label(ds.dvdt))
    panel(ax, "a", "dv/dt against v; arrows: direction of motion")
    legend_below(ax, ncol=len(lams))
    ax_l.set_yticks(range(len(lams)), [f"lambda = {lam:g}" for lam in lams])
    ax_l.set_ylim(-0.6, len(lams) - 0.4)
    ax_l.set_xlim(ax.get_xlim())
    ax_l.set_xlabel(axis_label(ds.v))
    for side in ("top", "right", "left"):
        ax_l.spines[side].set_visible(False)
    ax_l.plot([], [], "o", color="0.3", ms=9, label="stable fixed point")
    ax_l.plot([], [], "o", mfc="white", color="0.3", mew=2, ms=9, label="unstable fixed point")
    panel(ax_l, "b", "phase line of each lambda")
    legend_below(ax_l, ncol=2)
    fig.suptitle(
        f"tau dv/dt = -v + F(h + lambda v), F = {ds.attrs.get('activation_formula', '?')}, "
        f"h = {float(ds.h0):g}",
        fontsize=10,
    )
    return fig


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"phase_portrait": figure(ds)}
