"""The modern continuous Hopfield network (Ramsauer et al. 2020, "Hopfield networks is all
you need", ICLR 2021, arXiv:2008.02217).

Stored patterns are the rows of X (P, d), real-valued; a state (query) xi is a real vector
of dimension d, and a batch of queries is Q (B, d) (batch first, as everywhere in hopsim).

Energy (their eq. 2), per query::

    E(xi) = -lse(beta, X xi) + xi . xi / 2 + ln(P) / beta + M^2 / 2,
    lse(beta, z) = ln(sum_i exp(beta z_i)) / beta,   M = max_i |x_i|.

Update (their eq. 3), for the whole batch::

    xi <- X^T softmax(beta X xi)      i.e.   Q <- softmax(beta Q X^T) X,

two BLAS products; it is the concave-convex procedure for E, so E never increases
(tested), and it is transformer attention with keys = values = X (:func:`attention`).
When P is large the keys are processed in blocks with a running log-sum-exp, so memory
stays O(B block) instead of O(B P).

Fixed points come in three kinds (Ramsauer et al. section 2): near a single stored
pattern, a metastable state averaging a subset, or the global fixed point averaging all
of them. :func:`classify` tells them apart from the softmax weights p at the state: the
smallest number k of patterns whose weights sum to ``mass`` (0.9) is 1 for a single
pattern, 2 <= k < ``global_fraction * P`` for a metastable mixture (k patterns), and
larger for the global average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

REGIMES = ("single", "metastable", "global")
SINGLE, METASTABLE, GLOBAL = 0, 1, 2
#: Bytes of softmax weights held at once; more keys run in blocks with a running
#: log-sum-exp (so memory is one (B, block) array, never (B, P)).
BLOCK_BYTES = 64 * 2**20


def block_keys(B: int, dtype=np.float64) -> int:
    """Keys per block for B queries: ``BLOCK_BYTES`` of weights, at least 1024 keys."""
    return max(1024, BLOCK_BYTES // (max(B, 1) * np.dtype(dtype).itemsize))


# ----------------------------------------------------------------------------- patterns


def sphere_patterns(rng: np.random.Generator, P: int, d: int, radius: float = 1.0) -> np.ndarray:
    """P patterns uniform on the sphere of the given radius in d dimensions, (P, d)."""
    X = rng.standard_normal((P, d))
    X *= radius / np.linalg.norm(X, axis=1, keepdims=True)
    return X


def gaussian_patterns(rng: np.random.Generator, P: int, d: int) -> np.ndarray:
    """P patterns with independent N(0, 1/d) entries (norm about 1), (P, d)."""
    return rng.standard_normal((P, d)) / np.sqrt(d)


def clustered_patterns(
    rng: np.random.Generator, centres: int, members: int, d: int, cosine: float
) -> tuple[np.ndarray, np.ndarray]:
    """Unit patterns in clusters: each member is at exactly ``cosine`` to its centre.

    Member = ``cosine * c + sqrt(1 - cosine^2) * u`` with c a random unit centre and u a
    random unit vector orthogonal to c; two members of a cluster are at cosine about
    ``cosine^2``. Returns (X (centres * members, d), cluster label per pattern).
    """
    C = sphere_patterns(rng, centres, d)
    U = rng.standard_normal((centres, members, d))
    U -= np.einsum("cmd,cd->cm", U, C)[..., None] * C[:, None, :]
    U /= np.linalg.norm(U, axis=2, keepdims=True)
    X = cosine * C[:, None, :] + np.sqrt(1.0 - cosine**2) * U
    return X.reshape(centres * members, d), np.repeat(np.arange(centres), members)


def image_patterns(names: list[str], side: int) -> np.ndarray:
    """Bundled or given pictures in grey levels (no binarisation), (K, side^2).

    Grey g in [0, 1] maps to ``(2 g - 1) / side`` (black -1, white +1, mid-grey 0, divided
    by sqrt(d) so a pattern's norm is at most 1); a masked pixel is 0, mid-grey.
    """
    from hopsim.images import load_grey

    return np.stack([(2.0 * load_grey(n, side) - 1.0).ravel() / side for n in names])


# ----------------------------------------------------------------------------- dynamics


def attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, beta: float) -> np.ndarray:
    """``softmax(beta Q K^T) V`` written out plainly (the transformer's attention)."""
    logits = beta * (Q @ K.T)
    logits -= logits.max(axis=1, keepdims=True)
    w = np.exp(logits)
    w /= w.sum(axis=1, keepdims=True)
    return w @ V


def update(X: np.ndarray, Q: np.ndarray, beta: float, block: int | None = None) -> np.ndarray:
    """One update of every query: ``softmax(beta Q X^T) X``, (B, d).

    Up to ``block`` keys at once (default :func:`block_keys`: 64 MB of weights) this is
    two BLAS products and one exp; beyond, the keys are visited in blocks with a running
    maximum and sum (a streaming log-sum-exp), so only a (B, block) array of weights
    ever exists. The result has the dtype of ``Q`` and ``X`` (float32 stays float32).
    """
    return _step(X, Q, beta, block)[0]


def _dtype(Q: np.ndarray, X: np.ndarray) -> np.dtype:
    """The floating dtype of a computation on ``Q`` and ``X`` (float32 stays float32)."""
    return np.result_type(Q, X, np.float32)


def _step(X: np.ndarray, Q: np.ndarray, beta: float, block: int | None = None, values=True):
    """(update of Q, ``lse(beta, X xi)`` of every query of Q): one pass over the keys.

    With ``values=False`` the update is not computed (None): the log-sum-exp alone.
    """
    Q = np.atleast_2d(Q)
    P = X.shape[0]
    dtype = _dtype(Q, X)
    if block is None:
        block = block_keys(Q.shape[0], dtype)
    Qb = np.multiply(Q, beta, dtype=dtype)  # beta folded into the queries: one pass fewer
    if P <= block:
        W = Qb @ X.T
        top = W.max(axis=1)
        W -= top[:, None]
        np.exp(W, out=W)
        total = W.sum(axis=1)
        out = None
        if values:
            out = W @ X
            out /= total[:, None]
        return out, (top + np.log(total)) / beta
    # running maximum and sum in float64 (B numbers each), the weighted sum in dtype
    top = np.full(Q.shape[0], -np.inf)
    total = np.zeros(Q.shape[0])
    acc = np.zeros((Q.shape[0], X.shape[1]), dtype=dtype) if values else None
    for start in range(0, P, block):
        Xb = X[start : start + block]
        W = Qb @ Xb.T
        new_top = np.maximum(top, W.max(axis=1))
        rescale = np.exp(top - new_top)
        W -= new_top[:, None].astype(W.dtype)
        np.exp(W, out=W)
        total = total * rescale + W.sum(axis=1, dtype=np.float64)
        if values:
            acc *= rescale[:, None].astype(dtype)
            acc += W @ Xb
        top = new_top
    lse_value = ((top + np.log(total)) / beta).astype(dtype, copy=False)
    if values:
        acc /= total[:, None].astype(dtype)
    return acc, lse_value


def lse(beta: float, Z: np.ndarray) -> np.ndarray:
    """``ln(sum_i exp(beta z_i)) / beta`` along the last axis."""
    return logsumexp(beta * Z, axis=-1) / beta


def lse_keys(X: np.ndarray, Q: np.ndarray, beta: float, block: int | None = None) -> np.ndarray:
    """``lse(beta, X xi)`` of every query of Q, (B,), in blocks of keys as :func:`update`."""
    return _step(X, Q, beta, block, values=False)[1]


def _max_norm2(X: np.ndarray) -> float:
    """``M^2 = max_i |x_i|^2`` over the patterns."""
    return float(np.max(np.einsum("pd,pd->p", X, X)))


def energy(
    X: np.ndarray, Q: np.ndarray, beta: float, lse_value=None, block: int | None = None
) -> np.ndarray:
    """Ramsauer et al.'s energy of each query, (B,) (``lse_value``: ``lse(beta, X xi)``
    when already known; else it is computed in blocks of keys, as :func:`update`)."""
    Q = np.atleast_2d(Q)
    return _energy(X.shape[0], Q, beta, _max_norm2(X), _lse_or(X, Q, beta, lse_value, block))


def _lse_or(X, Q, beta, lse_value, block):
    return lse_keys(X, Q, beta, block) if lse_value is None else lse_value


def _energy(P: int, Q: np.ndarray, beta: float, M2: float, lse_value: np.ndarray) -> np.ndarray:
    """The energy from its parts: ``-lse + |xi|^2 / 2 + ln(P) / beta + M^2 / 2``."""
    constant = float(np.log(P) / beta + 0.5 * M2)  # a Python float keeps float32 float32
    return -lse_value + 0.5 * np.einsum("bd,bd->b", Q, Q) + constant


@dataclass
class Retrieval:
    """What the iteration did for a batch of queries.

    Attributes
    ----------
    final : (B, d) state after the last step.
    one_step : (B, d) state after the first update.
    steps : (B,) updates until the state stopped moving (or ``max_steps``).
    converged : (B,) bool, the last update moved the state by less than ``tol`` (max norm).
    energy : (B, max_steps + 1) energy after each step (index 0: the query), NaN after the end.
    """

    final: np.ndarray
    one_step: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    energy: np.ndarray


def iterate(
    X: np.ndarray,
    Q: np.ndarray,
    beta: float,
    max_steps: int = 100,
    tol: float = 1e-10,
    block: int | None = None,
) -> Retrieval:
    """Update the queries until each moves by less than ``tol`` or ``max_steps`` updates.

    The states are float64; the keys are visited in blocks of ``block`` (see :func:`update`),
    for the energies too, so memory stays O(B block + P) however many patterns there are.
    """
    S = np.array(np.atleast_2d(Q), dtype=np.float64, copy=True)
    B, P = S.shape[0], X.shape[0]
    M2 = _max_norm2(X)
    E = np.full((B, max_steps + 1), np.nan)
    steps = np.full(B, max_steps, dtype=np.int32)
    converged = np.zeros(B, dtype=bool)
    active = np.arange(B)
    one = None
    for t in range(1, max_steps + 1):
        new, lse_old = _step(X, S[active], beta, block)  # the energy of S comes with its update
        E[active, t - 1] = _energy(P, S[active], beta, M2, lse_old)
        if one is None:
            one = new.copy()
        moved = np.max(np.abs(new - S[active]), axis=1)
        S[active] = new
        done = moved < tol
        steps[active[done]] = t
        converged[active[done]] = True
        ended = active[done] if t < max_steps else active
        if ended.size:
            E[ended, t] = _energy(P, S[ended], beta, M2, lse_keys(X, S[ended], beta, block))
        active = active[~done]
        if active.size == 0:
            break
    if one is None:
        one = S.copy()
    return Retrieval(S, one, steps, converged, E)


def weights(X: np.ndarray, Q: np.ndarray, beta: float, block: int | None = None) -> np.ndarray:
    """Softmax weights ``softmax(beta X xi)`` of each query over the patterns, (B, P).

    Beyond ``block`` keys (default :func:`block_keys`) the weights are written block by
    block from the blocked log-sum-exp (:func:`lse_keys`): besides the (B, P) result only a
    (B, block) array exists. The result has the dtype of ``Q`` and ``X``.
    """
    Q = np.atleast_2d(Q)
    P = X.shape[0]
    dtype = _dtype(Q, X)
    if block is None:
        block = block_keys(Q.shape[0], dtype)
    Qb = np.multiply(Q, beta, dtype=dtype)
    if P <= block:
        w = Qb @ X.T
        w -= w.max(axis=1, keepdims=True)
        np.exp(w, out=w)
        w /= w.sum(axis=1, keepdims=True)
        return w
    shift = (beta * lse_keys(X, Q, beta, block)).astype(dtype)[:, None]  # ln(sum exp)
    w = np.empty((Q.shape[0], P), dtype=dtype)
    for start in range(0, P, block):
        part = Qb @ X[start : start + block].T
        part -= shift
        np.exp(part, out=w[:, start : start + block])
    return w


def classify(
    X: np.ndarray,
    states: np.ndarray,
    beta: float,
    mass: float = 0.9,
    global_fraction=0.5,
    block: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kind of each (fixed-point) state from its softmax weights.

    The states are taken a few at a time, so that the weights held at once are about as
    many as one block of :func:`update` (``block`` keys per state, default
    :func:`block_keys`), never (B, P).

    Returns
    -------
    regime : (B,) int8, 0 single, 1 metastable, 2 global (``REGIMES``).
    k : (B,) int, the fewest patterns whose weights add up to ``mass``.
    top : (B,) int, the pattern with the largest weight.
    """
    states = np.atleast_2d(states)
    B, P = states.shape[0], X.shape[0]
    if block is None:
        block = block_keys(B, _dtype(states, X))
    rows = max(1, (block * B) // max(P, 1))
    k = np.empty(B, dtype=np.int64)
    top = np.empty(B, dtype=np.int64)
    for start in range(0, B, rows):
        w = weights(X, states[start : start + rows], beta, block)
        top[start : start + rows] = np.argmax(w, axis=1)
        w.sort(axis=1)
        cumulative = np.cumsum(w[:, ::-1], axis=1)  # largest weights first
        del w
        k[start : start + rows] = 1 + np.argmax(cumulative >= mass, axis=1)
    regime = np.where(k == 1, SINGLE, np.where(k < global_fraction * P, METASTABLE, GLOBAL))
    return regime.astype(np.int8), k, top
