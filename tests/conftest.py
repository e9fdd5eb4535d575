"""Shared test helpers: compose configs in-process and run the ``hopsim`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra

os.environ.setdefault("MPLBACKEND", "Agg")


def compose_config(*overrides: str):
    """Compose ``conf/config.yaml`` with overrides, as the command would."""
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module="hopsim.conf", version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides))
    finally:
        GlobalHydra.instance().clear()


@pytest.fixture
def hopsim_cmd(tmp_path: Path):
    """Run ``python -m hopsim`` in a subprocess with outputs under ``tmp_path``.

    Returns a function ``run(*overrides, multirun=False, cwd=tmp_path)`` giving the
    CompletedProcess; run and sweep dirs are ``tmp_path/run`` and ``tmp_path/sweep``.
    """

    def run(*overrides: str, multirun: bool = False, cwd: Path | None = None, timeout=300):
        args = [sys.executable, "-m", "hopsim"]
        if multirun:
            args.append("-m")
        args += [
            f"hydra.run.dir={tmp_path / 'run'}",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            *overrides,
        ]
        env = dict(os.environ, MPLBACKEND="Agg")
        return subprocess.run(
            args, cwd=cwd or tmp_path, capture_output=True, text=True, timeout=timeout, env=env
        )

    return run
