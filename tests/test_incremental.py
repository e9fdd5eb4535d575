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
