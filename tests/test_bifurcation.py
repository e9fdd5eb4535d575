"""Fixed points, stability, pitchfork and folds against closed forms and independent solves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import fsolve

from hopsim import bifurcation as bif
from hopsim.dynamics.continuous import ACTIVATIONS, Activation
from hopsim.learning import hebb
from hopsim.patterns import random_patterns
from hopsim.rng import SeedTree
from hopsim.theory.continuous import (
    fold_points_tanh,
    meanfield_overlap,
    small_amplitude_branch,
    tanh_fixed_point,
)


def _independent_root(lam: float) -> float:
    """Positive root of v = tanh(lambda v) by bisection (no scipy, no hopsim)."""
    hi = 1.0
    # v - tanh(lam v) < 0 just above 0 for lam > 1, > 0 at 1
    lo = min(1e-3, math.sqrt(3 * (lam - 1)) / lam * 1e-2)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid - math.tanh(lam * mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("lam", [1.01, 1.2, 1.5, 2.0, 3.0, 7.5])
def test_branches_match_roots_of_v_eq_tanh_lambda_v(lam):
    d = bif.diagram(lam, 0.0)
    root = _independent_root(lam)
    lower, middle, upper = d.v[0]
    assert upper == pytest.approx(root, abs=1e-8)
    assert lower == pytest.approx(-root, abs=1e-8)
    assert middle == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_array_equal(d.stable[0], [1, 0, 1])
    assert d.count[0] == 3
    # eigenvalue of the outer branches: -1 + lambda (1 - v*^2)
    assert d.eigenvalue[0, 2] == pytest.approx(-1 + lam * (1 - root**2), abs=1e-8)


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.99, 1.0])
def test_one_fixed_point_below_the_pitchfork(lam):
    d = bif.diagram(lam, 0.0)
    assert d.count[0] == 1
    assert np.isnan(d.v[0, 0]) and np.isnan(d.v[0, 2]) and d.v[0, 1] == 0.0
    assert d.stable[0, 1] == 1  # at lambda = 1 it is marginal but attracting (supercritical)


def test_small_amplitude_law_near_the_pitchfork():
    # v* = sqrt(3 (lambda - 1)) (1 + O(lambda - 1)): the relative error shrinks linearly
    eps = np.array([1e-2, 1e-3, 1e-4, 1e-5, 1e-6])
    upper = np.array([bif.fixed_points(1 + e)[-1] for e in eps])
    rel = np.abs(upper / np.sqrt(3 * eps) - 1)
    assert np.all(rel < 2 * eps)  # the next-order correction is -(3/5 + ...) * eps ~ eps
    assert np.all(np.diff(rel) < 0)
    # the theory helper includes the 1/lambda factor, which is the same at this order
    assert np.all(np.abs(upper / small_amplitude_branch(1 + eps) - 1) < 3 * eps)


@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_pitchfork_located_on_the_grid_and_refined(gain):
    F = Activation("tanh", gain)
    lams = np.linspace(0.05, 3.0, 57)  # spacing 0.0527, 1/gain not on the grid
    spacing = lams[1] - lams[0]
    d = bif.diagram(lams, 0.0, activation=F)
    fork = bif.pitchfork(lams, d.count, F)
    exact = 1.0 / gain
    assert fork.bracket[0] < exact <= fork.bracket[1]
    assert abs(fork.lam_grid - exact) <= spacing
    assert abs(fork.lam - exact) < 1e-6
    assert abs(fork.lam - exact) < 1e-12  # in fact refined to the solver's tolerance


def test_fold_points_for_lambda_2():
    lam = 2.0
    closed = math.sqrt(lam * (lam - 1)) - math.acosh(math.sqrt(lam))  # = 0.532839975...
    h_fold, v_fold = bif.fold_points(lam)
    assert h_fold[0] == pytest.approx(closed, abs=1e-12)
    assert fold_points_tanh(lam)[0] == pytest.approx(closed, abs=1e-12)
    assert v_fold[0] == pytest.approx(math.sqrt(1 - 1 / lam), abs=1e-12)

    # independent: solve g = 0 and g' = 0 for (v, h) with fsolve from a rough guess
    def system(x):
        v, h = x
        return [math.tanh(h + lam * v) - v, lam * (1 - math.tanh(h + lam * v) ** 2) - 1]

    v_ind, h_ind = fsolve(system, [0.6, -0.4], xtol=1e-14)
    assert h_ind == pytest.approx(-closed, abs=1e-10)
    assert v_ind == pytest.approx(v_fold[0], abs=1e-8)
    # and the number of fixed points drops from 3 to 1 across the fold
    assert bif.fixed_points(lam, closed - 1e-6).size == 3
    assert bif.fixed_points(lam, closed + 1e-6).size == 1
    assert bif.fixed_points(lam, -closed + 1e-6).size == 3


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_fold_points_of_every_activation_bound_the_bistable_window(name):
    F = Activation(name, 1.3)
    for lam in (1.0, 2.0, 4.0):
        hf = bif.fold_points(lam, F)[0][0]
        assert bif.fixed_points(lam, hf * (1 - 1e-6), F).size == 3
        assert bif.fixed_points(lam, hf * (1 + 1e-6), F).size == 1
        assert bif.fixed_points(lam, -hf * (1 + 1e-6), F).size == 1


def test_double_root_exactly_at_the_fold_is_found():
    lam = 2.0
    hf, vf = (x[0] for x in bif.fold_points(lam))
    roots = bif.fixed_points(lam, -hf)
    assert roots.size == 2
    assert np.min(np.abs(roots - vf)) < 1e-7


def test_imperfect_pitchfork_branch_assignment():
    # h > 0: the single fixed point at small lambda continues into the upper branch
    d = bif.diagram(np.array([0.5, 3.0]), 0.1)
    assert np.isfinite(d.v[0, 2]) and np.isnan(d.v[0, [0, 1]]).all()
    assert np.isfinite(d.v[1]).all() and d.v[1, 0] < d.v[1, 1] < d.v[1, 2]


def test_network_continuation_follows_meanfield_pitchfork():
    # one pattern: W xi = (1 - 1/N) xi, so v = m xi with m = tanh(beta (1 - 1/N) m) exactly
    N = 50
    xi = random_patterns(SeedTree(1).generator("patterns", N, 1), 1, N)
    W = hebb(xi)
    betas = np.linspace(3.0, 0.5, 26)
    branch = bif.continue_in_gain(W, betas, 0.99 * xi[0])
    m = branch.v @ xi[0] / N
    expected = meanfield_overlap(betas * (1 - 1 / N))
    np.testing.assert_allclose(m, expected, atol=1e-8)
    beta_c = N / (N - 1)
    above = betas > beta_c
    assert np.all(branch.max_eigenvalue[above] < 0)  # retrieval states are stable
    assert np.all(np.abs(m[~above]) < 1e-6)
    assert branch.converged[above].all()
    # the trivial state's top eigenvalue crosses 0 at beta_c = 1/lambda_max(W)
    assert 1 / np.linalg.eigvalsh(W)[-1] == pytest.approx(beta_c, rel=1e-12)


def test_diagram_over_1000_lambdas_is_consistent_with_theory():
    lams = np.linspace(0.0, 3.0, 1000)
    d = bif.diagram(lams, 0.0)
    above = lams > 1.0
    expected = np.array([tanh_fixed_point(x) for x in lams[above]])
    np.testing.assert_allclose(d.v[above, 2], expected, atol=1e-8)
    assert np.all(d.count[~above] == 1) and np.all(d.count[above] == 3)
