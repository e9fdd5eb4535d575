"""Random patterns and corruption operators."""

from __future__ import annotations

import numpy as np
import pytest

from hopsim.patterns import corrupt_one, random_patterns
from hopsim.rng import SeedTree


def test_random_patterns_bias_and_type():
    xi = random_patterns(SeedTree(0).generator("p"), 50, 2000, bias=0.4)
    assert xi.dtype == np.int8 and set(np.unique(xi)) == {-1, 1}
    # mean of +/-1 with P(+1) = 0.7 is 0.4; SE = sqrt(1 - 0.16) / sqrt(1e5) ~ 0.003
    assert abs(xi.mean() - 0.4) < 5 * np.sqrt(1 - 0.16) / np.sqrt(xi.size)


@pytest.mark.parametrize("level", [0.0, 0.1, 0.37, 1.0])
def test_flip_changes_exactly_the_requested_number_of_bits(level):
    x = random_patterns(SeedTree(1).generator("p"), 1, 301)[0]
    y = corrupt_one(x, "flip", level, SeedTree(1).generator("c"))
    assert np.sum(x != y) == round(level * 301)


def test_occlude_sets_a_contiguous_cyclic_block_to_minus_one():
    x = np.ones(20, np.int8)
    y = corrupt_one(x, "occlude", 0.25, SeedTree(2).generator("c"))
    off = np.flatnonzero(y == -1)
    assert off.size == 5
    # contiguous modulo N: the gaps between consecutive indices are 1 except one wrap
    assert np.sum(np.diff(np.sort(off)) != 1) <= 1


def test_invert_and_invert_part():
    x = random_patterns(SeedTree(3).generator("p"), 1, 100)[0]
    np.testing.assert_array_equal(corrupt_one(x, "invert", 0.0, SeedTree(0).generator()), -x)
    y = corrupt_one(x, "invert_part", 0.5, SeedTree(3).generator("c"))
    assert np.sum(x != y) == 50


def test_unknown_corruption_is_an_error():
    with pytest.raises(ValueError, match="^kind=.* is not allowed"):
        corrupt_one(np.ones(4, np.int8), "smudge", 0.1, SeedTree(0).generator())


def test_streams_are_reproducible_and_distinct():
    a = SeedTree(4).generator("cue", 100, 5, 0.1, 2, 3).random(5)
    b = SeedTree(4).generator("cue", 100, 5, 0.1, 2, 3).random(5)
    c = SeedTree(4).generator("cue", 100, 5, 0.1, 2, 4).random(5)
    d = SeedTree(5).generator("cue", 100, 5, 0.1, 2, 3).random(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, d)
