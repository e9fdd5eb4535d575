"""Dense associative memories: capacity crossings and their growth with N, with errors.

Shared by the ``dense_capacity`` experiment (the capacities it stores), its figure and the
claims table, so the slopes quoted anywhere are the same numbers:

:func:`crossing`
    the P where a fraction of fixed points falls below 1/2 (interpolated in ln P);
:func:`capacity_growth`
    per energy, the growth of the capacity with N fitted over every size measured (the
    log-log slope of a polynomial energy against the law's local slope, the rate
    ``d ln C / dN`` of the exponential one against Demircigil et al.'s ln 2 / 2), with a
    bootstrap error over the independent networks of each size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

__all__ = ["Growth", "capacity_growth", "crossing", "degree"]

#: What each criterion's capacity is computed from (a variable with a ``network`` dim).
CRITERIA = {"pattern": "fixed_fraction", "all": "all_fixed"}


def crossing(fraction: xr.DataArray, P: xr.DataArray) -> xr.DataArray:
    """P where a fraction first falls below 1/2, interpolated linearly in ln P (energy, N).

    NaN when the fraction never reaches 1/2 from above on the grid (the grid does not
    bracket the capacity).
    """
    out = np.full(fraction.shape[:2], np.nan)
    for e in range(fraction.shape[0]):
        for s in range(fraction.shape[1]):
            out[e, s] = _crossing_1d(fraction.values[e, s], P.values[e, s])
    return xr.DataArray(out, dims=("energy", "N"))


def _crossing_1d(y: np.ndarray, P: np.ndarray) -> float:
    keep = np.isfinite(y) & (P > 0)
    y, x = y[keep], np.log(P[keep].astype(float))
    if y.size < 2 or y[0] < 0.5:
        return math.nan
    below = np.flatnonzero(y < 0.5)
    if below.size == 0:
        return math.nan
    j = below[0]
    t = (y[j - 1] - 0.5) / (y[j - 1] - y[j])
    return float(np.exp(x[j - 1] + t * (x[j] - x[j - 1])))


def degree(energy: str) -> int | None:
    """The polynomial degree of an energy name (``poly3``, ``rpoly4``); None for ``exp``."""
    return None if energy == "exp" else int(energy.lstrip("rpoly"))


@dataclass(frozen=True)
class Growth:
    """How one energy's capacity grows with N, fitted over every size measured.

    Attributes
    ----------
    energy : str
    kind : str
        ``"slope"`` (d ln C / d ln N, polynomials) or ``"rate"`` (d ln C / dN, exp).
    measured, error : float
        The least-squares slope or rate and its bootstrap standard error (NaN with fewer
        than two networks per size).
    predicted : float
        The law's local slope over the sizes (Krotov-Hopfield N^(n-1) / ln N), or
        Demircigil et al.'s guaranteed rate ln 2 / 2.
    sizes : tuple of int
        The sizes whose capacity the grid brackets.
    capacities : tuple of float
    """

    energy: str
    kind: str
    measured: float
    error: float
    predicted: float
    sizes: tuple[int, ...]
    capacities: tuple[float, ...]

    @property
    def z(self) -> float:
        """``(measured - predicted) / error`` (NaN without an error)."""
        if not (self.error > 0):
            return math.nan
        return (self.measured - self.predicted) / self.error


def capacity_growth(
    ds: xr.Dataset, criterion: str = "pattern", boot: int = 400, seed: int = 0
) -> dict[str, Growth]:
    """Per energy of a ``dense_capacity`` dataset: the capacity's growth with N.

    ``criterion`` ``"pattern"`` uses the fraction of stored patterns that are fixed points
    (the Krotov-Hopfield per-pattern capacity), ``"all"`` the probability that every stored
    pattern is (Demircigil et al.'s theorem). The error resamples the independent networks
    of every size ``boot`` times (a fixed seed) and refits; energies with fewer than two
    bracketed sizes are left out.
    """
    from hopsim.theory.dense import exponential_rate, local_slope

    variable = ds[CRITERIA[criterion]]
    out = {}
    rng = np.random.default_rng(seed)
    n_net = ds.sizes["network"]
    draws = [rng.integers(0, n_net, n_net) for _ in range(boot)] if n_net > 1 else []
    for e, name in enumerate(str(v) for v in ds.energy.values):
        frac = variable.isel(energy=e)
        caps = _capacities(frac.mean("network").values, ds.P.values[e])
        keep = np.isfinite(caps)
        if keep.sum() < 2:
            continue
        N = ds.N.values[keep].astype(float)
        fit = _fitter(name)
        boots = [
            fit(N, _capacities(frac.values[..., idx].mean(-1), ds.P.values[e])[keep])
            for idx in draws
        ]
        boots = np.asarray([b for b in boots if np.isfinite(b)])
        n = degree(name)
        out[name] = Growth(
            energy=name,
            kind="rate" if n is None else "slope",
            measured=fit(N, caps[keep]),
            error=float(boots.std(ddof=1)) if boots.size > 2 else math.nan,
            predicted=exponential_rate() if n is None else local_slope(N.min(), N.max(), n),
            sizes=tuple(int(x) for x in N),
            capacities=tuple(float(c) for c in caps[keep]),
        )
    return out


def _capacities(fraction: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The crossing of each size's fraction (N, factor) on its P grid (N, factor)."""
    return np.array([_crossing_1d(fraction[s], P[s]) for s in range(fraction.shape[0])])


def _fitter(energy: str):
    """Least-squares slope of ln C against ln N (polynomials) or against N (exp)."""
    exp = degree(energy) is None

    def fit(N: np.ndarray, C: np.ndarray) -> float:
        ok = np.isfinite(C) & (C > 0)
        if ok.sum() < 2:
            return math.nan
        x = N[ok] if exp else np.log(N[ok])
        return float(np.polyfit(x, np.log(C[ok]), 1)[0])

    return fit
