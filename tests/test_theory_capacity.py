"""AGS capacity theory against published numbers and its own equations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import erf

from hopsim.theory.capacity import (
    ags_critical,
    ags_overlap,
    all_patterns_law,
    all_patterns_load,
    all_patterns_stable,
    bit_flip_probability,
    one_step_error,
)


def test_critical_load_and_overlap_match_published_values():
    alpha_c, m_c = ags_critical()
    # AGS 1987: alpha_c = 0.138 (0.1379), m = 0.967 at alpha_c
    assert alpha_c == pytest.approx(0.1379, abs=1e-4)
    assert m_c == pytest.approx(0.967, abs=1e-3)


def test_overlap_solves_the_fixed_point_equations():
    for alpha in (0.06, 0.1, 0.13):  # below ~0.05, m = 1 to double precision
        m = ags_overlap(alpha)
        # invert m = erf(y) and check sqrt(2 alpha) = erf(y)/y - 2/sqrt(pi) exp(-y^2)
        from scipy.special import erfinv

        y = erfinv(m)
        lhs = np.sqrt(2 * alpha)
        rhs = erf(y) / y - 2 / np.sqrt(np.pi) * np.exp(-y * y)
        assert lhs == pytest.approx(rhs, abs=1e-7)


def test_overlap_shape():
    alpha_c, m_c = ags_critical()
    m = ags_overlap(np.array([0.0, 0.05, 0.1, alpha_c - 1e-9, alpha_c + 1e-3, 0.2]))
    assert m[0] == 1.0
    assert 1 > m[1] > m[2] > m[3] >= m_c - 1e-6
    assert np.isnan(m[4]) and np.isnan(m[5])
    # published: retrieval errors (1 - m)/2 stay below 1.5-1.6% up to alpha_c
    assert (1 - m[3]) / 2 == pytest.approx(0.0163, abs=5e-4)


def test_one_step_error():
    assert one_step_error(0.0) == 0.0
    # Hertz, Krogh & Palmer table 2.1: P_error = 0.001 at alpha = 0.105, 0.01 at 0.185
    assert one_step_error(0.105) == pytest.approx(0.001, rel=0.05)
    assert one_step_error(0.185) == pytest.approx(0.01, rel=0.05)
    assert one_step_error(0.61) == pytest.approx(0.1, rel=0.03)


def test_bit_flip_probability_is_exact_for_two_patterns():
    """P = 2: the crosstalk terms of one bit are independent +/-1, so the binomial is exact;
    enumerate all 2^(2N) pattern pairs of N = 3 and 5 and count the flipped bits."""
    import itertools

    for N in (3, 5):
        flips = total = 0
        for bits in itertools.product((-1, 1), repeat=2 * N):
            xi = np.array(bits).reshape(2, N)
            J = xi.T @ xi
            np.fill_diagonal(J, 0)
            h = xi @ J  # raw fields at the stored patterns
            new = np.where(h >= 0, 1, -1)  # theta = 0, a tie goes to +1
            flips += int(np.sum(new != xi))
            total += xi.size
        assert bit_flip_probability(N, 2) == pytest.approx(flips / total, abs=1e-15)


def test_bit_flip_probability_approaches_the_one_step_error():
    # large N: the binomial crosstalk becomes Gaussian with variance alpha
    assert bit_flip_probability(20000, 2000) == pytest.approx(one_step_error(0.1), rel=0.03)


def test_all_patterns_stable_against_a_simulation():
    """3000 random pattern sets at N = 100: the fraction with every pattern a fixed point.
    Bits share crosstalk terms and are positively correlated, so the independent-bit
    product lies below the simulation (0.64 vs 0.72 at P = 10, 0.20 vs 0.34 at P = 12);
    the largest P with at least half the sets stable agrees within one pattern."""
    rng = np.random.default_rng(0)
    N, sets = 100, 3000
    measured = {}
    for P in (8, 10, 11, 12, 14):
        ok = 0
        for _ in range(sets):
            xi = rng.choice(np.array([-1, 1]), size=(P, N))
            J = xi.T @ xi
            np.fill_diagonal(J, 0)
            ok += bool(np.all(np.where(xi @ J >= 0, 1, -1) == xi))
        measured[P] = ok / sets
        se = np.sqrt(max(measured[P] * (1 - measured[P]), 1e-4) / sets)
        assert all_patterns_stable(N, P) <= measured[P] + 3 * se
        assert all_patterns_stable(N, P) >= measured[P] - 0.16
    crossing = max(P for P, f in measured.items() if f >= 0.5)
    assert abs(all_patterns_load(N) * N - crossing) <= 1


def test_every_pattern_load_falls_to_mceliece_law_like_one_over_ln_n():
    ratios = [all_patterns_load(N) * N / all_patterns_law(N) for N in (100, 1000, 10**4, 10**6)]
    assert all(b < a for a, b in zip(ratios, ratios[1:], strict=False))
    assert 1.0 < ratios[-1] < 1.3  # N = 10^6: still 29% above the limit
    assert all_patterns_law(1000) == pytest.approx(1000 / (4 * np.log(1000)))
