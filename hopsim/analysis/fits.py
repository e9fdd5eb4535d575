"""Fits shared by the analyses: binomial logistic regression, a power-law approach to a
limit, binomial intervals. Each works on many replicates at once (bootstrap rows)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, xlogy

from hopsim.analysis.binomial import wilson_interval  # noqa: F401 - one interval, re-exported

#: the exponents :func:`fit_law` may fit (a fit on a bound is reported as such)
NU_RANGE = (0.05, 2.0)
_NU_GRID = np.linspace(*NU_RANGE, 391)


# ----------------------------------------------------------------------- logistic fit


@dataclass(frozen=True)
class LogisticFit:
    """Logistic fits of R replicates at once (arrays of shape (R,))."""

    alpha_half: np.ndarray
    width: np.ndarray
    fisher_stderr: np.ndarray
    deviance: np.ndarray
    separated: np.ndarray  #: the data split perfectly: the width is only bounded


def _log_likelihood(beta, x, hits, total):
    eta = beta[:, :1] + beta[:, 1:] * x
    # h eta - n log(1 + e^eta), written without overflow
    return np.sum(hits * eta - total * np.logaddexp(0.0, eta), axis=1)


def _newton(x, hits, total, beta, iterations: int = 60, cap: float = 1e4):
    """Maximise the binomial likelihood of ``logit p = b0 + b1 x`` for every row of ``hits``."""
    ll = _log_likelihood(beta, x, hits, total)
    for _ in range(iterations):
        p = expit(beta[:, :1] + beta[:, 1:] * x)
        resid, weight = hits - total * p, total * p * (1 - p)
        g = np.stack([resid.sum(1), (resid * x).sum(1)], 1)
        i00, i01, i11 = weight.sum(1), (weight * x).sum(1), (weight * x * x).sum(1)
        det = np.maximum(i00 * i11 - i01 * i01, 1e-300)
        step = np.stack([(i11 * g[:, 0] - i01 * g[:, 1]), (i00 * g[:, 1] - i01 * g[:, 0])], 1)
        step /= det[:, None]
        scale = np.ones(len(beta))
        for _ in range(30):  # halve steps that would lower the likelihood
            trial = np.clip(beta + scale[:, None] * step, -cap, cap)
            new = _log_likelihood(trial, x, hits, total)
            worse = new < ll - 1e-12
            if not worse.any():
                break
            scale = np.where(worse, scale / 2, scale)
        beta, ll = trial, np.maximum(new, ll)
        if np.all(np.abs(scale[:, None] * step) < 1e-10):
            break
    return beta


def fit_logistic(alpha: np.ndarray, hits: np.ndarray, total: np.ndarray) -> LogisticFit:
    """Fit ``P = 1 / (1 + exp((alpha - alpha_1/2) / w))`` to each row of ``hits``.

    Parameters
    ----------
    alpha : (A,) loads.
    hits, total : (R, A) or (A,) retrieved and measured trials; loads with ``total == 0``
        are left out.

    Returns
    -------
    LogisticFit
        ``alpha_half`` (where the fit is 1/2), the width ``w``, the standard error of
        ``alpha_half`` from the Fisher information, the deviance, and ``separated`` (no load
        has 0 < P < 1 within the fit: the crossing lies in a gap of the loads).
    """
    alpha = np.asarray(alpha, dtype=float)
    hits = np.atleast_2d(np.asarray(hits, dtype=float))
    total = np.broadcast_to(np.atleast_2d(np.asarray(total, dtype=float)), hits.shape)
    keep = total.sum(0) > 0
    alpha, hits, total = alpha[keep], hits[:, keep], total[:, keep]
    centre, scale = alpha.mean(), max(alpha.std(), 1e-12)
    x = (alpha - centre) / scale
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(total > 0, hits / total, np.nan)
    start = x[np.nanargmin(np.abs(np.nan_to_num(frac, nan=9.0) - 0.5), axis=1)]
    beta = _newton(x, hits, total, np.stack([2.0 * start, np.full(len(start), -2.0)], 1))
    b0, b1 = beta[:, 0], beta[:, 1]
    p = expit(b0[:, None] + b1[:, None] * x)
    weight = total * p * (1 - p)
    i00, i01, i11 = weight.sum(1), (weight * x).sum(1), (weight * x * x).sum(1)
    det = i00 * i11 - i01 * i01
    with np.errstate(invalid="ignore", divide="ignore"):
        var0, var1, cov = i11 / det, i00 / det, -i01 / det
        x_half = -b0 / b1
        d0, d1 = -1.0 / b1, b0 / b1**2
        fisher = np.sqrt(d0 * d0 * var0 + 2 * d0 * d1 * cov + d1 * d1 * var1) * scale
        misses = total - hits
        dev = 2 * np.sum(
            np.where(hits > 0, xlogy(hits, hits / (total * p)), 0.0)
            + np.where(misses > 0, xlogy(misses, misses / (total * (1 - p))), 0.0),
            axis=1,
        )
    return LogisticFit(
        alpha_half=centre + scale * x_half,
        width=-scale / b1,
        fisher_stderr=np.where(np.isfinite(fisher), fisher, np.nan),
        deviance=dev,
        separated=_separated(frac),
    )


def _separated(frac: np.ndarray) -> np.ndarray:
    """Rows whose measured fractions are all 0 or 1 and never rise with alpha: the likelihood
    grows without bound as the width shrinks, and only the gap of the crossing is known."""
    seen = np.isfinite(frac)
    binary = np.all(~seen | (frac == 0) | (frac == 1), axis=1)
    f = np.where(seen, frac, np.nan)
    rises = np.zeros(len(frac), dtype=bool)
    for r in range(len(frac)):
        x = f[r][seen[r]]
        rises[r] = np.any(np.diff(x) > 0)
    return binary & ~rises


# ------------------------------------------------------------------- finite-size law


def fit_law(
    N: np.ndarray, alpha_half: np.ndarray, stderr: np.ndarray, nu: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least squares of ``alpha_half = alpha_inf + a N^(-nu)`` for each row.

    ``alpha_half`` is (R, S) or (S,) over the S sizes ``N``, ``stderr`` (S,) the weights
    ``1 / stderr^2``. With ``nu`` None the exponent is fitted: chi^2 is profiled over
    ``NU_RANGE`` (the two linear parameters solved exactly at each nu) and the grid minimum
    refined by a parabola. Returns ``(alpha_inf, a, nu, chi2)``, each (R,).
    """
    y = np.atleast_2d(np.asarray(alpha_half, dtype=float))
    N = np.asarray(N, dtype=float)
    w = 1.0 / np.asarray(stderr, dtype=float) ** 2
    if nu is not None:
        fixed = np.full(len(y), float(nu))
        inf, amp, chi2 = _linear_rows(N, y, w, fixed)
        return inf, amp, fixed, chi2
    x = N[None, :] ** -_NU_GRID[:, None]  # (G, S)
    _, _, chi2 = _linear(x, y, w)  # (R, G)
    k = np.clip(np.argmin(chi2, axis=1), 1, len(_NU_GRID) - 2)
    rows = np.arange(len(y))
    c_lo, c_mid, c_hi = chi2[rows, k - 1], chi2[rows, k], chi2[rows, k + 1]
    curvature = c_lo - 2 * c_mid + c_hi
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(curvature > 0, 0.5 * (c_lo - c_hi) / curvature, 0.0)
    step = _NU_GRID[1] - _NU_GRID[0]
    best = np.argmin(chi2, axis=1)
    nu_best = np.where(
        (best == 0) | (best == len(_NU_GRID) - 1),
        _NU_GRID[best],
        _NU_GRID[k] + np.clip(shift, -1, 1) * step,
    )
    inf, amp, chi2_best = _linear_rows(N, y, w, nu_best)
    return inf, amp, nu_best, chi2_best


