"""Figures of the ``state_graph`` experiment: transition graphs and basin sizes.

``state_graph`` (N <= 8): (a) the synchronous map and (b) the asynchronous single-neuron
updates. Fixed points are vermillion, states on synchronous cycles have a thick orange
outline, transient states are grey; every arrow is one transition.

(a) is laid out by basin: each attractor's basin in its own column, the attractor on top
(a fixed point with a small loop onto itself, a cycle as its own pair of arcs), every
other state below the state it moves to, one row per step to the attractor. No arrow
passes through a node (:func:`edge_clearance` is checked while laying out).
(b) places the states on the corners of a projected hypercube for N <= 4 (an
asynchronous step flips one neuron: an edge of the cube), in rows of equal energy for
5 <= N <= 8. For N <= 4 each state is labelled with its spins and energy, placed where no
arrow runs. A panel title wider than its panel (the narrow synchronous map of N = 2) is
wrapped onto more lines (:func:`fit_titles`), so the two titles never run into each other.

``state_graph_basins``: the synchronous basin of every attractor (largest 30) and, for every
fixed point, how many states can reach it by asynchronous updates (and reach only it); both
axes count states, so their ticks are whole numbers (at most four, never running together),
and every bar carries its count as text, so a basin too small to see as a bar (or zero)
still reads as its number. State strings are monospace, 9 pt.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.patches import Circle
from matplotlib.ticker import MaxNLocator

from hopsim.figures._common import OKABE_ITO, axis_label, panel
from hopsim.gallery.plan import Entry

MAX_GRAPH_N = 8
HYPERCUBE_N = 4
MAX_BARS = 30
STEMS = ("state_graph", "state_graph_basins")
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ()
_HYPERCUBE_AXES = {
    1: [(1.0, 0.0)],
    2: [(1.0, 0.0), (0.0, 1.0)],
    3: [(1.0, 0.0), (0.0, 1.0), (0.45, 0.32)],
    4: [(np.cos(k * np.pi / 4), np.sin(k * np.pi / 4)) for k in range(4)],
}
FIXED_COLOR, PLAIN_COLOR, CYCLE_EDGE = OKABE_ITO[1], "#DDDDDD", OKABE_ITO[4]
EDGE_COLOR = "#444444"


def spin_label(spins: np.ndarray) -> str:
    """``[1,-1,1]`` style label of one state."""
    return "[" + ",".join(str(int(s)) for s in spins) + "]"


# --------------------------------------------------------------------------- geometry


def _point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    t = 0.0 if not d.any() else float(np.clip(np.dot(p - a, d) / np.dot(d, d), 0.0, 1.0))
    return float(np.linalg.norm(p - (a + t * d)))


def edge_clearance(pos: np.ndarray, polylines: list[tuple[int, int, np.ndarray]]) -> float:
    """Smallest distance from a node centre to an edge that does not start or end there."""
    best = np.inf
    for a, b, line in polylines:
        for c in range(pos.shape[0]):
            if c in (a, b):
                continue
            for p, q in zip(line[:-1], line[1:], strict=True):
                best = min(best, _point_segment_distance(pos[c], p, q))
    return best


def _arc(p: np.ndarray, q: np.ndarray, bulge: float, n: int = 24) -> np.ndarray:
    """A quadratic Bezier from p to q, its control point ``bulge`` off the chord's middle."""
    d = q - p
    normal = np.array([-d[1], d[0]]) / max(np.linalg.norm(d), 1e-12)
    ctrl = (p + q) / 2 + bulge * normal
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * p + 2 * (1 - t) * t * ctrl + t**2 * q


def _trim(line: np.ndarray, radius: float) -> np.ndarray:
    """Cut ``radius`` off both ends of a polyline (arrows end on the node's rim)."""
    start, end = line[0], line[-1]
    keep = (np.linalg.norm(line - start, axis=1) >= radius) & (
        np.linalg.norm(line - end, axis=1) >= radius
    )
    inner = line[keep]
    if inner.shape[0] < 2:
        d = (end - start) / max(np.linalg.norm(end - start), 1e-12)
        return np.array([start + radius * d, end - radius * d])
    return inner


# --------------------------------------------------------------------------- layouts


