"""Figure: the pitchfork of the single neuron, its hysteresis loops, and the network's overlap.

(a) fixed points v* against lambda (stable solid, unstable dashed, drawn without gaps: each
    branch is one continuous line that changes style where its stability changes, and the
    outer branches start at (lambda_c, 0)), lambda_c and the network's beta_c marked (dotted
    verticals, named in the legend; the lambda_c label above the markers), the small-amplitude law
    ``sqrt(3 (gain lambda - 1)) / (gain lambda)`` dotted, and the Hebbian network's own fixed
    points (overlap m against the gain beta) as small markers drawn under the lines;
(b) the hysteresis loops v* against h for the loop lambdas, with the fold points (x);
(c) the bistable window |h| < h_fold(lambda) with the closed form for tanh.
Legends sit under the panels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import OKABE_ITO, axis_label, colors, legend_below, panel
from hopsim.gallery.plan import Entry
from hopsim.theory.continuous import fold_points_tanh, small_amplitude_branch

STEMS = ("bifurcation",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("loop_lambda",)
#: the label of the dotted law, the same text as in README.md
LAW_LABEL = "sqrt(3 (gain lambda - 1)) / (gain lambda)"


def _segments(x, v, stable):
    """(x, v, is_stable) runs of one branch; neighbouring runs share their end point."""
    ok = np.isfinite(v)
    runs = []
    i = 0
    n = len(x)
    while i < n:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and ok[j + 1] and stable[j + 1] == stable[i]:
            j += 1
        stop = j + 2 if j + 1 < n and ok[j + 1] else j + 1  # share the next point: no gap
        runs.append((x[i:stop], v[i:stop], bool(stable[i])))
        i = j + 1
    return runs


def branch_lines(ax, x, v, stable, color, label=None, start=None):
    """Draw each branch: solid where stable, dashed where unstable, with no gaps.

    ``start`` (x0, v0) prepends the point a branch grows out of (the pitchfork at lambda_c).
    """
    for b in range(v.shape[1]):
        xb, vb, sb = x, v[:, b], stable[:, b].astype(bool)
        first = np.flatnonzero(np.isfinite(vb))
        if start is not None and b != 1 and first.size and first[0] > 0:
            xb = np.insert(xb.astype(float), first[0], start[0])
            vb = np.insert(vb, first[0], start[1])
            sb = np.insert(sb, first[0], sb[first[0]])
        for xs, vs, st in _segments(xb, vb, sb):
            ax.plot(
                xs,
                vs,
                "-" if st else "--",
                color=color,
                lw=2 if st else 1.6,
                zorder=3 if st else 4,
                gid="stable" if st else "unstable",
                label=label if (st and b == 2) else None,
            )
            label = None if st and b == 2 else label


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    fig, axes = plt.subplots(1, 3, figsize=(16, 6), constrained_layout=True)
    _pitchfork_panel(axes[0], ds)
    _loops_panel(axes[1], ds)
    _window_panel(axes[2], ds)
    fig.suptitle(
        f"single neuron tau dv/dt = -v + F(h + lambda v), F = "
        f"{ds.attrs.get('activation_formula', '?')}: solid stable, dashed unstable",
        fontsize=10,
    )
    return fig


def _pitchfork_panel(ax, ds: xr.Dataset) -> None:
    """(a) the single neuron's fixed points against lambda, the small-amplitude law, and
    the network's overlap against beta."""
    pal = OKABE_ITO
    gain = float(ds.gain)
    h0 = float(ds.h0)
    lam = ds["lambda"].values
    lc = float(ds.lambda_c)
    branch_lines(
        ax,
        lam,
        ds.v.values,
        ds.stable.values,
        pal[0],
        "single neuron v*(lambda)",
        start=(lc, 0.0) if h0 == 0.0 else None,
    )
    ax.plot([], [], "--", color=pal[0], lw=1.6, label="single neuron, unstable")
    ax.axvline(lc, color="0.5", lw=1, ls=":", label=f"single neuron lambda_c = {lc:.6g}")
    ax.annotate(
        f"lambda_c = {lc:.6g}",
        (lc, 0.0),
        xytext=(6, 7),  # clear of the network's markers on v = 0
        textcoords="offset points",
        fontsize=9,
        color="0.4",
        va="bottom",
        gid="lambda_c",
    )
    if ds.attrs.get("activation_formula", "").startswith("tanh") and h0 == 0.0:
        near = lam[(lam > lc) & (lam < lc + 0.4 / gain)]
        amp = small_amplitude_branch(near, gain)
        ax.plot(near, amp, ":", color="k", lw=1.5, label=LAW_LABEL, zorder=5)
        ax.plot(near, -amp, ":", color="k", lw=1.5, zorder=5)
    _network_branches(ax, ds)
    ax.set_xlabel(f"{axis_label(ds['lambda'])}  /  {axis_label(ds.beta)}")
    ax.set_ylabel("fixed point v*  /  overlap m")
    panel(ax, "a", f"pitchfork at h = {h0:g}")
    legend_below(ax, ncol=1)


