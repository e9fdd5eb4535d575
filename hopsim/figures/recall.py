"""Figures of a recall run or sweep: final overlap against the swept keys, energy per sweep.

``figure(ds, kind="overlap" | "energy", fix=None)``. Every swept dimension is shown: the
first on x (the corruption level ``noise`` when it is swept), the next as colour, then line
style, columns and rows; dimensions beyond those are combined into the row facets, so no
swept key is ever averaged. ``fix={"theta": 0}`` (``--fix theta=0``) selects one value of a
swept key instead. Means with 95% intervals over the cued patterns and trials; a single run
(nothing swept) shows every cue's final overlap as a dot beside that mean.

In the energy figure a swept learning rule (or dense energy) is never a colour: each rule's
energy is a different function on its own scale, so each gets its own panel and y axis.
The title names every run parameter that is not swept (N, P, update, corruption, noise,
theta, the pattern bias, the rule).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.ticker import MaxNLocator

from hopsim.figures._common import (
    LINESTYLES,
    MARKERS,
    FigureError,
    axis_label,
    colors,
    facet_grid,
    fmt,
    mean_ci,
    select_fixed,
)
from hopsim.gallery.plan import Entry

TRIAL_DIMS = ("pattern", "trial", "sweep")
#: keys that change the energy function itself: energies of different values are different
#: functions on different scales, so the energy figure never puts two of them on one axis
ENERGY_DIMS = ("learning", "energy_function")
STEMS = ("recall_overlap", "recall_energy", "recall_clamping")
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = None
MAX_PANELS = 36


def swept_dims(ds: xr.Dataset) -> list[str]:
    """Dimensions that come from a sweep (everything but pattern, trial, sweep, unit)."""
    return [d for d in ds["overlap"].dims if d not in TRIAL_DIMS + ("unit",)]


def _ordered(ds: xr.Dataset) -> list[str]:
    dims = swept_dims(ds)
    if "noise" in dims:
        dims.remove("noise")
        dims.insert(0, "noise")
    return dims


def layout(
    ds: xr.Dataset, with_x: bool = True, apart: tuple[str, ...] = ()
) -> dict[str, list[str]]:
    """Roles of the swept dims: x, hue, style, col and rows (all the remaining ones).

    Dimensions in ``apart`` never share an axis: they become the columns and rows first.
    """
    dims = _ordered(ds)
    separate = [d for d in dims if d in apart]
    dims = [d for d in dims if d not in apart]
    roles: dict[str, list[str]] = {}
    for name in (["x"] if with_x else []) + ["hue", "style"]:
        if dims:
            roles[name] = [dims.pop(0)]
    dims = separate + dims
    if dims:
        roles["col"] = [dims.pop(0)]
    roles["row"] = dims
    return roles


def hold_last(da: xr.DataArray, dim: str) -> xr.DataArray:
    """Forward-fill NaN along ``dim`` (a trial's energy stays at its final value)."""
    da = da.transpose(..., dim)
    arr = da.values
    idx = np.where(np.isnan(arr), 0, np.arange(arr.shape[-1]))
    np.maximum.accumulate(idx, axis=-1, out=idx)
    return da.copy(data=np.take_along_axis(arr, idx, axis=-1))


def _title(ds: xr.Dataset, fixed: list[str]) -> str:
    scalar = [
        f"{name}={fmt(ds[name].item())}"
        for name in ("N", "P", "update", "corruption", "noise", "theta", "bias", "learning")
        if name in ds.coords and ds[name].ndim == 0
    ]
    text = "recall: " + ", ".join(scalar)
    if fixed:
        text += f" (selected: {', '.join(fixed)})"
    return text


def _label(ds, dims, index) -> str:
    return ", ".join(f"{d}={fmt(ds[d].values[index[d]])}" for d in dims)


def _check_panels(ds, roles, fixed_hint: str) -> None:
    n = int(np.prod([ds.sizes[d] for d in roles.get("col", []) + roles["row"]] or [1]))
    if n > MAX_PANELS:
        raise FigureError(
            f"{n} panels: too many to read; select values of "
            f"{', '.join(roles['row'])} with --fix (e.g. --fix {fixed_hint})"
        )


def figure(ds: xr.Dataset, kind: str = "overlap", fix=None, **_) -> plt.Figure:
    """The overlap figure (``kind="overlap"``) or the energy figure (``"energy"``)."""
    if kind not in ("overlap", "energy"):
        raise FigureError(f"recall figure kind {kind!r}: overlap or energy")
    ds, fixed = select_fixed(ds, fix, swept_dims(ds))
    apart = ENERGY_DIMS if kind == "energy" else ()
    roles = layout(ds, with_x=kind == "overlap", apart=apart)
    # energies of different functions (rules, thresholds) each get their own y axis
    own_y = any(d in apart for d in roles.get("col", []) + roles["row"])
    if roles["row"]:
        d = roles["row"][0]
        _check_panels(ds, roles, f"{d}={fmt(ds[d].values[0])}")
    col_dims, row_dims = roles.get("col", []), roles["row"]
    cols = facet_grid(col_dims, ds)
    rows = facet_grid(row_dims, ds)
    fig, axes = plt.subplots(
        len(rows),
        len(cols),
        figsize=(3.4 * len(cols) + 1.6, 2.8 * len(rows) + 0.8),
        squeeze=False,
        sharex=True,
        sharey=not own_y,
        constrained_layout=True,
    )
    lows = []
    for r, row in enumerate(rows):
        for c, col in enumerate(cols):
            ax = axes[r, c]
            lows += _draw_panel(ax, ds, kind, roles, dict(row, **col))
            heading = _label(ds, col_dims + row_dims, dict(row, **col))
            ax.set_title(heading, fontsize=8)
            ax.grid(True, color="0.9")
    _label_axes(fig, axes, ds, kind, roles, own_y, lows)
    fig.suptitle(f"{_title(ds, fixed)}\n{_what(kind, roles)}", fontsize=9)
    return fig


def _hue_and_style(ds: xr.Dataset, roles: dict) -> tuple[list, list, range | list, range | list]:
    """The dims drawn as colour and as line style, and the index values of each."""
    hue = roles.get("hue", [])
    style = roles.get("style", [])
    hue_vals = range(ds.sizes[hue[0]]) if hue else [None]
    style_vals = range(ds.sizes[style[0]]) if style else [None]
    return hue, style, hue_vals, style_vals


def _draw_panel(ax, ds: xr.Dataset, kind: str, roles: dict, where: dict) -> list[float]:
    """One line per (colour, line style) of the panel at ``where``; the overlaps' lows."""
    hue, style, hue_vals, style_vals = _hue_and_style(ds, roles)
    palette = colors(len(hue_vals))
    lows = []
    for h, hv in enumerate(hue_vals):
        for s, sv in enumerate(style_vals):
            sel = dict(where)
            if hue:
                sel[hue[0]] = hv
            if style:
                sel[style[0]] = sv
            cell = ds.isel(sel)
            label = (
                ", ".join(
                    t
                    for t in (
                        f"{hue[0]}={fmt(ds[hue[0]].values[hv])}" if hue else "",
                        f"{style[0]}={fmt(ds[style[0]].values[sv])}" if style else "",
                    )
                    if t
                )
                or "mean"
            )
            line_kw = dict(
                color=palette[h],
                ls=LINESTYLES[s % len(LINESTYLES)],
                marker=MARKERS[s % len(MARKERS)],
                ms=4,
                lw=1.5,
                label=label,
            )
            if kind == "overlap":
                lows.append(_draw_overlap(ax, ds, cell, roles, line_kw))
            else:
                _draw_energy(ax, cell, line_kw)
    return lows


def _label_axes(fig, axes, ds: xr.Dataset, kind: str, roles: dict, own_y: bool, lows) -> None:
    """Axis labels, the overlap's y range (from the lowest value drawn) and the legend."""
    for ax in axes[-1, :]:
        if kind == "overlap" and "x" in roles:
            ax.set_xlabel(axis_label(ds[roles["x"][0]]))
        elif kind == "energy":
            ax.set_xlabel("sweep")
    for ax in axes[:, 0] if not own_y else axes.flat:
        ax.set_ylabel(axis_label(ds["overlap"]) if kind == "overlap" else "energy per neuron E/N")
    if kind == "overlap":
        low = float(np.nanmin(lows)) if lows else 0.0
        axes[0, 0].set_ylim(max(-1.02, low - 0.05 * (1.02 - low) - 0.02), 1.02)
    _, _, hue_vals, style_vals = _hue_and_style(ds, roles)
    if len(hue_vals) * len(style_vals) > 1:
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            fontsize=8,
            frameon=False,
            ncol=min(4, len(labels)),
        )


