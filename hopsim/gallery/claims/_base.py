"""Claims, results and verdicts: the mechanism every claim family uses, and its helpers."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import xarray as xr

HOLDS = "holds"
CAVEAT = "holds with a caveat"
FAILS = "does not hold"
INCONCLUSIVE = "inconclusive"  # the effect is within the measured spread: cannot decide
NOT_TESTED = "not tested"  # the condition the claim is about never occurred in the data
UNCHECKED = "not checked"  # a run the claim needs produced no dataset
VERDICTS = (HOLDS, CAVEAT, INCONCLUSIVE, NOT_TESTED, FAILS, UNCHECKED)

REPORT = "source report"  # the report on the single-neuron model, small networks and images
COMPARISON = "first source document"  # Hopfield networks compared with RNNs


@dataclass(frozen=True)
class Result:
    """What a check found."""

    reference: str
    measured: str
    verdict: str
    note: str = ""


@dataclass(frozen=True)
class Claim:
    """One row of the claims table."""

    id: str
    source: str
    statement: str
    needs: tuple[str, ...]
    check: Callable[[Mapping[str, xr.Dataset]], Result]


CLAIMS: list[Claim] = []


def claim(id: str, source: str, statement: str, *needs: str):
    """Register the decorated check as the claim ``id`` (it reads the runs ``needs``)."""

    def register(check):
        if any(c.id == id for c in CLAIMS):
            raise ValueError(f"claim {id!r} registered twice")
        CLAIMS.append(Claim(id, source, statement, needs, check))
        return check

    return register


def evaluate(
    data: Mapping[str, xr.Dataset],
    failures: Mapping[str, str] | None = None,
    claims: list[Claim] | None = None,
):
    """Check every claim (or ``claims``) against ``data`` (entry name -> dataset).

    Returns ``[(Claim, Result)]``. A claim whose runs are missing is ``not checked``, with
    the reason from ``failures``.
    """
    failures = failures or {}
    rows = []
    for c in CLAIMS if claims is None else claims:
        missing = [n for n in c.needs if n not in data]
        if missing:
            why = "; ".join(f"{n}: {failures.get(n, 'not run')}" for n in missing)
            rows.append((c, Result("", "", UNCHECKED, f"no dataset ({why})")))
            continue
        try:
            rows.append((c, c.check(data)))
        except Exception as exc:  # a broken check is a bug: reported, and the command fails
            note = f"check error: {type(exc).__name__}: {exc}"
            rows.append((c, Result("", "", UNCHECKED, note)))
    return rows


# ---------------------------------------------------------------------------- helpers


def fraction(hits, total) -> tuple[float, float]:
    """Binomial fraction and its standard error (0 for n = 0)."""
    hits, total = float(hits), float(total)
    if total <= 0:
        return math.nan, math.nan
    p = hits / total
    return p, math.sqrt(max(p * (1 - p), 0.0) / total)


def pct(hits, total) -> str:
    """``p +/- se (k/n)``; at 0 or n hits the 95% one-sided bound instead (rule of three)."""
    p, se = fraction(hits, total)
    k, n = int(hits), int(total)
    if n > 0 and k == 0:
        return f"0% (0/{n}; below {100 * 3 / n:.2g}% at 95%)"
    if n > 0 and k == n:
        return f"100% ({n}/{n}; above {100 - 100 * 3 / n:.3g}% at 95%)"
    return f"{100 * p:.1f}% +/- {100 * se:.1f}% ({k}/{n})"


def at_least(p: float, se: float, bound: float) -> str:
    """Is ``p > bound`` beyond two standard errors (holds), within them (caveat), or not?"""
    if p - 2 * se > bound:
        return HOLDS
    if p + 2 * se > bound:
        return CAVEAT
    return FAILS


def agreement(z: float, lo: float = 2.0, hi: float = 4.0) -> str:
    """Verdict from a deviation in standard errors: <= lo holds, <= hi caveat, else fails."""
    z = abs(z)
    return HOLDS if z <= lo else CAVEAT if z <= hi else FAILS


def agreement_note(z: float, lo: float = 2.0, hi: float = 4.0, why: str = "") -> str:
    """The note that goes with :func:`agreement`'s caveat (empty otherwise)."""
    if lo < abs(z) <= hi:
        return f"off by {abs(z):.1f} standard errors (between {lo:g} and {hi:g})" + (
            f": {why}" if why else ""
        )
    return ""


def all_of(*verdicts: str) -> str:
    """The weakest of several verdicts (does not hold > not tested > inconclusive > caveat)."""
    order = {HOLDS: 0, CAVEAT: 1, INCONCLUSIVE: 2, NOT_TESTED: 3, FAILS: 4}
    return max(verdicts, key=order.__getitem__)
