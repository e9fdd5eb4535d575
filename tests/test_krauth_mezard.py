"""Krauth-Mezard learning of maximal stability against Gardner's theory and exact results.

Finite-size error of the mean margin (mean over the N neurons of min_mu Delta_i^mu, against
kappa_max(P / (N - 1))), measured over 5 pattern sets per point at alpha = 0.25-1.5
(docs/learning_rules.md): at N = 200 the means lie 0.002-0.010 above theory with a
seed-to-seed standard deviation of 0.001-0.005, at N = 500 0.0003-0.003 above, with 0.0003-0.001.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import compose_config
from scipy.optimize import linprog, minimize

from hopsim.config import ConfigError
from hopsim.dynamics import discrete
from hopsim.experiments import recall
from hopsim.learning import get_rule, learn
from hopsim.learning.stability import network_margins
from hopsim.network import Network
from hopsim.patterns import corrupt, random_patterns
from hopsim.rng import SeedTree
from hopsim.theory.gardner import alpha_c, cover_separable, gardner_integral, kappa_max


def _patterns(P, N, seed=0):
    return random_patterns(np.random.default_rng(seed), P, N)


def _margins_from_weights(W, X):
    """min_mu xi_i^mu h_i^mu / ||W_i|| written plainly (W_ii = 0 up to rounding)."""
    assert np.abs(np.diag(W)).max() < 1e-12
    W = W.copy()
    np.fill_diagonal(W, 0.0)
    return (X * (X @ W.T) / np.linalg.norm(W, axis=1)).min(axis=0)


# ----------------------------------------------------------------------------- Gardner, Cover


def test_gardner_values_quoted_by_the_literature():
    got = [kappa_max(a) for a in (0.25, 0.5, 1.0, 1.5)]
    np.testing.assert_allclose(got, [1.73, 1.03, 0.47, 0.19], atol=0.006)
    assert alpha_c(0.0) == pytest.approx(2.0, rel=1e-12)
    assert kappa_max(2.0) == 0.0 and math.isnan(kappa_max(2.5)) and math.isnan(kappa_max(0.0))
    assert alpha_c(0.5) == pytest.approx(0.961, abs=1e-3)  # Gardner 1988, Fig. 1
    assert alpha_c(1.0) == pytest.approx(0.520, abs=1e-3)


def test_gardner_closed_form_is_the_integral_and_kappa_max_its_inverse():
    from scipy import integrate, stats

    for k in (0.0, 0.3, 1.0, 2.5):
        quad, _ = integrate.quad(lambda t, k=k: stats.norm.pdf(t) * (t + k) ** 2, -k, np.inf)
        assert gardner_integral(k) == pytest.approx(quad, rel=1e-10)
    alphas = np.array([0.05, 0.3, 1.0, 1.9])
    np.testing.assert_allclose(alpha_c(kappa_max(alphas)), alphas, rtol=1e-10)
    assert np.all(np.diff(kappa_max(alphas)) < 0)


def _separable(points, labels):
    """Is there w with labels * (points @ w) >= 1? (a linear feasibility problem)"""
    A = -(labels[:, None] * points)
    res = linprog(
        np.zeros(points.shape[1]), A_ub=A, b_ub=-np.ones(len(labels)), bounds=(None, None)
    )
    return res.status == 0


@pytest.mark.parametrize(("P", "n"), [(6, 3), (8, 3), (8, 4)])
def test_cover_count_by_enumerating_every_dichotomy(P, n):
    points = np.random.default_rng(P * n).standard_normal((P, n))  # general position
    count = sum(_separable(points, np.array(y)) for y in itertools.product((-1.0, 1.0), repeat=P))
    assert count / 2**P == pytest.approx(cover_separable(P, n), abs=1e-12)
    assert cover_separable(2 * n, n) == pytest.approx(0.5)


# ----------------------------------------------------------------------------- optimality


def _max_margin_slsqp(X, i):
    """Neuron i's maximal stability from a general-purpose solver: 1 / min ||w||, s.t.
    xi_i^mu w . xi_{-i}^mu >= 1 (hard-margin SVM through the origin)."""
    Y = np.delete(X, i, axis=1).astype(float) * X[:, i : i + 1]
    cons = {"type": "ineq", "fun": lambda w: Y @ w - 1.0, "jac": lambda w: Y}
    w0 = Y.sum(axis=0) / len(Y)
    w0 = w0 / (Y @ w0).min()
    res = minimize(
        lambda w: w @ w, w0, jac=lambda w: 2 * w, constraints=[cons], method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500},
    )  # fmt: skip
    assert res.success
    return 1.0 / np.linalg.norm(res.x)


def test_reached_margin_is_the_maximal_one_of_a_general_solver():
    N, P = 25, 30  # alpha = 1.2, small enough for SLSQP
    X = _patterns(P, N, seed=3)
    c = learn("krauth_mezard", X, {"tolerance": 1e-6, "budget": 1e5})
    got = _margins_from_weights(c.weights(), X)
    want = np.array([_max_margin_slsqp(X, i) for i in range(N)])
    np.testing.assert_allclose(got, want, rtol=1e-4)
    assert c.info["converged_fraction"] == 1.0 and c.info["margin_gap_max"] <= 1e-6


def test_certified_bracket_holds_for_the_default_tolerance():
    N, P = 25, 30
    X = _patterns(P, N, seed=3)
    exact = _margins_from_weights(learn("krauth_mezard", X, {"tolerance": 1e-8}).weights(), X)
    c = learn("krauth_mezard", X)
    got = _margins_from_weights(c.weights(), X)
    assert np.all(got <= exact + 1e-9)  # nothing beats the maximum
    assert np.all(got >= (1 - 1e-3) * exact)  # within the certified tolerance
    assert c.info["margin_mean"] == pytest.approx(got.mean(), rel=1e-12)


# ----------------------------------------------------------------------------- Gardner at finite N


def _mean_margin(N, alpha, seeds):
    P = int(round(alpha * N))
    out = []
    for seed in seeds:
        X = _patterns(P, N, seed=1000 + seed)
        c = learn("krauth_mezard", X)
        assert c.info["converged_fraction"] == 1.0
        out.append(_margins_from_weights(c.weights(), X).mean())
    return np.array(out), kappa_max(P / (N - 1))


@pytest.mark.parametrize("alpha", [0.25, 0.5, 1.0])
def test_mean_margin_reaches_gardner_within_the_finite_size_error(alpha):
    # measured at N = 200 (5 seeds): mean - theory = +0.002..+0.010, sd <= 0.005; the
    # zero-margin perceptron of the old default reached 0.06 at alpha = 0.5, 0.015 at 1
    got, theory = _mean_margin(200, alpha, range(3))
    assert abs(got.mean() - theory) <= 0.015, (got, theory)
    assert got.std() <= 0.02


def test_margin_gap_to_gardner_shrinks_with_N():
    # alpha = 0.5: measured mean margin above kappa_max(P / (N - 1)) = 1.030 by 0.006 at
    # N = 200 and 0.002 at N = 500 (5 seeds, spread 0.003 and 0.0003): an O(1/N) correction
    small, t_small = _mean_margin(100, 0.5, range(3))
    large, t_large = _mean_margin(400, 0.5, range(3))
    assert abs(large.mean() - t_large) < abs(small.mean() - t_small)
    assert abs(large.mean() - t_large) <= 0.006


# ----------------------------------------------------------------------------- the point of it


def test_every_pattern_is_a_fixed_point_below_capacity():
    for alpha in (0.25, 1.0, 1.5):
        X = _patterns(int(alpha * 100), 100, seed=7)
        net = Network.learned(X, "krauth_mezard", mode="dense")
        np.testing.assert_array_equal(net.threshold_update(net.raw_fields(X), X), X)
        assert np.all(network_margins(net, X) > 0)


def _recall_overlap(rule, N, alpha, noise, seed=0):
    P = int(round(alpha * N))
    X = _patterns(P, N, seed=seed)
    seeds = SeedTree(seed)
    k = min(P, 20)
    cues = corrupt(X[:k], "flip", noise, [seeds.generator("c", j) for j in range(k)])
    net = Network.learned(X, rule, mode="dense")
    final = discrete.run(net, cues, "async", 50, [seeds.generator("d", j) for j in range(k)])
    return float(np.mean(np.einsum("bi,bi->b", final.final.astype(float), X[:k]) / N))


@pytest.mark.parametrize("alpha", [0.1, 0.25])
def test_large_basins_at_low_load_where_hebb_fails(alpha):
    # 10% flipped bits, N = 400, 20 cues: the zero-margin perceptron ended at 0.15-0.7
    km = _recall_overlap("krauth_mezard", 400, alpha, 0.1)
    hebb = _recall_overlap("hebb", 400, alpha, 0.1)
    assert km > 0.9, km
    if alpha > 0.138:  # past Hebb's alpha_c
        assert hebb < 0.5, hebb


def test_fixed_margin_option_reaches_kappa_and_stops_there():
    N, P = 200, 200  # alpha = 1, kappa_max = 0.47
    X = _patterns(P, N, seed=6)
    for kappa in (0.0, 0.3):
        c = learn("krauth_mezard", X, {"kappa": kappa})
        got = _margins_from_weights(c.weights(), X)
        assert np.all(got >= kappa) and np.all(got > 0)
        assert c.info["converged_fraction"] == 1.0 and c.info["target"].startswith("fixed")
        assert got.mean() < kappa_max(P / (N - 1)) - 0.05  # it stopped early: not maximal
    c = learn("krauth_mezard", X, {"kappa": 0.6})  # beyond kappa_max: ends at the maximum
    got = _margins_from_weights(c.weights(), X)
    assert c.info["converged_fraction"] == 0.0
    assert got.mean() == pytest.approx(kappa_max(P / (N - 1)), abs=0.015)


def test_storage_past_capacity_spends_the_budget_and_reports_it():
    X = _patterns(220, 100, seed=2)  # alpha = 2.2 > 2: no couplings stabilise everything
    c = learn("krauth_mezard", X, {"budget": 30})
    assert c.info["sweeps_max"] == 30 and c.info["converged_fraction"] == 0.0
    assert c.info["budget_sweeps"] == 30 and c.info["stable_neuron_fraction"] < 0.5
    # Cover: a neuron's 220 bits are separable in 99 dimensions with probability ~ 0.06
    assert cover_separable(220, 99) < 0.1


# ----------------------------------------------------------------------------- model facts, config


def test_couplings_are_real_asymmetric_unit_rows_without_compact_storage():
    X = _patterns(30, 50, seed=13)
    c = learn("krauth_mezard", X)
    W = c.weights()
    np.testing.assert_allclose(np.linalg.norm(W, axis=1), 1.0, rtol=1e-12)
    assert not c.integer and not np.allclose(W, W.T) and np.abs(np.diag(W)).max() < 1e-12
    assert get_rule("krauth_mezard").modes() == ("dense", "lowrank")
    with pytest.raises(ValueError, match="mode='compact' is not allowed"):
        Network.learned(X, "krauth_mezard", mode="compact")


def test_info_reports_algorithm_criterion_budget_and_margins():
    cfg = compose_config(
        "network.N=60", "patterns.P=12", "trials=1", "network.learning=krauth_mezard"
    )
    ds = recall.run(recall.parameters(cfg), SeedTree(0))
    assert ds.attrs["learning_algorithm"].startswith("AdaTron")
    assert ds.attrs["learning_target"] == "maximal stability"
    assert ds.attrs["learning_budget_sweeps"] == 1000 and ds.attrs["learning_tolerance"] == 1e-3
    assert ds.attrs["learning_converged_fraction"] == 1.0
    assert ds.attrs["learning_margin_mean"] == pytest.approx(kappa_max(12 / 59), abs=0.25)
    assert 0 < ds.attrs["learning_margin_min"] <= ds.attrs["learning_margin_mean"]


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("kappa", "nan"), ("kappa", "-0.1"), ("kappa", "inf"), ("kappa", "'x'"), ("kappa", "11"),
        ("budget", "0"), ("budget", "-5"), ("budget", "nan"), ("budget", "1e9"),
        ("tolerance", "0"), ("tolerance", "nan"), ("tolerance", "1"), ("tolerance", "[1e-3]"),
    ],
)  # fmt: skip
def test_bad_options_get_one_line_errors(key, bad):
    with pytest.raises(ConfigError, match=rf"network\.learning_options\.{key}="):
        recall.parameters(
            compose_config(
                "network.learning=krauth_mezard", f"network.learning_options.{key}={bad}"
            )
        )


def test_hours_of_learning_are_refused_before_any_work():
    from hopsim import experiments
    from hopsim.resources import ResourceError

    given = ["network.learning", "network.N", "patterns.alpha"]
    cfg = compose_config(
        "network.learning=krauth_mezard", "network.N=4000", "patterns.alpha=2.2"
    )  # 4000 x 1000 sweeps x 8800^2: days
    with pytest.raises(ResourceError, match=r"^network\.N=4000 would run for ~4"):
        experiments.check_estimate(recall, experiments.prepare(recall, cfg), given)
    ok = compose_config("network.learning=krauth_mezard", "network.N=2000", "patterns.alpha=1.5")
    cost = experiments.check_estimate(recall, experiments.prepare(recall, ok), given)
    assert cost.seconds < 86_400  # the default budget at alpha = 1.5: allowed
