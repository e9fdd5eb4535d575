"""Learning-rules figure: stability, retrieval and basins against load, every rule.

``rules``: one column per N (``N = ...`` in each title), three rows against the load P/N
(log axis), one colour and marker per rule:

(a) the fraction of stored patterns that are fixed points, mean over the networks, with
    each rule's exact-storage load from theory as a dashed vertical line in its colour
    (Hebb and covariance 1/(4 ln N), every pattern at once, Storkey 1/sqrt(2 ln N),
    pseudo-inverse 1,
    Krauth-Mezard Gardner's alpha_c(0) = 2);
(b) the mean final overlap from cues with one cue noise (``noise=`` or ``--fix noise=X``,
    default the level nearest 0.1; the levels are never averaged), with the retrieval loads
    from theory dotted (Hebb and covariance 0.138, with errors; pseudo-inverse 1;
    Krauth-Mezard alpha_c(kappa) only for a margin kappa > 0);
(c) the basin size: the largest cue noise up to which every level is still recalled (mean
    overlap >= the run's ``recall_overlap``), median over the networks; a gap where the
    median network does not even recall the stored pattern itself.

Rules whose curves coincide (covariance is Hebb at bias 0) alternate solid and dashed,
filled and hollow, so neither hides the other; rules sharing a theory load interleave the
dashes of their lines.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from hopsim.figures._common import LINE_COLORS, FigureError, axis_label, fmt

STEMS = ("rules",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("rule", "N", "alpha", "noise")
#: own dimensions --fix may choose: the cue noise of row (b)
FIX_DIMS = ("noise",)

#: one Okabe-Ito colour and marker per rule of the registry; other rules take the rest.
#: Krauth-Mezard is black, not orange: orange beside Storkey's vermillion was hard to tell
#: apart, and both cross the same loads
PALETTE = {
    "hebb": LINE_COLORS[0],
    "storkey": LINE_COLORS[1],
    "pseudo_inverse": LINE_COLORS[2],
    "covariance": LINE_COLORS[3],
    "krauth_mezard": LINE_COLORS[6],
}
EXTRA = (LINE_COLORS[5], LINE_COLORS[4])
MARKERS = {
    "hebb": "o",
    "storkey": "s",
    "pseudo_inverse": "^",
    "covariance": "v",
    "krauth_mezard": "D",
}
EXTRA_MARKERS = ("P", "X", "*")


def rule_styles(rules) -> dict[str, tuple[str, str]]:
    """(colour, marker) of every rule; a :class:`FigureError` past the palette's colours."""
    out, spare = {}, 0
    for rule in rules:
        rule = str(rule)
        if rule in PALETTE:
            out[rule] = (PALETTE[rule], MARKERS[rule])
            continue
        if spare >= len(EXTRA):
            raise FigureError(
                f"rules figure: {len(list(rules))} rules, but only {len(PALETTE) + len(EXTRA)} "
                "colours can be told apart; run fewer rules.names"
            )
        out[rule] = (EXTRA[spare], EXTRA_MARKERS[spare])
        spare += 1
    return out


def pick_noise(ds: xr.Dataset, requested: float | None) -> float:
    """The cue noise to draw: the requested one (must exist) or the one nearest 0.1."""
    levels = np.atleast_1d(ds.noise.values).astype(float)
    if requested is None:
        positive = levels[levels > 0]
        pool = positive if positive.size else levels
        return float(pool[np.argmin(np.abs(pool - 0.1))])
    match = np.isclose(levels, float(requested))
    if not match.any():
        raise FigureError(
            f"--noise {fmt(float(requested))}: the run's cue noise levels are "
            f"{', '.join(fmt(v) for v in levels)}"
        )
    return float(levels[match][0])


def _theory_note(ds: xr.Dataset) -> str:
    """Which rules have a retrieval load from theory, and its value (the dotted lines)."""
    parts = []
    for rule in ds.rule.values:
        values = ds.alpha_retrieval_theory.sel(rule=rule).values
        if np.isfinite(values).any():
            parts.append(f"{str(rule).replace('_', ' ')} {fmt(float(np.nanmax(values)))}")
    return ", ".join(parts) or "none"


