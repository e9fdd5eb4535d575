"""Speed of the dense and modern Hopfield networks against their plain references.

Usage::

    python benchmarks/dense_speed.py [--N 200] [--P 2000] [--n 3] [--cues 16]
                                     [--queries 256] [--keys 100000] [--dim 1024]

1. Binary dense associative memory, F = x^n: one asynchronous sweep of ``cues`` cues with
   the numba kernel (O(P) per visit from the cached overlaps) against the straightforward
   numpy implementation that recomputes both energies of neuron i from scratch at every
   visit (``-sum_mu F(xi_mu . s)`` for s_i = +1 and -1: O(N P) per visit). Both visit the
   same order and the script checks that they end in the same states.
2. Modern Hopfield network: one update of Q queries against P patterns of dimension d
   (float32), ``hopsim.modern.update`` (keys in blocks of 64 MB of weights with a running
   log-sum-exp) against the two matrix products it consists of, ``Q X^T`` and
   ``W X``, timed on their own; also the peak size of the weight block it holds.

Times are medians over repeats, all measured in this process, on whatever else the
machine is running.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import median_time

from hopsim import modern as md
from hopsim.dense import DenseNetwork, Polynomial
from hopsim.dynamics.dense import OverlapCache
from hopsim.dynamics.discrete import async_orders
from hopsim.patterns import corrupt, random_patterns
from hopsim.rng import SeedTree


def plain_sweep(xi: np.ndarray, S: np.ndarray, orders: np.ndarray, n: int) -> None:
    """The straightforward sweep: both energies of neuron i from scratch at every visit."""
    X = xi.astype(np.float64)
    for b in range(S.shape[0]):
        s = S[b].astype(np.float64)
        for i in orders[b]:
            s[i] = 1.0
            e_up = -np.sum((X @ s) ** n)
            s[i] = -1.0
            e_down = -np.sum((X @ s) ** n)
            s[i] = 1.0 if e_up <= e_down else -1.0
        S[b] = s.astype(np.int8)


def dense_benchmark(N: int, P: int, n: int, cues: int) -> None:
    seeds = SeedTree(0)
    xi = random_patterns(seeds.generator("patterns", N, P), P, N)
    start = corrupt(xi[:cues], "flip", 0.1, seeds.generators(["cue"], range(cues)))
    net = DenseNetwork.build(xi, Polynomial(n))
    orders = async_orders(seeds.generators(["order"], range(cues)), N)
    rows = np.arange(cues)

    def kernel():
        S = start.copy()
        OverlapCache(net, S, True).sweep(rows, orders)
        return S

    plain_cues = max(1, min(cues, 2))

    def plain():
        S = start[:plain_cues].copy()
        plain_sweep(xi, S, orders[:plain_cues], n)
        return S

    np.testing.assert_array_equal(kernel()[:plain_cues], plain())  # same states
    t_kernel = median_time(kernel, 5, warm_up=True) / cues
    t_plain = median_time(plain, 3) / plain_cues
    print(f"Binary dense memory, F = x^{n}, N = {N}, P = {P}: one async sweep per cue")
    print(f"  numba kernel (O(P) per visit)       {1e3 * t_kernel:10.3f} ms")
    print(f"  numpy, energies from scratch        {1e3 * t_plain:10.3f} ms")
    print(f"  kernel is {t_plain / t_kernel:.0f}x faster (target: at least 50x)")


def modern_benchmark(Q: int, P: int, d: int) -> None:
    rng = np.random.default_rng(0)
    X = (rng.standard_normal((P, d)) / np.sqrt(d)).astype(np.float32)
    queries = X[:Q] + np.float32(0.05) * rng.standard_normal((Q, d)).astype(np.float32)
    beta = np.float32(8.0)
    W = np.empty((Q, P), dtype=np.float32)

    def products():
        np.matmul(queries, X.T, out=W)
        return W @ X

    t_update = median_time(lambda: md.update(X, queries, beta), 3, warm_up=True)
    t_products = median_time(products, 3, warm_up=True)
    ref = md.attention(queries[:8].astype(np.float64), X, X, float(beta))
    err = float(np.max(np.abs(md.update(X, queries[:8], beta) - ref)))
    block = min(P, md.block_keys(Q, np.float32))
    print(f"Modern Hopfield update, Q = {Q}, P = {P}, d = {d} (float32)")
    print(f"  Q X^T and W X alone                 {t_products:10.3f} s")
    print(f"  hopsim.modern.update                {t_update:10.3f} s")
    print(
        f"  update / products = {t_update / t_products:.2f} (target: at most 1.3); weights held: "
        f"{Q} x {block} ({4 * Q * block / 1e6:.0f} MB) instead of {Q} x {P} "
        f"({4 * Q * P / 1e6:.0f} MB); max deviation from float64 attention {err:.1e}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--N", type=int, default=200)
    parser.add_argument("--P", type=int, default=2000)
    parser.add_argument("--n", type=int, default=3)
    parser.add_argument("--cues", type=int, default=16)
    parser.add_argument("--queries", type=int, default=256)
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=1024)
    args = parser.parse_args(argv)
    dense_benchmark(args.N, args.P, args.n, args.cues)
    modern_benchmark(args.queries, args.keys, args.dim)


if __name__ == "__main__":
    main()
