"""Datasets on disk: atomic writes, provenance attributes, reading with clear errors.

Only this module and the CLI touch the file system for results.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

RESULT_NAME = "result.nc"
ENGINE = "h5netcdf"


class DatasetError(RuntimeError):
    """A result file that is missing, unreadable or not a hopsim dataset."""


def hopsim_version() -> str:
    """The installed hopsim version string."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hopsim")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def provenance_attrs(experiment: str, seed: int, config_yaml: str, overrides: list[str]) -> dict:
    """The global attrs every hopsim dataset carries (strings and numbers only)."""
    return {
        "experiment": experiment,
        "seed": int(seed),
        "config": config_yaml,
        "overrides": " ".join(overrides),
        "hopsim_version": hopsim_version(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def _clean_attrs(attrs: dict) -> dict:
    """netCDF attrs hold strings and numbers only: convert bools, drop Nones."""
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, (bool, np.bool_)):
            value = int(value)
        out[key] = value
    return out


def _prepare(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    ds.attrs = _clean_attrs(ds.attrs)
    for name in ds.variables:
        ds[name].attrs = _clean_attrs(ds[name].attrs)
        if ds[name].dtype == bool:
            ds[name] = ds[name].astype(np.int8)
    return ds


def save_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to ``path`` atomically (temporary file in the same folder, then rename).

    A reader never sees a half-written file: either the old file, no file, or the new one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        _prepare(ds).to_netcdf(tmp, engine=ENGINE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def resolve_result_path(path: str | os.PathLike) -> Path:
    """Accept a result file or a run/sweep directory that holds ``result.nc``."""
    path = Path(path)
    if path.is_dir():
        path = path / RESULT_NAME
    if not path.exists():
        raise DatasetError(f"{path}: no such result file (run hopsim first, or check the path)")
    return path


def load_dataset(path: str | os.PathLike) -> xr.Dataset:
    """Read a hopsim dataset fully into memory.

    Raises
    ------
    DatasetError
        One line naming the file and what is wrong with it.
    """
    path = resolve_result_path(path)
    try:
        with xr.open_dataset(path, engine=ENGINE) as ds:
            ds = ds.load()
    except Exception as exc:  # h5py/netCDF raise many types for corrupt files
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(f"{path}: not a readable netCDF dataset ({first})") from None
    if "experiment" not in ds.attrs:
        raise DatasetError(f"{path}: not a hopsim dataset (no 'experiment' attribute)")
    return ds


def newest_result(root: str | os.PathLike = "runs", experiment: str | None = None) -> Path:
    """The most recently modified ``result.nc`` under ``root`` (optionally one experiment's)."""
    root = Path(root)
    base = root / experiment if experiment else root
    found = sorted(base.rglob(RESULT_NAME), key=lambda p: p.stat().st_mtime)
    if not found:
        raise DatasetError(f"{base}: no {RESULT_NAME} found (run hopsim first)")
    return found[-1]
