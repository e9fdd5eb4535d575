"""Capacity figures: what each panel draws is the data and the analysis' numbers.

Small real runs check the layout of a run's dataset; synthetic datasets from a known law
(tests/capacity_synthetic.py, seven sizes) check the finite-size panels, which need at least
four sizes.
"""

from __future__ import annotations

import warnings

import capacity_synthetic as syn
import matplotlib.text
import numpy as np
import pytest
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    dataset,
)
from scipy.special import expit

from hopsim.analysis import capacity as cap
from hopsim.analysis import fits
from hopsim.figures import capacity as fig_cap
from hopsim.theory.capacity import ags_overlap

LOADS = "patterns.alpha=[0.05,0.1,0.15,0.2,0.25,0.3,0.4]"


def _run(*extra):
    return dataset("experiment=capacity", "network.N=[60,120]", "trials=12", *extra)


@pytest.fixture(scope="module")
def synthetic():
    return syn.dataset(np.random.default_rng(11), trials=120, noises=(0.0, 0.1))


def _draw(ds, kind=fig_cap.figure):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return kind(ds)


def _lines(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def test_panel_a_draws_every_size_distinguishably_under_the_ags_curve(synthetic):
    fig = _draw(synthetic)
    for ax in fig.axes[:2]:
        ags = _lines(ax, "ags")
        assert len(ags) == 1
        x, y = ags[0].get_xdata(), ags[0].get_ydata()
        np.testing.assert_allclose(y[:-1], ags_overlap(x[:-1]), rtol=1e-9)
        data = [
            ln for ln in ax.get_lines() if ln.get_gid() in ("mean_overlap", "retrieved_overlap")
        ]
        assert len(data) == synthetic.sizes["N"]
        assert all(ags[0].get_zorder() > ln.get_zorder() for ln in data)  # drawn on top
        styles = {(ln.get_color(), ln.get_marker()) for ln in data}
        assert len(styles) == len(data)  # every size its own colour and marker
    means = _lines(fig.axes[0], "mean_overlap")
    for line, N in zip(means, synthetic.N.values, strict=True):
        m = synthetic.overlap.sel(N=N, noise=0.0).mean("trial").dropna("alpha")
        np.testing.assert_allclose(line.get_xdata(), m.alpha.values)
        np.testing.assert_allclose(line.get_ydata(), m.values)  # noise 0 only: no averaging


def test_panel_d_draws_each_sizes_logistic_fit_through_its_crossing(synthetic):
    fig = _draw(synthetic)
    est = cap.estimate(synthetic)
    fits = _lines(fig.axes[3], "fit")
    assert len(fits) == synthetic.sizes["N"]
    for line, size in zip(fits, est.sizes, strict=True):
        x, y = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(y, expit(-(x - size.alpha_half) / size.width))
        assert np.interp(0.5, y[::-1], x[::-1]) == pytest.approx(size.alpha_half, abs=2e-4)


def test_panel_e_draws_the_laws_and_panel_f_their_residuals(synthetic):
    fig = _draw(synthetic)
    ax_fs, ax_res = fig.axes[4], fig.axes[5]
    est = cap.estimate(synthetic)
    nu = est.best.nu
    points = [ln for ln in ax_fs.get_lines() if ln.get_gid() == "alpha_half_0"]
    assert len(points) == len(est.sizes)
    for line, size in zip(points, est.sizes, strict=True):
        assert line.get_xdata()[0] == pytest.approx(size.N**-nu)
        assert line.get_ydata()[0] == pytest.approx(size.alpha_half)
    for law, fit in est.laws.items():
        (curve,) = _lines(ax_fs, f"law_0_{law}")
        x = np.asarray(curve.get_xdata())
        np.testing.assert_allclose(curve.get_ydata(), fit.predict(x ** (-1 / nu)), rtol=1e-9)
        assert f"alpha_inf = {fit.alpha_inf:.4f} +/- {fit.stderr:.4f}" in curve.get_label()
        (resid,) = _lines(ax_res, f"residual_{law}")
        used = est.used
        expected = [(s.alpha_half - fit.predict(s.N)) / s.stderr for s in used]
        np.testing.assert_allclose(resid.get_ydata(), expected, rtol=1e-9)
        assert f"{fit.chi2:.1f}/{fit.dof}" in resid.get_label()
    # the second criterion (noise 0.1) has its own points and its own fitted law
    assert len([ln for ln in ax_fs.get_lines() if ln.get_gid() == "alpha_half_1"]) == 7
    assert _lines(ax_fs, f"law_1_{cap.FREE}")
    labels = [t.get_text() for t in ax_fs.get_legend().get_texts()]
    assert any(t.startswith("RS 0.1379") for t in labels)
    assert any(t.startswith("1RSB 0.1382") for t in labels)


def test_each_estimate_appears_once_with_the_csv_digits(synthetic):
    fig = _draw(synthetic)
    table = fig_cap.tables(synthetic)[fig_cap.CSV]
    texts = [t.get_text() for t in {id(t): t for t in fig.findobj(matplotlib.text.Text)}.values()]
    first = cap.criteria(synthetic)[0].name
    # every law of the first criterion, the fitted one of the others (the rest: the CSV)
    drawn = np.isinf(table.N) & ((table.criterion == first) | (table.law == cap.FREE))
    assert drawn.sum() == 4
    for row in table[drawn].itertuples():
        number = f"alpha_inf = {row.alpha:.4f} +/- {row.stderr:.4f}"
        assert sum(number in t for t in texts) == 1, number


def test_log_axis_of_panel_c_has_no_zero_values():
    ds = _run(LOADS)
    fig = _draw(ds)
    ax_e = fig.axes[2]
    assert ax_e.get_yscale() == "log"
    zero_marks = 0
    for line in ax_e.get_lines():
        if line.get_transform() is not ax_e.transData:
            continue  # axvline: y in axes fractions
        y = np.asarray(line.get_ydata(), dtype=float)
        if line.get_gid() == "zero":
            zero_marks += y.size  # measured zeros, drawn on the lower edge and said so
            assert np.all(y == ax_e.get_ylim()[0])
        elif y.size:
            assert np.all(y[np.isfinite(y)] > 0), line.get_label()
    measured_zero = int((ds.bit_error.sel(noise=0).mean("trial") == 0).sum())
    measured_zero += int((ds.one_step_error.mean("trial") == 0).sum())
    assert zero_marks == measured_zero


def test_two_sizes_warn_that_there_is_no_extrapolation():
    ds = _run(LOADS)
    with pytest.warns(UserWarning, match="unreliable"):
        fig = fig_cap.figure(ds)
    marks = [t for t in fig.axes[4].texts if t.get_gid() == "warning"]
    assert marks and "2 usable sizes" in marks[0].get_text()
    table = fig_cap.tables(ds)[fig_cap.CSV]
    limit = table[np.isinf(table.N)]
    assert len(limit) == 2 and limit.alpha.isna().all()  # one row per criterion, no number
    assert "2 usable sizes" in limit.note.iloc[0]


def test_every_panel_gives_each_size_the_same_colour(synthetic):
    fig = _draw(synthetic)
    colour_of = {
        int(ln.get_label()[2:]): ln.get_color() for ln in _lines(fig.axes[0], "mean_overlap")
    }
    assert sorted(colour_of) == sorted(int(n) for n in synthetic.N.values)
    for line in _lines(fig.axes[3], "fit"):
        assert line.get_color() == colour_of[int(line.get_label().split(":")[0][2:])]
    nu = cap.estimate(synthetic).best.nu
    for line in _lines(fig.axes[4], "alpha_half_0"):
        N = int(round(float(line.get_xdata()[0]) ** (-1 / nu)))
        assert line.get_color() == colour_of[N]


def test_dynamics_figure_draws_the_convergence_table(synthetic):
    fig = _draw(synthetic, fig_cap.dynamics_figure)
    assert len(fig.axes) == 6  # two noise levels x (retrieved, failed, not converged)
    table = cap.convergence(synthetic, 0.0)
    lines = _lines(fig.axes[0], "retrieved_sweeps")
    assert len(lines) == synthetic.sizes["N"]
    for line, N in zip(lines, synthetic.N.values, strict=True):
        rows = table[table.N == int(N)]
        np.testing.assert_allclose(line.get_xdata(), rows.alpha)
        np.testing.assert_allclose(line.get_ydata(), rows.retrieved_median)
    for line in _lines(fig.axes[2], "not_converged"):
        assert np.all(np.asarray(line.get_ydata()) == 0)  # every synthetic trial converged


def test_histograms_count_every_trial_of_the_loads_nearest_each_crossing(synthetic):
    fig = _draw(synthetic, fig_cap.histogram_figure)
    est = cap.estimate(synthetic)
    panels = [ax for ax in fig.axes if ax.patches]
    assert len(panels) == synthetic.sizes["N"]
    for ax, size in zip(panels, est.sizes, strict=True):
        assert f"N = {size.N}" in ax.get_title()
        loads = cap.loads_near(synthetic, size.N, size.alpha_half)
        assert len(loads) == 3
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        for load, label in zip(loads, labels, strict=True):
            n = int(np.isfinite(synthetic.overlap.sel(N=size.N, alpha=load, noise=0.0)).sum())
            assert label == f"alpha = {load:.4g} ({n})"


def test_legends_cover_no_data(synthetic):
    for kind in (fig_cap.figure, fig_cap.dynamics_figure, fig_cap.histogram_figure):
        assert_legends_clear(_draw(synthetic, kind))
    assert_legends_clear(_draw(_run(LOADS)))


def test_retrieval_panel_shows_binomial_intervals():
    ds = _run(LOADS)
    fig = _draw(ds)
    assert "noise 0" in fig.axes[3].get_title(loc="left")
    measured = [c for c in fig.axes[3].containers if c.lines[0].get_gid() == "measured"]
    assert len(measured) == ds.sizes["N"]
    hits, total = cap.retrieval_counts(ds, cap.criteria(ds)[0])
    lo, hi = fits.wilson_interval(hits.sum(0), total.sum(0))
    frac = hits.sum(0) / total.sum(0)
    assert np.all((lo <= frac + 1e-12) & (frac <= hi + 1e-12)) and np.all(hi - lo > 0)


def test_wilson_interval_holds_its_fraction_at_none_and_all():
    """At 0 or every retrieval the interval's end is the fraction itself, never rounded past
    it (a negative error bar would stop the figure)."""
    total = np.arange(1, 500)
    for hits in (0 * total, total, total // 3):
        lo, hi = fits.wilson_interval(hits, total)
        p = hits / total
        assert np.all(lo <= p) and np.all(p <= hi) and np.all(lo >= 0) and np.all(hi <= 1)
    lo, hi = fits.wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])
