"""hopsim.analysis: the Wilson interval against its defining equation, and the gating numbers
(solved within a budget, fractions, the longest lag half solved, orderings, the learning-rate
pick, explosions) on small hand-made datasets."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from hopsim.analysis import gating
from hopsim.analysis.binomial import Z95, wilson_interval


@pytest.mark.parametrize("n", [1, 4, 8, 30])
def test_wilson_ends_solve_the_score_equation(n):
    """Each end p of the interval solves (k/n - p)^2 = z^2 p (1 - p) / n (Wilson 1927),
    except an end that is the observed 0 or 1 itself."""
    k = np.arange(n + 1)
    lo, hi = wilson_interval(k, np.full(n + 1, n))
    p_hat = k / n
    for ends in (lo, hi):
        inner = (ends > 0) & (ends < 1)
        p = ends[inner]
        np.testing.assert_allclose((p_hat[inner] - p) ** 2, Z95**2 * p * (1 - p) / n, rtol=1e-9)
    assert (lo <= p_hat).all() and (p_hat <= hi).all()
    assert lo[0] == 0 and hi[-1] == 1
    # 0 of n: the upper end is z^2 / (n + z^2)
    assert hi[0] == pytest.approx(Z95**2 / (n + Z95**2))


def test_wilson_is_nan_where_nothing_was_counted():
    lo, hi = wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo).all() and np.isnan(hi).all()


def _ds(steps, lags=(5, 10, 20), budgets=(100, 200)):
    steps = np.asarray(steps)
    ds = xr.Dataset(
        {"solved_step": (("variant", "lag", "seed"), steps)},
        coords={
            "variant": ["a", "b"][: steps.shape[0]],
            "lag": list(lags),
            "seed": np.arange(steps.shape[2]),
        },
    )
    ds["solved"] = gating.solved_within(ds.solved_step, budgets)
    return ds


STEPS = [
    [[25, 50, 75, 100], [100, 125, 150, -1], [-1, -1, -1, -1]],  # a
    [[25, 25, 25, 25], [25, 50, 75, 200], [175, 200, -1, -1]],  # b
]


def test_solved_within_counts_steps_up_to_the_budget_and_never_minus_one():
    ds = _ds(STEPS)
    assert ds.solved.dims == ("variant", "lag", "seed", "budget")
    np.testing.assert_array_equal(ds.solved.sel(variant="a", lag=10, budget=100), [1, 0, 0, 0])
    np.testing.assert_array_equal(ds.solved.sel(variant="a", lag=10, budget=200), [1, 1, 1, 0])
    assert int(ds.solved.sel(lag=20, variant="a").sum()) == 0


def test_solved_table_and_longest_lag_half():
    table = gating.solved_table(_ds(STEPS))
    np.testing.assert_array_equal(table.solved.sel(variant="b", budget=100), [4, 3, 0])
    np.testing.assert_array_equal(table.solved.sel(variant="b", budget=200), [4, 4, 2])
    assert (table.seeds == 4).all()
    np.testing.assert_allclose(table.fraction.sel(variant="a", budget=200), [1, 0.75, 0])
    lo, hi = wilson_interval(3, 4)
    assert float(table.lower.sel(variant="a", lag=10, budget=200)) == pytest.approx(float(lo))
    assert float(table.upper.sel(variant="a", lag=10, budget=200)) == pytest.approx(float(hi))
    longest = gating.longest_lag_half(table)
    # a: lag 10 has 1/4 in 100 steps (below half), 3/4 in 200; b: lag 20 reaches 2/4 in 200
    assert longest.sel(variant="a", budget=100) == 5 and longest.sel(variant="a", budget=200) == 10
    assert longest.sel(variant="b", budget=100) == 10 and longest.sel(variant="b", budget=200) == 20
    assert gating.longest_text(table, "a") == "5 in 100 steps, 10 in 200 steps"
    assert gating.counts_text(table, "b", 200) == "4/4 4/4 2/4"


def test_longest_lag_half_is_nan_without_any_half_solved_lag():
    table = gating.solved_table(_ds(np.full((1, 3, 4), -1)))
    assert np.isnan(gating.longest_lag_half(table)).all()
    assert gating.longest_text(table, "a") == "none in 100 steps, none in 200 steps"


def test_compare_needs_disjoint_intervals():
    eight = np.full((2, 2, 8), -1)
    eight[1, 0, :] = 25  # b 8/8 at lag 5, a 0/8: disjoint
    eight[0, 1, :5] = 25  # a 5/8 at lag 10, b 2/8: overlapping
    eight[1, 1, :2] = 25
    table = gating.solved_table(_ds(eight, lags=(5, 10)))
    o = gating.compare(table, "b", "a", 100)
    assert o.above == (5,) and o.below == () and o.lags == (5, 10)
    back = gating.compare(table, "a", "b", 100)
    assert back.above == () and back.below == (5,)


def test_choose_learning_rate_by_solved_then_steps_then_accuracy():
    dims = ("variant", "search_lr", "search_lag", "search_seed")
    steps = np.full((3, 3, 1, 2), -1)
    acc = np.full((3, 3, 1, 2), 0.2)
    steps[0, 1] = 50  # variant x: lr 0.01 solves both cells, the others none
    steps[1, 0], steps[1, 2] = 75, 25  # y: both lrs solve both cells; 0.1 in fewer steps
    acc[2, 2] = 0.6  # z: nothing solved anywhere; the highest accuracy wins
    coords = {
        "variant": ["x", "y", "z"],
        "search_lr": [0.001, 0.01, 0.1],
        "search_lag": [20],
        "search_seed": [0, 1],
    }
    chosen, scores = gating.choose_learning_rate(
        xr.DataArray(steps, dims=dims, coords=coords),
        xr.DataArray(acc, dims=dims, coords=coords),
        100,
    )
    np.testing.assert_array_equal(chosen.values, [0.01, 0.1, 0.1])
    np.testing.assert_array_equal(scores.solved.sel(variant="y"), [2, 0, 2])
    np.testing.assert_array_equal(scores.steps.sel(variant="y"), [150, 200, 50])
    # a step beyond the budget does not count as solved
    late, _ = gating.choose_learning_rate(
        xr.DataArray(np.where(steps == 50, 150, steps), dims=dims, coords=coords),
        xr.DataArray(acc, dims=dims, coords=coords),
        100,
    )
    assert float(late.sel(variant="x")) != 0.01


def test_explosion_table_counts_runs_with_an_inf_or_nan_step():
    ds = xr.Dataset(
        {"explode_nonfinite": (("clipping", "explode_seed"), [[3, 0, 9, 1], [0, 0, 0, 0]])},
        coords={"clipping": ["none", "clip"], "explode_seed": np.arange(4)},
    )
    table = gating.explosion_table(ds)
    np.testing.assert_array_equal(table.exploded, [3, 0])
    np.testing.assert_allclose(table.fraction, [0.75, 0.0])
    assert float(table.upper.sel(clipping="clip")) == pytest.approx(Z95**2 / (4 + Z95**2))


def test_init_gradient_ratio_is_far_over_near_at_initialisation():
    g = np.ones((1, 2, 3, 2, 4))
    g[..., 0, 3] = 1e-3  # init stage, distance 3
    g[..., 1, 3] = 0.5  # trained stage: ignored
    ds = xr.Dataset(
        {"grad_h": (("variant", "lag", "seed", "stage", "distance"), g)},
        coords={"variant": ["a"], "stage": ["init", "trained"], "distance": np.arange(4)},
    )
    assert float(gating.init_gradient_ratio(ds).sel(variant="a")) == pytest.approx(1e-3)
