"""Completion figure: final overlap against load and cue noise, and the cost of each model.

Usage::

    python analysis/completion.py [RUN_DIR | result.nc]

Panels: (a) mean final overlap against the load P/N at the training-noise edge, per model
(Hopfield rules in black and grey, the modern Hopfield network green dash-dotted, RNNs
in colour, N^2-sized solid, N P-sized dashed);
(b) mean final overlap against the cue noise at the lowest load, the noise range seen in
training shaded; (c) the int8 RNN's overlap against the float RNN's, every (model, P, noise);
(d) weight bytes of every model (float32 and int8). Writes ``completion.{png,pdf}``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from hopsim.plotting import open_from_cli, report, save_figure

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]
RULE_COLORS = ["#000000", "#777777", "#AAAAAA"]


def _models(ds):
    """(label, overlap DataArray over (P, noise, trial), color, style) for every model."""
    out = []
    for i, rule in enumerate(ds.rule.values):
        if rule == "modern":
            label = f"modern Hopfield, beta={ds.attrs.get('modern_beta', '?')} (N P numbers)"
            out.append((label, ds.hop_overlap.sel(rule=rule), "#009E73", "-."))
        else:
            out.append((f"Hopfield {rule}", ds.hop_overlap.sel(rule=rule), RULE_COLORS[i % 3], "-"))
    for a, kind in enumerate(ds.kind.values):
        for size in ds["size"].values:
            style = "-" if size == "N2" else "--"
            out.append(
                (
                    f"{kind} ~{'N^2' if size == 'N2' else 'N P'} params",
                    ds.rnn_overlap.sel(kind=kind, size=size),
                    OKABE_ITO[a],
                    style,
                )
            )
    return out


def main(argv: list[str] | None = None) -> None:
    ds, out = open_from_cli("completion", __doc__.splitlines()[0], argv)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    train_noise = ds.attrs["train_noise"]
    level = ds.noise.values[np.argmin(np.abs(ds.noise.values - train_noise))]
    ax = axes[0, 0]
    for label, da, color, style in _models(ds):
        ax.plot(
            ds.alpha,
            da.sel(noise=level).mean("trial"),
            style,
            color=color,
            marker="o",
            ms=3,
            label=label,
        )
    ax.set_xlabel("load P/N")
    ax.set_ylabel("mean final overlap m")
    ax.set_title(f"(a) N = {ds.attrs['N']}, cue noise {float(level):g}")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    P0 = ds.P.values[0]
    for label, da, color, style in _models(ds):
        ax.plot(
            ds.noise, da.sel(P=P0).mean("trial"), style, color=color, marker="o", ms=3, label=label
        )
    ax.axvspan(0, train_noise, color="#56B4E9", alpha=0.15, label="RNN training noise")
    ax.set_xlabel("cue noise (fraction of bits flipped)")
    ax.set_ylabel("mean final overlap m")
    ax.set_title(f"(b) P = {int(P0)} (load {P0 / ds.attrs['N']:.2f})")
    ax.legend(fontsize=7)
    ax = axes[1, 0]
    if ds.sizes["kind"]:
        for a, kind in enumerate(ds.kind.values):
            for size, marker in (("N2", "o"), ("NP", "s")):
                f = ds.rnn_overlap.sel(kind=kind, size=size).mean("trial").values.ravel()
                q = ds.rnn_overlap_int8.sel(kind=kind, size=size).mean("trial").values.ravel()
                ax.plot(
                    f,
                    q,
                    marker,
                    color=OKABE_ITO[a],
                    ms=4,
                    ls="none",
                    label=f"{kind} ~{'N^2' if size == 'N2' else 'N P'}",
                )
        ax.plot([-0.1, 1], [-0.1, 1], color="grey", lw=0.8, ls=":", label="equal")
        ax.legend(fontsize=7)
    ax.set_xlabel("mean final overlap, float32 RNN")
    ax.set_ylabel("mean final overlap, dynamic int8 RNN")
    ax.set_title("(c) quantisation: every (P, noise)")
    ax = axes[1, 1]
    names, f32, i8 = (
        [f"Hopfield N={ds.attrs['N']}"],
        [int(ds.hop_bytes_float32)],
        [int(ds.hop_bytes_int8)],
    )
    for kind in ds.kind.values:
        for size in ds["size"].values:
            for P in [ds.P.values[-1]] if size == "NP" else [ds.P.values[0]]:
                names.append(
                    f"{kind} ~{'N^2' if size == 'N2' else 'N P'}"
                    + (f" (P={int(P)})" if size == "NP" else "")
                )
                f32.append(float(ds.rnn_bytes_float32.sel(kind=kind, size=size, P=P)))
                i8.append(float(ds.rnn_bytes_int8.sel(kind=kind, size=size, P=P)))
    y = np.arange(len(names))
    ax.barh(y - 0.2, f32, 0.4, color="#0072B2", label="float32")
    ax.barh(y + 0.2, i8, 0.4, color="#E69F00", label="int8")
    ax.set_yticks(y, names, fontsize=7)
    ax.set_xlabel("weight bytes [B]")
    ax.set_title("(d) memory of the weights")
    ax.legend(fontsize=7)
    fig.tight_layout()
    report(save_figure(fig, out, "completion"))


if __name__ == "__main__":
    main()
