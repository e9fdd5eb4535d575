"""Shared helpers for the figure scripts in ``analysis/``.

Each script: ``python analysis/NAME.py [RUN_DIR_OR_FILE]`` reads a dataset (the
newest run of its experiment when no path is given), draws with seaborn, labels
axes from ``long_name`` and ``units``, and writes PNG and PDF next to the dataset.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import xarray as xr  # noqa: E402

from hopsim.io import DatasetError, load_dataset, newest_result, resolve_result_path  # noqa: E402


def axis_label(da: xr.DataArray | xr.Variable, fallback: str = "") -> str:
    """``long_name [units]`` of a variable or coordinate (units omitted when "1")."""
    name = da.attrs.get("long_name", getattr(da, "name", None) or fallback)
    units = da.attrs.get("units", "")
    return f"{name} [{units}]" if units and units != "1" else str(name)


def save_figure(fig: plt.Figure, out_dir: str | Path, stem: str) -> list[Path]:
    """Write ``stem.png`` (150 dpi) and ``stem.pdf`` into ``out_dir``; return the paths."""
    out_dir = Path(out_dir)
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.pdf"]
    for path in paths:
        fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return paths


def open_from_cli(experiment: str, description: str, argv: list[str] | None = None):
    """Parse ``[PATH]`` from the command line and load the dataset.

    Returns
    -------
    (xr.Dataset, Path)
        The dataset and the folder to write figures into.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "path",
        nargs="?",
        help=f"run or sweep directory, or a result.nc (default: newest runs/{experiment} result)",
    )
    parser.add_argument("--runs", default="runs", help="root of the runs tree (default: runs)")
    args = parser.parse_args(argv)
    try:
        path = resolve_result_path(args.path) if args.path else newest_result(args.runs, experiment)
        ds = load_dataset(path)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if ds.attrs.get("experiment") != experiment:
        print(
            f"error: {path}: dataset of experiment {ds.attrs.get('experiment')!r}, "
            f"this script draws {experiment!r}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return ds, path.parent


def report(paths: list[Path]) -> None:
    """Print the written figure files."""
    for path in paths:
        print(f"wrote {path}")
