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

Updates (Greville 1960). The factor's rows are the patterns' Gram-Schmidt basis scaled to
norm sqrt(N) (``Y = L^-1 xi`` is Gram-Schmidt written as a Cholesky factor), so adding a
pattern x appends one row: its residual ``r = x - Y^T Y x / N`` (orthogonalised twice, as
classical Gram-Schmidt must be), scaled to ``sqrt(N) r / |r|``: the projector's rank-one
update ``P + r r^T / |r|^2``, O(P N). Removing pattern k takes away the direction of the
span orthogonal to the other patterns, ``q = xi^T C^-1 e_k / |.|``: a Householder
reflection of the factor's rows puts ``sqrt(N) q`` in one row, which is dropped (O(P N));
the Cholesky factor of ``C`` (kept in ``Couplings.state``) follows both (O(P^2)). A pattern
(numerically) in the span of the stored ones leaves the projector as it is; the Cholesky
factor then no longer exists and ``remove`` is refused for that network (store again).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import scipy.linalg

from hopsim.errors import ParameterError
from hopsim.learning.base import (
    Change,
    Couplings,
    LowRank,
    Option,
    Rule,
    check_bool,
    register,
    stored_rows,
)

#: Cholesky pivots below this (sqrt of the residual's |r|^2 / N) count as dependent.
DEPENDENT = 1e-7


def projection_factor(patterns: np.ndarray) -> np.ndarray:
    """``Y`` (R, N) with ``Y^T Y = xi^T C^-1 xi`` (R = rank of the patterns)."""
    return _factor(patterns)[0]


