"""Figures of the ``modern`` experiment: regimes, retrieval error and bound, grey pictures.

Usage::

    python analysis/modern.py [RUN_DIR_OR_RESULT_NC]

Writes beside the dataset

``modern.{png,pdf}``
    Per pattern set (sphere, clustered, ...): (top) the fraction of queries whose fixed
    point is a single pattern, a metastable mixture or the global average against beta,
    one line style per P, with the theory's betas (below 1/M^2 the fixed point must be
    the global one; above beta_retrieval, the median query's, Ramsauer et al.'s bound
    guarantees one-step retrieval); (middle) the number of patterns in the fixed point's
    mixture; (bottom) the distance to the cued pattern after one update and at the fixed
    point, with the bound. Last column: measured one-step distance against the bound.
``modern_pictures.{png,pdf}``
    Grey-level pictures: original, masked query, one update, fixed point, noisy query,
    one update, fixed point.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.modern import REGIMES
from hopsim.plotting import open_from_cli, report, save_figure

# Okabe-Ito: single, metastable, global
REGIME_COLOURS = {"single": "#0072B2", "metastable": "#E69F00", "global": "#009E73"}
STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D"]


def _beta_lines(ax, ds, kind, label: bool = False) -> None:
    """Grey vertical lines at the theory's betas, named at the top of the panel."""
    bg = float(ds.beta_global.sel(kind=kind).min())
    br = float(ds.beta_retrieval.sel(kind=kind).median())
    for beta, name in ((bg, "1/M\u00b2"), (br, "beta_ret")):
        if not np.isfinite(beta):
            continue
        ax.axvline(beta, color="#666666", lw=2.2, alpha=0.45, zorder=0)
        if label:
            ax.text(
                beta,
                1.0,
                name,
                transform=ax.get_xaxis_transform(),
                fontsize=7,
                ha="center",
                va="bottom",
                color="#444444",
            )


