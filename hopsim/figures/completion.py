"""Completion figure: final overlap against load and cue noise, and the cost of each model.

``completion``: (a) the mean final overlap against the load P/N at the cue noise nearest
the RNNs' training-noise edge; (b) the mean final overlap against the cue noise at the
lowest load, the noise range the RNNs saw in training shaded; (a) and (b) share their y
axis and their key, below the figure: Hopfield learning rules in black and greys (one
marker each), the modern Hopfield network green dash-dotted, RNNs one colour per kind,
solid with about N^2 parameters (the Hopfield matrix) and dashed with about N P (the
patterns); (c) the dynamically quantised int8 RNN's mean overlap against the float32 RNN's,
every (model, P, noise); (d) the bytes of the weights of every model, float32 and int8.
Means over the cues (``trial``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.patches import Patch

from hopsim.figures._common import OKABE_ITO, FigureError, legend_below, setting
from hopsim.gallery.plan import Entry

STEMS = ("completion",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("rule", "P", "noise", "kind", "size")
RULE_STYLES = (("#000000", "o"), ("#6E6E6E", "s"), ("#A8A8A8", "^"), ("#000000", "D"))
MODERN = OKABE_ITO[2]
#: RNN kinds: colours that are not the modern network's green
KIND_COLOURS = (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3], OKABE_ITO[5])
SIZE_TEXT = {"N2": "~N^2 params", "NP": "~N P params"}


def models(ds: xr.Dataset) -> list[dict]:
    """Every model of the dataset: label, overlap over (P, noise, trial) and line style."""
    out = []
    rules = [str(r) for r in ds.rule.values]
    plain = [r for r in rules if r != "modern"]
    if len(plain) > len(RULE_STYLES):
        raise FigureError(
            f"completion figure: {len(plain)} Hopfield rules, at most {len(RULE_STYLES)} can be "
            "told apart; run fewer hopfield.rules"
        )
    styles = dict(zip(plain, RULE_STYLES, strict=False))
    for rule in rules:
        da = ds.hop_overlap.sel(rule=rule)
        if rule == "modern":
            beta = setting(ds, "modern_beta")
            out.append(
                dict(
                    label=f"modern Hopfield, beta={float(beta):g} (N P numbers)",
                    overlap=da,
                    color=MODERN,
                    ls="-.",
                    marker="o",
                )
            )
        else:
            color, marker = styles[rule]
            out.append(
                dict(
                    label=f"Hopfield {rule.replace('_', ' ')} (N^2 couplings)",
                    overlap=da,
                    color=color,
                    ls="-",
                    marker=marker,
                )
            )
    kinds = [str(k) for k in ds.kind.values]
    if len(kinds) > len(KIND_COLOURS):
        raise FigureError(f"completion figure: {len(kinds)} RNN kinds, at most {len(KIND_COLOURS)}")
    for color, kind in zip(KIND_COLOURS, kinds, strict=False):
        for size in [str(s) for s in ds["size"].values]:
            out.append(
                dict(
                    label=f"{kind} {SIZE_TEXT.get(size, size)}",
                    overlap=ds.rnn_overlap.sel(kind=kind, size=size),
                    color=color,
                    ls="-" if size == "N2" else "--",
                    marker="o" if size == "N2" else "s",
                )
            )
    return out


def edge_level(ds: xr.Dataset) -> float:
    """The cue noise of panel (a): the level nearest the RNNs' training-noise edge."""
    levels = ds.noise.values
    return float(levels[np.argmin(np.abs(levels - float(setting(ds, "train_noise"))))])


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    """Draw the four panels of the module docstring."""
    N = int(setting(ds, "N"))
    fig = plt.figure(figsize=(11, 10), layout="constrained")
    upper, lower = fig.subfigures(2, 1, height_ratios=(1.15, 1))
    ax_a, ax_b = upper.subplots(1, 2)
    ax_c, ax_d = lower.subplots(1, 2)
    has_rnn = bool(ds.sizes.get("kind", 0) and ds.sizes.get("size", 0))
    _overlap_panels(upper, ax_a, ax_b, ds, has_rnn)
    _quantisation_panel(ax_c, ds, has_rnn)
    _bytes_panel(ax_d, ds)
    fig.suptitle(
        f"Completion from corrupted cues: Hopfield against trained RNNs (N = {N}, "
        f"{ds.sizes['trial']} cues per point, {setting(ds, 'update')} Hopfield updates, "
        f"RNNs read the cue for {setting(ds, 'read_steps')} steps)",
        fontsize=10,
    )
    return fig


