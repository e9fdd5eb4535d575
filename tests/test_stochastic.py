"""Glauber and Metropolis dynamics over dense couplings: Boltzmann statistics and T = 0."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import chi2

from hopsim.dynamics import discrete, stochastic
from hopsim.network import Network
from hopsim.patterns import random_patterns
from hopsim.rng import SeedTree


def _random_network(N: int, seed: int, diagonal: bool = False) -> Network:
    rng = np.random.default_rng(seed)
    A = rng.normal(0.0, 0.6, (N, N))
    W = (A + A.T) / 2
    if not diagonal:
        np.fill_diagonal(W, 0.0)
    theta = rng.normal(0.0, 0.4, N)
    return Network.from_couplings(W, theta)


def _boltzmann(net: Network, T: float) -> np.ndarray:
    """Exact Boltzmann probabilities of all 2^N states, index = bits (+1 -> 1), first spin MSB."""
    states = np.array(list(itertools.product([-1, 1], repeat=net.N)), dtype=np.int8)
    E = net.energy(states)
    w = np.exp(-(E - E.min()) / T)
    return w / w.sum()


def _sample_counts(net, T, rule, update, seed, chains=2000, burn=20, gap=10, samples=5):
    seeds = SeedTree(seed)
    rngs = seeds.generators(("chi2", rule, update), range(chains))
    start = np.where(np.random.default_rng(seed).random((chains, net.N)) < 0.5, 1, -1)
    sampler = stochastic.Sampler(net, rule, update)
    ch = sampler.start(start.astype(np.int8))
    counts = np.zeros(2**net.N, dtype=np.int64)
    weights = 2 ** np.arange(net.N - 1, -1, -1)
    for t in range(1, burn + gap * samples + 1):
        sampler.sweep(ch, T, rngs)
        if t > burn and (t - burn) % gap == 0:
            idx = ((ch.states > 0).astype(np.int64) * weights).sum(axis=1)
            counts += np.bincount(idx, minlength=2**net.N)
    return counts


def _chi2_pvalue(counts: np.ndarray, probs: np.ndarray) -> float:
    n = counts.sum()
    expected = n * probs
    # pool states expected fewer than 5 times into one bin (the usual validity rule)
    small = expected < 5
    obs = np.append(counts[~small], counts[small].sum())
    exp = np.append(expected[~small], expected[small].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    stat = np.sum((obs - exp) ** 2 / exp)
    return float(chi2.sf(stat, obs.size - 1))


@pytest.mark.parametrize(
    ("rule", "update", "N", "T", "diagonal"),
    [
        ("glauber", "async", 6, 1.0, False),
        ("metropolis", "async", 6, 1.0, False),
        ("glauber", "random", 5, 0.7, True),
        ("metropolis", "sequential", 5, 1.5, True),
        ("glauber", "sequential", 8, 1.2, False),
    ],
)
def test_boltzmann_frequencies(rule, update, N, T, diagonal):
    """Chi-square of 10^4 nearly independent samples against exact enumeration."""
    net = _random_network(N, seed=N + 10 * diagonal, diagonal=diagonal)
    counts = _sample_counts(net, T, rule, update, seed=3)
    p_right = _chi2_pvalue(counts, _boltzmann(net, T))
    assert p_right > 1e-3, f"sampled frequencies differ from Boltzmann (p = {p_right:.2g})"
    # power check: the same counts are rejected against a 30 % different temperature
    p_wrong = _chi2_pvalue(counts, _boltzmann(net, 1.3 * T))
    assert p_wrong < 1e-6


@pytest.mark.parametrize("update", ["async", "sequential"])
@pytest.mark.parametrize("rule", ["glauber", "metropolis"])
@pytest.mark.parametrize("tie", ["plus", "keep"])
def test_zero_temperature_is_discrete_async(update, rule, tie):
    """T = 0 follows the discrete asynchronous trajectories exactly (same streams)."""
    N, P, B = 40, 6, 12
    seeds = SeedTree(7)
    xi = random_patterns(seeds.generator("patterns"), P, N)
    net = Network.hebbian(xi, tie=tie)
    # even N and Hebbian integers: fields hit the threshold 0 exactly, so the tie rule matters
    cues = np.where(seeds.generator("cues").random((B, N)) < 0.5, 1, -1).astype(np.int8)
    ref = discrete.run(
        net, cues, update, 30, seeds.generators(("d",), range(B)), record_states=True
    )
    assert np.all(ref.outcome == discrete.FIXED_POINT)
    sampler = stochastic.Sampler(net, rule, update)
    ch = sampler.start(cues)
    rngs = seeds.generators(("d",), range(B))
    for t in range(1, int(ref.sweeps.max()) + 2):
        sampler.sweep(ch, 0.0, rngs)
        np.testing.assert_array_equal(ch.states, ref.states[:, t])
    np.testing.assert_array_equal(ch.states, ref.final)
    np.testing.assert_allclose(ch.raw, net.raw_fields(ch.states))


def test_tie_rule_at_zero_temperature():
    """A field exactly at the threshold sets +1 (tie=plus) at T = 0."""
    net = Network.from_couplings(np.zeros((2, 2)), theta=0.0)
    final, _ = stochastic.run(net, np.array([[-1, -1]]), 0.0, 1, [np.random.default_rng(0)])
    np.testing.assert_array_equal(final, [[1, 1]])


def test_chains_do_not_depend_on_batch():
    """A chain's trajectory depends on its own stream only."""
    net = _random_network(12, seed=1)
    seeds = SeedTree(2)
    start = np.ones((4, 12), dtype=np.int8)
    temps = np.array([0.5, 1.0, 2.0, 0.0])
    all4, _ = stochastic.run(net, start, temps, 5, seeds.generators(("c",), range(4)))
    one, _ = stochastic.run(net, start[2:3], temps[2], 5, [seeds.generator("c", 2)])
    np.testing.assert_array_equal(all4[2], one[0])


def test_fields_stay_consistent_and_observe():
    net = _random_network(30, seed=4)
    rngs = SeedTree(0).generators(("f",), range(3))
    sampler = stochastic.Sampler(net, "metropolis", "random")
    ch = sampler.start(np.ones((3, 30), dtype=np.int8))
    for _ in range(20):
        sampler.sweep(ch, 1.0, rngs)
    np.testing.assert_allclose(ch.raw, net.raw_fields(ch.states), atol=1e-9)
    _, trace = stochastic.run(
        net, ch.states, 1.0, 6, rngs, observe=lambda s: s.mean(axis=1), every=2
    )
    assert trace.shape == (3, 3)


def test_bad_arguments():
    net = _random_network(4, seed=0)
    with pytest.raises(ValueError, match="^rule=.* is not allowed"):
        stochastic.Sampler(net, "gibbs")
    with pytest.raises(ValueError, match="^update=.* is not allowed"):
        stochastic.Sampler(net, "glauber", "sync")
    lowrank = Network.hebbian(np.ones((1, 4), dtype=np.int8), mode="lowrank")
    with pytest.raises(ValueError, match="dense"):
        stochastic.Sampler(lowrank)
