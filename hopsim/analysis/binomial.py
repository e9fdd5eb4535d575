"""Binomial fractions: the Wilson score interval."""

from __future__ import annotations

import numpy as np

#: The two-sided 95% quantile of the standard normal distribution.
Z95 = 1.959963984540054


def wilson_interval(hits, total, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a binomial fraction (NaN where nothing was counted).

    Wilson (1927): the ``p`` whose normal-approximation test against ``hits / total`` is
    not rejected at level ``z``; unlike ``p +/- z se`` it stays inside [0, 1] and is not
    empty at 0 or ``total`` hits (0 of 8: [0, 0.324]).
    """
    hits = np.asarray(hits, dtype=float)
    total = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = hits / total
        centre = (p + z * z / (2 * total)) / (1 + z * z / total)
        half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
        # at p = 0 or 1 an end is p itself; rounding must not put it on the wrong side
        lo = np.where(np.isfinite(p), np.minimum(np.clip(centre - half, 0, 1), p), np.nan)
        hi = np.where(np.isfinite(p), np.maximum(np.clip(centre + half, 0, 1), p), np.nan)
    return lo, hi
