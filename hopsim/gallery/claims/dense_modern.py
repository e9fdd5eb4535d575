"""Dense associative memories and the modern Hopfield network."""

from __future__ import annotations

import math

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_TESTED,
    UNCHECKED,
    Result,
    agreement,
    agreement_note,
    all_of,
    at_least,
    claim,
)


@claim(
    "dense_slopes",
    "issue 10; theory (Krotov and Hopfield 2016)",
    "The per-pattern capacity of F(x) = x^n grows like N^(n-1) / ln N: its log-log slope over "
    "the sizes measured matches the law's local slope",
    "dense_capacity",
)
def _dense_slopes(d):
    from hopsim.analysis.dense import capacity_growth

    growth = {
        k: g
        for k, g in capacity_growth(d["dense_capacity"], "pattern").items()
        if g.kind == "slope"
    }
    if not growth:
        return Result("slope of N^(n-1)/ln N", "", NOT_TESTED, "no polynomial bracketed at 2 sizes")
    parts, verdicts, notes = [], [], []
    for name, g in growth.items():
        span = f"N {g.sizes[0]}..{g.sizes[-1]}"
        parts.append(
            f"{name}: slope {g.measured:.2f} +/- {g.error:.2f} (law {g.predicted:.2f}, {span})"
        )
        if not g.error > 0:
            verdicts.append(INCONCLUSIVE)
            notes.append(f"{name}: no error (one network per size)")
            continue
        verdicts.append(agreement(g.z))
        if agreement(g.z) != HOLDS:
            notes.append(
                f"{name}: {agreement_note(g.z)}"
                if agreement(g.z) == CAVEAT
                else f"{name}: off by {abs(g.z):.1f} standard errors"
            )
    ordered = [growth[k].measured for k in sorted(growth, key=lambda k: int(k.lstrip("rpoly")))]
    steeper = all(b > a for a, b in zip(ordered, ordered[1:], strict=False))
    if not steeper:
        verdicts.append(FAILS)
        notes.append("the slope does not grow with n")
    return Result(
        "slope of N^(n-1)/ln N (errors: bootstrap over the networks)",
        "; ".join(parts) + f"; steeper for larger n: {steeper}",
        all_of(*verdicts),
        "; ".join(notes),
    )


@claim(
    "dense_exponential",
    "issue 10; theory (Demircigil et al. 2017)",
    "With F = exp the capacity grows exponentially in N: the number of patterns that are all "
    "fixed points grows at least at Demircigil et al.'s guaranteed rate ln(2)/2 per neuron",
    "dense_capacity",
)
def _dense_exp(d):
    from hopsim.analysis.dense import capacity_growth
    from hopsim.theory.dense import exponential_rate

    law = exponential_rate()
    g = capacity_growth(d["dense_capacity"], "all").get("exp")
    if g is None or len(g.sizes) < 3:
        return Result(f"rate >= {law:.3f}", "", NOT_TESTED, "fewer than three exp sizes bracketed")
    measured = (
        f"all patterns fixed: d ln C / dN = {g.measured:.3f} +/- {g.error:.3f} over "
        f"N = {g.sizes[0]}..{g.sizes[-1]} (C = {', '.join(f'{c:.3g}' for c in g.capacities)})"
    )
    if not g.error > 0:
        return Result(f"rate >= {law:.3f}", measured, INCONCLUSIVE, "no error (one network)")
    verdict = at_least(g.measured, g.error, law)
    note = "the rate is within 2 standard errors of the bound" if verdict == CAVEAT else ""
    return Result(f"rate >= {law:.3f} (all patterns fixed)", measured, verdict, note)


def _regimes(ds, kind):
    from hopsim.modern import REGIMES

    r = ds.regime.sel(kind=kind)
    return {name: (r == code).mean(["query"]) for code, name in enumerate(REGIMES)}


@claim(
    "modern_regimes",
    "issue 10; theory (Ramsauer et al. 2020)",
    "The softmax update ends on the global average for small beta and on single patterns for "
    "large beta; metastable mixtures appear only with correlated (clustered) patterns",
    "modern",
)
def _modern(d):
    ds = d["modern"]
    kinds = [str(k) for k in ds.kind.values]
    parts, ok = [], True
    for kind in kinds:
        fr = _regimes(ds, kind)
        P = ds.P.values.max()
        glob = fr["global"].sel(P=P)
        single = fr["single"].sel(P=P)
        meta = fr["metastable"].sel(P=P)
        bg = float(ds.beta_global.sel(kind=kind, P=P))
        low = ds.beta.values[ds.beta.values < bg]
        g_low = float(glob.sel(beta=low).mean()) if low.size else math.nan
        s_high = float(single.isel(beta=-1))
        m_max = float(meta.max())
        parts.append(
            f"{kind} (P={int(P)}): global {g_low:.0%} below beta={bg:.2g}, single "
            f"{s_high:.0%} at beta={ds.beta.values[-1]:g}, metastable at most {m_max:.0%}"
        )
        ok &= (g_low >= 0.9 if low.size else True) and s_high >= 0.9
        if kind == "clustered":
            ok &= m_max > 0.1
        elif kind == "sphere":
            ok &= m_max <= 0.1
    return Result(
        "global / single / metastable (clustered only)", "; ".join(parts), HOLDS if ok else FAILS
    )


@claim(
    "modern_bound",
    "issue 10; theory (Ramsauer et al. 2020, theorem 4)",
    "One update retrieves a well-separated pattern within the paper's error bound",
    "modern",
)
def _bound(d):
    ds = d["modern"]
    err, bound = ds.one_step_error.values, ds.bound.values
    usable = np.isfinite(bound) & (bound < 1.0) & np.isfinite(err)
    k = int(np.sum(err[usable] <= bound[usable] * (1 + 1e-9) + 1e-12))
    n = int(usable.sum())
    if n == 0:
        return Result("error <= bound", "no query where the bound applies", UNCHECKED)
    return Result(
        "one-step error <= bound",
        f"{k} of {n} queries where the bound is below 1 (bound applies) are within it",
        HOLDS if k == n else FAILS,
    )


@claim(
    "modern_grey",
    COMPARISON + " 1.2 and 4; issue 10",
    "Discrete +/-1 states cannot hold continuous data; the modern network stores grey-level "
    "pictures and restores them from masked and noisy queries",
    "modern",
)
def _grey(d):
    ds = d["modern"]
    top = ds.picture_top.values  # (query_kind, image)
    own = np.arange(ds.sizes["image"])[None, :]
    hits = int(np.sum(top == own))
    err_q = ds.picture_error_query.values
    err_f = ds.picture_error_fixed.values
    measured = (
        f"{hits} of {top.size} queries end on their own picture; error "
        f"{err_q.mean():.3f} in the query -> {err_f.mean():.3g} at the fixed point "
        f"(grey levels, {ds.sizes['row']} x {ds.sizes['col']})"
    )
    return Result(
        "own picture, error reduced",
        measured,
        HOLDS if hits == top.size and err_f.mean() < 0.1 * err_q.mean() else FAILS,
    )
