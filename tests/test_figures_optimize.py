"""Optimize figures: each shows the dataset's own numbers (through hopsim.optimize.analysis),
the Parisi fit and line where SK has enough sizes, legends off the data."""

from __future__ import annotations

import numpy as np
import pytest
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    dataset,
)

from hopsim.figures import optimize as fig_opt
from hopsim.optimize import analysis

SK = (
    "experiment=optimize",
    "problem.N=[8,16,24,32,40]",
    "exact_max=16",
    "problem.instances=3",
    "reads=6",
    "schedule.sweeps=[5,50]",
    "trace_points=6",
)
TSP = (
    "experiment=optimize",
    "problem.kind=tsp",
    "problem.N=[5]",
    "problem.instances=2",
    "reads=6",
    "solvers=[hopfield_tank,descent]",
    "schedule.sweeps=[400]",
    "trace_points=4",
)


def _lines(fig, prefix):
    return {
        line.get_gid(): line
        for ax in fig.axes
        for line in ax.get_lines()
        if str(line.get_gid()).startswith(prefix)
    }


def test_energy_figure_draws_the_residual_of_each_size():
    ds = dataset(*SK)
    fig = fig_opt.energy_figure(ds)
    res = fig_opt.residual_trace(ds)
    first = fig.axes[0]  # the first solver
    for N in ds.N.values:
        line = next(li for li in first.get_lines() if li.get_gid() == f"residual-{N}")
        y = res.sel(solver=ds.solver.values[0], N=N).values
        drawn = line.get_ydata()
        np.testing.assert_allclose(drawn[y > 0], y[y > 0])
        assert np.all(drawn[y <= 0] < y[y > 0].min(initial=np.inf))  # zeros at the bottom
    assert_legends_clear(fig)


def test_success_figure_shows_the_success_probability_per_budget():
    ds = dataset(*SK)
    fig = fig_opt.success_figure(ds)
    p = analysis.success_probability(ds)
    ax = fig.axes[0]
    drawn = list(ax.containers)
    assert len(drawn) == 2  # the sizes with an exact answer: 8 and 16
    line = drawn[0].lines[0]
    expected = p.sel(solver=ds.solver.values[0], N=ds.N.values[0]).mean("instance").values
    np.testing.assert_allclose(line.get_ydata(), expected)
    np.testing.assert_array_equal(line.get_xdata(), ds.sweeps.values)
    assert_legends_clear(fig)


def test_residual_figure_has_the_parisi_fit_and_line():
    ds = dataset(*SK)
    fig = fig_opt.residual_figure(ds)
    assert len(fig.axes) == 3
    parisi = fig.axes[1]
    assert any(
        abs(y - analysis.PARISI_ENERGY) < 1e-12
        for li in parisi.get_lines()
        for y in np.atleast_1d(li.get_ydata())[:1]
    )
    table, fit = analysis.parisi(ds)
    assert fit is not None and list(table.N) == [16, 24, 32, 40]  # N >= FIT_MIN_N
    points = next(c for c in parisi.containers)
    np.testing.assert_allclose(
        np.asarray(points.lines[0].get_ydata(), float), table.energy.to_numpy()
    )
    assert "parisi-fit" in {li.get_gid() for li in parisi.get_lines()}
    assert_legends_clear(fig)


def test_tsp_figure_bars_are_the_tsp_table():
    ds = dataset(*TSP)
    fig = fig_opt.tsp_figure(ds)
    table = analysis.tsp_table(ds.sel(sweeps=400))
    left, right = fig.axes[:2]
    from matplotlib.container import BarContainer

    bars = [c for c in left.containers if isinstance(c, BarContainer)]
    assert len(bars) == ds.parameter_set.size
    for patch_set in bars:
        name = patch_set.get_label()
        rows = table[table.parameter_set == name].set_index("solver").loc[list(ds.solver.values)]
        heights = [bar.get_height() for bar in patch_set.patches]
        np.testing.assert_allclose(heights, rows.valid_fraction)
    random_line = next(li for li in right.get_lines() if li.get_gid() == "random-ratio")
    assert random_line.get_ydata()[0] == pytest.approx(table.random_ratio.iloc[0])
    assert_legends_clear(fig)


def test_tours_figure_draws_the_optimal_tour_through_the_cities():
    ds = dataset(*TSP)
    fig = fig_opt.tours_figure(ds)
    line = next(iter(_lines(fig, "optimal-tour").values()))
    sub = ds.isel(N=0, instance=0)
    n = int(ds.N.values[0])
    tour = sub.optimal_tour.values[:n]
    xy = sub.cities.values[:n]
    np.testing.assert_allclose(line.get_xdata(), xy[np.append(tour, tour[0]), 0])
    length = np.sum(np.linalg.norm(xy[tour] - xy[np.roll(tour, -1)], axis=1))
    assert length == pytest.approx(float(sub.optimal_length))


def test_figures_and_tables_of_each_kind():
    sk = dataset(*SK)
    assert set(fig_opt.figures(sk)) == {"optimize_energy", "optimize_success", "optimize_residual"}
    assert "optimize_parisi_fit.csv" in fig_opt.tables(sk)
    tsp = dataset(*TSP)
    assert set(fig_opt.figures(tsp)) == {"optimize_tsp", "optimize_tours"}
    assert list(fig_opt.tables(tsp)) == ["optimize_tsp.csv"]
