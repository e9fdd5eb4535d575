"""Copy-task success of the ``gradients`` experiment: which model solves which lag in which budget.

One function per quantity; the experiment's summary, the figure
(:mod:`hopsim.figures.gradients`) and the claims read these and never recompute them:

- :func:`solved_within`: a run counts as solved within budget ``b`` when its first
  evaluation with held-out accuracy >= the success threshold came at step <= ``b``;
- :func:`solved_table`: per (variant, lag, budget) the seeds solved, k of n, the fraction
  and its 95% Wilson interval;
- :func:`longest_lag_half`: the longest lag solved by at least half the seeds;
- :func:`compare`: the lags at which one variant's interval lies wholly above another's;
- :func:`choose_learning_rate`: the learning-rate search's pick per variant;
- :func:`explosion_table`: per clipping setting, the runs in which a step's loss or
  gradient norm was inf or NaN, k of n with its interval;
- :func:`init_gradient_ratio`: ``||dL/dh||`` at the longest distance over distance 0 at
  initialisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from hopsim.analysis.binomial import wilson_interval


def solved_within(solved_step: xr.DataArray, budgets) -> xr.DataArray:
    """1 where the run solved the task at a step <= the budget, else 0 (new dim ``budget``)."""
    b = xr.DataArray(np.asarray(budgets, dtype=np.int64), dims="budget")
    b = b.assign_coords(budget=b.values)
    return ((solved_step >= 0) & (solved_step <= b)).astype(np.int8)


def _fractions(k: xr.DataArray, n) -> xr.Dataset:
    n = xr.zeros_like(k) + n
    lo, hi = wilson_interval(k.values, n.values)
    out = xr.Dataset(
        {
            "solved": k,
            "seeds": n,
            "fraction": k / n.where(n > 0),
            "lower": (k.dims, lo),
            "upper": (k.dims, hi),
        }
    )
    return out.assign_coords(k.coords)


def solved_table(ds: xr.Dataset) -> xr.Dataset:
    """Per (variant, lag, budget): seeds ``solved`` of ``seeds``, ``fraction``, Wilson ``lower``
    and ``upper`` (95%)."""
    return _fractions(ds.solved.sum("seed"), ds.sizes["seed"])


def longest_lag_half(table: xr.Dataset) -> xr.DataArray:
    """The longest lag at which at least half the seeds solved the task (NaN: no lag).

    Per variant and budget, from :func:`solved_table`; a lag counts when ``2 k >= n``.
    Shorter lags need not also count (the figure shows every lag).
    """
    half = 2 * table.solved >= table.seeds
    lags = table.lag.astype(float).broadcast_like(half)
    return lags.where(half).max("lag").rename("longest_lag_half")


@dataclass(frozen=True)
class Ordering:
    """How ``better`` compares with ``worse`` at each lag, by disjoint Wilson intervals."""

    better: str
    worse: str
    budget: int
    above: tuple  # lags where better's interval lies wholly above worse's
    below: tuple  # lags where worse's interval lies wholly above better's
    lags: tuple  # every lag compared


def compare(table: xr.Dataset, better: str, worse: str, budget: int) -> Ordering:
    """The lags at which ``better`` solves more often than ``worse`` beyond both intervals."""
    a = table.sel(variant=better, budget=budget)
    b = table.sel(variant=worse, budget=budget)
    lags = [int(v) for v in table.lag.values]
    above = tuple(lag for lag in lags if float(a.lower.sel(lag=lag)) > float(b.upper.sel(lag=lag)))
    below = tuple(lag for lag in lags if float(b.lower.sel(lag=lag)) > float(a.upper.sel(lag=lag)))
    return Ordering(better, worse, int(budget), above, below, tuple(lags))


def choose_learning_rate(
    solved_step: xr.DataArray, accuracy: xr.DataArray, budget: int
) -> tuple[xr.DataArray, xr.Dataset]:
    """The search's learning rate per variant, and the scores it was chosen by.

    ``solved_step`` and ``accuracy`` have dims (variant, search_lr, search_lag, search_seed).
    Per variant the learning rate that solves the most (lag, seed) cells within ``budget``
    wins; ties go to the one that needs fewer steps in total (an unsolved cell counts as the
    whole budget), then to the higher mean held-out accuracy.
    """
    cells = ["search_lag", "search_seed"]
    solved = solved_within(solved_step, [budget]).isel(budget=0, drop=True)
    steps = xr.where(solved > 0, solved_step, budget)
    scores = xr.Dataset(
        {
            "solved": solved.sum(cells),
            "steps": steps.sum(cells),
            "accuracy": accuracy.mean(cells),
        }
    )
    picks = []
    for v in scores.variant.values:
        s = scores.sel(variant=v)
        order = np.lexsort((-s.accuracy.values, s.steps.values, -s.solved.values))
        picks.append(float(s.search_lr.values[order[0]]))
    chosen = xr.DataArray(picks, dims="variant", coords={"variant": scores.variant.values})
    return chosen, scores


def explosion_table(ds: xr.Dataset) -> xr.Dataset:
    """Per clipping setting: runs ``solved`` (here: exploded, a step with an inf or NaN loss or
    gradient norm) of ``seeds``, ``fraction``, Wilson ``lower`` and ``upper``."""
    exploded = (ds.explode_nonfinite > 0).astype(np.int64)
    return _fractions(exploded.sum("explode_seed"), ds.sizes["explode_seed"]).rename(
        {"solved": "exploded"}
    )


def init_gradient_ratio(ds: xr.Dataset) -> xr.DataArray:
    """Per variant: mean ``||dL_T/dh_t||`` at the longest distance over that at distance 0, at
    initialisation (means over lags and seeds)."""
    g = ds.grad_h.sel(stage="init").mean(["lag", "seed"])
    far = ds.distance.values.max()
    return (g.sel(distance=far) / g.sel(distance=0)).rename("init_gradient_ratio")


def counts_text(table: xr.Dataset, variant: str, budget: int) -> str:
    """``"8/8 6/8 0/8"``: seeds solved of seeds per lag, the text of summaries and claims."""
    t = table.sel(variant=variant, budget=budget)
    return " ".join(
        f"{int(k)}/{int(n)}" for k, n in zip(t.solved.values, t.seeds.values, strict=True)
    )


def longest_text(table: xr.Dataset, variant: str) -> str:
    """``"20 in 1000 steps, 30 in 2000 steps"`` (``none`` where no lag is half solved)."""
    longest = longest_lag_half(table).sel(variant=variant)
    return ", ".join(
        f"{'none' if np.isnan(x) else int(x)} in {int(b)} steps"
        for b, x in zip(longest.budget.values, longest.values, strict=True)
    )
