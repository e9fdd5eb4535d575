"""The memory claims (mixtures against AGS 1985, the clamping gain) follow the data they read:
each verdict changes when the dataset is perturbed so the claim must fail."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import xarray as xr

import hopsim
from hopsim.gallery.claims import CLAIMS, FAILS, HOLDS, INCONCLUSIVE


def _check(claim_id, data):
    return next(c for c in CLAIMS if c.id == claim_id).check(data)


@functools.cache
def _mixtures():
    return hopsim.run(
        "mixtures",
        {
            "network.N": [300, 600, 1200],
            "patterns.alpha": [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08],
            "trials": 30,
            "mixtures.starts": ["pattern", "mixture3", "mixture5"],
        },
        seed=1,
    )


def test_mixture_overlap_claim_follows_the_overlaps():
    ds = _mixtures()
    assert _check("mixture_overlaps", {"mixtures": ds}).verdict == HOLDS
    shifted = ds.copy(deep=True)
    shifted["constituent_overlap"] = shifted.constituent_overlap + 0.05
    assert _check("mixture_overlaps", {"mixtures": shifted}).verdict == FAILS


def test_mixture_energy_claim_follows_the_energies():
    ds = _mixtures()
    assert _check("mixture_energy", {"mixtures": ds}).verdict == HOLDS
    swapped = ds.copy(deep=True)
    e = swapped.energy.values
    index = list(ds.start.values)
    e[:, :, index.index("mixture3")] = -0.6  # below the patterns: against theory
    assert _check("mixture_energy", {"mixtures": swapped}).verdict == FAILS


def test_mixture_stability_claim_follows_the_limit():
    ds = _mixtures()
    result = _check("mixture_stability", {"mixtures": ds})
    assert result.verdict == HOLDS, result
    stable = ds.copy(deep=True)  # every 3-mixture stays up to 0.07: the limit moves up
    so = stable.start_overlap.values
    alphas = list(ds.alpha.values)
    so[:, : alphas.index(0.07) + 1, list(ds.start.values).index("mixture3")] = 1.0
    assert _check("mixture_stability", {"mixtures": stable}).verdict == FAILS


def _clamping_sweep(free_basins, clamped_basins, levels=(0.3, 0.5, 0.7, 0.9)):
    """A synthetic recall sweep whose cues are completed up to the given basins."""
    alphas = [0.05, 0.1, 0.14][: len(free_basins)]
    shape = (len(alphas), 2, len(levels), 10, 4)
    overlap = np.zeros(shape)
    for a in range(len(alphas)):
        for k, basin in enumerate((free_basins[a], clamped_basins[a])):
            for j, level in enumerate(levels):
                overlap[a, k, j] = 1.0 if level <= basin else 0.2
    return xr.Dataset(
        {"overlap": (("alpha", "corruption", "noise", "pattern", "trial"), overlap)},
        coords={
            "alpha": alphas,
            "corruption": ["occlude", "occlude_clamped"],
            "noise": list(levels),
            "pattern": np.arange(10),
            "trial": np.arange(4),
        },
    )


@pytest.mark.parametrize(
    ("free", "clamped", "verdict"),
    [
        ((0.5, 0.3, 0.3), (0.7, 0.7, 0.7), HOLDS),
        ((0.7, 0.5, 0.3), (0.5, 0.3, 0.3), FAILS),
        ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5), INCONCLUSIVE),
    ],
)
def test_clamping_gain_claim_follows_the_basins(free, clamped, verdict):
    result = _check("clamping_gain", {"recall_clamping": _clamping_sweep(free, clamped)})
    assert result.verdict == verdict, result


def test_clamping_basins_are_read_off_the_grid():
    from hopsim.analysis.clamping import clamping_gain

    table = clamping_gain(_clamping_sweep((0.5, 0.3, 0.3), (0.7, 0.7, 0.9)))
    # a completion of 1 up to the basin, 0 beyond: the crossing is half-way to the next level
    np.testing.assert_allclose(table.free, [0.6, 0.4, 0.4])
    np.testing.assert_allclose(table.clamped, [0.8, 0.8, 0.9])
    assert list(table.censored) == [False, False, True]
    np.testing.assert_allclose(table.gain, [0.2, 0.4, 0.5])


def test_clamped_pictures_claim_follows_the_restorations():
    ds = hopsim.run(
        "images",
        {
            "images.paths": ["smiley", "house", "moon", "letter", "sphere"],
            "images.side": 32,
            "images.corruptions": ["occlude", "occlude_clamped"],
            "images.occlude_fraction": 0.5,
            "images.updates": ["async"],
        },
    )
    held = ds.state.sel(corruption="occlude_clamped").isel(update=0)
    cue = held.isel(sweep=0)
    visible = 16  # rows 0..15 of 32 were not occluded: held in every frame
    assert (held.isel(row=slice(0, visible)) == cue.isel(row=slice(0, visible))).all()
    assert _check("clamping_pictures", {"images_clamped": ds}).verdict == HOLDS
    broken = ds.copy(deep=True)
    broken["overlap"].loc[{"corruption": "occlude_clamped"}] = 0.5
    assert _check("clamping_pictures", {"images_clamped": broken}).verdict == FAILS
