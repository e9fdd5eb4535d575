"""The ``hopsim`` command: compose -> validate -> run -> save.

``main()`` first composes and validates the config of every job of a sweep (a
*preflight*; :func:`hopsim.preflight.preflight`), so an impossible value or combination of values
stops the command with one line on stderr and exit status 2 before any job starts
or any file is written.
It then hands over to the Hydra app, which runs one job or a multirun.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import hydra
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from hopsim import callbacks, console, experiments
from hopsim.config import to_yaml
from hopsim.io import (
    ERROR_NAME,
    RESULT_NAME,
    clean_stale_temporaries,
    job_finished,
    provenance_attrs,
    save_dataset,
    write_text_atomic,
)
from hopsim.job_folders import redirected_job
from hopsim.parallel import configure_threads, threads_for_params
from hopsim.plan import long_run_notice, plan_lines
from hopsim.preflight import Checked, check_cost, fail, preflight, validate_common
from hopsim.resources import ResourceError
from hopsim.rng import SeedTree

_NO_PREFLIGHT = {"-h", "--help", "--hydra-help", "--info", "-i", "--shell-completion", "-sc"}


def _show_progress(cfg: DictConfig) -> bool:
    if cfg.progress == "on":
        return True
    if cfg.progress == "off":
        return False
    multirun = HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN
    return not multirun and sys.stderr.isatty()


#: Keys that change how a job runs but not what it computes.
RUN_ONLY_KEYS = ("resume", "progress", "threads", "allow_long", "plan")


def identity_yaml(config_yaml: str) -> str:
    """The resolved config without run-only keys: what resume compares."""
    cfg = OmegaConf.create(config_yaml)
    for key in RUN_ONLY_KEYS:
        cfg.pop(key, None)
    return OmegaConf.to_yaml(cfg)


def _same_config(path: Path, config_yaml: str) -> bool:
    """Does the result at ``path`` come from the same resolved config (run-only keys aside)?"""
    from hopsim.io import DatasetError, load_dataset

    try:
        stored = load_dataset(path).attrs.get("config", "")
    except DatasetError:
        return False
    return identity_yaml(stored) == identity_yaml(config_yaml)


def run_job(cfg: DictConfig, output_dir: Path, overrides: list[str]) -> Path:
    """Validate, run and save one job; return the result path."""
    validate_common(cfg)
    module = experiments.load(str(cfg.experiment))
    params = experiments.prepare(module, cfg)  # the preflight's, when it ran in this process
    check_cost(module, params, cfg, overrides)  # refused as the preflight refuses it
    config_yaml = to_yaml(cfg)
    result_path = output_dir / RESULT_NAME
    clean_stale_temporaries(output_dir)
    if cfg.resume and job_finished(output_dir) and _same_config(result_path, config_yaml):
        print(f"hopsim: {result_path} exists with the same config; skipped (resume=true)")
        return result_path
    # A new attempt: the outcome of an earlier one in this folder no longer stands.
    for name in (RESULT_NAME, ERROR_NAME, SUMMARY_NAME):
        try:
            (output_dir / name).unlink(missing_ok=True)
        except OSError as exc:
            raise ResultWriteError(f"cannot replace {output_dir / name}: {exc.strerror}") from None
    launcher = None
    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        launcher = HydraConfig.get().launcher
    configure_threads(threads_for_params(params, cfg.get("threads", "auto"), launcher))
    console.use_thread_lock_for_bars()
    started = time.perf_counter()
    ds = module.run(params, SeedTree(int(cfg.seed)), progress=_show_progress(cfg))
    ds.attrs.update(provenance_attrs(str(cfg.experiment), int(cfg.seed), config_yaml, overrides))
    ds.attrs["wall_time_s"] = round(time.perf_counter() - started, 3)
    summary = module.summary(ds)
    ds.attrs["summary"] = summary
    # result.nc is written last: it exists only if everything the job does succeeded
    summary_path = output_dir / SUMMARY_NAME
    try:
        write_text_atomic(summary_path, summary + "\n")
    except OSError as exc:
        raise ResultWriteError(f"cannot write {summary_path}: {exc.strerror or exc}") from None
    try:
        save_dataset(ds, result_path)
    except OSError as exc:
        raise ResultWriteError(f"cannot write {result_path}: {exc.strerror or exc}") from None
    print(f"{summary} [{ds.attrs['wall_time_s']:.2f} s] Wrote {result_path}")
    return result_path


#: The paragraph a job prints, written beside its result.nc (and kept as the attr ``summary``).
SUMMARY_NAME = "summary.txt"


class ResultWriteError(RuntimeError):
    """The result file could not be written (a full disk, a folder made read-only)."""


@hydra.main(config_path="pkg://hopsim.conf", config_name="config", version_base="1.3")
def _hydra_app(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    output_dir = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    if hc.mode != RunMode.MULTIRUN:
        try:
            run_job(cfg, output_dir, overrides)
        except ResultWriteError as exc:
            callbacks.fail(str(exc))
        except ResourceError as exc:  # the preflight's refusal, met only by the job itself
            fail(str(exc))
        return
    # In a sweep a failing job must not stop the others: record it and go on.
    # The merge callback marks it NaN and lists it; the command then exits non-zero.
    problem = redirected_job(output_dir)
    try:
        if problem:
            raise ResultWriteError(f"cannot write its folder: {problem}")
        run_job(cfg, output_dir, overrides)
    except Exception as exc:
        try:
            (output_dir / ERROR_NAME).write_text(traceback.format_exc())
        except OSError:
            pass  # the folder cannot be written: the missing result.nc marks the failure
        print(f"hopsim: job {hc.job.num} failed: {type(exc).__name__}: {exc}", file=sys.stderr)


def main() -> None:
    """Entry point of the ``hopsim`` console script and ``python -m hopsim``.

    Each call is one :class:`hopsim.callbacks.Invocation`: two calls in one Python process
    share no state (a failed command does not fail the next one).
    """
    argv = sys.argv[1:]
    with callbacks.invocation() as run:
        with console.interruptible():
            try:
                with console.quiet_broken_pipe():
                    if not _NO_PREFLIGHT.intersection(argv) and not any(
                        a.startswith("--cfg") for a in argv
                    ):
                        checked = preflight(argv)
                        GlobalHydra.instance().clear()
                        if checked.plan:
                            _print_plan(checked)
                            return
                        _announce(checked)
                        argv = [*argv, *checked.hydra_overrides]
                    os.environ.setdefault("HYDRA_FULL_ERROR", "0")
                    with _arguments(argv):
                        _hydra_app()
                if console.interrupted():  # a Ctrl-C whose KeyboardInterrupt was lost
                    raise KeyboardInterrupt
            except KeyboardInterrupt:
                _interrupted(run)
        if run.failed:  # a callback's failure that Hydra only warned about
            raise SystemExit(1)


def _print_plan(checked: Checked) -> None:
    """``plan=true``: every job's estimate and the total on stdout; nothing runs or is
    written. A job the command would refuse is listed with its reason, and the command
    then ends with that refusal (exit 2)."""
    for line in plan_lines(checked.jobs):
        print(line)
    refused = [job for job in checked.jobs if job.refusal]
    if refused:
        which = f"job {refused[0].number}: " if checked.total > 1 else ""
        fail(f"{which}{refused[0].refusal}")


def _announce(checked: Checked) -> None:
    """Say at once on stderr what the command runs that it would otherwise refuse, and the
    memory a SLURM job asks for when it follows the estimate."""
    if checked.allow_long and (notice := long_run_notice(checked.jobs)):
        print(notice, file=sys.stderr)
    for override in checked.hydra_overrides:
        print(f"hopsim: {override} (the largest job's estimate and the interpreter)")


@contextlib.contextmanager
def _arguments(argv: list[str]) -> Iterator[None]:
    """``sys.argv`` as Hydra's app reads it: the command's arguments and the preflight's."""
    saved = sys.argv
    sys.argv = [saved[0] if saved else "hopsim", *argv]
    try:
        yield
    finally:
        sys.argv = saved


def _interrupted(run: callbacks.Invocation) -> None:
    """After Ctrl-C: stop the workers, then say what was kept (one line) and exit 130.

    The count is taken once no worker can write any more, so the line stays true; the
    temporaries of writes the killed workers left are removed (the kept files are whole).
    Exits at once: interpreter shutdown (numba and BLAS threads, a process pool's
    finalizers) must not run after the line.
    """
    console.stopping()
    console.stop_workers()
    if run.mode == "multirun" and run.dir:
        for folder in Path(run.dir).glob("*/"):
            for name in (RESULT_NAME, SUMMARY_NAME):
                clean_stale_temporaries(folder, name)
    print(callbacks.interrupted_message(run), file=sys.stderr)
    console.exit_now(console.EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
