"""Gradients figure: vanishing gradients, copy-task success over seeds, exploding gradients.

``gradients``: (a) ||dL_T/dh_t|| against the distance T - t, per model, log scale: at
initialisation (dashed, median over every lag and seed: the untrained models do not depend
on the lag) and after training at one lag (solid, median over the seeds; the longest lag
by default, ``lag=`` or ``--fix lag=...`` picks another); the LSTM's cell-state gradient at
initialisation dotted; (b) copy-task success against the lag: bars, the fraction of seeds
whose validation accuracy reached the success threshold (dashed line), the count k/n on
top of each bar's column (so a bar of height 0 still reads), and every seed's
accuracy as a black mark, with chance accuracy dotted; (c) a SimpleRNN started at spectral
radius > 1: the training loss per step without and with clip_grad_norm, one line per seed;
(d) the gradient norm before clipping per step, the same runs. The number of steps whose
loss or gradient was inf or NaN is in the key of (c) and (d).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import (
    OKABE_ITO,
    FigureError,
    colors,
    fmt,
    legend_below,
    setting,
)

STEMS = ("gradients",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("variant", "lag", "stage", "distance", "clipping", "step")
#: own dimensions --fix may choose: the lag of the trained curves in (a) (and of (b))
FIX_DIMS = ("lag",)
#: without, with clipping: colours the first four variants of (a) and (b) do not use
CLIP_COLOURS = (OKABE_ITO[4], OKABE_ITO[6])


def trained_lag(ds: xr.Dataset, lag: int | None = None) -> int:
    """The lag whose trained models panel (a) draws: ``lag`` (must exist) or the longest."""
    lags = [int(v) for v in np.atleast_1d(ds.lag.values)]
    if lag is None:
        return max(lags)
    if int(lag) not in lags:
        raise FigureError(f"lag={lag}: the run's lags are {', '.join(map(str, lags))}")
    return int(lag)


def figure(ds: xr.Dataset, lag: int | None = None, **_) -> plt.Figure:
    """Draw the four panels of the module docstring."""
    at = trained_lag(ds, lag)
    variants = [str(v) for v in ds.variant.values]
    palette = dict(zip(variants, colors(len(variants)), strict=True))
    fig, axes = plt.subplots(2, 2, figsize=(11, 10), layout="constrained")
    ax = axes[0, 0]
    dist = ds.distance.values
    for v in variants:
        g0 = ds.grad_h.sel(variant=v, stage="init").median(["lag", "seed"]).values
        ax.plot(dist, g0, "--", color=palette[v], label=f"{v}, initial", gid=f"init:{v}")
        g1 = ds.grad_h.sel(variant=v, stage="trained", lag=at).median("seed").values
        ax.plot(dist, g1, "-", color=palette[v], label=f"{v}, trained", gid=f"trained:{v}")
        if "lstm" in v and "grad_c" in ds and np.isfinite(ds.grad_c.sel(variant=v)).any():
            c = ds.grad_c.sel(variant=v, stage="init").median(["lag", "seed"]).values
            ax.plot(
                dist[1:],
                c[1:],
                ":",
                color=palette[v],
                label=f"{v} cell state, initial",
                gid=f"cell:{v}",
            )
    ax.set_yscale("log")
    ax.set_xlabel("distance T - t [steps]")
    ax.set_ylabel("||dL_T / dh_t|| (median over networks)")
    ax.set_title(
        f"(a) gradient reaching step t from the loss at T\n"
        f"initial (dashed): the {ds.sizes['lag'] * ds.sizes['seed']} untrained networks per "
        f"model;\ntrained (solid): the {ds.sizes['seed']} trained at lag {at}",
        loc="left",
        fontsize=10,
    )
    legend_below(ax, ncol=2)

    ax = axes[0, 1]
    lags = [int(v) for v in ds.lag.values]
    n = ds.sizes["seed"]
    width = 0.8 / len(variants)
    for i, v in enumerate(variants):
        x = np.arange(len(lags)) + (i - (len(variants) - 1) / 2) * width
        solved = ds.success.sel(variant=v).sum("seed").values
        rate = solved / n
        ax.bar(x, rate, width, color=palette[v], label=v, alpha=0.85, gid=f"success:{v}")
        for xi, k, lg in zip(x, solved, lags, strict=True):
            # the count in a row above every bar (clear of the marks, which are <= 1), so a
            # bar of height 0 (no seed solved) is still read
            ax.text(
                xi,
                1.025,
                f"{int(k)}/{n}",
                ha="center",
                va="bottom",
                fontsize=8,
                color=palette[v],
                gid=f"count:{v}:{lg}",
            )
            acc = ds.accuracy.sel(variant=v, lag=lg).values
            ax.plot(
                np.full(acc.size, xi),
                acc,
                "_",
                color="black",
                markersize=9,
                mew=1.5,
                gid=f"accuracy:{v}:{lg}",
            )
    ax.plot([], [], "_", color="black", markersize=9, mew=1.5, label="accuracy of one seed")
    threshold = float(setting(ds, "success_threshold"))
    ax.axhline(threshold, color="0.3", lw=0.8, ls="--", label=f"success: accuracy >= {threshold:g}")
    chance = float(setting(ds, "chance"))
    ax.axhline(chance, color="grey", lw=0.8, ls=":", label=f"chance accuracy ({chance:g})")
    ax.set_xticks(np.arange(len(lags)), [str(lg) for lg in lags])
    ax.set_xlabel("lag between symbol and recall [steps]")
    ax.set_ylabel(
        f"fraction of {n} seeds solved (bars, count on top);\nvalidation accuracy (marks)"
    )
    ax.set_ylim(0, 1.09)
    ax.set_title(
        f"(b) copy task, K = {setting(ds, 'symbols')} symbols, H = {setting(ds, 'hidden')}",
        loc="left",
        fontsize=10,
    )
    legend_below(ax, ncol=3)

    explode = ds.sizes.get("explode_seed", 0) > 0 and "explode_loss" in ds
    title = (
        f"SimpleRNN at spectral radius {float(setting(ds, 'explode_radius')):g}, "
        f"lag {setting(ds, 'explode_lag')}"
        if explode
        else ""
    )
    for ax, name, ylabel, letter in (
        (axes[1, 0], "explode_loss", "training loss [nat]", "c"),
        (axes[1, 1], "explode_grad_norm", "gradient norm before clipping", "d"),
    ):
        if not explode:
            ax.set_axis_off()
            ax.text(
                0.5,
                0.5,
                f"({letter}) no explosion runs (explode.seeds = 0)",
                ha="center",
                transform=ax.transAxes,
            )
            continue
        for c, (clip, color) in enumerate(zip(ds.clipping.values, CLIP_COLOURS, strict=False)):
            bad = int(ds.explode_nonfinite.isel(clipping=c).sum())
            for k, s in enumerate(ds.explode_seed.values):
                y = ds[name].isel(clipping=c).sel(explode_seed=s).values
                label = f"{clip} ({bad} inf/NaN steps, all seeds)" if k == 0 else None
                ax.plot(
                    ds.step.values,
                    y,
                    color=color,
                    lw=0.9,
                    alpha=0.85,
                    label=label,
                    gid=f"{name}:{clip}:{s}",
                )
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
        ax.set_title(f"({letter}) {ylabel.split(' [')[0]}:\n{title}", loc="left", fontsize=10)
        legend_below(ax, ncol=1)
    fig.suptitle(
        f"Vanishing and exploding gradients on the copy task ({', '.join(variants)}; "
        f"{fmt(n)} seeds per lag)",
        fontsize=11,
    )
    return fig


def figures(ds: xr.Dataset, lag: int | None = None, **_) -> dict[str, plt.Figure]:
    return {"gradients": figure(ds, lag)}
