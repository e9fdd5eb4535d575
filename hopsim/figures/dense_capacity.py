"""Figure of the ``dense_capacity`` experiment: capacity of dense associative memories.

Two figures (seven panels in one were too small to read at any page width), text at 9 pt
or more at the saved size, and the table ``dense_capacity.csv`` (measured capacities next
to the predictions, with the slopes of :func:`table`).

``dense_capacity``, two panels a row:

(a-d) one per energy F: the fraction of stored patterns that are fixed points (solid, filled
    markers) and the fraction of pattern sets with every stored pattern fixed (dashed, open
    markers), means over the sets, against P / prediction (Krotov-Hopfield for x^n,
    2^(N/2) + 1 for exp), one colour per N; capacity is where a curve crosses 1/2 (grey).

``dense_capacity_growth``, its letters following the first figure's:

(e) capacity against N on log-log axes for the polynomial energies, both criteria (filled:
    per pattern, open: all fixed) with the Krotov-Hopfield law (solid) and its all-patterns
    version (dashed), and the measured log-log slope next to the law's local slope over the
    same sizes; the key beside it explains the markers and lines;
(f) F = exp: capacity against N on a log scale with Demircigil et al.'s guaranteed rate
    exp(N ln2/2) + 1, the one-bit-pair limit of the all-fixed capacity and 2^N / N;
(g) the mean final overlap from noisy cues against P / prediction, at the largest N of
    each energy.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import xarray as xr

from hopsim.analysis.dense import capacity_growth, degree
from hopsim.figures._common import colors, legend_below, plain_ticks, setting
from hopsim.gallery.plan import Entry
from hopsim.theory import dense as theory

STEMS = ("dense_capacity", "dense_capacity_growth")
#: smallest font (points at the saved size) of any text in the figures
FONT = 9
CSV = "dense_capacity.csv"
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("energy", "N", "factor")


def _ran(ds: xr.Dataset, name) -> list:
    """The sizes N the energy ran with (the N coordinate is the union of both size lists)."""
    sel = ds.theory_pattern.sel(energy=name)
    return [N for N in ds.N.values if np.isfinite(float(sel.sel(N=N)))]


def table(ds: xr.Dataset) -> pd.DataFrame:
    """Measured and predicted capacities per (energy, N); ``attrs["slopes"]`` and
    ``attrs["slopes_all"]`` hold, per energy, the :class:`hopsim.analysis.dense.Growth` of
    the per-pattern and all-fixed capacities (the numbers the claims table quotes)."""
    rows = []
    for name in ds.energy.values:
        n = degree(str(name))
        for N in _ran(ds, name):
            rows.append(
                {
                    "energy": str(name),
                    "N": int(N),
                    "capacity_pattern": float(ds.capacity_pattern.sel(energy=name, N=N)),
                    "theory_pattern": float(ds.theory_pattern.sel(energy=name, N=N)),
                    "capacity_all": float(ds.capacity_all.sel(energy=name, N=N)),
                    "theory_all": float(ds.theory_all.sel(energy=name, N=N)),
                    "degree": n,
                }
            )
    df = pd.DataFrame(
        rows,
        columns=[
            "energy",
            "N",
            "capacity_pattern",
            "theory_pattern",
            "capacity_all",
            "theory_all",
            "degree",
        ],
    )
    df.attrs["slopes"] = capacity_growth(ds, "pattern")
    df.attrs["slopes_all"] = capacity_growth(ds, "all")
    return df


def slope_lines(df: pd.DataFrame) -> list[str]:
    """One line per energy: the measured slope (or rate) with its error, against theory."""
    out = []
    for criterion, key in (("per pattern", "slopes"), ("all fixed", "slopes_all")):
        for name, g in df.attrs.get(key, {}).items():
            kind = "d ln P / dN" if g.kind == "rate" else "log-log slope"
            out.append(
                f"{name} ({criterion}): {kind} over N={g.sizes[0]}..{g.sizes[-1]}: measured "
                f"{g.measured:.3f} +/- {g.error:.3f}, theory {g.predicted:.3f}"
            )
    return out


def _factor_ticks(ax) -> None:
    """Plain labels at powers of 2 on a log axis of P / prediction (no crowded minor labels)."""
    lo, hi = ax.get_xlim()
    ticks = [2.0**k for k in range(-8, 12) if lo <= 2.0**k <= hi]
    step = max(1, math.ceil(len(ticks) / 6))
    ticks = [t for t in ticks if round(math.log2(t)) % step == 0]
    ax.xaxis.set_major_locator(mticker.FixedLocator(ticks))
    plain_ticks(ax.xaxis)
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())


def _poly_key(ax_poly, ax_key, df) -> None:
    """Labels and ticks of panel (e), and its key in the panel beside it."""
    ax_poly.plot([], [], "k-", lw=1.2, label="theory: N^(n-1)/(2(2n-3)!! ln N)")
    ax_poly.plot([], [], "k--", lw=1.0, label="theory: same / n (all patterns)")
    ax_poly.set(
        xscale="log",
        yscale="log",
        xlabel="N (neurons)",
        ylabel="capacity P (patterns)",
        title="(e) polynomial F = x^n: capacity against N",
    )
    poly_N = sorted(df[df.energy != "exp"].N.unique())
    if poly_N:
        ax_poly.set_xlim(poly_N[0] / 1.15, poly_N[-1] * 2.6)
    ax_poly.xaxis.set_major_locator(mticker.FixedLocator([float(N) for N in poly_N]))
    plain_ticks(ax_poly.xaxis)
    ax_poly.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax_poly.title.set_fontsize(11)
    handles, labels = ax_poly.get_legend_handles_labels()
    ax_key.set_axis_off()
    ax_key.legend(
        handles,
        labels,
        title="key of (e): markers measured, lines theory",
        fontsize=FONT,
        title_fontsize=FONT,
        loc="upper left",
    )
    ax_key.text(
        0.0,
        0.02,
        "capacity, per pattern: P where half of the tested\nstored patterns are fixed points;\n"
        "all fixed: P where half of the pattern sets\nhave every stored pattern fixed",
        transform=ax_key.transAxes,
        fontsize=FONT,
        va="bottom",
    )


def _top_panel(ax, ds: xr.Dataset, name: str, letter: str) -> None:
    sel = ds.sel(energy=name)
    sizes = _ran(ds, name)
    for color, N in zip(colors(len(sizes)), sizes, strict=True):
        cell = sel.sel(N=N)
        x = cell.P_factor.values
        ax.plot(
            x,
            cell.fixed_fraction.mean("network").values,
            "o-",
            color=color,
            ms=3,
            label=f"N={int(N)}",
            gid=f"fixed:{int(N)}",
        )
        ax.plot(
            x,
            cell.all_fixed.mean("network").values,
            "s--",
            color=color,
            ms=3,
            mfc="none",
            gid=f"all:{int(N)}",
        )
    ax.axhline(0.5, color="gray", lw=0.8)
    ax.axvline(1.0, color="k", lw=0.8, ls=":")
    ax.set_xscale("log")
    ref = "(2^(N/2) + 1)" if name == "exp" else "Krotov-Hopfield prediction"
    ax.set(
        xlabel=f"P / {ref}",
        ylabel="fraction (solid: per pattern; dashed: all P)",
        ylim=(-0.03, 1.03),
        title=f"({letter}) {name}: stored patterns that are fixed points",
    )
    ax.title.set_fontsize(11)
    legend_below(ax, ncol=min(len(sizes), 3), fontsize=FONT)
    _factor_ticks(ax)


def _poly_panel(ax_poly, ax_key, ds: xr.Dataset, df, names, letter_poly: str) -> None:
    """(e): polynomial capacities on log-log axes against the Krotov-Hopfield laws."""
    polys = [n for n in names if n != "exp"]
    palette = dict(zip(polys, colors(len(polys)), strict=True))
    for name in polys:
        part = df[df.energy == name]
        if part.empty:
            continue
        n = int(part.degree.iloc[0])
        c = palette[name]
        grid_N = np.geomspace(part.N.min(), part.N.max(), 50)
        ax_poly.plot(part.N, part.capacity_pattern, "o", color=c, label=f"{name}, per pattern")
        ax_poly.plot(
            part.N, part.capacity_all, "s", color=c, mfc="none", label=f"{name}, all fixed"
        )
        ax_poly.plot(grid_N, theory.krotov_hopfield(grid_N, n), "-", color=c, lw=1.2)
        ax_poly.plot(grid_N, theory.all_patterns_fixed(grid_N, n), "--", color=c, lw=1.0)
        if name in df.attrs["slopes"]:
            g = df.attrs["slopes"][name]
            ax_poly.annotate(
                f"slope {g.measured:.2f} +/- {g.error:.2f}\n(law {g.predicted:.2f})",
                (part.N.max(), part.capacity_pattern.max()),
                xytext=(5, 0),
                textcoords="offset points",
                fontsize=FONT,
                color=c,
                va="center",
            )
    if polys:
        _poly_key(ax_poly, ax_key, df)
        ax_poly.set_title(ax_poly.get_title().replace("(e)", f"({letter_poly})"), fontsize=11)
        key = ax_key.get_legend()
        key.set_title(key.get_title().get_text().replace("(e)", f"({letter_poly})"))
    else:
        ax_poly.set_axis_off()
        ax_key.set_axis_off()


def _exp_panel(ax_exp, df, letter_exp: str, colour: str) -> None:
    """(f): exponential capacities, log y against linear N, with Demircigil's rate; in exp's
    colour of (g), filled per pattern and open all fixed as in (e)."""
    part = df[df.energy == "exp"]
    if not part.empty:
        Ne = np.linspace(part.N.min(), part.N.max(), 50)
        ax_exp.plot(part.N, part.capacity_pattern, "o", color=colour, label="measured, per pattern")
        ax_exp.plot(
            part.N,
            part.capacity_all,
            "s",
            color=colour,
            mfc="none",
            label="measured, all fixed",
        )
        ax_exp.plot(
            Ne,
            theory.exponential_capacity(Ne),
            "-",
            color="k",
            lw=1.2,
            label="Demircigil et al.: exp(N ln2/2) + 1 (guaranteed rate)",
        )
        ax_exp.plot(
            Ne,
            theory.one_bit_limit(Ne),
            "--",
            color=colour,
            lw=1.0,
            label="all fixed: one pair one bit apart expected",
        )
        ax_exp.plot(Ne, 2.0**Ne / Ne, ":", color="0.4", lw=1.2, label="2^N / N (rate ln 2)")
        if "exp" in df.attrs["slopes_all"]:
            g = df.attrs["slopes_all"]["exp"]
            ax_exp.text(
                0.98,
                0.04,
                f"all fixed: d ln P/dN = {g.measured:.3f} +/- {g.error:.3f}\n"
                f"(Demircigil's guaranteed rate ln2/2 = {g.predicted:.3f})",
                transform=ax_exp.transAxes,
                ha="right",
                fontsize=FONT,
            )
        ax_exp.set(
            yscale="log",
            xlabel="N (neurons)",
            ylabel="capacity P (patterns)",
            title=f"({letter_exp}) exponential F = exp(x): capacity against N",
        )
        ax_exp.title.set_fontsize(11)
        legend_below(ax_exp, ncol=1, fontsize=FONT)
    else:
        ax_exp.set_axis_off()


def _recall_panel(ax_rec, ds: xr.Dataset, names, letter_rec: str) -> None:
    """(g): recall from noisy cues, at each energy's largest N."""
    for name, color in zip(names, colors(len(names)), strict=True):
        sizes = _ran(ds, name)
        if not sizes:
            continue
        N = max(sizes)
        cell = ds.sel(energy=name, N=N)
        ax_rec.plot(
            cell.P_factor.values,
            cell.overlap.mean("trial").values,
            "o-",
            color=color,
            ms=3,
            label=f"{name}, N={int(N)}",
            gid=f"recall:{name}",
        )
    ax_rec.axvline(1.0, color="k", lw=0.8, ls=":")
    noise = float(setting(ds, "noise"))
    ax_rec.set(
        xscale="log",
        xlabel="P / prediction (Krotov-Hopfield; exp: 2^(N/2) + 1)",
        ylabel="mean final overlap with the cued pattern",
        title=f"({letter_rec}) recall from cues with {noise:g} of the bits flipped",
        ylim=(-0.05, 1.05),
    )
    ax_rec.title.set_fontsize(11)
    legend_below(ax_rec, ncol=2, fontsize=FONT)
    _factor_ticks(ax_rec)


