"""The pseudo-inverse (projection) rule (Personnaz, Guyon and Dreyfus 1985; Kanter and
Sompolinsky 1987).

``W = (1/N) xi^T C^-1 xi`` with the P x P overlap matrix ``C = xi xi^T / N``: the
orthogonal projection onto the span of the patterns, so ``W xi_mu = xi_mu`` and every
linearly independent pattern is a fixed point up to ``P = N`` (alpha = 1).

``zero_diagonal`` (Kanter and Sompolinsky 1987): the projection has ``W_ii = alpha`` on
average; that self-coupling stabilises every state near a pattern, so basins of attraction
shrink to nothing as alpha grows (spurious fixed points everywhere). Removing the
diagonal keeps the patterns stable (``h_i = (1 - W_ii) xi_i``, ``W_ii < 1``) and restores
finite basins up to alpha = 1; see the README's measured basin sizes.

Cost: ``C`` (one P x P x N product), a Cholesky factorisation ``C = L L^T`` (P^3 / 3),
one triangular solve ``Y = L^-1 xi`` (P^2 N), and, for dense storage, ``J = Y^T Y`` (one
P N^2 product): never an N x N inverse. ``J = Y^T Y`` is also the low-rank form.
Linearly dependent patterns (repeats, P > N) have no Cholesky factor; the projection is
then taken on the eigenvectors of ``C`` above a relative cutoff (its rank is at most N).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from hopsim.learning.base import Couplings, LowRank, Option, Rule, check_bool, register


def projection_factor(patterns: np.ndarray) -> np.ndarray:
    """``Y`` (R, N) with ``Y^T Y = xi^T C^-1 xi`` (R = rank of the patterns)."""
    X32 = np.ascontiguousarray(patterns, dtype=np.float32)
    P, N = X32.shape
    C = (X32 @ X32.T).astype(np.float64) / N  # exact: integer sums below 2**24
    X = X32.astype(np.float64)
    try:
        L = scipy.linalg.cholesky(C, lower=True)
        if np.min(np.abs(np.diag(L))) < 1e-7:  # numerically dependent
            raise np.linalg.LinAlgError
        return scipy.linalg.solve_triangular(L, X, lower=True)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(C)
        keep = values > values.max() * max(P, N) * np.finfo(float).eps * 10
        return (vectors[:, keep] / np.sqrt(values[keep])).T @ X


def learn_pseudo_inverse(patterns: np.ndarray, zero_diagonal: bool = False) -> Couplings:
    """Projection-rule couplings ``J = Y^T Y`` with ``W = J / N`` (real, symmetric)."""
    P, N = patterns.shape
    Y = projection_factor(patterns)
    diag = np.einsum("rn,rn->n", Y, Y) if zero_diagonal else np.zeros(N)
    return Couplings(
        rule="pseudo_inverse",
        N=N,
        inverse_scale=float(N),
        integer=False,
        symmetric=True,
        zero_diagonal=zero_diagonal,
        max_abs=math.inf,
        lowrank=LowRank(Y, Y, diag),
        info={"rank": int(Y.shape[0])},
    )


PSEUDO_INVERSE = register(
    Rule(
        name="pseudo_inverse",
        learn=learn_pseudo_inverse,
        options={
            "zero_diagonal": Option(
                False, check_bool, "remove the self-couplings W_ii (larger basins)"
            )
        },
        integer=False,
        symmetric=True,
        lowrank=True,
        capacity=lambda N: float(N),
        capacity_text="every linearly independent pattern stable up to P = N (Personnaz 1985)",
        theory_loads=lambda N, options: (1.0, 1.0),
        color="#009E73",
        marker="^",
        summary="pseudo-inverse / projection rule: W = xi^T C^-1 xi / N",
    )
)
