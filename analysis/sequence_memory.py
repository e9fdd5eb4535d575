"""Sequence-memory figure: exact replay against sequence length and the longest replayed.

Usage::

    python analysis/sequence_memory.py [RUN_DIR | result.nc]

Panels: (a) fraction of replays that reproduce the whole sequence exactly against its
length P, per N: the Hopfield temporal-association rule (black, synchronous; grey, slow
synapses with asynchronous updates; clean cue solid, noisy cue dashed) and each trained RNN
at each hidden size (colours); (b) the longest sequence replayed exactly by at least half
the trials against the number of weights (Hopfield N^2, RNN parameters; the slow-synapse
network has two N x N matrices), log-log; markers at the top of the length grid mean "at
least this".
Writes ``sequence_memory.{png,pdf}`` next to the dataset.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from hopsim.experiments.sequence_memory import longest
from hopsim.plotting import open_from_cli, report, save_figure

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
MARKERS = {"rnn": "o", "lstm": "s", "gru": "^"}


def main(argv: list[str] | None = None) -> None:
    ds, out = open_from_cli("sequence_memory", __doc__.splitlines()[0], argv)
    Ns = ds.N.values
    fig, axes = plt.subplots(1, len(Ns) + 1, figsize=(5 * (len(Ns) + 1), 4.5))
    has_rnn = ds.sizes["kind"] > 0 and ds.sizes["seed"] > 0
    combos = [(k, h) for k in ds.kind.values for h in ds.hidden.values] if has_rnn else []
    colors = {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(combos)}
    clean, noisy = ds.noise.values[0], ds.noise.values[-1]
    for ax, N in zip(axes[:-1], Ns, strict=True):
        for level, style in ((clean, "-"), (noisy, "--")):
            rate = ds.hop_exact.sel(N=N, noise=level).mean("trial")
            ax.plot(
                ds.length,
                rate,
                style,
                color="black",
                marker="x",
                label=f"Hopfield, cue noise {float(level):g}",
            )
        if ds.sizes.get("async_trial", 0):
            for level, style in ((clean, "-"), (noisy, "--")):
                rate = ds.hop_async_exact.sel(N=N, noise=level).mean("async_trial")
                ax.plot(
                    ds.length,
                    rate,
                    style,
                    color="#999999",
                    marker="+",
                    label=f"Hopfield slow synapses (async), cue noise {float(level):g}",
                )
        for kind, H in combos:
            rate = ds.rnn_exact.sel(kind=kind, hidden=H, N=N, noise=clean).mean(["seed", "cue"])
            ax.plot(
                ds.length,
                rate,
                "-",
                color=colors[kind, H],
                marker=MARKERS[kind],
                ms=4,
                label=f"{kind} H={int(H)}, clean cue",
            )
            rate = ds.rnn_exact.sel(kind=kind, hidden=H, N=N, noise=noisy).mean(["seed", "cue"])
            ax.plot(ds.length, rate, "--", color=colors[kind, H], lw=0.8)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("sequence length P [patterns]")
        ax.set_ylabel("fraction replayed exactly")
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(f"(a) N = {int(N)} bits per pattern; dashed: cue noise {float(noisy):g}")
        ax.legend(fontsize=6)
    ax = axes[-1]
    top = int(ds.length.max())
    hop = longest(ds.hop_exact.sel(noise=clean).mean("trial"))
    ax.plot(ds.hop_parameters, hop, "kx-", ms=8, label="Hopfield sync (N^2 weights)")
    if ds.sizes.get("async_trial", 0):
        slow = longest(ds.hop_async_exact.sel(noise=clean).mean("async_trial"))
        ax.plot(
            2 * ds.hop_parameters,
            slow,
            "+-",
            color="#999999",
            ms=9,
            label="Hopfield slow synapses (2 N^2 weights)",
        )
    if has_rnn:
        rnn = longest(ds.rnn_exact.sel(noise=clean).mean(["seed", "cue"]))
        for kind, H in combos:
            p = ds.rnn_parameters.sel(kind=kind, hidden=H).values
            L = rnn.sel(kind=kind, hidden=H).values
            ax.plot(
                p,
                L,
                MARKERS[kind] + "-",
                color=colors[kind, H],
                label=f"{kind} H={int(H)} (N = {', '.join(str(int(n)) for n in Ns)})",
            )
    for x, y, N in zip(ds.hop_parameters.values, hop.values, Ns, strict=True):
        ax.annotate(f"N={int(N)}", (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    ax.axhline(top, color="grey", lw=0.8, ls=":", label=f"top of the length grid ({top})")
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    ax.set_xlabel("weights (Hopfield N^2, RNN parameters)")
    ax.set_ylabel("longest sequence replayed exactly [patterns]")
    ax.set_title("(b) clean cue, >= half the trials")
    ax.legend(fontsize=6)
    fig.tight_layout()
    report(save_figure(fig, out, "sequence_memory"))


if __name__ == "__main__":
    main()
