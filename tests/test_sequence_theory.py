"""The exact-replay theory of the temporal-association rule (hopsim.theory.sequence) against
the textbook binomial on small cases and against replay simulated with the experiment's own
code (fixed seeds, tolerances from the sample size)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from hopsim.experiments.sequence_memory import hopfield_replay, temporal_couplings
from hopsim.theory.sequence import bit_error, exact_replay, longest_exact


def test_bit_error_is_the_binomial_tail_written_plainly():
    # N = 4, P = 4: M = 8 crosstalk signs, C = 2K - 8; wrong if C < -4 (K < 2), half if K = 2
    expected = stats.binom.cdf(1, 8, 0.5) + 0.5 * stats.binom.pmf(2, 8, 0.5)
    assert bit_error(4, 4) == pytest.approx(expected)
    # N = 5, P = 4: M = 10, K < 2.5 (K <= 2), no tie (C = -5 is odd, C even)
    assert bit_error(5, 4) == pytest.approx(stats.binom.cdf(2, 10, 0.5))
    # N = 3, P = 4: M = 6, K < 1.5 (K <= 1); N = 3, P = 3: M = 3, only the tie K = 0
    assert bit_error(3, 4) == pytest.approx(stats.binom.cdf(1, 6, 0.5))
    assert bit_error(3, 3) == pytest.approx(0.5 * 0.5**3)
    assert bit_error(32, 2) == 0.0 and exact_replay(32, 2) == 1.0  # one transition, no crosstalk
    assert exact_replay(4, 4) == pytest.approx((1 - expected) ** (4 * 3))


def test_exact_replay_falls_with_length_and_rises_with_N():
    rates = [exact_replay(64, P) for P in range(2, 40)]
    assert all(b <= a for a, b in zip(rates, rates[1:], strict=False))
    assert exact_replay(128, 12) > exact_replay(64, 12) > exact_replay(32, 12)
    assert longest_exact(64, [2, 4, 6, 8, 12, 16]) == 8  # 0.78 at 8, 0.02 at 12
    assert longest_exact(64, [64]) == 0


def test_the_half_length_approaches_n_over_4_ln_n_from_above():
    """(1 - p)^(N P) = 1/2 with p ~ exp(-N / 2P) gives P ~ N / (4 ln N) as N grows; the ratio
    falls toward 1 slowly (2.03 at N = 100, 1.34 at N = 10^5)."""
    ratios = []
    for N in (100, 1000, 10_000, 100_000):
        lo, hi = 2, N
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if exact_replay(N, mid) >= 0.5 else (lo, mid)
        ratios.append(lo / (N / (4 * math.log(N))))
    assert all(b < a for a, b in zip(ratios, ratios[1:], strict=False))
    assert 1.0 < ratios[-1] < 1.5


def test_bit_error_matches_simulated_transitions():
    """Per-bit error of one synchronous step from xi_mu, counted over 600 random sequences:
    within 4 standard errors of the binomial tail (the crosstalk signs are independent
    enough for single bits; the errors cluster within a transition, see the module)."""
    rng = np.random.default_rng(7)
    N, P, sequences = 32, 8, 600
    wrong = 0
    for _ in range(sequences):
        xi = rng.choice(np.array([-1, 1], dtype=np.int8), (P, N))
        W = temporal_couplings(xi)
        out = np.where(xi[:-1].astype(float) @ W.T >= 0, 1, -1)
        wrong += int((out != xi[1:]).sum())
    n = sequences * (P - 1) * N
    p = bit_error(N, P)
    assert abs(wrong / n - p) <= 4 * math.sqrt(p * (1 - p) / n)


def test_exact_replay_is_a_lower_estimate_of_the_simulated_rate():
    """Errors cluster within a transition, so the independent-bit estimate lies below the
    simulated exact-replay rate at small N (measured: 0.09 against ~0.3 at N = 32, P = 8),
    and approaches it where replay is near certain."""
    rng = np.random.default_rng(3)
    for N, P, trials in ((32, 8, 400), (64, 8, 400)):
        ok = 0
        for _ in range(trials):
            xi = rng.choice(np.array([-1, 1], dtype=np.int8), (P, N))
            correct, _ = hopfield_replay(xi, xi[:1])
            ok += int(correct[0] == P - 1)
        rate, theory = ok / trials, exact_replay(N, P)
        se = math.sqrt(max(rate * (1 - rate), 1 / trials) / trials)
        assert theory <= rate + 3 * se, (N, P, rate, theory)
        assert rate - theory <= 0.4, (N, P, rate, theory)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="N=0"):
        bit_error(0, 4)
    with pytest.raises(ValueError, match="P=1"):
        exact_replay(8, 1)
