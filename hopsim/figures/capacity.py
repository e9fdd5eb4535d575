"""Capacity figure: retrieval overlap and bit errors against load, finite-size alpha_c.

Panels: (a) final overlap m against alpha, one line per N with 95% intervals, the
Amit-Gutfreund-Sompolinsky T = 0 curve, vertical lines at alpha_c = 0.138 and 0.15;
(b) bit-error fraction (log scale) after convergence and after one update, with
erfc(1/sqrt(2 alpha))/2; loads where no wrong bit was measured are marked on the lower edge
(a log axis has no zero); (c) retrieval probability P(m > threshold) from the stored patterns
(the lowest cue noise, named in the title) with 95% Wilson intervals and the logistic fit per N
drawn through the points; (d) the loads alpha_1/2(N) where the fit crosses 1/2, each in its
size's colour as in (a)-(c), extrapolated linearly in 1/sqrt(N) to N -> infinity (black).
The estimate appears once, in (d), with the same digits as ``capacity_alpha_c.csv``; an
estimate the data cannot support (the crossing not bracketed by the loads, too few loads or
sizes, a huge error) is marked unreliable in (d), in the CSV's ``note`` column and by a
:class:`UserWarning`.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from scipy.optimize import minimize
from scipy.special import expit

from hopsim.analysis.binomial import wilson_interval
from hopsim.figures._common import LINESTYLES, axis_label, colors, legend_below, panel
from hopsim.theory.capacity import ags_critical, ags_overlap, one_step_error

STEMS = ("capacity",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("N", "alpha", "noise")
CSV = "capacity_alpha_c.csv"
MAX_STDERR = 0.05


def fit_crossing(
    alpha: np.ndarray, hits: np.ndarray, total: np.ndarray
) -> tuple[float, float, float]:
    """Logistic fit P(retrieval) = 1 / (1 + exp((alpha - a0) / w)) by binomial likelihood.

    Returns the crossing a0 (where P = 1/2), its standard error from the inverse Hessian and
    the width w.
    """
    keep = total > 0
    alpha, hits, total = alpha[keep], hits[keep], total[keep]
    frac = hits / total
    start = alpha[np.argmin(np.abs(frac - 0.5))]

    def nll(params):
        a0, log_w = params
        p = np.clip(expit(-(alpha - a0) / np.exp(log_w)), 1e-12, 1 - 1e-12)
        return -np.sum(hits * np.log(p) + (total - hits) * np.log(1 - p))

    res = minimize(nll, x0=[start, np.log(0.01)], method="BFGS")
    err = float(np.sqrt(res.hess_inv[0, 0])) if np.isfinite(res.hess_inv[0, 0]) else np.nan
    return float(res.x[0]), err, float(np.exp(res.x[1]))


def _retrieval(ds: xr.Dataset, threshold: float):
    m0 = ds.overlap.sel(noise=ds.noise.values.min())
    hits = (m0 > threshold).sum("trial")
    total = m0.notnull().sum("trial")
    return hits, total


def finite_size_estimate(ds: xr.Dataset, threshold: float = 0.9) -> pd.DataFrame:
    """alpha_1/2 per N and the 1/sqrt(N) extrapolation (row N = inf), with a ``note``.

    ``note`` is empty for a usable estimate and says why not otherwise; the table's attrs
    hold ``slope`` and ``reliable``.
    """
    hits, total = _retrieval(ds, threshold)
    rows, problems = [], []
    for N in ds.N.values:
        h = hits.sel(N=N).values.astype(float)
        t = total.sel(N=N).values.astype(float)
        a_half, err, width = fit_crossing(ds.alpha.values, h, t)
        frac = h[t > 0] / t[t > 0]
        note = ""
        if (t > 0).sum() < 4:
            note = f"only {(t > 0).sum()} loads"
        elif not (frac.max() > 0.5 > frac.min()):
            note = "P(retrieval) does not cross 1/2 within the loads"
        elif not np.isfinite(err) or err > MAX_STDERR:
            note = f"fit error {err:.2g}"
        if note:
            problems.append(f"N={int(N)}: {note}")
        rows.append(
            {"N": float(N), "alpha_half": a_half, "stderr": err, "width": width, "note": note}
        )
    df = pd.DataFrame(rows)
    x = 1 / np.sqrt(df.N.values)
    if len(df) >= 2:
        w = 1 / np.maximum(df.stderr.fillna(df.stderr.max()).values, 1e-4) ** 2
        (slope, intercept), cov = np.polyfit(
            x, df.alpha_half.values, 1, w=np.sqrt(w), cov="unscaled"
        )
        stderr = float(np.sqrt(cov[1, 1]))
    else:
        slope, intercept, stderr = 0.0, float(df.alpha_half.iloc[0]), np.nan
        problems.append("one size N: no extrapolation")
    if len(df) >= 2 and not np.isfinite(stderr) or stderr > min(MAX_STDERR, 0.25 * abs(intercept)):
        problems.append(f"extrapolation error {stderr:.2g}")
    note = ("unreliable: " + "; ".join(problems)) if problems else ""
    df.loc[len(df)] = {
        "N": np.inf,
        "alpha_half": intercept,
        "stderr": stderr,
        "width": np.nan,
        "note": note,
    }
    df.attrs["slope"] = float(slope)
    df.attrs["reliable"] = not problems
    return df


def estimate_text(table: pd.DataFrame) -> str:
    """The one text of the estimate, shared by the figure, the CSV and the wrapper's output."""
    est = table.iloc[-1]
    text = f"alpha_c = {est.alpha_half:.3f} +/- {est.stderr:.3f} (fit error only)"
    return text + (f" -- {est.note}" if est.note else "")