def _linear(x: np.ndarray, y: np.ndarray, w: np.ndarray):
    """WLS of y (R, S) on x (G, S) for every (row, x): intercepts, slopes, chi2, each (R, G)."""
    S, Sx, Sxx = w.sum(), x @ w, (x * x) @ w  # (), (G,), (G,)
    Sy, Sxy = y @ w, (y * w) @ x.T  # (R,), (R, G)
    det = S * Sxx - Sx * Sx
    amp = (S * Sxy - Sx[None, :] * Sy[:, None]) / det
    inf = (Sxx[None, :] * Sy[:, None] - Sx[None, :] * Sxy) / det
    yy = (y * y) @ w
    chi2 = yy[:, None] - 2 * inf * Sy[:, None] - 2 * amp * Sxy
    chi2 += inf * inf * S + 2 * inf * amp * Sx + amp * amp * Sxx
    return inf, amp, np.maximum(chi2, 0.0)


def _linear_rows(N, y, w, nu):
    x = N[None, :] ** -nu[:, None]  # (R, S)
    S, Sx, Sxx = w.sum(), x @ w, (x * x) @ w
    Sy, Sxy = y @ w, (x * y) @ w
    det = S * Sxx - Sx * Sx
    amp = (S * Sxy - Sx * Sy) / det
    inf = (Sxx * Sy - Sx * Sxy) / det
    chi2 = np.sum(w * (y - inf[:, None] - amp[:, None] * x) ** 2, axis=1)
    return inf, amp, chi2
