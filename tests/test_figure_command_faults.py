"""``hopsim-plot``, ``analysis/*.py`` and ``hopsim-gallery`` are commands too (issue 21,
section 4): an ``--out`` that cannot take files, and a dataset another program wrote, end
with one line and exit 2, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from figure_runs import run as tiny_run

from hopsim.figures import cli as plot_cli
from hopsim.gallery import cli as gallery_cli
from hopsim.plotting import run_script

TINY = ("network.N=20", "patterns.P=2", "trials=2")


def _plot(argv):
    plot_cli.main(argv)


def _script(argv):
    run_script("recall", "recall figures", argv)


def _gallery(argv):
    raise SystemExit(gallery_cli.main([*argv[1:], "--only", "recall"]))  # no PATH argument


COMMANDS = {"hopsim-plot": _plot, "analysis/recall.py": _script, "hopsim-gallery": _gallery}


def _out_cases(tmp_path: Path, monkeypatch) -> dict[str, tuple[Path, callable]]:
    """--out values that cannot take files, each with what must still be true after."""
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("keep me")
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access  # root writes anywhere: what a user sees for a read-only folder
    monkeypatch.setattr(
        os, "access", lambda p, m, **kw: Path(p) != locked and real_access(p, m, **kw)
    )
    return {
        "a file": (a_file, lambda: a_file.read_text() == "keep me"),
        "under a file": (a_file / "sub", lambda: a_file.read_text() == "keep me"),
        "/dev/null": (Path("/dev/null"), lambda: Path("/dev/null").is_char_device()),
        "read-only folder": (locked, lambda: list(locked.iterdir()) == []),
        "/proc/x": (Path("/proc/x"), lambda: not Path("/proc/x").exists()),
    }


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "case", ["a file", "under a file", "/dev/null", "read-only folder", "/proc/x"]
)
def test_an_out_that_cannot_take_files_is_one_line_and_exit_2(
    tmp_path, monkeypatch, capsys, command, case
):
    run_dir = tiny_run(*TINY)
    before = sorted(p.name for p in run_dir.iterdir())
    out, unchanged = _out_cases(tmp_path, monkeypatch)[case]
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        COMMANDS[command]([str(run_dir), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2, err
    assert len(err) == 1 and "--out" in err[0] and str(out) in err[0], err
    assert unchanged()
    assert sorted(p.name for p in run_dir.iterdir()) == before  # nothing beside the dataset
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file.txt", "locked"]


def test_the_real_command_refuses_dev_null_in_one_line(tmp_path):
    run_dir = tiny_run(*TINY)
    proc = subprocess.run(
        [sys.executable, "-m", "hopsim.figures.cli", str(run_dir), "--out", "/dev/null"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "/dev/null is not a folder" in proc.stderr


def _foreign(path: Path, **attrs) -> Path:
    """A netCDF file another program wrote (xarray, no hopsim variables)."""
    ds = xr.Dataset({"temperature": ("station", np.arange(3.0))}, attrs=attrs)
    ds.to_netcdf(path, engine="h5netcdf")
    return path


@pytest.mark.parametrize("command", ["hopsim-plot", "analysis/recall.py"])
def test_a_dataset_another_program_wrote_is_one_line_naming_what_is_missing(
    tmp_path, capsys, command
):
    path = _foreign(tmp_path / "other.nc", experiment="recall")
    with pytest.raises(SystemExit) as info:
        COMMANDS[command]([str(path), "--out", str(tmp_path / "figs")])
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2 and len(err) == 1, err
    assert "'overlap'" in err[0] and "not a hopsim recall result" in err[0], err
    assert not (tmp_path / "figs").exists()


def test_a_dataset_without_the_experiment_attr_is_refused(tmp_path, capsys):
    path = _foreign(tmp_path / "other.nc")
    with pytest.raises(SystemExit) as info:
        plot_cli.main([str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2 and len(err) == 1 and "not a hopsim dataset" in err[0]


def test_a_hopsim_dataset_missing_a_variable_names_it(tmp_path, capsys):
    from hopsim.io import load_dataset

    ds = load_dataset(tiny_run(*TINY)).drop_vars("overlap")
    ds.to_netcdf(tmp_path / "result.nc", engine="h5netcdf")
    with pytest.raises(SystemExit) as info:
        plot_cli.main([str(tmp_path), "--out", str(tmp_path / "figs")])
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2 and "\n" not in err and "'overlap'" in err, err
    assert not (tmp_path / "figs").exists()


def test_the_folder_next_to_the_dataset_is_checked_too(tmp_path, monkeypatch, capsys):
    """No --out: the figures go next to the dataset; a read-only folder there is one line."""
    from hopsim.io import load_dataset

    folder = tmp_path / "shared"
    folder.mkdir()
    load_dataset(tiny_run(*TINY)).to_netcdf(folder / "result.nc", engine="h5netcdf")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **kw: Path(p) != folder and real_access(p, m, **kw)
    )
    with pytest.raises(SystemExit) as info:
        plot_cli.main([str(folder)])
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2 and "\n" not in err and "choose a folder with --out" in err
    assert sorted(p.name for p in folder.iterdir()) == ["result.nc"]
