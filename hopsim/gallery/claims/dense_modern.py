"""Dense associative memories and the modern Hopfield network."""

from __future__ import annotations

import math

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    FAILS,
    HOLDS,
    UNCHECKED,
    Result,
    all_of,
    claim,
)


@claim(
    "dense_slopes",
    "issue 10; theory (Krotov and Hopfield 2016)",
    "The capacity of F(x) = x^n grows like N^(n-1) / ln N: its log-log slope over the sizes "
    "measured matches the law's local slope within 0.3",
    "dense_capacity",
)
def _dense_slopes(d):
    from hopsim.theory.dense import local_slope

    ds = d["dense_capacity"]
    parts, verdicts, slopes, off = [], [], {}, []
    for name in ds.energy.values:
        name = str(name)
        if not name.startswith("poly"):
            continue
        n = int(name[4:])
        cap = ds.capacity_pattern.sel(energy=name)
        keep = np.isfinite(cap.values)
        Ns, C = ds.N.values[keep].astype(float), cap.values[keep]
        if len(Ns) < 2:
            parts.append(f"{name}: fewer than two sizes")
            verdicts.append(CAVEAT)
            continue
        slope = float(np.polyfit(np.log(Ns), np.log(C), 1)[0])
        law = local_slope(Ns.min(), Ns.max(), n)
        slopes[n] = slope
        span = f"N {int(Ns.min())}..{int(Ns.max())}"
        parts.append(f"n={n}: slope {slope:.2f} (law {law:.2f}, {span})")
        verdicts.append(HOLDS if abs(slope - law) <= 0.3 else FAILS)
        if abs(slope - law) > 0.3:
            off.append(f"n={n} off by {abs(slope - law):.2f}")
    ordered = [slopes[k] for k in sorted(slopes)]
    grows = all(b > a for a, b in zip(ordered, ordered[1:], strict=False))
    if not grows:
        verdicts.append(FAILS)
    return Result(
        "slope of N^(n-1)/ln N",
        "; ".join(parts) + f"; steeper for larger n: {grows}",
        all_of(*verdicts) if verdicts else UNCHECKED,
        ("; ".join(off) + " (more than 0.3 from the law's local slope)") if off else "",
    )


@claim(
    "dense_exponential",
    "issue 10; theory (Demircigil et al. 2017)",
    "With F = exp the capacity grows exponentially in N, at least at Demircigil et al.'s "
    "guaranteed rate ln(2)/2 per neuron",
    "dense_capacity",
)
def _dense_exp(d):
    from hopsim.theory.dense import exponential_rate

    ds = d["dense_capacity"]
    if "exp" not in ds.energy.values:
        return Result("ln 2 / 2", "", UNCHECKED, "no exp energy in the run")
    cap = ds.capacity_pattern.sel(energy="exp")
    keep = np.isfinite(cap.values)
    Ns, C = ds.N.values[keep].astype(float), cap.values[keep]
    law = exponential_rate()
    if len(Ns) < 3:
        return Result(f">= {law:.3f}", f"{len(Ns)} sizes", UNCHECKED, "needs three sizes")
    (rate, _), cov = np.polyfit(Ns, np.log(C), 1, cov=True)
    rate, se = float(rate), float(np.sqrt(cov[0, 0]))
    resid = np.log(C) - np.polyval(np.polyfit(Ns, np.log(C), 1), Ns)
    r2 = 1 - float(np.sum(resid**2) / np.sum((np.log(C) - np.log(C).mean()) ** 2))
    measured = (
        f"d ln C / dN = {rate:.3f} +/- {se:.3f} over N = {int(Ns.min())}..{int(Ns.max())} "
        f"(C = {', '.join(f'{c:.3g}' for c in C)}; straight on a log scale: R^2 = {r2:.3f})"
    )
    if r2 >= 0.95 and rate - 2 * se >= law:
        return Result(f"rate >= {law:.3f}", measured, HOLDS)
    if r2 >= 0.95 and rate + 2 * se >= law:
        return Result(f"rate >= {law:.3f}", measured, CAVEAT, "the rate is within 2 errors")
    return Result(f"rate >= {law:.3f}", measured, FAILS)


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