def sync_layout(ds: xr.Dataset, gap: float = 1.0) -> np.ndarray:
    """Basins side by side, the attractor on top, each state one row under its successor."""
    succ = ds.sync_successor.values.astype(int)
    on_cycle = ds.on_sync_cycle.values.astype(bool) | ds.is_fixed_point.values.astype(bool)
    depth = ds.sync_steps.values.astype(int)
    n = succ.size
    children = [[] for _ in range(n)]
    for s in range(n):
        if not on_cycle[s]:
            children[succ[s]].append(s)
    x = np.zeros(n)
    cursor = [0.0]

    def place(node: int) -> float:
        kids = sorted(children[node])
        if not kids:
            x[node] = cursor[0]
            cursor[0] += 1.0
        else:
            xs = [place(k) for k in kids]
            x[node] = 0.5 * (xs[0] + xs[-1])
        return x[node]

    seen = np.zeros(n, bool)
    basins = []  # (nodes, x0, x1) of each basin, laid out in one long row first
    for s in range(n):
        if on_cycle[s] and not seen[s]:
            cycle = [s]
            nxt = succ[s]
            while nxt != s:
                cycle.append(nxt)
                nxt = succ[nxt]
            x0 = cursor[0]
            for c in cycle:
                seen[c] = True
                place(c)
            members = [m for m in range(n) if _reaches(m, cycle, succ, on_cycle)]
            basins.append((members, x0, cursor[0] - 1.0))
            cursor[0] += gap  # space between basins
    # rows far enough apart that no arrow is flatter than 1 : 2.5 (room for the labels)
    dx = max((abs(x[a] - x[succ[a]]) for a in range(n) if not on_cycle[a]), default=0.0)
    y = -depth.astype(float) * max(1.25, dx / 2.5)
    # wrap the basins into rows so the drawing is not one long strip
    height = float(np.ptp(y)) + 1.75
    total = sum(x1 - x0 + 1 + gap for _, x0, x1 in basins)
    rows = max(1, int(round(np.sqrt(total / (1.6 * height)))))
    limit = max(max(x1 - x0 + 1 for _, x0, x1 in basins), total / rows)
    out = np.zeros((n, 2))
    row_x, row = 0.0, 0
    for members, x0, x1 in basins:
        width = x1 - x0 + 1
        if row_x > 0 and row_x + width > limit + 1e-9:
            row, row_x = row + 1, 0.0
        out[members, 0] = x[members] - x0 + row_x
        out[members, 1] = y[members] - row * (height + 0.6)
        row_x += width + gap
    return out


def _reaches(m: int, cycle: list[int], succ: np.ndarray, on_cycle: np.ndarray) -> bool:
    """Does state ``m`` flow into ``cycle`` under the synchronous map?"""
    while not on_cycle[m]:
        m = succ[m]
    return m in cycle


def async_layout(ds: xr.Dataset) -> np.ndarray:
    """Hypercube corners for N <= 4, rows of equal energy above."""
    spins = ds.spins.values.astype(float)
    N = spins.shape[1]
    if N <= HYPERCUBE_N:
        return ((spins + 1) / 2) @ np.array(_HYPERCUBE_AXES[N]) * 2.0
    energy = ds.energy.values
    levels = np.round(energy, 9)
    pos = np.zeros((energy.size, 2))
    for level in np.unique(levels):
        members = np.flatnonzero(levels == level)
        pos[members, 0] = np.linspace(-1, 1, members.size + 2)[1:-1] if members.size > 1 else 0
        pos[members, 1] = level
    return pos


def edges(ds: xr.Dataset, kind: str) -> list[tuple[int, int]]:
    codes = ds.state.values
    if kind == "sync":
        succ = ds.sync_successor.values
        return [(int(a), int(b)) for a, b in zip(codes, succ, strict=True) if a != b]
    succ = ds.async_successor.values
    return sorted(
        {(int(a), int(b)) for a, row in zip(codes, succ, strict=True) for b in row if a != b}
    )


def edge_polylines(pos: np.ndarray, pairs: list[tuple[int, int]], bulge: float):
    """Straight segments; a pair of opposite arrows as two arcs bulging to either side."""
    have = set(pairs)
    out = []
    for a, b in pairs:
        p, q = pos[a], pos[b]
        line = _arc(p, q, bulge) if (b, a) in have else np.array([p, q])
        out.append((a, b, line))
    return out


