"""Figures of the ``modern`` experiment: regimes, retrieval error and bound, grey pictures.

``modern``: one column per pattern set (sphere, clustered, ...), lettered (a), (b), ...;
rows against the inverse temperature beta, one line style (and marker) per P:

(x1) the fraction of queries whose fixed point is a single pattern, a metastable mixture or
     the global average (colours), with the theory's betas as grey vertical lines: below
     1/M^2 the fixed point must be the global one; above beta_ret (the median query's)
     Ramsauer et al.'s bound guarantees one-step retrieval;
(x2) the number of patterns carrying ``mass`` of the softmax weight at the fixed point
     (median over the queries);
(x3) the distance to the cued pattern after one update and at the fixed point, with the
     one-step bound (medians; a distance of exactly 0 is drawn on the lower edge).

The last column holds the key, the classification rule, and a panel of every query's
measured one-step distance against its bound (all below the diagonal when the bound holds).

One colour, one meaning: the regimes take blue, orange and green; "at the fixed point" is
black (rows 2 and 3), "after one update" vermillion (row 3 and the bound check, where the
pattern sets differ by marker), the bound grey.

``modern_pictures``: the stored grey-level pictures, the masked and the noisy queries, one
update and the fixed point, each titled with its distance to the original.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import (
    LINESTYLES,
    MARKERS,
    OKABE_ITO,
    FigureError,
    legend_below,
    setting,
)
from hopsim.gallery.plan import Entry
from hopsim.modern import REGIMES

STEMS = ("modern", "modern_pictures")
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("kind", "P", "beta", "image", "query_kind")

REGIME_COLOURS = {"single": OKABE_ITO[0], "metastable": OKABE_ITO[4], "global": OKABE_ITO[2]}
#: one colour, one meaning across the figure: the regimes of row (1) take blue, orange and
#: green; "at the fixed point" is black in rows (2) and (3); "after one update" vermillion in
#: row (3) and in the bound check, whose pattern kinds differ by marker
ONE_STEP, FIXED, BOUND = OKABE_ITO[1], OKABE_ITO[6], "0.55"
KIND_MARKERS = {"sphere": "o", "gaussian": "^", "clustered": "s"}
STYLE_SAMPLE = "0.3"  # the key's P line styles: no colour meaning
THEORY_GREY = "#666666"
#: distances of exactly 0 (and below this) are drawn here on the log axes
FLOOR = 1e-16


def _betas(ds: xr.Dataset, kind) -> list[tuple[float, str]]:
    bg = float(ds.beta_global.sel(kind=kind).min())
    br = float(ds.beta_retrieval.sel(kind=kind).median())
    return [(b, name) for b, name in ((bg, "1/M\u00b2"), (br, "beta_ret")) if np.isfinite(b)]


def _beta_lines(ax, ds: xr.Dataset, kind, label: bool = False) -> None:
    """Grey vertical lines at the theory's betas, named at the top of the panel."""
    for beta, name in _betas(ds, kind):
        ax.axvline(beta, color=THEORY_GREY, lw=2.2, alpha=0.45, zorder=0, gid="theory_beta")
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


