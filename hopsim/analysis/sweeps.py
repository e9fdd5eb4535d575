"""How long asynchronous recall takes to settle, from a ``capacity`` dataset: the
distribution of sweeps near the capacity, per N (the claims table's check of "hundreds of
iterations"; a figure would read the same numbers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

__all__ = ["SettlingTimes", "settling_near_capacity"]

#: outcome code of a trial stopped by max_sweeps (hopsim.dynamics.discrete.OUTCOMES)
_MAX_SWEEPS = 2


@dataclass(frozen=True)
class SettlingTimes:
    """Sweeps to the end of recall for one N, over the loads near alpha_c and noisy cues."""

    N: int
    loads: tuple[float, ...]  #: the loads pooled
    trials: int
    median: float
    q90: float  #: 90th percentile
    largest: int
    at_least: int  #: trials with sweeps >= ``threshold``
    threshold: int
    stopped: int  #: trials ended by max_sweeps (their true time is longer than measured)


def settling_near_capacity(
    ds: xr.Dataset, alpha_c: float, width: float = 0.025, threshold: int = 100
) -> list[SettlingTimes]:
    """Per N: the sweeps of every trial from a corrupted cue (noise > 0) at loads within
    ``width`` of ``alpha_c``, pooled over those loads (and seeds, if any)."""
    loads = ds.alpha.values[np.abs(ds.alpha.values - alpha_c) <= width + 1e-12]
    noisy = ds.noise.values[ds.noise.values > 0]
    out = []
    if loads.size == 0 or noisy.size == 0:
        return out
    for N in ds.N.values:
        cell = ds.sel(N=N, alpha=loads, noise=noisy)
        s = cell.sweeps.values.ravel()
        o = cell.outcome.values.ravel()
        keep = np.isfinite(s)
        s, o = s[keep], o[keep]
        if s.size == 0:
            continue
        out.append(
            SettlingTimes(
                N=int(N),
                loads=tuple(float(a) for a in loads),
                trials=int(s.size),
                median=float(np.median(s)),
                q90=float(np.percentile(s, 90)),
                largest=int(s.max()),
                at_least=int(np.sum(s >= threshold)),
                threshold=threshold,
                stopped=int(np.sum(o == _MAX_SWEEPS)),
            )
        )
    return out
