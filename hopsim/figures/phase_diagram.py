"""Figure of the ``hopfield_temperature`` experiment: the retrieval phase diagram.

For each N, (a) a heat map of the trial-averaged overlap with the cued pattern over
(alpha, T), with the AGS retrieval boundary T_M(alpha) (from alpha_c = 0.138 at T = 0 to
(0, 1)), the thermodynamic transition T_c(alpha) (retrieval states are the global minima
below it: from alpha = 0.052 at T -> 0, AGS 0.051, to (0, 1)), the spin-glass line
T_g = 1 + sqrt(alpha), and the regions named (F: retrieval global, M: retrieval metastable,
SG: spin glass, P: paramagnet); (b) overlap against T for up to seven loads
(Okabe-Ito colours, each with its own marker) beside the AGS replica-symmetric m. Legends
sit under the panels, outside the data.
"""

from __future__ import annotations

import functools
import math

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib import patheffects
from scipy.optimize import brentq

from hopsim.figures._common import MARKERS, axis_label, colors, legend_below, panel
from hopsim.gallery.plan import Entry
from hopsim.theory import ising as th

STEMS = ("phase_diagram",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("N", "alpha", "temperature")
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


# --------------------------------------------------------------------------- T_c(alpha)
# The thermodynamic (first-order) transition of AGS: below T_c(alpha) the retrieval states
# are the global minima of the replica-symmetric free energy
#   f = alpha/2 + m^2/2 + alpha/(2 beta) [ln(1 - beta(1 - q)) - beta q / (1 - beta(1 - q))]
#       + alpha beta r (1 - q) / 2 - (1/beta) E_z ln 2cosh(beta (m + sqrt(alpha r) z)),
# above it the spin-glass state (m = 0) is lower. At T -> 0 it ends near alpha = 0.051.

_U = np.linspace(-30, 30, 3001)
_DU = _U[1] - _U[0]
_SOFT = np.log1p(np.exp(-2 * np.abs(_U)))


def _f_rs(alpha, T, m, q, r):
    beta = 1 / T
    d = 1 - beta * (1 - q)
    avg = beta * _mean_log2cosh(m, math.sqrt(alpha * r), beta)
    return (
        alpha / 2
        + m * m / 2
        + alpha / (2 * beta) * (math.log(d) - beta * q / d)
        + alpha * beta * r * (1 - q) / 2
        - avg / beta
    )


def _mean_log2cosh(m, s, beta):
    """(1/beta) E ln 2cosh(beta (m + s z)): |y| exactly plus the smooth remainder."""
    if s == 0:
        return abs(m) + math.log1p(math.exp(-2 * beta * abs(m))) / beta
    abs_mean = s * math.sqrt(2 / math.pi) * math.exp(-m * m / (2 * s * s)) + m * math.erf(
        m / (s * math.sqrt(2))
    )
    if beta * s < 5:
        x = beta * (m + s * th._GH_X)
        return float(np.dot(th._GH_W, np.logaddexp(x, -x))) / beta
    z = (_U / beta - m) / s
    dens = np.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * beta * s) * _DU
    return abs_mean + float(np.dot(dens, _SOFT)) / beta


def _spin_glass(alpha, T):
    beta = 1 / T

    def g(q):
        d = 1 - beta * (1 - q)
        return th._ags_moments(0.0, math.sqrt(alpha * q) / d, beta)[1] - q

    hi = 1 - 1e-10
    lo = max(0.0, 1 - T) + 1e-9
    qs = np.linspace(lo, hi, 60)
    vals = np.array([g(q) for q in qs])
    idx = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
    if not idx.size:
        return None
    i = idx[-1]
    q = brentq(g, qs[i], qs[i + 1], xtol=1e-13)
    return q, q / (1 - beta * (1 - q)) ** 2


def _delta_f(alpha, T):
    m, q, r = th.ags_solve(alpha, T)
    s = _spin_glass(alpha, T)
    if m < th.RETRIEVAL_THRESHOLD or s is None:
        return np.nan
    return _f_rs(alpha, T, m, q, r) - _f_rs(alpha, T, 0.0, *s)


def alpha_thermo(T: float) -> float:
    """Load where the retrieval and spin-glass free energies are equal at T (NaN: none)."""
    hi = th.ags_alpha_c(T, xtol=1e-4) * 0.999
    grid = np.linspace(hi * 0.02, hi, 9)
    vals = np.array([_delta_f(a, T) for a in grid])
    ok = np.isfinite(vals)
    grid, vals = grid[ok], vals[ok]
    idx = np.flatnonzero((vals[:-1] < 0) & (vals[1:] > 0))
    if not idx.size:
        return np.nan
    i = idx[0]
    return brentq(lambda a: _delta_f(a, T), grid[i], grid[i + 1], xtol=1e-5)


