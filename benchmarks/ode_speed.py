"""Speed of the continuous-dynamics code, as ratios against references measured in the same run.

1. The bifurcation analysis over 1,000 lambda values (all fixed points, stability, pitchfork
   refinement, folds): wall time against the 1 s target.
2. The network ODE, N = 1,000 Hebbian network at gain 4, t in [0, 50], rtol 1e-6: wall time of
   each solve_ivp method against (its right-hand-side evaluations x the time of one
   evaluation), i.e. 1.00 means no solver overhead. RK45, LSODA, BDF, Radau, with and without
   the analytic Jacobian.

Usage: ``python benchmarks/ode_speed.py [--N 1000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import scipy
from _timing import median_time
from threadpoolctl import threadpool_info, threadpool_limits

from hopsim import bifurcation as bif
from hopsim.dynamics import continuous as ode
from hopsim.learning import hebb
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.rng import SeedTree


def bench_bifurcation(repeat: int) -> None:
    lams = np.linspace(0.0, 3.0, 1000)

    def work():
        d = bif.diagram(lams, 0.0)
        bif.pitchfork(lams, d.count)
        bif.fold_points(lams)

    wall = median_time(work, repeat)
    print("\n## bifurcation analysis, 1000 lambda values, h = 0 (target < 1 s)")
    print(f"{'what':<40} {'median s':>10} {'ratio to 1 s':>13}")
    print(f"{'diagram + pitchfork + folds':<40} {wall:>10.3f} {wall / 1.0:>13.2f}")


def bench_network(N: int, P: int, repeat: int) -> None:
    seeds = SeedTree(0)
    xi = random_patterns(seeds.generator("patterns", N, P, 0.0), P, N)
    W = hebb(xi)
    model = ode.ContinuousNetwork(W, 1.0, ode.Activation("tanh", 4.0))
    v0 = 0.5 * corrupt_one(xi[0], "flip", 0.2, seeds.generator("cue", 0)).astype(np.float64)
    t = np.linspace(0.0, 50.0, 51)
    rhs_time = median_time(lambda: [model.rhs(0.0, v0) for _ in range(200)], 5) / 200
    jac_time = median_time(lambda: model.jacobian(0.0, v0), 5)
    matvec = median_time(lambda: [W @ v0 for _ in range(200)], 5) / 200
    print(f"\n## network ODE, N = {N}, P = {P}, gain 4, t in [0, 50], rtol 1e-6, atol 1e-9")
    print(
        f"one W @ v: {matvec * 1e6:.1f} us; one rhs: {rhs_time * 1e6:.1f} us "
        f"({rhs_time / matvec:.2f} x W @ v); one analytic Jacobian: {jac_time * 1e3:.2f} ms"
    )
    head = (
        f"{'method':<8} {'jacobian':<9} {'median s':>9} {'nfev':>6} {'njev':>5} {'nlu':>5} "
        f"{'nfev*t_rhs s':>12} {'wall/(nfev*t_rhs)':>18} {'overlap':>8}"
    )
    print(head)
    cases = [
        ("RK45", True),
        ("LSODA", True),
        ("LSODA", False),
        ("BDF", True),
        ("BDF", False),
        ("Radau", True),
    ]
    for method, jac in cases:
        holder = {}

        def work(method=method, jac=jac, holder=holder):
            holder["sol"] = ode.integrate(
                model, v0, t, method=method, rtol=1e-6, atol=1e-9, use_jacobian=jac
            )

        reps = repeat if (method == "RK45" or jac) else 1
        wall = median_time(work, reps)
        # the machine may be shared: time one rhs again right after, keep the smaller
        rhs_now = min(
            rhs_time, median_time(lambda: [model.rhs(0.0, v0) for _ in range(200)], 3) / 200
        )
        sol = holder["sol"]
        ideal = sol.nfev * rhs_now
        m = float(sol.v[-1] @ xi[0] / N)
        label = "analytic" if (jac and method != "RK45") else ("-" if method == "RK45" else "FD")
        print(
            f"{method:<8} {label:<9} {wall:>9.3f} {sol.nfev:>6} {sol.njev:>5} {sol.nlu:>5} "
            f"{ideal:>12.3f} {wall / ideal:>18.2f} {m:>8.4f}"
        )


def main(argv: list[str] | None = None) -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--N", type=int, default=1000)
    parser.add_argument("--P", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads (default 1: busy-waiting threads oversubscribe 2 cores)",
    )
    args = parser.parse_args(argv)
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        _tables(args)


def _tables(args) -> None:
    blas = ", ".join(f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info())
    print(
        f"# ode_speed: {platform.processor() or platform.machine()}, python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{blas}"
    )
    bench_bifurcation(args.repeat)
    bench_network(args.N, args.P, args.repeat)


if __name__ == "__main__":
    main()
