"""A capacity sweep through a real SLURM cluster (`hydra/launcher=slurm`, submitit).

The session fixture asks ``.ci/slurm-cluster.sh`` for a single-node cluster on this machine.
In CI (``CI=true``) the script installs slurm-wlm and munge when missing, and a cluster that
does not come up fails the test. Elsewhere it only starts an installed SLURM, and the test
is skipped with the script's reason when it cannot (start it once with
``sudo bash .ci/slurm-cluster.sh start`` to run it on a laptop).
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import xarray as xr

from hopsim.io import load_dataset

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "slurm-cluster.sh"
CANNOT_START = 3  # the script's exit status for "SLURM cannot be started here"
LOCK = Path(tempfile.gettempdir()) / "hopsim-slurm-tests.lock"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _start_cluster() -> bool:
    """Make sure the cluster runs; True if this call started it (skip or fail if it cannot)."""
    up = subprocess.run(["bash", str(SCRIPT), "status"], capture_output=True, text=True)
    if up.returncode == 0:
        return False
    args = ["bash", str(SCRIPT), "start"] + ([] if _in_ci() else ["--no-install"])
    try:
        start = subprocess.run(args, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} did not finish in 15 minutes")
    if start.returncode != 0:
        why = start.stderr.strip() or start.stdout.strip()
        if start.returncode == CANNOT_START and not _in_ci():
            pytest.skip(f"no SLURM cluster: {why.splitlines()[-1]}")
        pytest.fail(f"{' '.join(args)} failed (exit {start.returncode}):\n{why}")
    return True


@pytest.fixture(scope="session")
def slurm_cluster():
    """The partition of a running single-node cluster.

    Test sessions on one machine coordinate through a lock on ``LOCK``: exclusive while one
    checks or starts the cluster, shared while it is used. The session that started the
    cluster stops it at the end unless another one still holds the lock.
    """
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is missing (not a source checkout)")
    with open(LOCK, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started_here = _start_cluster()
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield "debug"
        if started_here:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another session's test still uses the cluster: leave it running
            subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True)


@pytest.mark.slurm
def test_capacity_sweep_on_slurm_equals_the_basic_launcher(slurm_cluster, hopsim_cmd, tmp_path):
    sweep = (
        "experiment=capacity",
        "network.N=40,60",
        "patterns.alpha=[0.05,0.1,0.2]",
        "corruption.level=[0,0.1]",
        "trials=6",
        "progress=off",
    )
    # two threads in this process, one per SLURM job: the numbers must not depend on it
    basic = hopsim_cmd(*sweep, "threads=2", multirun=True)
    assert basic.returncode == 0, basic.stderr
    slurm_dir = tmp_path / "slurm"  # same host, so the jobs see it
    slurm = hopsim_cmd(
        *sweep,
        "threads=auto",
        "hydra/launcher=slurm",
        f"hydra.launcher.partition={slurm_cluster}",
        "hydra.launcher.cpus_per_task=1",
        "hydra.launcher.mem_gb=1",
        "hydra.launcher.timeout_min=5",
        f"hydra.sweep.dir={slurm_dir}",
        multirun=True,
        timeout=600,
    )
    assert slurm.returncode == 0, slurm.stderr

    # each job really ran as a task of a SLURM job array: submitit keeps a folder per
    # SLURM id (<job>_<task>) with the task's log
    folders = sorted(p.name for p in (slurm_dir / ".submitit").iterdir())
    tasks = [name for name in folders if re.fullmatch(r"\d+_\d+", name)]
    assert len(tasks) == 2, folders
    for task in tasks:
        log = (slurm_dir / ".submitit" / task / f"{task}_0_log.out").read_text()
        assert f"JobEnvironment(job_id={task}," in log and "Wrote" in log, log

    a = load_dataset(tmp_path / "sweep")
    b = load_dataset(slurm_dir)
    assert a.sizes["N"] == 2 and b.attrs["n_failed"] == 0
    xr.testing.assert_equal(a, b)
    for name in a.variables:  # bit for bit, NaNs included
        assert a[name].dtype == b[name].dtype, name
        if a[name].dtype.kind in "fiub":
            assert a[name].values.tobytes() == b[name].values.tobytes(), name
