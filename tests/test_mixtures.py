"""Mixture states at any N: the exact classification and the AGS (1985) results at alpha -> 0.

Symmetric mixtures sgn(e_1 xi_1 + e_2 xi_2 + e_3 xi_3) of random patterns: overlap 1/2 with
each constituent (3/8 for 5), energy per neuron -3/8 (-45/128) against a pattern's -1/2,
fixed points at small load (Amit, Gutfreund and Sompolinsky 1985).
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pytest

import hopsim
from hopsim.analysis.states import (
    RELATIONS,
    classify,
    mixture_energy_theory,
    mixture_overlap_theory,
    mixture_state,
)


def _plain_label(s, xi):
    """The definition written plainly: every pattern, inverse and signed mixture listed."""
    for mu, x in enumerate(xi):
        if np.array_equal(s, x):
            return "pattern", mu
    for mu, x in enumerate(xi):
        if np.array_equal(s, -x):
            return "inverse", mu
    for n in (3, 5):
        for subset in combinations(range(len(xi)), n):
            for signs in product((1, -1), repeat=n):
                if np.array_equal(s, mixture_state(xi[list(subset)], signs)):
                    return f"mixture{n}", -1
    return "spurious", -1


def test_classify_equals_the_definition_on_every_state_of_a_small_network():
    N, P = 10, 6
    xi = hopsim.random_patterns(P, N, seed=0)
    states = np.array(list(product((1, -1), repeat=N)), dtype=np.int8)  # all 1024
    index, relation = classify(states, xi)
    plain = [_plain_label(s, xi) for s in states]
    assert [RELATIONS[r] for r in relation] == [p[0] for p in plain]
    np.testing.assert_array_equal(index, [p[1] for p in plain])
    assert {"pattern", "inverse", "mixture3", "mixture5", "spurious"} <= {p[0] for p in plain}


@pytest.mark.parametrize(("N", "P"), [(200, 60), (1000, 140)])
def test_classify_finds_every_signed_mixture_at_large_n(N, P):
    """Past the exhaustive list (binom(P, n) 2^n N > 32 MB): guided by the overlaps."""
    xi = hopsim.random_patterns(P, N, seed=1)
    rng = np.random.default_rng(2)
    states, truth = [], []
    for n in (3, 5):
        for _ in range(60):
            idx = rng.choice(P, n, replace=False)
            states.append(mixture_state(xi[idx], rng.choice([-1, 1], n)))
            truth.append(RELATIONS.index(f"mixture{n}"))
    states.extend(rng.choice([-1, 1], (60, N)).astype(np.int8))
    truth.extend([RELATIONS.index("spurious")] * 60)
    _, relation = classify(np.array(states), xi)
    np.testing.assert_array_equal(relation, truth)


def test_mixture_overlaps_are_one_half_and_three_eighths():
    """m_n = 2^(1-n) binom(n-1, (n-1)/2), measured on 200 mixtures of random patterns."""
    assert mixture_overlap_theory(3) == 0.5 and mixture_overlap_theory(5) == 0.375
    assert mixture_energy_theory(3) == -0.375 and mixture_energy_theory(5) == -45 / 128
    N = 2000
    xi = hopsim.random_patterns(60, N, seed=3).astype(np.int64)
    rng = np.random.default_rng(4)
    for n in (3, 5):
        m = []
        for _ in range(100):
            idx, signs = rng.choice(60, n, replace=False), rng.choice([-1, 1], n)
            s = mixture_state(xi[idx], signs)
            m.append(np.mean(signs * (xi[idx] @ s) / N))  # signed toward the mixture
        theory = mixture_overlap_theory(n)
        # one overlap's sd is sqrt((1 - m^2) / N); 100 mixtures (overlapping subsets of 60
        # patterns, nearly independent): the mean within 4 sd / 10 of theory (0.008)
        assert abs(np.mean(m) - theory) < 4 * np.sqrt((1 - theory**2) / N) / 10, (n, np.mean(m))


def test_at_small_load_mixtures_are_fixed_points_with_the_energy_of_theory():
    """alpha = 0.005: every 3-mixture is a fixed point; E/N = -3/8 + O(1/N), above -1/2."""
    N, P = 2000, 10
    xi = hopsim.random_patterns(P, N, seed=5)
    rng = np.random.default_rng(6)
    starts = [
        mixture_state(xi[rng.choice(P, 3, replace=False)], rng.choice([-1, 1], 3))
        for _ in range(20)
    ]
    net = hopsim.store(xi)
    ds = net.recall(np.array(starts), seed=7)
    assert (ds.relation.values == "mixture3").all()
    np.testing.assert_array_equal(ds.state.values, starts)  # nothing moved
    e = net.energy(np.array(starts)) / N
    # E/N = -(1/2) sum m^2 + P/(2N); its sd over mixtures ~ sqrt(3 * 3/4 / N) / 2 = 0.017
    assert abs(e.mean() - mixture_energy_theory(3)) < 0.02
    e_pattern = net.energy(xi) / N
    assert abs(e_pattern.mean() + 0.5) < 0.01 and e.max() > e_pattern.max()


def test_mixture_states_lose_stability_between_small_and_large_loads():
    """AGS: 3-mixtures stable at T = 0 up to alpha ~ 0.03; at 0.01 they stay, at 0.1 not."""
    N = 1000
    for alpha, stays in ((0.01, True), (0.1, False)):
        P = int(alpha * N)
        xi = hopsim.random_patterns(P, N, seed=8)
        rng = np.random.default_rng(9)
        starts = np.array([mixture_state(xi[rng.choice(P, 3, replace=False)]) for _ in range(30)])
        ds = hopsim.store(xi).recall(starts, seed=10)
        near = (ds.state.values * starts).mean(axis=1) > 0.9
        assert (near.mean() > 0.9) if stays else (near.mean() < 0.1), (alpha, near.mean())


def test_recall_and_capacity_datasets_record_mixtures():
    xi = hopsim.random_patterns(10, 500, seed=11)
    starts = np.array([mixture_state(xi[[0, 1, 2]]), mixture_state(xi[:5], [1, -1, 1, 1, -1])])
    ds = hopsim.store(xi).recall(starts, seed=12)
    assert list(ds.relation.values) == ["mixture3", "mixture5"]
    cap = hopsim.run(
        "capacity", {"network.N": [100], "patterns.alpha": [0.05, 0.3], "trials": 20}, seed=1
    )
    assert cap.relation.attrs["flag_meanings"].split() == list(RELATIONS)
