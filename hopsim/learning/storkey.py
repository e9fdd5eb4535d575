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

Updates. The rule is incremental by design: ``Network.add`` continues the recursion from
the stored factors (``h = W xi`` in O(P N), the factors grow by two rows), so adding
patterns one by one gives the batch couplings (to rounding: the batch computes the same
recursion in blocks). The couplings depend on the order of learning, so a pattern can be
removed exactly only by undoing the recursion from the end: ``Network.remove`` accepts the
most recently added patterns only (``W_prev = (W - step) / (1 + 2/N)``, with the step's
``h`` read from the factors) and refuses any other.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from hopsim.errors import ParameterError
from hopsim.learning.base import Change, Couplings, LowRank, Rule, register, stored_rows


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


def _factors(X: np.ndarray, block: int = 64):
    """``(U, V, d)`` with Storkey's ``W = U^T V - diag(d)``: the O(P^2 N) recursion, blocked.

    Within a block of patterns [s, e) the step is sequential, but the part of every
    ``h^nu = W^(nu-1) xi^nu`` that comes from the patterns before the block is
    ``c^(nu-s) W^(s-1) xi^nu``: for the whole block, two matrix-matrix products with the
    factors of ``W^(s-1)`` instead of ``3 (s + j)`` matrix-vector passes per pattern.
    """
    P, N = X.shape
    c = 1.0 + 2.0 / N
    G = X @ X.T  # pattern overlaps, exact integers
    H = np.zeros((P, N))  # H[mu] = h^mu = W^(mu-1) xi^mu
    w = np.zeros(P)  # W^(s-1) = sum_mu w_mu (xi^mu (xi^mu - h^mu)^T - h^mu xi^mu^T) - diag(d)
    d = np.zeros(N)  # diagonal of the un-zeroed sum, removed from W
    for s in range(0, P, block):
        e = min(s + block, P)
        Xb = X[s:e]
        if s:  # W^(s-1) xi^nu for every nu of the block: (N, b)
            ws = w[:s, None]
            base = X[:s].T @ (ws * ((X[:s] - H[:s]) @ Xb.T)) - H[:s].T @ (ws * G[:s, s:e])
            base -= d[:, None] * Xb.T
        else:
            base = np.zeros((N, e - s))
        d_in = np.zeros(N)  # the block's own diagonal so far, weights c^(nu-1-mu) / N
        for j, nu in enumerate(range(s, e)):
            xi = X[nu]
            h = c**j * base[:, j]
            if j:  # the patterns of this block before nu, with weights c^(nu-1-mu) / N
                inner = c ** np.arange(j - 1, -1, -1) / N
                Xi, Hi = X[s:nu], H[s:nu]
                g = G[s:nu, nu]
                h += Xi.T @ (inner * (g - Hi @ xi)) - Hi.T @ (inner * g) - d_in * xi
            H[nu] = h
            d_in = c * d_in + (1.0 - 2.0 * xi * h) / N
        # the state after the block: weights aged by c^b, the block's own, the diagonal
        b = e - s
        w[:s] *= c**b
        w[s:e] = c ** np.arange(b - 1, -1, -1) / N
        d = c**b * d + w[s:e] @ (1.0 - 2.0 * X[s:e] * H[s:e])
    left = np.concatenate([X, H])
    right = np.concatenate([w[:, None] * (X - H), -w[:, None] * X])
    return left, right, d


def _split(f: LowRank) -> tuple[int, np.ndarray, np.ndarray]:
    """P and the two halves of Storkey's factors: left = [X; H], right = [A; B]."""
    P = f.left.shape[0] // 2
    return P, f.left, f.right


def add_storkey(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Storkey's recursion continued for ``patterns`` (k, N), in order (O(P N) each)."""
    f, change = couplings.lowrank, None
    N = couplings.N
    c = 1.0 + 2.0 / N
    for x in patterns.astype(np.float64):
        P, left, right = _split(f)
        h = left.T @ (right @ x) - f.diagonal * x  # W x from the factors
        step_d = (1.0 - 2.0 * x * h) / N
        new_left = np.concatenate([left[:P], x[None], left[P:], h[None]])
        new_right = np.concatenate(
            [c * right[:P], ((x - h) / N)[None], c * right[P:], (-x / N)[None]]
        )
        f = LowRank(new_left, new_right, c * f.diagonal + step_d)
        step = Change(LowRank(np.stack([x, h]), np.stack([(x - h) / N, -x / N]), step_d), c)
        change = step if change is None else change.then(step)
    return replace(couplings, lowrank=f, change=change)


def remove_storkey(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """The last steps of the recursion undone; other patterns are refused (order matters)."""
    f, change = couplings.lowrank, None
    P, N, k = f.left.shape[0] // 2, couplings.N, patterns.shape[0]
    rows = stored_rows(f.left[:P].astype(np.int8), patterns)
    if set(rows.tolist()) != set(range(P - k, P)):
        raise ParameterError(
            "patterns",
            f"{k} stored patterns (rows {sorted(rows.tolist())} of {P})",
            f"the {k} most recently added patterns: Storkey's couplings depend on the order "
            "of learning, and only the last steps can be undone exactly (store(...) again)",
        )
    c = 1.0 + 2.0 / N
    for _ in range(k):
        P, left, right = _split(f)
        x, h = left[P - 1], left[2 * P - 1]
        step_d = (1.0 - 2.0 * x * h) / N
        new_left = np.concatenate([left[: P - 1], left[P : 2 * P - 1]])
        new_right = np.concatenate([right[: P - 1], right[P : 2 * P - 1]]) / c
        f = LowRank(new_left, new_right, (f.diagonal - step_d) / c)
        undo = LowRank(np.stack([x, h]), np.stack([-(x - h) / (c * N), x / (c * N)]), -step_d / c)
        step = Change(undo, 1.0 / c)
        change = step if change is None else change.then(step)
    return replace(couplings, lowrank=f, change=change)


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
        add=add_storkey,
        remove=remove_storkey,
    )
)