def _floor(values) -> np.ndarray:
    return np.maximum(np.asarray(values, dtype=float), FLOOR)


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    """The regimes figure (module docstring)."""
    kinds = [str(k) for k in ds.kind.values]
    Ps = [int(P) for P in ds.P.values]
    if len(Ps) > len(LINESTYLES):
        raise FigureError(
            f"modern figure: {len(Ps)} values of P, but only {len(LINESTYLES)} line styles; "
            "run fewer modern.P"
        )
    letters = "abcdefgh"
    ncol = len(kinds) + 1
    fig, axes = plt.subplots(3, ncol, figsize=(4.6 * ncol, 11.5), squeeze=False)
    for j, kind in enumerate(kinds):
        sel = ds.sel(kind=kind)
        _regime_panel(axes[0, j], ds, sel, kind, Ps, letters[j])
        _mixture_panel(axes[1, j], ds, sel, kind, Ps, letters[j])
        _error_panel(axes[2, j], ds, sel, kind, Ps, letters[j])
    # key and the bound check in the last column
    _key_panel(axes[0, -1], ds, Ps)
    _note_panel(axes[1, -1], ds)
    _bound_check_panel(axes[2, -1], ds, kinds, letters[len(kinds)])
    fig.suptitle(
        f"Modern Hopfield network: d = {setting(ds, 'd')}, query noise "
        f"{float(setting(ds, 'query_noise')):g}, {ds.sizes['query']} queries per point; "
        f"clustered: {setting(ds, 'members')} members at cosine "
        f"{float(setting(ds, 'cosine')):g} to their centre",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _regime_panel(ax, ds: xr.Dataset, sel: xr.Dataset, kind: str, Ps: list, L: str) -> None:
    """(L1): the fraction of queries in each kind of fixed point against beta, per P."""
    beta = ds.beta.values
    for code, regime in enumerate(REGIMES):
        for style, P in zip(LINESTYLES, Ps, strict=False):
            frac = (sel.regime.sel(P=P) == code).mean("query")
            ax.plot(
                beta,
                frac.values,
                ls=style,
                color=REGIME_COLOURS[regime],
                lw=1.5,
                gid=f"regime:{regime}:{P}",
            )
    _beta_lines(ax, ds, kind, label=True)
    ax.set(
        xscale="log",
        ylim=(-0.03, 1.03),
        xlabel="inverse temperature beta",
        ylabel="fraction of queries",
    )
    ax.set_title(f"({L}1) {kind} patterns: kind of fixed point\n", loc="left")


def _mixture_panel(ax, ds: xr.Dataset, sel: xr.Dataset, kind: str, Ps: list, L: str) -> None:
    """(L2): the patterns holding the softmax weight at the fixed point (median query)."""
    beta = ds.beta.values
    mass = float(setting(ds, "mass"))
    for style, mk, P in zip(LINESTYLES, MARKERS, Ps, strict=False):
        k = sel.mixture.sel(P=P).median("query")
        ax.plot(beta, k.values, ls=style, marker=mk, ms=4, color=FIXED, gid=f"k:{P}")
    if kind == "clustered":
        members = int(setting(ds, "members"))
        ax.axhline(members, color="gray", lw=0.8)
        ax.text(
            float(beta.min()),
            members * 1.15,
            f"cluster size {members}",
            fontsize=7,
            color="gray",
        )
    _beta_lines(ax, ds, kind)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="inverse temperature beta",
        ylabel=f"patterns holding {mass:g} of the\nsoftmax weight (median query)",
    )
    ax.set_title(f"({L}2) {kind}: patterns in the fixed point", loc="left")


def _error_panel(ax, ds: xr.Dataset, sel: xr.Dataset, kind: str, Ps: list, L: str) -> None:
    """(L3): the distance to the cued pattern after one update, at the fixed point, and the
    one-step bound (median query)."""
    beta = ds.beta.values
    for style, P in zip(LINESTYLES, Ps, strict=False):
        cell = sel.sel(P=P)
        ax.plot(
            beta,
            _floor(cell.one_step_error.median("query")),
            ls=style,
            color=ONE_STEP,
            gid=f"one_step:{P}",
        )
        ax.plot(beta, _floor(cell.error.median("query")), ls=style, color=FIXED, gid=f"error:{P}")
        ax.plot(
            beta,
            _floor(cell.bound.median("query")),
            ls=style,
            color=BOUND,
            lw=0.9,
            gid=f"bound:{P}",
        )
    _beta_lines(ax, ds, kind)
    ax.set(
        xscale="log",
        yscale="log",
        ylim=(FLOOR / 3, 5),
        xlabel="inverse temperature beta",
        ylabel="distance to the cued pattern\n(median query; 0 drawn at 1e-16)",
    )
    ax.set_title(f"({L}3) {kind}: retrieval error", loc="left")