def _what(kind: str, roles: dict) -> str:
    """The second line of the title: what the lines are."""
    single = kind == "overlap" and "x" not in roles
    return (
        "final overlap of every cue (dots) and their mean with its 95% interval (black)"
        if single
        else "mean final overlap with 95% intervals over cued patterns and trials"
        if kind == "overlap"
        else "energy per neuron after each sweep (a finished trial keeps its final value); "
        "mean over patterns and trials, band: 1 SD"
    )


def _draw_overlap(ax, ds, cell, roles, line_kw) -> float:
    values = cell["overlap"]
    if "x" in roles:
        x_dim = roles["x"][0]
        arr = values.transpose(x_dim, ...).values.reshape(values.sizes[x_dim], -1)
        mean, half, _ = mean_ci(arr, axis=1)
        x = ds[x_dim].values
        if x.dtype.kind in "OUSb":
            # categories (update rule, learning rule): points, no line implying an
            # interpolation between them
            x = np.arange(x.size)
            ax.set_xticks(x, [fmt(v) for v in ds[x_dim].values])
            ax.set_xlim(-0.5, x.size - 0.5)
            line_kw = dict(line_kw, ls="none", ms=6)
        ax.errorbar(x, mean, yerr=half, capsize=2, **line_kw)
        if x.size <= 8:
            ax.set_xticks(x, [fmt(v) for v in ds[x_dim].values])
        return float(np.nanmin(mean - half))
    # a single run: every cue's final overlap (jittered dots) and their mean with its 95%
    # interval, so a run where every cue is recalled shows its points, not a collapsed box
    arr = values.values.ravel()
    arr = arr[np.isfinite(arr)]
    mean, half, _ = mean_ci(arr, axis=0)
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, arr.size)
    ax.plot(jitter, arr, "o", ms=3, color=line_kw["color"], alpha=0.35, gid="cue", label=None)
    ax.errorbar(
        [0.3], [mean], yerr=[half], fmt="D", ms=6, capsize=4, color="k", gid="mean", label=None
    )
    ax.annotate(
        f"mean {float(mean):.3f}\n+/- {float(half):.3f}\n({arr.size} cues)",
        (0.3, float(mean)),
        xytext=(10, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
        gid="mean_text",
    )
    ax.set_xlim(-0.5, 1.0)
    ax.set_xticks([0], [f"noise {fmt(ds['noise'].item())}"])
    return float(arr.min()) if arr.size else 0.0


def _draw_energy(ax, cell, line_kw) -> None:
    energy = hold_last(cell["energy"], "sweep") / cell["N"]
    arr = energy.transpose("sweep", ...).values.reshape(energy.sizes["sweep"], -1)
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(arr, axis=1)
        sd = np.nanstd(arr, axis=1)
    x = cell["sweep"].values
    line_kw = dict(line_kw, marker=None)
    ax.plot(x, mean, **line_kw)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.fill_between(x, mean - sd, mean + sd, color=line_kw["color"], alpha=0.15, lw=0)


def figures(ds: xr.Dataset, fix=None, **_) -> dict[str, plt.Figure]:
    """Both recall figures, keyed by file stem, and the clamping figure of a sweep over
    occlusion with and without clamping (:mod:`hopsim.figures.clamping`)."""
    from hopsim.analysis.clamping import has_clamping_sweep

    out = {
        "recall_overlap": figure(ds, "overlap", fix=fix),
        "recall_energy": figure(ds, "energy", fix=fix),
    }
    chosen, _ = select_fixed(ds, fix, swept_dims(ds), [])
    if has_clamping_sweep(chosen):
        from hopsim.figures import clamping

        out["recall_clamping"] = clamping.figure(chosen)
    return out


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 10
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "recall",
        title="Recall (the default run)",
        why="The quick start's command: 10 patterns in 200 neurons, cues with 10% flipped bits.",
    ),
    Entry(
        "recall_energy",
        title="The energy after every single-neuron update",
        why="The source report's Lyapunov argument checked update by update: a loaded network "
        "(alpha = 0.12, 30% of the bits flipped) whose first 8 cues are replayed one neuron "
        "at a time, the energy computed from scratch after each update.",
        overrides=(
            "experiment=recall",
            "network.N=200",
            "patterns.P=24",
            "corruption.level=0.3",
            "trials=2",
            "record.update_energy=8",
        ),
    ),
    Entry(
        "recall_updates",
        title="Synchronous against asynchronous recall",
        why="The source report (section 2): asynchronous updates give stronger attractors, "
        "synchronous ones oscillate.",
        overrides=(
            "experiment=recall",
            "dynamics.update=sync,async",
            "patterns.P=24",
            "corruption.level=0.2",
            "trials=20",
        ),
        multirun=True,
    ),
    Entry(
        "recall_biased",
        title="Biased patterns: Hebb against covariance",
        why="Patterns with P(+1) = 0.8: Hebb collapses onto the mean pattern, the covariance "
        "rule (with its threshold) recalls them.",
        overrides=(
            "experiment=recall",
            "network.learning=hebb,covariance",
            "patterns.bias=0.6",
            "network.N=400",
            "patterns.P=20",
        ),
        multirun=True,
    ),
)
