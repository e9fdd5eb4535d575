"""Exact replay by the temporal-association rule: the sequence analogue of McEliece et al.'s
every-pattern criterion.

The rule ``W = (1/N) sum_{mu<P} xi_{mu+1} xi_mu^T`` with synchronous updates
``s <- sgn(W s)`` (ties to +1) replays a sequence of P random +/-1 patterns of N bits from
its clean first pattern exactly when each of the P - 1 transitions ``xi_mu -> xi_{mu+1}`` sets
all N bits right. Started from ``xi_mu``, bit i gets the field
``N xi_{mu+1,i} h_i = N + C``: the signal N and a crosstalk C, a sum of the ``(P - 2) N``
products ``xi_{mu+1,i} xi_{nu+1,i} xi_{nu,j} xi_{mu,j}`` (nu != mu), taken as independent
+/-1 signs (the same approximation as McEliece, Posner, Rodemich and Venkatesh, IEEE Trans.
Inf. Theory 33, 461 (1987), for fixed points; Amari (1972) and Sompolinsky and Kanter (1986)
for sequences). A bit is wrong with probability ``p = P(C < -N) + P(C = -N) / 2`` and, with
the N (P - 1) bits of a replay independent, the replay is exact with probability
``(1 - p)^(N (P - 1))``. As N -> infinity this falls to 1/2 near ``P ~ N / (4 ln N)``, like
the every-pattern load of fixed points.

Finite-size error, measured (synchronous replay, clean cue, 3000 sequences at N = 32,
P = 8): the bit error rate is 0.0104 against p = 0.0104, but a transition is exact in 0.82 of
cases against ``(1 - p)^N = 0.71``: the errors cluster within a transition, so the estimate
is below the simulated exact-replay rate at small N (0.09 against 0.3-0.44 there), and the
longest replayed length it predicts is a lower estimate.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special  # not scipy.stats: its import fails where torch is blocked


def bit_error(N: int, P: int) -> float:
    """Probability that one bit of one transition is wrong (independent crosstalk signs).

    Parameters
    ----------
    N : int
        Bits per pattern (N >= 1).
    P : int
        Patterns in the sequence (P >= 2).

    Returns
    -------
    float
        ``P(C < -N) + P(C = -N) / 2`` with ``C = 2 K - M``, ``K ~ Binomial(M, 1/2)``,
        ``M = (P - 2) N`` (0 for P <= 2: no crosstalk).
    """
    N, P = int(N), int(P)
    if N < 1 or P < 2:
        raise ValueError(f"N={N}, P={P}: expected N >= 1 and P >= 2")
    M = (P - 2) * N
    if M == 0:
        return 0.0
    # C < -N  <=>  K < (M - N) / 2;  C = -N  <=>  K = (M - N) / 2
    half = (M - N) / 2
    k_max = math.ceil(half) - 1  # the largest K with C < -N
    below = float(special.bdtr(k_max, M, 0.5)) if k_max >= 0 else 0.0
    tie = 0.0
    if float(half).is_integer():
        k = int(half)
        log_pmf = math.lgamma(M + 1) - math.lgamma(k + 1) - math.lgamma(M - k + 1) - M * math.log(2)
        tie = 0.5 * math.exp(log_pmf)
    return below + tie


def exact_replay(N: int, P: int) -> float:
    """Probability that the whole sequence is replayed exactly from its clean first pattern,
    every bit of every transition independent: ``(1 - p)^(N (P - 1))``."""
    p = bit_error(N, P)
    return float(np.exp(N * (P - 1) * np.log1p(-p))) if p < 1 else 0.0


def longest_exact(N: int, lengths, rate: float = 0.5) -> int:
    """Largest of ``lengths`` replayed exactly with probability >= ``rate`` (0 if none): the
    quantity :func:`hopsim.experiments.sequence_memory.longest` reads off the simulation,
    on the same length grid."""
    ok = [int(P) for P in lengths if int(P) >= 2 and exact_replay(N, int(P)) >= rate]
    return max(ok, default=0)
