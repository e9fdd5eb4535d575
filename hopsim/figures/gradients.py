"""Gradients figures: which RNNs learn long lags (``gating``) and vanishing/exploding gradients.

``gating`` (the lag sweep; every number from :mod:`hopsim.analysis.gating`): (a) the
fraction of seeds that solved the copy task (held-out accuracy >= the success threshold)
within the smallest budget, against the lag, per model, with 95% Wilson intervals (the
points of the models are spread a little sideways so that no interval hides another);
(b) the same within the largest budget; (c) the budget effect: the longest lag solved by at
least half the seeds, per model and budget ("none" at the bottom); (d) the learning-rate
search, when the run made one: the fraction of its cells solved per learning rate, the
chosen rate ringed.

``gating.csv`` (:func:`tables`): the numbers of the ``gating`` figure, one row per model,
lag and budget.

``gradients``: (a) ||dL_T/dh_t|| against the distance T - t, per model, log scale: at
initialisation (dashed, median over every lag and seed: the untrained models do not depend
on the lag) and after training at one lag (solid, median over the seeds; the longest lag by
default, ``lag=`` or ``--fix lag=...`` picks another); the LSTM's cell-state gradient at
initialisation dotted; (b) the explosion runs: the fraction of runs in which a step's loss or
gradient norm was inf or NaN, without and with clip_grad_norm, with 95% Wilson intervals and
the count k/n; (c) their training loss per step (log step axis: explosions come early), one
line per seed (a cross on the last finite value before a run went inf or NaN); (d) the
gradient norm before clipping per step, the same runs.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from hopsim.analysis import gating
from hopsim.figures._common import (
    LINE_COLORS,
    MARKERS,
    OKABE_ITO,
    FigureError,
    fmt,
    legend_below,
    panel,
    setting,
)
from hopsim.gallery.plan import Entry

STEMS = ("gating", "gradients")
#: dimensions these figures draw themselves; any other swept one needs --fix
OWN_DIMS = (
    "variant", "lag", "budget", "evaluation", "stage", "distance", "clipping", "step",
    "search_lr", "search_lag",
)  # fmt: skip
#: own dimensions --fix may choose: the lag of the trained curves in gradients (a)
FIX_DIMS = ("lag",)
#: colour and marker of each model, the same in every figure and run
VARIANT_STYLE = {
    "rnn": (OKABE_ITO[0], "o"),
    "gru": (OKABE_ITO[2], "^"),
    "lstm": (OKABE_ITO[1], "s"),
    "lstm_forget1": (OKABE_ITO[3], "D"),
}
VARIANT_LABEL = {
    "rnn": "SimpleRNN (tanh)",
    "gru": "GRU",
    "lstm": "LSTM (default init)",
    "lstm_forget1": "LSTM, forget bias 1",
}
#: without, with clipping: colours no model uses
CLIP_COLOURS = (OKABE_ITO[4], OKABE_ITO[5])


def styles(variants) -> dict[str, tuple[str, str]]:
    """(colour, marker) per model: fixed for the known ones, the next free ones otherwise."""
    used = {VARIANT_STYLE[v][0] for v in variants if v in VARIANT_STYLE}
    free = iter([c for c in LINE_COLORS if c not in used])
    out = {}
    for i, v in enumerate(variants):
        out[v] = VARIANT_STYLE.get(v) or (next(free, "#6E6E6E"), MARKERS[i % len(MARKERS)])
    return out


def label(variant: str) -> str:
    return VARIANT_LABEL.get(variant, variant)


def clip_label(clipping) -> str:
    """``"none"`` reads "no clipping"; the other setting keeps its name."""
    return "no clipping" if str(clipping) == "none" else str(clipping)


def trained_lag(ds: xr.Dataset, lag: int | None = None) -> int:
    """The lag whose trained models gradients (a) draws: ``lag`` (must exist) or the longest."""
    lags = [int(v) for v in np.atleast_1d(ds.lag.values)]
    if lag is None:
        return max(lags)
    if int(lag) not in lags:
        raise FigureError(f"lag={lag}: the run's lags are {', '.join(map(str, lags))}")
    return int(lag)


# ----------------------------------------------------------------------------- gating


def _dodge(i: int, n: int, width: float = 0.05) -> float:
    """Factor that spreads n models' points around a lag on a log axis."""
    return float(np.exp(width * (i - (n - 1) / 2)))


def _lag_axis(ax, lags) -> None:
    ax.set_xscale("log")
    ax.set_xticks(lags, [str(v) for v in lags])
    ax.minorticks_off()
    lo, hi = min(lags), max(lags)
    ax.set_xlim(lo / 1.25, hi * 1.25)
    ax.set_xlabel("lag between symbol and recall [steps]")


