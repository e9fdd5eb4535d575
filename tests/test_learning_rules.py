"""Learning rules against their textbook formulas, and the physics each one promises."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import compose_config

from hopsim.config import ConfigError
from hopsim.dynamics import discrete
from hopsim.experiments import capacity, recall
from hopsim.learning import get_rule, learn, rule_names
from hopsim.network import Network
from hopsim.patterns import corrupt, random_patterns
from hopsim.rng import SeedTree


def _patterns(P, N, seed=0, bias=0.0):
    return random_patterns(np.random.default_rng(seed), P, N, bias)


# ----------------------------------------------------------------------------- textbook formulas


def _storkey_textbook(X):
    """Storkey (1997) written plainly: loops over i, j and the local fields h_ij."""
    P, N = X.shape
    W = np.zeros((N, N))
    for xi in X.astype(float):
        new = W.copy()
        for i in range(N):
            for j in range(N):
                if i == j:
                    continue
                hij = sum(W[i, k] * xi[k] for k in range(N) if k not in (i, j))
                hji = sum(W[j, k] * xi[k] for k in range(N) if k not in (i, j))
                new[i, j] = W[i, j] + (xi[i] * xi[j] - xi[i] * hji - hij * xi[j]) / N
        W = new
    return W


def test_hebb_matches_the_textbook_sum():
    X = _patterns(5, 9).astype(float)
    W = sum(np.outer(x, x) for x in X) / 9
    np.fill_diagonal(W, 0)
    np.testing.assert_array_equal(learn("hebb", X).weights(), W)


def test_storkey_matches_the_textbook_loops():
    X = _patterns(6, 11, seed=3)
    np.testing.assert_allclose(learn("storkey", X).weights(), _storkey_textbook(X), atol=1e-13)


@pytest.mark.parametrize("block", [1, 2, 4])
def test_storkey_blocked_recursion_matches_the_textbook_loops(block):
    from hopsim.learning.storkey import _factors

    X = _patterns(9, 11, seed=5)
    left, right, d = _factors(X.astype(np.float64), block)
    W = left.T @ right
    W[np.diag_indices_from(W)] -= d
    np.testing.assert_allclose(W, _storkey_textbook(X), atol=1e-13)


@pytest.mark.parametrize("zero_diagonal", [False, True])
def test_pseudo_inverse_matches_the_projection_formula(zero_diagonal):
    X = _patterns(12, 30, seed=4).astype(float)
    W = X.T @ np.linalg.inv(X @ X.T) @ X
    if zero_diagonal:
        np.fill_diagonal(W, 0)
    got = learn("pseudo_inverse", X, {"zero_diagonal": zero_diagonal}).weights()
    np.testing.assert_allclose(got, W, atol=1e-12)


def test_covariance_matches_its_formula_and_threshold():
    X = _patterns(8, 20, seed=5, bias=0.4).astype(float)
    a = X.mean()
    W = sum(np.outer(x - a, x - a) for x in X) / 20
    np.fill_diagonal(W, 0)
    c = learn("covariance", X)
    np.testing.assert_allclose(c.weights(), W, atol=1e-12)
    np.testing.assert_allclose(c.threshold_shift, -a * (1 - a * a))


def test_krauth_mezard_reaches_the_requested_margin_on_every_pattern():
    N, P, kappa = 100, 60, 0.5  # alpha = 0.6 < alpha_c(0.5) = 0.96 (Gardner)
    X = _patterns(P, N, seed=6)
    c = learn("krauth_mezard", X, {"kappa": kappa})
    W = c.weights()
    assert np.abs(np.diag(W)).max() < 1e-12 and not np.allclose(W, W.T)
    stab = X * (X @ W.T) / np.linalg.norm(W, axis=1)  # xi_i h_i / ||W_i||
    assert stab.min() >= kappa
    assert c.info["converged_fraction"] == 1.0


# ----------------------------------------------------------------------------- the physics


def _stable_fraction(rule, N, P, seeds, **options):
    out = []
    for seed in seeds:
        X = _patterns(P, N, seed)
        net = Network.learned(X, rule, options, mode="dense")
        new = net.threshold_update(net.raw_fields(X), X)
        out.append(np.all(new == X))
    return float(np.mean(out))


def test_storkey_stores_more_than_hebb():
    # N = 100: Hebb's exact-storage capacity N/(2 ln N) ~ 11, Storkey's N/sqrt(2 ln N) ~ 33
    seeds = range(8)
    for P in (18, 24):
        hebb = _stable_fraction("hebb", 100, P, seeds)
        storkey = _stable_fraction("storkey", 100, P, seeds)
        assert hebb <= 0.25 and storkey >= 0.75, (P, hebb, storkey)


@pytest.mark.parametrize("zero_diagonal", [False, True])
def test_pseudo_inverse_keeps_every_pattern_a_fixed_point_below_N(zero_diagonal):
    for P in (20, 60, 90):
        assert _stable_fraction("pseudo_inverse", 100, P, range(3), zero_diagonal=zero_diagonal)


def test_pseudo_inverse_zero_diagonal_gives_larger_basins():
    # alpha = 0.5: with W_ii ~ alpha every cue near a pattern is itself stable (no repair)
    N, P = 200, 100
    X = _patterns(P, N, seed=9)
    seeds = SeedTree(1)
    cues = corrupt(X[:20], "flip", 0.05, [seeds.generator("c", k) for k in range(20)])
    result = {}
    for zd in (False, True):
        net = Network.learned(X, "pseudo_inverse", {"zero_diagonal": zd}, mode="dense")
        rngs = [seeds.generator("d", k) for k in range(20)]
        final = discrete.run(net, cues, "async", 50, rngs).final
        result[zd] = np.mean(np.all(final == X[:20], axis=1))
    assert result[False] <= 0.1 and result[True] >= 0.9, result


def test_covariance_recalls_biased_patterns_where_hebb_fails():
    N, P, bias = 400, 20, 0.6
    X = _patterns(P, N, seed=10, bias=bias)
    seeds = SeedTree(2)
    cues = corrupt(X, "flip", 0.1, [seeds.generator("c", k) for k in range(P)])
    overlap = {}
    for rule in ("hebb", "covariance"):
        net = Network.learned(X, rule, mode="dense")
        final = discrete.run(net, cues, "async", 50, [seeds.generator(rule, k) for k in range(P)])
        overlap[rule] = float(np.mean(np.einsum("bi,bi->b", final.final.astype(float), X) / N))
    assert overlap["covariance"] > 0.95 and overlap["hebb"] < 0.7, overlap


@pytest.mark.parametrize("rule", ["hebb", "storkey", "pseudo_inverse", "covariance"])
@pytest.mark.parametrize("mode", ["dense", "lowrank"])
def test_energy_never_rises_under_async_updates_for_symmetric_rules(rule, mode):
    assert get_rule(rule).symmetric
    N, P = 80, 16
    X = _patterns(P, N, seed=11, bias=0.3 if rule == "covariance" else 0.0)
    net = Network.learned(X, rule, mode=mode)
    seeds = SeedTree(3)
    cues = corrupt(X, "flip", 0.3, [seeds.generator("c", k) for k in range(P)])
    traj = discrete.run(net, cues, "async", 100, [seeds.generator("d", k) for k in range(P)])
    steps = np.diff(traj.energy, axis=1)
    assert np.all(steps[np.isfinite(steps)] <= 1e-9)
    assert np.all(traj.outcome == discrete.FIXED_POINT)


@pytest.mark.parametrize("rule", ["storkey", "pseudo_inverse", "covariance", "krauth_mezard"])
def test_dense_and_lowrank_storage_give_the_same_recall(rule):
    N, P = 60, 12
    X = _patterns(P, N, seed=12)
    seeds = SeedTree(4)
    cues = corrupt(X, "flip", 0.2, [seeds.generator("c", k) for k in range(P)])
    finals = []
    for mode in ("dense", "lowrank"):
        net = Network.learned(X, rule, mode=mode)
        rngs = [seeds.generator("d", k) for k in range(P)]
        finals.append(discrete.run(net, cues, "async", 50, rngs).final)
    np.testing.assert_array_equal(finals[0], finals[1])


# ----------------------------------------------------------------------------- config errors


def test_unknown_rule_and_option_get_one_line_errors():
    with pytest.raises(ConfigError, match=r"network\.learning='nosuch' is not allowed"):
        recall.parameters(compose_config("network.learning=nosuch"))
    with pytest.raises(ConfigError, match=r"network\.learning_options\.kappa=0\.5"):
        recall.parameters(compose_config("network.learning_options.kappa=0.5"))
    with pytest.raises(ConfigError, match=r"network\.mode='compact'"):
        recall.parameters(compose_config("network.learning=storkey", "network.mode=compact"))
    for bad in ("nan", "-1", "inf", "'x'"):
        with pytest.raises(ConfigError, match="network.learning_options.kappa"):
            recall.parameters(
                compose_config(
                    "network.learning=krauth_mezard", f"network.learning_options.kappa={bad}"
                )
            )


# ------------------------------------------------------------------- every rule, every experiment


@pytest.mark.parametrize("rule", rule_names())
def test_every_registered_rule_runs_through_recall_and_capacity(rule):
    cfg = compose_config("network.N=40", "patterns.P=4", "trials=2", f"network.learning={rule}")
    ds = recall.run(recall.parameters(cfg), SeedTree(0))
    assert ds["learning"].item() == rule and ds.attrs["learning_rule"] == rule
    assert float(ds.overlap.mean()) > 0.9  # alpha = 0.1: every rule recalls
    cfg = compose_config(
        "experiment=capacity",
        "network.N=[30]",
        "patterns.alpha=[0.1,0.3]",
        "trials=3",
        f"network.learning={rule}",
    )
    ds = capacity.run(capacity.parameters(cfg), SeedTree(0))
    assert np.isfinite(ds.overlap).all() and ds["learning"].item() == rule


def test_continuous_network_takes_symmetric_rules_and_refuses_asymmetric_ones():
    from hopsim.experiments import network_ode

    tiny = ("experiment=network_ode", "network_ode.N=40", "network_ode.P=3", "network_ode.trials=1")
    cfg = compose_config(*tiny, "network_ode.t_max=5", "network.learning=pseudo_inverse")
    ds = network_ode.run(network_ode.parameters(cfg), SeedTree(0))
    energy = ds.energy.values[np.isfinite(ds.energy.values)]
    assert np.all(np.diff(energy) <= 1e-9)  # a Lyapunov function for symmetric W
    with pytest.raises(ConfigError, match="symmetric couplings"):
        network_ode.validate(compose_config(*tiny, "network.learning=krauth_mezard"))
