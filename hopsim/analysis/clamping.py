"""The basin gain of clamping, from a recall sweep over occlusion with and without clamping.

A recall sweep over ``corruption.kind=occlude,occlude_clamped`` and ``corruption.level``
(and the load ``patterns.alpha``) holds, for the very same cues, the recall from an occluded
cue whose occluded block is unknown (set to -1 and free to move) and from the same cue with
the visible part clamped. Shared by the recall figure and the claims table:

:func:`completion`
    the fraction of cues completed (final overlap with the cued pattern above
    :data:`COMPLETED`, 0.9) and its binomial error, per (alpha, corruption, noise);
:func:`basins`
    the basin of a kind at a load: the largest occluded fraction half the cues are still
    completed from, read off the level grid by linear interpolation;
:func:`clamping_gain`
    per load, the two basins and their difference (the gain), with the grid's resolution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

#: a cue is completed when the final overlap with its pattern is above this
COMPLETED = 0.9
#: the two corruption kinds compared
FREE, CLAMPED = "occlude", "occlude_clamped"


def has_clamping_sweep(ds: xr.Dataset) -> bool:
    """A recall sweep over both kinds and at least two occlusion levels."""
    if "corruption" not in ds.dims or "noise" not in ds.dims or ds.sizes["noise"] < 2:
        return False
    kinds = {str(k) for k in ds.corruption.values}
    return {FREE, CLAMPED} <= kinds


def completion(ds: xr.Dataset, threshold: float = COMPLETED) -> xr.Dataset:
    """``fraction``, ``error`` (binomial sd) and ``count`` of cues completed."""
    trials = [d for d in ("pattern", "trial") if d in ds.overlap.dims]
    valid = np.isfinite(ds.overlap)
    n = valid.sum(trials)
    k = (ds.overlap > threshold).where(valid).sum(trials)
    p = (k / n).where(n > 0)
    return xr.Dataset({"fraction": p, "error": np.sqrt(p * (1 - p) / n), "count": n})


def _crossing(levels: np.ndarray, frac: np.ndarray) -> tuple[float, float, bool]:
    """Largest level with fraction >= 1/2 (interpolated), its grid step, and whether the
    fraction ever fell below 1/2 on the grid (False: the basin reaches past the grid)."""
    order = np.argsort(levels)
    x, f = levels[order], frac[order]
    if not np.isfinite(f).all() or f[0] < 0.5:
        return (x[0] if f[0] < 0.5 else np.nan), np.nan, True
    for a in range(len(x) - 1):
        if f[a] >= 0.5 > f[a + 1]:
            at = x[a] + (f[a] - 0.5) / (f[a] - f[a + 1]) * (x[a + 1] - x[a])
            return float(at), float(x[a + 1] - x[a]), True
    return float(x[-1]), np.nan, False


def basins(ds: xr.Dataset, threshold: float = COMPLETED) -> pd.DataFrame:
    """The basin (occluded fraction completed by half the cues) per (alpha, kind).

    Columns ``alpha``, ``corruption``, ``basin``, ``step`` (the grid spacing around the
    crossing: the basin's resolution) and ``crossed`` (False: every level on the grid was
    completed, so the basin is at least the largest level).
    """
    frac = completion(ds, threshold).fraction
    alphas = frac.alpha.values if "alpha" in frac.dims else [float(ds.alpha)]
    rows = []
    for alpha in alphas:
        cell = frac.sel(alpha=alpha) if "alpha" in frac.dims else frac
        for kind in (FREE, CLAMPED):
            f = cell.sel(corruption=kind).transpose("noise", ...).values.reshape(-1)
            basin, step, crossed = _crossing(cell.noise.values, f)
            rows.append(
                {
                    "alpha": float(alpha),
                    "corruption": kind,
                    "basin": basin,
                    "step": step,
                    "crossed": crossed,
                }
            )
    return pd.DataFrame(rows)


def clamping_gain(ds: xr.Dataset, threshold: float = COMPLETED) -> pd.DataFrame:
    """Per load: ``free`` and ``clamped`` basins, ``gain`` = clamped - free, ``resolution``
    (the larger grid step of the two crossings) and ``censored`` (the clamped basin reached
    the end of the grid, so the gain is a lower bound; NaN when the free basin did too)."""
    table = basins(ds, threshold).pivot(index="alpha", columns="corruption")
    out = pd.DataFrame(
        {
            "free": table["basin"][FREE],
            "clamped": table["basin"][CLAMPED],
            "resolution": table["step"].max(axis=1),
            "censored": ~table["crossed"][CLAMPED].astype(bool),
        }
    )
    out["gain"] = out["clamped"] - out["free"]
    # both basins past the grid: the gain is not measured
    out.loc[~table["crossed"][FREE].astype(bool) & out["censored"], "gain"] = np.nan
    return out.reset_index()
