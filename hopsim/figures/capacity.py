"""Capacity figures: retrieval against load, the finite-size estimate of alpha_c, dynamics.

``capacity`` (main): (a) mean final overlap started from the stored pattern, one line per N
with 95% intervals, under the Amit-Gutfreund-Sompolinsky T = 0 overlap drawn on top; (b) the
retrieval state itself: the mean overlap of the trials counted retrieved (m >= threshold)
against the same AGS curve, on a zoomed axis; (c) bit errors after convergence and after one
update (log scale; loads without a wrong bit on the lower edge) with erfc(1/sqrt(2 alpha))/2;
(d) the fraction retrieved with 95% Wilson intervals and each size's logistic fit; (e) the
transition loads alpha_1/2(N) of every criterion against N^-nu with the fitted finite-size law
of each and the fixed-exponent laws of the first, RS and 1RSB alpha_c; (f) the residuals of
those laws in units of each point's bootstrap error. A load grid of several runs or seeds is
drawn pooled (:func:`hopsim.analysis.capacity.combine`).

``capacity_dynamics``: time to convergence, per cue noise: (a, b) median sweeps of the
trials that ended on a fixed point (interquartile band) against alpha, one line per N;
(c, d) the fraction stopped by ``max_sweeps``. ``capacity_histograms``: the final overlaps at
the three loads nearest each size's alpha_1/2, one panel per N.

Every number comes from :mod:`hopsim.analysis.capacity`; the CSV ``capacity_alpha_c.csv`` is
its table. An estimate the data cannot support is marked unreliable in (e), in the CSV's
``note`` column and by a :class:`UserWarning`.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from scipy.special import expit

from hopsim.analysis import capacity as cap
from hopsim.analysis import fits
from hopsim.figures._common import MARKERS, axis_label, colors, legend_below, panel
from hopsim.gallery.plan import Entry
from hopsim.theory.capacity import ags_critical, ags_overlap, one_step_error

STEMS = ("capacity", "capacity_dynamics", "capacity_histograms")
#: dimensions this figure draws itself (seeds are independent networks, pooled as trials);
#: any other swept one needs --fix
OWN_DIMS = ("N", "alpha", "noise", "seed")
CSV = "capacity_alpha_c.csv"
#: how the laws of panel (e) are drawn
LAW_STYLE = {cap.FREE: "-", "nu = 1/2": "--", "nu = 1/3": ":"}
#: AGS curves and lines: dark grey, dashed, drawn above every size (the seventh size is black)
THEORY_COLOR = "0.4"


def estimates(ds: xr.Dataset, threshold: float = 0.9) -> list[cap.CapacityEstimate]:
    """One estimate per criterion (cue noise level), the lowest noise first."""
    return [cap.estimate(ds, crit) for crit in cap.criteria(ds, threshold)]


def _seeded(ds: xr.Dataset) -> xr.Dataset:
    return ds if "seed" in ds.dims else ds.expand_dims(seed=[int(ds.attrs.get("seed", 0))])


def _pooled(da: xr.DataArray) -> np.ndarray:
    """(alpha, seed x trial) values of one (N, noise) cell."""
    da = da.transpose("alpha", "seed", "trial")
    return da.values.reshape(da.sizes["alpha"], -1)


def _size_style(k: int) -> dict:
    return {"marker": MARKERS[k % len(MARKERS)], "ms": 3.5, "lw": 1.2}


def _draw_overlap(ax, ds, palette, noise: float) -> None:
    """(a): mean final overlap of every trial, per N, with the AGS retrieval overlap on top."""
    seeded = _seeded(ds)
    for k, (color, N) in enumerate(zip(palette, ds.N.values, strict=True)):
        m = _pooled(seeded.overlap.sel(N=N, noise=noise))
        n = np.isfinite(m).sum(1)
        keep = n > 0
        mean = np.nanmean(m[keep], 1)
        half = 1.96 * np.nanstd(m[keep], 1, ddof=1) / np.sqrt(np.maximum(n[keep], 1))
        a = ds.alpha.values[keep]
        ax.plot(a, mean, color=color, label=f"N={int(N)}", gid="mean_overlap", **_size_style(k))
        ax.fill_between(a, mean - half, mean + half, color=color, alpha=0.2, lw=0)
    _draw_ags(ax, ds)
    ax.set(xlabel=axis_label(ds["alpha"]), ylabel=axis_label(ds["overlap"]), ylim=(0, 1.03))


def _draw_ags(ax, ds) -> None:
    alpha_c, m_c = ags_critical()
    grid = np.linspace(1e-3, alpha_c, 300)
    ax.plot(
        np.append(grid, alpha_c),
        np.append(ags_overlap(grid), m_c),
        color=THEORY_COLOR,
        ls="--",
        lw=2.5,
        zorder=10,
        label="AGS retrieval overlap (T = 0)",
        gid="ags",
    )
    ax.axvline(
        alpha_c, color=THEORY_COLOR, ls=":", lw=1, zorder=9, label=f"AGS alpha_c = {alpha_c:.4f}"
    )


def _draw_retrieval_state(ax, ds, palette, noise: float, threshold: float) -> None:
    """(b): mean overlap of the retrieved trials against AGS's retrieval overlap."""
    seeded = _seeded(ds)
    for k, (color, N) in enumerate(zip(palette, ds.N.values, strict=True)):
        m = _pooled(seeded.overlap.sel(N=N, noise=noise))
        good = np.where(m >= threshold, m, np.nan)
        n = np.isfinite(good).sum(1)
        keep = n >= 5
        if not keep.any():
            continue
        mean = np.nanmean(good[keep], 1)
        ax.plot(
            ds.alpha.values[keep],
            mean,
            color=color,
            label=f"N={int(N)}",
            gid="retrieved_overlap",
            **_size_style(k),
        )
    _draw_ags(ax, ds)
    ax.set(
        xlabel=axis_label(ds["alpha"]),
        ylabel=f"mean final overlap of trials with m >= {threshold:g}",
        ylim=(threshold, 1.002),
    )


