"""Capacity figure: retrieval overlap and bit errors against load, finite-size alpha_c.

Usage::

    python analysis/capacity.py [RUN_OR_SWEEP_DIR | result.nc] [--threshold 0.9]

Panels: (a) final overlap m against alpha, one line per N with 95% CI bands, the
Amit-Gutfreund-Sompolinsky T = 0 curve, vertical lines at alpha_c = 0.138 and 0.15;
(b) bit-error fraction (log scale) after convergence and after one update, with
erfc(1/sqrt(2 alpha))/2; (c) retrieval probability P(m > threshold) from the stored
patterns with a logistic fit per N; (d) the loads alpha_1/2(N) where it crosses 1/2,
extrapolated linearly in 1/sqrt(N) to N -> infinity. The estimate is written on the
figure and stored in ``capacity_alpha_c.csv`` beside ``capacity.{png,pdf}``.
"""

from __future__ import annotations

import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import xarray as xr
from scipy.optimize import minimize
from scipy.special import expit

from hopsim.plotting import axis_label, open_from_cli, report, save_figure
from hopsim.theory.capacity import ags_critical, ags_overlap, one_step_error


def fit_crossing(alpha: np.ndarray, hits: np.ndarray, total: np.ndarray) -> tuple[float, float]:
    """Logistic fit P(retrieval) = 1 / (1 + exp((alpha - a0) / w)) by binomial likelihood.

    Returns the crossing a0 (where P = 1/2) and its standard error from the inverse Hessian.
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
    return float(res.x[0]), err


def finite_size_estimate(ds: xr.Dataset, threshold: float) -> pd.DataFrame:
    """alpha_1/2 per N and the 1/sqrt(N) extrapolation (row N = inf)."""
    start = ds.overlap.sel(noise=ds.noise.values.min())
    rows = []
    for N in ds.N.values:
        m = start.sel(N=N)
        hits = (m > threshold).sum("trial").values.astype(float)
        total = m.notnull().sum("trial").values.astype(float)
        a_half, err = fit_crossing(ds.alpha.values, hits, total)
        rows.append({"N": float(N), "alpha_half": a_half, "stderr": err})
    df = pd.DataFrame(rows)
    x = 1 / np.sqrt(df.N.values)
    w = 1 / np.maximum(df.stderr.fillna(df.stderr.max()).values, 1e-4) ** 2
    (slope, intercept), cov = np.polyfit(x, df.alpha_half.values, 1, w=np.sqrt(w), cov="unscaled")
    df.loc[len(df)] = {"N": np.inf, "alpha_half": intercept, "stderr": float(np.sqrt(cov[1, 1]))}
    df.attrs["slope"] = float(slope)
    return df


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


def figure(ds: xr.Dataset, threshold: float):
    """Draw the four panels; return (figure, finite-size table)."""
    alpha_c, _ = ags_critical()
    grid = np.linspace(1e-3, float(ds.alpha.max()), 400)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    (ax_m, ax_e), (ax_p, ax_fs) = axes
    start_noise = float(ds.noise.values.min())
    palette = sns.color_palette("viridis", ds.sizes["N"])

    df = ds[["overlap", "bit_error"]].to_dataframe().reset_index().dropna()
    df["N"] = df["N"].astype(int)
    sns.lineplot(
        data=df,
        x="alpha",
        y="overlap",
        hue="N",
        style="noise",
        palette=palette,
        errorbar=("ci", 95),
        ax=ax_m,
    )
    ax_m.plot(grid, ags_overlap(grid), "k-", lw=2, label="AGS theory (T = 0)")
    ax_m.axvline(alpha_c, color="k", ls="--", lw=1, label=f"alpha_c = {alpha_c:.3f}")
    ax_m.axvline(0.15, color="gray", ls=":", lw=1, label="0.15 N (rule of thumb)")
    ax_m.set(
        xlabel=axis_label(ds["alpha"]),
        ylabel=axis_label(ds["overlap"]),
        ylim=(0, 1.02),
        title="(a) retrieval overlap",
    )
    ax_m.legend(fontsize=7, ncol=2)

    errs = df[df.noise == start_noise]
    sns.lineplot(
        data=errs,
        x="alpha",
        y="bit_error",
        hue="N",
        palette=palette,
        errorbar=("ci", 95),
        ax=ax_e,
        legend=False,
    )
    one = ds["one_step_error"].mean("trial").to_dataframe().reset_index().dropna()
    for color, (_, part) in zip(palette, one.groupby("N"), strict=True):
        ax_e.plot(part.alpha, part.one_step_error, "o", ms=3, color=color, alpha=0.7)
    ax_e.plot(grid, one_step_error(grid), "k-", lw=2, label="one step: erfc(1/sqrt(2 alpha))/2")
    ax_e.plot([], [], "o", color="gray", ms=3, label="one step, simulated")
    ax_e.plot([], [], "-", color="gray", label=f"after convergence (noise {start_noise:g})")
    ax_e.axvline(alpha_c, color="k", ls="--", lw=1)
    ax_e.set(
        yscale="log",
        ylim=(1e-5, 0.6),
        xlabel=axis_label(ds["alpha"]),
        ylabel="fraction of wrong bits",
        title="(b) bit errors",
    )
    ax_e.legend(fontsize=7)

    table = finite_size_estimate(ds, threshold)
    m0 = ds.overlap.sel(noise=start_noise)
    prob = ((m0 > threshold).sum("trial") / m0.notnull().sum("trial")).T
    for color, N in zip(palette, ds.N.values, strict=True):
        ax_p.plot(ds.alpha, prob.sel(N=N), "o", ms=3, color=color)
        a0 = table.loc[table.N == N, "alpha_half"].item()
        ax_p.axvline(a0, color=color, lw=0.8, alpha=0.6)
        ax_p.plot([], [], "o-", color=color, label=f"N={int(N)}: alpha_1/2={a0:.3f}")
    ax_p.axhline(0.5, color="gray", lw=0.8)
    ax_p.set(
        xlabel=axis_label(ds["alpha"]),
        ylabel=f"P(m > {threshold:g}) from stored patterns",
        title="(c) retrieval probability",
        ylim=(-0.02, 1.02),
    )
    ax_p.legend(fontsize=7)

    finite = table[np.isfinite(table.N)]
    x = 1 / np.sqrt(finite.N)
    ax_fs.errorbar(
        x, finite.alpha_half, yerr=finite.stderr, fmt="o", color="C0", label="alpha_1/2(N)"
    )
    est = table.iloc[-1]
    xs = np.linspace(0, x.max() * 1.05, 50)
    ax_fs.plot(xs, est.alpha_half + table.attrs["slope"] * xs, "C0-", lw=1)
    ax_fs.errorbar(
        [0],
        [est.alpha_half],
        yerr=[est.stderr],
        fmt="s",
        color="C3",
        label=f"N -> inf: {est.alpha_half:.3f} +/- {est.stderr:.3f}",
    )
    ax_fs.axhline(alpha_c, color="k", ls="--", lw=1, label=f"AGS alpha_c = {alpha_c:.3f}")
    ax_fs.set(
        xlabel="1 / sqrt(N)",
        ylabel="alpha where P(retrieval) = 1/2",
        title="(d) finite-size estimate of alpha_c",
    )
    ax_fs.legend(fontsize=7)
    claim = claim_check(ds)
    suptitle = (
        f"Hebbian Hopfield capacity ({ds['update'].item()} updates, "
        f"{ds.sizes['trial']} trials per point); alpha_c estimate "
        f"{est.alpha_half:.3f} +/- {est.stderr:.3f}"
    )
    if claim:
        suptitle += "\n" + claim
    fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return fig, table


def main(argv: list[str] | None = None) -> list:
    """Draw the figure and store the finite-size table; return the written paths."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--threshold", type=float, default=0.9)
    known, rest = parser.parse_known_args(argv)
    ds, out_dir = open_from_cli("capacity", __doc__.splitlines()[0], rest)
    fig, table = figure(ds, known.threshold)
    paths = save_figure(fig, out_dir, "capacity")
    csv = out_dir / "capacity_alpha_c.csv"
    table.to_csv(csv, index=False)
    paths.append(csv)
    est = table.iloc[-1]
    print(f"finite-size alpha_c estimate: {est.alpha_half:.4f} +/- {est.stderr:.4f}")
    claim = claim_check(ds)
    if claim:
        print(f"source claim check: {claim}")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
