"""Figures of the ``images`` experiment: restorations, the couplings, frames.

``images_<image>``: a row per corruption with the original, the corrupted cue and the
restored picture for each update rule; each title gives the final overlap m and what the
network ended on: the image itself, another stored image, or an *inverted* image (a
negative overlap: the picture with black and white swapped, also a stable state).
``images_weights``: what the Hebbian couplings W = (1/N) sum_mu xi_mu xi_mu^T store:
(a), (b) the couplings W_ij of one neuron i to every pixel j, drawn as a picture (the
stored images, each multiplied by its own pixel i). Several images: (a) a pixel where they
all agree (their sum), (b) one whose signs differ from (a)'s, where they disagree most
(their difference), so the two panels never show one picture twice; one image: the centre
and a pixel of the other colour (the same picture, sign flipped). (c), with several images
only: the overlaps between the stored images, the crosstalk that limits recall.
``images_frames_<image>``: the restoration sweep by sweep, a row per corruption and update
rule, a column per sweep (at most 8); the first frame at which the state stopped changing
is marked "(final)", later frames "(unchanged)".
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import panel
from hopsim.gallery.plan import Entry

MAX_FRAMES = 8
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("image",)


def _show(ax: plt.Axes, picture: np.ndarray, title: str) -> None:
    ax.imshow(picture, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


def _outcome(ds: xr.Dataset, code: int) -> str:
    names = str(ds.outcome.attrs.get("flag_meanings", "fixed_point cycle max_sweeps")).split()
    return names[code].replace("_", " ")


def ended_on(ds: xr.Dataset, cell: dict, image: str) -> str:
    """What the restored picture is: ``image``, another stored image, or an inverted one."""
    stored = [str(s) for s in ds.stored_image.values]
    overlaps = ds.final_overlap.sel(cell).values
    k = int(np.argmax(np.abs(overlaps)))
    name = stored[k]
    if overlaps[k] < 0:
        return f"inverted {name}"
    return name if name != image else ""


def restoration_figure(ds: xr.Dataset, image: str) -> plt.Figure:
    """Original, corrupted and restored pictures of one stored image."""
    kinds = list(ds.corruption.values)
    updates = list(ds["update"].values)
    ncols = 2 + len(updates)
    fig, axes = plt.subplots(
        len(kinds),
        ncols,
        figsize=(2.4 * ncols, 2.5 * len(kinds)),
        squeeze=False,
        constrained_layout=True,
    )
    stored = [str(s) for s in ds.stored_image.values]
    for r, kind in enumerate(kinds):
        sel = dict(image=image, corruption=kind)
        _show(axes[r, 0], ds.original.sel(image=image).values, f"original {image}")
        cue_m = float(ds.cue_overlap.sel(sel))
        _show(
            axes[r, 1],
            ds.state.sel(sel).isel(update=0, sweep=0).values,
            f"cue: {kind}\nm={cue_m:+.3f}",
        )
        for c, update in enumerate(updates):
            cell = dict(sel, update=update)
            final = ds.state.sel(cell).isel(sweep=-1).values
            m = float(ds.overlap.sel(cell))
            what = ended_on(ds, cell, image)
            out = _outcome(ds, int(ds.outcome.sel(cell)))
            ending = f"ended on {what}, " if what else ""
            _show(axes[r, 2 + c], final, f"{update}: m={m:+.3f}\n{ending}{out}")
    fig.suptitle(
        f"{image}: {int(ds.side)} x {int(ds.side)}, {len(stored)} stored "
        f"({', '.join(stored)}), binarize={ds['binarize'].item()}; columns: original, "
        "cue, restored per update rule (m: overlap with the original)",
        fontsize=9,
    )
    return fig


def coupling_rows(xi: np.ndarray, neurons: list[int]) -> np.ndarray:
    """Rows ``W_i.`` (zero diagonal) of the Hebbian couplings for the given neurons."""
    N = xi.shape[1]
    rows = xi[:, neurons].T @ xi / N
    rows[np.arange(len(neurons)), neurons] = 0.0
    return rows


def _nearest(candidates: np.ndarray, target: int, side: int) -> int:
    """The candidate pixel nearest ``target`` on the side x side grid (first on ties)."""
    r, c = np.divmod(candidates, side)
    tr, tc = divmod(target, side)
    return int(candidates[np.argmin((r - tr) ** 2 + (c - tc) ** 2)])


def shown_neurons(xi: np.ndarray, side: int) -> list[tuple[int, str]]:
    """The two neurons of panels (a) and (b), each with what it is.

    Neuron i's couplings are ``sum_mu xi_mu,i xi_mu / N``: they depend only on the signs
    ``xi_mu,i`` up to one overall sign. Two neurons with the same signs have the same
    couplings, so (b) always takes a neuron whose signs differ from (a)'s; otherwise the two
    panels would show one picture twice.

    Several images: (a) the pixel nearest the centre where every image agrees (their sum,
    what they share), (b) among the pixels whose signs differ from (a)'s, the one where the
    images disagree most (their difference). One image: (a) the centre, (b) the first
    pixel of the other colour (the same picture with its sign flipped), or the centre's
    neighbour when the image has one colour only.
    """
    centre = (side // 2) * side + side // 2
    if xi.shape[0] == 1:
        other = np.flatnonzero(xi[0] != xi[0, centre])
        if other.size:
            return [(centre, "centre"), (int(other[0]), "other colour: signs flip")]
        return [(centre, "centre"), ((centre + 1) % xi.shape[1], "neighbour")]
    agree = np.flatnonzero(np.all(xi == xi[:1], axis=0))
    first, what = (centre, "centre")
    if agree.size:
        first, what = _nearest(agree, centre, side), "images agree"
    signs = xi * xi[:1]  # each pixel's signs with image 0's made +1: equal rows, equal couplings
    differ = np.flatnonzero(np.any(signs != signs[:, [first]], axis=0))
    if differ.size == 0:  # every pixel has (a)'s signs: the images are equal or inverse
        return [(first, what), ((first + 1) % xi.shape[1], "same couplings as (a)")]
    spread = np.abs(xi[:, differ].sum(0))
    second = _nearest(differ[spread == spread.min()], centre, side)
    return [(first, what), (second, "images disagree")]


def weights_figure(ds: xr.Dataset) -> plt.Figure:
    """The couplings of two neurons as pictures, and the stored images' mutual overlaps."""
    side = int(ds.side)
    N = side * side
    names = [str(s) for s in ds.stored_image.values]
    xi = (
        ds.original.sel(image=names).values.reshape(len(names), N).astype(np.float64)
        if "image" in ds.original.dims
        else ds.original.values.reshape(-1, N).astype(float)
    )
    shown = shown_neurons(xi, side)
    rows = coupling_rows(xi, [i for i, _ in shown])
    several = len(names) > 1  # one image has no crosstalk: no 1 x 1 matrix of its own overlap
    fig, axes = plt.subplots(
        1, 3 if several else 2, figsize=(14 if several else 9.5, 4.8), constrained_layout=True
    )
    vmax = max(float(np.max(np.abs(rows))), 1e-12)
    for ax, row, (i, what), letter in zip(axes[:2], rows, shown, "ab", strict=True):
        im = ax.imshow(
            row.reshape(side, side), cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest"
        )
        r, c = divmod(i, side)
        ax.plot(c, r, "s", mfc="none", mec="#E69F00", ms=8, mew=2)
        ax.set_xticks([])
        ax.set_yticks([])
        panel(ax, letter, f"W_ij, i = pixel ({r}, {c}) ({what})", fontsize=9)
        fig.colorbar(im, ax=ax, label="W_ij", shrink=0.85)
    if several:
        _crosstalk(fig, axes[2], xi, names)
    fig.suptitle(
        f"Hebbian couplings W = (1/N) sum_mu xi_mu xi_mu^T of {len(names)} stored {side} x "
        f"{side} image{'s' if several else ''} (N={N}): neuron i's couplings are the stored "
        "images times their pixel i (orange square)",
        fontsize=9,
    )
    return fig


