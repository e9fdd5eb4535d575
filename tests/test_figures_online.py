"""The online figures: every line is the dataset's analysis values, the theory is drawn on
the same axes, legends cover no data, and the RNN figure appears with RNN learners."""

from __future__ import annotations

import numpy as np
import pytest
from figure_runs import assert_legends_clear, close_figures, dataset, run  # noqa: F401

from hopsim.analysis.online import retrievable_mean, retrieval_by_age, theory_capacity
from hopsim.figures import FigureError, figures
from hopsim.figures import online as fig_online

RUN = (
    "experiment=online",
    "online.N=[60,100]",
    "online.rules=[hebb,storkey,hebb_decay,hebb_bounded]",
    "online.options.hebb_decay.epsilon=[3.0,4.108]",
    "online.options.hebb_bounded.bound=[0.25,0.355]",
    "online.checkpoints=[0.1,0.5]",
    "online.max_age=0.3",
    "online.noise=[0,0.1]",
)


def _lines(ax, prefix: str) -> dict:
    return {
        str(line.get_gid()): (
            np.asarray(line.get_xdata(), float),
            np.asarray(line.get_ydata(), float),
        )
        for line in ax.get_lines()
        if str(line.get_gid()).startswith(prefix)
    }


def _axes(fig, letter: str):
    return next(ax for ax in fig.axes if ax.get_title(loc="left").startswith(f"({letter})"))


def test_the_figure_draws_the_analysis_values_and_the_theory():
    ds = dataset(*RUN)
    fig = figures(ds)["online"]
    mean = retrievable_mean(ds).sel(checkpoint=0.5, noise=0.0)
    # (d): one line per N, the measured capacities in the order of epsilon
    d = _lines(_axes(fig, "d"), "d:")
    for N in ds.N.values:
        x, y = d[f"d:N={int(N)}"]
        np.testing.assert_array_equal(x, [3.0, 4.108])
        expected = mean.alpha.sel(N=N, learner=["hebb_decay epsilon=3", "hebb_decay epsilon=4.108"])
        np.testing.assert_allclose(y, expected.values)
    assert {"d:theory", "d:optimum"} <= set(d) and {"e:theory", "e:optimum"} <= set(
        _lines(_axes(fig, "e"), "e:")
    )
    # (c): Hebb's measured points at the largest N, and its theory (the blackout) dashed
    c = _lines(_axes(fig, "c"), "c:")
    x, y = c["c:hebb"]
    np.testing.assert_array_equal(x, ds.checkpoint.values)
    np.testing.assert_allclose(
        y, retrievable_mean(ds).sel(N=100, noise=0.0, learner="hebb").alpha.values
    )
    grid, theory = c["c:theory:hebb"]
    assert theory.max() == pytest.approx(0.138, abs=0.003) and theory[-1] == 0.0
    # (a): the theory step of each epsilon drops at its capacity
    a = _lines(_axes(fig, "a"), "a:theory:")
    cap = theory_capacity(ds)
    for label in ("hebb_decay epsilon=3", "hebb_decay epsilon=4.108"):
        x, y = a[f"a:theory:{label}"]
        assert x[1] == pytest.approx(float(cap.sel(learner=label))) and list(y) == [1, 1, 0, 0]
    # (f): the theory at N = inf, a star per palimpsest
    f = _lines(_axes(fig, "f"), "f:theory:")
    assert len(f) == 2 and all(x[0] == 0 for x, _ in f.values())
    assert_legends_clear(fig)


def test_the_age_panels_are_the_fraction_retrieved_per_age():
    ds = dataset(*RUN)
    fig = fig_online.figure(ds, noise=0.1)
    x, y = _lines(_axes(fig, "b"), "b:hebb_bounded bound=0.355")["b:hebb_bounded bound=0.355"]
    cell = retrieval_by_age(ds).sel(
        N=100, checkpoint=0.5, noise=0.1, learner="hebb_bounded bound=0.355"
    )
    used = cell.age.values >= 0
    # N = 100: every age its own bin (stride 1)
    np.testing.assert_allclose(x, cell.age_load.values[used][: x.size])
    np.testing.assert_allclose(y, cell.fraction.values[used][: y.size])
    with pytest.raises(FigureError, match="noise"):
        fig_online.figure(ds, noise=0.3)


def test_the_rnn_figure_shows_every_learner_per_noise():
    ds = dataset(*RUN)
    # an RNN learner stands in for Storkey: the figure must treat it as an RNN
    ds = ds.assign_coords(
        family=(
            "learner",
            [
                "rnn" if x == "storkey" else f
                for x, f in zip(ds.learner.values, ds.family.values, strict=True)
            ],
        ),
        rule=(
            "learner",
            [
                "gru" if x == "storkey" else r
                for x, r in zip(ds.learner.values, ds.rule.values, strict=True)
            ],
        ),
    )
    figs = figures(ds)
    assert set(figs) == {"online", "online_rnn"}
    fig = figs["online_rnn"]
    by_age = retrieval_by_age(ds)
    for level in (0.0, 0.1):
        for name in ("fraction", "overlap"):
            ax = next(
                a
                for a in fig.axes
                if f"cue noise {level:g}" in a.get_title(loc="left")
                and (name == "fraction") == ("retrieved" in a.get_title(loc="left"))
            )
            lines = _lines(ax, f"{name}:{level:g}:")
            assert len(lines) == 4  # hebb, the RNN, the two palimpsests nearest their optimum
            x, y = lines[f"{name}:{level:g}:storkey"]
            cell = by_age[name].sel(N=100, checkpoint=0.5, noise=level, learner="storkey")
            np.testing.assert_allclose(y, cell.values[by_age.age.sel(N=100).values >= 0])
    assert_legends_clear(fig)


def test_the_script_writes_the_figure(tmp_path):
    import importlib.util
    import pathlib

    folder = run(*RUN)
    spec = importlib.util.spec_from_file_location(
        "online_fig", pathlib.Path(__file__).parents[1] / "analysis" / "online.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = module.main([str(folder), "--out", str(tmp_path), "--format", "png"])
    assert {p.name for p in paths} == {"online.png"}
