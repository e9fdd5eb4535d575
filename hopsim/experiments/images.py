"""The ``images`` experiment: store pictures, corrupt them, restore them.

K pictures (bundled sample names or file paths, ``images.paths``) are read, made grey,
cropped to a centred square, resized to ``side x side`` and binarized (+1 white, -1
black). They are stored together in one Hebbian network of ``N = side**2`` neurons
(low-rank storage by default, so 128 x 128 = 16,384 neurons never forms the 1 GB
coupling matrix). Each picture is corrupted in each way of ``images.corruptions``:

``noise``        flip exactly round(noise_level * N) random pixels,
``occlude``      paint the bottom round(occlude_fraction * side) rows black,
``invert``       flip every pixel,
``invert_half``  flip the top half of the rows,
``occlude_clamped``  ``occlude``'s picture, restored with the visible rows clamped (held at
                 their values): completion from the part one sees, against ``occlude``'s
                 "occluded and unknown", where every pixel may change,

and each corrupted picture is restored with each update rule of ``images.updates``
(:func:`hopsim.dynamics.discrete.run`, the state recorded after every sweep).

Dataset
-------
dims ``image`` (cued picture), ``stored_image``, ``corruption``, ``update``, ``sweep``,
``row``, ``col``.

``overlap`` (image, corruption, update)
    final overlap with the cued picture.
``final_overlap`` (image, corruption, update, stored_image)
    final overlap with every stored picture.
``state`` (image, corruption, update, sweep, row, col)
    the picture after each sweep (sweep 0 is the corrupted cue); after a trial's end
    the final state is repeated.
``overlap_trace``, ``energy`` (image, corruption, update, sweep)
    overlap with the cued picture and energy after each sweep (energy NaN after the end).
``outcome``, ``sweeps``, ``cycle_length``, ``recalled``, ``relation``
    how each restoration ended (see :mod:`hopsim.dynamics.discrete`).
``original`` (image, row, col), ``cue_overlap`` (image, corruption),
``image_overlap`` (image, stored_image), ``source`` (image).
Scalar coordinates: ``side``, ``N``, ``noise_level``, ``occlude_fraction``,
``binarize``, ``theta``, ``tie``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim import images as im
from hopsim.config import ConfigError, get, get_choice, get_float, get_int
from hopsim.dynamics import discrete
from hopsim.experiments._discrete_config import (
    NetworkSpec,
    check_network_memory,
    network_bytes,
    network_spec,
)
from hopsim.io import flag_attrs
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

MAX_SIDE = 512


# --------------------------------------------------------------------------- config


def _string_list(cfg: DictConfig, key: str) -> list[str]:
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw]
    if not values or any(not isinstance(v, str) or not v for v in values):
        raise ConfigError(key, raw, "a name or a non-empty list of names")
    return values


def _choice_list(cfg: DictConfig, key: str, choices) -> list[str]:
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw]
    allowed = "a non-empty list of distinct values from " + ", ".join(repr(c) for c in choices)
    if not values or any(v not in choices for v in values) or len(set(values)) != len(values):
        raise ConfigError(key, raw, allowed)
    return values


def image_sources(cfg: DictConfig) -> list[str]:
    """``images.paths``: bundled names or file paths, each checked to be readable.

    A relative path is taken from the folder the command was started in, also when the job
    runs in its own folder (``hydra.job.chdir=true``); it is returned absolute.
    """
    sources = [_from_start_folder(s) for s in _string_list(cfg, "images.paths")]
    if len(set(sources)) != len(sources):
        raise ConfigError(
            "images.paths", get(cfg, "images.paths"), "distinct pictures (each stored once)"
        )
    for i, source in enumerate(sources):
        key = "images.paths" if len(sources) == 1 else f"images.paths[{i}]"
        im.check_readable(source, key)
    return sources


def _from_start_folder(source: str) -> str:
    """``source`` as an absolute path from the command's starting folder (bundled names and
    absolute paths as given)."""
    from hydra.utils import to_absolute_path

    if source in im.bundled_names() or Path(source).expanduser().is_absolute():
        return source
    return to_absolute_path(str(Path(source).expanduser()))


def image_labels(sources: list[str]) -> list[str]:
    """Short unique labels: the bundled name or the file stem (``#k`` added on clashes)."""
    stems = [Path(s).stem for s in sources]
    return [stem if stems.count(stem) == 1 else f"{stem}#{i}" for i, stem in enumerate(stems)]


@dataclass(frozen=True)
class ImagesParams:
    """Everything the images experiment reads from its config, checked."""

    sources: tuple[str, ...]
    side: int
    binarize: str
    corruptions: tuple[str, ...]
    noise_level: float
    occlude_fraction: float
    updates: tuple[str, ...]
    max_sweeps: int
    network: NetworkSpec

    @property
    def labels(self) -> list[str]:
        """Short unique labels of the pictures."""
        return image_labels(list(self.sources))

    def level(self, kind: str) -> float:
        """The corruption level of a kind."""
        return _level(kind, self.noise_level, self.occlude_fraction)


def parameters(cfg: DictConfig) -> ImagesParams:
    """Read and check every key the images experiment uses (and its memory)."""
    side = get_int(cfg, "images.side", lo=2, hi=MAX_SIDE)
    N = side * side
    params = ImagesParams(
        sources=tuple(image_sources(cfg)),
        side=side,
        binarize=get_choice(cfg, "images.binarize", im.BINARIZE_METHODS),
        corruptions=tuple(_choice_list(cfg, "images.corruptions", im.IMAGE_CORRUPTIONS)),
        noise_level=get_float(cfg, "images.noise_level", lo=0.0, hi=1.0),
        occlude_fraction=get_float(cfg, "images.occlude_fraction", lo=0.0, hi=1.0),
        updates=tuple(_choice_list(cfg, "images.updates", discrete.UPDATE_RULES)),
        max_sweeps=get_int(cfg, "images.max_sweeps", lo=1, hi=10**5),
        network=network_spec(cfg, N),
    )
    K = len(params.sources)
    check_network_memory(params.network, N, K, "images.side", side)
    trials = float(K) * len(params.corruptions) * len(params.updates)
    frames = trials * (params.max_sweeps + 1) * N * (1 + 1 + 8)  # recorded, kept, traced
    check_memory("images.max_sweeps", params.max_sweeps, frames, "the recorded frames")
    return params


#: Seconds of one restoration per N^2 (its sweeps with every frame recorded, the energy
#: traced after every update: measured at side 64 and 128, benchmarks/estimates.py), per
#: pixel of a picture's loading, binarising and corruption, and sweeps a restoration takes.
SECONDS_PER_TRIAL_N2 = 1.5e-10
SECONDS_PER_PIXEL = 1.0e-6
MEAN_SWEEPS = 4


def estimate(params: ImagesParams):
    """The job's :class:`hopsim.resources.Estimate`: the network and the recorded frames;
    learning, and every (picture, corruption, update) restoration at its sweeps."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    N, K = params.side**2, len(params.sources)
    trials = float(K) * len(params.corruptions) * len(params.updates)
    frames = trials * (min(params.max_sweeps, MEAN_SWEEPS) + 1) * N * (1 + 1 + 8)
    memory = network_bytes(params.network, N, K) + frames
    seconds = _costs.NUMBA_JOB_SECONDS + _costs.network_seconds(params.network, N, K)
    seconds += K * N * SECONDS_PER_PIXEL
    seconds += trials * float(N) * N * SECONDS_PER_TRIAL_N2
    drivers = {
        "images.side": params.side,
        "images.max_sweeps": params.max_sweeps,
        "images.paths": list(params.sources),
        "images.corruptions": list(params.corruptions),
        "images.updates": list(params.updates),
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the images experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# --------------------------------------------------------------------------- run


def _level(kind: str, noise: float, occlude: float) -> float:
    levels = {"noise": noise, "occlude": occlude, "invert": 1.0, "invert_half": 0.5}
    return levels["occlude" if kind == "occlude_clamped" else kind]


def run(params: ImagesParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Store, corrupt and restore the pictures; see the module docstring for the dataset."""
    sources, labels, side = list(params.sources), params.labels, params.side
    kinds, updates = list(params.corruptions), list(params.updates)
    N, K, C, U = side * side, len(sources), len(kinds), len(updates)

    pictures = np.stack(
        [im.load_image(s, side, params.binarize, key="images.paths") for s in sources]
    )  # (K, side, side)
    xi = pictures.reshape(K, N)
    net = params.network.build(xi)

    cues = np.empty((K, C, side, side), dtype=np.int8)
    for k, label in enumerate(labels):
        for c, kind in enumerate(kinds):
            level = params.level(kind)
            rng = seeds.generator("image_cue", label, side, kind, level)
            cues[k, c] = im.corrupt_image(pictures[k], kind, level, rng)
    flat_cues = cues.reshape(K * C, N)
    clamp = _clamp_mask(kinds, params, side, K)

    results = []
    bar = tqdm(total=U, desc="images", unit="rule", disable=not progress)
    for update in updates:
        rngs = [
            seeds.generator("image_restore", label, side, kind, params.level(kind), update)
            for label in labels
            for kind in kinds
        ]
        traj = discrete.run(
            net, flat_cues, update, params.max_sweeps, rngs, record_states=True, clamp=clamp
        )
        results.append(traj)
        bar.update(1)
    bar.close()
    return _dataset(params, pictures, cues, results, net)


def _clamp_mask(kinds, params, side: int, K: int) -> np.ndarray | None:
    """(K * C, N) pixels held while restoring (the rows of kinds that clamp), or None."""
    masks = [im.known_pixels((side, side), kind, params.level(kind)) for kind in kinds]
    if all(m is None for m in masks):
        return None
    per_kind = np.stack([np.zeros((side, side), bool) if m is None else m for m in masks])
    return np.tile(per_kind.reshape(len(kinds), side * side), (K, 1))


def _valid_frames(traj: discrete.Trajectories, max_sweeps: int) -> np.ndarray:
    """Index of the last recorded state of each trial (its final state)."""
    end = np.where(traj.outcome == discrete.FIXED_POINT, traj.sweeps + 1, traj.sweeps)
    return np.minimum(end, max_sweeps)


def _dataset(params: ImagesParams, pictures, cues, results, net):
    labels, sources = params.labels, list(params.sources)
    kinds, updates = list(params.corruptions), list(params.updates)
    K, side = pictures.shape[0], pictures.shape[1]
    C, U, N = len(kinds), len(updates), side * side
    xi = pictures.reshape(K, N).astype(np.float64)
    state, energy = _frames(results, params.max_sweeps, K * C, N)
    T = state.shape[2]
    finals = np.stack([t.final for t in results], axis=1)  # (K*C, U, N)
    final_overlap = finals.astype(np.float64) @ xi.T / N  # (K*C, U, K)
    trace = np.einsum("butn,bn->but", state.astype(np.float64), np.repeat(xi, C, axis=0)) / N
    cue_overlap = (
        np.einsum("bn,bn->b", cues.reshape(K * C, N).astype(np.float64), np.repeat(xi, C, axis=0))
        / N
    )

    def grid(a):  # (K*C, U, ...) -> (K, C, U, ...)
        return a.reshape((K, C) + a.shape[1:])

    dims3 = ("image", "corruption", "update")
    own = final_overlap[np.arange(K * C), :, np.repeat(np.arange(K), C)]  # (K*C, U)
    data = {
        "overlap": (dims3, grid(own)),
        "final_overlap": (dims3 + ("stored_image",), grid(final_overlap)),
        "state": (dims3 + ("sweep", "row", "col"), grid(state).reshape(K, C, U, T, side, side)),
        "overlap_trace": (dims3 + ("sweep",), grid(trace)),
        "energy": (dims3 + ("sweep",), grid(energy)),
        "cue_overlap": (("image", "corruption"), cue_overlap.reshape(K, C)),
        "original": (("image", "row", "col"), pictures),
        "image_overlap": (("image", "stored_image"), xi @ xi.T / N),
        "source": ("image", np.array(sources, dtype=object)),
    }
    for name, array in _per_trial(results, pictures.reshape(K, N)).items():
        data[name] = (dims3, grid(array))
    ds = xr.Dataset(
        data,
        coords={
            "image": np.array(labels, dtype=object),
            "stored_image": np.array(labels, dtype=object),
            "corruption": np.array(kinds, dtype=object),
            "update": np.array(updates, dtype=object),
            "sweep": np.arange(T),
            "row": np.arange(side),
            "col": np.arange(side),
        },
    )
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    for name, flags in (("outcome", discrete.OUTCOMES), ("relation", discrete.RELATIONS)):
        long_name = ds[name].attrs["long_name"]
        ds[name].attrs.update(flag_attrs(long_name, flags))
    ds["state"].encoding.update(zlib=True, complevel=4)
    ds = _scalar_coords(ds, params, net, side)
    ds.attrs.update(network_mode=net.mode, max_sweeps=params.max_sweeps)
    return ds


def _frames(results, max_sweeps: int, B: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """Every trial's states and energies per sweep, (B, U, T, N) and (B, U, T), up to the
    last trial's end (a finished trial repeats its final state)."""
    ends = [_valid_frames(t, max_sweeps) for t in results]
    T = int(max(e.max() for e in ends)) + 1  # frames kept: up to the last trial's end
    state = np.empty((B, len(results), T, N), dtype=np.int8)
    energy = np.full((B, len(results), T), np.nan)
    for u, (traj, end) in enumerate(zip(results, ends, strict=True)):
        for b in range(B):
            e = int(end[b])
            state[b, u, : e + 1] = traj.states[b, : e + 1]
            state[b, u, e + 1 :] = traj.final[b]  # repeat the final state after the end
        width = min(T, traj.energy.shape[1])  # traces end with the last sweep run
        energy[:, u, :width] = traj.energy[:, :width]
    return state, energy


def _per_trial(results, patterns: np.ndarray) -> dict[str, np.ndarray]:
    """How each restoration ended, (B, U) per variable: sweeps, outcome, cycle length, the
    picture recalled and the final state's relation to the stored pictures."""
    per_trial = {}
    for name in ("sweeps", "outcome", "cycle_length"):
        per_trial[name] = np.stack([getattr(t, name) for t in results], axis=1)
    rel = [discrete.recall_relation(t.final, patterns) for t in results]
    per_trial["recalled"] = np.stack([r[0] for r in rel], axis=1)
    per_trial["relation"] = np.stack([r[1] for r in rel], axis=1)
    return per_trial


def _scalar_coords(ds: xr.Dataset, params: ImagesParams, net, side: int) -> xr.Dataset:
    """The run's settings as labelled scalar coordinates."""
    theta = np.asarray(net.thresholds)
    scalar = {
        "side": (side, "image side", "pixel"),
        "N": (side * side, "number of neurons", "1"),
        "noise_level": (
            params.noise_level,
            "noise level (flipped fraction)",
            "1",
        ),
        "occlude_fraction": (
            params.occlude_fraction,
            "occluded fraction of the rows",
            "1",
        ),
        "binarize": (params.binarize, "binarization method", "1"),
        "theta": (
            float(theta[0]) if np.all(theta == theta[0]) else float("nan"),
            "threshold (NaN: one per neuron)",
            "1",
        ),
        "tie": (net.tie, "tie rule", "1"),
        "learning": (params.network.learning, "learning rule", ""),
    }
    for name, (value, long_name, units) in scalar.items():
        ds = ds.assign_coords({name: value})
        ds[name].attrs.update(long_name=long_name, units=units)
    return ds


ATTRS = {
    "overlap": ("final overlap with the cued image", "1"),
    "final_overlap": ("final overlap with each stored image", "1"),
    "state": ("pixel (+1 white, -1 black)", "1"),
    "overlap_trace": ("overlap with the cued image", "1"),
    "energy": ("energy after each sweep", "1"),
    "cue_overlap": ("overlap of the corrupted cue with its image", "1"),
    "original": ("stored image (+1 white, -1 black)", "1"),
    "image_overlap": ("overlap between stored images", "1"),
    "source": ("image file or bundled name", "1"),
    "sweeps": ("sweeps until the end of the restoration", "sweep"),
    "outcome": ("how the restoration ended", "1"),
    "cycle_length": ("length of the limit cycle (0: none)", "sweep"),
    "recalled": ("index of the stored image recalled or inverted (-1: none)", "1"),
    "relation": ("final state's relation to memory", "1"),
    "image": ("cued image", "1"),
    "stored_image": ("stored image", "1"),
    "corruption": ("corruption", "1"),
    "update": ("update rule", "1"),
    "sweep": ("sweep", "1"),
    "row": ("pixel row", "1"),
    "col": ("pixel column", "1"),
}


# --------------------------------------------------------------------------- summary


def summary(ds: xr.Dataset) -> str:
    """One paragraph: what was stored, and the final overlap of every restoration."""
    parts = []
    outcomes = discrete.OUTCOMES
    stored = list(ds.stored_image.values)
    for image in ds.image.values:
        for kind in ds.corruption.values:
            cells = []
            for update in ds["update"].values:
                sel = dict(image=image, corruption=kind, update=update)
                m = float(ds.overlap.sel(sel))
                out = outcomes[int(ds.outcome.sel(sel))]
                best = int(np.argmax(np.abs(ds.final_overlap.sel(sel).values)))
                other = f", nearest {stored[best]}" if stored[best] != image else ""
                cells.append(f"{update} m={m:+.3f} ({out}{other})")
            cue = float(ds.cue_overlap.sel(image=image, corruption=kind))
            parts.append(f"{image}/{kind} (cue m={cue:+.2f}): " + ", ".join(cells))
    return (
        f"images: {len(stored)} stored ({', '.join(stored)}), side={int(ds.side)} "
        f"(N={int(ds.N)}), binarize={ds['binarize'].item()}, noise={float(ds.noise_level):g}, "
        f"occlude={float(ds.occlude_fraction):g}. " + "; ".join(parts) + "."
    )
