"""Overall progress of a multirun: jobs done of total, elapsed, remaining.

Each job, when it ends (finished or failed, skipped by ``resume=true`` included), leaves an
empty marker ``<sweep dir>/.progress/<job number>.ok`` or ``.failed`` (from the callback's
``on_job_end``, which runs in the job's own process for every launcher: in this process
for the basic launcher, in a worker for joblib, on a cluster node for submitit). The
launching process counts the markers, right after each in-process job and every second
from a background thread for the other launchers, and reports each job that ended as

    hopsim: sweep 3/48 jobs done (1 failed), elapsed 0:00:12, remaining ~0:02:40

on stderr when it is a terminal (``progress=on``: always, ``progress=off``: never) and
always in ``<sweep dir>/multirun.log``. The markers are removed when the sweep ends.
Nothing here may change a job's outcome or the merge: every error is swallowed.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

#: Sweep subfolder of the job markers (removed when the sweep ends).
PROGRESS_DIR = ".progress"
#: The sweep's log, beside Hydra's multirun.yaml.
LOG_NAME = "multirun.log"
#: Seconds between two counts of the markers when jobs run in other processes.
POLL_S = 1.0
LOGGER = "hopsim.sweep"


def _clock(seconds: float) -> str:
    return str(_dt.timedelta(seconds=max(0, round(seconds))))


def progress_line(done: int, total: int | None, failed: int, elapsed: float) -> str:
    """``hopsim: sweep 3/48 jobs done (1 failed), elapsed 0:00:12, remaining ~0:02:40``."""
    failed_text = f" ({failed} failed)" if failed else ""
    if total is None:
        return f"hopsim: sweep {done} jobs done{failed_text}, elapsed {_clock(elapsed)}"
    total = max(total, done)
    remaining = elapsed / done * (total - done) if done else 0.0
    return (
        f"hopsim: sweep {done}/{total} jobs done{failed_text}, elapsed {_clock(elapsed)}, "
        f"remaining ~{_clock(remaining)}"
    )


def mark_job(sweep_dir: str | os.PathLike, num: Any, failed: bool) -> None:
    """Leave the marker of job ``num`` (called in the job's process); never raises."""
    try:
        folder = Path(sweep_dir) / PROGRESS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{num}.{'ok' if not failed else 'failed'}").unlink(missing_ok=True)
        (folder / f"{num}.{'failed' if not failed else 'ok'}").unlink(missing_ok=True)
        (folder / f"{num}.{'failed' if failed else 'ok'}").touch()
    except Exception:
        pass


def _markers(folder: Path) -> list[tuple[float, str, bool]]:
    """(mtime, job number, failed) of every marker, in the order the jobs ended."""
    found: dict[str, tuple[float, str, bool]] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        num, _, kind = entry.name.partition(".")
        if kind not in ("ok", "failed"):
            continue
        try:
            mtime = entry.stat().st_mtime
        except OSError:
            continue
        if num not in found or mtime >= found[num][0]:
            found[num] = (mtime, num, kind == "failed")
    return sorted(found.values())


class _QuietFileHandler(logging.FileHandler):
    """A log file that cannot be written is skipped, without logging's traceback on stderr."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


class _QuietStreamHandler(logging.StreamHandler):
    """Like :class:`_QuietFileHandler`, for stderr (a closed pipe, say)."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


class SweepProgress:
    """Counts the jobs of one sweep that ended and reports each one (see the module doc)."""

    def __init__(
        self,
        sweep_dir: str | os.PathLike,
        total: int | None,
        to_stderr: bool,
        poll: bool,
    ) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.folder = self.sweep_dir / PROGRESS_DIR
        self.total = total
        self.pid = os.getpid()
        self.started = time.monotonic()
        self.reported = 0
        self._seen: set[str] = set()
        self._failed = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        shutil.rmtree(self.folder, ignore_errors=True)  # markers of an earlier sweep here
        self.logger = logging.getLogger(LOGGER)
        self.logger.propagate = False  # not on Hydra's console handler (stdout) too
        self.logger.setLevel(logging.INFO)
        self._handlers: list[logging.Handler] = []
        file_handler = _QuietFileHandler(self.sweep_dir / LOG_NAME, delay=True)
        file_handler.setFormatter(
            logging.Formatter("[%(asctime)s][%(name)s][%(levelname)s] - %(message)s")
        )
        self._handlers.append(file_handler)
        if to_stderr:
            stream = _QuietStreamHandler(sys.stderr)
            stream.setFormatter(logging.Formatter("%(message)s"))
            self._handlers.append(stream)
        for handler in self._handlers:
            self.logger.addHandler(handler)
        self._thread = None
        if poll:
            self._thread = threading.Thread(target=self._watch, name="hopsim-progress", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(POLL_S):
            self.update()

    def update(self) -> None:
        """Report every job that ended since the last report; never raises."""
        try:
            with self._lock:
                for _mtime, num, failed in _markers(self.folder):
                    if num in self._seen:
                        continue
                    self._seen.add(num)
                    self._failed += failed
                    self.reported += 1
                    elapsed = time.monotonic() - self.started
                    self.logger.disabled = False  # a logging config may have disabled it
                    self.logger.info(
                        progress_line(self.reported, self.total, self._failed, elapsed)
                    )
        except Exception:
            pass

    def close(self) -> None:
        """Report the last jobs, stop the thread, remove the markers and the handlers."""
        try:
            self._stop.set()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self.update()
            shutil.rmtree(self.folder, ignore_errors=True)
            for handler in self._handlers:
                self.logger.removeHandler(handler)
                handler.close()
        except Exception:
            pass