def _suptitle(fig: plt.Figure, ds: xr.Dataset, what: str) -> None:
    fig.suptitle(
        f"Dense associative memory capacity, {what} ({setting(ds, 'update')} updates, "
        f"tie={setting(ds, 'tie')}, {ds.sizes['network']} pattern sets per point, "
        f"{setting(ds, 'checks')} patterns tested per set;\ncapacity = P where the fraction "
        "crosses 1/2)",
        fontsize=11,
    )


def fractions_figure(ds: xr.Dataset) -> plt.Figure:
    """(a-d): the fractions of fixed points against P / prediction, one panel per energy."""
    names = [str(e) for e in ds.energy.values]
    rows = math.ceil(len(names) / 2)
    fig, axes = plt.subplots(
        rows, 2, figsize=(11.5, 4.9 * rows + 0.6), layout="constrained", squeeze=False
    )
    letters = "abcdefghijklmnop"
    for j, (ax, name) in enumerate(zip(axes.flat, names, strict=False)):
        _top_panel(ax, ds, name, letters[j])
    for ax in list(axes.flat)[len(names) :]:
        ax.set_axis_off()
    _suptitle(fig, ds, "fixed points against the load")
    return fig


def growth_figure(ds: xr.Dataset) -> plt.Figure:
    """(e) polynomial capacities against N, its key, (f) exponential, (g) recall."""
    names = [str(e) for e in ds.energy.values]
    fig, axes = plt.subplots(2, 2, figsize=(12, 10.5), layout="constrained")
    ax_poly, ax_key, ax_exp, ax_rec = axes.flat
    df = table(ds)
    nxt = iter("abcdefghijklmnop"[len(names) :])
    letter_poly, letter_exp, letter_rec = next(nxt), next(nxt), next(nxt)
    _poly_panel(ax_poly, ax_key, ds, df, names, letter_poly)
    palette = dict(zip(names, colors(len(names)), strict=True))  # (g)'s colours
    _exp_panel(ax_exp, df, letter_exp, palette.get("exp", "k"))
    _recall_panel(ax_rec, ds, names, letter_rec)
    _suptitle(fig, ds, "growth with N and recall")
    return fig


def figure(ds: xr.Dataset, kind: str = "fractions", **_) -> plt.Figure:
    """``kind="fractions"`` (``dense_capacity``) or ``"growth"`` (``dense_capacity_growth``)."""
    return growth_figure(ds) if kind == "growth" else fractions_figure(ds)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"dense_capacity": fractions_figure(ds), "dense_capacity_growth": growth_figure(ds)}


def tables(ds: xr.Dataset, **_) -> dict[str, pd.DataFrame]:
    return {CSV: table(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 40
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "dense_capacity",
        title="Dense associative memories",
        why="Capacity of F(x) = x^n (n = 2, 3, 4) and F = exp against N, with the "
        "Krotov-Hopfield and Demircigil predictions.",
        overrides=("experiment=dense_capacity",),
    ),
)