def claim_check(ds: xr.Dataset) -> str | None:
    """The source's claim: N = 200 with 100 patterns gives an error rate above 30%."""
    if 200 not in ds.N.values or 0.5 not in np.round(ds.alpha.values, 6):
        return None
    cell = ds.sel(N=200, alpha=0.5, method="nearest")
    text = []
    for noise in cell.noise.values:
        c = cell.sel(noise=noise)
        bits = float(c.bit_error.mean())
        failed = float((c.bit_error > 0).mean())
        text.append(
            f"noise {noise:g}: bit errors {100 * bits:.1f}%, not recalled {100 * failed:.0f}%"
        )
    return "N=200, P=100: " + "; ".join(text)


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


def figure(ds: xr.Dataset, threshold: float = 0.9, **_) -> plt.Figure:
    """Draw the four panels (the finite-size table: :func:`finite_size_estimate`)."""
    alpha_c, _ = ags_critical()
    grid = np.linspace(1e-3, float(ds.alpha.max()), 400)
    fig, axes = plt.subplots(2, 2, figsize=(11, 10), constrained_layout=True)
    (ax_m, ax_e), (ax_p, ax_fs) = axes
    start_noise = float(ds.noise.values.min())
    palette = colors(ds.sizes["N"])
    alpha = ds.alpha.values

    for color, N in zip(palette, ds.N.values, strict=True):
        for k, noise in enumerate(ds.noise.values):
            m = ds.overlap.sel(N=N, noise=noise).transpose("alpha", "trial").values
            n = np.isfinite(m).sum(1)
            mean = np.nanmean(m, 1)
            half = 1.96 * np.nanstd(m, 1, ddof=1) / np.sqrt(np.maximum(n, 1))
            ls = LINESTYLES[k % len(LINESTYLES)]
            ax_m.plot(
                alpha, mean, ls, color=color, marker="o", ms=3, label=f"N={int(N)}, noise {noise:g}"
            )
            ax_m.fill_between(alpha, mean - half, mean + half, color=color, alpha=0.15, lw=0)
    ax_m.plot(
        grid, ags_overlap(grid), "-", color="0.3", lw=2.5, alpha=0.6, label="AGS theory (T = 0)"
    )
    ax_m.axvline(alpha_c, color="k", ls="--", lw=1, label=f"AGS alpha_c = {alpha_c:.3f}")
    ax_m.axvline(0.15, color="0.5", ls=":", lw=1, label="0.15 (rule of thumb)")
    ax_m.set(xlabel=axis_label(ds["alpha"]), ylabel=axis_label(ds["overlap"]), ylim=(0, 1.02))
    panel(ax_m, "a", "retrieval overlap, mean and 95% interval")
    legend_below(ax_m, ncol=2)

    floor = 1e-5
    width = 0.006 * float(np.ptp(alpha) or 1.0)
    for k, (color, N) in enumerate(zip(palette, ds.N.values, strict=True)):
        dodge = (k - (len(palette) - 1) / 2) * width
        b = ds.bit_error.sel(N=N, noise=start_noise).mean("trial").values
        _log_points(
            ax_e,
            alpha,
            b,
            floor,
            dodge=dodge,
            color=color,
            marker="o",
            ms=4,
            ls="-",
            lw=1,
            label=f"N={int(N)}, after convergence",
        )
        one = ds.one_step_error.sel(N=N).mean("trial").values
        _log_points(
            ax_e,
            alpha,
            one,
            floor,
            dodge=dodge,
            color=color,
            marker="s",
            ms=4,
            ls="none",
            mfc="none",
            label=f"N={int(N)}, one step (simulated)",
        )
    ax_e.plot(grid, one_step_error(grid), "k-", lw=1.5, label="one step: erfc(1/sqrt(2 alpha))/2")
    ax_e.plot([], [], "v", mfc="none", color="0.4", label="no wrong bit measured (0)")
    ax_e.axvline(alpha_c, color="k", ls="--", lw=1)
    ax_e.set(
        yscale="log",
        ylim=(floor, 0.6),
        xlabel=axis_label(ds["alpha"]),
        ylabel="fraction of wrong bits",
    )
    panel(ax_e, "b", f"bit errors (cue noise {start_noise:g})")
    legend_below(ax_e, ncol=2)

    table = finite_size_estimate(ds, threshold)
    hits, total = _retrieval(ds, threshold)
    prob = hits / total.where(total > 0)
    for color, N in zip(palette, ds.N.values, strict=True):
        row = table[table.N == N].iloc[0]
        lo, hi = wilson_interval(hits.sel(N=N).values, total.sel(N=N).values)
        p_n = prob.sel(N=N).values
        ax_p.errorbar(
            alpha,
            p_n,
            yerr=[p_n - lo, hi - p_n],
            fmt="o",
            ms=4,
            capsize=2,
            color=color,
            gid="measured",
        )
        ax_p.plot(
            grid,
            expit(-(grid - row.alpha_half) / row.width),
            "-",
            color=color,
            lw=1.2,
            label=f"N={int(N)}: logistic fit, alpha_1/2 = {row.alpha_half:.3f}",
            gid="fit",
        )
    ax_p.axhline(0.5, color="0.5", lw=0.8)
    ax_p.set(
        xlabel=axis_label(ds["alpha"]),
        ylim=(-0.02, 1.02),
        ylabel=f"P(m > {threshold:g}) from stored patterns",
    )
    panel(
        ax_p,
        "c",
        f"retrieval probability (cue noise {start_noise:g}):\n"
        "points measured with 95% intervals, lines fitted",
    )
    legend_below(ax_p, ncol=2)

    finite = table[np.isfinite(table.N)]
    x = 1 / np.sqrt(finite.N)
    # each size in its own colour, as in (a)-(c); the extrapolation (no size) in black
    for color, xn, (_, row) in zip(palette, x, finite.iterrows(), strict=True):
        ax_fs.errorbar(
            [xn],
            [row.alpha_half],
            yerr=[row.stderr],
            fmt="o",
            color=color,
            gid="alpha_half",
            label=f"alpha_1/2, N={int(row.N)} (fit error)",
        )
    est = table.iloc[-1]
    xs = np.linspace(0, x.max() * 1.05, 50)
    ax_fs.plot(
        xs,
        est.alpha_half + table.attrs["slope"] * xs,
        "-",
        color="k",
        lw=1,
        label="linear in 1/sqrt(N)",
    )
    ax_fs.errorbar(
        [0],
        [est.alpha_half],
        yerr=[est.stderr],
        fmt="s",
        color="k",
        gid="extrapolated",
        label="N -> inf: " + estimate_text(table).split(" -- ")[0],
    )
    ax_fs.axhline(alpha_c, color="0.5", ls="--", lw=1, label=f"AGS alpha_c = {alpha_c:.3f}")
    ax_fs.set(xlabel="1 / sqrt(N)", ylabel="alpha where P(retrieval) = 1/2")
    panel(ax_fs, "d", f"finite-size estimate of alpha_c (from (c), cue noise {start_noise:g})")
    if est.note:
        ax_fs.text(
            0.02,
            0.97,
            est.note.replace("; ", "\n"),
            transform=ax_fs.transAxes,
            va="top",
            fontsize=8,
            fontweight="bold",
            color="k",  # not a size's colour: the warning is about the estimate
            gid="warning",
        )
        warnings.warn(f"capacity: {estimate_text(table)}", UserWarning, stacklevel=2)
    legend_below(ax_fs, ncol=1)
    claim = claim_check(ds)
    suptitle = (
        f"Hebbian Hopfield capacity ({ds['update'].item()} updates, "
        f"{ds.sizes['trial']} trials per point)"
    )
    if claim:
        suptitle += "\n" + claim
    fig.suptitle(suptitle, fontsize=10)
    return fig


def figures(ds: xr.Dataset, threshold: float = 0.9, **_) -> dict[str, plt.Figure]:
    return {"capacity": figure(ds, threshold)}


def tables(ds: xr.Dataset, threshold: float = 0.9, **_) -> dict[str, pd.DataFrame]:
    return {CSV: finite_size_estimate(ds, threshold)}
