"""Ising and phase-diagram figures: the right exact quantity, honest titles, lines that reach
their end points and stay on the plot, legends off the data, a readable palette."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    dataset,
)

from hopsim.figures import OKABE_ITO
from hopsim.figures import ising as fig_ising
from hopsim.figures import phase_diagram as fig_pd
from hopsim.theory import ising as th

CHAIN = (
    "experiment=ising",
    "lattice.kind=chain",
    "lattice.L=[16]",
    "lattice.h=0.2",
    "mc.temperatures=[1.0,3.0]",
    "mc.sweeps=400",
    "mc.thermalize=50",
)


def _brute_abs_m(T, L, J, h):
    z = a = 0.0
    for s in itertools.product((1, -1), repeat=L):
        s = np.array(s)
        w = np.exp((J * np.sum(s * np.roll(s, 1)) + h * s.sum()) / T)
        z += w
        a += w * abs(s.mean())
    return a / z


@pytest.mark.parametrize("T, L, h", [(3.0, 8, 0.2), (1.0, 10, 0.0), (0.7, 6, -0.3)])
def test_exact_abs_magnetization_of_the_ring(T, L, h):
    assert fig_ising.chain_abs_magnetization(T, L, 1.0, h) == pytest.approx(
        _brute_abs_m(T, L, 1.0, h), rel=1e-10
    )


def test_chain_abs_m_panel_shows_exact_abs_m_not_abs_mean():
    ds = dataset(*CHAIN)
    fig = fig_ising.observables_figure(ds)
    ax = fig.axes[0]
    exact = [line for line in ax.get_lines() if line.get_gid() == "exact"]
    assert len(exact) == 1
    T, y = exact[0].get_xdata(), exact[0].get_ydata()
    at3 = float(np.interp(3.0, T, y))
    assert at3 == pytest.approx(fig_ising.chain_abs_magnetization(3.0, 16, 1.0, 0.2), abs=1e-3)
    # the README's case: <|m|> = 0.30 at T = 3, L = 16, while |<m>| = 0.13
    assert at3 == pytest.approx(0.297, abs=0.005)
    assert abs(th.chain_finite(3.0, 16, 1.0, 0.2)["magnetization"] - at3) > 0.1
    # and the simulation agrees with it
    sim = float(ds.abs_magnetization.sel(L=16, temperature=3.0))
    err = float(ds.abs_magnetization_err.sel(L=16, temperature=3.0))
    assert abs(sim - at3) < 5 * err + 0.02


def test_binder_title_claims_a_crossing_only_for_the_square_lattice():
    chain = fig_ising.binder_figure(dataset(*CHAIN))
    assert "cross" not in chain.axes[0].get_title() and "no transition" in chain.axes[0].get_title()
    square = dataset(
        "experiment=ising",
        "lattice.L=[4,8]",
        "mc.temperatures=[2.0,2.3,2.6]",
        "mc.sweeps=300",
        "mc.thermalize=50",
    )
    assert "cross at T_c" in fig_ising.binder_figure(square).axes[0].get_title()


def _phase_ds():
    return dataset(
        "experiment=hopfield_temperature",
        "network.N=[60]",
        "patterns.alpha=[0.02,0.04,0.06,0.08,0.1,0.12,0.14,0.16,0.18,0.2]",
        "mc.temperatures=[0.0,0.4,0.8,1.2]",
        "trials=1",
        "mc.sweeps=5",
        "mc.thermalize=2",
    )


def test_phase_diagram_lines_reach_their_ends_and_stay_on_the_plot():
    fig = fig_pd.figure(_phase_ds())
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.get_lines()}
    tm = lines["T_M"]
    points = set(zip(np.round(tm.get_xdata(), 3), np.round(tm.get_ydata(), 3), strict=True))
    assert (0.0, 1.0) in points and (round(th.AGS_ALPHA_C0, 3), 0.0) in points
    lo_x, hi_x = ax.get_xlim()
    lo_y, hi_y = ax.get_ylim()
    for gid in ("T_M", "T_g", "T_c"):
        x, y = lines[gid].get_xdata(), lines[gid].get_ydata()
        assert np.all((x >= lo_x) & (x <= hi_x) & (y >= lo_y) & (y <= hi_y)), gid
    labels = {t.get_text() for t in ax.texts if t.get_gid() == "phase"}
    assert {"F", "M", "SG", "P"} <= labels


def test_phase_diagram_palette_and_legends():
    ds = _phase_ds()
    fig = fig_pd.figure(ds)
    ax = next(a for a in fig.axes if a.get_title(loc="left").startswith("(b)"))
    colours = [c.lines[0].get_color() for c in ax.containers]
    assert len(colours) <= 7 and len(set(colours)) == len(colours)
    assert set(colours) <= set(OKABE_ITO)
    assert "7 of 10 loads" in ax.get_title(loc="left")
    assert_legends_clear(fig)


def test_thermodynamic_transition_line():
    alpha, temps = fig_pd.thermodynamic_boundary()
    assert (alpha[-1], temps[-1]) == (0.0, 1.0) and temps[0] == 0.0
    assert alpha[0] == pytest.approx(0.051, abs=0.003)  # AGS: 0.051 at T = 0
    inner = slice(1, -1)
    for a, t in zip(alpha[inner], temps[inner], strict=True):
        assert 0 < a < th.ags_alpha_c(float(t), xtol=1e-4)  # retrieval exists where it is global
    lines = {line.get_gid(): line for line in fig_pd.figure(_phase_ds()).axes[0].get_lines()}
    np.testing.assert_allclose(lines["T_c"].get_xdata(), alpha)


def test_exact_curves_of_different_sizes_stay_visible_where_they_coincide():
    """The chain's exact energy of L = 8 and 32 agree to the line width: each L has its own
    line style, so the second cannot hide the first; the Binder legend covers no data."""
    ds = dataset(*CHAIN[:2], "lattice.L=[8,32]", *CHAIN[3:])
    fig = fig_ising.observables_figure(ds)
    for ax in fig.axes[:4]:
        exact = [line for line in ax.get_lines() if line.get_gid() == "exact"]
        if len(exact) > 1:
            styles = [line.get_linestyle() for line in exact]
            assert len(set(styles)) == len(styles), (ax.get_title(loc="left"), styles)
    energy = [line for line in fig.axes[1].get_lines() if line.get_gid() == "exact"]
    assert len(energy) == 2
    assert np.max(np.abs(energy[0].get_ydata() - energy[1].get_ydata())) < 0.01  # they coincide
    assert_legends_clear(fig)
    assert_legends_clear(fig_ising.binder_figure(ds))


def test_phase_diagram_theory_lines_are_in_their_loads_colours_as_the_legend_says():
    ds = _phase_ds()
    fig = fig_pd.figure(ds)
    ax = next(a for a in fig.axes if a.get_title(loc="left").startswith("(b)"))
    marker_colours = [c.lines[0].get_color() for c in ax.containers]
    theory = [
        line
        for line in ax.get_lines()
        if line.get_linestyle() == "-" and len(line.get_xdata()) > len(ds.temperature)
    ]
    assert [line.get_color() for line in theory] == marker_colours
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert any("AGS" in lb and "load's colour" in lb for lb in labels)
    assert "dynamics" in next(
        a for a in fig.axes if a.get_title(loc="left").startswith("(a)")
    ).get_title(loc="left")


def test_chain_binder_figure_draws_each_sizes_exact_curve():
    """ising_chain (issue 18): the Binder panel had no exact curves; now each L's exact U4
    of the ring (from its magnetization distribution) is drawn, in that L's colour, and
    the observables figure's U4 and chi panels carry them too."""
    ds = dataset(*CHAIN[:2], "lattice.L=[8,16]", *CHAIN[3:])
    fig = fig_ising.binder_figure(ds)
    ax = fig.axes[0]
    exact = [ln for ln in ax.get_lines() if ln.get_gid() == "exact"]
    assert len(exact) == ds.L.size
    for line, L in zip(exact, ds.L.values, strict=True):
        assert line.get_label() == f"exact L = {int(L)}"
        T, y = line.get_xdata(), line.get_ydata()
        assert T.min() == ds.temperature.min() and T.max() == ds.temperature.max()
        for t in ds.temperature.values:
            assert float(np.interp(t, T, y)) == pytest.approx(
                th.chain_binder(float(t), int(L), 1.0, 0.2), abs=2e-3
            )
    colours = {ln.get_color() for ln in exact}
    assert len(colours) == ds.L.size
    obs = fig_ising.observables_figure(ds)
    for k in (3, 4):  # (d) chi, (e) U4
        assert len([ln for ln in obs.axes[k].get_lines() if ln.get_gid() == "exact"]) == 2


