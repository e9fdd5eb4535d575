"""Figure: recall in the continuous Hopfield network (overlaps, energy, unit states).

Usage: ``python analysis/network_ode.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/network_ode`` result). Writes ``network_ode.png`` and ``.pdf`` next to the dataset:

(a) overlap with the cued pattern over time for each trial (the largest overlap with any
    other pattern thin), with the mean-field retrieval overlap m = tanh(gain m);
(b) the Lyapunov energy over time (it must not rise);
(c) v(t) of every unit in trial 0, units ordered by the cued pattern's sign.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from hopsim.plotting import axis_label, open_from_cli, report, save_figure


def draw(ds):
    """Build the three-panel figure; return it."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    t = ds.time.values
    pal = sns.color_palette("deep", ds.trial.size)
    ax = axes[0]
    for k in range(ds.trial.size):
        mu = int(ds.cued_pattern[k])
        ov = ds.overlap.values[k]
        ax.plot(t, ov[:, mu], color=pal[k], lw=2, label=f"trial {k}: pattern {mu}")
        others = np.delete(ov, mu, axis=1)
        if others.shape[1]:
            ax.plot(t, np.max(np.abs(others), axis=1), color=pal[k], lw=0.8, alpha=0.7)
    ax.axhline(
        float(ds.meanfield_overlap),
        color="k",
        ls=":",
        lw=1.2,
        label=f"m = tanh(gain m) = {float(ds.meanfield_overlap):.4f}",
    )
    ax.set_xlabel(axis_label(ds.time))
    ax.set_ylabel(axis_label(ds.overlap))
    ax.set_title(f"(a) overlap (thin: largest other), gain = {float(ds.gain):g}")
    ax.legend(fontsize=8, loc="center right")

    ax = axes[1]
    for k in range(ds.trial.size):
        ax.plot(t, ds.energy.values[k], color=pal[k], lw=2)
    ax.set_xlabel(axis_label(ds.time))
    ax.set_ylabel(axis_label(ds.energy))
    ax.set_title(f"(b) energy, largest rise {np.nanmax(ds.energy_max_rise.values):.1e}")

    ax = axes[2]
    mu = int(ds.cued_pattern[0])
    order = np.argsort(ds.patterns.values[mu], kind="stable")
    image = ds.v.values[0][:, order].T
    mesh = ax.imshow(
        image,
        aspect="auto",
        origin="lower",
        cmap="RdBu_r",
        vmin=-1,
        vmax=1,
        extent=[t[0], t[-1], 0, image.shape[0]],
        interpolation="nearest",
    )
    fig.colorbar(mesh, ax=ax, label=axis_label(ds.v))
    ax.set_xlabel(axis_label(ds.time))
    ax.set_ylabel(f"unit (ordered by pattern {mu})")
    ax.grid(False)
    ax.set_title("(c) v(t), trial 0")
    fig.suptitle(
        f"continuous Hopfield network N = {int(ds.N)}, P = {int(ds.P)}: retrieval needs "
        f"gain > 1 (m = tanh(gain m); crosstalk raises it), gain 1 decays to a mixture",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    """Read the dataset, draw, write PNG and PDF; return the paths."""
    ds, out_dir = open_from_cli("network_ode", __doc__.splitlines()[0], argv)
    paths = save_figure(draw(ds), out_dir, "network_ode")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
