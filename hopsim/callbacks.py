"""Hydra callback: merge the jobs of a multirun into one ``result.nc`` in the sweep dir."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from hopsim.io import RESULT_NAME, DatasetError, merge_jobs, save_dataset


class MergeResults(Callback):
    """On multirun end: merge job datasets (swept keys become dims) and report failures.

    Runs in the launching process for every launcher (basic, joblib, submitit), so the
    merged dataset does not depend on the launcher. If some jobs failed, the merged file
    is still written (their cells are NaN) and the command exits with status 1.
    """

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        overrides = list(config.hydra.overrides.task)
        if not sweep_dir.is_dir():
            return
        if any(o.split("=", 1)[0].lstrip("+~") == "experiment" and "," in o for o in overrides):
            print("hopsim: several experiments in one sweep: job results are not merged")
            return
        try:
            merged, failed = merge_jobs(sweep_dir, overrides)
        except DatasetError as exc:
            print(f"hopsim: error: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        path = save_dataset(merged, sweep_dir / RESULT_NAME)
        dims = ", ".join(f"{d}={n}" for d, n in merged.sizes.items())
        print(f"hopsim: merged {merged.attrs['jobs'] - len(failed)} jobs into {path} ({dims})")
        if failed:
            print(
                f"hopsim: error: {len(failed)} of {merged.attrs['jobs']} jobs failed (NaN in the "
                f"merged dataset, listed in attr failed_jobs): {'; '.join(failed)}",
                file=sys.stderr,
            )
            raise SystemExit(1)