def _fraction_panel(ax, ds, table, budget: int, letter: str) -> None:
    variants = [str(v) for v in ds.variant.values]
    style = styles(variants)
    lags = [int(v) for v in table.lag.values]
    for i, v in enumerate(variants):
        t = table.sel(variant=v, budget=budget)
        x = np.array(lags, dtype=float) * _dodge(i, len(variants))
        f = t.fraction.values
        colour, marker = style[v]
        lr = float(ds.learning_rate.sel(variant=v)) if "learning_rate" in ds else np.nan
        box = ax.errorbar(
            x,
            f,
            yerr=[f - t.lower.values, t.upper.values - f],
            color=colour,
            marker=marker,
            ms=6,
            capsize=3,
            lw=1.4,
            label=f"{label(v)}, lr {lr:g}",
        )
        box.lines[0].set_gid(f"fraction:{v}:{budget}")
        box.lines[2][0].set_gid(f"interval:{v}:{budget}")
    ax.axhline(0.5, color="0.5", lw=0.8, ls=":", label="half the seeds")
    _lag_axis(ax, lags)
    ax.set_ylim(-0.04, 1.04)
    ax.set_ylabel("fraction of seeds solved (95% Wilson interval)")
    n = int(table.seeds.max())
    threshold = float(setting(ds, "success_threshold"))
    panel(
        ax,
        letter,
        f"within {budget} steps: held-out accuracy >= {threshold:g},\n{n} seeds per point",
        fontsize=10,
    )
    legend_below(ax, ncol=2)


def _longest_panel(ax, ds, table, letter: str) -> None:
    variants = [str(v) for v in ds.variant.values]
    style = styles(variants)
    longest = gating.longest_lag_half(table)
    budgets = [int(b) for b in table.budget.values]
    lags = [int(v) for v in table.lag.values]
    none_at = 0.0
    for i, v in enumerate(variants):
        colour, marker = style[v]
        y = longest.sel(variant=v).values
        drawn = np.where(np.isfinite(y), y, none_at)
        x = i + 0.12 * (np.arange(len(budgets)) - (len(budgets) - 1) / 2)
        ax.plot(x, drawn, "-", color=colour, lw=1.0, gid=f"longest:{v}")
        for k, b in enumerate(budgets):
            filled = k == 0
            ax.plot(
                x[k],
                drawn[k],
                marker,
                color=colour,
                mfc=colour if filled else "white",
                ms=8,
                gid=f"longest:{v}:{b}",
            )
    for k, b in enumerate(budgets):
        ax.plot([], [], "o", color="0.3", mfc="0.3" if k == 0 else "white", label=f"{b} steps")
    ax.set_xticks(range(len(variants)), [label(v) for v in variants], rotation=15)
    ax.set_xlim(-0.6, len(variants) - 0.4)
    ax.set_yticks([none_at, *lags], ["none", *map(str, lags)])
    ax.set_ylim(none_at - 0.06 * max(lags), max(lags) * 1.08)
    ax.set_ylabel("longest lag solved by >= half the seeds [steps]")
    panel(ax, letter, "the budget effect: longest lag solved by\nhalf the seeds, per budget",
          fontsize=10)  # fmt: skip
    legend_below(ax, ncol=len(budgets), title="budget (filled: smallest)")


def _search_panel(ax, ds, letter: str) -> None:
    if "search_solved_step" not in ds:
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"({letter}) no learning-rate search in this run\n(task.lr_search=false)",
                ha="center", va="center", transform=ax.transAxes)  # fmt: skip
        return
    budget = int(ds.attrs.get("search_budget", int(ds.budget.values[0])))
    chosen, scores = gating.choose_learning_rate(ds.search_solved_step, ds.search_accuracy, budget)
    cells = ds.sizes["search_lag"] * ds.sizes["search_seed"]
    variants = [str(v) for v in ds.variant.values]
    style = styles(variants)
    lrs = ds.search_lr.values.astype(float)
    for i, v in enumerate(variants):
        colour, marker = style[v]
        y = scores.solved.sel(variant=v).values / cells
        x = lrs * _dodge(i, len(variants), 0.06)
        ax.plot(x, y, "-", marker=marker, color=colour, label=label(v), gid=f"search:{v}")
        pick = float(chosen.sel(variant=v))
        at = int(np.argmin(np.abs(lrs - pick)))
        ax.plot(x[at], y[at], "o", ms=15, mfc="none", mec=colour, mew=1.5, gid=f"chosen:{v}")
    ax.set_xscale("log")
    ax.set_xticks(lrs, [fmt(v) for v in lrs])
    ax.minorticks_off()
    ax.set_xlabel("Adam learning rate")
    ax.set_ylabel("fraction of search runs solved")
    ax.set_ylim(-0.04, 1.04)
    lags = ", ".join(str(int(v)) for v in ds.search_lag.values)
    panel(ax, letter, f"learning-rate search: lags {lags}, {ds.sizes['search_seed']} seeds "
          f"of its own,\nwithin {budget} steps; ringed: the rate chosen", fontsize=10)  # fmt: skip
    legend_below(ax, ncol=2)


