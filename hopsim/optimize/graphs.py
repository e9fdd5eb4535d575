"""Random graphs for Max-Cut: Erdos-Renyi and random regular, with unit, +/-1 or uniform weights.

Edges are (m, 2) int64 arrays of 0-based nodes with ``i < j``, drawn from one numpy Generator
(so the same stream gives the same graph), without ever forming an N x N matrix.
"""

from __future__ import annotations

import math

import numpy as np

from hopsim.optimize.problems import IsingProblem, ProblemError, _maxcut, check_spins

GRAPHS = ("erdos_renyi", "regular")
WEIGHTS = ("unit", "pm1", "uniform")


def _pairs_from_index(k: np.ndarray, N: int) -> np.ndarray:
    """Map pair indices ``0 <= k < N(N-1)/2`` to pairs (i, j), i < j, row by row."""
    k = k.astype(np.float64)
    # row i starts at i N - i (i + 1) / 2; invert the quadratic, then fix rounding
    i = np.floor(((2 * N - 1) - np.sqrt((2 * N - 1) ** 2 - 8 * k)) / 2).astype(np.int64)
    start = i * N - i * (i + 1) // 2
    over = k.astype(np.int64) < start
    i[over] -= 1
    start = i * N - i * (i + 1) // 2
    under = k.astype(np.int64) >= start + (N - 1 - i)
    i[under] += 1
    start = i * N - i * (i + 1) // 2
    j = k.astype(np.int64) - start + i + 1
    return np.stack([i, j], axis=1)


def erdos_renyi_edges(N: int, degree: float, rng: np.random.Generator) -> np.ndarray:
    """G(N, p) with ``p = degree / (N - 1)``: each pair an edge independently.

    The number of edges is drawn from its binomial law, then that many distinct pairs
    uniformly (batches of pair indices, duplicates dropped).
    """
    N = check_spins(N)
    pairs = N * (N - 1) // 2
    if not (math.isfinite(degree) and 0 <= degree <= N - 1):
        raise ProblemError(f"degree={degree} is not allowed: expected a number in [0, N - 1]")
    if pairs == 0:
        return np.zeros((0, 2), dtype=np.int64)
    m = int(rng.binomial(pairs, min(1.0, degree / (N - 1))))
    chosen = np.zeros(0, dtype=np.int64)
    while chosen.size < m:
        extra = rng.integers(0, pairs, size=int(1.1 * (m - chosen.size)) + 16)
        chosen = np.unique(np.concatenate([chosen, extra]))
    if chosen.size > m:
        chosen = rng.choice(chosen, size=m, replace=False)
    return _pairs_from_index(np.sort(chosen), N)


def regular_edges(N: int, degree: int, rng: np.random.Generator) -> np.ndarray:
    """A random ``degree``-regular graph: the pairing model, repaired by random switchings.

    ``N degree`` stubs are paired at random; each self-loop or repeated pair is then swapped
    with a random other pair ((a, b), (c, d) -> (a, c), (b, d)) whenever that creates no new
    defect (McKay and Wormald's switchings). Close to uniform for small degrees.
    """
    N = check_spins(N)
    if not (isinstance(degree, (int, np.integer)) and 1 <= degree < N and N * degree % 2 == 0):
        raise ProblemError(
            f"degree={degree} is not allowed: expected an integer in [1, N - 1] with N degree even"
        )
    stubs = rng.permutation(np.repeat(np.arange(N, dtype=np.int64), degree))
    pairs = stubs.reshape(-1, 2)
    for _ in range(1000):
        bad = _defects(pairs, N)
        if bad.size == 0:
            break
        _switch(pairs, bad, N, rng)
    else:  # pragma: no cover - practically unreachable for degree << N
        raise ProblemError(f"degree={degree}: no simple {degree}-regular graph found on {N} nodes")
    lo, hi = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    order = np.lexsort((hi, lo))
    return np.stack([lo[order], hi[order]], axis=1)


def _defects(pairs: np.ndarray, N: int) -> np.ndarray:
    """Indices of pairs that are self-loops or repeats of an earlier pair."""
    lo, hi = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    key = lo * N + hi
    _, first = np.unique(key, return_index=True)
    repeat = np.ones(len(key), dtype=bool)
    repeat[first] = False
    return np.flatnonzero(repeat | (lo == hi))


def _switch(pairs: np.ndarray, bad: np.ndarray, N: int, rng: np.random.Generator) -> None:
    """Swap each defective pair with a random partner pair when that adds no defect."""
    existing = set((np.minimum(pairs[:, 0], pairs[:, 1]) * N + pairs.max(axis=1)).tolist())
    for p in bad:
        q = int(rng.integers(0, len(pairs)))
        a, b = pairs[p]
        c, d = pairs[q]
        new1, new2 = (min(a, c), max(a, c)), (min(b, d), max(b, d))
        if p == q or a == c or b == d:
            continue
        if new1[0] * N + new1[1] in existing or new2[0] * N + new2[1] in existing:
            continue
        pairs[p] = new1
        pairs[q] = new2
        existing.update((new1[0] * N + new1[1], new2[0] * N + new2[1]))


def torus_edges(L: int) -> np.ndarray:
    """The periodic L x L square grid (node ``x L + y``), 2 L^2 edges: G-set's toroidal
    graphs (G48-G50) and the 2D Edwards-Anderson spin glass with +/-1 weights."""
    if not (isinstance(L, (int, np.integer)) and 3 <= L <= 3000):
        raise ProblemError(f"L={L!r} is not allowed: expected an integer in [3, 3000]")
    x, y = np.divmod(np.arange(L * L), L)
    right = x * L + (y + 1) % L
    down = ((x + 1) % L) * L + y
    node = np.arange(L * L)
    pairs = np.concatenate([np.stack([node, right], 1), np.stack([node, down], 1)])
    return np.sort(pairs, axis=1)


def edge_weights(kind: str, m: int, rng: np.random.Generator) -> np.ndarray:
    """``unit`` (1), ``pm1`` (+1 or -1 with probability 1/2) or ``uniform`` (in (0, 1])."""
    if kind == "unit":
        return np.ones(m)
    if kind == "pm1":
        return np.where(rng.random(m) < 0.5, -1.0, 1.0)
    if kind == "uniform":
        return 1.0 - rng.random(m)
    raise ProblemError(f"weights={kind!r} is not allowed: expected one of {WEIGHTS}")


def random_maxcut(
    N: int, rng: np.random.Generator, graph: str = "regular", degree: float = 3, weights="unit"
) -> IsingProblem:
    """Max-Cut of a random graph (:data:`GRAPHS`) with random weights (:data:`WEIGHTS`)."""
    if graph == "erdos_renyi":
        edges = erdos_renyi_edges(N, float(degree), rng)
    elif graph == "regular":
        edges = regular_edges(N, degree, rng)
    else:
        raise ProblemError(f"graph={graph!r} is not allowed: expected one of {GRAPHS}")
    w = edge_weights(weights, len(edges), rng)
    info = {"graph": graph, "degree": float(degree), "weights": weights}
    return _maxcut(edges, check_spins(N), w, info)
