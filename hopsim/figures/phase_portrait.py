"""Figure: the phase line dv/dt against v of the single neuron for several lambda.

(a) dv/dt against v, one curve per lambda, with arrows on the curves showing where v
moves (right where dv/dt > 0, left where dv/dt < 0), slid along their interval so the
arrows of neighbouring lambdas do not cover one another; (b) the phase line of each lambda
on its own row: fixed points as markers (filled stable, open unstable), so points of
different lambda at the same v (v = 0 for every lambda) cannot hide each other, and
arrows for the flow between them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import MARKERS, axis_label, colors, legend_below, panel
from hopsim.gallery.plan import Entry

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


def spread_arrows(
    v: np.ndarray, rates: np.ndarray, fixed: np.ndarray, length: float = 0.04
) -> list[list[tuple[float, float, int]]]:
    """(x, y, direction) of each curve's arrows in (a), placed apart from the other curves'.

    One arrow per interval between fixed points, as :func:`flow_arrows`, but slid along its
    interval (within its middle 60%) to where it is farthest from the arrows already placed:
    the outer intervals of similar lambdas lie on top of each other, and arrows at their
    middles would cover one another. Distances are measured in units of the arrow's size
    (``length`` of the v range sideways, a tenth of the dv/dt range up and down).
    """
    span_x = float(np.ptp(v)) or 1.0
    span_y = float(np.nanmax(rates) - np.nanmin(rates)) or 1.0
    placed: list[tuple[float, float]] = []
    out = []
    for k in range(rates.shape[0]):
        rate = rates[k]
        mine = []
        for mid, _ in flow_arrows(v, rate, fixed[k]):
            lo, hi = _interval(v, fixed[k], mid)
            best = None
            for t in np.linspace(0.2, 0.8, 25):
                x = lo + t * (hi - lo)
                y = float(np.interp(x, v, rate))
                gap = min(
                    (
                        max(abs(x - px) / (3 * length * span_x), abs(y - py) / (0.1 * span_y))
                        for px, py in placed
                    ),
                    default=np.inf,
                )
                score = (min(gap, 1.5), -abs(t - 0.5))  # clear enough: then nearest the middle
                if best is None or score > best[0]:
                    best = (score, x, y)
            _, x, y = best
            direction = 1 if np.interp(x, v, rate) > 0 else -1
            mine.append((x, y, direction))
            placed.append((x, y))
        out.append(mine)
    return out


def _interval(v: np.ndarray, fixed: np.ndarray, x: float) -> tuple[float, float]:
    """The interval between neighbouring fixed points (or the range's ends) around ``x``."""
    cuts = np.sort(np.concatenate([[v.min()], fixed[np.isfinite(fixed)], [v.max()]]))
    i = int(np.searchsorted(cuts, x))
    return float(cuts[max(i - 1, 0)]), float(cuts[min(i, cuts.size - 1)])


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    fig, (ax, ax_l) = plt.subplots(
        1, 2, figsize=(13, 5.5), constrained_layout=True, gridspec_kw={"width_ratios": [1.3, 1]}
    )
    lams = ds["lambda"].values
    pal = colors(len(lams))
    v = ds.v.values
    span = float(np.ptp(v))
    spread = spread_arrows(v, ds.dvdt.values, ds.fixed_point.values)
    for k, lam in enumerate(lams):
        rate = ds.dvdt.values[k]
        ax.plot(v, rate, color=pal[k], lw=2, label=f"lambda = {lam:g}")
        fp = ds.fixed_point.values[k]
        for x, y, d in spread[k]:
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
        f"h = {float(ds.h0):g}, tau = {float(ds.tau):g}",
        fontsize=10,
    )
    return fig


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"phase_portrait": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 90
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "phase_portrait",
        title="Single-neuron phase lines",
        why="dv/dt against v for five self-couplings (the source report's figure 2).",
        overrides=("experiment=phase_portrait",),
    ),
)