def gating_figure(ds: xr.Dataset, **_) -> plt.Figure:
    """The lag sweep: fraction solved per budget, the budget effect, the learning-rate search."""
    table = gating.solved_table(ds)
    budgets = [int(b) for b in ds.budget.values]
    fig, axes = plt.subplots(2, 2, figsize=(12, 11), layout="constrained")
    _fraction_panel(axes[0, 0], ds, table, budgets[0], "a")
    if len(budgets) > 1:
        _fraction_panel(axes[0, 1], ds, table, budgets[-1], "b")
    else:
        axes[0, 1].set_axis_off()
        axes[0, 1].text(0.5, 0.5, "(b) one budget only (train.budgets)", ha="center",
                        transform=axes[0, 1].transAxes)  # fmt: skip
    _longest_panel(axes[1, 0], ds, table, "c")
    _search_panel(axes[1, 1], ds, "d")
    fig.suptitle(
        f"Which RNNs learn long lags: copy task, K = {setting(ds, 'symbols')} symbols, "
        f"H = {setting(ds, 'hidden')}, the same budget for every model",
        fontsize=11,
    )
    return fig


# ----------------------------------------------------------------------------- gradients


def _vanishing_panel(ax, ds, at: int) -> None:
    variants = [str(v) for v in ds.variant.values]
    style = styles(variants)
    dist = ds.distance.values
    for v in variants:
        colour = style[v][0]
        g0 = ds.grad_h.sel(variant=v, stage="init").median(["lag", "seed"]).values
        ax.plot(dist, g0, "--", color=colour, label=f"{label(v)}, initial", gid=f"init:{v}")
        g1 = ds.grad_h.sel(variant=v, stage="trained", lag=at).median("seed").values
        ax.plot(dist, g1, "-", color=colour, label=f"{label(v)}, trained", gid=f"trained:{v}")
        if "lstm" in v and "grad_c" in ds and np.isfinite(ds.grad_c.sel(variant=v)).any():
            c = ds.grad_c.sel(variant=v, stage="init").median(["lag", "seed"]).values
            ax.plot(dist[1:], c[1:], ":", color=colour, label=f"{label(v)} cell state, initial",
                    gid=f"cell:{v}")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("distance T - t [steps]")
    ax.set_ylabel("||dL_T / dh_t|| (median over networks)")
    panel(
        ax,
        "a",
        f"gradient reaching step t from the loss at T\ninitial (dashed): the "
        f"{ds.sizes['lag'] * ds.sizes['seed']} untrained networks per model;\n"
        f"trained (solid): the {ds.sizes['seed']} trained at lag {at}",
        fontsize=10,
    )
    legend_below(ax, ncol=2)


def _explosion_title(ds) -> str:
    optimizer = str(setting(ds, "explode_optimizer")).upper()
    return (
        f"SimpleRNN ({setting(ds, 'explode_nonlinearity')}) at spectral radius "
        f"{float(setting(ds, 'explode_radius')):g}, lag {setting(ds, 'explode_lag')},\n"
        f"{optimizer} at lr {float(setting(ds, 'explode_lr')):g}"
    )


def _exploded_panel(ax, ds) -> None:
    table = gating.explosion_table(ds)
    x = np.arange(ds.sizes["clipping"])
    f = table.fraction.values
    for i, (clip, colour) in enumerate(zip(ds.clipping.values, CLIP_COLOURS, strict=False)):
        ax.bar(x[i], f[i], 0.6, color=colour, alpha=0.85, gid=f"exploded:{clip}")
        ax.errorbar(x[i], f[i], yerr=[[f[i] - table.lower.values[i]],
                    [table.upper.values[i] - f[i]]], color="black", capsize=5,
                    gid=f"exploded_interval:{clip}")  # fmt: skip
        k, n = int(table.exploded.values[i]), int(table.seeds.values[i])
        ax.text(x[i], 1.03, f"{k}/{n}", ha="center", va="bottom", gid=f"exploded_count:{clip}")
    ax.set_xticks(x, [clip_label(c) for c in ds.clipping.values])
    ax.set_xlim(-0.7, len(x) - 0.3)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("fraction of runs with an inf or NaN step\n(95% Wilson interval; count on top)")
    panel(ax, "b", "exploded runs: " + _explosion_title(ds), fontsize=10)


