"""The capacity analysis against data drawn from a known finite-size law.

Synthetic datasets (tests/capacity_synthetic.py) draw the trials retrieved in every cell
from a logistic in alpha whose crossing follows ``alpha_inf + a N^(-nu)``; the analysis must
recover the law within its bootstrap error, give chi^2/dof near 1 (its per-size errors are
right), bootstrap errors the size of the spread between independent datasets, and a larger
error when cells scatter more than binomially. Tolerances follow from the number of
datasets drawn (stated at each test).
"""

from __future__ import annotations

import math

import capacity_synthetic as syn
import numpy as np
import pytest

from hopsim.analysis import capacity as ac
from hopsim.analysis import fits
from hopsim.rng import SeedTree


def _transition(ds, seed: int, replicates: int = 200):
    crit = ac.criteria(ds)[0]
    retrieved, measured, cued = ac.trial_outcomes(ds, crit)
    rng = SeedTree(seed).generator("test")
    alpha = ds.alpha.values
    cells = (retrieved[:, 0], measured[:, 0], cued[:, 0])
    return ac.transition(alpha, *cells, replicates, rng, int(ds.N.values[0]))[0]


def test_logistic_fit_recovers_a_noiseless_crossing():
    alpha = np.linspace(0.13, 0.17, 21)
    total = np.full(alpha.size, 1e6)
    p = 1 / (1 + np.exp((alpha - 0.1512) / 0.004))
    fit = fits.fit_logistic(alpha, total * p, total)
    assert fit.alpha_half[0] == pytest.approx(0.1512, abs=1e-7)
    assert fit.width[0] == pytest.approx(0.004, rel=1e-5)
    assert fit.deviance[0] == pytest.approx(0.0, abs=1e-6)


def test_logistic_fit_of_perfectly_separated_data_puts_the_crossing_in_the_gap():
    alpha = np.array([0.10, 0.12, 0.14, 0.16])
    fit = fits.fit_logistic(alpha, np.array([50, 50, 0, 0]), np.full(4, 50))
    assert fit.separated[0] and 0.12 < fit.alpha_half[0] < 0.14


def test_law_fit_recovers_exact_data_with_a_fitted_exponent():
    N = np.array(syn.SIZES, dtype=float)
    y = 0.1379 + 0.7 * N**-0.41
    inf, amp, nu, chi2 = fits.fit_law(N, y, np.full(N.size, 1e-4))
    assert nu[0] == pytest.approx(0.41, abs=2e-4)  # grid step 0.005, refined by a parabola
    assert inf[0] == pytest.approx(0.1379, abs=2e-5)
    assert amp[0] == pytest.approx(0.7, rel=2e-3)
    inf, amp, nu, chi2 = fits.fit_law(N, y, np.full(N.size, 1e-4), nu=0.41)
    assert chi2[0] == pytest.approx(0.0, abs=1e-12) and inf[0] == pytest.approx(0.1379)


def test_estimate_recovers_the_law_within_its_bootstrap_error():
    ds = syn.dataset(np.random.default_rng(7), trials=200)
    est = ac.estimate(ds, replicates=200)
    free = est.best
    assert est.reliable, est.problems
    assert abs(free.alpha_inf - syn.LAW["alpha_inf"]) < 3 * free.stderr
    assert free.nu_ci95[0] <= syn.LAW["nu"] <= free.nu_ci95[1]
    assert free.stderr < 0.002  # 7 sizes to N = 32000: the limit to a few 1e-4
    for size in est.sizes:
        assert abs(size.alpha_half - syn.law_alpha_half(size.N)) < 4 * size.stderr
    # nu = 1/3 is far outside: its fit is poor and its limit wrong
    third = est.laws["nu = 1/3"]
    assert third.chi2_dof > 10 and abs(third.alpha_inf - 0.138) > 5 * third.stderr


def test_chi2_per_dof_is_near_one_and_errors_cover_the_truth():
    """20 datasets, 4 dof each: mean chi2/dof has sd sqrt(2/4/20) = 0.16, so |mean - 1| <
    0.5 is 3 sd; the rms of (estimate - truth) / error has sd ~ 1/sqrt(40) = 0.16."""
    chi2, z = [], []
    for seed in range(20):
        ds = syn.dataset(np.random.default_rng(seed), trials=200)
        free = ac.estimate(ds, replicates=200).best
        chi2.append(free.chi2_dof)
        z.append((free.alpha_inf - syn.LAW["alpha_inf"]) / free.stderr)
    assert abs(np.mean(chi2) - 1) < 0.5, chi2
    assert 0.5 < math.sqrt(np.mean(np.square(z))) < 1.5, z


