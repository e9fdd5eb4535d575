"""Figures of rules, dense_capacity and modern: what each panel draws is the dataset's values
(no level averaged), the theory lines are where theory puts them, legends cover no data,
and ``ds.hopsim.plot()``, ``hopsim-plot`` and the analysis wrappers draw them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib.figure
import numpy as np
import pytest
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    dataset,
    run,
)

import hopsim  # noqa: F401  (registers ds.hopsim)
from hopsim import figures
from hopsim.analysis.rules import basin_radius, capacity_law, exact_capacity
from hopsim.figures import dense_capacity as fig_dense
from hopsim.figures import modern as fig_modern
from hopsim.figures import rules as fig_rules
from hopsim.figures._common import tick_label
from hopsim.figures.cli import main as hopsim_plot
from hopsim.theory import dense as theory

ROOT = Path(__file__).resolve().parents[1]
RULES = (
    "experiment=rules",
    "network.N=[30,50]",
    "patterns.alpha=[0.05,0.2,0.6,1.2]",
    "corruption.level=[0,0.1,0.2]",
    "trials=2",
    "rules.cues=3",
)
DENSE = (
    "experiment=dense_capacity",
    "dense_capacity.energies=[poly2,poly3,exp]",
    "dense_capacity.N=[20,40]",
    "dense_capacity.N_exp=[8,10]",
    "dense_capacity.factors=[0.5,1,2,4]",
    "dense_capacity.factors_exp=[0.25,1,4,16]",
    "dense_capacity.networks=2",
    "dense_capacity.checks=32",
    "dense_capacity.trials=4",
)
MODERN = (
    "experiment=modern",
    "modern.P=[64,128]",
    "modern.betas=[0.5,16,256]",
    "modern.queries=8",
    "modern.members=16",
    "images.side=8",
)


def _title(ax) -> str:
    return ax.get_title(loc="left") + ax.get_title()


def _data_lines(ax, prefix: str) -> dict[str, np.ndarray]:
    return {
        line.get_gid(): np.asarray(line.get_ydata(), dtype=float)
        for line in ax.get_lines()
        if str(line.get_gid()).startswith(prefix)
    }


# --- rules --------------------------------------------------------------------------------


def test_rules_rows_are_the_dataset_at_one_noise_level_with_theory_lines():
    ds = dataset(*RULES)
    fig = fig_rules.figure(ds)
    axes = np.array(fig.axes).reshape(4, ds.sizes["N"])
    level = 0.1  # nearest 0.1, never an average over the levels
    for col, N in enumerate(ds.N.values):
        expected = (
            ds.stable_fraction.mean("trial"),
            ds.overlap.sel(noise=level).mean("trial"),
            basin_radius(ds),
            ds.margin.mean("trial"),
        )
        for row in range(4):
            ax = axes[row, col]
            lines = _data_lines(ax, "data:")
            assert set(lines) == {f"data:{r}" for r in ds.rule.values}
            for rule in ds.rule.values:
                np.testing.assert_allclose(
                    lines[f"data:{rule}"], expected[row].sel(rule=rule, N=N).values
                )
            assert _title(ax).startswith(f"({'abcd'[row]}{col + 1}) N = {int(N)}")
            assert ax.get_xscale() == "log"
        exact = {
            round(float(ln.get_xdata()[0]), 6)
            for ln in axes[0, col].get_lines()
            if ln.get_gid() == "exact"
        }
        assert exact == {round(float(v), 6) for v in ds.alpha_exact_theory.sel(N=N).values}
        retrieval = {
            round(float(ln.get_xdata()[0]), 6)
            for ln in axes[1, col].get_lines()
            if ln.get_gid() == "retrieval"
        }
        finite = ds.alpha_retrieval_theory.sel(N=N).values
        assert retrieval == {round(float(v), 6) for v in finite[np.isfinite(finite)]}
        (gardner,) = [ln for ln in axes[3, col].get_lines() if ln.get_gid() == "theory"]
        np.testing.assert_allclose(gardner.get_ydata(), ds.margin_theory.sel(N=N).values)
    assert "noise 0.1" in axes[1, 0].get_ylabel()
    assert axes[3, 0].get_xlabel() == "load P/N"
    colours = {
        ln.get_color() for ln in axes[0, 0].get_lines() if str(ln.get_gid()).startswith("data:")
    }
    assert colours <= set(figures.OKABE_ITO)
    assert_legends_clear(fig)


def test_rules_noise_is_chosen_by_option_fix_or_wrapper_and_a_missing_level_is_refused(tmp_path):
    ds = dataset(*RULES)
    for fig in (ds.hopsim.plot(noise=0.2), ds.hopsim.plot(fix={"noise": 0.2})):
        ax = fig.axes[ds.sizes["N"]]  # (b1)
        lines = _data_lines(ax, "data:")
        np.testing.assert_allclose(
            lines["data:hebb"],
            ds.overlap.sel(noise=0.2, N=ds.N.values[0], rule="hebb").mean("trial").values,
        )
        assert "noise 0.2" in _title(ax)
    with pytest.raises(figures.FigureError, match="--noise 0.33"):
        ds.hopsim.plot(noise=0.33)
    folder = run(*RULES)
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "analysis" / "rules.py"),
            str(folder),
            "--noise",
            "0.2",
            "--out",
            str(tmp_path),
            "--format",
            "png",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rules.png").stat().st_size > 0
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "analysis" / "rules.py"),
            str(folder),
            "--noise",
            "0.33",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_basin_radius_counts_a_network_that_recalls_nothing_as_the_worst():
    """The median network is one network's value (the lower median), NaN (recalls not even
    the stored pattern) ranked below every radius, not skipped."""
    import xarray as xr

    trials = [[np.nan, 0.1, 0.2], [np.nan, np.nan, 0.2], [0.3, 0.1, 0.2]]
    ds = xr.Dataset(
        {"basin_noise": (("alpha", "trial"), np.array(trials))},
        coords={"alpha": [0.1, 0.2, 0.3], "trial": [0, 1, 2]},
    )
    np.testing.assert_array_equal(basin_radius(ds).values, [0.1, np.nan, 0.2])
    even = ds.isel(trial=[1, 2], alpha=[2])  # two networks: 0.1 and 0.2, the lower one
    np.testing.assert_array_equal(basin_radius(even).values, [0.1])


def test_exact_capacity_is_bracketed_by_the_load_grid_and_the_claims_read_it():
    from hopsim.gallery.claims.rules import _rule_capacity

    ds = dataset(*RULES)
    cap = exact_capacity(ds)
    grid = np.sort(ds.alpha.values)  # 0.05, 0.2, 0.6, 1.2
    for rule in ds.rule.values:
        for N in ds.N.values:
            c = cap.sel(rule=rule, N=N)
            a = float(ds.exact_capacity.sel(rule=rule, N=N))
            if np.isfinite(a):
                k = int(np.flatnonzero(np.isclose(grid, a))[0])
                assert float(c.alpha_next) == (grid[k + 1] if k + 1 < grid.size else np.inf)
                assert float(c.alpha_prev) == (grid[k - 1] if k else 0.0)
                assert float(c.patterns) == float(ds.P.sel(N=N, alpha=a))
            else:
                assert float(c.alpha_next) == grid[0]
        rows = _rule_capacity(ds, str(rule))  # the claims read the same numbers
        assert [r[1] for r in rows] == pytest.approx(cap.alpha.sel(rule=rule).values, nan_ok=True)
        assert [r[3] for r in rows] == list(cap.alpha_next.sel(rule=rule).values)


def test_rules_basins_draws_every_size_of_every_rule_told_apart():
    ds = dataset(*RULES)
    fig = fig_rules.figures(ds)["rules_basins"]
    basin = basin_radius(ds)
    styles = fig_rules.rule_styles(ds.rule.values)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == ds.sizes["rule"]
    for k, (ax, rule) in enumerate(zip(panels, ds.rule.values, strict=True)):
        assert _title(ax).startswith(f"({'abcde'[k]}) {str(rule).replace('_', ' ')}")
        lines = {ln.get_gid(): ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("b")}
        assert set(lines) == {f"basin:{rule}:{int(N)}" for N in ds.N.values}
        looks = set()
        for N in ds.N.values:
            line = lines[f"basin:{rule}:{int(N)}"]
            np.testing.assert_array_equal(line.get_ydata(), basin.sel(rule=rule, N=N).values)
            assert line.get_color() == styles[str(rule)][0]  # the rule's colour, as in rules
            looks.add((line.get_linestyle(), line.get_marker(), line.get_markersize()))
        assert len(looks) == ds.sizes["N"]  # coinciding sizes stay told apart
        exact = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_gid() == "exact"]
        assert exact == [float(ds.alpha_exact_theory.sel(rule=rule, N=ds.N.max()))]
    assert "load P/N" in panels[-1].get_xlabel()
    assert "[fraction of bits flipped]" in panels[0].get_ylabel()
    assert_legends_clear(fig)


def test_rules_capacity_draws_the_measured_capacity_and_each_rules_law():
    ds = dataset(*RULES)
    fig = fig_rules.figures(ds)["rules_capacity"]
    (ax,) = fig.axes
    cap = exact_capacity(ds)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() == "N [neurons]" and "[patterns]" in ax.get_ylabel()
    lines = {ln.get_gid(): ln for ln in ax.get_lines()}
    looks = set()
    for rule in ds.rule.values:
        measured = cap.patterns.sel(rule=rule).values
        points = lines.get(f"capacity:{rule}")
        drawn = np.asarray(points.get_ydata() if points is not None else [], dtype=float)
        np.testing.assert_allclose(drawn, measured[np.isfinite(measured)])
        law = lines[f"law:{rule}"]
        np.testing.assert_allclose(law.get_ydata(), capacity_law(str(rule), law.get_xdata()))
        # the law is the rule's: at the run's N it is the dataset's theory load times N
        np.testing.assert_allclose(
            capacity_law(str(rule), ds.N.values),
            ds.alpha_exact_theory.sel(rule=rule).values * ds.N.values,
        )
        if points is not None:
            looks.add((points.get_color(), points.get_marker(), str(points.get_mfc())))
    assert len(looks) == len([r for r in ds.rule.values if f"capacity:{r}" in lines])
    # Hebb and covariance share N/(4 ln N): their laws interleave dashes, neither hides
    hebb, cov = lines["law:hebb"], lines["law:covariance"]
    assert hebb.get_linestyle() == "-" and cov.get_linestyle() != "-"
    assert "finite:hebb" in lines
    assert_legends_clear(fig)
    # one rule alone sits on its N; one cue noise level has no basin radius to draw
    one = fig_rules.figures(ds.sel(rule=["storkey"]).isel(noise=[0]))
    assert set(one) == {"rules", "rules_capacity"}
    (points,) = [
        ln for ln in one["rules_capacity"].axes[0].get_lines() if ln.get_gid() == "capacity:storkey"
    ]
    finite = np.isfinite(cap.patterns.sel(rule="storkey").values)
    np.testing.assert_allclose(np.asarray(points.get_xdata(), float), ds.N.values[finite])


# --- dense_capacity -----------------------------------------------------------------------


def test_dense_capacity_panels_plot_the_fractions_and_the_laws():
    ds = dataset(*DENSE)
    fig = fig_dense.figure(ds)
    names = [str(e) for e in ds.energy.values]
    for j, name in enumerate(names):
        ax = fig.axes[j]
        assert _title(ax).startswith(f"({'abcd'[j]}) {name}")
        fixed = _data_lines(ax, "fixed:")
        every = _data_lines(ax, "all:")
        sizes = fig_dense._ran(ds, name)
        assert set(fixed) == {f"fixed:{int(N)}" for N in sizes}
        for N in sizes:
            cell = ds.sel(energy=name, N=N)
            np.testing.assert_allclose(
                fixed[f"fixed:{int(N)}"], cell.fixed_fraction.mean("network")
            )
            np.testing.assert_allclose(every[f"all:{int(N)}"], cell.all_fixed.mean("network"))
    growth = fig_dense.figure(ds, kind="growth")
    ax_poly, _, ax_exp, ax_rec = growth.axes[:4]
    assert _title(ax_poly).startswith(f"({'abcdefg'[len(names)]})")  # letters continue
    assert ax_poly.get_xscale() == ax_poly.get_yscale() == "log"
    assert ax_poly.get_xlabel() == "N (neurons)" and ax_poly.get_ylabel() == "capacity P (patterns)"
    for n, name in ((2, "poly2"), (3, "poly3")):  # the Krotov-Hopfield law of each degree
        law = [
            ln
            for ln in ax_poly.get_lines()
            if len(ln.get_xdata()) == 50
            and ln.get_linestyle() == "-"
            and np.allclose(ln.get_ydata(), theory.krotov_hopfield(ln.get_xdata(), n))
        ]
        assert len(law) == 1, name
    exp_law = [ln for ln in ax_exp.get_lines() if "Demircigil" in str(ln.get_label())]
    assert len(exp_law) == 1
    np.testing.assert_allclose(
        exp_law[0].get_ydata(), theory.exponential_capacity(exp_law[0].get_xdata())
    )
    assert "guaranteed" in exp_law[0].get_label()
    recall = _data_lines(ax_rec, "recall:")
    for name in names:
        N = max(fig_dense._ran(ds, name))
        np.testing.assert_allclose(
            recall[f"recall:{name}"], ds.overlap.sel(energy=name, N=N).mean("trial")
        )
    assert "0.1 of the bits" in _title(ax_rec)
    # load ticks are powers of two, fractions below one (1/4, not 0.25)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "1" in ticks and all(t.startswith("1/") for t in ticks[: ticks.index("1")])
    assert [tick_label(v) for v in (0.0625, 0.5, 1.0, 64.0, 0.3)] == [
        "1/16",
        "1/2",
        "1",
        "64",
        "0.3",
    ]
    assert_legends_clear(fig)
    assert_legends_clear(growth)


def _text_sizes(fig) -> list[tuple[str, float]]:
    """(text, size in points) of every visible, non-empty text of the figure."""
    from matplotlib.text import Text

    fig.canvas.draw()
    return [
        (t.get_text(), t.get_fontsize())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


def test_dense_capacity_figures_have_few_panels_and_readable_text():
    """Issue 18: seven panels in one 16-inch figure had text of ~5 px on the page. Now two
    figures of at most four panels, 12 inches wide at most, every text at 9 pt or more."""
    ds = dataset(*DENSE)
    figs = fig_dense.figures(ds)
    assert set(figs) == {"dense_capacity", "dense_capacity_growth"} == set(fig_dense.STEMS)
    for stem, fig in figs.items():
        panels = [ax for ax in fig.axes if ax.axison]
        assert len(panels) <= 4, stem
        assert fig.get_figwidth() <= 12, stem
        small = [(t, s) for t, s in _text_sizes(fig) if s < fig_dense.FONT]
        assert not small, (stem, small[:5])
    # every energy's panel is in the first figure, lettered in order
    titles = [_title(ax) for ax in figs["dense_capacity"].axes if ax.axison]
    assert [t[:3] for t in titles] == [f"({c})" for c in "abcd"[: ds.sizes["energy"]]]
    # one colour per energy in (e) to (g): exp's markers in (f) take exp's colour of (g)
    growth = figs["dense_capacity_growth"]
    (exp_line,) = [ln for ln in growth.axes[3].get_lines() if ln.get_gid() == "recall:exp"]
    per_pattern = [
        ln for ln in growth.axes[2].get_lines() if ln.get_label() == "measured, per pattern"
    ]
    assert per_pattern[0].get_color() == exp_line.get_color()


def test_dense_capacity_table_and_wrapper(tmp_path):
    ds = dataset(*DENSE)
    table = figures.tables(ds)["dense_capacity.csv"]
    assert set(table.energy) == {"poly2", "poly3", "exp"}
    assert set(table.attrs["slopes"]) == {"poly2", "poly3", "exp"}
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "analysis" / "dense_capacity.py"),
            str(run(*DENSE)),
            "--out",
            str(tmp_path),
            "--format",
            "png",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "poly2 (per pattern): log-log slope over N=20..40" in proc.stdout
    assert {p.name for p in tmp_path.iterdir()} == {
        "dense_capacity.png",
        "dense_capacity_growth.png",
        "dense_capacity.csv",
    }


# --- modern -------------------------------------------------------------------------------


def test_modern_regimes_errors_and_bound_are_the_dataset():
    ds = dataset(*MODERN)
    fig = fig_modern.figure(ds)
    kinds = [str(k) for k in ds.kind.values]
    axes = np.array(fig.axes).reshape(3, len(kinds) + 1)
    for j, kind in enumerate(kinds):
        sel = ds.sel(kind=kind)
        regimes = _data_lines(axes[0, j], "regime:")
        for P in ds.P.values:
            for code, regime in enumerate(fig_modern.REGIMES):
                np.testing.assert_allclose(
                    regimes[f"regime:{regime}:{int(P)}"],
                    (sel.regime.sel(P=P) == code).mean("query"),
                )
            errors = _data_lines(axes[2, j], "error:")
            np.testing.assert_allclose(
                errors[f"error:{int(P)}"],
                np.maximum(sel.error.sel(P=P).median("query"), fig_modern.FLOOR),
            )
        theory_x = {
            round(float(ln.get_xdata()[0]), 9)
            for ln in axes[0, j].get_lines()
            if ln.get_gid() == "theory_beta"
        }
        assert round(float(sel.beta_global.min()), 9) in theory_x
        for row in range(3):
            assert _title(axes[row, j]).startswith(f"({'ab'[j]}{row + 1}) {kind}")
        assert "0 drawn at 1e-16" in axes[2, j].get_ylabel()
    bound_panel = axes[2, -1]
    assert _title(bound_panel).startswith("(c) ")  # the letter after the kinds' columns
    points = _data_lines(bound_panel, "bound_check:")
    assert sum(v.size for v in points.values()) == int(
        (np.isfinite(ds.bound) & np.isfinite(ds.one_step_error)).sum()
    )
    assert_legends_clear(fig)


def test_modern_colours_have_one_meaning_each():
    """Issue 18: blue meant "single" in row (1) and "at the fixed point" in row (3). Now every
    colour of the figure stands for one thing: the three regimes, "at the fixed point" (rows
    2 and 3), "after one update" (row 3 and the bound check), the bound."""
    from matplotlib.colors import to_hex

    ds = dataset(*MODERN)
    fig = fig_modern.figure(ds)
    meaning = {
        "regime": lambda gid: gid.split(":")[1],
        "k": lambda gid: "fixed point",
        "error": lambda gid: "fixed point",
        "one_step": lambda gid: "one update",
        "bound_check": lambda gid: "one update",
        "bound": lambda gid: "bound",
    }
    seen: dict[str, set[str]] = {}
    for ax in fig.axes:
        for line in ax.get_lines():
            gid = str(line.get_gid())
            head = gid.split(":")[0]
            if head in meaning:
                seen.setdefault(to_hex(line.get_color()), set()).add(meaning[head](gid))
    assert all(len(v) == 1 for v in seen.values()), seen
    assert len(seen) == 6  # three regimes, fixed point, one update, bound


def test_modern_pictures_name_each_distance():
    ds = dataset(*MODERN)
    fig = fig_modern.picture_figure(ds)
    titles = [_title(ax) for ax in fig.axes]
    assert len(titles) == 7 * ds.sizes["image"]
    first = float(ds.picture_error_query.sel(query_kind="masked").isel(image=0))
    assert f"distance {fig_modern._distance(first)}" in titles[1]
    assert "distance 0.000" not in " ".join(titles)  # a tiny distance is not rounded to 0


# --- the accessor, hopsim-plot and the registry -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "stems"),
    [
        (RULES, {"rules", "rules_basins", "rules_capacity"}),
        (DENSE, {"dense_capacity", "dense_capacity_growth"}),
        (MODERN, {"modern", "modern_pictures"}),
    ],
    ids=["rules", "dense_capacity", "modern"],
)
def test_accessor_and_hopsim_plot_draw_the_family(overrides, stems, tmp_path):
    ds = dataset(*overrides)
    assert isinstance(ds.hopsim.plot(), matplotlib.figure.Figure)
    assert set(ds.hopsim.figures()) == stems
    paths = hopsim_plot([str(run(*overrides)), "--out", str(tmp_path), "--format", "png"])
    assert {p.stem for p in paths if p.suffix == ".png"} == stems
    assert all(p.stat().st_size > 0 for p in paths)
    assert figures.module_for(ds.attrs["experiment"]).__name__.startswith("hopsim.figures.")