def _log_points(ax, x, y, floor, dodge=0.0, **kw):
    """Positive values as points; zeros as open triangles on the lower edge (log axis).

    ``dodge`` shifts the triangles sideways so the zeros of different sizes stay apart."""
    y = np.asarray(y, dtype=float)
    ax.plot(x, np.where(y > 0, y, np.nan), **kw)  # a gap where nothing was measured
    zero = np.isfinite(y) & (y == 0)
    if zero.any():
        ax.plot(
            np.asarray(x)[zero] + dodge,
            np.full(zero.sum(), floor),
            "v",
            mfc="none",
            color=kw.get("color"),
            ms=5,
            clip_on=False,
            zorder=3,
            gid="zero",
        )


def _draw_bit_errors(ax, ds, palette, noise: float) -> None:
    """(c): bit errors after convergence and after one update, with the erfc curve."""
    seeded, alpha = _seeded(ds), ds.alpha.values
    floor = 1e-5
    width = 0.006 * float(np.ptp(alpha) or 1.0)
    for k, (color, N) in enumerate(zip(palette, ds.N.values, strict=True)):
        dodge = (k - (len(palette) - 1) / 2) * width
        bits = _pooled(seeded.bit_error.sel(N=N, noise=noise))
        run = np.isfinite(bits).any(1)  # the loads this size ran
        b = np.nanmean(bits[run], 1)
        kw = {"dodge": dodge, "color": color, "ms": 4}
        a = alpha[run]
        _log_points(ax, a, b, floor, marker="o", ls="-", lw=1, label=f"N={int(N)}", **kw)
        one = seeded.one_step_error.sel(N=N).transpose("alpha", "seed", "trial").values
        one = np.nanmean(one.reshape(len(alpha), -1)[run], 1)
        _log_points(ax, a, one, floor, marker="s", ls="none", mfc="none", **kw)
    grid = np.linspace(1e-3, float(alpha.max()), 300)
    ax.plot(grid, one_step_error(grid), "--", color=THEORY_COLOR, lw=2, zorder=10, gid="erfc")
    ax.plot([], [], "o-", color="0.4", label="after convergence")
    ax.plot([], [], "s", mfc="none", color="0.4", label="after one update (simulated)")
    ax.plot([], [], "--", color=THEORY_COLOR, lw=2, label="one update: erfc(1/sqrt(2 alpha))/2")
    ax.plot([], [], "v", mfc="none", color="0.4", label="no wrong bit measured (0)")
    ax.set(
        yscale="log",
        ylim=(floor, 0.6),
        xlabel=axis_label(ds["alpha"]),
        ylabel="fraction of wrong bits",
    )


