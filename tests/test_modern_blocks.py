"""The modern network in blocks of keys (issue 21, section 2): ``iterate``, ``energy``,
``classify`` and ``weights`` never hold a (queries, P) array beyond their result, give the
unblocked computation's numbers, and keep the caller's dtype."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from hopsim import modern as md


def _problem(P: int, d: int, B: int, dtype=np.float64, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = md.sphere_patterns(rng, P, d).astype(dtype)
    Q = (X[rng.integers(0, P, B)] + 0.3 * rng.standard_normal((B, d)) / np.sqrt(d)).astype(dtype)
    return X, Q


def test_blocked_equals_unblocked_for_every_function():
    X, Q = _problem(P=3001, d=6, B=9)
    beta = 20.0
    one = X.shape[0]  # one block: the plain two-product computation
    for block in (7, 100, 1024):
        np.testing.assert_allclose(
            md.weights(X, Q, beta, block), md.weights(X, Q, beta, one), rtol=1e-11, atol=1e-300
        )
        np.testing.assert_allclose(
            md.energy(X, Q, beta, block=block), md.energy(X, Q, beta, block=one), rtol=1e-12
        )
        np.testing.assert_allclose(
            md.lse_keys(X, Q, beta, block), md.lse(beta, Q @ X.T), rtol=1e-12
        )
        a = md.iterate(X, Q, beta, max_steps=20, block=block)
        b = md.iterate(X, Q, beta, max_steps=20, block=one)
        np.testing.assert_allclose(a.final, b.final, rtol=1e-10, atol=1e-13)
        np.testing.assert_array_equal(a.steps, b.steps)
        np.testing.assert_allclose(a.energy, b.energy, rtol=1e-12)
        for got, want in zip(
            md.classify(X, a.final, beta, block=block),
            md.classify(X, a.final, beta, block=one),
            strict=True,
        ):
            np.testing.assert_array_equal(got, want)


def test_classify_in_blocks_finds_all_three_regimes():
    """The textbook rule on the explicit weights: k = fewest weights adding up to 0.9."""
    X, _ = _problem(P=400, d=5, B=1)
    states = np.stack([X[3], 0.5 * (X[0] + X[1]), X.mean(axis=0)])
    for beta in (50.0, 2.0):
        w = np.exp(beta * (states @ X.T))
        w /= w.sum(axis=1, keepdims=True)
        k_plain = [1 + int(np.argmax(np.cumsum(np.sort(r)[::-1]) >= 0.9)) for r in w]
        regime, k, top = md.classify(X, states, beta, block=16)
        assert list(k) == k_plain and list(top) == list(np.argmax(w, axis=1))
    assert set(md.classify(X, states, 200.0, block=16)[0]) >= {md.SINGLE}


@pytest.mark.parametrize("block", [50, None])
def test_float32_stays_float32_beyond_one_block(block):
    X, Q = _problem(P=5000, d=8, B=4, dtype=np.float32)
    if block is None:
        block = 4999  # one key short of a single block
    out = md.update(X, Q, 10.0, block)
    assert out.dtype == np.float32
    assert md.weights(X, Q, 10.0, block).dtype == np.float32
    assert md.energy(X, Q, 10.0, block=block).dtype == np.float32
    want = md.update(X.astype(np.float64), Q.astype(np.float64), 10.0)
    np.testing.assert_allclose(out, want, rtol=2e-5, atol=2e-6)


def _peak_bytes(fn) -> int:
    """The largest memory numpy held at once during ``fn()`` (tracemalloc sees its arrays)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_memory_stays_one_block_not_queries_times_patterns():
    """P = 10^5 keys, 64 queries: the (B, P) matrix is 51 MB; blocks of 2000 keys hold 1 MB.

    What may exist besides the blocks: O(P) vectors (0.8 MB each: the pattern norms, one
    state's weights in classify) and, for ``weights``, its (B, P) result.
    """
    P, d, B, block = 100_000, 4, 64, 2000
    X, Q = _problem(P, d, B)
    full = B * P * 8
    small = 8 * 2**20  # a few blocks and a few O(P) vectors
    assert full > 6 * small
    assert _peak_bytes(lambda: md.update(X, Q, 5.0, block)) < small
    assert _peak_bytes(lambda: md.energy(X, Q, 5.0, block=block)) < small
    assert _peak_bytes(lambda: md.iterate(X, Q, 5.0, max_steps=3, block=block)) < small
    assert _peak_bytes(lambda: md.classify(X, Q, 5.0, block=block)) < small
    assert _peak_bytes(lambda: md.weights(X, Q, 5.0, block)) < full + small
    # the plain computation holds several (B, P) arrays: the measurement sees them
    assert _peak_bytes(lambda: md.energy(X, Q, 5.0, block=P)) > full
