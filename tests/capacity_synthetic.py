"""Synthetic capacity datasets with a known finite-size law, for the analysis and figure tests.

The fraction of trials retrieved at (N, alpha) is ``1 / (1 + exp((alpha - alpha_1/2(N)) /
w(N)))`` with ``alpha_1/2(N) = alpha_inf + a N^(-nu)`` and ``w(N) = w0 (N / 1000)^(-1/2)``;
each cell draws its retrieved trials from that binomial (or, with ``spread``, from a binomial
whose probability itself varies from cell to cell: a network-to-network spread). Retrieved
trials get overlap 0.97, the others 0.3, so ``m >= 0.9`` counts exactly the drawn hits.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import expit

LAW = {"alpha_inf": 0.138, "a": 0.9, "nu": 0.5, "w0": 0.011}
SIZES = (500, 1000, 2000, 4000, 8000, 16000, 32000)


def law_alpha_half(N, alpha_inf=LAW["alpha_inf"], a=LAW["a"], nu=LAW["nu"]):
    return alpha_inf + a * np.asarray(N, dtype=float) ** -nu


def width(N, w0=LAW["w0"]):
    return w0 * (np.asarray(N, dtype=float) / 1000.0) ** -0.5


def loads_for(N, count: int = 15, span: float = 3.0, **law) -> np.ndarray:
    """``count`` loads spanning ``span`` widths either side of the law's crossing at N."""
    centre, w = law_alpha_half(N, **law), width(N)
    return np.round(np.linspace(centre - span * w, centre + span * w, count), 6)


def dataset(
    rng: np.random.Generator,
    sizes=SIZES,
    trials: int = 200,
    noises=(0.0,),
    spread: float = 0.0,
    shift_noise: float = 0.01,
    **law,
) -> xr.Dataset:
    """A capacity-like dataset (dims N, alpha, noise, trial) drawn from the law.

    Each size has its own load grid (:func:`loads_for`); the dataset's loads are their union
    (NaN where a size was not run). Noise level ``q`` shifts the crossing down by
    ``q / 0.1 * shift_noise``. ``spread`` is the standard deviation of the logit of the
    retrieval probability from cell to cell.
    """
    alphas = np.unique(np.concatenate([loads_for(N, **law) for N in sizes]))
    shape = (len(sizes), len(alphas), len(noises), trials)
    overlap = np.full(shape, np.nan)
    for i, N in enumerate(sizes):
        grid = loads_for(N, **law)
        for k, q in enumerate(noises):
            centre = law_alpha_half(N, **law) - q / 0.1 * shift_noise
            for a in grid:
                j = int(np.searchsorted(alphas, a))
                logit = (centre - a) / width(N) + spread * rng.standard_normal()
                hits = rng.binomial(trials, expit(logit))
                overlap[i, j, k] = np.where(np.arange(trials) < hits, 0.97, 0.3)
                rng.shuffle(overlap[i, j, k])
    measured = np.isfinite(overlap)
    ds = xr.Dataset(
        {
            "overlap": (("N", "alpha", "noise", "trial"), overlap),
            "bit_error": (("N", "alpha", "noise", "trial"), (1 - overlap) / 2),
            "outcome": (("N", "alpha", "noise", "trial"), np.where(measured, 0.0, np.nan)),
            "sweeps": (("N", "alpha", "noise", "trial"), np.where(measured, 5.0, np.nan)),
            "one_step_error": (
                ("N", "alpha", "trial"),
                np.where(measured[:, :, 0], 0.01, np.nan),
            ),
            "cued_pattern": (
                ("N", "alpha", "trial"),
                np.broadcast_to(np.arange(trials), shape[:2] + (trials,)).copy(),
            ),
        },
        coords={
            "N": list(sizes),
            "alpha": alphas,
            "noise": list(noises),
            "trial": np.arange(trials),
            "update": "async",
        },
        attrs={"experiment": "capacity", "seed": 0},
    )
    for name in ("overlap", "bit_error", "one_step_error", "sweeps"):
        ds[name].attrs.update(long_name=name.replace("_", " "), units="1")
    ds["alpha"].attrs.update(long_name="load P/N", units="1")
    return ds
