"""Monte Carlo speed: square-lattice Metropolis at L = 256 and dense Hopfield Glauber at N = 2000.

Usage: ``python benchmarks/mc_speed.py [--L 256] [--N 2000] [--repeats 5]``.

Table 1: spin-update attempts per second of Metropolis on the periodic L x L lattice at
T = 2.27, for the per-spin Python loop a tutorial would write, a numpy checkerboard, a
numba random-site single-spin loop, and hopsim's numba checkerboard (serial and over
numba threads with BLAS limited to one thread); ratios against the numpy checkerboard.
Table 2: one Glauber sweep of a Hebbian network (alpha = 0.1) at several T, relative to
one float32 ``W @ s`` over the same matrix (the issue's target: at most 3x).
Medians of several repetitions, measured in this process.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # as `import hopsim` sets it, before numpy

import argparse
import platform
from functools import partial

import numba
import numpy as np
from _timing import median_time as _median_time
from numba import njit
from threadpoolctl import threadpool_limits

from hopsim.dynamics import lattice as lat
from hopsim.dynamics import stochastic
from hopsim.kernels import lattice as kern
from hopsim.network import Network
from hopsim.patterns import random_patterns

T_LATTICE = 2.27
median_time = partial(_median_time, warm_up=True)  # numba compiles on the first call


def python_loop(spins: np.ndarray, beta: float, rng: np.random.Generator, n: int) -> None:
    """Per-spin Metropolis in pure Python (n random-site attempts)."""
    L = spins.shape[0]
    for _ in range(n):
        x, y = int(rng.integers(L)), int(rng.integers(L))
        nb = spins[(x + 1) % L, y] + spins[x - 1, y] + spins[x, (y + 1) % L] + spins[x, y - 1]
        dE = 2 * spins[x, y] * nb
        if dE <= 0 or rng.random() < np.exp(-beta * dE):
            spins[x, y] = -spins[x, y]


def numpy_checkerboard(spins: np.ndarray, beta: float, rng: np.random.Generator) -> None:
    """One Metropolis sweep, colour by colour, vectorised with numpy."""
    L = spins.shape[0]
    mask = (np.add.outer(np.arange(L), np.arange(L)) % 2).astype(bool)
    for color in (False, True):
        nb = (
            np.roll(spins, 1, 0)
            + np.roll(spins, -1, 0)
            + np.roll(spins, 1, 1)
            + np.roll(spins, -1, 1)
        ).astype(np.int64)
        dE = 2 * spins * nb
        flip = (mask == color) & (rng.random((L, L)) < np.exp(-beta * dE))
        spins[flip] *= -1


@njit
def numba_single_spin(spins, beta, n, seed):
    """Random-site Metropolis, numba's own generator (n attempts)."""
    np.random.seed(seed)  # noqa: NPY002 - numba's per-thread generator, benchmark only
    L = spins.shape[0]
    for _ in range(n):
        x = np.random.randint(L)  # noqa: NPY002
        y = np.random.randint(L)  # noqa: NPY002
        nb = spins[(x + 1) % L, y] + spins[x - 1, y] + spins[x, (y + 1) % L] + spins[x, y - 1]
        dE = 2 * spins[x, y] * nb
        if dE <= 0 or np.random.random() < np.exp(-beta * dE):  # noqa: NPY002
            spins[x, y] = -spins[x, y]


def lattice_table(L: int, repeats: int) -> list[tuple[str, float]]:
    beta = 1.0 / T_LATTICE
    N = L * L
    rng = np.random.default_rng(0)
    rows = []
    spins = np.where(rng.random((L, L)) < 0.5, 1, -1).astype(np.int8)
    n_py = 20000
    t = median_time(lambda: python_loop(spins, beta, rng, n_py), max(1, repeats // 2))
    rows.append(("per-spin Python loop", n_py / t))
    t = median_time(lambda: numpy_checkerboard(spins, beta, rng), repeats)
    rows.append(("numpy checkerboard", N / t))
    t = median_time(lambda: numba_single_spin(spins, beta, 10 * N, 1), repeats)
    rows.append(("numba single-spin loop", 10 * N / t))
    thr = lat.acceptance_table(beta, 1.0, 0.0, "metropolis")
    seed = np.uint64(12345)
    sweeps = 20
    t = median_time(lambda: kern.square_checkerboard(spins, thr, seed, 0, sweeps), repeats)
    rows.append(("hopsim checkerboard, 1 thread", sweeps * N / t))
    with threadpool_limits(1):
        for threads in sorted({2, numba.config.NUMBA_NUM_THREADS} - {1}):
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            t = median_time(
                lambda: kern.square_checkerboard_threads(spins, thr, seed, 0, sweeps), repeats
            )
            rows.append(
                (f"hopsim checkerboard, {numba.get_num_threads()} numba threads", sweeps * N / t)
            )
    return rows


def dense_table(N: int, repeats: int) -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(1)
    P = int(0.1 * N)
    xi = random_patterns(rng, P, N)
    net = Network.hebbian(xi)
    s = xi[0].astype(np.float32)
    with threadpool_limits(1):
        t_ref = median_time(lambda: net.J @ s, 5 * repeats)
    rows = [("W @ s (float32, 1 BLAS thread)", t_ref, 1.0)]
    for T in (0.0, 0.5, 1.0, 2.0):
        sampler = stochastic.Sampler(net, "glauber", "async")
        chains = sampler.start(xi[:1])
        gens = [np.random.default_rng(2)]
        for _ in range(3):
            sampler.sweep(chains, T, gens)
        t = median_time(lambda T=T, sp=sampler, ch=chains, g=gens: sp.sweep(ch, T, g), repeats)
        flips = sampler.sweep(chains, T, gens)[0]
        rows.append((f"Glauber sweep T={T:g} (~{flips} flips)", t, t / t_ref))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--L", type=int, default=256)
    parser.add_argument("--N", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}"
    )
    print(f"\nSquare-lattice Metropolis, L = {args.L}, T = {T_LATTICE}")
    rows = lattice_table(args.L, args.repeats)
    ref = dict(rows)["numpy checkerboard"]
    print(f"{'implementation':42s} {'M updates/s':>12s} {'vs numpy':>9s}")
    for name, rate in rows:
        print(f"{name:42s} {rate / 1e6:12.2f} {rate / ref:9.2f}")
    print(f"\nDense Hopfield Glauber sweep, N = {args.N}, alpha = 0.1, one chain")
    print(f"{'operation':42s} {'time [ms]':>12s} {'vs W @ s':>9s}")
    for name, t, ratio in dense_table(args.N, args.repeats):
        print(f"{name:42s} {t * 1e3:12.3f} {ratio:9.2f}")


if __name__ == "__main__":
    main()
