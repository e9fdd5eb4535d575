"""The Storkey rule (Storkey 1997; Storkey and Valabregue 1999): incremental and local.

Pattern by pattern, with ``h_ij = sum_{k != i, j} w_ik xi_k`` the local field at i without
i and j::

    w_ij <- w_ij + (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N      (i != j),  w_ii = 0.

Capacity: about ``N / sqrt(2 ln N)`` patterns with every bit stable (Storkey 1997), above
Hebb's ``N / (2 ln N)``; the couplings are symmetric and real, so an energy exists.

Cost. Written as above the rule is O(P N^2) with N x N temporaries for every pattern.
With zero diagonal and symmetric ``w`` the step reads
``W <- (1 + 2/N) W + offdiag(xi xi^T - xi h^T - h xi^T) / N`` with ``h = W xi``, so
``W`` stays a weighted sum of rank-two terms: ``W = U^T V - diag(d)`` with ``U = [xi; h]``
(2P rows). Every ``h`` then costs O(P N) from the factors, the whole rule O(P^2 N), and
forming the dense matrix is one (2P, N) x (2P, N) product: about 2x Hebb's ``xi^T xi``.
"""

from __future__ import annotations

import math

import numpy as np

from hopsim.learning.base import Couplings, LowRank, Rule, register


def learn_storkey(patterns: np.ndarray) -> Couplings:
    """Storkey couplings of ``patterns`` (P, N) +/-1 in factored form (scale 1, real)."""
    from threadpoolctl import threadpool_limits

    X = np.ascontiguousarray(patterns, dtype=np.float64)
    P, N = X.shape
    with threadpool_limits(1):  # P small matrix-vector products: threads only wait
        left, right, diag = _factors(X)
    return Couplings(
        rule="storkey",
        N=N,
        inverse_scale=1.0,
        integer=False,
        symmetric=True,
        zero_diagonal=True,
        max_abs=math.inf,
        lowrank=LowRank(left, right, diag),
    )


def _factors(X: np.ndarray):
    """``(U, V, d)`` with Storkey's ``W = U^T V - diag(d)``: the O(P^2 N) recursion."""
    P, N = X.shape
    c = 1.0 + 2.0 / N
    G = X @ X.T  # pattern overlaps, exact integers
    H = np.zeros((P, N))  # H[mu] = h^mu = W^(mu-1) xi^mu
    coef = np.zeros(P)  # W^(nu) = sum_mu coef_mu (xi^mu (xi^mu - h^mu)^T - h^mu xi^mu^T) - diag
    diag = np.zeros(N)  # diagonal of the un-zeroed sum, removed from W
    for nu in range(P):
        xi = X[nu]
        if nu:
            q = H[:nu] @ xi
            a = coef[:nu] * (G[:nu, nu] - q)
            b = -coef[:nu] * G[:nu, nu]
            h = X[:nu].T @ a + H[:nu].T @ b - diag * xi
        else:
            h = np.zeros(N)
        H[nu] = h
        coef[:nu] *= c
        coef[nu] = 1.0 / N
        diag = c * diag + (1.0 - 2.0 * xi * h) / N
    left = np.concatenate([X, H])
    right = np.concatenate([coef[:, None] * (X - H), -coef[:, None] * X])
    return left, right, diag


def storkey_capacity(N: int) -> float:
    """``N / sqrt(2 ln N)`` (Storkey 1997)."""
    return N / math.sqrt(2.0 * math.log(N)) if N > 1 else 1.0


STORKEY = register(
    Rule(
        name="storkey",
        learn=learn_storkey,
        options={},
        integer=False,
        symmetric=True,
        lowrank=True,
        capacity=storkey_capacity,
        capacity_text="N / sqrt(2 ln N) patterns with every bit stable (Storkey 1997)",
        summary="Storkey (1997): incremental, local, symmetric, real couplings",
    )
)