def _factor(patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``Y`` and the Cholesky factor ``L`` of ``C`` (None for dependent patterns)."""
    X32 = np.ascontiguousarray(patterns, dtype=np.float32)
    P, N = X32.shape
    C = (X32 @ X32.T).astype(np.float64) / N  # exact: integer sums below 2**24
    X = X32.astype(np.float64)
    try:
        L = scipy.linalg.cholesky(C, lower=True)
        if np.min(np.abs(np.diag(L))) < DEPENDENT:  # numerically dependent
            raise np.linalg.LinAlgError
        return scipy.linalg.solve_triangular(L, X, lower=True), L
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(C)
        keep = values > values.max() * max(P, N) * np.finfo(float).eps * 10
        return (vectors[:, keep] / np.sqrt(values[keep])).T @ X, None


def learn_pseudo_inverse(patterns: np.ndarray, zero_diagonal: bool = False) -> Couplings:
    """Projection-rule couplings ``J = Y^T Y`` with ``W = J / N`` (real, symmetric)."""
    P, N = patterns.shape
    Y, L = _factor(patterns)
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
        state={"patterns": patterns, "cholesky": L},
    )


def add_pseudo_inverse(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """Greville's rank-one update of the projector for each new pattern, in order."""
    Y, N = couplings.lowrank.left, couplings.N
    X, L = couplings.state["patterns"], couplings.state["cholesky"]
    rows = []
    for x in patterns:
        xf = x.astype(np.float64)
        r = xf - Y.T @ (Y @ xf) / N
        r -= Y.T @ (Y @ r) / N  # twice is enough (Kahan, Parlett)
        s = float(r @ r) / N  # |r|^2 / N: the new Cholesky pivot squared
        if L is not None:
            L = _cholesky_append(L, X, xf, s)
        X = np.concatenate([X, x[None]])
        if math.sqrt(max(s, 0.0)) < DEPENDENT:
            continue  # in the span already: the projector stays
        y = r / math.sqrt(s)
        Y = np.concatenate([Y, y[None]])
        rows.append(y)
    return _updated(couplings, Y, X, L, rows, sign=1.0)


def _cholesky_append(L: np.ndarray, X: np.ndarray, x: np.ndarray, s: float):
    """``L`` of ``C`` bordered by the new pattern's overlaps; None when it is dependent."""
    if math.sqrt(max(s, 0.0)) < DEPENDENT:
        return None
    b = X.astype(np.float64) @ x / x.size
    l = scipy.linalg.solve_triangular(L, b, lower=True) if L.shape[0] else b
    P = L.shape[0]
    out = np.zeros((P + 1, P + 1))
    out[:P, :P], out[P, :P] = L, l
    out[P, P] = math.sqrt(max(1.0 - float(l @ l), s))
    return out


def remove_pseudo_inverse(couplings: Couplings, patterns: np.ndarray, options: dict) -> Couplings:
    """The projector's downdate for each stored pattern: its span direction taken away."""
    Y = couplings.lowrank.left
    X, L = couplings.state["patterns"], couplings.state["cholesky"]
    if L is None:
        raise ParameterError(
            "patterns",
            "a removal from this pseudo-inverse network",
            "linearly independent stored patterns (these are dependent, so no pattern owns "
            "a direction of the span: store(...) again)",
        )
    rows = []
    for x in patterns:
        k = int(stored_rows(X, x[None])[0])
        g = scipy.linalg.cho_solve((L, True), np.eye(L.shape[0])[k])  # C^-1 e_k
        q = X.T.astype(np.float64) @ g
        q /= np.linalg.norm(q)
        Y, y = _drop_direction(Y, q)
        rows.append(y)
        X, L = np.delete(X, k, axis=0), _cholesky_delete(L, k)
    return _updated(couplings, Y, X, L, rows, sign=-1.0)


def _drop_direction(Y: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``Y`` without the direction q of its row space: a Householder reflection, one row off.

    Returns the new factor and the row removed (``sqrt(N) q`` up to sign), so that
    ``Y_new^T Y_new = Y^T Y - y y^T``.
    """
    N = Y.shape[1]
    a = Y @ q / math.sqrt(N)  # coordinates of q in the orthonormal rows Y / sqrt(N)
    a /= np.linalg.norm(a)
    v = a.copy()
    v[-1] += math.copysign(1.0, a[-1])  # H a = -sign(a_R) e_R, no cancellation
    H_Y = Y - np.outer(2.0 * v / (v @ v), v @ Y)
    return H_Y[:-1], H_Y[-1]


def _cholesky_delete(L: np.ndarray, k: int) -> np.ndarray:
    """Cholesky factor of ``C`` without row and column k: a rank-one update of the tail."""
    tail = L[k + 1 :, k + 1 :].copy()
    u = L[k + 1 :, k].copy()
    for j in range(tail.shape[0]):  # rank-one update: tail tail^T + u u^T
        r = math.hypot(tail[j, j], u[j])
        c, s = r / tail[j, j], u[j] / tail[j, j]
        tail[j, j] = r
        tail[j + 1 :, j] = (tail[j + 1 :, j] + s * u[j + 1 :]) / c
        u[j + 1 :] = c * u[j + 1 :] - s * tail[j + 1 :, j]
    out = np.delete(np.delete(L, k, axis=0), k, axis=1)
    out[k:, k:] = tail
    return out


def _updated(couplings, Y, X, L, rows, sign: float) -> Couplings:
    """Couplings with the new factor and state, and the change ``sign * sum y y^T``."""
    zero_diagonal = couplings.zero_diagonal
    N = couplings.N
    D = np.array(rows).reshape(len(rows), N)
    d = np.einsum("rn,rn->n", D, D) if zero_diagonal else np.zeros(N)
    diag = couplings.lowrank.diagonal + sign * d
    return replace(
        couplings,
        lowrank=LowRank(Y, Y, diag),
        info={**couplings.info, "rank": int(Y.shape[0])},
        state={"patterns": X, "cholesky": L},
        change=Change(LowRank(D, sign * D, sign * d)),
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
        summary="pseudo-inverse / projection rule: W = xi^T C^-1 xi / N",
        add=add_pseudo_inverse,
        remove=remove_pseudo_inverse,
    )
)
