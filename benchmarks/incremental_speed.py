"""Cost of adding one pattern to a stored network, as a ratio to one batch formation.

For N in ``--sizes`` (default 1000, 2000 and 4000) and P = ``--load`` N random patterns,
every rule that can be updated (hebb, covariance, storkey, pseudo_inverse) in every storage
mode it allows (``dense``: the N x N float32 J; ``lowrank``: the factors only) is timed on:

* **batch**: ``hopsim.store(xi, rule, mode=...)`` for all P patterns: the rule's learning
  and the formation of what the mode stores (the reference, measured in the same run);
* **add**: ``net.add(x)`` of one more pattern to the network of the first P - 1 (the rule's
  update of its factors and state, and in ``dense`` mode the O(N^2) change of J).

The ratio add / batch is what updating saves; the exponent of add against N (from the
smallest to the largest size, at fixed load) shows the cost's order: 2 for a dense O(N^2)
update, 1 for Hebb's factored one (a new row of P N bytes is appended: O(P N) bytes copied,
O(N) arithmetic) and 2 for the factored Storkey and pseudo-inverse updates (their
O(P N) = O(alpha N^2) field and residual products: what the recursion itself costs).

Usage: ``python benchmarks/incremental_speed.py [--sizes 1000 2000 4000] [--load 0.1]
[--repeats 5] [--threads 1]``. One thread by default: ratios of the work, not of how the
BLAS threads share a busy machine.
"""

from __future__ import annotations

import argparse
import math
import platform

import numpy as np
from _timing import median_time
from threadpoolctl import threadpool_limits

import hopsim

CASES = (
    ("hebb", {}, "dense"),
    ("hebb", {}, "lowrank"),
    ("covariance", {"activity": 0.0}, "dense"),
    ("covariance", {"activity": 0.0}, "lowrank"),
    ("storkey", {}, "dense"),
    ("storkey", {}, "lowrank"),
    ("pseudo_inverse", {}, "dense"),
    ("pseudo_inverse", {}, "lowrank"),
)


def measure(N: int, load: float, repeats: int) -> list[dict]:
    """One row per case at size N: batch and add times (seconds) and their ratio."""
    P = int(round(load * N))
    xi = hopsim.random_patterns(P, N, seed=0)
    rows = []
    for rule, options, mode in CASES:
        batch = median_time(
            lambda r=rule, m=mode, o=options: hopsim.store(xi, r, mode=m, **o), repeats
        )
        before = hopsim.store(xi[:-1], rule, mode=mode, **options)
        add = median_time(lambda b=before: b.add(xi[-1]), repeats, warm_up=True)
        rows.append({"N": N, "P": P, "rule": rule, "mode": mode, "batch": batch, "add": add})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--load", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        f"# hopsim incremental learning: {platform.machine()}, numpy {np.__version__}, "
        f"{args.threads} BLAS thread(s), load {args.load}, median of {args.repeats}"
    )
    rows = []
    with threadpool_limits(args.threads):
        for N in args.sizes:
            rows.extend(measure(N, args.load, args.repeats))
    print(
        f"\n{'rule':>15} {'mode':>8} {'N':>6} {'P':>5} {'batch s':>9} {'add ms':>9} "
        f"{'add/batch':>10}"
    )
    for r in rows:
        print(
            f"{r['rule']:>15} {r['mode']:>8} {r['N']:>6} {r['P']:>5} {r['batch']:9.4f} "
            f"{1000 * r['add']:9.3f} {r['add'] / r['batch']:10.4f}"
        )
    lo, hi = min(args.sizes), max(args.sizes)
    print(f"\nexponent of the add time against N ({lo} -> {hi}, fixed load):")
    for rule, _, mode in CASES:
        a = next(r for r in rows if (r["rule"], r["mode"], r["N"]) == (rule, mode, lo))
        b = next(r for r in rows if (r["rule"], r["mode"], r["N"]) == (rule, mode, hi))
        slope = math.log(b["add"] / a["add"]) / math.log(hi / lo)
        print(f"{rule:>15} {mode:>8}: {slope:.2f}")


if __name__ == "__main__":
    main()
