"""Helpers of the Ctrl-C tests: start a command, wait until it is at work, press Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

#: Seconds of work in small pieces (one Monte Carlo kernel call per temperature), so that
#: Ctrl-C lands within a fraction of a second and little memory is held.
SLOW = (
    "experiment=ising",
    "lattice.L=[4]",
    "mc.temperatures=[1.5,1.6,1.7,1.8,1.9,2.0,2.1,2.2,2.3,2.4,2.5,2.6]",
    "mc.thermalize=10",
    "threads=1",
)


def start(argv: list[str], cwd: Path, group: bool = False, **kwargs) -> subprocess.Popen:
    """Start ``argv`` with its output captured (``group``: in its own process group, so that
    :func:`press_ctrl_c` can signal the whole group as a terminal does)."""
    kwargs.setdefault("env", dict(os.environ, MPLBACKEND="Agg"))
    return subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=group,
        **kwargs,
    )


def start_hopsim(tmp_path: Path, *overrides: str, multirun: bool, **kwargs) -> subprocess.Popen:
    """``python -m hopsim`` with its run and sweep folders under ``tmp_path``."""
    args = [sys.executable, "-m", "hopsim", *(["-m"] if multirun else [])]
    args += [f"hydra.run.dir={tmp_path / 'run'}", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    return start([*args, *overrides, "progress=off"], tmp_path, **kwargs)


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 300) -> None:
    """Until ``path`` exists (the command is at a known point); fails if ``proc`` ended."""
    end = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.05)


def press_ctrl_c(
    proc: subprocess.Popen,
    ready: Path,
    times: int = 1,
    group: bool = False,
    settle: float = 0.5,
    on_ready=None,
) -> str:
    """Send SIGINT ``times`` times in quick succession once ``ready`` exists and ``settle``
    seconds have passed (after calling ``on_ready()``); return stderr. The process is killed
    if it outlives the test."""
    try:
        wait_for(ready, proc)
        if on_ready is not None:
            on_ready()
        time.sleep(settle)
        for _ in range(times):
            if group:
                os.killpg(proc.pid, signal.SIGINT)
            else:
                proc.send_signal(signal.SIGINT)
            time.sleep(0.02)
        _, err = proc.communicate(timeout=120)
        return err
    finally:
        if proc.poll() is None:  # never leave a test's process running
            proc.kill()
            proc.communicate()


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Is ``pid`` a running process (not gone, not a zombie)?"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def gone(pids: list[int], timeout: float = 10.0) -> bool:
    """Have all ``pids`` ended within ``timeout`` seconds?"""
    end = time.monotonic() + timeout
    while any(alive(p) for p in pids):
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


def one_line(err: str) -> str:
    """The single line of ``err``; fails on more lines or a traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]