@pytest.mark.parametrize("spread", [0.0, 0.6])
def test_bootstrap_error_matches_the_spread_of_independent_datasets(spread):
    """100 independent datasets of one size: the sd of alpha_1/2 between them is known to
    ~7% (1/sqrt(2 x 100)), so the median bootstrap error must agree within 25%. With a
    cell-to-cell spread (spread > 0: networks that differ), resampling trials alone is too
    small and the dispersion factor restores the error."""
    found = [
        _transition(syn.dataset(np.random.default_rng(500 + s), sizes=(2000,), spread=spread), s)
        for s in range(100)
    ]
    sd = np.std([f.alpha_half for f in found], ddof=1)
    assert sd / np.median([f.stderr for f in found]) == pytest.approx(1.0, abs=0.25)
    trial_ratio = sd / np.median([f.trial_stderr for f in found])
    if spread:
        assert trial_ratio > 1.8 and np.mean([f.dispersion for f in found]) > 3
    else:
        assert trial_ratio == pytest.approx(1.0, abs=0.25)


def test_repeated_cues_of_one_pattern_are_resampled_together():
    """A cell whose 100 trials cue 10 patterns, 10 times each with the same outcome, has the
    information of 10 trials: the bootstrap spread must be that of 10, not 100."""
    retrieved = np.zeros((1, 1, 100), dtype=bool)
    retrieved[0, 0, :50] = True
    cued = np.repeat(np.arange(10), 10)[None, None, :]
    rng = np.random.default_rng(0)
    hits, total = ac.resample(retrieved, np.ones_like(retrieved), cued, 4000, rng)
    assert np.all(total == 100)
    frac = hits[:, 0] / 100
    assert np.std(frac) == pytest.approx(math.sqrt(0.25 / 10), rel=0.1)


def test_combine_pools_seeds_and_refuses_the_same_network_twice():
    rng = np.random.default_rng(3)
    a = syn.dataset(rng, sizes=(1000, 2000), trials=50)
    b = syn.dataset(rng, sizes=(1000, 4000), trials=80)
    b.attrs["seed"] = 1
    both = ac.combine([a, b])
    assert list(both.seed.values) == [0, 1] and list(both.N.values) == [1000, 2000, 4000]
    hits, total = ac.retrieval_counts(both, ac.criteria(both)[0])
    assert total[0, 2].sum() == 0 and total[1, 1].sum() == 0  # never run: nothing counted
    assert total[0, 0].sum() == np.isfinite(a.overlap.sel(N=1000)).sum()
    with pytest.raises(ac.CapacityDataError, match="repeats seed=0, N=1000"):
        ac.combine([a, a])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -3.0, 1.5, "0.9", None])
def test_bad_threshold_is_refused(bad):
    ds = syn.dataset(np.random.default_rng(0), sizes=(1000,), trials=10)
    with pytest.raises(ac.CapacityDataError, match="threshold="):
        ac.estimate(ds, ac.Criterion(0.0, bad))


@pytest.mark.parametrize("bad", [0, 5, -1, 2.5, True])
def test_bad_replicates_are_refused(bad):
    ds = syn.dataset(np.random.default_rng(0), sizes=(1000,), trials=10)
    with pytest.raises(ac.CapacityDataError, match="replicates="):
        ac.estimate(ds, replicates=bad)


def test_a_noise_level_the_run_lacks_is_refused():
    ds = syn.dataset(np.random.default_rng(0), sizes=(1000,), trials=10)
    with pytest.raises(ac.CapacityDataError, match="noise=0.2"):
        ac.estimate(ds, ac.Criterion(0.2))


def test_too_few_sizes_give_no_extrapolation_and_say_why():
    ds = syn.dataset(np.random.default_rng(0), sizes=(1000, 2000, 4000), trials=50)
    est = ac.estimate(ds, replicates=50)
    assert est.best is None and not est.reliable
    assert "3 usable sizes" in ac.estimate_text(est)


def test_the_rs_and_1rsb_limits_cannot_be_told_apart_at_this_precision():
    ds = syn.dataset(np.random.default_rng(7), trials=200)
    comparison = ac.compare_theory(ac.estimate(ds, replicates=200).best)
    assert not comparison.separable and "cannot separate" in comparison.text
    assert ac.RSB1_ALPHA_C - ac.RS_ALPHA_C == pytest.approx(0.0003, abs=5e-5)


def test_a_size_without_a_cue_noise_is_left_out_of_that_criterion_only():
    rng = np.random.default_rng(4)
    both = syn.dataset(rng, sizes=(1000, 2000), trials=40, noises=(0.0, 0.1))
    clean = syn.dataset(rng, sizes=(4000,), trials=40, noises=(0.0,))
    ds = ac.combine([both, clean])
    pattern, noisy = (ac.estimate(ds, c, replicates=20) for c in ac.criteria(ds))
    assert [s.N for s in pattern.sizes] == [1000, 2000, 4000]
    assert [s.N for s in noisy.sizes] == [1000, 2000]