def _crosstalk(fig: plt.Figure, ax: plt.Axes, xi: np.ndarray, names: list[str]) -> None:
    """(c): the overlaps between the stored images, the crosstalk that limits recall."""
    overlap = xi @ xi.T / xi.shape[1]
    im = ax.imshow(overlap, cmap="RdBu_r", vmin=-1, vmax=1)
    for a in range(len(names)):
        for b in range(len(names)):
            ax.text(
                b,
                a,
                f"{overlap[a, b]:+.2f}",
                ha="center",
                va="center",
                fontsize=9,
                color="w" if abs(overlap[a, b]) > 0.6 else "k",
            )
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    panel(ax, "c", "overlaps between stored images (crosstalk)", fontsize=9)
    fig.colorbar(im, ax=ax, shrink=0.85)


def frame_labels(shown: np.ndarray, end: int, fixed: bool) -> list[str]:
    """Suffix of each shown frame: "(final)" once, "(unchanged)" after it."""
    out, marked = [], False
    for t in shown:
        if fixed and t >= end:
            out.append(" (unchanged)" if marked else " (final)")
            marked = True
        else:
            out.append("")
    return out


def frames_figure(ds: xr.Dataset, image: str) -> plt.Figure:
    """The restoration of one image sweep by sweep, per corruption and update rule."""
    T = int(ds.sizes["sweep"])
    shown = np.unique(np.linspace(0, T - 1, min(T, MAX_FRAMES)).round().astype(int))
    rows = [(k, u) for k in ds.corruption.values for u in ds["update"].values]
    fig, axes = plt.subplots(
        len(rows),
        shown.size,
        figsize=(1.9 * shown.size + 0.8, 2.0 * len(rows)),
        squeeze=False,
        constrained_layout=True,
    )
    for r, (kind, update) in enumerate(rows):
        cell = dict(image=image, corruption=kind, update=update)
        end = int(ds.sweeps.sel(cell))
        fixed = _outcome(ds, int(ds.outcome.sel(cell))) == "fixed point"
        for c, (t, after) in enumerate(zip(shown, frame_labels(shown, end, fixed), strict=True)):
            m = float(ds.overlap_trace.sel(cell).isel(sweep=t))
            _show(
                axes[r, c], ds.state.sel(cell).isel(sweep=t).values, f"sweep {t}{after}\nm={m:+.3f}"
            )
        axes[r, 0].set_ylabel(f"{kind}\n{update}", fontsize=8)
    fig.suptitle(f"{image}: restoration after each sweep (m: overlap with {image})", fontsize=10)
    return fig


