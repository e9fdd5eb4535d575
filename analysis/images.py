"""Figures of the ``images`` experiment: restorations, the weight matrix, frames.

Usage::

    python analysis/images.py [RUN_DIR_OR_RESULT_NC]

Writes next to the dataset

``images_<image>.png/.pdf``
    One panel per stored image: a row per corruption with the original, the corrupted
    cue and the restored picture for each update rule, the final overlap m in each title
    (and the stored image it ended nearest to, when that is another one).
``images_weights.png/.pdf``
    The weight matrix W = (1/N) sum_mu xi_mu xi_mu^T as a heat map: block means over
    blocks of b consecutive neurons (exact, computed from the pictures without forming
    W), and a full-resolution crop over the first 64 neurons of the middle row.
``images_frames_<image>.png/.pdf``
    The restoration sweep by sweep: a row per corruption and update rule, a column per
    sweep (at most 8, evenly spaced, always the first and the last).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.plotting import open_from_cli, report, save_figure

MAX_BLOCKS = 512
CROP = 64
MAX_FRAMES = 8


def _show(ax: plt.Axes, picture: np.ndarray, title: str) -> None:
    ax.imshow(picture, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


def _outcome(ds: xr.Dataset, code: int) -> str:
    names = str(ds.outcome.attrs.get("flag_meanings", "fixed_point cycle max_sweeps")).split()
    return names[code].replace("_", " ")


def restoration_figure(ds: xr.Dataset, image: str) -> plt.Figure:
    """Original, corrupted and restored pictures of one stored image."""
    kinds = list(ds.corruption.values)
    updates = list(ds["update"].values)
    ncols = 2 + len(updates)
    fig, axes = plt.subplots(
        len(kinds), ncols, figsize=(2.2 * ncols, 2.4 * len(kinds)), squeeze=False
    )
    stored = list(ds.stored_image.values)
    for r, kind in enumerate(kinds):
        sel = dict(image=image, corruption=kind)
        _show(axes[r, 0], ds.original.sel(image=image).values, f"original {image}")
        cue_m = float(ds.cue_overlap.sel(sel))
        _show(
            axes[r, 1], ds.state.sel(sel).isel(update=0, sweep=0).values, f"{kind}\nm={cue_m:+.3f}"
        )
        for c, update in enumerate(updates):
            cell = dict(sel, update=update)
            final = ds.state.sel(cell).isel(sweep=-1).values
            m = float(ds.overlap.sel(cell))
            nearest = stored[int(np.argmax(np.abs(ds.final_overlap.sel(cell).values)))]
            extra = f" ~{nearest}" if nearest != image else ""
            out = _outcome(ds, int(ds.outcome.sel(cell)))
            _show(axes[r, 2 + c], final, f"{update}: m={m:+.3f}{extra}\n{out}")
    fig.suptitle(
        f"{image}: {int(ds.side)} x {int(ds.side)}, {len(stored)} stored "
        f"({', '.join(stored)}), binarize={ds['binarize'].item()}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _block_size(N: int) -> int:
    """Smallest divisor b of N with N / b <= MAX_BLOCKS."""
    for b in range(1, N + 1):
        if N % b == 0 and N // b <= MAX_BLOCKS:
            return b
    return N


def block_mean_weights(patterns: np.ndarray, b: int) -> np.ndarray:
    """Mean of W_ij over blocks of ``b`` consecutive neurons, exactly, without forming W.

    With block sums ``A_mu,I = sum_{i in I} xi_mu,i``, the sum of ``W_ij`` over block
    ``I x J`` is ``(sum_mu A_mu,I A_mu,J - delta_IJ P b) / N`` (the zero diagonal removed).
    """
    P, N = patterns.shape
    A = patterns.astype(np.float64).reshape(P, N // b, b).sum(axis=2)
    sums = A.T @ A
    sums[np.diag_indices_from(sums)] -= P * b
    return sums / (N * b * b)


def weights_figure(ds: xr.Dataset) -> plt.Figure:
    """Heat maps of the weight matrix: block means and a full-resolution crop."""
    side = int(ds.side)
    N = side * side
    xi = ds.original.values.reshape(-1, N).astype(np.float64)
    b = _block_size(N)
    W_blocks = block_mean_weights(xi, b)
    row = side // 2
    start = row * side
    idx = np.arange(start, start + min(CROP, side))
    crop = xi[:, idx].T @ xi[:, idx] / N
    np.fill_diagonal(crop, 0.0)
    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    for ax, W, title, extent in (
        (axes[0], W_blocks, f"W, means over blocks of {b} neurons", (0, N, N, 0)),
        (axes[1], crop, f"W, neurons {idx[0]}..{idx[-1]} (row {row})", None),
    ):
        vmax = max(float(np.max(np.abs(W))), 1e-12)
        image = ax.imshow(
            W, cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest", extent=extent
        )
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("neuron j")
        ax.set_ylabel("neuron i")
        fig.colorbar(image, ax=ax, label="W_ij", shrink=0.8)
    if extent is None:
        ticks = np.arange(0, idx.size, max(1, idx.size // 4))
        axes[1].set_xticks(ticks, idx[ticks])
        axes[1].set_yticks(ticks, idx[ticks])
    fig.suptitle(f"Hebbian weights of {xi.shape[0]} stored {side} x {side} images (N={N})")
    fig.tight_layout()
    return fig


def frames_figure(ds: xr.Dataset, image: str) -> plt.Figure:
    """The restoration of one image sweep by sweep, per corruption and update rule."""
    T = int(ds.sizes["sweep"])
    shown = np.unique(np.linspace(0, T - 1, min(T, MAX_FRAMES)).round().astype(int))
    rows = [(k, u) for k in ds.corruption.values for u in ds["update"].values]
    fig, axes = plt.subplots(
        len(rows), shown.size, figsize=(1.9 * shown.size + 0.5, 2.0 * len(rows)), squeeze=False
    )
    for r, (kind, update) in enumerate(rows):
        cell = dict(image=image, corruption=kind, update=update)
        end = int(ds.sweeps.sel(cell))
        fixed = _outcome(ds, int(ds.outcome.sel(cell))) == "fixed point"
        for c, t in enumerate(shown):
            m = float(ds.overlap_trace.sel(cell).isel(sweep=t))
            after = " (final)" if fixed and t >= end else ""
            _show(
                axes[r, c], ds.state.sel(cell).isel(sweep=t).values, f"sweep {t}{after}\nm={m:+.3f}"
            )
        axes[r, 0].set_ylabel(f"{kind}\n{update}", fontsize=8)
    fig.suptitle(f"{image}: restoration after each sweep (m: overlap with {image})", fontsize=10)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one images dataset; return the written paths."""
    ds, out_dir = open_from_cli("images", "Stored, corrupted and restored pictures.", argv)
    paths = []
    for image in ds.image.values:
        paths += save_figure(restoration_figure(ds, str(image)), out_dir, f"images_{image}")
        paths += save_figure(frames_figure(ds, str(image)), out_dir, f"images_frames_{image}")
    paths += save_figure(weights_figure(ds), out_dir, "images_weights")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
