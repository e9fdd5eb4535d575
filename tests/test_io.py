"""Dataset files: atomic writes, clear errors for bad files, launcher-independent merges."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from hopsim.io import DatasetError, load_dataset, save_dataset, sweep_dim_name


def _tiny() -> xr.Dataset:
    ds = xr.Dataset({"x": ("trial", np.arange(3.0))}, attrs={"experiment": "recall", "flag": True})
    ds["x"].attrs.update(long_name="x", units="1")
    return ds


def test_save_is_atomic_and_roundtrips(tmp_path):
    path = save_dataset(_tiny(), tmp_path / "sub" / "result.nc")
    back = load_dataset(path)
    np.testing.assert_array_equal(back.x, [0, 1, 2])
    assert back.attrs["flag"] == 1  # bools stored as numbers
    assert [p.name for p in path.parent.iterdir()] == ["result.nc"]


def test_failed_write_leaves_nothing(tmp_path):
    bad = _tiny()
    bad.attrs["unstorable"] = {"a": 1}  # netCDF attrs cannot hold dicts
    with pytest.raises(Exception):  # noqa: B017 - the backend's own error type
        save_dataset(bad, tmp_path / "result.nc")
    assert list(tmp_path.iterdir()) == []


def test_corrupt_or_missing_file_gives_one_line_error(tmp_path):
    (tmp_path / "result.nc").write_bytes(b"not a netcdf file at all")
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path)
    assert "result.nc" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(DatasetError, match="no such result file"):
        load_dataset(tmp_path / "missing")


def test_figure_script_on_corrupt_dataset_exits_2(tmp_path):
    (tmp_path / "result.nc").write_bytes(b"garbage")
    proc = subprocess.run(
        [sys.executable, "analysis/recall.py", str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_sweep_dim_names():
    assert sweep_dim_name("network.N") == "N"
    assert sweep_dim_name("patterns.alpha") == "alpha"
    assert sweep_dim_name("corruption.level") == "noise"
    assert sweep_dim_name("dynamics.update") == "update"
    assert sweep_dim_name("seed") == "seed"


def test_joblib_launcher_gives_the_same_merged_dataset(hopsim_cmd, tmp_path):
    sweep = ("network.N=40,50", "dynamics.update=sync,async", "trials=2", "patterns.P=3")
    basic = hopsim_cmd(*sweep, multirun=True)
    assert basic.returncode == 0, basic.stderr
    a = load_dataset(tmp_path / "sweep" / "result.nc")
    joblib = hopsim_cmd(
        *sweep, "hydra/launcher=joblib", f"hydra.sweep.dir={tmp_path / 'jl'}", multirun=True
    )
    assert joblib.returncode == 0, joblib.stderr
    b = load_dataset(tmp_path / "jl" / "result.nc")
    xr.testing.assert_equal(a, b)


def test_submitit_local_launcher_gives_the_same_merged_dataset(hopsim_cmd, tmp_path):
    sweep = ("network.N=40,50", "trials=2", "patterns.P=3")
    basic = hopsim_cmd(*sweep, multirun=True)
    assert basic.returncode == 0, basic.stderr
    local = hopsim_cmd(
        *sweep, "hydra/launcher=submitit_local", f"hydra.sweep.dir={tmp_path / 'sl'}", multirun=True
    )
    assert local.returncode == 0, local.stderr
    xr.testing.assert_equal(load_dataset(tmp_path / "sweep"), load_dataset(tmp_path / "sl"))


def test_resume_skips_finished_jobs_and_redoes_missing_ones(hopsim_cmd, tmp_path):
    sweep = ("network.N=40,50,60", "trials=2", "patterns.P=3")
    first = hopsim_cmd(*sweep, multirun=True)
    assert first.returncode == 0, first.stderr
    before = load_dataset(tmp_path / "sweep")
    kept = (tmp_path / "sweep" / "0" / "result.nc").stat().st_mtime_ns
    (tmp_path / "sweep" / "1" / "result.nc").unlink()  # as if interrupted
    again = hopsim_cmd(*sweep, "resume=true", "progress=off", multirun=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("skipped (resume=true)") == 2
    assert (tmp_path / "sweep" / "1" / "result.nc").exists()
    assert (tmp_path / "sweep" / "0" / "result.nc").stat().st_mtime_ns == kept
    xr.testing.assert_equal(before, load_dataset(tmp_path / "sweep"))
    # a different config in the same directory is recomputed, not skipped
    changed = hopsim_cmd(
        "network.N=40,50,60", "trials=3", "patterns.P=3", "resume=true", multirun=True
    )
    assert changed.returncode == 0 and "skipped" not in changed.stdout


def test_thread_counts_follow_the_launcher():
    from omegaconf import OmegaConf

    from hopsim.parallel import parallel_jobs, threads_for_job

    joblib = OmegaConf.create({"_target_": "hydra_plugins.JoblibLauncher", "n_jobs": -1})
    assert parallel_jobs(joblib, 2) == 2 and parallel_jobs(None, 2) == 1
    local = OmegaConf.create({"_target_": "x.LocalLauncher submitit", "cpus_per_task": 1})
    assert parallel_jobs(local, 4) == 4
    assert threads_for_job(3, joblib) == 3
    assert threads_for_job("auto", None) >= 1
