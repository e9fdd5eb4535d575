"""Capacity of dense associative memories and one-step retrieval of modern Hopfield networks.

Sources and constants
---------------------
* Krotov and Hopfield, "Dense associative memory for pattern recognition", NeurIPS 2016
  (arXiv:1606.01164), section 2: for ``F(x) = x^n`` and random +/-1 patterns, the signal on
  a bit of a stored pattern is ``2 n N^(n-1)`` and the crosstalk of the other K patterns is
  Gaussian with variance ``4 n^2 K (2n-3)!! N^(n-1)``; asking that a pattern be recalled
  without any error (N bits, error probability ``exp(-SNR^2/2)`` each, so
  ``SNR^2 / 2 > ln N``) gives

      K_max = N^(n-1) / (2 (2n-3)!! ln N)            (:func:`krotov_hopfield`)

  For n = 2 it is ``N / (2 ln N)``, McEliece, Posner, Rodemich and Venkatesh (IEEE Trans.
  Inf. Theory 33, 461 (1987)). This criterion is *per pattern*: a given stored pattern
  is a fixed point with high probability.
* All K patterns fixed at once needs ``K N`` bits right, ``SNR^2 / 2 > ln(K N)``; with
  ``K ~ N^(n-1)`` that is ``n ln N``:

      K_all = N^(n-1) / (2 n (2n-3)!! ln N)          (:func:`all_patterns_fixed`)

  (n = 2: ``N / (4 ln N)``, McEliece et al.'s capacity for all patterns.) Both are
  asymptotic; at N <= 100 the ``ln N`` and the Gaussian tail are rough, which is why the
  measured capacities are compared by their log-log *slopes* with :func:`local_slope`.
* Demircigil, Heusel, Loewe, Upgang and Vermet, "On a model of associative memory with
  huge storage capacity", J. Stat. Phys. 168, 288 (2017) (arXiv:1702.01929), their theorem
  for F = exp: for ``F(x) = exp(x)`` and ``M = exp(alpha N) + 1`` random patterns, every stored
  pattern is recovered from a cue with ``rho N`` corrupted bits, with probability -> 1, for
  ``alpha < I(1 - 2 rho) / 2``, ``I(x) = ((1+x) ln(1+x) + (1-x) ln(1-x)) / 2``; for
  ``rho = 0`` that is ``alpha < ln(2)/2``: ``M ~ 2^(N/2)`` (:func:`exponential_capacity`).
  The law fixes the rate, not a prefactor. At small N another limit dominates: two
  stored patterns one bit apart (at bit i) give neuron i equal and opposite
  contributions, so ``D_i = 0`` and the tie rule ``plus`` sets it to +1: the pattern with
  -1 there is not a fixed point. Among K random patterns the expected number of such
  pairs is ``K (K-1) N / 2^(N+1)`` (:func:`one_bit_pairs`).
* Ramsauer et al., "Hopfield networks is all you need", ICLR 2021 (arXiv:2008.02217),
  the retrieval-error theorem and its proof: with patterns of norm at most ``M``
  (``M = max_i |x_i|``), separation ``Delta_i = min_{j != i} (x_i . x_i - x_i . x_j)`` and
  a query xi, one update
  ``f(xi) = X^T softmax(beta X xi)`` satisfies ``|f(xi) - x_i| <= 2 eps M`` with
  ``eps = (P - 1) exp(-beta (Delta_i - 2 M |xi - x_i|))`` (:func:`one_step_bound`). The
  proof: ``f(xi) - x_i = sum_j p_j (x_j - x_i)`` has norm at most ``2 M (1 - p_i)``, and
  ``1 - p_i <= sum_{j != i} exp(beta (x_j - x_i) . xi) <= eps`` because
  ``(x_j - x_i) . xi <= -Delta_i + 2 M |xi - x_i|``. (The paper writes
  ``max(|xi - x_i|, |x_i* - x_i|)`` to cover the fixed point too; with ``|xi - x_i|`` the
  bound holds for the query itself, which is what the tests and figures use.)
* Global fixed point: the update's Jacobian is ``beta Cov_p(x)`` (the covariance of the
  patterns under the softmax weights), of norm at most ``beta M^2``; for ``beta < 1/M^2``
  the update is a contraction with one fixed point, the weighted average of all patterns
  (:func:`global_beta`).
"""

from __future__ import annotations

import math

import numpy as np


