"""Figures of the ``state_graph`` experiment: transition graphs and basin sizes.

Usage::

    python analysis/state_graph.py [RUN_DIR_OR_RESULT_NC]

Writes next to the dataset

``state_graph.png/.pdf`` (N <= 8)
    The state-transition graph drawn as in the source report: synchronous map on the
    left, asynchronous single-neuron updates on the right; fixed points in red, states
    on synchronous cycles outlined in orange, each state labelled with its spins and
    energy. States sit on the corners of a projected hypercube for N <= 4 and in rows
    of equal energy (energy on the vertical axis) for 5 <= N <= 8.
``state_graph_basins.png/.pdf``
    Basin sizes: the synchronous basin of every attractor (largest 30) and, for every
    fixed point, how many states can reach it by asynchronous updates (and reach only it).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.plotting import axis_label, open_from_cli, report, save_figure

MAX_GRAPH_N = 8
HYPERCUBE_N = 4
MAX_BARS = 30
# Projection of the unit vectors of the hypercube onto the plane, per N.
_HYPERCUBE_AXES = {
    1: [(1.0, 0.0)],
    2: [(1.0, 0.0), (0.0, 1.0)],
    3: [(1.0, 0.0), (0.0, 1.0), (0.45, 0.32)],
    # N = 4: the tesseract's Petrie projection (axes 45 degrees apart, two octagons)
    4: [(np.cos(k * np.pi / 4), np.sin(k * np.pi / 4)) for k in range(4)],
}
FIXED_COLOR, PLAIN_COLOR, CYCLE_EDGE = "#d62728", "#dddddd", "#ff7f0e"


def spin_label(spins: np.ndarray) -> str:
    """``[1,-1,1]`` style label of one state."""
    return "[" + ",".join(str(int(s)) for s in spins) + "]"


def layout(ds: xr.Dataset) -> np.ndarray:
    """(2**N, 2) node positions: hypercube corners for N <= 4, energy rows above."""
    spins = ds.spins.values.astype(float)
    N = spins.shape[1]
    if N <= HYPERCUBE_N:
        axes = np.array(_HYPERCUBE_AXES[N])
        return ((spins + 1) / 2) @ axes
    energy = ds.energy.values
    levels = np.round(energy, 9)
    pos = np.zeros((energy.size, 2))
    for level in np.unique(levels):
        members = np.flatnonzero(levels == level)
        x = np.linspace(-1, 1, members.size + 2)[1:-1] if members.size > 1 else np.zeros(1)
        pos[members, 0] = x
        pos[members, 1] = level
    return pos


def _edges(ds: xr.Dataset, kind: str) -> list[tuple[int, int]]:
    codes = ds.state.values
    if kind == "sync":
        succ = ds.sync_successor.values
        return [(int(a), int(b)) for a, b in zip(codes, succ, strict=True) if a != b]
    succ = ds.async_successor.values
    return [(int(a), int(b)) for a, row in zip(codes, succ, strict=True) for b in row if a != b]


def draw_graph(ax: plt.Axes, ds: xr.Dataset, kind: str, pos: np.ndarray) -> None:
    """Draw one transition graph (``sync`` or ``async``) on ``ax``."""
    N = int(ds.sizes["unit"])
    small = N <= HYPERCUBE_N
    radius = {1: 900, 2: 900, 3: 700, 4: 420}.get(N, 60)
    fixed = ds.is_fixed_point.values.astype(bool)
    cycle = ds.on_sync_cycle.values.astype(bool) & ~fixed
    edges = _edges(ds, kind)
    pairs = set(edges)
    for a, b in edges:
        curved = (b, a) in pairs or not small
        ax.annotate(
            "",
            xy=pos[b],
            xytext=pos[a],
            arrowprops=dict(
                arrowstyle="-|>",
                color="#555555" if small else "#888888",
                lw=1.4 if small else 0.4,
                alpha=1.0 if small else 0.5,
                shrinkA=np.sqrt(radius) / 2 + 1,
                shrinkB=np.sqrt(radius) / 2 + 1,
                mutation_scale=14 if small else 5,
                connectionstyle=f"arc3,rad={0.18 if curved else 0.0}",
            ),
            zorder=1,
        )
    colors = np.where(fixed, FIXED_COLOR, PLAIN_COLOR)
    edge_colors = np.where(cycle & (kind == "sync"), CYCLE_EDGE, "#333333")
    ax.scatter(
        pos[:, 0], pos[:, 1], s=radius, c=colors, edgecolors=edge_colors, linewidths=1.5, zorder=2
    )
    energy = ds.energy.values
    spins = ds.spins.values
    centre = pos.mean(axis=0)
    for c in range(pos.shape[0]):
        if small:
            # label outside the node, away from the middle of the picture
            d = pos[c] - centre
            d = d / np.linalg.norm(d) if np.linalg.norm(d) > 0 else np.array([0.0, -1.0])
            gap = np.sqrt(radius) / 2 + 4
            ax.annotate(
                f"{spin_label(spins[c])}\nE={energy[c]:+.2f}",
                pos[c],
                xytext=(d[0] * gap, d[1] * gap),
                textcoords="offset points",
                ha="left" if d[0] > 0.3 else ("right" if d[0] < -0.3 else "center"),
                va="bottom" if d[1] > 0.3 else ("top" if d[1] < -0.3 else "center"),
                fontsize=9 if N <= 3 else 7,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8),
                zorder=3,
            )
        elif fixed[c]:
            ax.annotate(
                spin_label(spins[c]).replace(",", " "),
                pos[c],
                xytext=(0, -6),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=6,
                color=FIXED_COLOR,
                zorder=3,
            )
    title = "synchronous updates" if kind == "sync" else "asynchronous updates (one neuron)"
    ax.set_title(title)
    if small:
        ax.set_axis_off()
        ax.margins(0.3)
    else:
        ax.set_ylabel(axis_label(ds.energy))
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)


def graph_figure(ds: xr.Dataset) -> plt.Figure:
    """Synchronous and asynchronous transition graphs side by side."""
    N = int(ds.sizes["unit"])
    pos = layout(ds)
    width = {1: 7, 2: 9, 3: 11, 4: 17}.get(N, 16)
    height = {1: 3, 2: 4.5, 3: 5.5, 4: 8.5}.get(N, 8)
    fig, axes = plt.subplots(1, 2, figsize=(width, height))
    for ax, kind in zip(axes, ("sync", "async"), strict=True):
        draw_graph(ax, ds, kind, pos)
    stored = "; ".join(spin_label(p) for p in ds.stored_pattern.values)
    fig.suptitle(
        f"N={N} Hopfield network storing {stored or 'nothing'} "
        f"(theta={_theta_text(ds)}, tie={ds['tie'].item()}); red: stable states"
    )
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=FIXED_COLOR, mec="#333", label="fixed point"),
        plt.Line2D(
            [], [], marker="o", ls="", color=PLAIN_COLOR, mec=CYCLE_EDGE, label="on sync cycle"
        ),
        plt.Line2D([], [], marker="o", ls="", color=PLAIN_COLOR, mec="#333", label="transient"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    return fig


def _theta_text(ds: xr.Dataset) -> str:
    theta = float(ds.theta)
    return "per neuron" if np.isnan(theta) else f"{theta:g}"


def basin_figure(ds: xr.Dataset) -> plt.Figure:
    """Bars of the synchronous basin sizes and the asynchronous reachability per fixed point."""
    order = np.argsort(-ds.basin_size.values, kind="stable")[:MAX_BARS]
    labels = [str(ds.basin.values[i]) for i in order]
    sizes = ds.basin_size.values[order]
    kinds = ds.attractor_kind.values[order]
    palette = {
        "pattern": "#1f77b4",
        "inverse": "#aec7e8",
        "mixture": "#2ca02c",
        "spurious": "#7f7f7f",
        "cycle": CYCLE_EDGE,
    }
    F = int(ds.sizes["fixed_point"])
    height = max(3.0, 0.28 * max(len(labels), F) + 1.5)
    fig, axes = plt.subplots(1, 2, figsize=(14, height))
    ax = axes[0]
    ax.barh(np.arange(len(labels)), sizes, color=[palette[str(k)] for k in kinds])
    ax.set_yticks(np.arange(len(labels)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(axis_label(ds.basin_size))
    n_att = int(ds.sizes["basin"])
    more = f" (largest {len(labels)} of {n_att})" if n_att > len(labels) else ""
    ax.set_title(f"synchronous basins{more}")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, label=k) for k, c in palette.items()]
    ax.legend(handles=handles, fontsize=7, loc="lower right")

    ax = axes[1]
    y = np.arange(F)
    ax.barh(y - 0.2, ds.async_basin_size.values, height=0.4, color="#9467bd", label="can reach")
    ax.barh(
        y + 0.2, ds.async_sole_basin_size.values, height=0.4, color="#c5b0d5", label="reach only it"
    )
    ax.set_yticks(y, [str(v) for v in ds.fixed_point_label.values], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"states (of {int(ds.sizes['state'])})")
    ax.set_title("asynchronous: states that can reach each fixed point")
    ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"N={int(ds.N)}, P={int(ds.P)}: basins of attraction")
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    """Draw the figures of one state_graph dataset; return the written paths."""
    ds, out_dir = open_from_cli(
        "state_graph", "Transition graphs and basins of a small Hopfield network.", argv
    )
    paths = []
    if int(ds.sizes["unit"]) <= MAX_GRAPH_N:
        paths += save_figure(graph_figure(ds), out_dir, "state_graph")
    paths += save_figure(basin_figure(ds), out_dir, "state_graph_basins")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
