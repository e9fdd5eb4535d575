"""Hydra callback: check the output folders, merge the jobs of a multirun, report failures.

It also shows a multirun's overall progress (jobs done of total, see :mod:`hopsim.progress`):
``on_job_end`` leaves each job's marker, the launching process reports them.

Hydra turns an ``Exception`` raised in a callback into a warning and carries on, so every
failure here is reported as one line on stderr and ends the command with ``SystemExit(1)``
(not an ``Exception``, so Hydra lets it through for every launcher). The failure is also
recorded in the command's :class:`Invocation`, and :func:`hopsim.cli.main` exits 1 whenever
it is set, so the exit status never says success when a job or the merge failed.

Each call of :func:`hopsim.cli.main` makes its own :class:`Invocation` (:func:`invocation`),
which the callback Hydra instantiates reaches through :func:`current`: two commands run in
one Python process share nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.utils import JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from hopsim.io import (
    ERROR_NAME,
    RESULT_NAME,
    UNWRITABLE_DIR,
    DatasetError,
    count_jobs,
    job_finished,
    merge_jobs,
    parse_sweep,
    save_dataset,
)
from hopsim.job_folders import dir_problem
from hopsim.progress import SweepProgress, mark_job


@dataclass
class Invocation:
    """What one call of the command is writing, and whether anything failed.

    Attributes
    ----------
    mode : str or None
        ``"run"`` or ``"multirun"`` once Hydra has started (None before).
    dir : str or None
        The run or sweep folder (for the Ctrl-C message).
    failed : bool
        A callback failed (Hydra only warns about it): the command exits 1.
    progress : SweepProgress or None
        The multirun's progress display, in the launching process.
    """

    mode: str | None = None
    dir: str | None = None
    failed: bool = False
    progress: SweepProgress | None = None


#: The invocation of the command running in this context (set by :func:`invocation`).
_CURRENT: ContextVar[Invocation] = ContextVar("hopsim_invocation")


@contextmanager
def invocation() -> Iterator[Invocation]:
    """A fresh :class:`Invocation` for one command, current until the block ends."""
    run = Invocation()
    token = _CURRENT.set(run)
    try:
        yield run
    finally:
        _CURRENT.reset(token)


def current() -> Invocation:
    """The running command's :class:`Invocation`.

    Outside :func:`invocation` (a job in a launcher's worker process, or a Hydra app
    called without :func:`hopsim.cli.main`) a new one: nothing is shared with anyone.
    """
    try:
        return _CURRENT.get()
    except LookupError:
        run = Invocation()
        _CURRENT.set(run)
        return run


def fail(message: str) -> None:
    """Report ``message`` as the command's one error line and exit 1."""
    current().failed = True
    print(f"hopsim: error: {message}", file=sys.stderr)
    raise SystemExit(1)


def interrupted_message(run: Invocation) -> str:
    """One line for Ctrl-C: what ``run`` kept."""
    where = run.dir
    if where is None:
        return "hopsim: interrupted before any job started; nothing was written"
    if run.mode == "multirun":
        done, _ = count_jobs(where)
        return (
            f"hopsim: interrupted; kept {done} finished job(s) in {where} (no merged "
            f"{RESULT_NAME}); run the same command with resume=true to do the rest"
        )
    if (Path(where) / RESULT_NAME).is_file():
        return f"hopsim: interrupted; {Path(where) / RESULT_NAME} was already written"
    return f"hopsim: interrupted; no result was written in {where}"


