"""Figure: the single-neuron memory switched by input pulses (the source's figure 3).

Usage: ``python analysis/stimulus.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/stimulus`` result). Writes ``stimulus.png`` and ``.pdf`` next to the dataset: the
input h(t) with the fold thresholds +/- h_fold (top) and the state v(t) with the stable
resting fixed points (bottom).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from hopsim.plotting import axis_label, open_from_cli, report, save_figure


def draw(ds):
    """Build the two-panel figure; return it."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [1, 1.6]}
    )
    pal = sns.color_palette("deep")
    t = ds.time.values
    hf = float(ds.h_fold)
    top.plot(t, ds.h.values, color=pal[1], lw=2)
    if np.isfinite(hf):
        base = float(ds.h0)
        for sign in (-1, 1):
            top.axhline(base + sign * hf, color="grey", ls="--", lw=1)
        top.annotate(
            f"+/- h_fold = {hf:.4g}: stronger pulses switch",
            (t[0], base + hf),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            color="grey",
        )
    top.set_ylabel(axis_label(ds.h))
    for start, stop in zip(ds.pulse_start.values, ds.pulse_stop.values, strict=True):
        for ax in (top, bottom):
            ax.axvspan(start, stop, color=pal[1], alpha=0.12, lw=0)
    bottom.plot(t, ds.v.values, color=pal[0], lw=2, label="v(t)")
    rest = ds.v_fixed.values[ds.stable.values == 1]
    for k, value in enumerate(rest):
        bottom.axhline(
            value, color="k", ls=":", lw=1, label="stable states at rest" if k == 0 else None
        )
    bottom.set_ylabel(axis_label(ds.v))
    bottom.set_xlabel(axis_label(ds.time))
    bottom.legend(fontsize=9, loc="center right")
    top.set_title(
        f"one-bit memory: lambda = {float(ds['lambda']):g}, "
        f"F = {ds.attrs.get('activation_formula', '?')}, solver {ds.attrs.get('method', '?')}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    """Read the dataset, draw, write PNG and PDF; return the paths."""
    ds, out_dir = open_from_cli("stimulus", __doc__.splitlines()[0], argv)
    paths = save_figure(draw(ds), out_dir, "stimulus")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
