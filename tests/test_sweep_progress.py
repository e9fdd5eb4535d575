"""A multirun's overall progress: one line per job that ended, on a terminal and in the log.

``hopsim: sweep 2/2 jobs done (1 failed), elapsed 0:00:03, remaining ~0:00:00`` goes to
stderr when it is a terminal (the tests give the command a pseudo-terminal) and always to
``<sweep dir>/multirun.log``, for the basic launcher (jobs in this process) and joblib (jobs
in worker processes); resumed jobs count as done, and the exit status and the merge are
those without it.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hopsim.io import load_dataset
from hopsim.progress import LOG_NAME, PROGRESS_DIR, progress_line
from hopsim.sweeps import sweep_size

SWEEP = ("network.N=20,30", "patterns.P=2", "trials=2")
LINE = re.compile(
    r"hopsim: sweep (\d+)/(\d+) jobs done(?: \((\d+) failed\))?, "
    r"elapsed \d+:\d\d:\d\d, remaining ~\d+:\d\d:\d\d"
)


def _counts(text: str) -> list[tuple[int, int, int]]:
    """(done, total, failed) of every progress line in ``text``."""
    return [(int(d), int(t), int(f or 0)) for d, t, f in LINE.findall(text)]


def _run_on_a_terminal(tmp_path: Path, *overrides: str) -> tuple[int, str, str]:
    """Run ``hopsim -m`` with stderr on a pseudo-terminal: (exit status, stdout, stderr)."""
    args = [sys.executable, "-m", "hopsim", "-m", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the command ended and closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    env = dict(os.environ, MPLBACKEND="Agg")
    try:
        proc = subprocess.run(
            [*args, *overrides],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
            timeout=300,
            env=env,
        )
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    return proc.returncode, proc.stdout, b"".join(chunks).decode(errors="replace")


def test_progress_line():
    assert progress_line(3, 48, 1, 12.0) == (
        "hopsim: sweep 3/48 jobs done (1 failed), elapsed 0:00:12, remaining ~0:03:00"
    )
    assert progress_line(48, 48, 0, 3725) == (
        "hopsim: sweep 48/48 jobs done, elapsed 1:02:05, remaining ~0:00:00"
    )
    assert progress_line(2, None, 0, 1) == "hopsim: sweep 2 jobs done, elapsed 0:00:01"


def test_sweep_size_counts_the_jobs_of_the_basic_sweeper():
    assert sweep_size(["network.N=20,30", "patterns.P=2,3,4", "trials=2"]) == 6
    assert sweep_size(["patterns.P=2"]) == 1
    assert sweep_size(["network.N=range(10,50,10)", "experiment=recall,capacity"]) == 8
    assert sweep_size(["network.N=20,30", "network.N=40"]) == 1  # the last value stands
    assert sweep_size(["experiment=glob(capacity)", "seed=1,2"]) == 2


@pytest.mark.parametrize("launcher", ["basic", "joblib"])
def test_progress_on_a_terminal_and_in_the_log(tmp_path, launcher):
    """Job 1's folder cannot be written: it fails, the sweep exits 1, the count says so."""
    (tmp_path / "sweep").mkdir()
    (tmp_path / "sweep" / "1").write_text("in the way")
    code, out, err = _run_on_a_terminal(tmp_path, *SWEEP, f"hydra/launcher={launcher}")
    assert code == 1, err
    assert "1 of 2 jobs failed" in err
    counts = _counts(err)
    assert [(d, t) for d, t, _ in counts] == [(1, 2), (2, 2)], err
    assert counts[-1][2] == 1  # one failed, whichever ended first
    log = (tmp_path / "sweep" / LOG_NAME).read_text()
    assert _counts(log) == counts, log
    assert "hopsim: sweep" not in out  # stdout stays the jobs' summaries
    assert not (tmp_path / "sweep" / PROGRESS_DIR).exists()
    ds = load_dataset(tmp_path / "sweep")
    assert ds.attrs["failed_jobs"] == "network.N=30"


def test_progress_without_a_terminal_goes_to_the_log_only_and_resume_counts(hopsim_cmd, tmp_path):
    first = hopsim_cmd(*SWEEP, multirun=True)
    assert first.returncode == 0, first.stderr
    assert "hopsim: sweep" not in first.stderr + first.stdout
    log = tmp_path / "sweep" / LOG_NAME
    assert _counts(log.read_text()) == [(1, 2, 0), (2, 2, 0)]
    again = hopsim_cmd(*SWEEP, "resume=true", "progress=on", multirun=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("skipped (resume=true)") == 2
    assert _counts(again.stderr) == [(1, 2, 0), (2, 2, 0)]  # progress=on: stderr too
    assert _counts(log.read_text()) == [(1, 2, 0), (2, 2, 0)] * 2  # appended
    quiet = hopsim_cmd(*SWEEP, "resume=true", "progress=off", multirun=True)
    assert quiet.returncode == 0 and "hopsim: sweep" not in quiet.stderr
    assert len(_counts(log.read_text())) == 6
