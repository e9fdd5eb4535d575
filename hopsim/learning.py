"""Learning rules: patterns -> couplings.

Hebbian couplings are returned as *integer* couplings ``J`` with a scale, so that
``W = scale * J``. Keeping ``J`` integer (stored in float32, exact up to 2**24)
makes the comparison ``sum_j W_ij s_j >= theta_i`` exact, ties included: the
source report's tie rule (+1 at the threshold) depends on it.
"""

from __future__ import annotations

import numpy as np

LEARNING_RULES = ("hebb",)


def hebb_integer(patterns: np.ndarray, dtype=np.float32) -> np.ndarray:
    """``J = sum_mu xi_mu xi_mu^T`` with zero diagonal (so ``W = J / N``).

    Parameters
    ----------
    patterns : numpy.ndarray
        Shape (P, N), +/-1.
    dtype : numpy dtype
        float32 (default, exact for integers below 2**24), float64, int8 (P <= 127)
        or int16 (P <= 32767).
    """
    xi = patterns.astype(np.float32 if np.dtype(dtype).kind != "f" else dtype)
    J = xi.T @ xi
    np.fill_diagonal(J, 0)
    return J.astype(dtype, copy=False)


def hebb(patterns: np.ndarray) -> np.ndarray:
    """The Hebb rule ``W = (1/N) sum_mu xi_mu xi_mu^T``, zero diagonal, float64."""
    N = patterns.shape[1]
    return hebb_integer(patterns, np.float64) / N
