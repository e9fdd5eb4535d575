"""Sequence-memory figure: exact replay against sequence length and the longest replayed.

``sequence_memory``: panels (a), (b), ... one per N: the fraction of replays that reproduce
the whole sequence exactly against its length P (log axis), for the Hopfield
temporal-association rule (black crosses, synchronous) with its theory for the clean cue
(thick grey, :func:`hopsim.theory.sequence.exact_replay`: every bit of every transition
right, crosstalk signs independent), the slow-synapse network with asynchronous updates
(grey plus signs) and each trained RNN: one colour per kind (Okabe-Ito blue, vermillion,
bluish green), one marker per hidden size, the mean over seeds of each seed's fraction of
cues with bars from the lowest to the highest seed. RNN points of the same P sit side by
side (a small horizontal offset each, said in the title), every other model hollow, so
curves that coincide (all at 1.0, say) stay told apart. One line style per cue noise
(solid: the lowest level, the clean cue). The last panel: the longest sequence replayed
exactly by at least half the trials from the lowest-noise cue, against the number of
weights (Hopfield N^2, the slow-synapse network 2 N^2, RNN parameters), log-log, one point
per N, each labelled with its N; the theory's longest on the same length grid (open
circles, dotted); a point on the dotted top of the length grid means "at least this", a
point on the lower edge (open triangle) means no length was replayed.

The figure draws every cue noise level (at most 4), up to 4 kinds and up to 7 hidden
sizes; ``--fix noise=0``, ``--fix kind=gru`` or ``--fix hidden=64`` draw fewer.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from hopsim.experiments.sequence_memory import longest
from hopsim.figures._common import LINESTYLES, MARKERS, OKABE_ITO, FigureError, fmt, plain_ticks
from hopsim.gallery.plan import Entry
from hopsim.theory.sequence import exact_replay, longest_exact

STEMS = ("sequence_memory",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("N", "length", "noise", "kind", "hidden")
#: own dimensions --fix may choose
FIX_DIMS = ("noise", "kind", "hidden")
#: one colour per RNN kind: the three Okabe-Ito hues furthest apart (no blue beside sky
#: blue, no vermillion beside orange); the hidden size is the marker
KIND_COLOURS = {"rnn": OKABE_ITO[0], "lstm": OKABE_ITO[1], "gru": OKABE_ITO[2]}
SPARE_COLOURS = (OKABE_ITO[3],)
HOPFIELD, SLOW, THEORY = "black", "#888888", "0.72"
#: horizontal offset between side-by-side RNN models, a factor on the log length axis
STEP = 2**0.045


def _has_rnn(ds: xr.Dataset) -> bool:
    return "rnn_exact" in ds and ds.sizes.get("kind", 0) > 0 and ds.sizes.get("seed", 0) > 0


def _has_async(ds: xr.Dataset) -> bool:
    return "hop_async_exact" in ds and ds.sizes.get("async_trial", 0) > 0


def rnn_styles(ds: xr.Dataset) -> dict[tuple[str, int], dict]:
    """Colour (per kind), marker (per hidden size), fill and offset of every RNN model."""
    if not _has_rnn(ds):
        return {}
    kinds = [str(k) for k in ds.kind.values]
    hidden = [int(h) for h in ds.hidden.values]
    spare = [k for k in kinds if k not in KIND_COLOURS]
    if len(spare) > len(SPARE_COLOURS) or len(hidden) > len(MARKERS):
        raise FigureError(
            f"sequence_memory figure: {len(kinds)} kinds and {len(hidden)} hidden sizes, but "
            f"only {len(KIND_COLOURS) + len(SPARE_COLOURS)} colours and {len(MARKERS)} markers "
            "can be told apart; draw fewer with --fix kind=... or --fix hidden=..."
        )
    colours = {**KIND_COLOURS, **dict(zip(spare, SPARE_COLOURS, strict=False))}
    combos = [(k, h) for k in kinds for h in hidden]
    middle = (len(combos) - 1) / 2
    return {
        (k, h): dict(
            color=colours[k],
            marker=MARKERS[hidden.index(h)],
            hollow=i % 2 == 1,
            shift=STEP ** (i - middle),
        )
        for i, (k, h) in enumerate(combos)
    }


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
    fig, axes = plt.subplots(1, len(Ns) + 1, figsize=(5.4 * (len(Ns) + 1), 5.0), squeeze=False)
    axes = axes[0]
    for j, (ax, N) in enumerate(zip(axes[:-1], Ns, strict=True)):
        _replay_panel(ax, ds, N, levels, LETTERS[j])
    _longest_panel(axes[-1], ds, levels[0], LETTERS[len(Ns)])
    fig.suptitle(
        "Sequence replay from the first pattern: Hopfield temporal association against trained "
        f"RNNs (RNNs: mean over {_count(ds, 'seed', 'seed')} of each seed's fraction of "
        f"{_count(ds, 'cue', 'cue')}, bars: lowest to highest seed; Hopfield: "
        f"{_count(ds, 'trial', 'sequence')})\nRNN models at one P sit side by side "
        f"(offset x{STEP:.2f} in P each) so coinciding curves stay visible",
        fontsize=10,
    )
    fig.tight_layout()
    handles = _legend_handles(ds, levels, LETTERS[len(Ns)], axes[-1])
    fig.legend(  # below the figure's edge: it covers no panel (saved with bbox_inches="tight")
        handles=handles,
        loc="upper center",
        ncol=min(len(handles), 4),
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.5, 0.0),
    )
    return fig


LETTERS = "abcdefghijklmnop"


def _replay_panel(ax, ds: xr.Dataset, N, levels: list[float], letter: str) -> None:
    """Panel of one N: exact replay against P, Hopfield (with theory), slow synapses, RNNs."""
    length = ds.length.values
    styles = dict(zip(levels, LINESTYLES, strict=False))
    clean = levels[0]
    if np.isclose(clean, 0.0):
        theory = [exact_replay(int(N), int(P)) for P in length]
        ax.plot(length, theory, color=THEORY, lw=5, zorder=0, gid="theory")
    for level in levels:
        ls = styles[level]
        rate = ds.hop_exact.sel(N=N, noise=level).mean("trial")
        ax.plot(length, rate.values, ls=ls, color=HOPFIELD, marker="x", gid=f"hop:{level:g}")
        if _has_async(ds):
            rate = ds.hop_async_exact.sel(N=N, noise=level).mean("async_trial")
            ax.plot(length, rate.values, ls=ls, color=SLOW, marker="+", ms=8, gid=f"slow:{level:g}")
        for (kind, H), st in rnn_styles(ds).items():
            per_seed = ds.rnn_exact.sel(kind=kind, hidden=H, N=N, noise=level).mean("cue")
            _rnn_curve(ax, length, per_seed, st, ls, level == clean, f"rnn:{kind}:{H}:{level:g}")
    ax.set_xscale("log", base=2)
    plain_ticks(ax.xaxis)  # 2, 4, 8 ... read faster than 2^1, 2^2, 2^3
    ax.set_xlabel("sequence length P [patterns]")
    ax.set_ylabel("fraction replayed exactly")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(f"({letter}) N = {int(N)} bits per pattern", loc="left")


def _rnn_curve(ax, length, per_seed: xr.DataArray, st: dict, ls, clean: bool, gid: str) -> None:
    """One RNN model at one cue noise: mean over seeds, bars to the lowest and highest seed,
    drawn at its side-by-side offset (the line's data stay the dataset's means)."""
    mean = per_seed.mean("seed").values
    low, high = per_seed.min("seed").values, per_seed.max("seed").values
    x = np.asarray(length, dtype=float) * st["shift"]
    colour = st["color"]
    (line,) = ax.plot(
        x,
        mean,
        ls=ls,
        color=colour,
        marker=st["marker"],
        ms=5 if clean else 3.5,
        lw=1.5 if clean else 0.9,
        mfc="none" if st["hollow"] or not clean else colour,
        gid=gid,
    )
    if per_seed.sizes["seed"] > 1:
        ax.vlines(x, low, high, color=colour, lw=0.9 if clean else 0.6, gid=f"range:{gid}")


def _longest_panel(ax, ds: xr.Dataset, clean: float, letter: str) -> None:
    """Last panel: longest exact replay against the number of weights, each point's N."""
    Ns = ds.N.values
    weights = ds.hop_parameters.values
    length = ds.length.values
    points = []  # (x, longest, colour) of every model, for the zero markers
    if np.isclose(clean, 0.0):
        theory = [longest_exact(int(N), length) for N in Ns]
        style = dict(color=THEORY, marker="o", ms=12, mfc="none", mew=2, ls=":", lw=1.5)
        points.append(_draw_longest(ax, weights, theory, None, gid="longest:theory", **style))
    hop = longest(ds.hop_exact.sel(noise=clean).mean("trial")).values
    points.append(_draw_longest(ax, weights, hop, Ns, gid="longest:hop", **HOP_STYLE))
    if _has_async(ds):
        slow = longest(ds.hop_async_exact.sel(noise=clean).mean("async_trial")).values
        points.append(_draw_longest(ax, 2 * weights, slow, None, gid="longest:slow", **SLOW_STYLE))
    if _has_rnn(ds):
        rnn = longest(ds.rnn_exact.sel(noise=clean).mean(["seed", "cue"]))
        for (kind, H), st in rnn_styles(ds).items():
            x = ds.rnn_parameters.sel(kind=kind, hidden=H).values
            y = rnn.sel(kind=kind, hidden=H).values
            mfc = "none" if st["hollow"] else st["color"]
            style = dict(color=st["color"], marker=st["marker"], mfc=mfc)
            points.append(_draw_longest(ax, x, y, Ns, gid=f"longest:{kind}:{H}", **style))
    _longest_axes(ax, points, int(length.max()), clean, letter)


