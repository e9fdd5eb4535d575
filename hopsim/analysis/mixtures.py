"""Numbers of a ``mixtures`` run, shared by its figure, its summary and the claims table.

:func:`stay_fraction`
    the fraction of starts the dynamics leaves (nearly) where it began: overlap of the
    final state with the start above ``threshold`` (0.9), with its binomial error;
:func:`stability_limits`
    the load where that fraction falls through one half, per N and start kind, read off
    the grid by linear interpolation, with the bracketing grid points;
:func:`state_energies`
    the mean energy per neuron of the states each start kind stays in (patterns, 3- and
    5-mixtures) and of the non-retrieval states random starts end in, against the load.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

#: a start "stays" when the final state's overlap with it is above this
STAY = 0.9


def stay_fraction(ds: xr.Dataset, threshold: float = STAY) -> xr.Dataset:
    """``fraction`` and ``error`` (binomial sd) of starts that stay, over (N, alpha, start).

    Cells without trials (a 5-mixture at P < 5) are NaN.
    """
    valid = np.isfinite(ds.start_overlap)
    n = valid.sum("trial")
    k = (ds.start_overlap > threshold).where(valid).sum("trial")
    p = (k / n).where(n > 0)
    return xr.Dataset({"fraction": p, "error": np.sqrt(p * (1 - p) / n), "count": n})


def stability_limits(ds: xr.Dataset, threshold: float = STAY) -> pd.DataFrame:
    """The load where the staying fraction first falls below 1/2, per (N, start).

    Columns ``N``, ``start``, ``limit`` (linear interpolation between the last grid load
    with fraction >= 1/2 and the next; NaN when it never falls, or is below 1/2 at the
    first load), ``below`` and ``above`` (the bracketing grid loads). Random starts have no
    start to stay at and are left out.
    """
    frac = stay_fraction(ds, threshold).fraction
    rows = []
    alphas = ds.alpha.values
    for N in ds.N.values:
        for start in ds.start.values:
            if start == "random":
                continue
            f = frac.sel(N=N, start=start).values
            ok = np.flatnonzero(np.isfinite(f))
            limit, lo, hi = np.nan, np.nan, np.nan
            for a, b in zip(ok[:-1], ok[1:], strict=True):
                if f[a] >= 0.5 > f[b]:
                    lo, hi = alphas[a], alphas[b]
                    limit = lo + (f[a] - 0.5) / (f[a] - f[b]) * (hi - lo)
                    break
            rows.append(
                {"N": int(N), "start": str(start), "limit": limit, "below": lo, "above": hi}
            )
    return pd.DataFrame(rows)


def state_energies(ds: xr.Dataset, threshold: float = STAY) -> xr.Dataset:
    """Mean E/N (and its standard error) of the states reached, per (N, alpha, group).

    Groups: each non-random start kind, over the trials that stayed (the state itself,
    with the few errors the load allows); ``spurious``: random starts whose final state is
    no retrieval state (largest |m| with a stored pattern below ``threshold``).
    """
    groups, means, errors = [], [], []
    for start in ds.start.values:
        cell = ds.sel(start=start)
        if start == "random":
            keep = cell.max_overlap < threshold
            name = "spurious"
        else:
            keep = cell.start_overlap > threshold
            name = str(start)
        e = cell.energy.where(keep)
        n = np.isfinite(e).sum("trial")
        groups.append(name)
        means.append(e.mean("trial"))
        errors.append((e.std("trial", ddof=1) / np.sqrt(n)).where(n > 1))
    dim = pd.Index(groups, name="group")
    return xr.Dataset({"energy": xr.concat(means, dim), "error": xr.concat(errors, dim)})