def figure(ds: xr.Dataset) -> plt.Figure:
    kinds = [str(k) for k in ds.kind.values]
    ncol = len(kinds) + 1
    fig, axes = plt.subplots(3, ncol, figsize=(4.6 * ncol, 11), squeeze=False)
    Ps = [int(P) for P in ds.P.values]
    for j, kind in enumerate(kinds):
        sel = ds.sel(kind=kind)
        ax = axes[0, j]
        for code, regime in enumerate(REGIMES):
            for style, P in zip(STYLES, Ps, strict=False):
                frac = (sel.regime.sel(P=P) == code).mean("query")
                ax.plot(ds.beta, frac, style, color=REGIME_COLOURS[regime], lw=1.5)
        _beta_lines(ax, ds, kind, label=True)
        ax.set(
            xscale="log",
            ylim=(-0.03, 1.03),
            xlabel="inverse temperature beta",
            ylabel="fraction of queries",
            title=f"({'abc'[j]}1) {kind} patterns: kind of fixed point\n",
        )
        ax = axes[1, j]
        for style, mk, P in zip(STYLES, MARKERS, Ps, strict=False):
            k = sel.mixture.sel(P=P).median("query")
            ax.plot(ds.beta, k, style, marker=mk, ms=4, color="#CC79A7", label=f"P={P}")
        if kind == "clustered":
            ax.axhline(ds.attrs["members"], color="gray", lw=0.8)
            ax.text(
                float(ds.beta.min()),
                ds.attrs["members"] * 1.15,
                f"cluster size {ds.attrs['members']}",
                fontsize=7,
                color="gray",
            )
        _beta_lines(ax, ds, kind)
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="inverse temperature beta",
            ylabel=f"patterns with {ds.attrs['mass']:g} of the softmax weight (median)",
            title=f"({'abc'[j]}2) {kind}: patterns in the fixed point",
        )
        ax.legend(fontsize=7)
        ax = axes[2, j]
        for style, P in zip(STYLES, Ps, strict=False):
            cell = sel.sel(P=P)
            ax.plot(ds.beta, cell.one_step_error.median("query"), style, color="#D55E00")
            ax.plot(ds.beta, cell.error.median("query"), style, color="#0072B2")
            ax.plot(ds.beta, cell.bound.median("query"), style, color="gray", lw=0.9)
        _beta_lines(ax, ds, kind)
        ax.set(
            xscale="log",
            yscale="log",
            ylim=(1e-16, 5),
            xlabel="inverse temperature beta",
            ylabel="distance to the cued pattern (median)",
            title=f"({'abc'[j]}3) {kind}: retrieval error",
        )
    # key and the bound check in the last column
    key = axes[0, -1]
    key.set_axis_off()
    for regime, colour in REGIME_COLOURS.items():
        key.plot([], [], color=colour, lw=2, label=regime)
    for style, P in zip(STYLES, Ps, strict=False):
        key.plot([], [], style, color="k", label=f"P={P} (d={ds.attrs['d']})")
    key.plot(
        [],
        [],
        color="#666666",
        lw=2.2,
        alpha=0.45,
        label="theory: 1/M\u00b2 (below: only the global",
    )
    key.plot([], [], lw=0, label="  fixed point) and beta_ret (above: the one-")
    key.plot([], [], lw=0, label="  step bound < 1e-3 M, median query)")
    key.plot([], [], color="#D55E00", label="after one update")
    key.plot([], [], color="#0072B2", label="at the fixed point")
    key.plot([], [], color="gray", lw=0.9, label="Ramsauer et al. one-step bound")
    key.legend(loc="upper left", fontsize=8, title="lines", title_fontsize=8)
    axes[1, -1].set_axis_off()
    axes[1, -1].text(
        0.0,
        0.9,
        "Kind of fixed point, from the softmax weights p\n"
        f"at it: k = fewest patterns holding {ds.attrs['mass']:g} of p;\n"
        f"k = 1 single, k < {ds.attrs['global_fraction']:g} P metastable, else global.\n\n"
        "Random patterns on the sphere jump from the\n"
        "global average to single patterns; clustered\n"
        "patterns pass through mixtures of one cluster.",
        transform=axes[1, -1].transAxes,
        fontsize=9,
        va="top",
    )
    ax = axes[2, -1]
    for kind, mk in zip(kinds, MARKERS, strict=False):
        sel = ds.sel(kind=kind)
        b = sel.bound.values.ravel()
        e = sel.one_step_error.values.ravel()
        ok = np.isfinite(b) & np.isfinite(e)
        ax.loglog(
            np.maximum(b[ok], 1e-17), np.maximum(e[ok], 1e-17), mk, ms=2.5, alpha=0.4, label=kind
        )
    ax.plot([1e-17, 3], [1e-17, 3], "k-", lw=0.9, label="error = bound")
    ax.set(
        xlabel="bound 2 eps M on the one-step distance",
        ylabel="measured one-step distance (0 drawn at 1e-17)",
        title="(d) every query lies below the bound",
    )
    ax.legend(fontsize=7)
    fig.suptitle(
        f"Modern Hopfield network: d = {ds.attrs['d']}, query noise {ds.attrs['query_noise']:g}, "
        f"{ds.sizes['query']} queries per point, clustered: {ds.attrs['members']} members at "
        f"cosine {ds.attrs['cosine']:g} to their centre",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def picture_figure(ds: xr.Dataset) -> plt.Figure:
    images = [str(i) for i in ds.image.values]
    cols = [
        ("picture", None, "original"),
        ("picture_query", "masked", "masked query"),
        ("picture_one_step", "masked", "one update"),
        ("picture_fixed", "masked", "fixed point"),
        ("picture_query", "noisy", "noisy query"),
        ("picture_one_step", "noisy", "one update"),
        ("picture_fixed", "noisy", "fixed point"),
    ]
    fig, axes = plt.subplots(
        len(images), len(cols), figsize=(1.7 * len(cols), 1.85 * len(images)), squeeze=False
    )
    side = ds.sizes["row"]
    for r, image in enumerate(images):
        for c, (name, qk, title) in enumerate(cols):
            da = ds[name].sel(image=image)
            if qk is not None:
                da = da.sel(query_kind=qk)
            ax = axes[r, c]
            # stored as (2 grey - 1) / side; shown in grey levels 0 (black) .. 1 (white)
            ax.imshow((da.values * side + 1) / 2, cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            label = title
            if qk is not None:
                err = ds[f"{name.replace('picture_', 'picture_error_')}"].sel(
                    image=image, query_kind=qk
                )
                label += f"\ndistance {float(err):.3f}"
            ax.set_title(label, fontsize=7)
        axes[r, 0].set_ylabel(image, fontsize=8)
    fig.suptitle(
        f"Grey-level pictures in a modern Hopfield network ({side} x {side}, beta = "
        f"{ds.attrs['image_beta']:g}); masked: bottom {ds.attrs['mask']:g} of the rows "
        f"mid-grey; noisy: pixel noise std {ds.attrs['image_noise']:g} (grey range 2)",
        fontsize=8,
    )
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    ds, out_dir = open_from_cli("modern", __doc__.splitlines()[0], argv)
    paths = save_figure(figure(ds), out_dir, "modern")
    paths += save_figure(picture_figure(ds), out_dir, "modern_pictures")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
