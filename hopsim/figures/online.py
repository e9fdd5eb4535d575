"""Online learning figures: retrieval against age, palimpsests against theory, the blackout.

``online`` (six panels; the age panels at the largest N, every panel at the first cue noise
unless ``noise=`` picks another):

(a) exponential decay (``hebb_decay``): the fraction of streams that retrieved the pattern
    of each age (``m >= threshold``) at the last checkpoint, one colour per epsilon; the
    dashed step of the same colour is the theory (everything retrieved up to its capacity,
    nothing beyond);
(b) the same for learning within bounds (``hebb_bounded``), one colour per bound A;
(c) retrievable patterns per neuron against the patterns streamed per neuron, at the
    largest N: Hebb's rule rises with the load and collapses past ``alpha_c = 0.138`` (the
    blackout; theory dashed), the palimpsests at the swept value nearest the theory's best
    level off at their capacity (dashed), Storkey's rule and any RNN as measured;
(d) retrievable patterns per neuron at the last checkpoint against epsilon, one marker per
    N, the mean-field curve, its optimum (star) and ``epsilon_c`` (dotted);
(e) the same against the bound A;
(f) the finite-size check: at the swept value nearest each theory optimum, the measured
    capacity against ``1/sqrt(N)`` with the weighted fit ``alpha_inf + b / sqrt(N)``
    extended to ``N = inf``, where the theory's value sits (star).

``online_rnn`` (when the run has RNN learners): the fraction retrieved against the age in
patterns at the last checkpoint, one panel per cue noise, every learner.

Error bars: one standard error over the streams.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.analysis.online import (
    coverage,
    finite_size_fit,
    nearest_optimum,
    retrievable_mean,
    retrieval_by_age,
    theory_capacity,
    theory_retrievable,
)
from hopsim.figures._common import OKABE_ITO, FigureError, fmt, legend_below, panel
from hopsim.gallery.plan import Entry

STEMS = ("online", "online_rnn")
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("learner", "N", "checkpoint", "noise", "stream", "slot")
#: own dimension --fix may narrow: the cue noise drawn
FIX_DIMS = ("noise",)
#: colours of learners that are not palimpsest values (Okabe-Ito; rules as in every figure)
LEARNER_COLOURS = {
    "hebb": OKABE_ITO[0],
    "storkey": OKABE_ITO[1],
    "hebb_decay": OKABE_ITO[4],
    "hebb_bounded": OKABE_ITO[5],
    "gru": OKABE_ITO[3],
    "lstm": OKABE_ITO[2],
    "rnn": OKABE_ITO[6],
}
N_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
THEORY = {"hebb_decay": "epsilon", "hebb_bounded": "bound"}


def _noise(ds: xr.Dataset, noise) -> float:
    levels = [float(v) for v in np.atleast_1d(ds.noise.values)]
    if noise is None:
        return levels[0]
    match = [v for v in levels if math.isclose(v, float(noise))]
    if not match:
        raise FigureError(f"online figure: noise={noise} not in the run ({levels})")
    return match[0]


def _learners(ds: xr.Dataset, rule: str) -> list[str]:
    return [str(x) for x, r in zip(ds.learner.values, ds.rule.values, strict=True) if r == rule]


def _errorbar(ax, x, y, yerr, gid: str, **style):
    """``ax.errorbar`` whose data line alone carries ``gid`` (not its caps and bars)."""
    container = ax.errorbar(x, y, yerr=yerr, **style)
    container.lines[0].set_gid(gid)
    return container


def _cue_text(level: float) -> str:
    return "the pattern itself" if level == 0 else f"a cue with {level:g} of its bits flipped"


def _sequential(n: int) -> list:
    cmap = plt.get_cmap("viridis")
    return [cmap(v) for v in np.linspace(0.0, 0.85, max(n, 1))]


def binned(cell: xr.Dataset, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Ages grouped ``width`` patterns at a time: (mean age / N, fraction retrieved)."""
    used = cell.age.values >= 0
    age, frac, n = cell.age.values[used], cell.fraction.values[used], cell.tested.values[used]
    group = age // width
    x, y = [], []
    for g in np.unique(group):
        k = (group == g) & (n > 0)
        if k.any():
            x.append(age[k].mean())
            y.append(np.sum(frac[k] * n[k]) / np.sum(n[k]))
    return np.array(x), np.array(y)