def figure(ds: xr.Dataset, kind: str = "restoration", image: str | None = None, **_):
    image = image or str(ds.image.values[0])
    if kind == "weights":
        return weights_figure(ds)
    if kind == "frames":
        return frames_figure(ds, image)
    return restoration_figure(ds, image)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    out = {}
    for image in ds.image.values:
        out[f"images_{image}"] = restoration_figure(ds, str(image))
        out[f"images_frames_{image}"] = frames_figure(ds, str(image))
    out["images_weights"] = weights_figure(ds)
    return out


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 130
#: The gallery's runs that this module draws.
# recall_clamping runs the recall experiment (its figure is recall's clamping figure),
# listed here beside the clamped pictures: both are issue 19's occlusion runs.
GALLERY = (
    Entry(
        "images",
        title="One picture",
        why="The source report's section 4.1: one 128 x 128 picture restored from noise, "
        "occlusion, full and half inversion.",
        overrides=("experiment=images",),
    ),
    Entry(
        "images_two",
        title="Two pictures",
        why="The source report's section 4.2: two 64 x 64 pictures; heavy occlusion of the "
        "second recalls the first.",
        overrides=(
            "experiment=images",
            "images.paths=[house,letter]",
            "images.side=64",
            "images.occlude_fraction=0.7",
        ),
    ),
    Entry(
        "images_clamped",
        title="Occluded pictures: unknown against clamped",
        why="Issue 19: five pictures, the bottom half painted black; restored with the black "
        "rows free to change (occlude) and with the visible rows clamped (occlude_clamped).",
        overrides=(
            "experiment=images",
            "images.paths=[smiley,house,moon,letter,sphere]",
            "images.side=64",
            "images.corruptions=[occlude,occlude_clamped]",
            "images.occlude_fraction=0.5",
        ),
        quick=(
            "experiment=images",
            "images.paths=[smiley,house,moon,letter,sphere]",
            "images.side=32",
            "images.corruptions=[occlude,occlude_clamped]",
            "images.occlude_fraction=0.5",
            "images.updates=[async]",
        ),
    ),
    Entry(
        "recall_clamping",
        title="The basin gain of clamping against load",
        why="Issue 19: the occluded fraction half the cues are completed from, with the occluded "
        "block unknown and with the visible part clamped, on the same cues, at five loads.",
        overrides=(
            "experiment=recall",
            "network.N=500",
            "patterns.alpha=0.02,0.05,0.08,0.11,0.14",
            "corruption.kind=occlude,occlude_clamped",
            "corruption.level=0.3,0.4,0.5,0.6,0.7,0.8,0.9",
            "trials=4",
        ),
        quick=(
            "experiment=recall",
            "network.N=200",
            "patterns.alpha=0.05,0.14",
            "corruption.kind=occlude,occlude_clamped",
            "corruption.level=0.3,0.5,0.7,0.9",
            "trials=2",
        ),
        multirun=True,
    ),
)
