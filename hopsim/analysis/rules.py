"""Quantities of a ``rules`` run shared by its figures and its claims (one function per
number): each rule's basin radius against the load, its exact-storage capacity bracketed by
the load grid, and the law that capacity follows."""

from __future__ import annotations

import numpy as np
import xarray as xr


def basin_radius(ds: xr.Dataset) -> xr.DataArray:
    """Basin radius of every (rule, N, load): the median over the networks of ``basin_noise``.

    ``basin_noise`` is the largest cue noise up to which every level is recalled (mean final
    overlap >= the run's ``recall_overlap``), NaN where a network does not recall even its
    stored pattern. Such a network counts as the worst, not as missing: the median is the
    lower median over all networks (a network's own value, none averaged), NaN when that
    network recalls nothing.

    Parameters
    ----------
    ds : xarray.Dataset
        A ``rules`` dataset (dims ``rule``, ``N``, ``alpha``, ``trial``).

    Returns
    -------
    xarray.DataArray
        Dims ``rule``, ``N``, ``alpha``; units of a fraction of flipped bits.
    """
    basin = ds.basin_noise.transpose(..., "trial")
    values = np.where(np.isnan(basin.values), -np.inf, basin.values)
    median = np.quantile(values, 0.5, axis=-1, method="lower")
    out = xr.DataArray(
        np.where(np.isfinite(median), median, np.nan),
        dims=basin.dims[:-1],
        coords={d: basin[d] for d in basin.dims[:-1]},
        name="basin_radius",
    )
    out.attrs.update(
        long_name="basin radius: largest cue noise recalled, median network", units="1"
    )
    return out


def exact_capacity(ds: xr.Dataset) -> xr.Dataset:
    """Each rule's exact-storage capacity per N, bracketed by its neighbours on the load grid.

    The measured capacity ``alpha`` (the run's ``exact_capacity``: the largest load up to
    which every pattern is stable in at least half the networks) is a lower bound read off
    the load grid; the true value lies below ``alpha_next``, the next load of the grid (inf
    past the grid's end). ``alpha_prev`` is the load before ``alpha`` (0 at the grid's
    start). ``patterns`` and ``patterns_next`` are the same as pattern counts (the run's
    ``P = round(alpha N)``), and
    ``theory`` the rule's law at this N (the run's ``alpha_exact_theory``).

    Parameters
    ----------
    ds : xarray.Dataset
        A ``rules`` dataset.

    Returns
    -------
    xarray.Dataset
        Variables ``alpha``, ``alpha_prev``, ``alpha_next``, ``theory``, ``patterns``,
        ``patterns_next`` over dims ``rule``, ``N``.
    """
    grid = np.sort(np.asarray(ds.alpha.values, dtype=float))
    alpha = ds.exact_capacity.astype(float)
    values = alpha.values
    nxt = np.full(values.shape, np.inf)
    prev = np.zeros(values.shape)
    for idx, a in np.ndenumerate(values):
        above, below = grid[grid > a + 1e-12], grid[grid < a - 1e-12]
        if np.isfinite(a):
            nxt[idx] = above[0] if above.size else np.inf
            prev[idx] = below[-1] if below.size else 0.0
        else:  # even the smallest load failed: the capacity lies below it
            nxt[idx], prev[idx] = grid[0], 0.0
    out = xr.Dataset(
        {
            "alpha": alpha,
            "alpha_prev": (alpha.dims, prev),
            "alpha_next": (alpha.dims, nxt),
            "theory": ds.alpha_exact_theory,
        },
        coords={"rule": ds.rule, "N": ds.N},
    )
    out["patterns"] = _patterns(ds, out.alpha)
    out["patterns_next"] = _patterns(ds, out.alpha_next)
    out["patterns"].attrs.update(long_name="patterns stored with every one stable", units="1")
    return out


def _patterns(ds: xr.Dataset, loads: xr.DataArray) -> xr.DataArray:
    """The run's pattern count ``P`` (``round(alpha N)``) at each (rule, N) cell's load of the
    grid; NaN and inf pass through."""
    out = np.array(loads.values, dtype=float)
    for idx, a in np.ndenumerate(loads.values):
        if not np.isfinite(a):
            continue
        N = loads.N.values[idx[loads.dims.index("N")]]
        if "P" in ds.coords:
            out[idx] = float(ds.P.sel(N=N).sel(alpha=a, method="nearest"))
        else:  # a dataset without its P coordinate: the experiment's rule, P = round(alpha N)
            out[idx] = float(round(a * N))
    return loads.copy(data=out)


def capacity_law(rule: str, Ns) -> np.ndarray:
    """The patterns a rule stores with every one stable at each N, from its law.

    The rule's own exact-storage load (:meth:`hopsim.learning.Rule.loads`; no rule's
    exact-storage load depends on its options) times N: Hebb and covariance N / (4 ln N),
    Storkey N / sqrt(2 ln N), pseudo-inverse N, Krauth-Mezard 2 N.

    Parameters
    ----------
    rule : str
        A registered rule name.
    Ns : array_like
        Network sizes (need not be integers: a smooth line).

    Returns
    -------
    numpy.ndarray
        Patterns at each N.
    """
    from hopsim.learning import get_rule

    facts = get_rule(str(rule))
    Ns = np.asarray(Ns, dtype=float)
    return np.array([facts.loads(n)[0] * n for n in Ns])
