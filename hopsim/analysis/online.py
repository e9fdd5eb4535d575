"""What an ``online`` run measured: retrieval against age, retrievable recent patterns, fits.

The figure (:mod:`hopsim.figures.online`), the claims (:mod:`hopsim.gallery.claims.online`)
and the run's summary read these functions only, so each number has one definition:

:func:`retrieved`
    1 where the final overlap reached the run's threshold, 0 where not, NaN where untested.
:func:`retrieval_by_age`
    the fraction of streams that retrieved the pattern of each age, with its binomial error.
:func:`retrievable`
    the number of retrieved patterns per neuron, ``alpha = stride * sum_ages retrieved / N``
    per stream: the theory's capacity (the newest ``alpha N`` patterns retrieved, none
    older) when the run tests ages beyond it.
:func:`theory_capacity`, :func:`theory_retrievable`
    what the mean-field theory says of the same (:mod:`hopsim.theory.palimpsest`; Hebb:
    everything up to ``alpha_c = 0.138``, nothing beyond).
:func:`finite_size_fit`
    ``alpha(N) = alpha_inf + b / sqrt(N)``, weighted by the stream-to-stream errors.
:func:`best_value`, :func:`nearest_optimum`
    the measured best forgetting parameter of a rule, per N; the learner whose value is
    nearest the theory's optimum.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr

__all__ = [
    "best_value",
    "nearest_optimum",
    "coverage",
    "finite_size_fit",
    "retrievable",
    "retrievable_mean",
    "retrieval_by_age",
    "retrieved",
    "theory_capacity",
    "theory_retrievable",
]


def retrieved(ds: xr.Dataset) -> xr.DataArray:
    """1.0 where ``overlap >= threshold``, 0.0 where below, NaN where the slot was untested.

    ``threshold`` is the run's coordinate (a dimension, if a sweep made it one).
    """
    hit = (ds.overlap >= ds.threshold).astype(float)
    return hit.where(ds.overlap.notnull())


def retrieval_by_age(ds: xr.Dataset) -> xr.Dataset:
    """Fraction of streams that retrieved each age (``fraction``, its ``stderr``, ``tested``)
    and the mean final overlap (``overlap``).

    Dims (learner, N, checkpoint, noise, slot), with coordinates ``age`` (patterns) and
    ``age_load`` (age / N).
    """
    hit = retrieved(ds)
    tested = hit.notnull().sum("stream")
    frac = hit.mean("stream")
    se = np.sqrt(frac * (1 - frac) / tested.where(tested > 0))
    out = xr.Dataset(
        {"fraction": frac, "stderr": se, "tested": tested, "overlap": ds.overlap.mean("stream")}
    )
    out = out.assign_coords(age_load=ds.age / ds.N)
    out["fraction"].attrs.update(long_name="fraction retrieved", units="1")
    out["overlap"].attrs.update(long_name="mean final overlap", units="1")
    out["age_load"].attrs.update(long_name="age of the pattern / N", units="1")
    return out


def retrievable(ds: xr.Dataset) -> xr.DataArray:
    """Retrieved patterns per neuron of every stream: (learner, N, checkpoint, noise, stream).

    Each tested age stands for ``stride`` ages; ages beyond ``max_age N`` are not counted.
    """
    count = retrieved(ds).sum("slot", min_count=1) * ds.stride
    alpha = count / ds.N
    alpha.attrs.update(long_name="retrievable patterns / N", units="1")
    return alpha


def retrievable_mean(ds: xr.Dataset) -> xr.Dataset:
    """``alpha`` averaged over the streams, ``stderr`` its standard error (NaN: one stream)."""
    a = retrievable(ds)
    n = a.notnull().sum("stream")
    mean = a.mean("stream")
    se = a.std("stream", ddof=1) / np.sqrt(n.where(n > 1))
    return xr.Dataset({"alpha": mean, "stderr": se})


def theory_capacity(ds: xr.Dataset) -> xr.DataArray:
    """The mean-field capacity of each learner (patterns per neuron): a palimpsest's at its
    value, Hebb's ``alpha_c``; NaN for learners without a theory (Storkey streamed, RNNs)."""
    from hopsim.theory.capacity import ags_critical
    from hopsim.theory.palimpsest import palimpsest_capacity

    values = []
    for rule, value in zip(ds.rule.values, ds.value.values, strict=True):
        if str(rule) == "hebb":
            values.append(ags_critical()[0])
        else:
            values.append(palimpsest_capacity(str(rule), float(value)))
    out = xr.DataArray(
        np.array(values, dtype=float), coords={"learner": ds.learner}, dims="learner"
    )
    out.attrs.update(long_name="theoretical capacity / N", units="1")
    return out


