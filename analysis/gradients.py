"""Gradients figure: vanishing gradients, copy-task success over seeds, exploding gradients.

Usage::

    python analysis/gradients.py [RUN_DIR | result.nc]

Panels: (a) ||dL_T/dh_t|| against the distance T - t at initialisation (dashed) and after
training (solid), median over lags and seeds, per model, log scale; LSTM cell-state gradient
dotted; (b) copy-task success rate against the lag, one dot per (model, lag) with the count
of seeds solved, and the validation accuracy of every seed as small marks; (c) SimpleRNN
started at spectral radius > 1: training loss per step with and without clip_grad_norm
(one line per seed); (d) gradient norm before clipping per step. Writes
``gradients.{png,pdf}`` next to the dataset.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from hopsim.plotting import open_from_cli, report, save_figure

# Okabe-Ito: distinguishable with every common colour-vision deficiency
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]


def main(argv: list[str] | None = None) -> None:
    ds, out = open_from_cli("gradients", __doc__.splitlines()[0], argv)
    colors = dict(zip(ds.variant.values, OKABE_ITO, strict=False))
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    ax = axes[0, 0]
    dist = ds.distance.values
    for v in ds.variant.values:
        for stage, style in (("init", "--"), ("trained", "-")):
            g = ds.grad_h.sel(variant=v, stage=stage).median(["lag", "seed"]).values
            label = f"{v}, {'initial' if stage == 'init' else 'trained'}"
            ax.plot(dist, g, style, color=colors[v], label=label)
        if "lstm" in v and np.isfinite(ds.grad_c.sel(variant=v)).any():
            c = ds.grad_c.sel(variant=v, stage="init").median(["lag", "seed"]).values
            ax.plot(dist[1:], c[1:], ":", color=colors[v], label=f"{v} cell state, initial")
    ax.set_yscale("log")
    ax.set_xlabel("distance T - t [steps]")
    ax.set_ylabel("||dL_T / dh_t|| (median over lags and seeds)")
    ax.set_title("(a) gradient reaching step t from the loss at T")
    ax.legend(fontsize=7, ncol=2)

    ax = axes[0, 1]
    lags = ds.lag.values
    n = ds.sizes["seed"]
    width = 0.8 / ds.sizes["variant"]
    for i, v in enumerate(ds.variant.values):
        x = np.arange(len(lags)) + (i - (ds.sizes["variant"] - 1) / 2) * width
        rate = ds.success.sel(variant=v).mean("seed").values
        ax.bar(x, rate, width, color=colors[v], label=v, alpha=0.8)
        for xi, lag in zip(x, lags, strict=True):
            acc = ds.accuracy.sel(variant=v, lag=lag).values
            ax.plot(np.full(n, xi), acc, "_", color="black", markersize=8)
    ax.axhline(ds.attrs["chance"], color="grey", lw=0.8, ls=":", label="chance accuracy")
    ax.set_xticks(np.arange(len(lags)), [str(int(lag)) for lag in lags])
    ax.set_xlabel("lag between symbol and recall [steps]")
    ax.set_ylabel(f"fraction of {n} seeds solved (bars); accuracy per seed (marks)")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"(b) copy task, K={ds.attrs['symbols']}, H={ds.attrs['hidden']}")
    ax.legend(fontsize=7)

    for ax, name, ylabel, title in (
        (axes[1, 0], "explode_loss", "training loss [nat]", "(c) loss"),
        (axes[1, 1], "explode_grad_norm", "gradient norm before clipping", "(d) gradient norm"),
    ):
        if not ds.sizes.get("explode_seed", 0):
            ax.set_visible(False)
            continue
        for c, (label, color) in enumerate(
            zip(ds.clipping.values, ("#D55E00", "#0072B2"), strict=True)
        ):
            nf = int(ds.explode_nonfinite.isel(clipping=c).sum())
            for s in ds.explode_seed.values:
                y = ds[name].isel(clipping=c).sel(explode_seed=s).values
                label = f"{label} ({nf} inf/NaN steps, all seeds)" if s == 0 else None
                ax.plot(ds.step.values, y, color=color, lw=0.8, alpha=0.8, label=label)
        ax.set_yscale("log")
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
        ax.set_title(
            f"{title}: SimpleRNN at spectral radius {ds.attrs['explode_radius']:g}, "
            f"lag {ds.attrs['explode_lag']}"
        )
        ax.legend(fontsize=7)
    fig.tight_layout()
    report(save_figure(fig, out, "gradients"))


if __name__ == "__main__":
    main()
