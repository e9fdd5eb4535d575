"""Run, sweep and job folders: can they be written, and where a job that cannot goes.

The top-level config names its job folders through the resolver ``hopsim_job_subdir``
(:func:`job_subdir`), registered when this module is imported (the callbacks import it) and
before every composition (:func:`hopsim.composition.compose`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from hopsim.io import UNWRITABLE_DIR, folder_problem


def dir_problem(path: str | os.PathLike) -> str | None:
    """Why ``path`` cannot be used as an output folder, or None if it can (or can be made)."""
    problem = folder_problem(path)
    hydra_dir = Path(path) / ".hydra"
    if problem is None and hydra_dir.exists():
        if not hydra_dir.is_dir() or not os.access(hydra_dir, os.W_OK | os.X_OK):
            return f"{hydra_dir} cannot be written"
    return problem


def job_subdir(sweep_dir: str, num: Any) -> str:
    """``hydra.sweep.subdir`` of a job: its number, or ``.unwritable/<number>`` when the
    folder ``<sweep dir>/<number>`` cannot be written (a file in the way, read-only).

    Hydra creates and writes the job folder before hopsim runs; a folder that cannot be
    written would stop the whole sweep there. The redirected job runs only to record that
    it failed (see :func:`redirected_job`), and the others go on.
    """
    if dir_problem(Path(sweep_dir) / str(num)) is None:
        return str(num)
    return f"{UNWRITABLE_DIR}/{num}"


def register_resolver() -> None:
    """Register ``hopsim_job_subdir`` (:func:`job_subdir`), which ``conf/config.yaml`` uses."""
    if not OmegaConf.has_resolver("hopsim_job_subdir"):
        OmegaConf.register_new_resolver("hopsim_job_subdir", job_subdir)


register_resolver()


def redirected_job(output_dir: Path) -> str | None:
    """If this job was moved to ``.unwritable/`` (see :func:`job_subdir`): why."""
    if output_dir.parent.name != UNWRITABLE_DIR:
        return None
    intended = output_dir.parent.parent / output_dir.name
    return dir_problem(intended) or f"{intended} could not be written"
