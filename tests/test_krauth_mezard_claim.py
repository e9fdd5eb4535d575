"""The Krauth-Mezard claim (hopsim/gallery/claims/rules.py): each verdict follows its
evidence, on datasets built to hold, to fail and to lack a part."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from hopsim.gallery.claims import CAVEAT, FAILS, HOLDS, NOT_TESTED, UNCHECKED
from hopsim.gallery.claims import rules as draft
from hopsim.theory.gardner import cover_separable, kappa_max

ALPHAS = np.array([0.5, 1.0, 1.6, 1.8, 1.9, 2.0, 2.2])
N = 100


def _rules(margin_shift=0.0, converged=1.0, budgets=None, stable=None):
    """A rules-like dataset for krauth_mezard at N = 100, three trials (and budgets)."""
    P = np.round(ALPHAS * N)
    theory = kappa_max(P / (N - 1))
    cover = cover_separable(P.astype(int), N - 1)
    shape = (1, 1, ALPHAS.size, 3)
    margin = np.broadcast_to(np.nan_to_num(theory, nan=-0.5)[None, None, :, None], shape)
    margin = margin + margin_shift + np.array([-1e-3, 0.0, 1e-3])
    conv = np.where(np.isfinite(theory), converged, 0.0)[None, None, :, None] * np.ones(shape)
    data = {
        "margin": (("rule", "N", "alpha", "trial"), margin),
        "converged_fraction": (("rule", "N", "alpha", "trial"), conv),
        "neuron_stable_fraction": (("rule", "N", "alpha", "trial"), np.ones(shape)),
        "margin_theory": (("N", "alpha"), theory[None, :]),
        "separable_theory": (("N", "alpha"), cover[None, :]),
    }
    coords = {"rule": ["krauth_mezard"], "N": [N], "alpha": ALPHAS, "trial": [0, 1, 2]}
    ds = xr.Dataset(data, coords=coords)
    if budgets is None:
        return ds
    out = []
    for b, fractions in zip(budgets, stable, strict=True):
        one = ds.copy(deep=True)
        one["neuron_stable_fraction"][:] = np.asarray(fractions)[None, None, :, None]
        out.append(one.expand_dims(budget=[b]))
    return xr.concat(out, "budget")


def _storage(cover_shift_per_budget):
    """Stored fractions = Cover's curve shifted to lower loads by each budget's shift."""
    cover = cover_separable(np.round(ALPHAS * N).astype(int), N - 1)
    return [np.interp(ALPHAS + s, ALPHAS, cover, right=0.0) for s in cover_shift_per_budget]


def test_half_load_interpolates_and_flags_the_edges():
    assert draft.half_load(np.array([1.0, 2.0]), np.array([1.0, 0.0])) == pytest.approx(1.5)
    assert np.isnan(draft.half_load(np.array([1.0, 2.0]), np.array([1.0, 0.9])))
    assert draft.half_load(np.array([1.0, 2.0]), np.array([0.4, 0.1])) == -np.inf


def test_margins_at_gardner_hold_and_off_by_more_than_the_finite_size_error_fail():
    assert draft.margin_check(_rules())[0] == HOLDS
    assert draft.margin_check(_rules(margin_shift=0.02))[0] == HOLDS  # 2/N: finite size
    assert draft.margin_check(_rules(margin_shift=-0.2))[0] == FAILS  # the old perceptron
    assert draft.margin_check(_rules(converged=0.5))[0] == NOT_TESTED  # nothing certified


def test_storage_verdicts_follow_the_budget_sweep():
    budgets = [10, 100, 1000]
    grows_and_reaches = _rules(budgets=budgets, stable=_storage([0.6, 0.3, 0.0]))
    assert draft.storage_check(grows_and_reaches)[0] == HOLDS
    grows_short = _rules(budgets=budgets, stable=_storage([0.6, 0.4, 0.25]))
    verdict, _, note = draft.storage_check(grows_short)
    assert verdict == CAVEAT and "approached, not reached" in note
    shrinks = _rules(budgets=budgets, stable=_storage([0.0, 0.3, 0.6]))
    assert draft.storage_check(shrinks)[0] == FAILS
    beats = _rules(budgets=budgets, stable=[np.ones(ALPHAS.size)] * 3)  # all stable at 2.2
    assert draft.storage_check(beats)[0] == FAILS
    assert draft.storage_check(_rules())[0] == NOT_TESTED  # one budget


def test_the_claim_combines_both_parts():
    budget_run = _rules(budgets=[10, 1000], stable=_storage([0.5, 0.0]))
    good = draft.krauth_mezard_check({"rules": _rules(), "rules_budget": budget_run})
    assert good.verdict == HOLDS
    one_budget = draft.krauth_mezard_check({"rules": _rules(), "rules_budget": _rules()})
    assert one_budget.verdict == NOT_TESTED and "one budget" in one_budget.note
    wrong = draft.krauth_mezard_check(
        {"rules": _rules(margin_shift=-0.2), "rules_budget": budget_run}
    )
    assert wrong.verdict == FAILS
    no_km = _rules().assign_coords(rule=["hebb"])
    assert draft.krauth_mezard_check({"rules": no_km, "rules_budget": budget_run}).verdict == (
        UNCHECKED
    )


def test_a_grid_that_misses_covers_half_load_cannot_decide():
    low = _rules(budgets=[10, 1000], stable=_storage([0.5, 0.0])).sel(alpha=ALPHAS[:4])
    verdict, _, note = draft.storage_check(low)
    assert verdict == NOT_TESTED and "off the load grid" in note
