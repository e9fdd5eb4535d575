"""Figure: the pitchfork of the single neuron, its hysteresis loops, and the network's overlap.

Usage: ``python analysis/bifurcation.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/bifurcation`` result). Writes ``bifurcation.png`` and ``.pdf`` next to the dataset:

(a) fixed points v* against lambda (stable solid, unstable dashed), lambda_c marked, the
    small-amplitude law sqrt(3 (lambda - 1)) dotted, and the Hebbian network's own fixed
    points (overlap m against the gain beta) as markers: the same pitchfork at 1;
(b) the hysteresis loops v* against h for the loop lambdas, with the fold points;
(c) the bistable window |h| < h_fold(lambda) with the closed form for tanh.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from hopsim.plotting import axis_label, open_from_cli, report, save_figure
from hopsim.theory.continuous import fold_points_tanh, small_amplitude_branch


def _branch_lines(ax, x, v, stable, color, label=None):
    """Draw each branch: solid where stable, dashed where unstable."""
    for b in range(v.shape[1]):
        vb, sb = v[:, b], stable[:, b].astype(bool)
        ax.plot(
            x, np.where(sb, vb, np.nan), "-", color=color, lw=2, label=label if b == 2 else None
        )
        ax.plot(x, np.where(~sb & np.isfinite(vb), vb, np.nan), "--", color=color, lw=1.5)


def draw(ds):
    """Build the three-panel figure; return it."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    pal = sns.color_palette("deep")
    gain = float(ds.gain)

    ax = axes[0]
    lam = ds["lambda"].values
    _branch_lines(ax, lam, ds.v.values, ds.stable.values, pal[0], "single neuron v*(lambda)")
    lc = float(ds.lambda_c)
    ax.axvline(lc, color="grey", lw=1, ls=":")
    ax.annotate(
        f"lambda_c = {lc:.6g}",
        (lc, 0.05),
        xytext=(6, 0),
        textcoords="offset points",
        fontsize=9,
        color="grey",
    )
    if ds.attrs.get("activation_formula", "").startswith("tanh") and float(ds.h0) == 0.0:
        near = lam[(lam > lc) & (lam < lc + 0.4 / gain)]
        amp = small_amplitude_branch(near, gain)
        ax.plot(near, amp, ":", color="k", lw=1.5, label="sqrt(3(gain lambda - 1))/(gain lambda)")
        ax.plot(near, -amp, ":", color="k", lw=1.5)
    beta = ds.beta.values
    m, st = ds.network_m.values, ds.network_stable.values.astype(bool)
    for b in (0, 2):
        ax.plot(
            beta[st[:, b]],
            m[st[:, b], b],
            "o",
            ms=4,
            color=pal[3],
            label=f"network overlap m(beta), N={int(ds.N)}, P={int(ds.P)}" if b == 2 else None,
        )
    ax.plot(beta[st[:, 1]], m[st[:, 1], 1], "o", ms=4, color=pal[3])
    ax.plot(beta[~st[:, 1]], m[~st[:, 1], 1], "o", ms=4, mfc="none", color=pal[3])
    ax.axvline(float(ds.network_beta_c), color=pal[3], lw=1, ls=":")
    ax.set_xlabel(f"{axis_label(ds['lambda'])}  /  {axis_label(ds.beta)}")
    ax.set_ylabel("fixed point v*  /  overlap m")
    ax.set_title(f"(a) pitchfork at h = {float(ds.h0):g} (solid stable, dashed unstable)")
    ax.legend(fontsize=8, loc="lower left")

    ax = axes[1]
    hs = ds.h.values
    for q, lq in enumerate(ds.loop_lambda.values):
        color = pal[q % len(pal)]
        _branch_lines(
            ax, hs, ds.loop_v.values[q], ds.loop_stable.values[q], color, f"lambda = {lq:g}"
        )
        hf, vf = float(ds.loop_h_fold[q]), float(ds.loop_v_fold[q])
        if np.isfinite(hf):
            ax.plot([-hf, hf], [vf, -vf], "x", color=color, ms=8, mew=2)
            for sign in (-1, 1):
                ax.axvline(sign * hf, color=color, lw=0.8, ls=":")
    ax.set_xlabel(axis_label(ds.h))
    ax.set_ylabel(axis_label(ds.loop_v))
    ax.set_title("(b) hysteresis loops, folds at h = +/- h_fold (x)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)

    ax = axes[2]
    ax.plot(lam, ds.h_fold.values, "-", color=pal[0], lw=2, label="h_fold (fold points)")
    ax.plot(lam, -ds.h_fold.values, "-", color=pal[0], lw=2)
    if ds.attrs.get("activation_formula", "").startswith("tanh"):
        theory = fold_points_tanh(lam[::10], gain)[0]
        ax.plot(lam[::10], theory, "o", mfc="none", color="k", ms=5, label="closed form (tanh)")
        ax.plot(lam[::10], -theory, "o", mfc="none", color="k", ms=5)
    ax.fill_between(
        lam,
        -ds.h_fold.values,
        ds.h_fold.values,
        color=pal[0],
        alpha=0.15,
        label="bistable: two stable states",
    )
    ax.set_xlabel(axis_label(ds["lambda"]))
    ax.set_ylabel(axis_label(ds.h))
    ax.set_title("(c) bistable window |h| < h_fold(lambda)")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    """Read the dataset, draw, write PNG and PDF; return the paths."""
    ds, out_dir = open_from_cli("bifurcation", __doc__.splitlines()[0], argv)
    paths = save_figure(draw(ds), out_dir, "bifurcation")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
