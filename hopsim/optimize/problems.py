"""Ising problems for the optimisers: couplings (dense or sparse), fields and an offset.

Every problem is minimised in hopsim's Hopfield-energy convention, an Ising Hamiltonian:

    E(s) = -1/2 s^T J s - h^T s + offset,      s in {-1, +1}^N,

with ``J`` symmetric and zero on the diagonal (a symmetric part and a diagonal given by the
caller are folded in: ``s^T A s = s^T ((A + A^T)/2) s`` and ``s_i^2 = 1``). ``J`` is a dense
float64 array or a scipy CSR matrix; a sparse graph (a G-set instance, N = 20,000 with ~4
neighbours a node) is never stored as an N x N array.

Constructors
------------
:func:`sk` (Sherrington-Kirkpatrick), :func:`maxcut` (edges, a networkx graph),
:func:`from_couplings`, :func:`from_qubo` (``x^T Q x`` over ``x in {0, 1}^N``), and the graph
and file readers of :mod:`hopsim.optimize.graphs` and :mod:`hopsim.optimize.gset`.
Bad input raises :class:`ProblemError` (a ``ValueError``) naming the parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from hopsim.errors import ParameterError
from hopsim.resources import check_memory

#: Most spins of any problem (a G-set graph has 20,000; 10^7 sparse spins need ~1 GB).
MAX_SPINS = 10_000_000
#: Most edges of a sparse problem (two CSR entries each, ~16 bytes an entry).
MAX_EDGES = 200_000_000
SK_COUPLINGS = ("gaussian", "pm1")


class ProblemError(ParameterError):
    """A problem that cannot be built: the message names the parameter and what is allowed.

    A :class:`hopsim.errors.ParameterError` (so a ``ValueError``) built from its one-line
    message; ``parameter``, ``value`` and ``allowed`` are set when the caller gives them.
    """

    def __init__(self, message: str, parameter=None, value=None, allowed=None) -> None:
        self.parameter, self.value, self.allowed = parameter, value, allowed
        ValueError.__init__(self, message)


@dataclass(frozen=True, eq=False)
class IsingProblem:
    """``E(s) = -1/2 s^T J s - h^T s + offset`` over ``s in {-1, +1}^N``.

    Build it with :meth:`create` (or a constructor of this module), which checks and
    normalises the arrays; the attributes are then read only.

    Attributes
    ----------
    J : numpy.ndarray or scipy.sparse.csr_matrix
        (N, N) float64 couplings, symmetric, zero diagonal.
    h : numpy.ndarray
        (N,) float64 fields.
    offset : float
        Constant added to every energy (Max-Cut: ``-W/2``, so that ``E = -cut``).
    kind : str
        What the problem is: ``"ising"``, ``"sk"``, ``"maxcut"``, ``"qubo"``, ``"tsp"``.
    info : dict
        Whatever the constructor records (edges, total weight, source file, ...).
    """

    J: Any
    h: np.ndarray
    offset: float = 0.0
    kind: str = "ising"
    info: dict = field(default_factory=dict)

    @classmethod
    def create(cls, couplings, fields=None, offset=0.0, kind="ising", info=None) -> IsingProblem:
        """Check and normalise couplings, fields and offset into a problem.

        ``couplings`` (N, N) dense or scipy sparse: symmetrised, its diagonal moved into the
        offset; NaN or infinite entries, a non-square shape or ``N > MAX_SPINS`` are refused.
        """
        J, diagonal = _normalise_couplings(couplings)
        N = J.shape[0]
        h = np.zeros(N) if fields is None else _finite_vector(fields, N, "fields")
        offset = _finite_scalar(offset, "offset") - 0.5 * diagonal
        return cls(J, h, float(offset), str(kind), dict(info or {}))

    @property
    def N(self) -> int:
        """Number of spins."""
        return int(self.h.size)

    @property
    def sparse(self) -> bool:
        """Are the couplings a scipy sparse matrix?"""
        return sp.issparse(self.J)

    @property
    def nnz(self) -> int:
        """Stored couplings (both triangles)."""
        return int(self.J.nnz if self.sparse else np.count_nonzero(self.J))

    def kernel_arrays(self) -> tuple:
        """``(J, indptr, indices, data, dense)``: what the numba kernels take."""
        if self.sparse:
            J = self.J
            empty = np.zeros((0, 0))
            return empty, J.indptr.astype(np.int64), J.indices.astype(np.int64), J.data, False
        none = np.zeros(0, dtype=np.int64)
        return self.J, none, none, np.zeros(0), True

    def energy(self, states: np.ndarray) -> np.ndarray:
        """Energies of ``states`` ((B, N) or (N,) of +/-1), offset included."""
        from hopsim.kernels.anneal import energies

        S = np.atleast_2d(np.asarray(states))
        if S.shape[-1] != self.N or S.ndim != 2:
            raise ProblemError(f"states of shape {np.shape(states)}: expected (B, {self.N})")
        if not np.all(np.abs(S) == 1):
            raise ProblemError("states must hold +1 and -1 only")
        e = energies(np.ascontiguousarray(S, dtype=np.int8), self.h, *self.kernel_arrays())
        e = e + self.offset
        return e if np.ndim(states) == 2 else e[0]

    def field_scale(self) -> float:
        """``sqrt(mean_i (sum_j J_ij^2 + h_i^2))``: the typical size of a local field."""
        squares = self.J.multiply(self.J).sum() if self.sparse else np.sum(self.J**2)
        return float(math.sqrt((float(squares) + float(self.h @ self.h)) / self.N))

    def max_field(self) -> float:
        """``max_i (|h_i| + sum_j |J_ij|)``: the largest local field any state can have."""
        absJ = abs(self.J)
        rows = np.asarray(absJ.sum(axis=1)).ravel()
        return float(np.max(rows + np.abs(self.h))) if self.N else 0.0

    def to_dense(self) -> np.ndarray:
        """The couplings as a dense (N, N) array."""
        return self.J.toarray() if self.sparse else self.J

    def nbytes(self) -> int:
        """Bytes the couplings and fields take."""
        if self.sparse:
            J = self.J
            return int(J.data.nbytes + J.indices.nbytes + J.indptr.nbytes + self.h.nbytes)
        return int(self.J.nbytes + self.h.nbytes)


# --------------------------------------------------------------------------- checks


def check_spins(N, name: str = "N") -> int:
    """``N`` as an int in ``[1, MAX_SPINS]`` (ProblemError naming ``name`` otherwise)."""
    if isinstance(N, (bool, np.bool_)) or not isinstance(N, (int, np.integer)):
        raise ProblemError(f"{name}={N!r} is not allowed: expected an integer in [1, {MAX_SPINS}]")
    if not 1 <= int(N) <= MAX_SPINS:
        raise ProblemError(f"{name}={N} is not allowed: expected an integer in [1, {MAX_SPINS}]")
    return int(N)


def _finite_scalar(value, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ProblemError(f"{name}={value!r} is not allowed: expected a finite number") from None
    if not math.isfinite(x):
        raise ProblemError(f"{name}={value!r} is not allowed: expected a finite number")
    return x


def _finite_vector(values, N: int, name: str) -> np.ndarray:
    try:
        v = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProblemError(f"{name}: expected {N} finite numbers") from None
    if v.shape != (N,):
        raise ProblemError(f"{name} of shape {v.shape} is not allowed: expected ({N},)")
    if not np.all(np.isfinite(v)):
        raise ProblemError(f"{name} contain NaN or inf: expected finite numbers")
    return np.ascontiguousarray(v)


def _normalise_couplings(couplings) -> tuple[Any, float]:
    """(symmetric zero-diagonal float64 couplings, sum of the diagonal given)."""
    if sp.issparse(couplings):
        A = sp.csr_matrix(couplings, dtype=np.float64)
        _check_square(A.shape)
        if not np.all(np.isfinite(A.data)):
            raise ProblemError("couplings contain NaN or inf: expected finite numbers")
        diagonal = float(A.diagonal().sum())
        A = ((A + A.T) * 0.5).tocsr()
        A.setdiag(0.0)
        A.eliminate_zeros()
        A.sort_indices()
        return A, diagonal
    try:
        A = np.asarray(couplings, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProblemError("couplings: expected an (N, N) array of numbers") from None
    _check_square(A.shape)
    if not np.all(np.isfinite(A)):
        raise ProblemError("couplings contain NaN or inf: expected finite numbers")
    diagonal = float(np.trace(A))
    A = 0.5 * (A + A.T)
    np.fill_diagonal(A, 0.0)
    return np.ascontiguousarray(A), diagonal


def _check_square(shape) -> None:
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] < 1:
        raise ProblemError(f"couplings of shape {tuple(shape)} are not allowed: expected (N, N)")
    check_spins(int(shape[0]), "N")


# --------------------------------------------------------------------------- constructors


def from_couplings(J, h=None, offset: float = 0.0) -> IsingProblem:
    """The problem ``-1/2 s^T J s - h^T s + offset`` for a couplings matrix (dense or sparse)."""
    return IsingProblem.create(J, h, offset, "ising")


def sk_memory(N: int) -> float:
    """Bytes :func:`sk` needs at its peak (the Gaussian draws and two N x N arrays)."""
    return 24.0 * float(N) ** 2


def sk(N: int, rng: np.random.Generator, couplings: str = "gaussian") -> IsingProblem:
    """A Sherrington-Kirkpatrick instance: ``J_ij ~ N(0, 1/N)`` (or ``+/-1/sqrt(N)``), h = 0.

    Its ground-state energy per spin tends to Parisi's -0.7633 as N grows.

    Parameters
    ----------
    N : int
        Spins (dense couplings: ``8 N^2`` bytes).
    rng : numpy.random.Generator
        Source of the couplings (the upper triangle, row by row).
    couplings : {"gaussian", "pm1"}
    """
    N = check_spins(N)
    if couplings not in SK_COUPLINGS:
        raise ProblemError(
            f"couplings={couplings!r} is not allowed: expected one of {SK_COUPLINGS}"
        )
    check_memory("N", N, sk_memory(N), "the SK couplings")
    if couplings == "gaussian":
        A = rng.standard_normal((N, N))
    else:
        A = np.where(rng.random((N, N)) < 0.5, -1.0, 1.0)
    A = np.triu(A, 1) / math.sqrt(N)
    A += A.T
    return IsingProblem(A, np.zeros(N), 0.0, "sk", {"couplings": couplings})


def maxcut(graph, N: int | None = None, weights=None) -> IsingProblem:
    """Max-Cut of a weighted graph as an Ising problem with ``E(s) = -cut(s)``.

    ``cut(s) = sum_{(i, j)} w_ij (1 - s_i s_j) / 2``, so ``J_ij = -w_ij / 2`` and
    ``offset = -sum w / 2``: the ground state is the maximum cut.

    Parameters
    ----------
    graph : networkx.Graph or array_like
        A networkx graph (nodes relabelled 0..N-1 in its node order; edge attribute
        ``weight``, default 1), or an (m, 2) array of 0-based edges.
    N : int, optional
        Nodes, for an edge array (default: largest index + 1).
    weights : array_like, optional
        (m,) edge weights for an edge array (default 1); finite, any sign.
    """
    if hasattr(graph, "nodes") and hasattr(graph, "edges"):
        return from_networkx(graph)
    edges = _edge_array(graph)
    if N is None:
        N = int(edges.max()) + 1 if edges.size else 1
    N = check_spins(N)
    w = np.ones(len(edges)) if weights is None else np.asarray(weights, dtype=np.float64)
    return _maxcut(edges, N, w, {})


def _edge_array(edges) -> np.ndarray:
    try:
        e = np.asarray(edges)
    except (TypeError, ValueError):
        raise ProblemError("edges: expected an (m, 2) array of node indices") from None
    if e.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if e.ndim != 2 or e.shape[1] != 2 or not np.issubdtype(e.dtype, np.integer):
        raise ProblemError(f"edges of shape {e.shape} ({e.dtype}): expected (m, 2) integers")
    return e.astype(np.int64)


def _maxcut(edges: np.ndarray, N: int, w: np.ndarray, info: dict) -> IsingProblem:
    """Checked Max-Cut problem from 0-based edges and weights."""
    m = len(edges)
    if w.shape != (m,):
        raise ProblemError(f"weights of shape {w.shape}: expected one per edge ({m},)")
    if not np.all(np.isfinite(w)):
        raise ProblemError("weights contain NaN or inf: expected finite numbers")
    if m > MAX_EDGES:
        raise ProblemError(f"{m} edges are not allowed: at most {MAX_EDGES}")
    if m and (edges.min() < 0 or edges.max() >= N):
        raise ProblemError(f"edges name nodes outside 0..{N - 1}")
    if np.any(edges[:, 0] == edges[:, 1]):
        raise ProblemError("edges contain a self-loop (i, i): Max-Cut needs i != j")
    lo, hi = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    key = lo * N + hi
    if np.unique(key).size != m:
        raise ProblemError("edges contain the same pair twice: give each edge once")
    check_memory("N", N, 40.0 * m + 24.0 * N, "the sparse couplings")
    rows, cols = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    J = sp.csr_matrix((-0.5 * np.concatenate([w, w]), (rows, cols)), shape=(N, N))
    J.sort_indices()
    total = float(w.sum())
    info = {"edges": m, "total_weight": total, **info}
    return IsingProblem(J, np.zeros(N), -0.5 * total, "maxcut", info)


def from_networkx(graph, weight: str = "weight") -> IsingProblem:
    """Max-Cut of a networkx graph (networkx is imported by the caller, not here)."""
    if graph.is_directed() or graph.is_multigraph():
        raise ProblemError("graph: expected an undirected simple graph (networkx.Graph)")
    nodes = list(graph.nodes)
    index = {node: k for k, node in enumerate(nodes)}
    pairs = [(index[a], index[b], d.get(weight, 1.0)) for a, b, d in graph.edges(data=True)]
    edges = np.array([(a, b) for a, b, _ in pairs], dtype=np.int64).reshape(-1, 2)
    try:
        w = np.array([x for _, _, x in pairs], dtype=np.float64)
    except (TypeError, ValueError):
        raise ProblemError(f"graph: edge attribute {weight!r} must be a number") from None
    return _maxcut(edges, check_spins(max(len(nodes), 1)), w, {"source": "networkx"})


def from_qubo(Q, linear=None, offset: float = 0.0) -> IsingProblem:
    """``x^T Q x + c^T x + offset`` over ``x in {0, 1}^N`` as an Ising problem (``x = (1 + s)/2``).

    With ``Q' = (Q + Q^T)/2``: ``J = -Q'_offdiag / 2``, ``h = -(Q' 1 + c) / 2`` and
    ``offset' = offset + (sum Q' + tr Q')/4 + sum c / 2``; energies agree state by state.
    """
    Qs, _ = _normalise_square(Q)
    N = Qs.shape[0]
    c = np.zeros(N) if linear is None else _finite_vector(linear, N, "linear")
    offset = _finite_scalar(offset, "offset")
    row = np.asarray(Qs.sum(axis=1)).ravel()
    diag = Qs.diagonal()
    total = float(row.sum())
    const = offset + 0.25 * (total + float(diag.sum())) + 0.5 * float(c.sum())
    J = -0.5 * Qs
    problem = IsingProblem.create(J, -0.5 * (row + c), 0.0, "qubo")
    # create() moved -1/2 sum diag(J) = diag(Q').sum()/4 into the offset; take it back out
    return IsingProblem(problem.J, problem.h, const, "qubo", {})


def _normalise_square(Q) -> tuple[Any, float]:
    """(Q + Q^T)/2 as float64 (dense or CSR), after the checks of the couplings."""
    if sp.issparse(Q):
        A = sp.csr_matrix(Q, dtype=np.float64)
        _check_square(A.shape)
        if not np.all(np.isfinite(A.data)):
            raise ProblemError("Q contains NaN or inf: expected finite numbers")
        return ((A + A.T) * 0.5).tocsr(), 0.0
    try:
        A = np.asarray(Q, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProblemError("Q: expected an (N, N) array of numbers") from None
    _check_square(A.shape)
    if not np.all(np.isfinite(A)):
        raise ProblemError("Q contains NaN or inf: expected finite numbers")
    return 0.5 * (A + A.T), 0.0


def random_states(rng: np.random.Generator, B: int, N: int) -> np.ndarray:
    """(B, N) int8 uniform +/-1 states (for tests and checks)."""
    return np.where(rng.random((B, N)) < 0.5, -1, 1).astype(np.int8)