@functools.lru_cache(maxsize=1)
def thermodynamic_boundary(n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(alpha, T_c)`` of the thermodynamic transition, ending at (0, 1)."""
    temps = np.linspace(0.02, 0.95, n)
    alphas = np.array([alpha_thermo(float(t)) for t in temps])
    keep = np.isfinite(alphas)
    alphas, temps = alphas[keep], temps[keep]
    # T -> 0: the line is vertical below T = 0.02 (same load to 1e-3), drawn down to the axis
    return np.concatenate([[alphas[0]], alphas, [0.0]]), np.concatenate([[0.0], temps, [1.0]])


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    n = ds.N.size
    fig, axes = plt.subplots(2, n, figsize=(7 * n, 10.5), constrained_layout=True, squeeze=False)
    a_max = float(_edges(ds.alpha.values)[-1])
    t_edges = _edges(ds.temperature.values)
    t_top = max(float(t_edges[-1]), float(th.spin_glass_temperature(a_max))) * 1.04
    t_bottom = min(0.0, float(t_edges[0]))
    for col, N in enumerate(ds.N.values):
        _map_panel(fig, axes[0, col], ds, N, a_max, (t_bottom, t_top))
        _curves_panel(axes[1, col], ds, N)
    fig.suptitle(
        "Hopfield network at temperature T: (a) mean overlap with the cued pattern, "
        "(b) the same against T\nF: retrieval states are the global minima (below T_c), "
        "M: they are metastable (between T_c and T_M),\nSG: spin glass, P: paramagnet; "
        "grey: not simulated; (b) points: simulation (SE over trials), lines: AGS theory",
        fontsize=10,
    )
    return fig


def _map_panel(fig, ax, ds: xr.Dataset, N, a_max: float, t_range: tuple) -> None:
    """(a) the mean overlap over (alpha, T) at one N, with the AGS lines and phase names."""
    mean = ds.overlap.mean("trial")
    alpha_line, t_line = boundary()
    a_fine = np.linspace(0.0, a_max, 100)
    t_edges = _edges(ds.temperature.values)
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
    a_tc, t_tc = thermodynamic_boundary()
    ax.plot(
        a_tc,
        t_tc,
        "-.",
        color="w",
        lw=2,
        path_effects=[patheffects.withStroke(linewidth=3.5, foreground="k")],
        gid="T_c",
        label="thermodynamic transition T_c(alpha): retrieval states global minima below",
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
    ax.set_ylim(*t_range)
    _phase_labels(ax, a_max, t_range[1])
    ax.set_xlabel(axis_label(ds.alpha))
    ax.set_ylabel(axis_label(ds.temperature))
    panel(ax, "a", f"N = {int(N)}, {ds.trial.size} trials, {ds.attrs.get('rule')} dynamics")
    legend_below(ax, ncol=1)
    fig.colorbar(mesh, ax=ax, label="mean " + axis_label(ds.overlap))


def _curves_panel(ax, ds: xr.Dataset, N) -> None:
    """(b) the overlap against T for the shown loads, against the AGS overlap."""
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
    ax.plot([], [], "-", color="0.3", label="AGS theory: line in its load's colour")
    ax.set_xlabel(axis_label(ds.temperature))
    ax.set_ylabel(axis_label(ds.overlap))
    shown = "" if loads.size == ds.alpha.size else f" ({loads.size} of {ds.alpha.size} loads)"
    panel(ax, "b", f"overlap against T{shown}", fontsize=10)
    legend_below(ax, ncol=4)


def _phase_labels(ax, a_max: float, t_top: float) -> None:
    style = dict(
        fontsize=11,
        fontweight="bold",
        ha="center",
        va="center",
        color="w",
        bbox=dict(boxstyle="round,pad=0.2", fc="0.25", ec="none", alpha=0.7),
    )
    a_f = min(0.02, 0.2 * a_max)
    ax.text(a_f, 0.3, "F", gid="phase", **style)
    if a_max > 0.1:
        ax.text(0.095, 0.12, "M", gid="phase", **style)
    if a_max > th.AGS_ALPHA_C0 + 0.01:
        ax.text(0.5 * (th.AGS_ALPHA_C0 + a_max), 0.4, "SG", gid="phase", **style)
    t_g = float(th.spin_glass_temperature(0.6 * a_max))
    if t_top > t_g + 0.05:
        ax.text(0.6 * a_max, 0.5 * (t_g + t_top), "P", gid="phase", **style)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"phase_diagram": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 60
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "hopfield_temperature",
        title="Retrieval at finite temperature",
        why="Glauber dynamics at temperature T: the Amit-Gutfreund-Sompolinsky phase diagram.",
        overrides=("experiment=hopfield_temperature",),
    ),
)
