"""Recall speed: hopsim's kernels against a W @ S product and the tutorial loop.

Usage::

    python benchmarks/recall_speed.py [--sizes 1000 5000 20000] [--batch 64] [--lowrank 100000]

For each N: B cues at alpha = 0.1 with 10% of bits flipped, run to convergence.
Rows (times are medians of several repetitions, all measured in this process):

``W @ S``          one float32 matrix product over the same W: the memory-bound reference
``hopsim async``   fields once (one product), then incremental numba sweeps to convergence
``hopsim sync``    one product per sweep until every cue has stopped
``tutorial loop``  ``for i in range(N): s[i] = 1 if W[i] @ s >= 0 else -1`` per cue, per sweep,
                   with the tutorial's types (float64 W, integer s), until a sweep changes
                   nothing (timed on a few cues, scaled to B)

The low-rank row (N = 100,000 by default, fewer cues) runs in a child process so its peak
resident memory is its own. Ratios are against ``W @ S`` of the same N; "per cue" ratios
compare one cue's recall with the tutorial loop's.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # as `import hopsim` sets it, before numpy

import argparse  # noqa: E402
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
from _timing import median_time

from hopsim.dynamics import discrete
from hopsim.kernels.discrete import warm_up
from hopsim.network import Network, coupling_bytes
from hopsim.patterns import corrupt, random_patterns
from hopsim.rng import SeedTree


def problem(N: int, B: int, alpha: float = 0.1, noise: float = 0.1, mode: str = "dense"):
    seeds = SeedTree(1)
    P = max(1, round(alpha * N))
    xi = random_patterns(seeds.generator("patterns", N, P), P, N)
    net = Network.hebbian(xi, mode=mode)
    targets = xi[np.arange(B) % P]
    cues = corrupt(targets, "flip", noise, seeds.generators(["cue", N], range(B)))
    return seeds, net, cues


def tutorial_recall(W: np.ndarray, s: np.ndarray, max_sweeps: int = 100) -> int:
    """The loop a tutorial writes; returns the sweeps it took."""
    for sweep in range(1, max_sweeps + 1):
        old = s.copy()
        for i in range(len(s)):
            s[i] = 1 if W[i] @ s >= 0 else -1
        if np.array_equal(old, s):
            return sweep
    return max_sweeps


def measure_dense(N: int, B: int, repeats: int, tutorial_cues: int) -> list[dict]:
    seeds, net, cues = problem(N, B)
    W = (net.J * net.scale).astype(np.float32)
    S = cues.astype(np.float32)
    rows = []
    t_ref = median_time(lambda: S @ W.T, repeats)
    rows.append(dict(N=N, B=B, method="W @ S (float32 BLAS)", total=t_ref, sweeps=1))
    for update in ("async", "sync"):
        traj = None

        def recall(update=update):
            nonlocal traj
            rngs = seeds.generators(["dyn", N], range(B))
            traj = discrete.run(net, cues, update, 100, rngs)

        t = median_time(recall, repeats)
        tracemalloc.start()
        recall()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        sweeps = int(traj.sweeps.max()) + 1  # the last sweep confirms the fixed point
        rows.append(
            dict(
                N=N,
                B=B,
                method=f"hopsim {update}",
                total=t,
                sweeps=sweeps,
                peak_mb=(peak + coupling_bytes(N, net.n_patterns, "dense")) / 1e6,
                overlap=float(np.mean(np.sum(traj.final == cues, 1) > 0)),
            )
        )
    if tutorial_cues:
        # the tutorial's own types: W = np.zeros((N, N)) filled by np.outer (float64), s an
        # integer array; W[i] @ s then converts s to float64 on every call
        W64 = W.astype(np.float64)
        n = min(tutorial_cues, B)
        start = time.perf_counter()
        sweeps = [tutorial_recall(W64, cues[b].astype(np.int64)) for b in range(n)]
        per_cue = (time.perf_counter() - start) / n
        rows.append(
            dict(
                N=N,
                B=B,
                method=f"tutorial loop ({n} cues, x B)",
                total=per_cue * B,
                sweeps=int(np.mean(sweeps)),
            )
        )
    for row in rows:
        row["ratio"] = row["total"] / t_ref
    return rows


def measure_lowrank_child(N: int, B: int) -> dict:
    """Run in a child process: low-rank async recall; report time and peak RSS."""
    warm_up()
    seeds, net, cues = problem(N, B, mode="lowrank")
    start = time.perf_counter()
    traj = discrete.run(net, cues, "async", 100, seeds.generators(["dyn", N], range(B)))
    total = time.perf_counter() - start
    m = (
        np.einsum(
            "bi,bi->b", traj.final.astype(float), net.patterns[np.arange(B) % len(net.patterns)]
        )
        / N
    )
    return dict(
        N=N,
        B=B,
        method="hopsim async, low-rank",
        total=total,
        sweeps=int(traj.sweeps.max()) + 1,
        overlap=float(m.mean()),
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        dense_gb=coupling_bytes(N, net.n_patterns, "dense") / 1e9,
    )


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'N':>7} {'B':>4}  {'method':<32} {'total s':>9} {'sweeps':>6} "
        f"{'per sweep ms':>12} {'x W@S':>8} {'peak MB':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        per_sweep = 1e3 * r["total"] / max(r["sweeps"], 1)
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "-"
        peak = f"{r['peak_mb']:.0f}" if "peak_mb" in r else "-"
        print(
            f"{r['N']:>7} {r['B']:>4}  {r['method']:<32} {r['total']:>9.4f} {r['sweeps']:>6} "
            f"{per_sweep:>12.3f} {ratio:>8} {peak:>8}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tutorial-cues", type=int, default=2)
    parser.add_argument(
        "--lowrank", type=int, default=100_000, help="N of the low-rank row (0: skip)"
    )
    parser.add_argument("--lowrank-batch", type=int, default=8)
    parser.add_argument("--child", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure_lowrank_child(*args.child)))
        return

    import numba
    import threadpoolctl

    print(
        f"# hopsim recall benchmark: {platform.processor() or platform.machine()}, "
        f"{platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"threads numba={numba.get_num_threads()} "
        f"blas={[p['num_threads'] for p in threadpoolctl.threadpool_info()]}"
    )
    print(
        "# alpha = 0.1, 10% flipped bits, async = random order each sweep; sweeps include the "
        "final no-change sweep\n"
    )
    warm_up()
    rows = []
    for N in args.sizes:
        rows += measure_dense(
            N, args.batch, args.repeats if N <= 5000 else 2, args.tutorial_cues if N <= 20000 else 0
        )
    print_table(rows)
    for N in args.sizes:
        per = {r["method"].split(" (")[0]: r for r in rows if r["N"] == N}
        if "tutorial loop" in per:
            speedup = per["tutorial loop"]["total"] / per["hopsim async"]["total"]
            print(
                f"N={N}: hopsim async is {speedup:.0f}x faster per cue than the tutorial loop; "
                f"whole async recall = {per['hopsim async']['ratio']:.2f} x one W @ S"
            )
    if args.lowrank:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(args.lowrank), str(args.lowrank_batch)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print()
        print_table([row])
        print(
            f"N={row['N']}: low-rank peak RSS {row['peak_mb'] / 1e3:.2f} GB "
            f"(a dense float32 W would take {row['dense_gb']:.0f} GB); "
            f"mean final overlap {row['overlap']:.3f}"
        )


if __name__ == "__main__":
    main()
