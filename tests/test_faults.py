"""Faults (issue 13, section 4): Ctrl-C, killed writes, the umask, folders that cannot be
written. Each ends with one line on stderr and a non-zero exit status, and keeps what
finished."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from ctrl_c import SLOW, press_ctrl_c, start_hopsim

from hopsim import job_folders
from hopsim.io import (
    STALE_LEGACY_TMP_S,
    clean_stale_temporaries,
    job_finished,
    load_dataset,
    save_dataset,
)

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
TINY = ("patterns.P=2", "trials=2")


def _tiny() -> xr.Dataset:
    return xr.Dataset({"x": ("trial", np.arange(3.0))}, attrs={"experiment": "recall"})


def _one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


# ------------------------------------------------------------------ killed writes, umask


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_killed_writes_are_removed(tmp_path):
    host = socket.gethostname()
    dead = tmp_path / f".result.nc.{host}.{_dead_pid()}.abc123.tmp"
    alive = tmp_path / f".result.nc.{host}.{os.getpid()}.def456.tmp"  # a write in progress
    legacy = tmp_path / ".result.nc.k3j4h5.tmp"  # an older hopsim's name, no host or pid
    fresh_legacy = tmp_path / ".result.nc.q9w8e7.tmp"
    for p in (dead, alive, legacy, fresh_legacy):
        p.write_bytes(b"half a file")
    old = time.time() - STALE_LEGACY_TMP_S - 10
    os.utime(legacy, (old, old))
    save_dataset(_tiny(), tmp_path / "result.nc")
    assert not dead.exists() and not legacy.exists()
    assert alive.exists() and fresh_legacy.exists()
    assert clean_stale_temporaries(tmp_path) == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_results_get_the_mode_the_umask_allows(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = save_dataset(_tiny(), tmp_path / "result.nc")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_sweep_files_are_readable_under_umask_022_and_resume_cleans_up(tmp_path, hopsim_cmd):
    old = os.umask(0o022)  # inherited by the command
    try:
        proc = hopsim_cmd(*TINY, "network.N=20,30", multirun=True)
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    for path in [tmp_path / "sweep" / "result.nc", *(tmp_path / "sweep").glob("*/result.nc")]:
        assert path.stat().st_mode & 0o777 == 0o644, path
    # resume=true skips a finished job without writing: its stale temporary goes anyway
    stale = tmp_path / "sweep" / "0" / f".result.nc.{socket.gethostname()}.{_dead_pid()}.x.tmp"
    stale.write_bytes(b"killed")
    again = hopsim_cmd(*TINY, "network.N=20,30", "resume=true", multirun=True)
    assert again.returncode == 0 and again.stdout.count("skipped") == 2
    assert not stale.exists()


# ------------------------------------------------------------------ folders


def test_run_folder_that_is_a_file_is_one_line(tmp_path, hopsim_cmd):
    (tmp_path / "run").write_text("not a folder")
    line = _one_line(proc := hopsim_cmd(*TINY, "network.N=20"))
    assert proc.returncode == 1 and "run" in line and "not a folder" in line


def test_sweep_folder_that_is_a_file_is_one_line(tmp_path, capsys):
    """Through Hydra's own callback dispatcher, which turns exceptions into warnings."""
    from hydra._internal.callbacks import Callbacks
    from omegaconf import OmegaConf

    (tmp_path / "sweep").write_text("not a folder")
    config = OmegaConf.create(
        {
            "hydra": {
                "sweep": {"dir": str(tmp_path / "sweep")},
                "callbacks": {"merge": {"_target_": "hopsim.callbacks.MergeResults"}},
            }
        }
    )
    with pytest.raises(SystemExit) as info:
        Callbacks(config).on_multirun_start(config=config)
    err = capsys.readouterr().err.strip()
    assert info.value.code == 1 and len(err.splitlines()) == 1 and "not a folder" in err


def test_read_only_folders_are_reported(tmp_path, monkeypatch):
    """What a non-root user sees for a read-only folder (root may write anywhere)."""
    real_access = os.access
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(os, "access", lambda p, m: Path(p) != locked and real_access(p, m))
    assert job_folders.dir_problem(locked) == f"{locked} is read-only"
    assert "read-only" in job_folders.dir_problem(locked / "run" / "deeper")
    assert job_folders.job_subdir(str(locked.parent), "locked") == ".unwritable/locked"
    assert job_folders.dir_problem(tmp_path) is None


def test_result_that_cannot_be_written_is_one_line(tmp_path):
    from conftest import compose_config

    from hopsim.cli import ResultWriteError, run_job

    (tmp_path / "result.nc").mkdir()  # in the way of the result
    with pytest.raises(ResultWriteError) as info:  # main prints it as one line, exit 1
        run_job(compose_config(*TINY, "network.N=20"), tmp_path, [])
    assert "result.nc" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.skipif(ROOT, reason="root writes into read-only folders")
def test_read_only_run_folder_is_one_line(tmp_path, hopsim_cmd):
    (tmp_path / "run").mkdir()
    (tmp_path / "run").chmod(0o555)
    try:
        proc = hopsim_cmd(*TINY, "network.N=20")
    finally:
        (tmp_path / "run").chmod(0o755)
    assert proc.returncode == 1 and "read-only" in _one_line(proc)


def test_unwritable_job_folder_does_not_stop_the_sweep(tmp_path, hopsim_cmd):
    """Job 1's folder is a file: jobs 0 and 2 still finish, job 1 is NaN and listed, exit 1."""
    (tmp_path / "sweep").mkdir()
    (tmp_path / "sweep" / "1").write_text("in the way")
    proc = hopsim_cmd(*TINY, "network.N=20,30,40", multirun=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert job_finished(tmp_path / "sweep" / "0") and job_finished(tmp_path / "sweep" / "2")
    assert (tmp_path / "sweep" / "1").read_text() == "in the way"  # left as it was
    ds = load_dataset(tmp_path / "sweep")
    assert ds.attrs["failed_jobs"] == "network.N=30"
    assert ds.overlap.sel(N=30).isnull().all() and ds.overlap.sel(N=40).notnull().any()
    assert "job 1 failed" in proc.stderr and "1 of 3 jobs failed" in proc.stderr


# ------------------------------------------------------------------ Ctrl-C
# (more in tests/test_interrupts.py: several Ctrl-Cs, joblib, the gallery, the figure commands)


def test_ctrl_c_in_a_sweep_keeps_the_finished_jobs_in_one_line(tmp_path):
    proc = start_hopsim(tmp_path, *SLOW, "mc.sweeps=100,400000", multirun=True)
    err = press_ctrl_c(proc, tmp_path / "sweep" / "1" / ".hydra" / "overrides.yaml")
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "interrupted; kept 1 finished job" in lines[0] and "resume=true" in lines[0]
    assert job_finished(tmp_path / "sweep" / "0") and not job_finished(tmp_path / "sweep" / "1")
    assert not list((tmp_path / "sweep").rglob("*.tmp"))


def test_ctrl_c_in_a_single_run_is_one_line(tmp_path):
    proc = start_hopsim(tmp_path, *SLOW, "mc.sweeps=400000", multirun=False)
    err = press_ctrl_c(proc, tmp_path / "run" / ".hydra" / "overrides.yaml")
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "interrupted; no result was written" in lines[0]
    assert not list((tmp_path / "run").glob("result.nc*")) and not list(
        (tmp_path / "run").glob(".result.nc.*")
    )
