"""Learning rules: each rule's capacity law, Storkey against Hebb, covariance on biased patterns."""

from __future__ import annotations

import math

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    FAILS,
    HOLDS,
    UNCHECKED,
    Result,
    all_of,
    claim,
    fraction,
    pct,
)


def _rule_capacity(ds, rule):
    """(measured, theory, next grid load) per N for one rule."""
    rows = []
    grid = np.sort(ds.alpha.values)
    for N in ds.N.values:
        a = float(ds.exact_capacity.sel(rule=rule, N=N))
        t = float(ds.alpha_exact_theory.sel(rule=rule, N=N))
        above = grid[grid > a + 1e-12]
        rows.append((int(N), a, t, float(above[0]) if above.size else math.inf))
    return rows


def _rule_claim(rule: str, theory: str, statement: str):
    @claim(f"rule_{rule}", "issue 9 (learning rules)", statement, "rules")
    def _check(d):
        ds = d["rules"]
        if rule not in ds.rule.values:
            return Result(theory, "", UNCHECKED, f"{rule} not in rules.names")
        rows = _rule_capacity(ds, rule)
        grid = np.sort(ds.alpha.values)
        verdicts, parts = [], []
        for N, a, t, nxt in rows:
            parts.append(f"N={N}: {a:g} (next load {nxt:g}; theory {t:.3g})")
            below = grid[grid < a - 1e-12]
            prev = float(below[-1]) if below.size else 0.0
            step_up = (nxt - a) if math.isfinite(nxt) else 0.0
            if a - 1e-9 <= t <= nxt + 1e-9:
                verdicts.append(HOLDS)
            elif prev - 1e-9 <= t <= nxt + step_up + 1e-9 or abs(a - t) <= 0.25 * t:
                verdicts.append(CAVEAT)
            else:
                verdicts.append(FAILS)
        verdict = all_of(*verdicts)
        note = ""
        if verdict == CAVEAT:
            note = (
                "within one grid step (or 25%) of the law, which is asymptotic: its ln N "
                "corrections are large at these N, and 'every pattern stable in half of the "
                "networks' is read off a coarse load grid"
            )
        if rule == "krauth_mezard" and verdict != HOLDS:
            options = str(ds.attrs.get("learning_options", ""))
            budget = next(
                (p.strip() for p in options.split(";") if p.strip().startswith(rule)), options
            )
            note = (
                "minover's learning time diverges as alpha -> 2; the run's step budget "
                f"({budget}, in units of P) stops it below Gardner's bound"
            )
        return Result(
            theory, "largest load with every pattern stable: " + "; ".join(parts), verdict, note
        )

    return _check


_rule_claim(
    "hebb",
    "N / (2 ln N) patterns stored exactly",
    "Hebb stores ~N/(2 ln N) patterns with every one a fixed point",
)
_rule_claim(
    "storkey",
    "N / sqrt(2 ln N) (Storkey 1997)",
    "Storkey's rule stores ~N/sqrt(2 ln N) patterns exactly, more than Hebb",
)
_rule_claim(
    "pseudo_inverse",
    "alpha = 1 (Personnaz et al. 1985)",
    "The projection rule makes every linearly independent pattern a fixed point, up to P = N",
)
_rule_claim(
    "krauth_mezard",
    "alpha = 2 at kappa = 0 (Gardner 1988)",
    "Perceptron learning of maximal stability stores up to alpha = 2 (Gardner's bound)",
)


@claim(
    "storkey_beats_hebb",
    "issue 9 (learning rules)",
    "Storkey's rule stores more patterns than Hebb's at the same N",
    "rules",
)
def _storkey_hebb(d):
    ds = d["rules"]
    if not {"storkey", "hebb"} <= set(ds.rule.values):
        return Result("storkey > hebb", "", UNCHECKED, "rules.names lacks hebb or storkey")
    parts, ok = [], True
    for N in ds.N.values:
        s = float(ds.exact_capacity.sel(rule="storkey", N=N))
        h = float(ds.exact_capacity.sel(rule="hebb", N=N))
        ok &= s > h
        parts.append(f"N={int(N)}: storkey {s:g}, hebb {h:g}")
    return Result("storkey > hebb at every N", "; ".join(parts), HOLDS if ok else FAILS)


@claim(
    "covariance_biased",
    "issue 9 (learning rules)",
    "With biased patterns (P(+1) = 0.8) the covariance rule recalls them where Hebb "
    "collapses onto the mean pattern",
    "recall_biased",
)
def _covariance(d):
    ds = d["recall_biased"]
    res = {}
    for rule in ("hebb", "covariance"):
        c = ds.sel(learning=rule)
        exact = c.overlap.values >= 1 - 1e-12
        res[rule] = (int(exact.sum()), int(exact.size), float(c.overlap.mean()))
    (kh, nh, mh), (kc, nc, mc) = res["hebb"], res["covariance"]
    measured = (
        f"bias {float(ds.bias):g}, N={int(ds.N)}, P={int(ds.P)}: exact recalls hebb "
        f"{pct(kh, nh)} (mean overlap {mh:.3f}), covariance {pct(kc, nc)} (mean overlap {mc:.3f})"
    )
    pc, sec = fraction(kc, nc)
    ph, seh = fraction(kh, nh)
    ok = pc - ph > 2 * math.hypot(sec, seh) and pc > 0.9
    return Result("covariance recalls, Hebb does not", measured, HOLDS if ok else FAILS)