# --------------------------------------------------------------------------- drawing


def draw_graph(ax: plt.Axes, ds: xr.Dataset, kind: str) -> dict:
    """Draw one transition graph on ``ax``; return its geometry (positions, radius, lines)."""
    N = int(ds.sizes["unit"])
    small = N <= HYPERCUBE_N
    fixed = ds.is_fixed_point.values.astype(bool)
    cycle = ds.on_sync_cycle.values.astype(bool) & ~fixed
    pos = sync_layout(ds) if kind == "sync" else async_layout(ds)
    pairs = edges(ds, kind)
    if not (kind == "sync" or small):
        _draw_energy_graph(ax, ds, pos, pairs, fixed)
        return {"pos": pos, "radius": None, "lines": []}
    radius = 0.2 if kind == "sync" else 0.22
    lines = edge_polylines(pos, pairs, bulge=0.3)
    if kind == "sync":  # stretch the rows until every edge clears every other node
        for _ in range(6):
            if edge_clearance(pos, lines) > 1.5 * radius:
                break
            pos[:, 1] *= 1.3
            lines = edge_polylines(pos, pairs, bulge=0.3)
    _draw_edges(ax, lines, radius)
    loops = _draw_self_loops(ax, pos, fixed, radius) if kind == "sync" else []
    _draw_nodes(ax, pos, fixed, cycle & (kind == "sync"), radius)
    ax.set_aspect("equal")
    pad = 0.9
    ax.set_xlim(pos[:, 0].min() - pad, pos[:, 0].max() + pad)
    ax.set_ylim(pos[:, 1].min() - pad, pos[:, 1].max() + pad)
    ax.set_axis_off()
    if small:
        _labels(ax, ds, pos, radius, lines + loops)
    return {"pos": pos, "radius": radius, "lines": lines}


def _arrow(color: str, lw: float, scale: float) -> dict:
    """An arrow head with no shrinking, for the drawn edges and loops."""
    return dict(arrowstyle="-|>", color=color, lw=lw, mutation_scale=scale, shrinkA=0, shrinkB=0)


def _draw_edges(ax, lines, radius: float) -> None:
    """Each edge as its polyline, trimmed at the nodes, with an arrow head at its end."""
    for _a, _b, line in lines:
        seg = _trim(line, radius * 1.15)
        ax.plot(seg[:, 0], seg[:, 1], "-", color=EDGE_COLOR, lw=1.2, zorder=1, gid="edge")
        ax.annotate(
            "",
            xy=seg[-1],
            xytext=seg[-2] + 0.001 * (seg[-2] - seg[-1]),
            arrowprops=_arrow(EDGE_COLOR, 1.2, 13),
            zorder=1,
        )


def _draw_self_loops(ax, pos: np.ndarray, fixed: np.ndarray, radius: float) -> list:
    """A fixed point maps onto itself under synchronous updates: a small loop above it.
    Returns the loops as ``(node, node, polyline)``."""
    loops = []
    for c in np.flatnonzero(fixed):
        centre = pos[c] + np.array([0.0, radius * 1.55])
        t = np.linspace(-0.3 * np.pi, 1.3 * np.pi, 40)
        loop = centre + 0.55 * radius * np.column_stack([np.cos(t), np.sin(t)])
        loops.append((c, c, loop))
        ax.plot(loop[:, 0], loop[:, 1], "-", color=EDGE_COLOR, lw=1.2, zorder=1, gid="self_loop")
        ax.annotate("", xy=loop[-1], xytext=loop[-3], arrowprops=_arrow(EDGE_COLOR, 1.2, 10))
    return loops


def _draw_nodes(ax, pos, fixed, on_cycle, radius: float) -> None:
    """One circle per state: fixed points filled, states on a cycle with a thick rim."""
    for c in range(pos.shape[0]):
        face = FIXED_COLOR if fixed[c] else PLAIN_COLOR
        on = on_cycle[c]
        ax.add_patch(
            Circle(
                pos[c],
                radius,
                fc=face,
                ec=CYCLE_EDGE if on else "#333333",
                lw=3 if on else 1.2,
                zorder=2,
                gid="node",
            )
        )


