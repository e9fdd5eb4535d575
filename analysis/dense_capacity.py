"""Figure of the ``dense_capacity`` experiment: capacity of dense associative memories.

Usage::

    python analysis/dense_capacity.py [RUN_DIR_OR_RESULT_NC]

Writes ``dense_capacity.{png,pdf}`` and ``dense_capacity.csv`` (the measured capacities
next to the predictions, with the log-log slopes) beside the dataset. Panels: (a-d) per
energy, the fraction of stored patterns that are fixed points (solid) and the probability
that all of them are (dashed) against P / prediction, one colour per N; (e) capacity
against N on log-log axes for the polynomial energies, both criteria, with the
Krotov-Hopfield law (solid) and its all-patterns version (dashed), and the measured
slope next to the law's local slope over the same sizes; (f) F = exp: capacity against N
on a log scale with Demircigil et al.'s rate ln(2)/2 and the one-bit-pair limit;
(g) recall overlap from noisy cues against P / prediction.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
import xarray as xr

from hopsim.plotting import open_from_cli, report, save_figure
from hopsim.theory import dense as theory

# Okabe-Ito (colour-blind safe), one per size
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]


def _degree(name: str) -> int | None:
    return None if name == "exp" else int(name.lstrip("rpoly"))


def table(ds: xr.Dataset) -> pd.DataFrame:
    """Measured and predicted capacities per (energy, N), with log-log slopes per energy."""
    rows = []
    for name in ds.energy.values:
        n = _degree(str(name))
        for N in ds.N.values:
            t = float(ds.theory_pattern.sel(energy=name, N=N))
            if not np.isfinite(t):
                continue
            rows.append(
                {
                    "energy": str(name),
                    "N": int(N),
                    "capacity_pattern": float(ds.capacity_pattern.sel(energy=name, N=N)),
                    "theory_pattern": t,
                    "capacity_all": float(ds.capacity_all.sel(energy=name, N=N)),
                    "theory_all": float(ds.theory_all.sel(energy=name, N=N)),
                    "degree": n,
                }
            )
    df = pd.DataFrame(rows)
    slopes = {}
    for name, part in df.groupby("energy"):
        part = part.dropna(subset=["capacity_pattern"])
        if len(part) < 2:
            continue
        N1, N2 = part.N.min(), part.N.max()
        c1 = part.capacity_pattern[part.N == N1].item()
        c2 = part.capacity_pattern[part.N == N2].item()
        if name == "exp":  # rate d ln P / dN
            measured = math.log(c2 / c1) / (N2 - N1)
            predicted = theory.exponential_rate()
        else:  # log-log slope
            measured = math.log(c2 / c1) / math.log(N2 / N1)
            predicted = theory.local_slope(N1, N2, int(part.degree.iloc[0]))
        slopes[name] = (measured, predicted, int(N1), int(N2))
    df.attrs["slopes"] = slopes
    return df


def _factor_ticks(ax) -> None:
    """Plain labels at powers of 2 on a log axis of P / prediction (no crowded minor labels)."""
    lo, hi = ax.get_xlim()
    ticks = [2.0**k for k in range(-8, 12) if lo <= 2.0**k <= hi]
    step = max(1, math.ceil(len(ticks) / 6))
    ticks = [t for t in ticks if round(math.log2(t)) % step == 0]
    ax.xaxis.set_major_locator(mticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())


def _poly_axes(ax_poly, ax_key, df, ds) -> None:
    """Labels, ticks and the shared key of panel (e)."""
    ax_poly.plot([], [], "k-", lw=1.2, label="N^(n-1)/(2(2n-3)!! ln N)")
    ax_poly.plot([], [], "k--", lw=1.0, label="same / n (all patterns)")
    ax_poly.set(
        xscale="log",
        yscale="log",
        xlabel="N (neurons)",
        ylabel="capacity P (patterns)",
        title="(e) polynomial F = x^n: capacity against N",
    )
    poly_N = sorted(df[df.energy != "exp"].N.unique())
    if poly_N:
        ax_poly.set_xlim(poly_N[0] / 1.15, poly_N[-1] * 2.3)
    ax_poly.xaxis.set_major_locator(mticker.FixedLocator([float(N) for N in poly_N]))
    ax_poly.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax_poly.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax_poly.title.set_fontsize(9)
    handles, labels = ax_poly.get_legend_handles_labels()
    ax_key.set_axis_off()
    ax_key.legend(
        handles,
        labels,
        title="(e) markers: measured; lines: theory",
        fontsize=8,
        title_fontsize=8,
        loc="upper left",
    )
    ax_key.text(
        0.0,
        0.02,
        "per pattern: P where half of the tested stored\npatterns are fixed points;\n"
        "all fixed: P where half of the pattern sets\nhave every stored pattern fixed",
        transform=ax_key.transAxes,
        fontsize=8,
        va="bottom",
    )


def figure(ds: xr.Dataset):
    names = [str(e) for e in ds.energy.values]
    fig = plt.figure(figsize=(4.0 * max(len(names), 3), 8.6))
    grid = fig.add_gridspec(2, max(len(names), 4))
    top = [fig.add_subplot(grid[0, j]) for j in range(len(names))]
    ax_poly, ax_exp, ax_rec, ax_key = (fig.add_subplot(grid[1, j]) for j in range(4))
    df = table(ds)
    letters = "abcdefgh"

    for j, (ax, name) in enumerate(zip(top, names, strict=True)):
        sel = ds.sel(energy=name)
        sizes = [N for N in ds.N.values if np.isfinite(sel.theory_pattern.sel(N=N))]
        for color, N in zip(OKABE_ITO, sizes, strict=False):
            cell = sel.sel(N=N)
            x = cell.P_factor.values
            ax.plot(x, cell.fixed_fraction.mean("network"), "o-", color=color, ms=3, label=f"N={N}")
            ax.plot(x, cell.all_fixed.mean("network"), "s--", color=color, ms=3, mfc="none")
        ax.axhline(0.5, color="gray", lw=0.8)
        ax.axvline(1.0, color="k", lw=0.8, ls=":")
        ax.set_xscale("log")
        ref = "2^(N/2)+1" if name == "exp" else "Krotov-Hopfield"
        ax.set(
            xlabel=f"P / {ref} prediction",
            ylabel="fraction (solid: per pattern; dashed: all P)",
            ylim=(-0.03, 1.03),
            title=f"({letters[j]}) {name}: stored patterns that are fixed points",
        )
        ax.title.set_fontsize(9)
        ax.legend(fontsize=7, loc="lower left")
        _factor_ticks(ax)

    # (e) polynomial capacities on log-log axes
    polys = [n for n in names if n != "exp"]
    if not polys:
        ax_poly.set_axis_off()
        ax_key.set_axis_off()
    palette = dict(zip(polys, OKABE_ITO, strict=False))
    for name in polys:
        part = df[df.energy == name]
        n = int(part.degree.iloc[0])
        c = palette[name]
        grid_N = np.geomspace(part.N.min(), part.N.max(), 50)
        ax_poly.plot(part.N, part.capacity_pattern, "o", color=c, label=f"{name} per pattern")
        ax_poly.plot(part.N, part.capacity_all, "s", color=c, mfc="none", label=f"{name} all fixed")
        ax_poly.plot(grid_N, theory.krotov_hopfield(grid_N, n), "-", color=c, lw=1.2)
        ax_poly.plot(grid_N, theory.all_patterns_fixed(grid_N, n), "--", color=c, lw=1.0)
        if name in df.attrs["slopes"]:
            m, p, N1, N2 = df.attrs["slopes"][name]
            ax_poly.annotate(
                f"slope {m:.2f} (theory {p:.2f})",
                (part.N.max(), part.capacity_pattern.max()),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=7,
                color=c,
                va="center",
            )
    if polys:
        _poly_axes(ax_poly, ax_key, df, ds)

    # (f) exponential capacities, log y against linear N
    if "exp" in names:
        part = df[df.energy == "exp"]
        Ne = np.linspace(part.N.min(), part.N.max(), 50)
        ax_exp.plot(
            part.N, part.capacity_pattern, "o", color=OKABE_ITO[0], label="measured, per pattern"
        )
        ax_exp.plot(
            part.N,
            part.capacity_all,
            "s",
            color=OKABE_ITO[3],
            mfc="none",
            label="measured, all fixed",
        )
        ax_exp.plot(
            Ne, theory.exponential_capacity(Ne), "-", color="k", lw=1.2, label="exp(N ln2/2)+1"
        )
        ax_exp.plot(
            Ne,
            theory.one_bit_limit(Ne),
            "--",
            color=OKABE_ITO[3],
            lw=1.0,
            label="one pair one bit apart expected",
        )
        ax_exp.plot(Ne, 2.0**Ne / Ne, ":", color=OKABE_ITO[0], lw=1.0, label="2^N / N")
        if "exp" in df.attrs["slopes"]:
            m, p, N1, N2 = df.attrs["slopes"]["exp"]
            ax_exp.text(
                0.98,
                0.04,
                f"per-pattern rate d ln P/dN = {m:.3f}\n(Demircigil: ln2/2 = {p:.3f})",
                transform=ax_exp.transAxes,
                ha="right",
                fontsize=7,
            )
        ax_exp.set(
            yscale="log",
            xlabel="N (neurons)",
            ylabel="capacity P (patterns)",
            title="(f) exponential F = exp(x): capacity against N",
        )
        ax_exp.title.set_fontsize(9)
        ax_exp.legend(fontsize=7, loc="upper left")
    else:
        ax_exp.set_axis_off()

    # (g) recall from noisy cues
    for name, color in zip(names, OKABE_ITO, strict=False):
        sel = ds.sel(energy=name)
        N = max(N for N in ds.N.values if np.isfinite(sel.theory_pattern.sel(N=N)))
        cell = sel.sel(N=N)
        ax_rec.plot(
            cell.P_factor,
            cell.overlap.mean("trial"),
            "o-",
            color=color,
            ms=3,
            label=f"{name}, N={int(N)}",
        )
    ax_rec.axvline(1.0, color="k", lw=0.8, ls=":")
    ax_rec.set(
        xscale="log",
        xlabel="P / prediction",
        ylabel="mean final overlap with the cued pattern",
        title=f"(g) recall from cues with {ds.attrs['noise']:g} of the bits flipped",
        ylim=(-0.05, 1.05),
    )
    ax_rec.title.set_fontsize(9)
    ax_rec.legend(fontsize=7, loc="lower left")
    _factor_ticks(ax_rec)
    fig.suptitle(
        f"Dense associative memory capacity ({ds.attrs['update']} updates, tie={ds.attrs['tie']}, "
        f"{ds.sizes['network']} pattern sets per point, {ds.attrs['checks']} patterns tested "
        "per set; capacity = P where the fraction crosses 1/2)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig, df


def main(argv: list[str] | None = None) -> list:
    ds, out_dir = open_from_cli("dense_capacity", __doc__.splitlines()[0], argv)
    sns.set_style("ticks")
    fig, df = figure(ds)
    paths = save_figure(fig, out_dir, "dense_capacity")
    csv = out_dir / "dense_capacity.csv"
    df.to_csv(csv, index=False)
    paths.append(csv)
    for name, (m, p, N1, N2) in df.attrs["slopes"].items():
        kind = "d ln P / dN" if name == "exp" else "log-log slope"
        print(f"{name}: {kind} over N={N1}..{N2}: measured {m:.3f}, theory {p:.3f}")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