def _network_branches(ax, ds: xr.Dataset) -> None:
    """The network's overlap m(beta), stable filled and unstable open, and its beta_c."""
    # at most ~17 network markers per branch, so the single-neuron lines stay visible
    step = max(1, int(np.ceil(ds.sizes["beta"] / 17)))
    beta = ds.beta.values[::step]
    m, st = ds.network_m.values[::step], ds.network_stable.values.astype(bool)[::step]
    net = OKABE_ITO[1]
    label = f"network overlap m(beta), N={int(ds.N)}, P={int(ds.P)}: stable"
    for b in range(m.shape[1]):
        ax.plot(
            beta[st[:, b]],
            m[st[:, b], b],
            "o",
            ms=4,
            color=net,
            alpha=0.8,
            zorder=2,
            label=label if b == 2 else None,
            gid="network",
        )
        ax.plot(
            beta[~st[:, b]],
            m[~st[:, b], b],
            "o",
            ms=4,
            mfc="none",
            color=net,
            alpha=0.8,
            zorder=2,
            gid="network",
            label="network: unstable" if b == 1 else None,
        )
    ax.axvline(
        float(ds.network_beta_c),
        color=net,
        lw=1,
        ls=":",
        label=f"network beta_c = 1/lambda_max(W) = {float(ds.network_beta_c):.4g}",
    )


def _loops_panel(ax, ds: xr.Dataset) -> None:
    """(b) the hysteresis loops v*(h), one per lambda, with their fold points."""
    hs = ds.h.values
    loop_colors = colors(ds.loop_lambda.size)
    for q, lq in enumerate(ds.loop_lambda.values):
        color = loop_colors[q]
        branch_lines(
            ax, hs, ds.loop_v.values[q], ds.loop_stable.values[q], color, f"lambda = {lq:g}"
        )
        hf, vf = float(ds.loop_h_fold[q]), float(ds.loop_v_fold[q])
        if np.isfinite(hf):
            ax.plot([-hf, hf], [vf, -vf], "x", color=color, ms=8, mew=2, zorder=6)
            for sign in (-1, 1):
                ax.axvline(sign * hf, color=color, lw=0.8, ls=":")
    ax.plot([], [], "x", color="0.3", mew=2, label="fold points h = +/- h_fold")
    ax.set_xlabel(axis_label(ds.h))
    ax.set_ylabel(axis_label(ds.loop_v))
    panel(ax, "b", "hysteresis loops v*(h)")
    legend_below(ax, ncol=2)


def _window_panel(ax, ds: xr.Dataset) -> None:
    """(c) the bistable window |h| < h_fold(lambda), against the tanh closed form."""
    pal = OKABE_ITO
    gain = float(ds.gain)
    lam = ds["lambda"].values
    ax.plot(lam, ds.h_fold.values, "-", color=pal[0], lw=2, label="h_fold (fold points)")
    ax.plot(lam, -ds.h_fold.values, "-", color=pal[0], lw=2)
    if ds.attrs.get("activation_formula", "").startswith("tanh"):
        theory = fold_points_tanh(lam[::10], gain)[0]
        ax.plot(lam[::10], theory, "o", mfc="none", color="k", ms=5, label="closed form (tanh)")
        ax.plot(lam[::10], -theory, "o", mfc="none", color="k", ms=5)
    ax.fill_between(
        lam,
        -ds.h_fold.values,
        ds.h_fold.values,
        color=pal[0],
        alpha=0.15,
        label="bistable: two stable states",
    )
    ax.set_xlabel(axis_label(ds["lambda"]))
    ax.set_ylabel(axis_label(ds.h))
    panel(ax, "c", "bistable window |h| < h_fold(lambda)")
    legend_below(ax, ncol=1)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"bifurcation": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 80
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "bifurcation",
        title="Single-neuron pitchfork",
        why="Fixed points of tau dv/dt = -v + tanh(h + lambda v) against lambda, the fold "
        "points of the hysteresis loops, and the network's own pitchfork.",
        overrides=("experiment=bifurcation",),
    ),
)