def _draw_retrieval(ax, ds, palette, est: cap.CapacityEstimate) -> None:
    """(d): fraction retrieved with Wilson intervals and each size's logistic fit."""
    hits, total = cap.retrieval_counts(ds, est.criterion)
    hits, total = hits.sum(0), total.sum(0)  # seeds pooled: (N, alpha)
    alpha = ds.alpha.values
    index = {int(N): i for i, N in enumerate(ds.N.values)}
    for size in est.sizes:
        k = index[size.N]
        color = palette[k]
        keep = total[k] > 0
        p = hits[k, keep] / total[k, keep]
        lo, hi = fits.wilson_interval(hits[k, keep], total[k, keep])
        ax.errorbar(
            alpha[keep],
            p,
            yerr=[p - lo, hi - p],
            fmt=MARKERS[k % len(MARKERS)],
            ms=3.5,
            capsize=2,
            color=color,
            gid="measured",
        )
        grid = np.linspace(alpha[keep].min(), alpha[keep].max(), 300)
        ax.plot(
            grid,
            expit(-(grid - size.alpha_half) / size.width),
            "-",
            color=color,
            lw=1.2,
            label=f"N={size.N}: alpha_1/2 = {size.alpha_half:.4f}",
            gid="fit",
        )
    ax.axhline(0.5, color="0.5", lw=0.8)
    ax.set(
        xlabel=axis_label(ds["alpha"]),
        ylim=(-0.02, 1.02),
        ylabel=f"fraction with m >= {est.criterion.threshold:g}",
    )


def _x_of(N, nu: float) -> np.ndarray:
    return np.asarray(N, dtype=float) ** -nu


def _draw_extrapolation(ax, colour_of: dict, ests: list[cap.CapacityEstimate]) -> float:
    """(e): alpha_1/2(N) of every criterion against N^-nu, the laws, RS and 1RSB.

    Returns the exponent of the x axis (the fitted nu of the first criterion, else 1/2)."""
    main = ests[0]
    nu = main.best.nu if main.best is not None else 0.5
    x_max = max(_x_of(s.N, nu) for e in ests for s in e.sizes) * 1.08
    xs = np.linspace(1e-9, x_max, 200)
    for k, est in enumerate(ests):
        fill = "full" if k == 0 else "none"
        for s in est.sizes:
            ax.errorbar(
                [_x_of(s.N, nu)],
                [s.alpha_half],
                yerr=[s.stderr],
                fmt=MARKERS[k % len(MARKERS)],
                fillstyle=fill,
                color=colour_of[s.N],
                alpha=1.0 if s.used else 0.4,
                gid=f"alpha_half_{k}",
            )
        laws = est.laws.items() if k == 0 else list(est.laws.items())[:1]
        for law, fit in laws:
            N_of_x = xs ** (-1.0 / nu)
            ax.plot(
                xs,
                fit.predict(N_of_x),
                LAW_STYLE[law],
                color="k" if k == 0 else "0.45",
                lw=1.2,
                label=f"{est.criterion.name}: {law}, alpha_inf = {fit.alpha_inf:.4f} "
                f"+/- {fit.stderr:.4f}, chi2/dof = {fit.chi2:.1f}/{fit.dof}",
                gid=f"law_{k}_{law}",
            )
        ax.plot(
            [], [], MARKERS[k], fillstyle=fill, color="0.3", ls="none", label=est.criterion.name
        )
    ax.axhline(cap.RS_ALPHA_C, color="#0072B2", lw=1, ls="-.", label=f"RS {cap.RS_ALPHA_C:.4f}")
    ax.axhline(
        cap.RSB1_ALPHA_C,
        color="#D55E00",
        lw=1,
        ls=(0, (1, 1)),
        label=f"1RSB {cap.RSB1_ALPHA_C:.4f}",
    )
    ax.set(xlim=(0, x_max), xlabel=f"N^(-{nu:.2f})  (N = inf at 0)", ylabel="alpha_1/2(N)")
    ax.xaxis.set_major_locator(plt.MaxNLocator(5))
    return nu