def _start_progress(config: DictConfig, sweep_dir: Path) -> SweepProgress | None:
    """The sweep's progress display (see :mod:`hopsim.progress`), or None if it cannot run."""
    from hopsim.sweeps import sweep_size

    try:
        hydra = config.hydra
        total = None
        if "BasicSweeper" in str(OmegaConf.select(hydra, "sweeper._target_", default="")):
            params = OmegaConf.select(hydra, "sweeper.params", default=None) or {}
            arguments = [f"{k}={v}" for k, v in params.items()]
            total = sweep_size(arguments + list(hydra.overrides.task))
        shown = str(config.get("progress", "auto"))
        to_stderr = shown == "on" or (shown not in ("on", "off") and sys.stderr.isatty())
        in_process = "BasicLauncher" in str(OmegaConf.select(hydra, "launcher._target_"))
        return SweepProgress(sweep_dir, total, to_stderr=to_stderr, poll=not in_process)
    except Exception:
        return None


class MergeResults(Callback):
    """Checks the run or sweep folder first; on multirun end merges the job datasets
    (swept keys become dims) and reports failed jobs.

    Runs in the launching process for every launcher (basic, joblib, submitit), so the
    merged dataset does not depend on the launcher. If some jobs failed, the merged file
    is still written (their cells are NaN) and the command exits with status 1. A merge
    that cannot complete is one line on stderr and exit status 1.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        run_dir = Path(str(config.hydra.run.dir))
        run = current()
        run.mode, run.dir = "run", str(run_dir)
        problem = dir_problem(run_dir)
        if problem:
            fail(f"cannot write the run folder: {problem} (set hydra.run.dir=...)")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir))
        run = current()
        run.mode, run.dir = "multirun", str(sweep_dir)
        problem = dir_problem(sweep_dir)
        if problem:
            fail(f"cannot write the sweep folder: {problem} (set hydra.sweep.dir=...)")
        # the record of unwritable job folders is about this sweep only
        shutil.rmtree(sweep_dir / UNWRITABLE_DIR, ignore_errors=True)
        run.progress = _start_progress(config, sweep_dir)

    def on_job_end(self, config: DictConfig, job_return: Any = None, **kwargs: Any) -> None:
        """Leave the job's progress marker (in the job's process, for every launcher)."""
        try:
            hc = config.hydra
            if hc.mode != RunMode.MULTIRUN:
                return
            failed = not job_finished(hc.runtime.output_dir) or (
                getattr(job_return, "status", JobStatus.COMPLETED) != JobStatus.COMPLETED
            )
            mark_job(hc.sweep.dir, hc.job.num, failed)
            progress = current().progress
            if progress is not None and progress.pid == os.getpid():
                progress.update()  # jobs in this process (basic launcher): report it now
        except Exception:
            pass

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        run = current()
        progress, run.progress = run.progress, None
        if progress is not None:
            progress.close()
        try:
            self._merge(config)
        except DatasetError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write the merged result: {exc.filename or ''} {exc.strerror or exc}")
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else ""
            fail(f"the merge failed: {type(exc).__name__}: {first}")

    def _merge(self, config: DictConfig) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        overrides = list(config.hydra.overrides.task)
        if not sweep_dir.is_dir():
            fail(f"{sweep_dir}: the sweep folder is missing, no job ran")
        if any(o.split("=", 1)[0].lstrip("+~") == "experiment" and "," in o for o in overrides):
            print("hopsim: several experiments in one sweep: job results are not merged")
            done, unfinished = count_jobs(sweep_dir)
            if unfinished:
                fail(
                    f"{unfinished} of {done + unfinished} jobs did not finish (see "
                    f"{ERROR_NAME} in their folders)"
                )
            return
        parse_sweep(overrides)  # a key given twice is an error before anything is read
        merged, failed = merge_jobs(sweep_dir, overrides)
        path = save_dataset(merged, sweep_dir / RESULT_NAME)
        dims = ", ".join(f"{d}={n}" for d, n in merged.sizes.items())
        print(f"hopsim: merged {merged.attrs['jobs'] - len(failed)} jobs into {path} ({dims})")
        if failed:
            fail(
                f"{len(failed)} of {merged.attrs['jobs']} jobs failed (NaN in the merged "
                f"dataset, listed in attr failed_jobs): {'; '.join(failed)}"
            )
