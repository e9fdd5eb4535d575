"""Quantities read off ``optimize`` datasets, one function each (figures and claims share them).

- :func:`success_probability`: fraction of reads that end on an exact answer;
- :func:`time_to_solution`: sweeps to reach it with 99% confidence by repeating reads;
- :func:`energy_estimates`: the ground-state energy per spin each instance's reads give;
- :func:`parisi_fit`: ``e_N = e_inf + a N^(-omega)`` fitted to the mean over instances;
- :func:`budget_change`: how much doubling (or raising) the budget lowers the energy;
- :func:`tsp_table`: valid-tour fraction and length ratio per parameter set and solver.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

#: Parisi's ground-state energy per spin of the SK model (Parisi 1980; Crisanti and Rizzo
#: 2002 give -0.763166...).
PARISI_ENERGY = -0.7632
#: The replica-symmetric (Sherrington-Kirkpatrick 1975) ground-state energy, -sqrt(2/pi): the
#: value an extrapolation must be able to tell from Parisi's to test it.
REPLICA_SYMMETRIC_ENERGY = -math.sqrt(2.0 / math.pi)
#: Relative tolerance within which an energy equals the exact ground-state energy.
RTOL = 1e-8


def success_probability(ds: xr.Dataset) -> xr.DataArray:
    """Fraction of reads on an exact answer, per (N, instance, [parameter_set,] solver, sweeps).

    Ising kinds: energy within ``RTOL`` of the exact ground state (NaN where it is unknown).
    TSP: a valid tour no longer than the Held-Karp optimum (to 1e-9 relative).
    """
    if ds.attrs.get("problem_kind") == "tsp":
        opt = ds.optimal_length
        hit = (ds.valid == 1) & (ds.length <= opt * (1 + 1e-9))
        out = hit.mean("read").where(np.isfinite(opt))
    else:
        e0 = ds.ground_energy
        hit = ds.energy <= e0 + RTOL * (1.0 + np.abs(e0))
        out = hit.mean("read").where(np.isfinite(e0))
    out.attrs = {"long_name": "success probability per read", "units": "1"}
    return out


def time_to_solution(p, budget, confidence: float = 0.99):
    """Sweeps to reach the answer with ``confidence``: ``budget ln(1 - c) / ln(1 - p)``.

    ``budget`` when p = 1, infinite when p = 0 (NaN stays NaN).
    """
    p = np.asarray(p, dtype=np.float64)
    budget = np.asarray(budget, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        runs = np.where(p >= 1.0, 1.0, np.log1p(-confidence) / np.log1p(-np.minimum(p, 1.0)))
    runs = np.where(p >= 1.0, 1.0, np.maximum(runs, 1.0))
    return np.where(np.isnan(p), np.nan, budget * runs)


def energy_estimates(ds: xr.Dataset, solver: str | None = None, budget=None) -> xr.DataArray:
    """Lowest energy per spin of each instance (N, instance).

    With ``solver`` and ``budget``, the lowest of that solver's reads at that budget; without
    them, ``best_energy`` (the lowest known: every solver, every budget, the exact answer).
    """
    if solver is None:
        e = ds.best_energy
    else:
        e = ds.energy.sel(solver=solver, sweeps=budget).min("read")
    out = e / ds.N
    out.attrs = {"long_name": "ground-state energy per spin (estimate)", "units": "J"}
    return out


@dataclass(frozen=True)
class ParisiFit:
    """``e_N = e_inf + a N^(-omega)`` fitted by weighted least squares."""

    e_inf: float
    e_inf_err: float
    a: float
    a_err: float
    omega: float
    omega_err: float
    chi2: float
    dof: int
    sizes: tuple[int, ...]

    @property
    def chi2_dof(self) -> float:
        return self.chi2 / self.dof if self.dof > 0 else math.nan

    def curve(self, N) -> np.ndarray:
        return self.e_inf + self.a * np.asarray(N, dtype=np.float64) ** (-self.omega)

    def deviation(self, reference: float = PARISI_ENERGY) -> float:
        """``(e_inf - reference) / error``: the extrapolation's distance from Parisi's value."""
        return (self.e_inf - reference) / self.e_inf_err if self.e_inf_err > 0 else math.inf


def size_means(ds: xr.Dataset, min_N: int = 1, **select) -> pd.DataFrame:
    """Mean and standard error over instances of :func:`energy_estimates`, per N >= min_N."""
    e = energy_estimates(ds, **select)
    rows = []
    for N in ds.N.values:
        if N < min_N:
            continue
        v = e.sel(N=N).values
        v = v[np.isfinite(v)]
        if v.size >= 2:
            rows.append(
                (int(N), float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size)), int(v.size))
            )
    return pd.DataFrame(rows, columns=["N", "energy", "error", "instances"])


def parisi_fit(table: pd.DataFrame, omega: float | None = None) -> ParisiFit:
    """Fit ``e_inf + a N^(-omega)`` to a :func:`size_means` table (``omega`` fitted unless given).

    Weighted by the standard errors (``absolute_sigma``: the parameter errors come from the
    measured errors, not rescaled by chi^2).
    """
    from scipy.optimize import curve_fit

    N = table.N.to_numpy(dtype=np.float64)
    y, err = table.energy.to_numpy(), table.error.to_numpy()
    if omega is None:

        def model(n, e, a, w):
            return e + a * n ** (-w)

        p0 = (y[-1], (y[0] - y[-1]) * N[0] ** 0.67, 0.67)
    else:

        def model(n, e, a):
            return e + a * n ** (-omega)

        p0 = (y[-1], (y[0] - y[-1]) * N[0] ** omega)
    if len(N) <= len(p0):
        raise ValueError(f"{len(N)} sizes cannot fit {len(p0)} parameters")
    popt, pcov = curve_fit(model, N, y, p0=p0, sigma=err, absolute_sigma=True, maxfev=20000)
    perr = np.sqrt(np.diag(pcov))
    chi2 = float(np.sum(((y - model(N, *popt)) / err) ** 2))
    w, w_err = (popt[2], perr[2]) if omega is None else (omega, 0.0)
    return ParisiFit(
        float(popt[0]),
        float(perr[0]),
        float(popt[1]),
        float(perr[1]),
        float(w),
        float(w_err),
        chi2,
        len(N) - len(p0),
        tuple(int(n) for n in N),
    )


#: Smallest N in the Parisi fit: below it, corrections beyond the leading power dominate.
FIT_MIN_N = 16


def parisi(ds: xr.Dataset, min_N: int = FIT_MIN_N) -> tuple[pd.DataFrame, ParisiFit | None]:
    """The size table of an SK dataset (N >= ``min_N``) and its fit (None if it cannot fit).

    The figure and the claims table both read the Parisi extrapolation from here.
    """
    table = size_means(ds, min_N=min_N)
    try:
        return table, parisi_fit(table)
    except (ValueError, RuntimeError):
        return table, None


def parisi_by_budget(
    ds: xr.Dataset, solver: str = "anneal", min_N: int = FIT_MIN_N
) -> list[tuple[int, ParisiFit | None]]:
    """The Parisi fit of one solver's energies at each of the two largest budgets.

    If doubling the budget moves the extrapolation by less than its error, the budget is
    large enough for it: the evidence the claims table reads.
    """
    out = []
    for budget in np.sort(ds.sweeps.values)[-2:]:
        table = size_means(ds, min_N=min_N, solver=solver, budget=int(budget))
        try:
            out.append((int(budget), parisi_fit(table)))
        except (ValueError, RuntimeError):
            out.append((int(budget), None))
    return out


def budget_change(ds: xr.Dataset, solver: str = "anneal") -> pd.DataFrame:
    """Per N: mean over instances of ``e(largest budget) - e(next largest)`` per spin.

    A change within its standard error says the larger budget found nothing lower: evidence
    that the estimates have converged in the budget.
    """
    budgets = np.sort(ds.sweeps.values)
    if budgets.size < 2:
        return pd.DataFrame(columns=["N", "from", "to", "change", "error"])
    hi = energy_estimates(ds, solver, int(budgets[-1]))
    lo = energy_estimates(ds, solver, int(budgets[-2]))
    rows = []
    for N in ds.N.values:
        diff = (hi - lo).sel(N=N).values
        diff = diff[np.isfinite(diff)]
        se = diff.std(ddof=1) / math.sqrt(diff.size) if diff.size > 1 else math.nan
        rows.append((int(N), int(budgets[-2]), int(budgets[-1]), float(diff.mean()), float(se)))
    return pd.DataFrame(rows, columns=["N", "from", "to", "change", "error"])


def tsp_table(ds: xr.Dataset) -> pd.DataFrame:
    """Per (N, parameter set, solver), over instances and reads, at the dataset's budget(s):

    ``valid_fraction`` (and its binomial ``valid_error``), ``length_ratio`` (mean length of
    the valid tours over the optimum, ``ratio_error`` its standard error), ``optimal_fraction``
    (reads on an optimal tour), ``random_ratio`` (a random tour's mean length over the optimum).
    """
    rows = []
    for N in np.atleast_1d(ds.N.values):
        sub = ds.sel(N=N) if "N" in ds.dims else ds
        opt = sub.optimal_length
        random_ratio = float((sub.random_length / opt).mean())
        for ps in sub.parameter_set.values:
            for solver in sub.solver.values:
                cell = sub.sel(parameter_set=ps, solver=solver)
                valid = cell.valid.values.astype(bool)
                ratio = (cell.length / opt).values[valid]
                n = valid.size
                p = valid.mean()
                optimal = (valid & (cell.length <= opt * (1 + 1e-9)).values).mean()
                rows.append(
                    {
                        "N": int(N),
                        "parameter_set": str(ps),
                        "solver": str(solver),
                        "valid_fraction": float(p),
                        "valid_error": float(math.sqrt(p * (1 - p) / n)),
                        "length_ratio": float(ratio.mean()) if ratio.size else math.nan,
                        "ratio_error": float(ratio.std(ddof=1) / math.sqrt(ratio.size))
                        if ratio.size > 1
                        else math.nan,
                        "optimal_fraction": float(optimal),
                        "random_ratio": random_ratio,
                        "reads": int(n),
                    }
                )
    return pd.DataFrame(rows)
