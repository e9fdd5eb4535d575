"""What a final state is: a stored pattern, its inverse, a symmetric mixture, or spurious.

:func:`classify` labels states of any size against the stored patterns, exactly:

``pattern`` / ``inverse``
    the state equals ``xi_mu`` / ``-xi_mu``;
``mixture3`` / ``mixture5``
    it equals a symmetric mixture ``sgn(e_1 xi_a + e_2 xi_b + e_3 xi_c)`` of 3 (or 5)
    distinct patterns, any signs ``e_k = +/-1`` (the inverse of a mixture is one too);
``spurious``
    none of these (the spin-glass states, asymmetric and higher mixtures).

While there are few mixtures (``binom(P, n) 2^n N <= EXHAUSTIVE``, 32 MB) every one is
formed and looked up (the states hashed by their bits): exact. Beyond, a mixture's constituents are
found from the overlaps: a symmetric mixture of 3 has ``|m| = 1/2`` with each constituent
on average (5: ``3/8``, standard deviation ``sqrt((1 - m^2) / N)``) and ``O(N^-1/2)`` with
the others, so the candidates are the subsets of the patterns with the ``n + SPARE`` largest
``|m|``, signed as their overlaps, each formed and compared bit for bit: one
``(B, N) x (N, P)`` product and O(B N) per candidate at any N. A mixture whose constituent
is not among those overlaps is missed (counted spurious); tested on random patterns.

Theory (Amit, Gutfreund and Sompolinsky 1985): at ``alpha -> 0`` a symmetric mixture of
``n`` patterns has overlaps ``m_n = 2^(1-n) binom(n-1, (n-1)/2)`` with its constituents
(1/2 for n = 3, 3/8 for n = 5) and energy per neuron ``-n m_n^2 / 2`` (``-3/8`` and
``-45/128``) against a pattern's ``-1/2``; they are stable at T = 0 up to a load of about
0.03 (n = 3); :func:`mixture_overlap_theory`, :func:`mixture_energy_theory`.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

__all__ = [
    "MIXTURE_ORDERS",
    "RELATIONS",
    "classify",
    "mixture_energy_theory",
    "mixture_overlap_theory",
    "mixture_state",
]

#: relation codes: index = code (0, 1, 2 as before mixtures were told apart)
RELATIONS = ("pattern", "inverse", "spurious", "mixture3", "mixture5")
PATTERN, INVERSE, SPURIOUS, MIXTURE3, MIXTURE5 = range(5)
#: mixture orders told apart, and their codes
MIXTURE_ORDERS = {3: MIXTURE3, 5: MIXTURE5}
#: extra patterns beyond the n largest |m| whose subsets are tried (finite-N margin)
SPARE = 3
#: most bytes of mixture states formed for an exhaustive lookup (states x N)
EXHAUSTIVE = 1 << 25


def mixture_state(patterns: np.ndarray, signs=None) -> np.ndarray:
    """``sgn(sum_k e_k xi_k)`` of an odd number of patterns (k, N) (never 0: no ties)."""
    xi = np.asarray(patterns, dtype=np.int64)
    e = np.ones(xi.shape[0], dtype=np.int64) if signs is None else np.asarray(signs, np.int64)
    return np.where(e @ xi >= 0, 1, -1).astype(np.int8)


def mixture_overlap_theory(n: int) -> float:
    """``m_n = 2^(1-n) binom(n-1, (n-1)/2)``: a symmetric n-mixture's overlap at alpha -> 0.

    The probability that a constituent agrees with the majority of n, minus that it does
    not (AGS 1985): 1/2 for n = 3, 3/8 for n = 5, 1 for n = 1.
    """
    if n < 1 or n % 2 == 0:
        raise ValueError(f"n={n}: a symmetric mixture has an odd number of patterns")
    return math.comb(n - 1, (n - 1) // 2) / 2 ** (n - 1)


def mixture_energy_theory(n: int) -> float:
    """Energy per neuron ``-n m_n^2 / 2`` of a symmetric n-mixture at alpha -> 0 (Hebb)."""
    return -0.5 * n * mixture_overlap_theory(n) ** 2


def classify(
    states: np.ndarray, patterns: np.ndarray, dots: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Relation of each state (B, N) to the stored patterns (P, N), exactly.

    Parameters
    ----------
    states, patterns : numpy.ndarray
        +/-1 arrays.
    dots : numpy.ndarray, optional
        The raw overlaps ``states @ patterns.T`` (B, P), exact, when already computed.

    Returns
    -------
    index : numpy.ndarray
        (B,) int32: the pattern the state equals or inverts; -1 otherwise.
    relation : numpy.ndarray
        (B,) int8 codes into :data:`RELATIONS`. A pattern wins over an inverse, which wins
        over a 3-mixture, which wins over a 5-mixture.
    """
    B, N = states.shape
    P = patterns.shape[0]
    index = np.full(B, -1, dtype=np.int32)
    relation = np.full(B, SPURIOUS, dtype=np.int8)
    if P == 0 or B == 0:
        return index, relation
    if dots is None:
        dots = raw_overlaps(states, patterns)
    for code, target in ((INVERSE, -N), (PATTERN, N)):  # exact match wins over inverse
        hit = dots == target
        found = hit.any(axis=1)
        index[found] = hit[found].argmax(axis=1)
        relation[found] = code
    for n, code in MIXTURE_ORDERS.items():
        rest = np.flatnonzero(relation == SPURIOUS)
        if P < n or rest.size == 0:
            continue
        if math.comb(P, n) * 2**n * N <= EXHAUSTIVE:
            found = _listed_mixtures(states[rest], patterns, n)
        else:
            found = _mixtures(states[rest], patterns, dots[rest], n)
        relation[rest[found]] = code
    return index, relation


