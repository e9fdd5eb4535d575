"""Fixed points, stability and bifurcations of the continuous models.

Single neuron: the fixed points of ``tau dv/dt = -v + F(h + lambda v)`` are the roots of
``g(v) = -v + F(h + lambda v)`` in (-1, 1). :func:`fixed_points` finds *all* of them by
bracketing: ``g`` is evaluated on a grid that also contains the critical points of ``g``
(where ``lambda F'(h + lambda v) = 1``; at most two, since ``F'`` decreases in ``|x|``), so
``g`` is monotone between neighbouring grid points and every sign change holds exactly one
root, which :func:`scipy.optimize.brentq` refines. A double root (exactly at a fold) sits on
a critical point and is caught there. The stability of a fixed point is the sign of its
eigenvalue ``(-1 + lambda F'(h + lambda v)) / tau``.

Bifurcations: the pitchfork at ``h = 0`` (``lambda_c = 1 / F'(0)``), located on a lambda grid
by the change in the number of fixed points and refined by a root solve of the trivial
branch's eigenvalue; the folds (saddle-nodes) ``h = +/- h_fold(lambda)`` for
``lambda F'(0) > 1``, bounding the bistable window.

Network: fixed points of ``v = F(h + W v)`` followed in the gain by Newton continuation
(:func:`continue_in_gain`), with stability from the Jacobian's largest eigenvalue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.optimize import brentq

from hopsim.dynamics.continuous import Activation

BRANCHES = ("lower", "middle", "upper")
_ROOT_XTOL = 1e-14
_TANGENT_TOL = 1e-13


# ----------------------------------------------------------------------------- single neuron


def _g(v, lam: float, h: float, F: Activation):
    return F(h + lam * np.asarray(v)) - v


def critical_points(lam: float, h: float = 0.0, activation: Activation | None = None) -> list:
    """The ``v`` in (-1, 1) where ``g'(v) = -1 + lambda F'(h + lambda v) = 0`` (0 to 2 of them)."""
    F = activation or Activation()
    if lam * F.gain <= 1.0:  # then g' = -1 + lambda F' < 0 everywhere: g is monotone
        return []
    x = F.slope_point(1.0 / lam)
    return [c for c in ((-x - h) / lam, (x - h) / lam) if -1.0 < c < 1.0]


def fixed_points(
    lam: float, h: float = 0.0, activation: Activation | None = None, grid: int = 33
) -> np.ndarray:
    """All fixed points of ``v = F(h + lambda v)``, sorted.

    Parameters
    ----------
    lam : float
        Self-coupling lambda.
    h : float
        Constant input.
    activation : Activation
        ``F`` (default ``tanh``, gain 1).
    grid : int
        Grid points on [-1, 1] (the critical points of ``g`` are added to them).

    Returns
    -------
    numpy.ndarray
        The roots in [-1, 1] (1 or 3, or 2 exactly at a fold), each to about 1e-14.
    """
    F = activation or Activation()
    crit = critical_points(lam, h, F)
    pts = np.unique(np.concatenate([np.linspace(-1.0, 1.0, grid), crit]))
    gv = _g(pts, lam, h, F)
    roots = list(pts[gv == 0.0])
    for i in np.flatnonzero(gv[:-1] * gv[1:] < 0):
        roots.append(brentq(_g, pts[i], pts[i + 1], args=(lam, h, F), xtol=_ROOT_XTOL, rtol=1e-15))
    for c in crit:  # a double root touches zero without a sign change
        if abs(float(_g(c, lam, h, F))) <= _TANGENT_TOL:
            roots.append(c)
    roots = np.sort(np.asarray(roots, dtype=np.float64))
    if roots.size > 1:
        roots = roots[np.concatenate([[True], np.diff(roots) > 1e-9])]
    return roots


def eigenvalue(v, lam, h=0.0, tau: float = 1.0, activation: Activation | None = None):
    """Linear stability of a fixed point: ``(-1 + lambda F'(h + lambda v)) / tau``."""
    F = activation or Activation()
    lam = np.asarray(lam, dtype=np.float64)
    return (-1.0 + lam * F.derivative(h + lam * np.asarray(v))) / tau


def assign_branches(roots: np.ndarray, lam: float, h: float, F: Activation) -> np.ndarray:
    """Place sorted roots on the branches (lower, middle, upper); NaN where absent.

    Three roots fill all branches. A single root belongs to the branch continuous with
    it: ``upper`` for ``h > 0``, ``lower`` for ``h < 0``, ``middle`` (v = 0) for ``h = 0``.
    Two roots (exactly at a fold): the double root fills the two merging branches.
    """
    out = np.full(3, np.nan)
    if roots.size == 3:
        out[:] = roots
    elif roots.size == 1:
        out[2 if h > 0 else 0 if h < 0 else 1] = roots[0]
    elif roots.size == 2:
        slope = np.abs(eigenvalue(roots, lam, h, 1.0, F))
        tangent, other = (0, 1) if slope[0] < slope[1] else (1, 0)
        if tangent == 0:  # lower and middle merge, the upper one survives
            out[0] = out[1] = roots[0]
            out[2] = roots[1]
        else:
            out[1] = out[2] = roots[1]
            out[0] = roots[0]
    return out


@dataclass
class Diagram:
    """Fixed points on the three branches for a list of (lambda, h) pairs.

    Attributes
    ----------
    v : numpy.ndarray
        (K, 3) fixed points on (lower, middle, upper); NaN where the branch does not exist.
    eigenvalue : numpy.ndarray
        (K, 3) ``(-1 + lambda F'(h + lambda v)) / tau``; NaN where absent.
    stable : numpy.ndarray
        (K, 3) int8: 1 if the eigenvalue is < 0, 0 if not or if the branch is absent. A
        marginal point (eigenvalue 0) is stable when ``g`` falls through zero there (the
        pitchfork point at h = 0), unstable otherwise (a fold is half-stable).
    count : numpy.ndarray
        (K,) number of distinct fixed points.
    """

    v: np.ndarray
    eigenvalue: np.ndarray
    stable: np.ndarray
    count: np.ndarray


def diagram(
    lam, h, tau: float = 1.0, activation: Activation | None = None, grid: int = 33
) -> Diagram:
    """Fixed points and their stability at each pair ``(lam[k], h[k])`` (broadcast)."""
    F = activation or Activation()
    lam, h = np.broadcast_arrays(np.atleast_1d(lam), np.atleast_1d(h))
    K = lam.size
    v = np.full((K, 3), np.nan)
    count = np.zeros(K, dtype=np.int16)
    for k in range(K):
        roots = fixed_points(float(lam[k]), float(h[k]), F, grid)
        count[k] = roots.size
        v[k] = assign_branches(roots, float(lam[k]), float(h[k]), F)
    eig = eigenvalue(v, lam[:, None], h[:, None], tau, F)
    stable = (eig < 0).astype(np.int8)
    # marginal points (eigenvalue 0: the pitchfork itself, folds): in one dimension a fixed
    # point attracts iff g falls through zero there, so look at g on both sides
    for k, b in zip(*np.nonzero(np.abs(eig) < 1e-12), strict=True):
        eps = 1e-4
        left = float(_g(v[k, b] - eps, lam[k], h[k], F))
        right = float(_g(v[k, b] + eps, lam[k], h[k], F))
        stable[k, b] = np.int8(left > 0 > right)
    return Diagram(v, eig, stable, count)


@dataclass
class Pitchfork:
    """Where the fixed point v = 0 at h = 0 loses stability and two branches appear.

    Attributes
    ----------
    lam_grid : float
        First grid lambda with three fixed points (NaN if the count never goes 1 -> 3).
    bracket : tuple of float
        The grid interval holding the bifurcation.
    lam : float
        The refined value: root of the trivial branch's eigenvalue ``-1 + lambda F'(0)``
        inside the bracket (to 1e-12).
    """

    lam_grid: float
    bracket: tuple[float, float]
    lam: float


def pitchfork(lams, counts, activation: Activation | None = None) -> Pitchfork:
    """Locate the pitchfork from fixed-point counts at ``h = 0`` on an increasing lambda grid.

    Parameters
    ----------
    lams : array_like
        Increasing lambda values.
    counts : array_like
        Number of fixed points at ``h = 0`` for each (from :func:`diagram`).
    activation : Activation
    """
    F = activation or Activation()
    lams, counts = np.asarray(lams, dtype=np.float64), np.asarray(counts)
    rise = np.flatnonzero((counts[:-1] == 1) & (counts[1:] == 3))
    if rise.size == 0:
        # the grid may start exactly at the bifurcation (a triple root counts once)
        return Pitchfork(np.nan, (np.nan, np.nan), np.nan)
    k = int(rise[0])
    a, b = float(lams[k]), float(lams[k + 1])
    slope0 = float(F.derivative(0.0))

    def trivial(lam):
        return -1.0 + lam * slope0

    if trivial(a) * trivial(b) > 0:  # pragma: no cover - counts and eigenvalue disagree
        return Pitchfork(b, (a, b), np.nan)
    lam = a if trivial(a) == 0 else brentq(trivial, a, b, xtol=1e-13, rtol=1e-15)
    return Pitchfork(b, (a, b), float(lam))


def fold_points(lam, activation: Activation | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Saddle-node points in ``h`` of the single neuron, for each lambda.

    At a fold ``g = 0`` and ``g' = 0``: ``lambda F'(x) = 1`` with ``x = h + lambda v``, so
    ``x = F'^{-1}(1/lambda)``, ``v = F(x)``, ``h = x - lambda v``. By symmetry the folds are
    at ``h = +/- h_fold``; the bistable window is ``|h| < h_fold``.

    Returns
    -------
    (h_fold, v_fold)
        ``h_fold >= 0`` and ``v_fold = F(x) > 0`` (the double root at ``h = -h_fold``);
        NaN where ``lambda F'(0) <= 1`` (no fold).
    """
    F = activation or Activation()
    lam = np.atleast_1d(np.asarray(lam, dtype=np.float64))
    h_fold = np.full(lam.shape, np.nan)
    v_fold = np.full(lam.shape, np.nan)
    for k, value in enumerate(lam):
        if value * F.gain > 1.0:
            x = F.slope_point(1.0 / value)
            v_fold[k] = float(F(x))
            h_fold[k] = value * v_fold[k] - x
    return h_fold, v_fold


# ----------------------------------------------------------------------------- network


def newton_fixed_point(
    W: np.ndarray,
    activation: Activation,
    v0: np.ndarray,
    h: float | np.ndarray = 0.0,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> tuple[np.ndarray, bool]:
    """Solve ``v = F(h + W v)`` by damped Newton from ``v0``; return (v, converged)."""
    v = np.asarray(v0, dtype=np.float64).copy()
    N = v.size

    def residual(x):
        return activation(h + W @ x) - x

    r = residual(v)
    norm = float(np.max(np.abs(r)))
    for _ in range(max_iter):
        if norm < tol:
            return v, True
        J = activation.derivative(h + W @ v)[:, None] * W
        J[np.diag_indices(N)] -= 1.0
        try:
            step = np.linalg.solve(J, -r)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(J, -r, rcond=None)[0]
        t = 1.0
        while t > 1e-4:
            trial = np.clip(v + t * step, -1.0 + 1e-15, 1.0 - 1e-15)
            r_trial = residual(trial)
            n_trial = float(np.max(np.abs(r_trial)))
            if n_trial < norm or n_trial < tol:
                break
            t *= 0.5
        v, r, norm = trial, r_trial, n_trial
    return v, norm < tol


def max_jacobian_eigenvalue(
    W: np.ndarray, activation: Activation, v: np.ndarray, h=0.0, tau: float = 1.0
) -> float:
    """Largest eigenvalue of the network Jacobian ``(diag(F'(a)) W - I) / tau`` at ``v``.

    For symmetric W, ``diag(d) W`` is similar to ``sqrt(d) W sqrt(d)``, so the spectrum is real
    and a symmetric eigensolver gives it.
    """
    d = np.sqrt(activation.derivative(h + W @ v))
    S = d[:, None] * W * d[None, :]
    N = S.shape[0]
    top = scipy.linalg.eigh(S, eigvals_only=True, subset_by_index=[N - 1, N - 1])[0]
    return float((top - 1.0) / tau)


@dataclass
class NetworkBranch:
    """A branch of network fixed points followed in the gain.

    Attributes
    ----------
    gain : numpy.ndarray
        (G,) gains in the order followed.
    v : numpy.ndarray
        (G, N) fixed points.
    max_eigenvalue : numpy.ndarray
        (G,) largest Jacobian eigenvalue (stable when < 0).
    converged : numpy.ndarray
        (G,) bool, Newton converged.
    """

    gain: np.ndarray
    v: np.ndarray
    max_eigenvalue: np.ndarray
    converged: np.ndarray


def continue_in_gain(
    W: np.ndarray,
    gains,
    v_start: np.ndarray,
    activation: str = "tanh",
    h: float | np.ndarray = 0.0,
    tau: float = 1.0,
) -> NetworkBranch:
    """Natural continuation of ``v = F_gain(h + W v)`` along ``gains`` (in the order given).

    Each gain starts Newton from the previous solution (the first from ``v_start``), so
    following decreasing gains from a retrieval state traces the retrieval branch down to
    the pitchfork where it merges with ``v = 0``.
    """
    gains = np.asarray(gains, dtype=np.float64)
    G, N = gains.size, W.shape[0]
    out = NetworkBranch(gains, np.empty((G, N)), np.empty(G), np.zeros(G, dtype=bool))
    v = np.asarray(v_start, dtype=np.float64)
    for k, gain in enumerate(gains):
        F = Activation(activation, float(gain))
        v, ok = newton_fixed_point(W, F, v, h)
        out.v[k], out.converged[k] = v, ok
        out.max_eigenvalue[k] = max_jacobian_eigenvalue(W, F, v, h, tau)
    return out
