"""Figures of the continuous experiments: branches without gaps and visible, fixed points that
cannot hide each other, flow arrows, labels off the pulses, the dynamics filling the time axis,
energy per neuron."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    dataset,
)

from hopsim.figures import bifurcation as fig_bif
from hopsim.figures import network_ode as fig_node
from hopsim.figures import phase_portrait as fig_pp
from hopsim.figures import stimulus as fig_stim

ROOT = Path(__file__).resolve().parents[1]


def _bif():
    return dataset("experiment=bifurcation", "meanfield.N=40", "meanfield.points=51")


def test_bifurcation_branches_have_no_gaps_and_start_at_lambda_c():
    ds = _bif()
    fig = fig_bif.figure(ds)
    ax = fig.axes[0]
    colour = fig_bif.OKABE_ITO[0]
    drawn = [
        line
        for line in ax.get_lines()
        if line.get_gid() in ("stable", "unstable") and line.get_color() == colour
    ]
    xs = np.concatenate([line.get_xdata() for line in drawn])
    lam, lc = ds["lambda"].values, float(ds.lambda_c)
    # every sample of every branch is on a drawn line
    for b in range(ds.sizes["branch"]):
        finite = lam[np.isfinite(ds.v.values[:, b])]
        assert np.isin(finite, xs).all()
    # runs of one branch share end points: consecutive segments join
    for b in range(ds.sizes["branch"]):
        runs = fig_bif._segments(lam, ds.v.values[:, b], ds.stable.values[:, b].astype(bool))
        for (x0, _, _), (x1, _, _) in zip(runs[:-1], runs[1:], strict=False):
            assert x0[-1] == x1[0]
    # the outer branches grow out of (lambda_c, 0)
    starts = [(line.get_xdata()[0], line.get_ydata()[0]) for line in drawn]
    assert sum(np.isclose(x, lc) and np.isclose(y, 0.0) for x, y in starts) >= 2


def test_unstable_branch_drawn_above_the_network_markers_and_legends_off_data():
    fig = fig_bif.figure(_bif())
    ax = fig.axes[0]
    unstable = [line for line in ax.get_lines() if line.get_gid() == "unstable"]
    markers = [line for line in ax.get_lines() if line.get_gid() == "network"]
    assert unstable and markers
    assert min(line.get_zorder() for line in unstable) > max(m.get_zorder() for m in markers)
    assert sum(len(m.get_xdata()) for m in markers) <= 3 * 20  # sparse enough to see through
    assert_legends_clear(fig)


def test_small_amplitude_label_is_the_readme_formula():
    readme = (ROOT / "docs" / "continuous.md").read_text()  # the README moved its physics to docs/
    assert fig_bif.LAW_LABEL in readme
    fig = fig_bif.figure(_bif())
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert fig_bif.LAW_LABEL in labels


def test_phase_portrait_every_fixed_point_is_visible_and_flow_is_drawn():
    ds = dataset("experiment=phase_portrait")
    fig = fig_pp.figure(ds)
    ax_a, ax_b = fig.axes[:2]
    fig.canvas.draw()
    marks = [
        line for line in ax_b.get_lines() if line.get_gid() in ("fixed_stable", "fixed_unstable")
    ]
    pts = np.concatenate(
        [ax_b.transData.transform(np.column_stack([m.get_xdata(), m.get_ydata()])) for m in marks]
    )
    expected = int(np.isfinite(ds.fixed_point.values).sum())
    assert pts.shape[0] == expected
    size_px = max(m.get_markersize() for m in marks) * fig.dpi / 72
    gaps = [np.linalg.norm(p - q) for i, p in enumerate(pts) for q in pts[i + 1 :]]
    assert min(gaps) > size_px  # no marker hides another one
    for k in range(ds.sizes["lambda"]):  # arrows point where dv/dt says
        arrows = fig_pp.flow_arrows(ds.v.values, ds.dvdt.values[k], ds.fixed_point.values[k])
        for x, d in arrows:
            assert np.sign(np.interp(x, ds.v.values, ds.dvdt.values[k])) == d
    drawn = [t for t in ax_b.texts if t.get_gid() == "flow"]
    assert len(drawn) >= ds.sizes["lambda"] * 2
    assert_legends_clear(fig)


def test_stimulus_no_label_crosses_a_pulse_edge():
    ds = dataset("experiment=stimulus", "stimulus.points=201")
    fig = fig_stim.figure(ds)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    edges = np.concatenate([ds.pulse_start.values, ds.pulse_stop.values])
    for ax in fig.axes:
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            x_edges = ax.transData.transform(np.column_stack([edges, np.zeros_like(edges)]))[:, 0]
            assert not np.any((x_edges > box.x0) & (x_edges < box.x1)), text.get_text()
        leg = ax.get_legend().get_window_extent(renderer)
        assert leg.x0 >= ax.bbox.x1  # legends beside the axes, not on the pulses
    assert_legends_clear(fig)


def test_network_ode_time_axis_fits_the_dynamics_and_energy_is_per_neuron():
    ds = dataset(
        "experiment=network_ode",
        "network_ode.N=60",
        "network_ode.P=2",
        "network_ode.trials=2",
        "network_ode.points=101",
        "network_ode.t_max=60",
    )
    fig = fig_node.figure(ds)
    settle = fig_node.settle_time(ds)
    for ax in fig.axes[:3]:
        lo, hi = ax.get_xlim()
        assert settle / hi > 0.5  # the changes fill more than half the axis
    assert "of 60" in fig._suptitle.get_text()
    ax_e = fig.axes[1]
    assert "per neuron" in ax_e.get_ylabel()
    line = ax_e.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), ds.energy.values[0] / int(ds.N))
    assert re.search(r"largest rise", ax_e.get_title(loc="left"))


def test_phase_portrait_arrows_of_different_lambdas_do_not_cover_each_other():
    """The outer intervals of lambda = 1.5, 2, 3 lie on top of each other: their arrows are
    slid apart, each still on its own curve and pointing where dv/dt says."""
    ds = dataset("experiment=phase_portrait")
    fig = fig_pp.figure(ds)
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    arrows = [t for t in ax.texts if t.get_gid() == "flow"]
    boxes = [a.arrow_patch.get_window_extent(renderer) for a in arrows]
    assert len(boxes) >= 2 * ds.sizes["lambda"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), "two flow arrows cover each other"
    v = ds.v.values
    for k, placed in enumerate(fig_pp.spread_arrows(v, ds.dvdt.values, ds.fixed_point.values)):
        for x, y, d in placed:
            assert y == np.interp(x, v, ds.dvdt.values[k])
            assert np.sign(y) == d


def test_time_constant_is_named_where_time_is_in_arbitrary_units():
    """time t [a.u.] and dv/dt [1/a.u.] only mean something with tau given."""
    for fig, ds in (
        (fig_pp.figure, dataset("experiment=phase_portrait")),
        (fig_stim.figure, dataset("experiment=stimulus", "stimulus.points=201")),
    ):
        assert f"tau = {float(ds.tau):g}" in fig(ds)._suptitle.get_text()


def test_network_ode_trials_that_coincide_stay_visible():
    """Cues that retrieve alike give the same overlap and energy curves: each trial has its
    own line style in (a) and (b), so the last trial drawn cannot hide the others."""
    ds = dataset(
        "experiment=network_ode",
        "network_ode.N=60",
        "network_ode.P=2",
        "network_ode.trials=3",
        "network_ode.points=51",
    )
    fig = fig_node.figure(ds)
    for ax in fig.axes[:2]:
        trials = [ln for ln in ax.get_lines() if ln.get_label().startswith("trial")]
        assert len(trials) == ds.sizes["trial"]
        styles = [ln.get_linestyle() for ln in trials]
        assert len(set(styles)) == len(styles), styles
    assert f"tau = {float(ds.tau):g}" in fig._suptitle.get_text()
    assert_legends_clear(fig)


def test_lambda_c_label_clears_the_markers_and_the_vertical_lines_are_named():
    fig = fig_bif.figure(_bif())
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = next(t for t in ax.texts if t.get_gid() == "lambda_c").get_window_extent(renderer)
    for line in ax.get_lines():
        if line.get_gid() not in ("network", "unstable", "stable"):
            continue
        xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
        pts = ax.transData.transform(xy[np.all(np.isfinite(xy), axis=1)])
        r = line.get_markersize() * fig.dpi / 72 / 2 if line.get_marker() not in ("None", "") else 1
        near = (pts[:, 0] > box.x0 - r) & (pts[:, 0] < box.x1 + r)
        near &= (pts[:, 1] > box.y0 - r) & (pts[:, 1] < box.y1 + r)
        assert not near.any(), f"lambda_c label on {line.get_gid()}"
    labels = [line.get_label() for line in ax.get_lines()]
    assert any(lb.startswith("single neuron lambda_c") for lb in labels)
    assert any(lb.startswith("network beta_c") for lb in labels)