def _listed_mixtures(states: np.ndarray, patterns: np.ndarray, n: int) -> np.ndarray:
    """Which states equal one of every symmetric n-mixture (all subsets, all signs)."""
    P, N = patterns.shape
    subsets = np.array(list(combinations(range(P), n)), dtype=np.int64)  # (S, n)
    signs = 1 - 2 * np.array(list(np.ndindex(*(2,) * n)), dtype=np.int16)  # (2^n, n)
    sums = np.einsum("gk,skn->sgn", signs, patterns[subsets].astype(np.int16))
    mixtures = np.packbits(sums.reshape(-1, N) > 0, axis=1)
    known = {row.tobytes() for row in mixtures}
    packed = np.packbits(states > 0, axis=1)
    return np.array([row.tobytes() in known for row in packed], dtype=bool)


def _mixtures(states: np.ndarray, patterns: np.ndarray, dots: np.ndarray, n: int) -> np.ndarray:
    """Which states equal a symmetric n-mixture of patterns among their largest overlaps."""
    k = min(n + SPARE, patterns.shape[0])
    top = np.argpartition(-np.abs(dots), k - 1, axis=1)[:, :k]  # (B, k), any order
    found = np.zeros(states.shape[0], dtype=bool)
    for subset in combinations(range(k), n):
        todo = np.flatnonzero(~found)
        if todo.size == 0:
            break
        idx = top[todo][:, list(subset)]  # (b, n) pattern indices
        signs = np.where(np.take_along_axis(dots[todo], idx, axis=1) >= 0, 1, -1)
        sums = np.einsum("bk,bkn->bn", signs, patterns[idx].astype(np.int16))
        mix = np.where(sums >= 0, 1, -1)
        found[todo[np.all(mix == states[todo], axis=1)]] = True
    return found


def raw_overlaps(states: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """``states @ patterns.T`` (B, P) in float32 BLAS blocks: exact, |dot| <= N < 2**24."""
    N = states.shape[1]
    F = states.astype(np.float32)
    rows = max(1, (1 << 26) // (4 * max(N, 1)))
    dots = np.empty((states.shape[0], patterns.shape[0]), dtype=np.float32)
    for start in range(0, patterns.shape[0], rows):
        block = patterns[start : start + rows].astype(np.float32)
        dots[:, start : start + rows] = F @ block.T
    return dots
