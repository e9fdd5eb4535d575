"""Annealers on the same instances: hopsim against dwave-samplers and simulated-bifurcation.

Usage: ``python benchmarks/optimize_speed.py [--instances sk1000 er800 reg2000 reg10000]
[--reads 8] [--budgets 10 30 100 300 1000 3000] [--seconds 2] [--threads 1]``
(peers from the optional extra: ``pip install -e '.[bench]'``; a peer that is not installed
is skipped and said so).

Instances: SK N = 1000 (dense Gaussian couplings), Max-Cut on G(800, p) with mean degree 48
(the density of G-set's G1-G5), and random 3-regular graphs with +/-1 weights at N = 2000 and
10,000 (sparse; simulated-bifurcation, dense only, up to ``--dense-limit`` spins). Every
solver runs in this process on one thread (torch and numba limited to ``--threads``); the two
simulated annealers use the same geometric schedule, beta range (hopsim's default for the
instance), sweeps and reads.

Table 1, spin-update rate: single-spin proposals per second at ``--rate-sweeps`` sweeps
(simulated bifurcation: agents x steps x N, each step updating every spin through one
matrix product; a different operation, shown for scale).
Table 2, time to target: targets 1% and 0.1% above the lowest energy any solver found on the
instance (``E_best + 0.01 |E_best|``); for each budget, ``t_read ln(0.01) / ln(1 - p)``
with ``t_read`` the wall time per read and p the fraction of reads at the target; the
minimum over budgets (and the budget that gives it).
Table 3, best energy in a fixed time: the lowest energy per spin of the largest budget whose
run took at most ``--seconds``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # as `import hopsim` sets it, before numpy

import argparse
import math
import platform
import time

import numba
import numpy as np

from hopsim import optimize as opt

INSTANCES = {
    "sk1000": lambda rng: opt.sk(1000, rng),
    "er800": lambda rng: opt.random_maxcut(800, rng, "erdos_renyi", 48.0, "unit"),
    "reg2000": lambda rng: opt.random_maxcut(2000, rng, "regular", 3, "pm1"),
    "reg10000": lambda rng: opt.random_maxcut(10000, rng, "regular", 3, "pm1"),
}


# --------------------------------------------------------------------------- solvers


class Hopsim:
    name = "hopsim anneal"

    def __init__(self, problem, beta):
        self.problem, self.beta = problem, beta
        opt.anneal(problem, num_reads=1, sweeps=2, beta_range=beta)  # compile / load

    def run(self, reads, sweeps, seed):
        ds = opt.anneal(
            self.problem, num_reads=reads, sweeps=sweeps, beta_range=self.beta, seed=seed
        )
        return ds.energy.values


class DWave:
    name = "dwave-samplers SA"

    def __init__(self, problem, beta):
        import dimod
        from dwave.samplers import SimulatedAnnealingSampler

        self.problem, self.beta, self.sampler = problem, beta, SimulatedAnnealingSampler()
        # dimod: E = sum_i h_i s_i + sum_{i<j} J_ij s_i s_j; hopsim: -1/2 s^T J s - h^T s
        if problem.sparse:
            c = problem.J.tocoo()
            keep = c.row < c.col
            rows, cols, vals = c.row[keep], c.col[keep], -c.data[keep]
        else:
            rows, cols = np.triu_indices(problem.N, 1)
            vals = -problem.J[rows, cols]
        self.bqm = dimod.BQM.from_ising(
            dict(enumerate((-problem.h).tolist())),
            dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), vals.tolist(), strict=True)),
        )

    def run(self, reads, sweeps, seed):
        ss = self.sampler.sample(
            self.bqm,
            num_reads=reads,
            num_sweeps=sweeps,
            beta_range=self.beta,
            beta_schedule_type="geometric",
            seed=seed,
        )
        return ss.record.energy + self.problem.offset


class Bifurcation:
    name = "simulated-bifurcation (CPU)"

    def __init__(self, problem, beta):
        import simulated_bifurcation as sb
        import torch

        self.sb, self.torch, self.problem = sb, torch, problem
        J = problem.to_dense()
        # simulated-bifurcation minimises x^T Q x + l^T x over spins x
        self.Q = torch.tensor(-0.5 * J, dtype=torch.float32)
        self.l = torch.tensor(-problem.h, dtype=torch.float32)

    def run(self, reads, sweeps, seed):
        self.torch.manual_seed(seed)
        x, _ = self.sb.minimize(
            self.Q,
            self.l,
            domain="spin",
            agents=reads,
            max_steps=sweeps,
            best_only=False,
            verbose=False,
            early_stopping=False,
            mode="ballistic",
        )
        states = np.asarray(x.numpy(), dtype=np.int8).reshape(reads, -1)
        return self.problem.energy(states)


def peers(problem, beta, dense_limit: int) -> tuple[list, list[str]]:
    """Every solver that imports here, and the reasons the others do not."""
    out, missing = [Hopsim(problem, beta)], []
    for cls, module in ((DWave, "dwave-samplers"), (Bifurcation, "simulated-bifurcation")):
        if cls is Bifurcation and problem.N > dense_limit:
            missing.append(f"{module}: dense only, N = {problem.N} > --dense-limit {dense_limit}")
            continue
        try:
            out.append(cls(problem, beta))
        except ImportError as exc:
            missing.append(f"{module}: not installed ({exc.name})")
    return out, missing


# --------------------------------------------------------------------------- measurements


def timed(solver, reads, sweeps, seed):
    start = time.perf_counter()
    energies = np.asarray(solver.run(reads, sweeps, seed), dtype=np.float64)
    return time.perf_counter() - start, energies


def rate_table(solvers, N, reads, sweeps, repeats=3):
    rows = []
    for s in solvers:
        times = [timed(s, reads, sweeps, seed)[0] for seed in range(1, repeats + 1)]
        rows.append((s.name, reads * sweeps * N / float(np.median(times))))
    return rows


def budget_scan(solvers, reads, budgets):
    """{solver name: [(budget, seconds, energies)]}, budgets interleaved across solvers."""
    out = {s.name: [] for s in solvers}
    for b in budgets:
        for s in solvers:
            seconds, energies = timed(s, reads, b, seed=7)
            out[s.name].append((b, seconds, energies))
    return out


def tts(seconds, reads, p):
    if p <= 0:
        return math.inf
    runs = 1.0 if p >= 1 else max(1.0, math.log(0.01) / math.log1p(-p))
    return seconds / reads * runs


def report(name, problem, solvers, missing, args):
    N = problem.N
    print(
        f"\n## {name}: N = {N}, {'sparse' if problem.sparse else 'dense'} "
        f"({problem.nnz // 2} couplings), reads {args.reads}"
    )
    for m in missing:
        print(f"   skipped {m}")
    rates = rate_table(solvers, N, args.reads, args.rate_sweeps)
    ref = dict(rates).get(DWave.name)
    print(f"{'solver':30s} {'M updates/s':>12s} {'x dwave':>8s}")
    for s, r in rates:
        print(f"{s:30s} {r / 1e6:12.2f} {r / ref if ref else math.nan:8.2f}")
    scan = budget_scan(solvers, args.reads, args.budgets)
    best = min(float(e.min()) for runs in scan.values() for _, _, e in runs)
    targets = [best + gap * abs(best) for gap in (0.01, 0.001)]
    print(f"lowest energy found {best / N:.5f} per spin; targets 1% and 0.1% above it")
    print(
        f"{'solver':30s} {'TTS99 1% [s]':>13s} {'sweeps':>7s} {'TTS99 0.1% [s]':>15s} "
        f"{'sweeps':>7s} {'best in ' + str(args.seconds) + ' s':>14s}"
    )
    for s in solvers:
        runs = scan[s.name]
        cells = []
        for target in targets:
            cands = [(tts(t, args.reads, float(np.mean(e <= target))), b) for b, t, e in runs]
            cells.append(min(cands))
        within = [e.min() / N for b, t, e in runs if t <= args.seconds]
        fixed = f"{min(within):.5f}" if within else "-"
        (t1, b1), (t2, b2) = cells
        print(f"{s.name:30s} {t1:13.4g} {b1:7d} {t2:15.4g} {b2:7d} {fixed:>14s}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="+", default=list(INSTANCES), choices=INSTANCES)
    parser.add_argument("--reads", type=int, default=8)
    parser.add_argument("--budgets", type=int, nargs="+", default=[10, 30, 100, 300, 1000, 3000])
    parser.add_argument("--rate-sweeps", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--dense-limit",
        type=int,
        default=4000,
        help="largest N for simulated-bifurcation (an N x N float32 matrix, a product a step)",
    )
    args = parser.parse_args(argv)
    numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        pass
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"{args.threads} thread(s)"
    )
    for name in args.instances:
        problem = INSTANCES[name](np.random.default_rng(2026))
        beta = opt.default_beta_range(problem)
        solvers, missing = peers(problem, beta, args.dense_limit)
        print(f"\nbeta range {beta[0]:.3g} to {beta[1]:.3g} (geometric, 1 sweep per beta)")
        report(name, problem, solvers, missing, args)


if __name__ == "__main__":
    main()