def _draw_residuals(ax, palette, est: cap.CapacityEstimate) -> None:
    """(f): (alpha_1/2 - law) / error per size, for every law of the first criterion."""
    used = est.used
    N = np.array([s.N for s in used], dtype=float)
    y = np.array([s.alpha_half for s in used])
    se = np.array([s.stderr for s in used])
    offsets = np.linspace(-0.04, 0.04, max(len(est.laws), 1))
    for (law, fit), dx in zip(est.laws.items(), offsets, strict=False):
        ax.plot(
            N * 10**dx,
            (y - fit.predict(N)) / se,
            LAW_STYLE[law],
            marker="o",
            color="k",
            ms=4,
            lw=0.8,
            label=f"{law}: chi2/dof = {fit.chi2:.1f}/{fit.dof}",
            gid=f"residual_{law}",
        )
    ax.axhline(0, color="0.5", lw=0.8)
    ax.axhspan(-1, 1, color="0.9", zorder=0)
    ax.set(xscale="log", xlabel="N", ylabel="(alpha_1/2 - law) / bootstrap error")
    ax.set_xticks(N, [str(int(n)) for n in N])
    ax.xaxis.set_minor_locator(plt.NullLocator())


def figure(ds: xr.Dataset, threshold: float = 0.9, ests=None, **_) -> plt.Figure:
    """The main figure: six panels (see the module docstring); ``ests``: the criteria's
    estimates if already computed (:func:`estimates`)."""
    ests = ests or estimates(ds, threshold)
    main = ests[0]
    noise = main.criterion.noise
    palette = colors(ds.sizes["N"])
    fig, axes = plt.subplots(3, 2, figsize=(12, 15.5), constrained_layout=True)
    (ax_m, ax_r), (ax_e, ax_p), (ax_fs, ax_res) = axes
    _draw_overlap(ax_m, ds, palette, noise)
    panel(ax_m, "a", f"final overlap, noise {noise:g}: mean and 95% interval")
    legend_below(ax_m, ncol=4)
    _draw_retrieval_state(ax_r, ds, palette, noise, threshold)
    panel(ax_r, "b", f"retrieval state: mean overlap of trials with m >= {threshold:g}")
    legend_below(ax_r, ncol=4)
    _draw_bit_errors(ax_e, ds, palette, noise)
    panel(ax_e, "c", f"bit errors (noise {noise:g}; marker shape: when measured)")
    legend_below(ax_e, ncol=3)
    _draw_retrieval(ax_p, ds, palette, main)
    panel(ax_p, "d", f"fraction retrieved (noise {noise:g}): 95% intervals, logistic fits")
    legend_below(ax_p, ncol=2)
    _draw_extrapolation(ax_fs, dict(zip(ds.N.values.astype(int), palette, strict=True)), ests)
    panel(
        ax_fs,
        "e",
        "finite-size laws alpha_1/2(N) = alpha_inf + a N^(-nu)\n"
        "(filled: the first criterion; error bars: bootstrap)",
    )
    legend_below(ax_fs, ncol=1)
    _draw_residuals(ax_res, palette, main)
    panel(ax_res, "f", f"residuals of the laws ({main.criterion.name})")
    if main.laws:
        legend_below(ax_res, ncol=1)
    _mark_unreliable(ax_fs, ests)
    fig.suptitle(_title(ds, ests), fontsize=10)
    return fig


