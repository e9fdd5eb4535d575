"""Figure: the phase line dv/dt against v of the single neuron for several lambda.

Usage: ``python analysis/phase_portrait.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/phase_portrait`` result). Writes ``phase_portrait.png`` and ``.pdf`` next to the
dataset. Fixed points are the zeros: filled markers stable, open markers unstable
(v grows where dv/dt > 0 and falls where dv/dt < 0).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from hopsim.plotting import axis_label, open_from_cli, report, save_figure


def draw(ds):
    """Build the figure; return it."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(7.5, 5))
    lams = ds["lambda"].values
    pal = sns.color_palette("viridis", len(lams))
    v = ds.v.values
    for k, lam in enumerate(lams):
        rate = ds.dvdt.values[k]
        ax.plot(v, rate, color=pal[k], lw=2, label=f"lambda = {lam:g}")
        fp, st = ds.fixed_point.values[k], ds.stable.values[k].astype(bool)
        ok = np.isfinite(fp)
        ax.plot(fp[ok & st], np.zeros((ok & st).sum()), "o", color=pal[k], ms=9, zorder=3)
        ax.plot(
            fp[ok & ~st],
            np.zeros((ok & ~st).sum()),
            "o",
            mfc="white",
            color=pal[k],
            ms=9,
            mew=2,
            zorder=3,
        )
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xlabel(axis_label(ds.v))
    ax.set_ylabel(axis_label(ds.dvdt))
    ax.set_title(
        f"tau dv/dt = -v + F(h + lambda v), F = {ds.attrs.get('activation_formula', '?')}, "
        f"h = {float(ds.h0):g}\nfilled: stable fixed point, open: unstable",
        fontsize=10,
    )
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    """Read the dataset, draw, write PNG and PDF; return the paths."""
    ds, out_dir = open_from_cli("phase_portrait", __doc__.splitlines()[0], argv)
    paths = save_figure(draw(ds), out_dir, "phase_portrait")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
