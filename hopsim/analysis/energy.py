"""The discrete network's energy descent, from a ``recall`` dataset: between sweeps and
after every single-neuron update (the claims table's check; a figure would read the same)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

__all__ = ["SweepChanges", "UpdateChanges", "sweep_energy_changes", "update_energy_changes"]


@dataclass(frozen=True)
class SweepChanges:
    """The energy's changes from one sweep to the next, over every cue of the run."""

    largest: float  #: largest change between consecutive sweeps (> 0: a rise)
    steps: int  #: sweep-to-sweep differences measured
    scale: float  #: largest |E| (what a rounding-size rise is compared with)


@dataclass(frozen=True)
class UpdateChanges:
    """The energy's changes over single-neuron updates of the traced cues."""

    largest: float  #: largest change over one update (> 0: a rise)
    updates: int  #: single-neuron updates replayed
    changed: int  #: updates that changed the energy (a neuron flipped)
    cues: int  #: cues traced
    scale: float  #: largest |E|
    retraced: bool  #: the trace's energy after each sweep equals the run's for the same cue


def sweep_energy_changes(ds: xr.Dataset) -> SweepChanges:
    """Every sweep-to-sweep change of ``energy`` (NaN after a trial's end skipped)."""
    E = ds.energy.values.reshape(-1, ds.sizes["sweep"])
    diff = np.diff(E, axis=1)
    diff = diff[np.isfinite(diff)]
    return SweepChanges(
        largest=float(diff.max()) if diff.size else 0.0,
        steps=int(diff.size),
        scale=float(np.nanmax(np.abs(E))) if np.isfinite(E).any() else 0.0,
    )


def update_energy_changes(ds: xr.Dataset, rounding: float = 1e-12) -> UpdateChanges | None:
    """Every single-update change of ``update_energy`` (``record.update_energy > 0``), or None.

    An update "changed" the energy when ``|dE|`` exceeds ``rounding`` times the energy's
    scale (the from-scratch energies of equal states differ by rounding only). ``retraced``
    compares the trace at steps 0, N, 2N, ... with the run's ``energy`` of the same cue, to
    1e-6 relative: the run sums a real rule's float32 couplings into its fields, the trace
    uses float64 ``W`` from scratch.
    """
    if "update_energy" not in ds:
        return None
    trace = ds.update_energy.values
    N = int(ds.N)
    diff = np.diff(trace, axis=1)
    finite = np.isfinite(diff)
    scale = float(np.nanmax(np.abs(trace)))
    retraced = True
    for c in range(trace.shape[0]):
        run = ds.energy.sel(pattern=int(ds.traced_pattern[c]), trial=int(ds.traced_trial[c])).values
        mine = trace[c, ::N]
        n = min(run.size, mine.size)
        both = np.isfinite(run[:n]) & np.isfinite(mine[:n])
        retraced &= bool(both.any()) and np.allclose(
            mine[:n][both], run[:n][both], rtol=1e-6, atol=1e-9 * max(scale, 1.0)
        )
    return UpdateChanges(
        largest=float(diff[finite].max()) if finite.any() else 0.0,
        updates=int(finite.sum()),
        changed=int(np.sum(np.abs(diff[finite]) > rounding * max(scale, 1.0))),
        cues=int(trace.shape[0]),
        scale=scale,
        retraced=retraced,
    )
