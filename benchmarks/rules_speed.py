"""Speed of forming the couplings of every learning rule, as ratios measured in the same run.

For N in ``--sizes`` (default 2000 and 5000) and P = ``--load`` N random patterns, each
rule forms its dense couplings J (N x N float32, what ``network.mode=dense`` stores) and
is timed against two references from the same run:

* ``xi^T xi``: one float32 product of the patterns (Hebb's whole cost; the targets are
  Hebb and covariance 1x, pseudo-inverse <= 3x, Storkey <= 10x);
* the textbook implementation of the same formula, written plainly in numpy: Hebb and
  covariance as a sum of P outer products, Storkey pattern by pattern with the N x N
  matrix of fields h_ij, the pseudo-inverse as ``xi^T inv(xi xi^T) xi``. Storkey's
  textbook loop is timed on its first ``--storkey-sample`` patterns and scaled to P
  (its cost per pattern is constant), and says so.

Krauth-Mezard has no closed form: its AdaTron time depends on how far the load is from
capacity. It is reported at the same load against ``xi^T xi``, and in a second table at
N = ``--km-size`` for the loads ``--km-loads`` against one (N, P) x (P, P) float64 product
(the multiply-adds of one sweep in which every update is made, done by BLAS), with the
sweeps it took; the last row, past capacity with a budget of ``--km-budget`` sweeps, gives the
rate of AdaTron updates x P per second on which ``MAX_LEARNING_OPS`` rests.

Usage: ``python benchmarks/rules_speed.py [--sizes 2000 5000] [--load 0.15] [--threads 1]
[--km-size 1000] [--km-loads 0.25 0.5 1 1.5]``

One thread by default: the ratios are then those of the work itself, not of how the
BLAS threads share a (possibly busy) machine.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from _timing import median_time
from threadpoolctl import threadpool_info

from hopsim.learning import learn
from hopsim.patterns import random_patterns


def textbook_hebb(X: np.ndarray) -> np.ndarray:
    """sum_mu xi_mu xi_mu^T, zero diagonal, one outer product at a time."""
    N = X.shape[1]
    J = np.zeros((N, N), dtype=np.float32)
    for x in X.astype(np.float32):
        J += np.outer(x, x)
    np.fill_diagonal(J, 0)
    return J


def textbook_covariance(X: np.ndarray) -> np.ndarray:
    """sum_mu (xi_mu - a)(xi_mu - a)^T, zero diagonal."""
    a = X.mean()
    N = X.shape[1]
    J = np.zeros((N, N))
    for x in X.astype(np.float64) - a:
        J += np.outer(x, x)
    np.fill_diagonal(J, 0)
    return J


def textbook_storkey(X: np.ndarray) -> np.ndarray:
    """Storkey (1997) pattern by pattern, with the fields h_ij = h_i - w_ii xi_i - w_ij xi_j."""
    P, N = X.shape
    W = np.zeros((N, N))
    for x in X.astype(np.float64):
        h = W @ x
        H = h[:, None] - np.diag(W)[:, None] * x[:, None] - W * x[None, :]  # h_ij
        W = W + (np.outer(x, x) - x[:, None] * H.T - H * x[None, :]) / N
        np.fill_diagonal(W, 0)
    return W


def textbook_pseudo_inverse(X: np.ndarray) -> np.ndarray:
    """xi^T inv(xi xi^T) xi, in float64."""
    Xf = X.astype(np.float64)
    return Xf.T @ np.linalg.inv(Xf @ Xf.T) @ Xf


TEXTBOOK = {
    "hebb": textbook_hebb,
    "covariance": textbook_covariance,
    "pseudo_inverse": textbook_pseudo_inverse,
}


def main(argv: list[str] | None = None) -> None:
    """Print one table per N: rule, seconds, ratio to xi^T xi, ratio to the textbook code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--load", type=float, default=0.15, help="P / N")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--storkey-sample", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="BLAS and numba threads")
    parser.add_argument("--km-size", type=int, default=1000, help="N of the Krauth-Mezard table")
    parser.add_argument("--km-loads", type=float, nargs="+", default=[0.25, 0.5, 1.0, 1.5])
    parser.add_argument("--km-budget", type=int, default=20, help="sweeps past capacity")
    args = parser.parse_args(argv)
    from hopsim.parallel import configure_threads

    configure_threads(args.threads)
    blas = ", ".join(f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info())
    print(f"# learning-rule speed ({platform.processor() or platform.machine()}; {blas})")
    for N in args.sizes:
        P = int(round(args.load * N))
        X = random_patterns(np.random.default_rng(0), P, N)
        X32 = X.astype(np.float32)
        ref = median_time(lambda X32=X32: X32.T @ X32, args.repeat, warm_up=True)
        print(f"\n## N = {N}, P = {P}: one xi^T xi product (float32) = {ref * 1e3:.1f} ms")
        print(f"{'rule':<16} {'seconds':>9} {'x xi^T xi':>10} {'textbook s':>11} {'speed-up':>9}")
        for rule in ("hebb", "storkey", "pseudo_inverse", "covariance", "krauth_mezard"):

            def form(rule=rule, X=X):
                return learn(rule, X).dense(np.float32)

            t = median_time(form, 1 if rule == "krauth_mezard" else args.repeat, warm_up=True)
            text_t, note = np.nan, ""
            if rule in TEXTBOOK:
                text_t = median_time(lambda f=TEXTBOOK[rule], X=X: f(X), 1)
            elif rule == "storkey":
                k = min(args.storkey_sample, P)
                text_t = median_time(lambda X=X, k=k: textbook_storkey(X[:k]), 1) * P / k
                note = f" (textbook on {k} patterns, scaled to {P})"
            speed = f"{text_t / t:9.1f}" if np.isfinite(text_t) else f"{'-':>9}"
            text = f"{text_t:11.3f}" if np.isfinite(text_t) else f"{'-':>11}"
            print(f"{rule:<16} {t:9.3f} {t / ref:10.2f} {text} {speed}{note}")
    krauth_mezard_table(args.km_size, args.km_loads, args.km_budget)


