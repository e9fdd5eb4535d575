"""Sequence-memory figure: exact replay against sequence length and the longest replayed.

``sequence_memory``: panels (a), (b), ... one per N: the fraction of replays that reproduce
the whole sequence exactly against its length P (log axis), for the Hopfield
temporal-association rule (black crosses, synchronous), the slow-synapse network with
asynchronous updates (grey plus signs) and each trained RNN at each hidden size (one colour
per kind and size, one marker per kind; mean over seeds and cues); one line style per cue
noise (solid: the lowest level, the clean cue). The last panel: the longest sequence
replayed exactly by at least half the trials from the lowest-noise cue, against the number
of weights (Hopfield N^2, the slow-synapse network 2 N^2, RNN parameters), log-log, one
point per N; a point on the dotted top of the length grid means "at least this", a point
on the lower edge (open triangle) means no length was replayed.

The figure draws every cue noise level (at most 4) and every (kind, hidden size) (at most
7 colours); ``--fix noise=0``, ``--fix kind=gru`` or ``--fix hidden=64`` draw fewer.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from hopsim.experiments.sequence_memory import longest
from hopsim.figures._common import LINE_COLORS, LINESTYLES, FigureError, fmt, plain_ticks
from hopsim.gallery.plan import Entry

STEMS = ("sequence_memory",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("N", "length", "noise", "kind", "hidden")
#: own dimensions --fix may choose
FIX_DIMS = ("noise", "kind", "hidden")
KIND_MARKERS = {"rnn": "o", "lstm": "s", "gru": "^"}
HOPFIELD, SLOW = "black", "#888888"


def _has_rnn(ds: xr.Dataset) -> bool:
    return "rnn_exact" in ds and ds.sizes.get("kind", 0) > 0 and ds.sizes.get("seed", 0) > 0


def _has_async(ds: xr.Dataset) -> bool:
    return "hop_async_exact" in ds and ds.sizes.get("async_trial", 0) > 0


def rnn_colours(ds: xr.Dataset) -> dict[tuple[str, int], str]:
    """One Okabe-Ito colour per (kind, hidden size)."""
    if not _has_rnn(ds):
        return {}
    combos = [(str(k), int(h)) for k in ds.kind.values for h in ds.hidden.values]
    if len(combos) > len(LINE_COLORS):
        raise FigureError(
            f"sequence_memory figure: {len(combos)} (kind, hidden) models, but only "
            f"{len(LINE_COLORS)} colours can be told apart; draw fewer with --fix kind=... "
            "or --fix hidden=..."
        )
    return dict(zip(combos, LINE_COLORS, strict=False))


def _levels(ds: xr.Dataset) -> list[float]:
    levels = [float(v) for v in ds.noise.values]
    if len(levels) > len(LINESTYLES):
        raise FigureError(
            f"sequence_memory figure: {len(levels)} cue noise levels, but only "
            f"{len(LINESTYLES)} line styles; draw one with --fix noise={fmt(levels[0])}"
        )
    return levels


def _count(ds: xr.Dataset, dim: str, noun: str) -> str:
    n = ds.sizes.get(dim, 0)
    return f"{n} {noun}{'' if n == 1 else 's'}"


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    """Draw the panels of the module docstring."""
    Ns = ds.N.values
    levels = _levels(ds)
    styles = dict(zip(levels, LINESTYLES, strict=False))
    colours = rnn_colours(ds)
    has_rnn, has_async = _has_rnn(ds), _has_async(ds)
    fig, axes = plt.subplots(1, len(Ns) + 1, figsize=(5 * (len(Ns) + 1), 4.8), squeeze=False)
    axes = axes[0]
    letters = "abcdefghijklmnop"
    length = ds.length.values
    clean = levels[0]
    for j, (ax, N) in enumerate(zip(axes[:-1], Ns, strict=True)):
        for level in levels:
            ls = styles[level]
            rate = ds.hop_exact.sel(N=N, noise=level).mean("trial")
            ax.plot(length, rate.values, ls=ls, color=HOPFIELD, marker="x", gid=f"hop:{level:g}")
            if has_async:
                rate = ds.hop_async_exact.sel(N=N, noise=level).mean("async_trial")
                ax.plot(
                    length, rate.values, ls=ls, color=SLOW, marker="+", ms=8, gid=f"slow:{level:g}"
                )
            for (kind, H), colour in colours.items():
                rate = ds.rnn_exact.sel(kind=kind, hidden=H, N=N, noise=level).mean(["seed", "cue"])
                ax.plot(
                    length,
                    rate.values,
                    ls=ls,
                    color=colour,
                    marker=KIND_MARKERS.get(kind, "D"),
                    ms=4 if level == clean else 3,
                    lw=1.5 if level == clean else 0.9,
                    mfc=colour if level == clean else "none",
                    gid=f"rnn:{kind}:{H}:{level:g}",
                )
        ax.set_xscale("log", base=2)
        plain_ticks(ax.xaxis)  # 2, 4, 8 ... read faster than 2^1, 2^2, 2^3
        ax.set_xlabel("sequence length P [patterns]")
        ax.set_ylabel("fraction replayed exactly")
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(f"({letters[j]}) N = {int(N)} bits per pattern", loc="left")

    ax = axes[-1]
    last = letters[len(Ns)]
    top = int(length.max())
    floor = 1.0
    points = []  # (x, longest) of every plotted point, for the zero markers

    def draw(x, y, **kw):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        ax.plot(x, np.where(y > 0, y, np.nan), **kw)
        points.append((x[y <= 0], kw.get("color")))

    hop = longest(ds.hop_exact.sel(noise=clean).mean("trial"))
    draw(ds.hop_parameters.values, hop.values, color=HOPFIELD, marker="x", ms=8, gid="longest:hop")
    if has_async:
        slow = longest(ds.hop_async_exact.sel(noise=clean).mean("async_trial"))
        draw(
            2 * ds.hop_parameters.values,
            slow.values,
            color=SLOW,
            marker="+",
            ms=9,
            gid="longest:slow",
        )
    if has_rnn:
        rnn = longest(ds.rnn_exact.sel(noise=clean).mean(["seed", "cue"]))
        for (kind, H), colour in colours.items():
            draw(
                ds.rnn_parameters.sel(kind=kind, hidden=H).values,
                rnn.sel(kind=kind, hidden=H).values,
                color=colour,
                marker=KIND_MARKERS.get(kind, "D"),
                gid=f"longest:{kind}:{H}",
            )
    for x, colour in points:
        if x.size:
            ax.plot(
                x, np.full(x.size, floor), "v", mfc="none", color=colour, clip_on=False, gid="zero"
            )
    for x, y, N in zip(ds.hop_parameters.values, hop.values, Ns, strict=True):
        ax.annotate(
            f"N={int(N)}",
            (x, max(float(y), floor)),
            fontsize=8,
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
        )
    ax.axhline(top, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    plain_ticks(ax.yaxis)
    drawn = [float(v) for line in ax.get_lines() for v in np.asarray(line.get_ydata(), float)]
    low = min([v for v in drawn if v > 0] + [top])
    ax.set_ylim((floor if any(x.size for x, _ in points) else low) / 1.4, top * 1.4)
    ax.set_xlabel("weights (Hopfield N^2, slow synapses 2 N^2, RNN parameters)")
    ax.set_ylabel("longest sequence replayed exactly [patterns]")
    ax.set_title(
        f"({last}) longest replayed by >= half the trials, cue noise {clean:g}", loc="left"
    )

    handles = [Line2D([], [], color=HOPFIELD, marker="x", label="Hopfield, synchronous")]
    if has_async:
        handles.append(
            Line2D(
                [], [], color=SLOW, marker="+", ms=8, label="Hopfield slow synapses, asynchronous"
            )
        )
    for (kind, H), colour in colours.items():
        handles.append(
            Line2D([], [], color=colour, marker=KIND_MARKERS.get(kind, "D"), label=f"{kind} H={H}")
        )
    for level in levels:
        handles.append(Line2D([], [], color="0.3", ls=styles[level], label=f"cue noise {level:g}"))
    handles.append(
        Line2D(
            [],
            [],
            color="grey",
            lw=0.8,
            ls=":",
            label=f"({last}) top of the length grid ({top}): at least this",
        )
    )
    if any(x.size for x, _ in points):
        handles.append(
            Line2D(
                [],
                [],
                color="0.3",
                marker="v",
                mfc="none",
                ls="none",
                label=f"({last}) no length replayed",
            )
        )
    fig.suptitle(
        "Sequence replay from the first pattern: Hopfield temporal association against trained "
        f"RNNs (RNNs: mean over {_count(ds, 'seed', 'seed')} x {_count(ds, 'cue', 'cue')}; "
        f"Hopfield: {_count(ds, 'trial', 'sequence')})",
        fontsize=10,
    )
    fig.tight_layout()
    fig.legend(  # below the figure's edge: it covers no panel (saved with bbox_inches="tight")
        handles=handles,
        loc="upper center",
        ncol=min(len(handles), 4),
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.5, 0.0),
    )
    return fig


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"sequence_memory": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 160
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "sequence_memory",
        title="Sequences: Hopfield against RNNs",
        why="The first source document's claim that RNNs model sequences: the longest sequence "
        "replayed exactly by the temporal-association rule and by trained RNNs.",
        overrides=("experiment=sequence_memory",),
        quick=(
            "experiment=sequence_memory",
            "sequence.N=[32]",
            "sequence.lengths=[2,4,8,16,32]",
            "hopfield.trials=10",
            "hopfield.slow_synapse.trials=4",
            "rnn.kinds=[gru]",
            "rnn.hidden=[32]",
            "train.steps=150",
        ),
        needs=("torch",),
    ),
)
