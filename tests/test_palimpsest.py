"""Palimpsest learning rules against their textbook formulas, and their theory.

Rules: hebb_decay (Mezard, Nadal and Toulouse 1986) and hebb_bounded (Parisi 1986) written
plainly on a small N, streamed (Network.add) against learned at once, removal, options.
Theory (hopsim.theory.palimpsest): the general solver reproduces AGS in Hebb's limit, the
published numbers of the decay scheme, the bounded walk's mean trace against a Monte Carlo
of the walk itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import hopsim
from hopsim.errors import ParameterError
from hopsim.learning import learn
from hopsim.theory import palimpsest as th

# ----------------------------------------------------------------------------- the rules


def _textbook_decay(xi: np.ndarray, epsilon: float) -> np.ndarray:
    """W <- lambda W + xi xi^T / N, pattern by pattern, zero diagonal."""
    P, N = xi.shape
    lam = math.exp(-(epsilon**2) / (2 * N))
    W = np.zeros((N, N))
    for x in xi.astype(float):
        W = lam * W + np.outer(x, x) / N
    np.fill_diagonal(W, 0.0)
    return W


def _textbook_bounded(xi: np.ndarray, bound: float) -> np.ndarray:
    """J <- clip(J + xi xi^T / sqrt(N), -A, A), pattern by pattern; W = J / sqrt(N)."""
    N = xi.shape[1]
    J = np.zeros((N, N))
    for x in xi:
        J += np.outer(x, x) * (1.0 / math.sqrt(N))
        np.clip(J, -bound, bound, out=J)
    np.fill_diagonal(J, 0.0)
    return J


@pytest.mark.parametrize("epsilon", [0.0, 1.0, 4.108, 30.0])
def test_decay_is_the_textbook_recursion(epsilon):
    xi = hopsim.random_patterns(45, 40, seed=1)
    c = learn("hebb_decay", xi, {"epsilon": epsilon})
    np.testing.assert_allclose(c.weights(), _textbook_decay(xi, epsilon), atol=1e-14)
    assert c.symmetric and c.zero_diagonal and not c.integer


def test_decay_at_epsilon_zero_is_hebb():
    xi = hopsim.random_patterns(12, 50, seed=2)
    np.testing.assert_allclose(
        learn("hebb_decay", xi, {"epsilon": 0.0}).weights(), learn("hebb", xi).weights(), atol=1e-14
    )


@pytest.mark.parametrize("bound", [0.05, 0.3, 0.355, 10.0])
def test_bounded_is_the_textbook_clipped_walk_bit_for_bit(bound):
    xi = hopsim.random_patterns(60, 36, seed=3)
    c = learn("hebb_bounded", xi, {"bound": bound})
    np.testing.assert_array_equal(c.J, _textbook_bounded(xi, bound))
    assert np.abs(c.J).max() <= bound and c.max_abs == bound
    np.testing.assert_allclose(c.weights(), c.J / 6.0)  # W = J / sqrt(N)
    if bound == 10.0:  # never reached: Hebb's couplings, in units of 1/sqrt(N)
        np.testing.assert_allclose(c.J * 6.0, learn("hebb", xi).dense(np.float64), atol=1e-12)


@pytest.mark.parametrize(
    ("rule", "options"), [("hebb_decay", {"epsilon": 3.0}), ("hebb_bounded", {"bound": 0.3})]
)
def test_streaming_equals_learning_the_stream_at_once(rule, options):
    xi = hopsim.random_patterns(50, 48, seed=4)
    whole = hopsim.store(xi, rule, **options)
    for mode in ("dense", "lowrank") if rule == "hebb_decay" else ("dense",):
        net = hopsim.store(xi[:7], rule, mode=mode, **options)
        for start, stop in ((7, 8), (8, 30), (30, 50)):
            net = net.add(xi[start:stop])
        np.testing.assert_allclose(net.couplings.weights(), whole.couplings.weights(), atol=1e-14)
        np.testing.assert_array_equal(net.patterns, xi)
        assert net.mode == mode
        if mode == "dense":  # the network's float32 J, updated in place of forming it again
            np.testing.assert_allclose(net.J, whole.J, atol=1e-5)


def test_decay_forgets_a_pattern_exactly_and_bounded_refuses():
    xi = hopsim.random_patterns(30, 40, seed=5)
    net = hopsim.store(xi, "hebb_decay", epsilon=2.0).remove(xi[[3, 29]])
    N, lam = 40, math.exp(-4.0 / 80)
    W = sum(lam ** (29 - m) * np.outer(xi[m], xi[m]) for m in range(30) if m not in (3, 29))
    np.fill_diagonal(W, 0)
    np.testing.assert_allclose(net.couplings.weights(), W / N, atol=1e-14)
    assert net.patterns.shape == (28, 40)
    with pytest.raises(ParameterError, match="patterns"):
        hopsim.store(xi, "hebb_bounded").remove(xi[:1])


def test_factors_below_float_resolution_are_dropped_in_batch_and_stream():
    xi = hopsim.random_patterns(400, 20, seed=6)
    # epsilon = 3, N = 20: weight 2^-64 after 64 ln 2 * 2 N / 9 ~ 197 steps
    c = learn("hebb_decay", xi, {"epsilon": 3.0})
    kept = c.info["kept_patterns"]
    assert kept == math.floor(64 * math.log(2) * 40 / 9) + 1
    streamed = hopsim.store(xi[:100], "hebb_decay", epsilon=3.0).add(xi[100:]).couplings
    assert abs(streamed.info["kept_patterns"] - kept) <= 1
    np.testing.assert_allclose(streamed.weights(), c.weights(), atol=1e-15)


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 1e7, "4", True, [1.0]])
@pytest.mark.parametrize(("rule", "option"), [("hebb_decay", "epsilon"), ("hebb_bounded", "bound")])
def test_hostile_options_are_refused_naming_the_option(rule, option, value):
    xi = hopsim.random_patterns(3, 10, seed=0)
    with pytest.raises(ParameterError, match=option):
        hopsim.store(xi, rule, **{option: value})


def test_a_zero_bound_is_refused():
    with pytest.raises(ParameterError, match="bound"):
        hopsim.store(hopsim.random_patterns(3, 10, seed=0), "hebb_bounded", bound=0)


def test_rule_facts():
    from hopsim.learning import get_rule

    for name in ("hebb_decay", "hebb_bounded"):
        rule = get_rule(name)
        assert rule.color and rule.marker and rule.add is not None
        assert rule.capacity(1000) == pytest.approx(
            1000 * th.palimpsest_capacity(name, rule.options[th.FORGETTING[name][0]].default),
            rel=2e-3,
        )
    assert get_rule("hebb_decay").remove is not None and get_rule("hebb_bounded").remove is None


# ----------------------------------------------------------------------------- the theory


def test_the_solver_reproduces_ags_in_hebbs_limit():
    """Weights 1 for alpha N patterns: sigma^2 = alpha / (1 - U)^2 (AGS's r), no noise."""
    from hopsim.theory.capacity import ags_critical, ags_overlap

    def hebb(alpha):
        return lambda U: alpha / (1.0 - U) ** 2

    alpha_c, m_c = ags_critical()
    assert math.isfinite(th.retrieval_overlap(1.0, hebb(alpha_c - 1e-4)))
    assert math.isnan(th.retrieval_overlap(1.0, hebb(alpha_c + 1e-4)))
    for alpha in (0.05, 0.1, 0.13):
        assert th.retrieval_overlap(1.0, hebb(alpha)) == pytest.approx(ags_overlap(alpha), abs=1e-9)


def test_decay_theory_matches_the_published_numbers():
    # Mezard, Nadal and Toulouse (1986); Nadal et al. (1986): no retrieval below
    # epsilon ~ 2.46, the best epsilon ~ 4.1 keeping ~0.05 N patterns
    assert th.decay_critical_epsilon() == pytest.approx(2.465, abs=0.005)
    eps, alpha = th.decay_optimum()
    assert eps == pytest.approx(4.1, abs=0.05)
    assert alpha == pytest.approx(0.049, abs=0.001)
    assert th.decay_capacity(2.4) == 0.0 and th.decay_capacity(0.0) == 0.0
    assert th.decay_capacity(3.0) < alpha and th.decay_capacity(6.0) < alpha


def test_decay_overlap_ends_at_the_capacity():
    eps = 4.108
    alpha = th.decay_capacity(eps)
    m = th.decay_overlap(eps, np.array([0.0, 0.5 * alpha, 0.999 * alpha, 1.001 * alpha]))
    assert 1 >= m[0] > m[1] > m[2] > 0.97 and math.isnan(m[3])


def test_bounded_theory_optimum_and_edge():
    # Parisi (1986): about 0.04 N patterns at the best bound; none when A is too large
    A, alpha = th.bounded_optimum()
    assert 0.3 < A < 0.4 and alpha == pytest.approx(0.04, abs=0.002)
    edge = th.bounded_critical_bound()
    assert th.bounded_capacity(edge * 1.01) == 0.0 and th.bounded_capacity(edge * 0.97) > 0
    # small A: the slowest mode forgets in 8 A^2 / pi^2 (units of N) and the noise falls with
    # A, so weaker traces are read: alpha ~ (8 A^2 / pi^2) (ln(1 / A) + c), each halving of
    # A adding ~ln 2 to alpha / (8 A^2 / pi^2)
    scaled = [th.bounded_capacity(A) / (8 * A * A / math.pi**2) for A in (0.025, 0.0125, 0.00625)]
    assert 0.6 < scaled[1] - scaled[0] < math.log(2) and 0.6 < scaled[2] - scaled[1] < math.log(2)


def test_bounded_static_noise_is_the_variance_the_traces_leave():
    # integral Lambda^2 dt = (512 / pi^6) sum_{n,m odd} 1 / (n^2 m^2 (n^2 + m^2)) per A^2
    n = np.arange(1, 2001, 2.0)
    s = np.sum(1.0 / (n[:, None] ** 2 * n[None, :] ** 2 * (n[:, None] ** 2 + n[None, :] ** 2)))
    _, _, static = th._bounded_nodes()
    assert static == pytest.approx(1 / 3 - 512 / math.pi**6 * s, abs=1e-7)


def test_bounded_trace_is_the_mean_trace_of_the_clipped_walk():
    """Monte Carlo of the walk itself: from its stationary state, two copies of every coupling,
    one given the pattern's step and one not, walk on with the same later steps; the mean
    difference over the step is the trace Lambda(t) (continuum limit: A sqrt(N) steps >> 1)."""
    rng = np.random.default_rng(7)
    N, A, walkers = 2500, 0.3, 20_000
    inc = 1 / math.sqrt(N)
    J = np.zeros(walkers)
    for _ in range(1200):  # ~6.5 mixing times 8 A^2 N / pi^2 = 182 steps
        J = np.clip(J + inc * rng.choice((-1.0, 1.0), walkers), -A, A)
    with_step = np.clip(J + inc, -A, A)  # the pattern's step, +1 in its own gauge
    steps = 0
    for t in (0.0, 0.02, 0.05, 0.1):
        while steps < round(t * N):
            noise = inc * rng.choice((-1.0, 1.0), walkers)
            J, with_step = np.clip(J + noise, -A, A), np.clip(with_step + noise, -A, A)
            steps += 1
        diff = (with_step - J) / inc
        se = diff.std() / math.sqrt(walkers)
        # 4 standard errors, and the lattice's O(1 / (A sqrt(N))) = 7% correction
        expected = float(th.bounded_trace(t, A))
        assert diff.mean() == pytest.approx(expected, abs=4 * se + 0.07 * expected)


def test_the_docs_example_runs_and_prints_what_it_says(capsys):
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "memory_over_time.md"
    text = page.read_text(encoding="utf-8")
    forgetting = text.split("## Forgetting: palimpsests", 1)[1]  # the section's first block
    block = forgetting.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "docs/memory_over_time.md", "exec"), {})
    printed = capsys.readouterr().out.strip()
    claimed = block.strip().splitlines()[-1].split(":", 1)[0].lstrip("# ")
    assert printed == claimed
