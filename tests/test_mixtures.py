"""Mixture states at any N: the exact classification and the AGS (1985) results at alpha -> 0.

Symmetric mixtures sgn(e_1 xi_1 + e_2 xi_2 + e_3 xi_3) of random patterns: overlap 1/2 with
each constituent (3/8 for 5), energy per neuron -3/8 (-45/128) against a pattern's -1/2,
fixed points at small load (Amit, Gutfreund and Sompolinsky 1985).
"""

from __future__ import annotations

import functools
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


# ----------------------------------------------------------------------------- experiment


@functools.cache
def _mixtures_run():
    return hopsim.run(
        "mixtures",
        {"network.N": [300], "patterns.alpha": [0.01, 0.02, 0.04, 0.08, 0.2], "trials": 16},
        seed=3,
    )


def test_the_mixtures_experiment_measures_what_theory_says_at_small_load():
    ds = _mixtures_run()
    low = ds.sel(N=300, alpha=0.01)  # P = 3: the one 3-mixture (any signs)
    np.testing.assert_array_equal(low.start_overlap.sel(start="pattern"), 1.0)
    m3 = low.constituent_overlap.sel(start="mixture3").values
    e3 = low.start_energy.sel(start="mixture3").values
    # the stored 3 patterns of N = 300: each mixture's overlaps are 1/2 +- sqrt(3/4/300)
    assert abs(m3.mean() - 0.5) < 3 * np.sqrt(0.75 / 300)
    assert abs(e3.mean() + 0.375) < 0.05 and (low.relation.sel(start="mixture3") == 3).all()
    assert np.isnan(low.start_overlap.sel(start="mixture5")).all()  # P = 3 < 5: not run
    np.testing.assert_array_equal(ds.overlap_theory.values, [1, 0.5, 0.375, np.nan])
    # energies never rise from the start (asynchronous descent)
    assert (ds.energy <= ds.start_energy + 1e-12).where(np.isfinite(ds.energy), True).all()
    # at 0.2 no 3-mixture survives, at 0.01 all do (N = 300: 0.05 +- 0.01 measured)
    assert float(ds.start_overlap.sel(N=300, alpha=0.2, start="mixture3").max()) < 0.9


def test_the_mixtures_run_is_reproducible_and_the_seed_matters():
    a = _mixtures_run()
    b = hopsim.run(
        "mixtures",
        {"network.N": [300], "patterns.alpha": [0.01, 0.02, 0.04, 0.08, 0.2], "trials": 16},
        seed=3,
    )
    for name in ("energy", "start_overlap", "relation"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
    c = hopsim.run("mixtures", {"network.N": [300], "patterns.alpha": [0.04], "trials": 16}, seed=4)
    assert not np.array_equal(a.energy.sel(alpha=[0.04]).values, c.energy.values)


def test_stability_limits_are_read_off_the_grid_by_interpolation():
    from hopsim.analysis.mixtures import stability_limits, stay_fraction

    ds = _mixtures_run()
    frac = stay_fraction(ds).fraction.sel(N=300, start="mixture3").values
    table = stability_limits(ds).set_index("start")
    row = table.loc["mixture3"]
    a = list(ds.alpha.values).index(row.below)
    assert frac[a] >= 0.5 > frac[a + 1]
    expected = row.below + (frac[a] - 0.5) / (frac[a] - frac[a + 1]) * (row.above - row.below)
    assert row.limit == pytest.approx(expected)


def test_the_mixtures_figure_draws_the_data_and_the_theory():
    from figure_runs import assert_legends_clear

    from hopsim.analysis.mixtures import state_energies
    from hopsim.figures import mixtures as fig_mix

    ds = _mixtures_run()
    fig = fig_mix.figure(ds)
    ax_e, ax_s, ax_m = fig.axes
    e = state_energies(ds)
    for group in e.group.values:
        line = next(x for x in ax_e.get_lines() if x.get_gid() == f"energy {group} 300")
        np.testing.assert_array_equal(line.get_ydata(), e.energy.sel(N=300, group=group))
    theory = {
        x.get_gid(): x.get_ydata()[0] for x in ax_e.get_lines() if "theory" in str(x.get_gid())
    }
    assert theory == {
        "theory pattern": -0.5,
        "theory mixture3": -0.375,
        "theory mixture5": -45 / 128,
    }
    assert {x.get_gid() for x in ax_s.get_lines()} >= {"ags mixture3", "ags pattern"}
    assert len([x for x in ax_m.get_lines() if str(x.get_gid()).startswith("theory")]) == 3
    assert_legends_clear(fig)
    assert set(fig_mix.tables(ds)) == {"mixtures_stability.csv"}


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"mixtures.starts": ["pattern", "blend"]}, "mixtures.starts"),
        ({"mixtures.starts": ["pattern", "pattern"]}, "mixtures.starts"),
        ({"mixtures.starts": []}, "mixtures.starts"),
        ({"patterns.alpha": [0.0001]}, "patterns.alpha"),
        ({"patterns.alpha": [float("nan")]}, "patterns.alpha"),
        ({"trials": 0}, "trials"),
        ({"network.N": [10**8]}, "network.N"),
    ],
)
def test_bad_mixtures_keys_are_refused_naming_the_key(override, key):
    with pytest.raises(ValueError, match=rf"^{key}="):
        hopsim.run("mixtures", override)
