"""Figure: the single-neuron memory switched by input pulses (the source's figure 3).

(a) the input h(t) with the fold thresholds +/- h_fold (dashed); (b) the state v(t) with the
stable resting fixed points (dotted). Pulses are shaded in both panels; the legends sit
outside the axes, so no label crosses a pulse edge or the data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import OKABE_ITO, axis_label, panel
from hopsim.gallery.plan import Entry

STEMS = ("stimulus",)
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ()


def figure(ds: xr.Dataset, **_) -> plt.Figure:
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(10, 6.5),
        sharex=True,
        gridspec_kw={"height_ratios": [1, 1.6]},
        constrained_layout=True,
    )
    t = ds.time.values
    hf = float(ds.h_fold)
    top.plot(t, ds.h.values, color=OKABE_ITO[1], lw=2, label="input h(t)")
    if np.isfinite(hf):
        base = float(ds.h0)
        for k, sign in enumerate((-1, 1)):
            top.axhline(
                base + sign * hf,
                color="0.4",
                ls="--",
                lw=1,
                label=f"+/- h_fold = {hf:.4g}: stronger pulses switch" if k else None,
            )
    top.set_ylabel(axis_label(ds.h))
    for k, (start, stop) in enumerate(
        zip(ds.pulse_start.values, ds.pulse_stop.values, strict=True)
    ):
        for ax in (top, bottom):
            ax.axvspan(
                start,
                stop,
                color=OKABE_ITO[1],
                alpha=0.12,
                lw=0,
                label="pulse" if (k == 0 and ax is top) else None,
            )
    bottom.plot(t, ds.v.values, color=OKABE_ITO[0], lw=2, label="v(t)")
    rest = ds.v_fixed.values[ds.stable.values == 1]
    for k, value in enumerate(rest):
        bottom.axhline(
            value, color="k", ls=":", lw=1, label="stable states at rest" if k == 0 else None
        )
    bottom.set_ylabel(axis_label(ds.v))
    bottom.set_xlabel(axis_label(ds.time))
    for ax in (top, bottom):
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        ax.grid(True, color="0.92")
    panel(top, "a", "input")
    panel(bottom, "b", "neuron state")
    fig.suptitle(
        f"one-bit memory: lambda = {float(ds['lambda']):g}, tau = {float(ds.tau):g}, "
        f"F = {ds.attrs.get('activation_formula', '?')}, solver {ds.attrs.get('method', '?')}",
        fontsize=10,
    )
    return fig


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"stimulus": figure(ds)}


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 100
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "stimulus",
        title="One-bit memory under pulses",
        why="Input pulses flip the stored bit, which holds at rest (the source report's figure 3).",
        overrides=("experiment=stimulus",),
    ),
)
