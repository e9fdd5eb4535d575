"""Perceptron learning of maximal stability (Krauth and Mezard 1987, "minover").

Every neuron i is trained as a perceptron on the other neurons so that each stored
pattern is stable with a margin: ``xi_i^mu h_i^mu / ||J_i|| >= kappa`` for all mu. The
couplings are ``J_ij = sum_mu c_imu xi_i^mu xi_j^mu`` (``J_ii = 0``) with integer
embedding strengths ``c_imu``; minover adds the least stable pattern until the margin is
reached. ``W = J / N``: integer couplings (exact ties) with a low-rank form
``J = (c * xi)^T xi - diag(sum_mu c_imu)``.

Capacity (Gardner 1988): ``alpha_c(kappa) = 1 / int_{-kappa}^inf Dt (t + kappa)^2``,
``alpha_c(0) = 2``; minover converges whenever the margin is reachable (Krauth and Mezard
1987), in a number of steps that grows as the load nears ``alpha_c(kappa)``.

What asymmetry costs: ``J_ij != J_ji`` in general, so there is no energy function (the
``energy`` hopsim reports is ``-1/2 s^T W s`` all the same, but it may rise), and
asynchronous dynamics may end on cycles as well as fixed points; the ``outcome`` and
``cycle_length`` variables report them.

Cost: O(P) per step and neuron, neurons in parallel (numba); ``budget`` bounds the steps.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, stats

from hopsim.learning.base import (
    Couplings,
    LowRank,
    Option,
    Rule,
    check_number,
    register,
)


def learn_krauth_mezard(
    patterns: np.ndarray, kappa: float = 0.0, budget: float = 100.0
) -> Couplings:
    """Minover couplings with margin ``kappa``.

    Parameters
    ----------
    patterns : numpy.ndarray
        (P, N) +/-1.
    kappa : float
        Requested normalised margin (>= 0).
    budget : float
        Minover steps allowed per neuron, in units of P (default 100); a neuron that runs
        out keeps the margin it reached (``info["min_margin"]``,
        ``info["converged_fraction"]``). Below capacity minover needs a few P steps
        (about 8 P at alpha = 1.5); near and past capacity it uses the whole budget.
    """
    from hopsim.kernels.learning import minover

    X = np.ascontiguousarray(patterns, dtype=np.int8)
    P, N = X.shape
    steps = int(np.ceil(budget * max(P, 1)))
    Xf = X.astype(np.float64)
    G = Xf @ Xf.T  # exact integers
    counts = np.zeros((N, P), dtype=np.int64)
    margins = np.zeros(N)
    updates = np.zeros(N, dtype=np.int64)
    if P:
        minover(np.ascontiguousarray(Xf.T), G, float(kappa), steps, counts, margins, updates)
    A = (counts.T * X).astype(np.int32 if counts.max(initial=0) < 2**31 else np.int64)
    total = counts.sum(axis=1)
    reached = margins >= kappa if kappa > 0 else margins > 0
    return Couplings(
        rule="krauth_mezard",
        N=N,
        inverse_scale=float(N),
        integer=True,
        symmetric=False,
        zero_diagonal=True,
        max_abs=float(total.max(initial=0)),
        lowrank=LowRank(A, X, total.astype(np.float64)),
        info={
            "kappa": float(kappa),
            "min_margin": float(margins.min(initial=np.inf)),
            "converged_fraction": float(reached.mean()) if N else 1.0,
            "updates": int(updates.sum()),
        },
    )


def gardner_capacity(kappa: float = 0.0) -> float:
    """``alpha_c(kappa) = 1 / int_{-kappa}^inf Dt (t + kappa)^2`` (Gardner 1988)."""
    value, _ = integrate.quad(lambda t: stats.norm.pdf(t) * (t + kappa) ** 2, -kappa, math.inf)
    return 1.0 / value


KRAUTH_MEZARD = register(
    Rule(
        name="krauth_mezard",
        learn=learn_krauth_mezard,
        options={
            "kappa": Option(0.0, check_number(0.0, 10.0), "margin every pattern must reach"),
            "budget": Option(
                100.0, check_number(0.0, 1e6), "minover steps per neuron, in units of P"
            ),
        },
        integer=True,
        symmetric=False,
        lowrank=True,
        capacity=lambda N: 2.0 * N,
        capacity_text="alpha_c(kappa) (Gardner 1988): 2 at kappa = 0",
        summary="Krauth-Mezard minover: maximal stability with margin kappa (asymmetric)",
    )
)