def _draw_energy_graph(ax, ds: xr.Dataset, pos, pairs, fixed) -> None:
    """A large asynchronous graph: states as dots at their energy, thin curved arrows, the
    fixed points labelled."""
    for a, b in pairs:
        ax.annotate(
            "",
            xy=pos[b],
            xytext=pos[a],
            arrowprops=dict(
                arrowstyle="-|>",
                color="#888888",
                lw=0.4,
                alpha=0.5,
                shrinkA=4,
                shrinkB=4,
                mutation_scale=5,
                connectionstyle="arc3,rad=0.18",
            ),
            zorder=1,
        )
    ax.scatter(
        pos[:, 0],
        pos[:, 1],
        s=60,
        c=np.where(fixed, FIXED_COLOR, PLAIN_COLOR),
        edgecolors="#333333",
        linewidths=1.0,
        zorder=2,
    )
    for c in np.flatnonzero(fixed):
        ax.annotate(
            spin_label(ds.spins.values[c]).replace(",", " "),
            pos[c],
            xytext=(0, -6),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=6,
            color=FIXED_COLOR,
            zorder=3,
        )
    ax.set_ylabel(axis_label(ds.energy))
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)


def _labels(ax, ds, pos, radius, lines) -> None:
    """Spins and energy beside each node, on the first side where no arrow or node lies."""
    fig = ax.figure
    fig.canvas.draw()
    to_disp = ax.transData.transform
    segs = [to_disp(line) for _, _, line in lines]
    centres = to_disp(pos)
    r_disp = abs(to_disp([radius, 0])[0] - to_disp([0, 0])[0])
    placed = []
    energy, spins = ds.energy.values, ds.spins.values
    gap = radius * 1.25
    sides = [
        ((gap, 0), "left", "center"),
        ((-gap, 0), "right", "center"),
        ((0, -gap), "center", "top"),
        ((0, gap), "center", "bottom"),
        ((gap, -gap), "left", "top"),
        ((-gap, gap), "right", "bottom"),
        ((gap, gap), "left", "bottom"),
        ((-gap, -gap), "right", "top"),
    ]
    sides += [((2 * dx, 2 * dy), ha, va) for (dx, dy), ha, va in sides]  # further out
    renderer = fig.canvas.get_renderer()
    for c in range(pos.shape[0]):
        best = None
        for (dx, dy), ha, va in sides:
            text = ax.text(
                pos[c, 0] + dx,
                pos[c, 1] + dy,
                f"{spin_label(spins[c])}\nE={energy[c]:+.2f}",
                ha=ha,
                va=va,
                fontsize=8,
                zorder=3,
                gid="label",
            )
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            hits = _box_hits(box, segs, centres, r_disp, placed)
            if best is None or hits < best[0]:
                if best is not None:
                    best[1].remove()
                best = (hits, text, box)
            else:
                text.remove()
            if hits == 0:
                break
        placed.append(best[2])


def _box_hits(box, segs, centres, r_disp, placed) -> int:
    hits = 0
    for seg in segs:
        if any(_segment_hits_box(p, q, box) for p, q in zip(seg[:-1], seg[1:], strict=True)):
            hits += 1
    for c in centres:
        cx = min(max(c[0], box.x0), box.x1)
        cy = min(max(c[1], box.y0), box.y1)
        if np.hypot(c[0] - cx, c[1] - cy) < r_disp:
            hits += 1
    hits += sum(box.overlaps(other) for other in placed)
    return hits


def _segment_hits_box(p, q, box, samples: int = 24) -> bool:
    t = np.linspace(0, 1, samples)[:, None]
    pts = p + t * (q - p)
    return bool(
        np.any(
            (pts[:, 0] >= box.x0)
            & (pts[:, 0] <= box.x1)
            & (pts[:, 1] >= box.y0)
            & (pts[:, 1] <= box.y1)
        )
    )