def _overlap_panels(upper, ax_a, ax_b, ds: xr.Dataset, has_rnn: bool) -> None:
    """(a) overlap against load at the edge noise level, (b) against cue noise at the
    smallest P (shared y axis), and their legend below both."""
    N = int(setting(ds, "N"))
    train_noise = float(setting(ds, "train_noise"))
    level = edge_level(ds)
    P0 = ds.P.values[0]
    entries = models(ds)
    for m in entries:
        style = dict(ls=m["ls"], color=m["color"], marker=m["marker"], ms=4, label=m["label"])
        ax_a.plot(
            ds.alpha.values,
            m["overlap"].sel(noise=level).mean("trial").values,
            gid=f"a:{m['label']}",
            **style,
        )
        ax_b.plot(
            ds.noise.values,
            m["overlap"].sel(P=P0).mean("trial").values,
            gid=f"b:{m['label']}",
            **style,
        )
    low = min(float(line.get_ydata().min()) for ax in (ax_a, ax_b) for line in ax.get_lines())
    ylim = (min(low, 0.9) - 0.03, 1.03)  # shared: (a) and (b) compare
    ax_a.set(xlabel="load P/N", ylabel="mean final overlap m", ylim=ylim)
    ax_a.set_title(
        f"(a) N = {N}, cue noise {level:g} (RNN training noise up to {train_noise:g})", loc="left"
    )
    if has_rnn:
        span = ax_b.axvspan(0, train_noise, color=OKABE_ITO[5], alpha=0.15, lw=0, gid="training")
    ax_b.set(
        xlabel="cue noise (fraction of bits flipped)", ylabel="mean final overlap m", ylim=ylim
    )
    ax_b.set_title(f"(b) P = {int(P0)} (load {P0 / N:.2f})", loc="left")
    handles, labels = ax_a.get_legend_handles_labels()
    if has_rnn:
        handles.append(Patch(color=span.get_facecolor(), label="(b) noise range of RNN training"))
        labels.append("(b) noise range of RNN training")
    upper.legend(  # below both panels, outside their data
        handles,
        labels,
        loc="outside lower center",
        ncol=3,
        frameon=False,
        fontsize=8,
        title="(a), (b): models",
        title_fontsize=8,
    )


def _quantisation_panel(ax_c, ds: xr.Dataset, has_rnn: bool) -> None:
    """(c) int8 against float32 RNNs, every (P, cue noise)."""
    if has_rnn:
        for color, kind in zip(KIND_COLOURS, ds.kind.values, strict=False):
            for size, marker in (("N2", "o"), ("NP", "s")):
                if size not in ds["size"].values:
                    continue
                f = ds.rnn_overlap.sel(kind=kind, size=size).mean("trial").values.ravel()
                q = ds.rnn_overlap_int8.sel(kind=kind, size=size).mean("trial").values.ravel()
                ax_c.plot(
                    f,
                    q,
                    marker,
                    color=color,
                    ms=4,
                    ls="none",
                    mfc=color if size == "N2" else "none",
                    label=f"{kind} {SIZE_TEXT[size]}",
                    gid=f"c:{kind}:{size}",
                )
        ax_c.plot([-0.1, 1], [-0.1, 1], color="grey", lw=0.8, ls=":", label="equal")
        legend_below(ax_c, ncol=3)
    else:
        ax_c.text(0.5, 0.5, "no RNN in this run", ha="center", transform=ax_c.transAxes)
    ax_c.set(
        xlabel="mean final overlap, float32 RNN", ylabel="mean final overlap, dynamic int8 RNN"
    )
    ax_c.set_title("(c) quantisation: every (P, cue noise)", loc="left")


def _bytes_panel(ax_d, ds: xr.Dataset) -> None:
    """(d) the weight bytes of the Hopfield rules and of every RNN, float32 and int8."""
    N = int(setting(ds, "N"))
    names = [f"Hopfield rules (N^2 = {N * N} couplings)"]
    f32, i8 = [float(ds.hop_bytes_float32)], [float(ds.hop_bytes_int8)]
    for kind in ds.kind.values:
        for size in ds["size"].values:
            P = ds.P.values[-1] if size == "NP" else ds.P.values[0]
            names.append(
                f"{kind} {SIZE_TEXT.get(str(size), size)}"
                + (f" (P={int(P)})" if size == "NP" else "")
            )
            f32.append(float(ds.rnn_bytes_float32.sel(kind=kind, size=size, P=P)))
            i8.append(float(ds.rnn_bytes_int8.sel(kind=kind, size=size, P=P)))
    y = np.arange(len(names))
    ax_d.barh(y - 0.2, f32, 0.4, color=OKABE_ITO[0], label="float32", gid="float32")
    ax_d.barh(y + 0.2, i8, 0.4, color=OKABE_ITO[4], label="int8", gid="int8")
    ax_d.set_yticks(y, names, fontsize=7)
    ax_d.set_xlabel("weight bytes [B]")
    ax_d.set_title("(d) memory of the weights", loc="left")
    legend_below(ax_d, ncol=2)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"completion": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 170
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "completion",
        title="Pattern completion: Hopfield against RNNs",
        why="Recall from corrupted cues by Hopfield rules and by GRUs/SimpleRNNs at equal "
        "parameter counts, with int8 quantisation.",
        overrides=("experiment=completion",),
        quick=(
            "experiment=completion",
            "completion.N=32",
            "completion.P=[2,4,8]",
            "completion.noise=[0,0.2,0.4]",
            "completion.trials=20",
            "rnn.kinds=[gru]",
            "train.steps=200",
        ),
        needs=("torch",),
    ),
)