def krauth_mezard_table(N: int, loads: list[float], budget: int) -> None:
    """AdaTron against the load at one N: seconds, sweeps, ratio to one sweep's product."""
    from hopsim.experiments._discrete_config import MAX_LEARNING_OPS

    print(f"\n## krauth_mezard at N = {N} (maximal stability, tolerance 1e-3)")
    head = f"{'alpha':>6} {'P':>5} {'seconds':>9} {'sweeps':>10} {'x product':>10} {'margin':>7}"
    print(head + f" {'updates x P / s':>16}")
    cases = [(a, None) for a in loads] + [(2.2, budget)]
    for alpha, cap in cases:
        P = int(round(alpha * N))
        X = random_patterns(np.random.default_rng(1), P, N)
        A, G = np.random.default_rng(2).random((N, P)), (X @ X.T).astype(np.float64)
        ref = median_time(lambda A=A, G=G: A @ G, 3, warm_up=True)
        options = None if cap is None else {"budget": cap}
        learn("krauth_mezard", X[:2, :8])  # compile outside the timing
        start = time.perf_counter()
        info = learn("krauth_mezard", X, options).info
        t = time.perf_counter() - start
        sweeps = f"{info['sweeps_mean']:.0f}/{info['sweeps_max']}"
        rate = f"{N * cap * P * P / t:16.3g}" if cap else f"{'-':>16}"
        margin = info["margin_mean"]
        print(f"{alpha:6g} {P:5d} {t:9.2f} {sweeps:>10} {t / ref:10.1f} {margin:7.3f} {rate}")
    print(f"(MAX_LEARNING_OPS = {MAX_LEARNING_OPS:.3g} updates x P; sweeps: mean/max per neuron)")


if __name__ == "__main__":
    main()