def graph_figure(ds: xr.Dataset) -> plt.Figure:
    """Synchronous and asynchronous transition graphs side by side."""
    N = int(ds.sizes["unit"])
    width = {1: 9, 2: 10, 3: 13, 4: 18}.get(N, 16)
    height = {1: 3.5, 2: 5, 3: 5, 4: 9}.get(N, 8)
    # each panel as wide as its drawing (both panels share the height)
    ratios = []
    for kind in ("sync", "async"):
        pos = sync_layout(ds) if kind == "sync" else async_layout(ds)
        span = np.ptp(pos, axis=0) + 1.8
        ratios.append(float(np.clip(span[0] / span[1], 0.6, 4.0)))
    if N <= HYPERCUBE_N:
        width = float(np.clip(height * sum(ratios) * 0.85, 8, 24))
    fig, axes = plt.subplots(
        1,
        2,
        figsize=(width, height),
        constrained_layout=True,
        gridspec_kw={"width_ratios": ratios if N <= HYPERCUBE_N else [1, 1]},
    )
    titles = []
    for ax, kind, letter in zip(axes, ("sync", "async"), "ab", strict=True):
        draw_graph(ax, ds, kind)
        title = (
            "synchronous map: one arrow per state, basins side by side"
            if kind == "sync"
            else "asynchronous updates: one neuron flips per arrow"
        )
        titles.append((ax, ax.set_title(f"({letter}) {title}", loc="left", fontsize=10)))
    stored = "; ".join(spin_label(p) for p in ds.stored_pattern.values)
    fig.suptitle(
        f"N={N} Hopfield network storing {stored or 'nothing'} "
        f"(theta={_theta_text(ds)}, tie={ds['tie'].item()})",
        fontsize=11,
    )
    handles = [
        plt.Line2D(
            [],
            [],
            marker="o",
            ls="",
            ms=10,
            color=FIXED_COLOR,
            mec="#333",
            label="fixed point (stable state)",
        ),
        plt.Line2D(
            [],
            [],
            marker="o",
            ls="",
            ms=10,
            color=PLAIN_COLOR,
            mec=CYCLE_EDGE,
            mew=3,
            label="on a synchronous cycle",
        ),
        plt.Line2D(
            [], [], marker="o", ls="", ms=10, color=PLAIN_COLOR, mec="#333", label="transient state"
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    fit_titles(fig, titles)
    return fig


def fit_titles(fig: plt.Figure, titles: list, rounds: int = 3) -> None:
    """Wrap each panel title onto more lines until it is no wider than its panel.

    A narrow panel (the synchronous map of N = 2 is one column of basins) would otherwise
    carry a title running into its neighbour's. The panels are re-laid out after each
    wrap, so the widths are measured again.
    """
    for _ in range(rounds):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        changed = False
        for ax, text in titles:
            room = 0.95 * ax.get_window_extent(renderer).width
            box = text.get_window_extent(renderer)
            if box.width <= room:
                continue
            words = text.get_text().replace("\n", " ")
            # as many lines as the width needs, of about equal length
            n_lines = text.get_text().count("\n") + int(np.ceil(box.width / room))
            chars = max(12, int(np.ceil(len(words) / n_lines)) + 2)
            text.set_text("\n".join(textwrap.wrap(words, chars)))
            changed = True
        if not changed:
            return


def _theta_text(ds: xr.Dataset) -> str:
    theta = float(ds.theta)
    return "per neuron" if np.isnan(theta) else f"{theta:g}"


#: font sizes of the basin figure (points at the saved size): state strings and counts
STATE_FONT, COUNT_FONT = 9, 8
BASIN_PALETTE = {
    "pattern": OKABE_ITO[0],
    "inverse": OKABE_ITO[5],
    "mixture": OKABE_ITO[2],
    "spurious": "#777777",
    "cycle": OKABE_ITO[4],
}


def _count_labels(ax, y, values) -> None:
    """Each bar's count as text just past its end: a bar too short to see (or 0) still
    reads as its number."""
    for yy, v in zip(y, values, strict=True):
        ax.annotate(
            f"{int(v)}",
            (float(v), float(yy)),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=COUNT_FONT,
            gid="count",
        )
    ax.set_xlim(0, 1.18 * max(float(np.max(values, initial=0)), 1.0))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))  # counts of states