def _key_panel(key, ds: xr.Dataset, Ps: list) -> None:
    """The legend of every column's lines, on an empty axes."""
    key.set_axis_off()
    for regime, colour in REGIME_COLOURS.items():
        key.plot([], [], color=colour, lw=2, label=f"(1) {regime}")
    for style, mk, P in zip(LINESTYLES, MARKERS, Ps, strict=False):
        key.plot(
            [], [], ls=style, marker=mk, color=STYLE_SAMPLE, label=f"P={P} (d={setting(ds, 'd')})"
        )
    key.plot([], [], color=THEORY_GREY, lw=2.2, alpha=0.45, label="theory: 1/M\u00b2 and beta_ret")
    key.plot([], [], color=ONE_STEP, label="(3) after one update")
    key.plot([], [], color=FIXED, label="(2), (3) at the fixed point")
    key.plot([], [], color=BOUND, lw=0.9, label="(3) Ramsauer et al. one-step bound")
    key.legend(loc="upper left", fontsize=8, title="lines of every column", title_fontsize=8)


def _note_panel(note, ds: xr.Dataset) -> None:
    """How the kind of fixed point is decided, and the theory's lines, as text."""
    mass = float(setting(ds, "mass"))
    note.set_axis_off()
    note.text(
        0.0,
        0.98,
        "Kind of fixed point, from the softmax weights p\n"
        f"at it: k = fewest patterns holding {mass:g} of p;\n"
        f"k = 1 single, k < {float(setting(ds, 'global_fraction')):g} P metastable, "
        "else global.\n\n"
        "Theory: below beta = 1/M\u00b2 the update is a\n"
        "contraction, so the only fixed point is the\n"
        "global average; above beta_ret (median query)\n"
        "the one-step bound is below 1e-3 M.",
        transform=note.transAxes,
        fontsize=9,
        va="top",
    )


def _bound_check_panel(ax, ds: xr.Dataset, kinds: list, last: str) -> None:
    """(last): every query's one-step distance against Ramsauer et al.'s bound."""
    for kind in kinds:
        sel = ds.sel(kind=kind)
        b = sel.bound.values.ravel()
        e = sel.one_step_error.values.ravel()
        ok = np.isfinite(b) & np.isfinite(e)
        ax.loglog(
            np.maximum(b[ok], 1e-17),
            np.maximum(e[ok], 1e-17),
            KIND_MARKERS.get(kind, "D"),
            ms=4,
            mfc="none",
            mew=0.8,
            alpha=0.5,
            color=ONE_STEP,
            label=kind,
            gid=f"bound_check:{kind}",
        )
    ax.plot([1e-17, 3], [1e-17, 3], "-", color=BOUND, lw=1.2, label="distance = bound")
    ax.set(
        xlabel="bound 2 eps M on the one-step distance",
        ylabel="measured one-step distance\n(0 drawn at 1e-17)",
    )
    ax.set_title(f"({last}) one-step distance and its bound,\nevery query, beta and P", loc="left")
    legend_below(ax, ncol=3)


def _distance(value: float) -> str:
    """Three decimals, or two digits of a tiny distance (not a misleading 0.000)."""
    if value == 0:
        return "0"
    return f"{value:.3f}" if value >= 1e-3 else f"{value:.1e}"


def picture_figure(ds: xr.Dataset, **_) -> plt.Figure:
    """The grey-level pictures: original, masked and noisy queries, one update, fixed point."""
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
        len(images), len(cols), figsize=(1.7 * len(cols), 1.85 * len(images) + 0.4), squeeze=False
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
                err = ds[name.replace("picture_", "picture_error_")].sel(image=image, query_kind=qk)
                label += f"\ndistance {_distance(float(err))}"
            ax.set_title(label, fontsize=7)
        axes[r, 0].set_ylabel(image, fontsize=8)
    fig.suptitle(
        f"Grey-level pictures in a modern Hopfield network ({side} x {side}, beta = "
        f"{float(setting(ds, 'image_beta')):g}); masked: bottom {float(setting(ds, 'mask')):g} "
        f"of the rows mid-grey; noisy: pixel noise std {float(setting(ds, 'image_noise')):g} "
        "(grey range 2, shown clipped)\ndistance: Euclidean, to the original, pictures scaled "
        "to (2 grey - 1) / side",
        fontsize=8,
    )
    fig.tight_layout()
    return fig


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"modern": figure(ds), "modern_pictures": picture_figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 50
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "modern",
        title="Modern continuous Hopfield network",
        why="The softmax update: its three fixed-point regimes against beta, the one-step "
        "error against Ramsauer et al.'s bound, and grey-level pictures.",
        overrides=("experiment=modern",),
    ),
)