def _mark_unreliable(ax, ests) -> None:
    notes = [f"{e.criterion.name}: unreliable: {'; '.join(e.problems)}" for e in ests if e.problems]
    if not notes:
        return
    ax.text(
        0.02,
        0.97,
        "\n".join(notes),
        transform=ax.transAxes,
        va="top",
        fontsize=7.5,
        fontweight="bold",
        color="k",
        wrap=True,
        gid="warning",
    )
    for e in ests:
        if e.problems:
            warnings.warn(f"capacity: {cap.estimate_text(e)}", UserWarning, stacklevel=3)


def _title(ds: xr.Dataset, ests) -> str:
    seeded = _seeded(ds)
    per_cell = seeded.overlap.notnull().sum(["seed", "trial"])
    trials = per_cell.values[per_cell.values > 0]
    networks = seeded.overlap.notnull().any(["trial", "noise"]).sum("seed")
    networks = networks.values[networks.values > 0]
    text = (
        f"Hebbian Hopfield capacity ({ds['update'].item()} updates, {trials.min()}-"
        f"{trials.max()} trials and {networks.min()}-{networks.max()} networks per point); "
        f"alpha_c by criterion: panel (e) and {CSV}"
    )
    rates = cap.error_rate(ds)
    if rates:
        text += "\nN=200, P=100: " + "; ".join(
            f"noise {r.noise:g}: bit errors {100 * r.bit_error:.1f}%, "
            f"not recalled {100 * r.failed / r.trials:.0f}%"
            for r in rates
        )
    return text


# ----------------------------------------------------------------------- dynamics


def dynamics_figure(ds: xr.Dataset, threshold: float = 0.9, **_) -> plt.Figure:
    """Time to convergence against alpha per N: one row per cue noise level; columns: the
    trials that ended retrieved, those that ended elsewhere, and those stopped unconverged."""
    levels = np.sort(ds.noise.values)
    palette = colors(ds.sizes["N"])
    fig, axes = plt.subplots(
        len(levels), 3, figsize=(16, 5.2 * len(levels)), constrained_layout=True, squeeze=False
    )
    max_sweeps = int(np.nanmax(ds.sweeps.values))
    letters = iter("abcdefghijkl")
    for r, noise in enumerate(levels):
        table = cap.convergence(ds, float(noise), threshold)
        for c, group in enumerate(("retrieved", "failed")):
            ax = axes[r, c]
            for k, (color, N) in enumerate(zip(palette, ds.N.values, strict=True)):
                rows = table[table.N == int(N)]
                ax.plot(
                    rows.alpha,
                    rows[f"{group}_median"],
                    color=color,
                    label=f"N={int(N)}",
                    gid=f"{group}_sweeps",
                    **_size_style(k),
                )
                ax.fill_between(
                    rows.alpha,
                    rows[f"{group}_q25"],
                    rows[f"{group}_q75"],
                    color=color,
                    alpha=0.2,
                    lw=0,
                )
            ax.set(xlabel=axis_label(ds["alpha"]), ylabel="sweeps to a fixed point")
            ax.set_ylim(bottom=0)
            what = f"m >= {threshold:g}" if group == "retrieved" else f"m < {threshold:g}"
            panel(
                ax,
                next(letters),
                f"noise {noise:g}: sweeps of the trials ending on\na fixed point with {what} "
                "(median, quartiles)",
            )
        ax = axes[r, 2]
        for k, (color, N) in enumerate(zip(palette, ds.N.values, strict=True)):
            rows = table[table.N == int(N)]
            ax.plot(
                rows.alpha,
                rows.not_converged,
                color=color,
                label=f"N={int(N)}",
                gid="not_converged",
                **_size_style(k),
            )
        ax.set(
            xlabel=axis_label(ds["alpha"]),
            ylabel=f"fraction stopped at {max_sweeps} sweeps",
            ylim=(-0.02, 1.02),
        )
        panel(ax, next(letters), f"noise {noise:g}: not converged within {max_sweeps} sweeps")
        for ax in axes[r]:
            ax.axvline(ags_critical()[0], color=THEORY_COLOR, ls=":", lw=1, label="AGS alpha_c")
            legend_below(ax, ncol=4)
    fig.suptitle("Capacity: time to convergence of zero-temperature recall", fontsize=10)
    return fig


