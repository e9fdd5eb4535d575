"""Exact answers for small problems: Ising ground states by enumeration, TSP by Held-Karp.

:func:`ground_state` visits every state of N <= :data:`MAX_EXACT` spins in Gray-code order
(one flip a step, fields kept up to date: ``2^N N`` operations, about a second at N = 24 on
one core). Without fields (``h = 0``) the energy is even in ``s``, so the last spin is held
at +1 and ``2^(N-1)`` states are visited; the degeneracy counts both members of each pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hopsim.kernels import exact as kern
from hopsim.optimize.problems import IsingProblem, ProblemError

#: Largest N enumerated (2^28 states, 28 x 2^28 operations: about 10 s on one core).
MAX_EXACT = 28


@dataclass(frozen=True)
class GroundState:
    """The exact minimum of an Ising problem."""

    energy: float  #: lowest energy (offset included), summed afresh from ``state``
    state: np.ndarray  #: (N,) int8, one state of lowest energy
    degeneracy: int  #: states within ``tol`` of the lowest energy
    tol: float  #: energies this close count as equal


def ground_state(problem: IsingProblem, tol: float | None = None) -> GroundState:
    """Exhaustive minimum of ``problem`` (dense or sparse couplings, N <= MAX_EXACT).

    ``tol`` (default ``1e-9 (1 + sum |J| / 2 + sum |h|)``) decides which energies tie.
    """
    N = problem.N
    if N > MAX_EXACT:
        raise ProblemError(f"N={N} is not allowed for exact enumeration: expected N <= {MAX_EXACT}")
    J = np.ascontiguousarray(problem.to_dense(), dtype=np.float64)
    h = problem.h
    scale = 0.5 * float(np.abs(J).sum()) + float(np.abs(h).sum())
    tol = 1e-9 * (1.0 + scale) if tol is None else float(tol)
    symmetric = not np.any(h)
    n = N - 1 if symmetric and N > 1 else N
    high = min(n, 6)
    low_min, counts, codes, minima = kern.gray_ground_states(J, h, n, high, tol)
    states = []
    count = 0
    for c in np.flatnonzero(minima <= low_min + tol):
        count += int(counts[c])
        states.append((minima[c], c))
    _, c = min(states)
    s = np.ones(N, dtype=np.int8)
    code = int(codes[c])
    n_low = n - high
    for j in range(n_low):
        if (code >> j) & 1:
            s[j] = -1
    for b in range(high):
        if (int(c) >> b) & 1:
            s[n_low + b] = -1
    energy = float(problem.energy(s))
    return GroundState(energy, s, count * (2 if symmetric and N > 1 else 1), tol)


def brute_force(problem: IsingProblem) -> tuple[float, np.ndarray]:
    """Every energy of a small problem (N <= 16) with numpy: (minimum, all 2^N energies).

    The textbook reference the tests hold :func:`ground_state` to.
    """
    N = problem.N
    if N > 16:
        raise ProblemError(f"N={N} is not allowed for brute_force: expected N <= 16")
    codes = np.arange(2**N)[:, None]
    S = np.where((codes >> np.arange(N)) & 1, -1, 1).astype(np.int8)
    J = problem.to_dense()
    Sf = S.astype(np.float64)
    E = -0.5 * np.einsum("bi,ij,bj->b", Sf, J, Sf) - Sf @ problem.h + problem.offset
    return float(E.min()), E
