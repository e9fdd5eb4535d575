"""The capacity claims read hopsim.analysis.capacity: their verdicts follow synthetic data
drawn from a known finite-size law (tests/capacity_synthetic.py)."""

from __future__ import annotations

import capacity_synthetic as syn
import numpy as np
import pytest

from hopsim.analysis import capacity as cap
from hopsim.gallery.claims import (
    CAVEAT,
    CLAIMS,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_TESTED,
    evaluate,
)


def _check(claim_id: str, ds):
    claim = next(c for c in CLAIMS if c.id == claim_id)
    ((_, result),) = evaluate({"capacity": ds}, claims=[claim])
    return result


@pytest.fixture(scope="module")
def at_rs():
    return syn.dataset(np.random.default_rng(7), trials=200)


def test_a_limit_at_rs_holds_and_the_claim_quotes_the_analysis(at_rs):
    result = _check("capacity_ags", at_rs)
    assert result.verdict == HOLDS, result
    est = cap.estimate(at_rs)
    assert cap.estimate_text(est) in result.measured  # the analysis' own numbers
    assert "cannot separate" in result.note  # RS and 1RSB are 0.0003 apart
    assert "chi2/dof" in result.measured and "nu = 1/3" in result.measured


@pytest.mark.parametrize(
    ("alpha_inf", "ags", "rounded"),
    [(0.138, HOLDS, CAVEAT), (0.144, FAILS, CAVEAT), (0.150, FAILS, HOLDS), (0.12, FAILS, FAILS)],
)
def test_verdicts_follow_the_limit_of_the_data(alpha_inf, ags, rounded):
    ds = syn.dataset(np.random.default_rng(7), trials=200, alpha_inf=alpha_inf)
    assert _check("capacity_ags", ds).verdict == ags
    result = _check("capacity_015", ds)
    assert result.verdict == rounded, result
    if rounded == CAVEAT:
        assert "the fitted law gives alpha_1/2 = 0.15 at N =" in result.note


def test_too_few_sizes_or_too_few_trials_are_inconclusive():
    rng = np.random.default_rng(1)
    few_sizes = syn.dataset(rng, sizes=(1000, 2000, 4000), trials=100)
    result = _check("capacity_ags", few_sizes)
    assert result.verdict == INCONCLUSIVE and "3 usable sizes" in result.note
    coarse = syn.dataset(rng, sizes=(500, 1000, 2000, 4000), trials=4)
    for claim_id in ("capacity_ags", "capacity_015"):
        result = _check(claim_id, coarse)
        assert result.verdict == INCONCLUSIVE, result
        assert "too large to tell" in result.note or "unreliable" in result.note


def test_n200_claim_is_not_tested_without_its_point(at_rs):
    assert _check("error_n200_p100", at_rs).verdict == NOT_TESTED


def _rules(measured: dict[int, float]):
    """A rules-like dataset: Hebb's exact_capacity per N on the default load grid."""
    import xarray as xr

    from hopsim.experiments.rules import theory

    grid = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.17, 0.2, 0.25, 0.3]
    Ns = sorted(measured)
    return xr.Dataset(
        {
            "exact_capacity": (("rule", "N"), [[measured[N] for N in Ns]]),
            "alpha_exact_theory": (("rule", "N"), [[theory("hebb", N, {})[0] for N in Ns]]),
        },
        coords={"rule": ["hebb"], "N": Ns, "alpha": grid},
    )


def test_claim_27_compares_every_pattern_with_n_over_4_ln_n():
    claim = next(c for c in CLAIMS if c.id == "rule_hebb")

    def verdict(measured):
        ((_, result),) = evaluate({"rules": _rules(measured)}, claims=[claim])
        return result

    # the default run's measurement: 1.5-1.8 times the law, as the finite-N criterion says
    result = verdict({100: 0.10, 200: 0.08, 500: 0.06})
    assert result.verdict == CAVEAT and "N / (4 ln N)" in result.reference
    assert "law 0.054, at this N 0.100" in result.measured
    # exactly on the law's grid cell at every N (what N -> infinity would give)
    assert verdict({100: 0.04, 200: 0.04, 500: 0.04}).verdict == HOLDS
    # N / (2 ln N) - like values are neither
    assert verdict({100: 0.2, 200: 0.17, 500: 0.14}).verdict == FAILS
