"""Capacity figure: the logistic fits are drawn, the log axis has no zeros, the alpha_c
estimate is one number shared with the CSV, and an estimate the data cannot support warns."""

from __future__ import annotations

import warnings

import matplotlib.text
import numpy as np
import pytest
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    dataset,
)
from scipy.special import expit

from hopsim.figures import capacity as fig_cap

LOADS = "patterns.alpha=[0.05,0.1,0.15,0.2,0.25,0.3,0.4]"


def _ds(*extra):
    return dataset("experiment=capacity", "network.N=[60,120]", "trials=12", *extra)


def _draw(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fig_cap.figure(ds)


def test_panel_c_draws_a_logistic_fit_per_size_through_its_crossing():
    ds = _ds(LOADS)
    fig = _draw(ds)
    ax_p = fig.axes[2]
    table = fig_cap.finite_size_estimate(ds)
    fits = [line for line in ax_p.get_lines() if line.get_gid() == "fit"]
    assert len(fits) == ds.sizes["N"]
    for line, (_, row) in zip(fits, table[np.isfinite(table.N)].iterrows(), strict=True):
        x, y = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(y, expit(-(x - row.alpha_half) / row.width))
        assert np.interp(0.5, y[::-1], x[::-1]) == pytest.approx(row.alpha_half, abs=2e-3)


def test_log_axis_of_panel_b_has_no_zero_values():
    ds = _ds(LOADS)
    fig = _draw(ds)
    ax_e = fig.axes[1]
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


def test_estimate_appears_once_with_the_csv_digits():
    ds = _ds(LOADS)
    fig = _draw(ds)
    table = fig_cap.tables(ds)[fig_cap.CSV]
    est = table.iloc[-1]
    number = f"{est.alpha_half:.3f} +/- {est.stderr:.3f}"
    found = {id(t): t for t in fig.findobj(matplotlib.text.Text)}
    texts = [t.get_text() for t in found.values()]
    texts = [t for t in texts if "+/-" in t and "alpha_c =" in t]
    assert len(texts) == 1 and number in texts[0]
    assert number in fig_cap.estimate_text(table)


def test_two_loads_warn_that_the_estimate_is_unreliable(tmp_path):
    ds = _ds("patterns.alpha=[0.1,0.2]")
    with pytest.warns(UserWarning, match="unreliable"):
        fig = fig_cap.figure(ds)
    table = fig_cap.finite_size_estimate(ds)
    assert not table.attrs["reliable"] and "only 2 loads" in table.iloc[-1].note
    marks = [t for t in fig.axes[3].texts if t.get_gid() == "warning"]
    assert marks and "unreliable" in marks[0].get_text()


def test_legends_cover_no_data():
    assert_legends_clear(_draw(_ds(LOADS)))


def test_every_panel_gives_each_size_the_same_colour():
    """(d) colours each N as (a)-(c) do; the extrapolation, which is no size, is black."""
    ds = _ds(LOADS)
    fig = _draw(ds)
    ax_m, _, ax_p, ax_fs = fig.axes[:4]
    colour_of = {}
    for line in ax_m.get_lines():
        label = line.get_label()
        if label.startswith("N="):
            colour_of.setdefault(int(label.split(",")[0][2:]), line.get_color())
    assert sorted(colour_of) == sorted(int(n) for n in ds.N.values)
    points = [ln for ln in ax_fs.get_lines() if ln.get_gid() == "alpha_half"]
    assert len(points) == ds.sizes["N"]
    for line in points:
        N = int(round(1 / float(line.get_xdata()[0]) ** 2))
        assert line.get_color() == colour_of[N]
    extrapolated = [ln for ln in ax_fs.get_lines() if ln.get_gid() == "extrapolated"]
    assert extrapolated and extrapolated[0].get_color() not in colour_of.values()
    for line in ax_p.get_lines():
        if line.get_gid() == "fit":
            assert line.get_color() == colour_of[int(line.get_label().split(":")[0][2:])]


def test_retrieval_panels_name_the_cue_noise_and_show_binomial_intervals():
    ds = _ds(LOADS)
    fig = _draw(ds)
    noise = f"cue noise {float(ds.noise.min()):g}"
    for ax in (fig.axes[2], fig.axes[3]):
        assert noise in ax.get_title(loc="left")
    hits, total = fig_cap._retrieval(ds, 0.9)
    lo, hi = fig_cap.wilson_interval(hits.values, total.values)
    frac = (hits / total).values
    assert np.all((lo <= frac + 1e-12) & (frac <= hi + 1e-12))
    assert np.all((lo >= 0) & (hi <= 1)) and np.all(hi - lo > 0)
    measured = [c for c in fig.axes[2].containers if c.lines[0].get_gid() == "measured"]
    assert len(measured) == ds.sizes["N"]


def test_wilson_interval_holds_its_fraction_at_none_and_all():
    """At 0 or every retrieval the interval's end is the fraction itself, never rounded past
    it (a negative error bar would stop the figure)."""
    total = np.arange(1, 500)
    for hits in (0 * total, total, total // 3):
        lo, hi = fig_cap.wilson_interval(hits, total)
        p = hits / total
        assert np.all(lo <= p) and np.all(p <= hi) and np.all(lo >= 0) and np.all(hi <= 1)
    lo, hi = fig_cap.wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])
