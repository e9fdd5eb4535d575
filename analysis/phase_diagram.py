"""Figure of the ``hopfield_temperature`` experiment: the retrieval phase diagram.

Usage: ``python analysis/phase_diagram.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
runs/hopfield_temperature). For each N, a heat map of the trial-averaged overlap with the
cued pattern over (alpha, T), with the AGS retrieval boundary T_M(alpha) and the
spin-glass line T_g = 1 + sqrt(alpha) drawn on it, plus overlap-against-T curves per alpha
with the AGS replica-symmetric overlap. Writes ``phase_diagram.png/.pdf`` next to the dataset.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
import xarray as xr

from hopsim.plotting import axis_label, open_from_cli, report, save_figure
from hopsim.theory import ising as th


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


def plot(ds: xr.Dataset):
    sns.set_theme(style="ticks", context="paper")
    mean = ds.overlap.mean("trial")
    n = ds.N.size
    fig, axes = plt.subplots(2, n, figsize=(5.2 * n, 8), constrained_layout=True, squeeze=False)
    alpha_line, t_line = th.ags_boundary(30)
    a_fine = np.linspace(0.0, float(ds.alpha.max()), 100)
    for col, N in enumerate(ds.N.values):
        ax = axes[0, col]
        grid = mean.sel(N=N).transpose("temperature", "alpha")
        mesh = ax.pcolormesh(
            _edges(ds.alpha.values),
            _edges(ds.temperature.values),
            grid.values,
            cmap="viridis",
            vmin=0,
            vmax=1,
            shading="flat",
        )
        ax.plot(alpha_line, t_line, "w-", lw=2, label="AGS retrieval boundary T_M")
        ax.plot(
            a_fine,
            th.spin_glass_temperature(a_fine),
            "w--",
            lw=1.5,
            label="spin-glass line T_g = 1 + sqrt(alpha)",
        )
        ax.set_xlim(_edges(ds.alpha.values)[[0, -1]])
        ax.set_ylim(_edges(ds.temperature.values)[[0, -1]])
        ax.set_xlabel(axis_label(ds.alpha))
        ax.set_ylabel(axis_label(ds.temperature))
        ax.set_title(f"N = {int(N)}, {ds.trial.size} trials, {ds.attrs.get('rule')}")
        ax.legend(loc="upper right", fontsize=7, facecolor="0.3", labelcolor="w")
        fig.colorbar(mesh, ax=ax, label=axis_label(ds.overlap))

        ax = axes[1, col]
        palette = sns.color_palette("rocket", ds.alpha.size)
        T = ds.temperature.values
        Tf = np.linspace(T.min(), T.max(), 60)
        for color, alpha in zip(palette, ds.alpha.values, strict=True):
            sub = ds.overlap.sel(N=N, alpha=alpha)
            err = sub.std("trial") / np.sqrt(ds.trial.size)
            ax.errorbar(
                T,
                sub.mean("trial"),
                yerr=err,
                fmt="o",
                ms=3,
                capsize=2,
                color=color,
                label=f"alpha = {alpha:g}",
            )
            ax.plot(Tf, ags_overlap(float(alpha), Tf), "-", lw=1, color=color)
        ax.set_xlabel(axis_label(ds.temperature))
        ax.set_ylabel(axis_label(ds.overlap))
        ax.set_title("points: simulation; lines: AGS replica-symmetric m")
        ax.legend(fontsize=6, ncol=2)
    return fig


def main(argv: list[str] | None = None) -> list:
    """Draw the phase diagram for one dataset; return the written paths."""
    ds, out_dir = open_from_cli("hopfield_temperature", __doc__.splitlines()[0], argv)
    paths = save_figure(plot(ds), out_dir, "phase_diagram")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
