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
            ds.basin_noise.median("trial"),
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
    ax_poly, ax_exp, ax_rec = fig.axes[len(names) : len(names) + 3]
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
    assert {p.name for p in tmp_path.iterdir()} == {"dense_capacity.png", "dense_capacity.csv"}


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
        (RULES, {"rules"}),
        (DENSE, {"dense_capacity"}),
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