# --------------------------------------------------------------------- histograms


def histogram_figure(ds: xr.Dataset, threshold: float = 0.9, ests=None, **_) -> plt.Figure:
    """Final overlaps at the three loads nearest each size's alpha_1/2 (noise of the first
    criterion), one panel per N."""
    est = (ests or estimates(ds, threshold))[0]
    noise = est.criterion.noise
    n = len(est.sizes)
    cols = min(n, 4)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.6 * cols, 3.4 * rows + 0.8), constrained_layout=True, squeeze=False
    )
    low = min(0.0, float(np.nanmin(ds.overlap.values)))
    bins = np.linspace(np.floor(low * 10) / 10, 1.0, int(round((1.0 - low) * 50)) + 1)
    shades = (("#56B4E9", ":"), ("#0072B2", "--"), ("#000000", "-"))
    for ax, size in zip(axes.ravel(), est.sizes, strict=False):
        loads = cap.loads_near(ds, size.N, size.alpha_half)
        for (shade, ls), a in zip(shades, loads, strict=False):
            m = cap.final_overlaps(ds, size.N, float(a), noise)
            ax.hist(
                m,
                bins=bins,
                ls=ls,
                histtype="step",
                color=shade,
                lw=1.4,
                label=f"alpha = {a:.4g} ({m.size})",
                gid="histogram",
            )
        ax.axvline(threshold, color="0.6", ls="-", lw=2.5, zorder=0, gid="threshold")
        ax.set_yscale("log")
        ax.set(
            xlabel="final overlap m",
            ylabel="trials",
            title=f"N = {size.N}, alpha_1/2 = {size.alpha_half:.4f}",
        )
        legend_below(ax, ncol=1, fontsize=7)
    for ax in axes.ravel()[n:]:
        ax.set_axis_off()
    fig.suptitle(
        f"Final overlaps at the three loads nearest alpha_1/2 (noise {noise:g}; thick grey line: "
        f"m = {threshold:g}; trials per load in brackets)",
        fontsize=10,
    )
    return fig


def figures(ds: xr.Dataset, threshold: float = 0.9, **_) -> dict[str, plt.Figure]:
    ests = estimates(ds, threshold)
    return {
        "capacity": figure(ds, threshold, ests),
        "capacity_dynamics": dynamics_figure(ds, threshold),
        "capacity_histograms": histogram_figure(ds, threshold, ests),
    }


def tables(ds: xr.Dataset, threshold: float = 0.9, **_) -> dict[str, pd.DataFrame]:
    return {CSV: pd.concat([e.table() for e in estimates(ds, threshold)], ignore_index=True)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 20
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "capacity",
        title="Capacity against theory",
        why="Final overlap against the load P/N for five sizes, with the AGS curve and the "
        "finite-size estimate of alpha_c; N = 200 with 100 patterns is the first source "
        "document's error-rate case.",
        overrides=("experiment=capacity",),
        quick=(
            "experiment=capacity",
            "network.N=[200,400]",
            "patterns.alpha=[0.04,0.08,0.1,0.12,0.13,0.14,0.15,0.16,0.18,0.2,0.3,0.5]",
            "trials=40",
        ),
    ),
)
