"""Incremental learning and editing: Network.add / Network.remove against batch learning.

Adding patterns one by one must give the batch couplings (exactly for integer rules, to
1e-10 for real ones) in every storage mode; removing restores the couplings before the add.
"""

from __future__ import annotations

import numpy as np
import pytest

import hopsim
from hopsim.errors import ParameterError

MODES = ("dense", "compact", "lowrank")


@pytest.mark.parametrize("mode", MODES)
def test_hebb_one_by_one_is_the_batch_bit_for_bit(mode):
    xi = hopsim.random_patterns(30, 150, seed=0)
    net = hopsim.store(xi[:1], mode=mode)
    for x in xi[1:]:
        net = net.add(x)
    batch = hopsim.store(xi, mode=mode)
    assert net.mode == batch.mode == mode
    np.testing.assert_array_equal(net.weights(), batch.weights())
    np.testing.assert_array_equal(net.patterns, xi)
    if net.J is not None:
        assert net.J.dtype == batch.J.dtype
        np.testing.assert_array_equal(net.J, batch.J)
    # removing restores the couplings of the patterns that remain, exactly
    fewer = net.remove(xi[10:])
    np.testing.assert_array_equal(fewer.weights(), hopsim.store(xi[:10], mode=mode).weights())
    np.testing.assert_array_equal(fewer.patterns, xi[:10])


def test_compact_storage_widens_when_hebbs_couplings_outgrow_int8():
    xi = hopsim.random_patterns(140, 40, seed=1)
    net = hopsim.store(xi[:120], mode="compact")
    assert net.J.dtype == np.int8
    net = net.add(xi[120:])
    assert net.mode == "compact" and net.J.dtype == np.int16
    np.testing.assert_array_equal(net.J, hopsim.store(xi, mode="compact").J)


def test_networks_are_not_changed_by_an_edit():
    xi = hopsim.random_patterns(5, 60, seed=2)
    net = hopsim.store(xi[:3], mode="dense")
    J = net.J.copy()
    net.add(xi[3:])
    net.remove(xi[0])
    np.testing.assert_array_equal(net.J, J)
    assert net.n_patterns == 3


def test_a_rule_that_cannot_be_updated_says_so_in_one_line():
    xi = hopsim.random_patterns(5, 60, seed=3)
    net = hopsim.store(xi, "krauth_mezard")
    with pytest.raises(ParameterError, match="krauth_mezard rule cannot be updated incre"):
        net.add(xi[0])
    with pytest.raises(ParameterError, match=r"^patterns="):
        net.remove(xi[0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda net, xi: net.add(np.zeros(60)), r"^patterns=.*\+1 or -1"),
        (lambda net, xi: net.add(np.ones(61)), r"^patterns=.*N=60"),
        (lambda net, xi: net.remove(-xi[0]), r"^patterns=.*not stored"),
        (lambda net, xi: net.remove(np.stack([xi[0], xi[0]])), r"^patterns=.*not stored"),
        (
            lambda net, xi: hopsim.Network.from_couplings(np.eye(60)).add(xi[0]),
            r"^patterns=.*learned by a rule",
        ),
    ],
)
def test_bad_edits_name_the_patterns(call, message):
    xi = hopsim.random_patterns(4, 60, seed=4)
    with pytest.raises(ParameterError, match=message) as info:
        call(hopsim.store(xi), xi)
    assert "\n" not in str(info.value)


REAL = [
    ("storkey", {}),
    ("pseudo_inverse", {}),
    ("pseudo_inverse", {"zero_diagonal": True}),
    ("covariance", {"activity": 0.2}),
]


@pytest.mark.parametrize(("rule", "options"), REAL)
@pytest.mark.parametrize("mode", ["dense", "lowrank"])
def test_real_rules_one_by_one_give_the_batch_couplings_to_1e_10(rule, options, mode):
    bias = options.get("activity", 0.0)
    xi = hopsim.random_patterns(40, 160, seed=5, bias=bias)
    net = hopsim.store(xi[:1], rule, mode=mode, **options)
    for x in xi[1:]:
        net = net.add(x)
    batch = hopsim.store(xi, rule, mode=mode, **options)
    # the rule's own couplings (float64 factors) agree to rounding
    np.testing.assert_allclose(
        net.couplings.weights(), batch.couplings.weights(), rtol=0, atol=1e-10
    )
    np.testing.assert_allclose(net.thresholds, batch.thresholds, rtol=0, atol=1e-12)
    if mode == "dense":  # the stored float32 J: the batch's to float32 rounding
        scale = np.abs(batch.J).max()
        np.testing.assert_allclose(
            net.J, batch.J, rtol=0, atol=40 * np.finfo(np.float32).eps * scale
        )
    # the stored patterns, and recall from them: every cue ends where the batch's does
    np.testing.assert_array_equal(net.patterns, xi)
    cues = hopsim.corrupt(xi, "flip", 0.1, seed=6)
    np.testing.assert_array_equal(
        net.recall(cues, seed=7).state.values, batch.recall(cues, seed=7).state.values
    )