def _curves_panel(ax, ds, name: str, ylabel: str, letter: str) -> None:
    first = ds.explode_first_nonfinite if "explode_first_nonfinite" in ds else None
    for c, (clip, colour) in enumerate(zip(ds.clipping.values, CLIP_COLOURS, strict=False)):
        for k, s in enumerate(ds.explode_seed.values):
            y = ds[name].isel(clipping=c).sel(explode_seed=s).values
            key = clip_label(clip) if k == 0 else None
            ax.plot(ds.step.values, y, color=colour, lw=0.9, alpha=0.85, label=key,
                    gid=f"{name}:{clip}:{s}")  # fmt: skip
            at = -1 if first is None else int(first.isel(clipping=c).sel(explode_seed=s))
            finite = np.flatnonzero(np.isfinite(y) & (ds.step.values < at))
            if at > 0 and finite.size:
                ax.plot(ds.step.values[finite[-1]], y[finite[-1]], "x", color="black", ms=7,
                        gid=f"blowup:{name}:{clip}:{s}")  # fmt: skip
    if first is not None and bool((first > 0).any()):
        ax.plot([], [], "x", color="black", label="last finite value before inf/NaN")
    ax.set_yscale("log")
    ax.set_xscale("log")  # explosions come in the first steps
    ax.set_xlabel("training step (log scale)")
    ax.set_ylabel(ylabel)
    panel(ax, letter, f"{ylabel.split(' [')[0]}, one line per seed", fontsize=10)
    legend_below(ax, ncol=3)


def gradients_figure(ds: xr.Dataset, lag: int | None = None, **_) -> plt.Figure:
    """Vanishing gradients, and the explosion runs with and without clipping."""
    at = trained_lag(ds, lag)
    fig, axes = plt.subplots(2, 2, figsize=(12, 10.5), layout="constrained")
    _vanishing_panel(axes[0, 0], ds, at)
    if ds.sizes.get("explode_seed", 0) > 0 and "explode_loss" in ds:
        _exploded_panel(axes[0, 1], ds)
        _curves_panel(axes[1, 0], ds, "explode_loss", "training loss [nat]", "c")
        _curves_panel(axes[1, 1], ds, "explode_grad_norm", "gradient norm before clipping", "d")
    else:
        for ax, letter in ((axes[0, 1], "b"), (axes[1, 0], "c"), (axes[1, 1], "d")):
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"({letter}) no explosion runs (explode.seeds = 0)",
                    ha="center", transform=ax.transAxes)  # fmt: skip
    fig.suptitle(
        f"Vanishing and exploding gradients ({', '.join(label(v) for v in ds.variant.values)}; "
        f"{fmt(ds.sizes['seed'])} seeds per lag)",
        fontsize=11,
    )
    return fig


def figure(ds: xr.Dataset, kind: str = "gating", lag: int | None = None, **_) -> plt.Figure:
    """``kind="gating"`` (the lag sweep) or ``"gradients"`` (vanishing and exploding)."""
    if kind not in STEMS:
        raise FigureError(f"kind={kind!r}: expected one of {', '.join(STEMS)}")
    return gating_figure(ds) if kind == "gating" else gradients_figure(ds, lag)


def figures(ds: xr.Dataset, lag: int | None = None, **_) -> dict[str, plt.Figure]:
    return {"gating": gating_figure(ds), "gradients": gradients_figure(ds, lag)}


def tables(ds: xr.Dataset, **_) -> dict[str, pd.DataFrame]:
    """``gating.csv``: seeds solved per model, lag and budget with the fraction and its 95%
    Wilson interval, and the longest lag half the seeds solve (the numbers of the figure)."""
    table = gating.solved_table(ds)
    longest = gating.longest_lag_half(table)
    frame = table.to_dataframe()[["solved", "seeds", "fraction", "lower", "upper"]]
    frame = frame.join(longest.to_dataframe()["longest_lag_half"], on=["variant", "budget"])
    return {"gating.csv": frame.reset_index()}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 190
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "gradients",
        title="Which RNNs learn long lags; vanishing and exploding gradients",
        why="Copy-task success against the lag for SimpleRNN, GRU and LSTM (forget-gate bias "
        "0 and 1) at one training budget, over seeds, with intervals; ||dL_T/dh_t|| against "
        "the lag; clip_grad_norm where unclipped training explodes.",
        overrides=("experiment=gradients",),
        quick=(
            "experiment=gradients",
            "task.lags=[5,20]",
            "task.seeds=3",
            "train.budgets=[100,200]",
            "gradients.length=31",
            "explode.steps=60",
            "explode.seeds=6",
        ),
        needs=("torch",),
    ),
)