def figure(ds: xr.Dataset, noise: float | None = None, **_) -> plt.Figure:
    """Draw the three rows (module docstring); ``noise`` picks the cue noise of row (b)."""
    level = pick_noise(ds, noise)
    Ns = ds.N.values
    styles = rule_styles(ds.rule.values)
    fig, axes = plt.subplots(
        3, len(Ns), figsize=(4.4 * len(Ns), 10.2), sharex=True, sharey="row", squeeze=False
    )
    stable = ds.stable_fraction.mean("trial")
    overlap = ds.overlap.sel(noise=level).mean("trial")
    basin = ds.basin_noise.median("trial")
    x = ds.alpha.values
    rows = ("fixed points", f"recall, cue noise {fmt(level)}", "basin size")
    for col, N in enumerate(Ns):
        shared: tuple[dict, dict] = ({}, {})
        for r, rule in enumerate(ds.rule.values):
            c, mk = styles[str(rule)]
            style = dict(color=c, marker=mk, ms=4, lw=1.5, label=str(rule).replace("_", " "))
            if r % 2:  # every other rule hollow and dashed: curves that coincide stay visible
                style.update(ls=(0, (5, 2)), mfc="none", ms=6)
            for row, data in enumerate((stable, overlap, basin)):
                axes[row, col].plot(x, data.sel(rule=rule, N=N).values, gid=f"data:{rule}", **style)
            exact = float(ds.alpha_exact_theory.sel(rule=rule, N=N))
            retrieval = float(ds.alpha_retrieval_theory.sel(rule=rule, N=N))
            # rules that share a theory line draw it in interleaved dashes, so none hides
            key = round(exact, 6)
            share = shared[0].get(key, 0)
            shared[0][key] = share + 1
            axes[0, col].axvline(exact, color=c, ls=(4 * share, (4, 4)), lw=1.2, gid="exact")
            if np.isfinite(retrieval):
                key = round(retrieval, 6)
                share = shared[1].get(key, 0)
                shared[1][key] = share + 1
                axes[1, col].axvline(
                    retrieval, color=c, ls=(2 * share, (1.5, 2.5)), lw=1.4, gid="retrieval"
                )
        for row in range(3):
            ax = axes[row, col]
            ax.set_title(f"({'abc'[row]}{col + 1}) N = {int(N)}: {rows[row]}", loc="left")
            ax.set_xscale("log")
            ax.grid(alpha=0.3, which="both")
        axes[2, col].set_xlabel(axis_label(ds.alpha))
        for row in range(2):
            axes[row, col].tick_params(labelbottom=True)
    axes[0, 0].set_ylabel("stored patterns that are\nfixed points (fraction)")
    axes[1, 0].set_ylabel(f"final overlap m, mean\n(cues with noise {fmt(level)})")
    axes[2, 0].set_ylabel(
        "largest cue noise recalled,\nmedian network "
        f"(mean m >= {float(ds.attrs['recall_overlap']):g})"
    )
    axes[0, 0].set_ylim(-0.03, 1.03)
    axes[1, 0].set_ylim(min(-0.05, float(overlap.min()) - 0.05), 1.03)
    top = np.nanmax([float(np.nanmax(ds.noise.values)), float(basin.max())])
    axes[2, 0].set_ylim(-0.01, top * 1.05 + 0.01)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles += [
        Line2D([], [], color="0.3", ls="--", lw=1),
        Line2D([], [], color="0.3", ls=":", lw=1.4),
    ]
    labels += [
        "(a) theory: every pattern stable",
        f"(b) theory: retrieval load\n({_theory_note(ds)})",
    ]
    options = ds.attrs.get("learning_options")
    fig.suptitle(
        f"Learning rules compared ({ds.sizes['trial']} pattern sets per point, "
        f"{ds.attrs['cues_per_network']} cues per network, {ds['update'].item()} updates, "
        f"bias {float(ds['bias']):g})\ntheory lines in the rule's colour; no point in (c) where "
        "the median network does not recall even the stored pattern"
        + (f"\noptions: {options}" if options else ""),
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=3 if len(Ns) > 1 else 2,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
        fontsize=9,
    )
    return fig


def figures(ds: xr.Dataset, noise: float | None = None, **_) -> dict[str, plt.Figure]:
    return {"rules": figure(ds, noise)}