@pytest.mark.parametrize(("rule", "options"), REAL)
def test_removing_restores_the_couplings_before_the_add(rule, options):
    xi = hopsim.random_patterns(30, 120, seed=8, bias=options.get("activity", 0.0))
    before = hopsim.store(xi[:20], rule, mode="lowrank", **options)
    after = before.add(xi[20:]).remove(xi[20:][::-1])
    np.testing.assert_allclose(after.couplings.weights(), before.couplings.weights(), atol=1e-10)
    np.testing.assert_array_equal(after.patterns, before.patterns)


@pytest.mark.parametrize("zero_diagonal", [False, True])
def test_pseudo_inverse_removes_any_pattern_by_its_downdate(zero_diagonal):
    """Removing pattern k (not only the last) gives the batch projector of the others."""
    xi = hopsim.random_patterns(60, 100, seed=9)
    net = hopsim.store(xi, "pseudo_inverse", mode="lowrank", zero_diagonal=zero_diagonal)
    gone = [0, 17, 59, 30]
    fewer = net.remove(xi[gone])
    keep = np.delete(xi, gone, axis=0)
    batch = hopsim.store(keep, "pseudo_inverse", zero_diagonal=zero_diagonal)
    np.testing.assert_allclose(fewer.couplings.weights(), batch.couplings.weights(), atol=1e-10)
    W = fewer.weights()  # still a projector onto the span of the rest (zero_diagonal aside)
    if not zero_diagonal:
        np.testing.assert_allclose(W @ keep.T, keep.T, atol=1e-10)
        np.testing.assert_allclose(W @ W, W, atol=1e-10)


def test_pseudo_inverse_near_dependence_and_beyond_p_equal_n():
    """Greville to P = N (condition number ~1e5 at N = 120), then dependent patterns."""
    N = 120
    xi = hopsim.random_patterns(126, N, seed=1)
    net = hopsim.store(xi[:1], "pseudo_inverse", mode="lowrank")
    for P in range(2, 127):
        net = net.add(xi[P - 1])
        if P in (100, 119, 120, 126):
            batch = hopsim.store(xi[:P], "pseudo_inverse", mode="lowrank")
            np.testing.assert_allclose(
                net.couplings.weights(), batch.couplings.weights(), atol=1e-10
            )
            assert net.couplings.info["rank"] == batch.couplings.info["rank"] == min(P, N)
    # P > N: the projector is the identity; removal has no direction to take away
    np.testing.assert_allclose(net.weights(), np.eye(N), atol=1e-10)
    with pytest.raises(ParameterError, match="linearly independent"):
        net.remove(xi[0])
    # a repeated pattern leaves the projector as it is
    again = hopsim.store(xi[:10], "pseudo_inverse").add(xi[3])
    np.testing.assert_allclose(
        again.weights(), hopsim.store(xi[:10], "pseudo_inverse").weights(), atol=1e-12
    )


def test_storkey_continues_its_recursion_and_removes_only_the_last():
    """Storkey's step written plainly (Storkey 1997) against Network.add, then the refusal."""
    N = 50
    xi = hopsim.random_patterns(8, N, seed=10)
    W = np.zeros((N, N))
    for x in xi.astype(float):
        h = W @ x  # W_ii = 0: h_i excludes i; h_ij = h_i - w_ij x_j
        H = h[:, None] - W * x[None, :]
        step = (np.outer(x, x) - x[:, None] * H.T - H * x[None, :]) / N
        np.fill_diagonal(step, 0)
        W = W + step
    net = hopsim.store(xi[:3], "storkey").add(xi[3:])
    np.testing.assert_allclose(net.couplings.weights(), W, atol=1e-12)
    with pytest.raises(ParameterError, match="most recently added patterns"):
        net.remove(xi[2])
    np.testing.assert_allclose(
        net.remove(xi[6:]).couplings.weights(),
        hopsim.store(xi[:6], "storkey").couplings.weights(),
        atol=1e-12,
    )


def test_covariance_adds_at_the_activity_it_was_learned_with():
    xi = hopsim.random_patterns(20, 100, seed=11, bias=0.3)
    net = hopsim.store(xi[:10], "covariance")  # a = the first ten patterns' mean
    a = float(xi[:10].mean())
    grown = net.add(xi[10:])
    batch = hopsim.store(xi, "covariance", activity=a)
    np.testing.assert_allclose(grown.couplings.weights(), batch.couplings.weights(), atol=1e-10)
    np.testing.assert_allclose(grown.thresholds, np.full(100, -a * (1 - a * a)))
