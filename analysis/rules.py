"""Learning-rules figure: stability, retrieval and basins against load, every rule.

Usage::

    python analysis/rules.py [RUN_DIR | result.nc] [--noise 0.1]

One column per N. Rows: (a) fraction of stored patterns that are fixed points, mean over
the networks, with each rule's exact-storage capacity from theory as a dashed vertical line
in its colour (Hebb and covariance N/(2 ln N), Storkey N/sqrt(2 ln N), pseudo-inverse 1,
Krauth-Mezard Gardner's alpha_c(kappa)); (b) mean final overlap from cues with the chosen
noise (``--noise``, default the level nearest 0.1: noise is never averaged), with the
retrieval loads from theory dotted (Hebb 0.138); (c) basin size: the largest cue noise
still recalled (mean overlap >= the run's ``recall_overlap``). Written as ``rules.{png,pdf}``.
"""

from __future__ import annotations

import argparse

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.plotting import axis_label, open_from_cli, report, save_figure

#: Okabe-Ito colours (colour-blind safe), one per rule in registry order.
PALETTE = {
    "hebb": "#0072B2",
    "storkey": "#D55E00",
    "pseudo_inverse": "#009E73",
    "covariance": "#CC79A7",
    "krauth_mezard": "#E69F00",
}
EXTRA = ["#56B4E9", "#F0E442", "#000000"]
MARKERS = {
    "hebb": "o",
    "storkey": "s",
    "pseudo_inverse": "^",
    "covariance": "v",
    "krauth_mezard": "D",
}


def colour(rule: str, index: int) -> str:
    """The rule's colour (extra rules take the remaining Okabe-Ito colours)."""
    return PALETTE.get(rule, EXTRA[index % len(EXTRA)])


def pick_noise(ds: xr.Dataset, requested: float | None) -> float:
    """The noise level to draw: the requested one (must exist) or the one nearest 0.1."""
    levels = ds.noise.values
    if requested is None:
        positive = levels[levels > 0]
        pool = positive if positive.size else levels
        return float(pool[np.argmin(np.abs(pool - 0.1))])
    if not np.any(np.isclose(levels, requested)):
        raise SystemExit(f"error: --noise {requested} is not in the run's levels {list(levels)}")
    return float(levels[np.isclose(levels, requested)][0])


def figure(ds: xr.Dataset, noise: float | None = None):
    """Draw the figure; return (fig, axes, the noise level drawn)."""
    level = pick_noise(ds, noise)
    Ns = ds.N.values
    fig, axes = plt.subplots(
        3, len(Ns), figsize=(4.2 * len(Ns), 9.6), sharex=True, sharey="row", squeeze=False
    )
    stable = ds.stable_fraction.mean("trial")
    overlap = ds.overlap.sel(noise=level).mean("trial")
    basin = ds.basin_noise.median("trial")
    shared: tuple[dict, dict] = ({}, {})
    for col, N in enumerate(Ns):
        for r, rule in enumerate(ds.rule.values):
            c, mk = colour(rule, r), MARKERS.get(rule, "o")
            style = dict(color=c, marker=mk, ms=4, lw=1.5, label=rule.replace("_", " "))
            if r % 2:  # every other rule hollow and dashed: curves that coincide stay visible
                style.update(ls=(0, (5, 2)), mfc="none", ms=6)
            x = ds.alpha.values
            axes[0, col].plot(x, stable.sel(rule=rule, N=N), **style)
            axes[1, col].plot(x, overlap.sel(rule=rule, N=N), **style)
            axes[2, col].plot(x, basin.sel(rule=rule, N=N), **style)
            exact = float(ds.alpha_exact_theory.sel(rule=rule, N=N))
            retrieval = float(ds.alpha_retrieval_theory.sel(rule=rule, N=N))
            # rules that share a theory line draw it in interleaved dashes, so none hides
            share = shared[0].setdefault((col, round(exact, 6)), 0)
            shared[0][(col, round(exact, 6))] += 1
            axes[0, col].axvline(exact, color=c, ls=(4 * share, (4, 4)), lw=1.2)
            if np.isfinite(retrieval):
                share = shared[1].setdefault((col, round(retrieval, 6)), 0)
                shared[1][(col, round(retrieval, 6))] += 1
                axes[1, col].axvline(retrieval, color=c, ls=(2 * share, (1.5, 2.5)), lw=1.4)
        axes[0, col].set_title(f"N = {int(N)}")
        for row in range(3):
            axes[row, col].set_xscale("log")
            axes[row, col].grid(alpha=0.3, which="both")
        axes[2, col].set_xlabel(axis_label(ds.alpha))
    axes[0, 0].set_ylabel("stored patterns that are\nfixed points (fraction)")
    axes[1, 0].set_ylabel(f"final overlap m\n(cues with noise {level:g})")
    axes[2, 0].set_ylabel(f"largest cue noise recalled\n(mean m >= {ds.attrs['recall_overlap']:g})")
    axes[0, 0].set_ylim(-0.03, 1.03)
    axes[1, 0].set_ylim(min(-0.05, float(overlap.min()) - 0.05), 1.03)
    axes[2, 0].set_ylim(-0.01, float(ds.noise.max()) * 1.05 + 0.01)
    for row, letter in enumerate("abc"):
        axes[row, 0].text(
            -0.2, 1.02, f"({letter})", transform=axes[row, 0].transAxes, fontweight="bold"
        )
    handles, labels = axes[0, 0].get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles += [
        Line2D([], [], color="0.3", ls="--", lw=1),
        Line2D([], [], color="0.3", ls=":", lw=1.2),
    ]
    labels += [
        "theory: every pattern stable",
        "theory: retrieval (Hebb 0.138 with errors; K-M margin kappa)",
    ]
    fig.legend(
        handles, labels, loc="lower center", ncol=4, frameon=False, bbox_to_anchor=(0.5, -0.04)
    )
    fig.suptitle(
        f"Learning rules compared ({ds.sizes['trial']} pattern sets per point, "
        f"{ds.attrs['cues_per_network']} cues per network, {ds['update'].item()} updates, "
        f"bias {float(ds['bias']):g})"
        + (
            f"\noptions: {ds.attrs['learning_options']}" if ds.attrs.get("learning_options") else ""
        ),
        y=1.0,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 0.98))
    return fig, axes, level


def main(argv: list[str] | None = None) -> list:
    """Command line: draw the figure of a rules run."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--noise", type=float, default=None, help="cue noise of panel (b)")
    known, rest = parser.parse_known_args(argv)
    ds, out_dir = open_from_cli("rules", "Learning-rules figure.", rest)
    fig, _, _ = figure(ds, known.noise)
    paths = save_figure(fig, out_dir, "rules")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
