"""hopsim.figures from Python and the command line: the accessor picks the figure from the
experiment attr, hopsim-plot writes every figure, and each run keeps its summary."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.figure
import pytest
import xarray as xr
from figure_runs import (
    close_figures,  # noqa: F401  (autouse)
    dataset,
    run,
)

import hopsim  # noqa: F401  (registers ds.hopsim)
from hopsim import figures
from hopsim.figures.cli import main as hopsim_plot
from hopsim.io import load_dataset

FAMILIES = {
    "recall": ("experiment=recall", "network.N=30", "patterns.P=2", "trials=2"),
    "phase_portrait": ("experiment=phase_portrait",),
    "state_graph": ("experiment=state_graph",),
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_accessor_draws_the_figure_of_the_experiment(name):
    ds = dataset(*FAMILIES[name])
    fig = ds.hopsim.plot()
    assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
    module = figures.module_for(ds.attrs["experiment"])
    assert set(ds.hopsim.figures()) == set(module.figures(ds))


def test_every_registered_module_has_the_interface():
    for experiment in figures.REGISTRY:
        module = figures.module_for(experiment)
        assert callable(module.figure) and callable(module.figures), experiment


def test_unknown_experiment_is_a_figure_error():
    with pytest.raises(figures.FigureError, match="no figure for experiment"):
        xr.Dataset(attrs={"experiment": "nope"}).hopsim.plot()
    with pytest.raises(figures.FigureError, match="no 'experiment' attr"):
        xr.Dataset().hopsim.plot()


def test_hopsim_plot_writes_every_figure(tmp_path, capsys):
    folder = run(*FAMILIES["recall"])
    paths = hopsim_plot([str(folder), "--out", str(tmp_path), "--format", "png,svg", "--dpi", "40"])
    names = sorted(p.name for p in paths)
    assert names == [
        "recall_energy.png",
        "recall_energy.svg",
        "recall_overlap.png",
        "recall_overlap.svg",
    ]
    assert all(p.stat().st_size > 0 for p in paths)


def test_hopsim_plot_errors_are_one_line(tmp_path):
    for args in ([str(tmp_path / "missing")], [str(run(*FAMILIES["recall"])), "--fix", "N=7"]):
        proc = subprocess.run(
            [sys.executable, "-m", "hopsim.figures.cli", *args, "--out", str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "png,xyz"], "--format 'xyz': not a figure format; allowed: "),
        (["--format", ","], "--format ',': give at least one of "),
        (["--dpi", "0"], "--dpi 0: must be a whole number from 1 to 1200"),
        (["--dpi", "100000"], "--dpi 100000: must be a whole number from 1 to 1200"),
    ],
)
def test_bad_format_or_dpi_is_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    folder = run(*FAMILIES["recall"])
    with pytest.raises(SystemExit) as exc:
        hopsim_plot([str(folder), "--out", str(tmp_path / "out"), *args])
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and err.startswith(f"error: {message}") and "\n" not in err
    # the format is checked before anything is drawn: not even the png of "png,xyz"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_empty_out_is_refused_not_the_current_folder(tmp_path, capsys, monkeypatch):
    folder = run(*FAMILIES["recall"])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        hopsim_plot([str(folder), "--out", ""])
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and "argument --out: '' is not a folder name" in err
    assert not list(tmp_path.iterdir())


def test_a_repeated_format_is_written_once(tmp_path):
    folder = run(*FAMILIES["recall"])
    paths = hopsim_plot([str(folder), "--out", str(tmp_path), "--format", "PNG,png", "--dpi", "30"])
    assert sorted(p.name for p in paths) == ["recall_energy.png", "recall_overlap.png"]


def test_a_failed_save_leaves_the_earlier_figure_and_no_temporary(tmp_path, monkeypatch):
    fig = matplotlib.figure.Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    (earlier,) = figures.save({"f": fig}, tmp_path, formats=("png",), dpi=30)
    before = earlier.read_bytes()

    def half_then_fail(self, fname, **kw):
        with open(fname, "wb") as fh:
            fh.write(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", half_then_fail)
    fig = matplotlib.figure.Figure()
    with pytest.raises(KeyboardInterrupt):
        figures.save({"f": fig}, tmp_path, formats=("png",), dpi=30)
    assert earlier.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.png"]


def test_each_run_writes_its_summary_and_keeps_it_as_an_attr():
    folder = run(*FAMILIES["recall"])
    text = (folder / "summary.txt").read_text()
    ds = dataset(*FAMILIES["recall"])
    assert text == ds.attrs["summary"] + "\n" and ds.hopsim.summary.startswith("recall: N=30")
    assert not list(folder.glob(".summary.txt.*.tmp"))


def test_a_job_whose_summary_cannot_be_written_is_not_finished(tmp_path, monkeypatch):
    from conftest import compose_config

    from hopsim import cli
    from hopsim.io import job_finished

    def fail(path, text):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(cli, "write_text_atomic", fail)
    cfg = compose_config(*FAMILIES["recall"], "progress=off")
    with pytest.raises(cli.ResultWriteError, match="summary.txt"):
        cli.run_job(cfg, tmp_path, [])
    assert not (tmp_path / "result.nc").exists() and not job_finished(tmp_path)


def test_a_swept_key_the_figure_does_not_draw_needs_fix(tmp_path, hopsim_cmd):
    proc = hopsim_cmd(
        "experiment=ising",
        "lattice.kind=chain",
        "lattice.L=[8]",
        "lattice.h=0.0,0.2",
        "mc.temperatures=[1.0,2.0]",
        "mc.sweeps=100",
        "mc.thermalize=10",
        multirun=True,
    )
    assert proc.returncode == 0, proc.stderr
    ds = load_dataset(tmp_path / "sweep")
    assert "h" in ds.dims
    with pytest.raises(figures.FigureError, match=r"--fix h=0 \(h: 0, 0.2\)") as info:
        ds.hopsim.figures()
    assert "\n" not in str(info.value)
    figs = ds.hopsim.figures(fix={"h": 0.2})
    assert set(figs) == {"ising_observables", "ising_binder", "ising_autocorrelation"}
    proc = subprocess.run(
        [sys.executable, "analysis/ising.py", str(tmp_path / "sweep"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "--fix" in proc.stderr


def test_every_experiment_has_its_figure_in_the_package():
    from hopsim.experiments import available

    assert set(available()) == set(figures.REGISTRY)  # every experiment config has a figure
    for experiment in (
        "rules",
        "dense_capacity",
        "modern",
        "sequence_memory",
        "completion",
        "gradients",
    ):
        family = figures.module_for(experiment)
        assert family.__name__ == f"hopsim.figures.{experiment}"
        assert callable(family.figure) and callable(family.figures)
    ds = dataset(
        "experiment=modern",
        "modern.P=[64]",
        "modern.betas=[0.5,16]",
        "modern.queries=4",
        "modern.members=8",
        "images.side=8",
    )
    figs = ds.hopsim.figures()
    assert set(figs) == {"modern", "modern_pictures"}
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs.values())
