"""Stabilities of stored patterns (Gardner's Delta), for the couplings of any rule.

Neuron i's stability on pattern mu and its margin are::

    Delta_i^mu = xi_i^mu (h_i^mu - theta_i) / ||J_i||,    kappa_i = min_mu Delta_i^mu,

with ``h_i^mu = sum_j J_ij xi_j^mu`` the raw field the dynamics uses and
``||J_i||^2 = sum_{j != i} J_ij^2`` the norm of the row without the self-coupling (for
zero-diagonal couplings, Gardner's definition; a self-coupling adds ``J_ii / ||J_i||``).
Bit i of pattern mu is stable under the update when ``Delta_i^mu > 0``; every pattern is a
fixed point when every margin is positive. Scale-free: ``W = scale J`` gives the same
numbers.
"""

from __future__ import annotations

import numpy as np


def margins(fields: np.ndarray, patterns: np.ndarray, norms: np.ndarray, thresholds=0.0):
    """Margin ``kappa_i = min_mu xi_i^mu (h_i^mu - theta_i) / ||J_i||`` of every neuron.

    Parameters
    ----------
    fields : numpy.ndarray
        (P, N) raw fields ``h^mu = J xi^mu`` at the stored patterns.
    patterns : numpy.ndarray
        (P, N) +/-1.
    norms : numpy.ndarray
        (N,) ``||J_i||`` without the self-coupling (:func:`row_norms`).
    thresholds : float or numpy.ndarray
        Raw thresholds ``theta_i`` (in the units of ``fields``).

    Returns
    -------
    numpy.ndarray
        (N,) float64; NaN where the row is zero or nothing is stored.
    """
    X = np.asarray(patterns, dtype=np.float64)
    if X.shape[0] == 0:
        return np.full(X.shape[1], np.nan)
    worst = (X * (np.asarray(fields, dtype=np.float64) - thresholds)).min(axis=0)
    ok = norms > 0
    return np.where(ok, worst / np.where(ok, norms, 1.0), np.nan)


def row_norms(net) -> np.ndarray:
    """``||J_i||`` (N,) of a :class:`hopsim.network.Network`'s raw couplings, self-coupling
    excluded, from its dense rows or its factors ``J = L^T R - diag(d)``:
    ``sum_{j != i} J_ij^2 = L_i^T (R R^T) L_i - (L_i . R_i)^2``."""
    if net.J is not None:
        out = np.empty(net.N)
        for start in range(0, net.N, 1024):
            block = net.J[start : start + 1024].astype(np.float64)
            rows = np.arange(block.shape[0])
            diag = block[rows, start + rows]
            out[start : start + 1024] = np.einsum("ij,ij->i", block, block) - diag * diag
        return np.sqrt(np.maximum(out, 0.0))
    f = net.factors
    L, R = f.left.astype(np.float64), f.right.astype(np.float64)
    M = R @ R.T
    full = np.einsum("ri,ri->i", L, M @ L)
    own = np.einsum("ri,ri->i", L, R)  # (L^T R)_ii
    return np.sqrt(np.maximum(full - own * own, 0.0))


def network_margins(net, patterns: np.ndarray) -> np.ndarray:
    """Margin of every neuron of ``net`` on the stored ``patterns`` (P, N) (:func:`margins`)."""
    return margins(net.raw_fields(patterns), patterns, row_norms(net), net.raw_thresholds)