#: At most this many values of a forgetting parameter in the age panels (all are in (d), (e))
AGE_PANEL_VALUES = 4
#: Age bins of the age panels over the range drawn
AGE_BINS = 20


def age_panel_learners(ds: xr.Dataset, rule: str) -> list[str]:
    """The learners of ``rule`` the age panel draws: all, or at most four (the smallest and
    largest value, the one nearest the theory's optimum, and the one halfway between)."""
    picks = _learners(ds, rule)
    if len(picks) <= AGE_PANEL_VALUES:
        return picks
    order = sorted(picks, key=lambda x: float(ds.value.sel(learner=x)))
    best = nearest_optimum(ds, rule)
    chosen = {order[0], order[-1], best}
    k = order.index(best)
    far = order[(k + len(order) - 1) // 2] if k < len(order) / 2 else order[k // 2]
    chosen.add(far if far not in chosen else order[len(order) // 2])
    return [x for x in order if x in chosen]


def _age_panel(ax, ds, by_age, rule: str, noise: float, letter: str) -> None:
    """(a), (b): fraction retrieved against age at the largest N, binned, theory steps."""
    picks = age_panel_learners(ds, rule)
    N, last = int(ds.N.values[-1]), ds.checkpoint.values[-1]
    what = "exponential decay" if rule == "hebb_decay" else "learning within bounds"
    if not picks:
        ax.text(0.5, 0.5, f"no {rule} in this run", ha="center", transform=ax.transAxes)
        panel(ax, letter, what)
        return
    cap = theory_capacity(ds).sel(learner=picks)
    cell = by_age.sel(N=N, checkpoint=last, noise=noise)
    hits = cell.fraction.sel(learner=picks).fillna(0).values > 0
    seen = cell.age_load.values[np.any(hits, axis=0)]
    top = float(coverage(ds).sel(N=N))
    x_max = min(top, 1.5 * max(float(cap.max()), seen.max() if seen.size else 0.0, 1.0 / N))
    width = max(int(ds.stride.sel(N=N)), int(round(x_max * N / AGE_BINS)))
    for colour, label in zip(_sequential(len(picks)), picks, strict=True):
        value = float(ds.value.sel(learner=label))
        x, y = binned(cell.sel(learner=label), width)
        ax.plot(
            x / N,
            y,
            color=colour,
            lw=1.3,
            marker=".",
            ms=3,
            label=fmt(value),
            gid=f"{letter}:{label}",
        )
        a = float(cap.sel(learner=label))
        ax.plot(
            [0, a, a, x_max],
            [1, 1, 0, 0],
            color=colour,
            ls="--",
            lw=1,
            gid=f"{letter}:theory:{label}",
        )
    ax.set(
        xlabel="age of the pattern / N",
        ylabel="fraction retrieved",
        ylim=(-0.04, 1.04),
        xlim=(0, x_max),
    )
    legend_below(ax, ncol=4, title="epsilon" if rule == "hebb_decay" else "A", title_fontsize=7)
    bins = f"ages in bins of {width}" if width > 1 else "every age"
    total = len(_learners(ds, rule))
    some = (
        f"{len(picks)} of {total} values (all in ({'d' if letter == 'a' else 'e'})); "
        if len(picks) < total
        else ""
    )
    panel(
        ax, letter, f"{what}: N = {N}, {float(last):g} N streamed\n{some}{bins}\n(dashed: theory)"
    )


def _load_panel(ax, ds, noise: float) -> None:
    """(c): retrievable patterns per neuron against the patterns streamed per neuron."""
    N = ds.N.values[-1]
    mean = retrievable_mean(ds).sel(N=N, noise=noise)
    t = ds.checkpoint.values
    grid = np.linspace(0, float(t.max()), 600)
    theory = theory_retrievable(ds, grid).sel(N=N)
    picks = [x for r in ("hebb", "storkey") for x in _learners(ds, r)]
    picks += [x for x in (nearest_optimum(ds, r) for r in THEORY) if x is not None]
    picks += [
        str(x) for x, f in zip(ds.learner.values, ds.family.values, strict=True) if f == "rnn"
    ]
    for label in picks:
        rule = str(ds.rule.sel(learner=label).item())
        colour = LEARNER_COLOURS.get(rule, OKABE_ITO[6])
        _errorbar(
            ax,
            t,
            mean.alpha.sel(learner=label),
            yerr=mean.stderr.sel(learner=label).fillna(0),
            color=colour,
            marker="o",
            ms=4,
            lw=1.3,
            capsize=2,
            label=label,
            gid=f"c:{label}",
        )
        th = theory.sel(learner=label).values
        if np.isfinite(th).any():
            ax.plot(grid, th, color=colour, ls="--", lw=1, gid=f"c:theory:{label}")
    top = float(coverage(ds).sel(N=N))
    ax.axhline(top, color="grey", ls=":", lw=1, label=f"ages tested up to {top:.3g} N")
    ax.set(
        xlabel="patterns streamed / N", ylabel="retrievable patterns / N", ylim=(-0.005, top * 1.25)
    )
    legend_below(ax, ncol=2, fontsize=7)
    panel(
        ax, "c", f"the blackout and the palimpsests: N = {int(N)}\n(dashed: theory, steady state)"
    )


def _value_panel(ax, ds, rule: str, noise: float, letter: str) -> None:
    """(d), (e): retrievable patterns at the last checkpoint against the swept value."""
    from hopsim.theory import palimpsest as th

    picks = _learners(ds, rule)
    name = THEORY[rule]
    if not picks:
        ax.text(0.5, 0.5, f"no {rule} in this run", ha="center", transform=ax.transAxes)
        panel(ax, letter, name)
        return
    values = np.array([float(ds.value.sel(learner=x)) for x in picks])
    order = np.argsort(values)
    mean = retrievable_mean(ds).sel(checkpoint=ds.checkpoint.values[-1], noise=noise)
    for k, N in enumerate(ds.N.values):
        a = mean.alpha.sel(learner=picks, N=N).values[order]
        e = mean.stderr.sel(learner=picks, N=N).fillna(0).values[order]
        _errorbar(
            ax,
            values[order],
            a,
            yerr=e,
            marker=N_MARKERS[k % 7],
            color=OKABE_ITO[k % 7],
            ms=4,
            lw=1,
            capsize=2,
            label=f"N = {int(N)}",
            gid=f"{letter}:N={int(N)}",
        )
    lo, hi = values.min(), values.max()
    if rule == "hebb_decay":
        grid = np.linspace(min(lo, th.decay_critical_epsilon()) * 0.98, hi, 25)
        curve = [th.decay_capacity(float(v)) for v in grid]
        best, edge = th.decay_optimum(), th.decay_critical_epsilon()
        xlabel = "epsilon (lambda = exp(-epsilon^2 / 2N))"
    else:
        grid = np.linspace(lo, max(hi, th.bounded_critical_bound() * 1.02), 25)
        curve = [th.bounded_capacity(float(v)) for v in grid]
        best, edge = th.bounded_optimum(), th.bounded_critical_bound()
        xlabel = "bound A (couplings in [-A, A], steps 1/sqrt(N))"
    ax.plot(grid, curve, color="black", lw=1.5, label="mean-field theory", gid=f"{letter}:theory")
    ax.plot(
        [best[0]],
        [best[1]],
        "*",
        color="black",
        ms=11,
        label=f"optimum {best[1]:.3f} at {best[0]:.3g}",
        gid=f"{letter}:optimum",
    )
    ax.axvline(edge, color="grey", ls=":", lw=1, label=f"no retrieval beyond {edge:.3g}")
    ax.set(xlabel=xlabel, ylabel="retrievable patterns / N")
    legend_below(ax, ncol=2, fontsize=7)
    what = "exponential decay" if rule == "hebb_decay" else "learning within bounds"
    panel(ax, letter, f"{what}: capacity against {name}")


def _finite_size_panel(ax, ds, noise: float) -> None:
    """(f): measured capacity at the value nearest each optimum against 1/sqrt(N)."""
    mean = retrievable_mean(ds).sel(checkpoint=ds.checkpoint.values[-1], noise=noise)
    cap = theory_capacity(ds)
    drawn = False
    for rule in THEORY:
        label = nearest_optimum(ds, rule)
        if label is None:
            continue
        colour = LEARNER_COLOURS[rule]
        fit = finite_size_fit(mean.alpha.sel(learner=label), mean.stderr.sel(learner=label))
        x = 1 / np.sqrt(fit.N.values[:-1].astype(float))
        _errorbar(
            ax,
            x,
            fit.alpha.values[:-1],
            yerr=fit.stderr.values[:-1],
            color=colour,
            marker="o",
            ls="none",
            ms=4,
            capsize=2,
            label=label,
            gid=f"f:{label}",
        )
        slope, icept = fit.attrs["slope"], float(fit.alpha.iloc[-1])
        if math.isfinite(slope):
            xx = np.array([0.0, x.max()])
            ax.plot(
                xx,
                icept + slope * xx,
                color=colour,
                lw=1,
                gid=f"f:fit:{label}",
                label=f"fit: {icept:.3f} +/- {float(fit.stderr.iloc[-1]):.3f} at N = inf",
            )
        ax.plot(
            [0],
            [float(cap.sel(learner=label))],
            "*",
            color=colour,
            mec="black",
            ms=12,
            label=f"theory {float(cap.sel(learner=label)):.3f}",
            gid=f"f:theory:{label}",
        )
        drawn = True
    if not drawn:
        ax.text(0.5, 0.5, "no palimpsest in this run", ha="center", transform=ax.transAxes)
    ax.set(xlabel="1 / sqrt(N)", ylabel="retrievable patterns / N", xlim=(-0.003, None))
    legend_below(ax, ncol=2, fontsize=7)
    panel(ax, "f", "finite size: near each optimum")


def figure(ds: xr.Dataset, noise=None, **_) -> plt.Figure:
    """The six panels of ``online`` (module docstring)."""
    level = _noise(ds, noise)
    by_age = retrieval_by_age(ds)
    fig, axes = plt.subplots(2, 3, figsize=(15, 11), layout="constrained")
    _age_panel(axes[0, 0], ds, by_age, "hebb_decay", level, "a")
    _age_panel(axes[0, 1], ds, by_age, "hebb_bounded", level, "b")
    _load_panel(axes[0, 2], ds, level)
    _value_panel(axes[1, 0], ds, "hebb_decay", level, "d")
    _value_panel(axes[1, 1], ds, "hebb_bounded", level, "e")
    _finite_size_panel(axes[1, 2], ds, level)
    fig.suptitle(
        f"Patterns streamed into Hopfield networks: a pattern is retrieved when the final overlap "
        f"m >= {float(ds.threshold):g} from {_cue_text(level)} ({ds.sizes['stream']} streams, "
        f"{ds.attrs['update']} updates; error bars: one standard error over the streams)",
        fontsize=10,
    )
    return fig


#: (marker, line style, marker face) per rule in the learner-by-learner panels: palimpsests
#: that coincide stay visible (dashed and hollow over dotted and filled)
RULE_STYLES = {
    "hebb": ("o", "-", "full"),
    "storkey": ("s", "-", "full"),
    "hebb_decay": ("^", "--", "none"),
    "hebb_bounded": ("D", ":", "full"),
}


def _style(ds, label: str) -> dict:
    rule = str(ds.rule.sel(learner=label).item())
    marker, ls, face = RULE_STYLES.get(rule, ("v", "-", "full"))
    colour = LEARNER_COLOURS.get(rule, OKABE_ITO[6])
    return dict(
        color=colour,
        marker=marker,
        ls=ls,
        mfc=colour if face == "full" else "none",
        ms=5 if face == "none" else 3.5,
        lw=2.0 if rule not in RULE_STYLES else 1.2,
        label=label,
    )


def rnn_figure(ds: xr.Dataset, **_) -> plt.Figure:
    """``online_rnn``: fraction retrieved (top) and mean final overlap (bottom) against age,
    every learner, one column per cue noise, at the largest N and the last checkpoint."""
    by_age = retrieval_by_age(ds)
    N, last = ds.N.values[-1], ds.checkpoint.values[-1]
    levels = np.atleast_1d(ds.noise.values)
    fig, axes = plt.subplots(
        2, len(levels), figsize=(4.6 * len(levels) + 1, 7.5), layout="constrained", squeeze=False
    )
    picks = [x for r in ("hebb", "storkey") for x in _learners(ds, r)]
    picks += [x for x in (nearest_optimum(ds, r) for r in THEORY) if x is not None]
    picks += [
        str(x) for x, f in zip(ds.learner.values, ds.family.values, strict=True) if f == "rnn"
    ]
    letters = np.array(list("abcdefghijklmnop")[: 2 * len(levels)]).reshape(2, len(levels))
    for col, level in enumerate(levels):
        cell = by_age.sel(N=N, checkpoint=last, noise=level)
        used = cell.age.values >= 0
        for row, name in enumerate(("fraction", "overlap")):
            ax = axes[row, col]
            for label in picks:
                y = cell[name].sel(learner=label).values[used]
                ax.plot(
                    cell.age.values[used],
                    y,
                    gid=f"{name}:{fmt(level)}:{label}",
                    **_style(ds, label),
                )
            if name == "overlap":
                ax.axhline(float(ds.threshold), color="grey", lw=0.8, ls=":")
                low = float(cell.overlap.sel(learner=picks).min())
                ax.set(ylabel="mean final overlap m", ylim=(min(-0.05, low - 0.05), 1.05))
            else:
                ax.set(
                    ylabel=f"fraction retrieved (m >= {float(ds.threshold):g})", ylim=(-0.04, 1.04)
                )
            ax.set_xlabel("age of the pattern [patterns]")
            what = "retrieved" if name == "fraction" else "overlap (dotted: threshold)"
            panel(ax, letters[row, col], f"cue noise {float(level):g}: {what}")
    fig.legend(
        *axes[0, 0].get_legend_handles_labels(),
        loc="outside lower center",
        ncol=5,
        frameon=False,
        fontsize=8,
    )
    params = ", ".join(
        f"{x}: {int(ds.parameters.sel(learner=x, N=N))}"
        for x in picks
        if str(ds.family.sel(learner=x).item()) == "rnn"
    )
    fig.suptitle(
        f"Online learning, N = {int(N)}, {float(last):g} N patterns streamed, "
        f"{ds.sizes['stream']} streams: Hopfield learners ({int(N) ** 2} couplings) against "
        f"RNNs fine-tuned on each new batch ({params} parameters)",
        fontsize=10,
    )
    return fig


def figures(ds: xr.Dataset, **options) -> dict[str, plt.Figure]:
    out = {"online": figure(ds, **options)}
    if "rnn" in [str(f) for f in ds.family.values]:
        out["online_rnn"] = rnn_figure(ds, **options)
    return out


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 180
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "online",
        title="Memory over time: the blackout and the palimpsests",
        why="Patterns streamed one at a time: Hebb's network retrieves nothing past 0.138 N, "
        "exponential decay and learning within bounds keep the most recent ~0.05 N, against "
        "their theory over the forgetting rate.",
        overrides=("experiment=online", "online.streams=3"),
        quick=(
            "experiment=online",
            "online.N=[100,200]",
            "online.options.hebb_decay.epsilon=[3.0,4.108,6.0]",
            "online.options.hebb_bounded.bound=[0.25,0.355,0.5]",
            "online.checkpoints=[0.1,0.3,1.0]",
            "online.ages=40",
        ),
    ),
    Entry(
        "online_optimum",
        title="Palimpsests at their best against theory, N = 200 to 2000",
        why="The capacity at the theory's best decay rate and bound, extrapolated in 1/sqrt(N) "
        "to compare with the mean-field 0.049 N and 0.040 N.",
        overrides=(
            "experiment=online",
            "online.N=[200,500,1000,2000]",
            "online.rules=[hebb_decay,hebb_bounded]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[1.0]",
            "online.max_age=0.12",
            "online.ages=240",
            "online.streams=6",
        ),
        quick=(
            "experiment=online",
            "online.N=[100,200,400]",
            "online.rules=[hebb_decay,hebb_bounded]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[1.0]",
            "online.max_age=0.15",
            "online.streams=4",
        ),
    ),
    Entry(
        "online_rnn",
        title="Online learning: Hopfield palimpsests against a GRU",
        why="The first source document (3.2) recommends RNNs for online learning: the same "
        "stream learnt by the palimpsests and by a GRU of the completion run's size (~N^2 "
        "parameters), fine-tuned on each new pattern; retrieval of old and new patterns.",
        overrides=(
            "experiment=online",
            "online.N=[64]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[0.25,0.5,1.0]",
            "online.max_age=1.0",
            "online.noise=[0,0.1,0.2]",
            "online.streams=3",
            "rnn.kinds=[gru]",
        ),
        quick=(
            "experiment=online",
            "online.N=[24]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[0.5,1.0]",
            "online.max_age=1.0",
            "online.noise=[0,0.1]",
            "online.streams=2",
            "rnn.kinds=[gru]",
            "train.steps=10",
        ),
        needs=("torch",),
    ),
)