def double_factorial(k: int) -> int:
    """``k!! = k (k-2) (k-4) ...`` (1 for k <= 0)."""
    out = 1
    while k > 1:
        out *= k
        k -= 2
    return out


def krotov_hopfield(N: float | np.ndarray, n: int) -> np.ndarray:
    """Per-pattern capacity ``N^(n-1) / (2 (2n-3)!! ln N)`` of ``F(x) = x^n``."""
    N = np.asarray(N, dtype=np.float64)
    # in logs: (2n-3)!! = (2n-2)! / (2^(n-1) (n-1)!), and N^(n-1) overflows long before n = 1000
    log_df = math.lgamma(2 * n - 1) - (n - 1) * math.log(2.0) - math.lgamma(n)
    with np.errstate(over="ignore"):
        return np.exp((n - 1) * np.log(N) - math.log(2.0) - log_df - np.log(np.log(N)))


def all_patterns_fixed(N: float | np.ndarray, n: int) -> np.ndarray:
    """Capacity with every pattern a fixed point: ``N^(n-1) / (2 n (2n-3)!! ln N)``."""
    return krotov_hopfield(N, n) / n


def local_slope(N1: float, N2: float, n: int) -> float:
    """Log-log slope of ``N^(n-1) / ln N`` between N1 and N2 (``n - 1 - d ln ln N / d ln N``)."""
    f = lambda N: (n - 1) * math.log(N) - math.log(math.log(N))  # noqa: E731
    return (f(N2) - f(N1)) / (math.log(N2) - math.log(N1))


def exponential_rate(rho: float = 0.0) -> float:
    """Demircigil et al.'s ``alpha = I(1 - 2 rho) / 2`` (``ln(2)/2`` for rho = 0)."""
    x = 1.0 - 2.0 * rho
    terms = [(1 + x) * math.log(1 + x)]
    if x < 1:
        terms.append((1 - x) * math.log(1 - x))
    return 0.25 * sum(terms)


def exponential_capacity(N: float | np.ndarray, rho: float = 0.0) -> np.ndarray:
    """``exp(alpha N) + 1`` with ``alpha = I(1 - 2 rho) / 2`` (rate only: no prefactor)."""
    return np.exp(exponential_rate(rho) * np.asarray(N, dtype=np.float64)) + 1.0


def one_bit_pairs(K: float | np.ndarray, N: float | np.ndarray) -> np.ndarray:
    """Expected number of pairs of K random patterns at Hamming distance 1."""
    K = np.asarray(K, dtype=np.float64)
    N = np.asarray(N, dtype=np.float64)
    return K * (K - 1) / 2 * N / 2.0**N


def one_bit_limit(N: float | np.ndarray) -> np.ndarray:
    """K where one pair one bit apart is expected: ``K (K-1) N / 2^(N+1) = 1``."""
    N = np.asarray(N, dtype=np.float64)
    return 0.5 + np.sqrt(0.25 + 2.0 ** (N + 1) / N)


# ----------------------------------------------------------------- modern Hopfield network


def separation(X: np.ndarray) -> np.ndarray:
    """``Delta_i = min_{j != i} (x_i . x_i - x_i . x_j)`` for patterns X (P, d)."""
    G = X @ X.T
    diag = np.diag(G).copy()
    np.fill_diagonal(G, -np.inf)
    return diag - G.max(axis=1)


def one_step_bound(
    beta: float, delta: np.ndarray, M: float, distance: np.ndarray, P: int
) -> np.ndarray:
    """Ramsauer et al.'s bound ``min(2 M, 2 eps M)`` on ``|f(xi) - x_i|`` after one update,
    ``eps = (P - 1) exp(-beta (Delta_i - 2 M |xi - x_i|))``."""
    expo = -beta * (np.asarray(delta) - 2.0 * M * np.asarray(distance))
    eps = (P - 1) * np.exp(np.minimum(expo, 700.0))
    return np.minimum(2.0 * M, 2.0 * M * eps)


def retrieval_beta(delta: float, M: float, P: int, distance: float = 0.0, target=1e-3) -> float:
    """Smallest beta for which :func:`one_step_bound` is below ``target * M`` (inf if none)."""
    gap = delta - 2.0 * M * distance
    if gap <= 0:
        return math.inf
    return math.log(2.0 * (P - 1) / target) / gap


def global_beta(M: float) -> float:
    """``1 / M^2``: below it the update is a contraction (one, global, fixed point)."""
    return 1.0 / (M * M)
