"""Figure of the ``hopfield_temperature`` experiment: the retrieval phase diagram.

For each N, (a) a heat map of the trial-averaged overlap with the cued pattern over
(alpha, T), with the AGS retrieval boundary T_M(alpha) (from alpha_c = 0.138 at T = 0 to
(0, 1)), the spin-glass line T_g = 1 + sqrt(alpha), and the regions named (R: retrieval
states exist; SG: spin glass; P: paramagnet); (b) overlap against T for up to seven loads
(Okabe-Ito colours, each with its own marker) beside the AGS replica-symmetric m. Legends
sit under the panels, outside the data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import MARKERS, axis_label, colors, legend_below, panel
from hopsim.theory import ising as th

STEMS = ("phase_diagram",)
MAX_CURVES = 7


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around (possibly uneven) grid values."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def ags_overlap(alpha: float, temps: np.ndarray) -> np.ndarray:
    """Retrieval overlap of the AGS equations (m = 1 at T = 0 below alpha_c, else 0 there)."""
    out = []
    for T in temps:
        if T <= 0:
            out.append(1.0 if alpha < th.AGS_ALPHA_C0 else 0.0)  # m -> erf(y) ~ 1 at T = 0
        else:
            m = th.ags_solve(alpha, float(T))[0]
            out.append(m if m > th.RETRIEVAL_THRESHOLD else 0.0)
    return np.array(out)


def boundary() -> tuple[np.ndarray, np.ndarray]:
    """T_M(alpha) from (alpha_c, 0) to (0, 1), the end point included exactly."""
    alpha, temps = th.ags_boundary(30)
    keep = alpha > 0
    return np.append(alpha[keep], 0.0), np.append(temps[keep], 1.0)


def shown_loads(alphas: np.ndarray, n: int = MAX_CURVES) -> np.ndarray:
    """At most ``n`` loads, evenly spread, the first and the last always included."""
    if alphas.size <= n:
        return alphas
    return alphas[np.unique(np.linspace(0, alphas.size - 1, n).round().astype(int))]


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    mean = ds.overlap.mean("trial")
    n = ds.N.size
    fig, axes = plt.subplots(2, n, figsize=(7 * n, 10.5), constrained_layout=True, squeeze=False)
    alpha_line, t_line = boundary()
    a_max = float(_edges(ds.alpha.values)[-1])
    a_fine = np.linspace(0.0, a_max, 100)
    t_edges = _edges(ds.temperature.values)
    t_top = max(float(t_edges[-1]), float(th.spin_glass_temperature(a_max))) * 1.04
    t_bottom = min(0.0, float(t_edges[0]))
    for col, N in enumerate(ds.N.values):
        ax = axes[0, col]
        ax.set_facecolor("0.85")  # outside the simulated grid
        grid = mean.sel(N=N).transpose("temperature", "alpha")
        mesh = ax.pcolormesh(
            _edges(ds.alpha.values),
            t_edges,
            grid.values,
            cmap="cividis",
            vmin=0,
            vmax=1,
            shading="flat",
        )
        ax.plot(
            alpha_line,
            t_line,
            "-",
            color="#E69F00",
            lw=2.5,
            label="AGS retrieval boundary T_M(alpha)",
            gid="T_M",
        )
        ax.plot(
            a_fine,
            th.spin_glass_temperature(a_fine),
            "--",
            color="#56B4E9",
            lw=2,
            label="spin-glass line T_g = 1 + sqrt(alpha)",
            gid="T_g",
        )
        ax.set_xlim(0.0, a_max)
        ax.set_ylim(t_bottom, t_top)
        _phase_labels(ax, a_max, t_top)
        ax.set_xlabel(axis_label(ds.alpha))
        ax.set_ylabel(axis_label(ds.temperature))
        panel(ax, "a", f"N = {int(N)}, {ds.trial.size} trials, {ds.attrs.get('rule')}")
        legend_below(ax, ncol=1)
        fig.colorbar(mesh, ax=ax, label="mean " + axis_label(ds.overlap))

        ax = axes[1, col]
        loads = shown_loads(ds.alpha.values)
        palette = colors(loads.size)
        T = ds.temperature.values
        Tf = np.linspace(T.min(), T.max(), 60)
        for k, (color, alpha) in enumerate(zip(palette, loads, strict=True)):
            sub = ds.overlap.sel(N=N, alpha=alpha)
            err = sub.std("trial") / np.sqrt(ds.trial.size)
            ax.errorbar(
                T,
                sub.mean("trial"),
                yerr=err,
                fmt=MARKERS[k % len(MARKERS)],
                ms=4,
                capsize=2,
                color=color,
                label=f"alpha = {alpha:g}",
            )
            ax.plot(Tf, ags_overlap(float(alpha), Tf), "-", lw=1.2, color=color)
        ax.plot([], [], "-", color="0.3", label="AGS replica-symmetric m")
        ax.set_xlabel(axis_label(ds.temperature))
        ax.set_ylabel(axis_label(ds.overlap))
        shown = "" if loads.size == ds.alpha.size else f" ({loads.size} of {ds.alpha.size} loads)"
        panel(ax, "b", f"overlap against T{shown}", fontsize=10)
        legend_below(ax, ncol=4)
    fig.suptitle(
        "Hopfield network at temperature T: (a) mean overlap with the cued pattern, "
        "(b) the same against T\nR: retrieval states exist, SG: spin glass, P: paramagnet; "
        "grey: not simulated; (b) points: simulation (SE over trials), lines: AGS theory",
        fontsize=10,
    )
    return fig


def _phase_labels(ax, a_max: float, t_top: float) -> None:
    style = dict(
        fontsize=11,
        fontweight="bold",
        ha="center",
        va="center",
        color="w",
        bbox=dict(boxstyle="round,pad=0.2", fc="0.25", ec="none", alpha=0.7),
    )
    ax.text(
        min(0.035, 0.3 * a_max),
        0.35 * th.ags_temperature(min(0.035, 0.3 * a_max)),
        "R",
        gid="phase",
        **style,
    )
    if a_max > th.AGS_ALPHA_C0 + 0.01:
        ax.text(0.5 * (th.AGS_ALPHA_C0 + a_max), 0.4, "SG", gid="phase", **style)
    t_g = float(th.spin_glass_temperature(0.6 * a_max))
    if t_top > t_g + 0.05:
        ax.text(0.6 * a_max, 0.5 * (t_g + t_top), "P", gid="phase", **style)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"phase_diagram": figure(ds)}