def basin_figure(ds: xr.Dataset) -> plt.Figure:
    """Bars of the synchronous basin sizes and the asynchronous reachability per fixed point.

    Every bar carries its count as text (a basin of 2 states among 65536, or 0 states that
    reach only one fixed point, is a bar too short to see); state strings are monospace at
    :data:`STATE_FONT` points; at most four ticks per count axis, so the numbers never run
    together.
    """
    order = np.argsort(-ds.basin_size.values, kind="stable")[:MAX_BARS]
    labels = [str(ds.basin.values[i]) for i in order]
    sizes = ds.basin_size.values[order]
    kinds = ds.attractor_kind.values[order]
    F = int(ds.sizes["fixed_point"])
    states = int(ds.sizes["state"])
    height = max(3.5, 0.3 * max(len(labels), 1.6 * F) + 1.8)
    fig, axes = plt.subplots(1, 2, figsize=(15, height), constrained_layout=True)
    ax = axes[0]
    y = np.arange(len(labels))
    ax.barh(y, sizes, color=[BASIN_PALETTE[str(k)] for k in kinds], gid="basin")
    ax.set_yticks(y, labels, fontsize=STATE_FONT, family="monospace")
    ax.invert_yaxis()
    _count_labels(ax, y, sizes)
    ax.set_xlabel(axis_label(ds.basin_size))
    n_att = int(ds.sizes["basin"])
    more = f" (largest {len(labels)} of {n_att})" if n_att > len(labels) else ""
    panel(ax, "a", f"synchronous basins{more}", fontsize=10)
    present = [k for k in BASIN_PALETTE if k in {str(v) for v in kinds}]
    handles = [plt.Rectangle((0, 0), 1, 1, color=BASIN_PALETTE[k], label=k) for k in present]
    ax.legend(
        handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False
    )
    ax = axes[1]
    y = np.arange(F)
    reach, sole = ds.async_basin_size.values, ds.async_sole_basin_size.values
    ax.barh(y - 0.2, reach, height=0.4, color=OKABE_ITO[3], label="can reach", gid="reach")
    ax.barh(y + 0.2, sole, height=0.4, color="black", label="reach only it", gid="sole")
    ax.set_yticks(
        y, [str(v) for v in ds.fixed_point_label.values], fontsize=STATE_FONT, family="monospace"
    )
    ax.invert_yaxis()
    _count_labels(ax, np.concatenate([y - 0.2, y + 0.2]), np.concatenate([reach, sole]))
    ax.set_xlabel(f"states (of {states})")
    panel(ax, "b", "asynchronous: states that can reach each fixed point", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.suptitle(f"N={int(ds.N)}, P={int(ds.P)}: basins of attraction")
    return fig


def figure(ds: xr.Dataset, kind: str = "graph", **_) -> plt.Figure:
    if kind == "basins" or int(ds.sizes["unit"]) > MAX_GRAPH_N:
        return basin_figure(ds)
    return graph_figure(ds)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    out = {}
    if int(ds.sizes["unit"]) <= MAX_GRAPH_N:
        out["state_graph"] = graph_figure(ds)
    out["state_graph_basins"] = basin_figure(ds)
    return out


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 120
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "state_graph_2",
        title="2 neurons storing [-1, 1]",
        why="The source report's figure 7: every state and its successors.",
        overrides=("experiment=state_graph", "patterns.explicit=[[-1,1]]"),
    ),
    Entry(
        "state_graph_2b",
        title="2 neurons storing [1, 1]",
        why="The source report's figure 8.",
        overrides=("experiment=state_graph", "patterns.explicit=[[1,1]]"),
    ),
    Entry(
        "state_graph_3",
        title="3 neurons storing [-1, 1, 1]",
        why="The source report's figure 9.",
        overrides=("experiment=state_graph", "patterns.explicit=[[-1,1,1]]"),
    ),
    Entry(
        "state_graph_3b",
        title="3 neurons storing [1, 1, 1] and [1, 1, -1]",
        why="The source report's figure 10: the tie rule breaks the pairing of a pattern and "
        "its inverse.",
        overrides=("experiment=state_graph", "patterns.explicit=[[1,1,1],[1,1,-1]]"),
    ),
    Entry(
        "state_graph_16",
        title="16 neurons, 3 random patterns",
        why="All 65536 states: the fixed points include mixtures and spurious states "
        "(the source report's figure 5).",
        overrides=(
            "experiment=state_graph",
            "patterns.explicit=null",
            "network.N=16",
            "patterns.P=3",
        ),
    ),
)