def test_autocorrelation_times_are_drawn_in_sweeps():
    """The stored tau_* (in measurements, one every mc.interval sweeps) drawn against T in
    sweeps for every L; on the square lattice their growth at T_c against L^z."""
    ds = dataset(
        "experiment=ising",
        "lattice.L=[4,8]",
        "mc.temperatures=[2.0,2.27,2.6]",
        "mc.sweeps=600",
        "mc.interval=2",
        "mc.thermalize=50",
    )
    fig = fig_ising.autocorrelation_figure(ds)
    assert "ising_autocorrelation" in fig_ising.figures(ds)
    for ax, name in zip(fig.axes[:2], fig_ising.TAU_NAMES, strict=True):
        assert ax.get_ylabel().endswith("[sweeps]") and ax.get_yscale() == "log"
        for L in ds.L.values:
            (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == f"{name}:{int(L)}"]
            np.testing.assert_allclose(line.get_xdata(), ds.temperature.values)
            np.testing.assert_allclose(line.get_ydata(), 2 * ds[name].sel(L=L).values)
        (few,) = [ln for ln in ax.get_lines() if ln.get_gid() == "few_samples"]
        assert few.get_ydata()[0] == pytest.approx(600 / 100)
    scaling = fig.axes[2]
    assert "2.27" in scaling.get_title(loc="left")
    for name in fig_ising.TAU_NAMES:
        (pts,) = [ln for ln in scaling.get_lines() if ln.get_gid() == f"scaling:{name}"]
        np.testing.assert_allclose(pts.get_ydata(), 2 * ds[name].sel(temperature=2.27).values)
        (guide,) = [ln for ln in scaling.get_lines() if ln.get_gid() == f"guide:{name}"]
        x, y = guide.get_xdata(), guide.get_ydata()
        slope = np.log(y[-1] / y[0]) / np.log(x[-1] / x[0])
        assert slope == pytest.approx(fig_ising.Z_SINGLE_SPIN)
        assert y[-1] == pytest.approx(pts.get_ydata()[-1])  # through the largest L
    assert_legends_clear(fig)
    # the chain has no transition: no scaling panel
    chain = fig_ising.autocorrelation_figure(dataset(*CHAIN))
    assert not any(ax.get_title(loc="left").startswith("(c)") for ax in chain.axes)