def coverage(ds: xr.Dataset) -> xr.DataArray:
    """The oldest age counted, per neuron, per N: ages beyond it are never tested."""
    return (ds.age.where(ds.age >= 0).max("slot") + ds.stride) / ds.N


def theory_retrievable(ds: xr.Dataset, load=None) -> xr.DataArray:
    """What the theory says :func:`retrievable` measures, at ``load`` patterns per neuron
    streamed (default: each checkpoint's ``stored / N``): (learner, N, ...).

    A palimpsest in its steady state retrieves its capacity (at most what is stored);
    Hebb's rule everything stored up to ``alpha_c N`` and nothing beyond (the blackout).
    Ages beyond :func:`coverage` are not counted, as in :func:`retrievable`. The
    palimpsest's value assumes the stream is long enough to be stationary; NaN for learners
    without a theory.
    """
    cap = theory_capacity(ds)
    if load is None:
        load = ds.stored / ds.N
    elif not isinstance(load, xr.DataArray):
        load = xr.DataArray(np.asarray(load, dtype=float), dims="load")
    hebb = ds.rule == "hebb"
    forget = xr.where(hebb, xr.where(load <= cap, load, 0.0), np.minimum(cap, load))
    return np.minimum(forget, coverage(ds)).where(cap.notnull())


def finite_size_fit(alpha: xr.DataArray, stderr: xr.DataArray) -> pd.DataFrame:
    """``alpha(N) = alpha_inf + b / sqrt(N)`` over the N of ``alpha`` (dim ``N``).

    Weighted least squares with the stream-to-stream errors (floored at 1/N: one pattern);
    returns one row per N and a last row ``N = inf`` with the intercept and its error
    (``attrs['slope']``). Fewer than two N: the largest N's value, error NaN.
    """
    N = alpha.N.values.astype(float)
    a = alpha.values.astype(float)
    se = np.fmax(np.nan_to_num(stderr.values.astype(float), nan=np.inf), 1.0 / N)
    rows = [{"N": n, "alpha": x, "stderr": e} for n, x, e in zip(N, a, se, strict=True)]
    ok = np.isfinite(a)
    if ok.sum() >= 2 and np.isfinite(se[ok]).sum() >= 2:
        w = 1.0 / np.where(np.isfinite(se), se, np.nanmax(se[np.isfinite(se)]) * 10)
        (slope, intercept), cov = np.polyfit(1 / np.sqrt(N[ok]), a[ok], 1, w=w[ok], cov="unscaled")
        err = float(np.sqrt(cov[1, 1])) if ok.sum() > 2 else float(np.sqrt(cov[1, 1]))
    else:
        slope, intercept, err = math.nan, float(a[ok][-1]) if ok.any() else math.nan, math.nan
    rows.append({"N": math.inf, "alpha": float(intercept), "stderr": err})
    df = pd.DataFrame(rows)
    df.attrs["slope"] = float(slope)
    return df


def nearest_optimum(ds: xr.Dataset, rule: str) -> str | None:
    """The learner of ``rule`` whose value is nearest the theory's optimum (None: absent)."""
    from hopsim.theory.palimpsest import bounded_optimum, decay_optimum

    picks = [str(x) for x, r in zip(ds.learner.values, ds.rule.values, strict=True) if r == rule]
    if not picks:
        return None
    best = {"hebb_decay": decay_optimum, "hebb_bounded": bounded_optimum}[rule]()[0]
    values = np.array([float(ds.value.sel(learner=x)) for x in picks])
    return picks[int(np.nanargmin(np.abs(values - best)))]


def best_value(ds: xr.Dataset, rule: str, checkpoint=None, noise=None) -> pd.DataFrame:
    """Per N, the value of ``rule``'s swept option that retrieved most, and that maximum."""
    checkpoint = ds.checkpoint.values[-1] if checkpoint is None else checkpoint
    noise = ds.noise.values[0] if noise is None else noise
    mean = retrievable_mean(ds).sel(checkpoint=checkpoint, noise=noise)
    pick = ds.learner.values[ds.rule.values == rule]
    rows = []
    for N in ds.N.values:
        a = mean.alpha.sel(learner=pick, N=N)
        k = int(a.argmax("learner"))
        rows.append(
            {
                "N": int(N),
                "value": float(ds.value.sel(learner=pick[k])),
                "alpha": float(a[k]),
                "stderr": float(mean.stderr.sel(learner=pick[k], N=N)),
            }
        )
    return pd.DataFrame(rows)