HOP_STYLE = dict(color=HOPFIELD, marker="x", ms=8)
SLOW_STYLE = dict(color=SLOW, marker="+", ms=9)


def _draw_longest(ax, x, y, Ns, **style) -> tuple[np.ndarray, np.ndarray, str]:
    """One model's longest replay against its weights (0: drawn later on the lower edge),
    each point labelled with its N (``Ns``) in the model's colour."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ax.plot(x, np.where(y > 0, y, np.nan), **style)
    for k, (xk, yk) in enumerate(zip(x, y, strict=True)):
        if Ns is None:
            continue
        ax.annotate(
            f"{int(Ns[k])}",
            (xk, max(float(yk), 1.0)),
            fontsize=7,
            color=style["color"],
            xytext=(0, -10 if k % 2 else 6),  # alternate below and above: neighbours clear
            textcoords="offset points",
            ha="center",
            va="center",
            gid="N-label",
        )
    return x, y, style["color"]


def _longest_axes(ax, points, top: int, clean: float, letter: str) -> None:
    """Zero markers on the lower edge, the top of the grid, log axes and labels."""
    floor = 1.0
    zeros = [(x[y <= 0], colour) for x, y, colour in points]
    for x, colour in zeros:
        if x.size:
            ax.plot(
                x, np.full(x.size, floor), "v", mfc="none", color=colour, clip_on=False, gid="zero"
            )
    ax.axhline(top, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    plain_ticks(ax.yaxis)
    positive = [v for _, y, _ in points for v in y if v > 0]
    low = min(positive + [top])
    ax.set_ylim((floor if any(x.size for x, _ in zeros) else low) / 1.5, top * 1.6)
    ax.set_xlabel("weights (Hopfield N^2, slow synapses 2 N^2, RNN parameters)")
    ax.set_ylabel("longest sequence replayed exactly [patterns]")
    ax.set_title(
        f"({letter}) longest replayed by >= half the trials, cue noise {clean:g}\n"
        "(numbers: N, bits per pattern)",
        loc="left",
    )


def _legend_handles(ds: xr.Dataset, levels: list[float], last: str, ax) -> list:
    """Every model, the theory, each cue noise's line style and the last panel's marks."""
    handles = [Line2D([], [], color=HOPFIELD, marker="x", label="Hopfield, synchronous")]
    if np.isclose(levels[0], 0.0):
        handles.append(
            Line2D(
                [],
                [],
                color=THEORY,
                lw=5,
                label="Hopfield theory, clean cue: (1 - p)^(N (P - 1)),\n"
                "p = bit error from binomial crosstalk (McEliece-type);\n"
                f"({last}) open circles: its longest on the same grid",
            )
        )
    if _has_async(ds):
        handles.append(
            Line2D(
                [], [], color=SLOW, marker="+", ms=8, label="Hopfield slow synapses, asynchronous"
            )
        )
    for (kind, H), st in rnn_styles(ds).items():
        mfc = "none" if st["hollow"] else st["color"]
        handles.append(
            Line2D([], [], color=st["color"], marker=st["marker"], mfc=mfc, label=f"{kind} H={H}")
        )
    for level, ls in zip(levels, LINESTYLES, strict=False):
        handles.append(Line2D([], [], color="0.3", ls=ls, label=f"cue noise {level:g}"))
    top = int(ds.length.values.max())
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
    if any(ln.get_gid() == "zero" for ln in ax.get_lines()):
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
    return handles


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
