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


def flag_attrs(long_name: str, meanings: tuple[str, ...] | list[str]) -> dict:
    """CF attrs of an int8 flag variable whose codes 0, 1, ... mean ``meanings``."""
    return {
        "long_name": long_name,
        "units": "1",
        "flag_values": np.arange(len(meanings), dtype=np.int8),
        "flag_meanings": " ".join(meanings),
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


# ----------------------------------------------------------------------------- multirun merge

#: Dimension names for swept config keys; other keys use their last component.
SWEEP_DIM_NAMES = {
    "corruption.level": "noise",
    "corruption.kind": "corruption",
    "dynamics.update": "update",
}


def sweep_dim_name(key: str) -> str:
    """Dataset dimension for a swept config key, e.g. ``network.N`` -> ``N``."""
    key = key.lstrip("+~").split("@", 1)[0]
    return SWEEP_DIM_NAMES.get(key, key.replace("/", ".").rsplit(".", 1)[-1])


def parse_sweep(overrides: list[str]) -> dict[str, list]:
    """Swept keys and their values, in order, from multirun override strings."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    swept = {}
    for ov in OverridesParser.create().parse_overrides(list(overrides)):
        if ov.is_sweep_override():
            key = ov.get_key_element().lstrip("+~")
            if key.startswith("hydra"):
                continue
            swept[key] = [_plain(v) for v in ov.sweep_iterator()]
    return swept


def _plain(value):
    from omegaconf import OmegaConf

    try:
        return OmegaConf.to_container(value) if hasattr(value, "_metadata") else value
    except Exception:  # noqa: BLE001
        return value


def job_values(job_dir: Path, keys: list[str]) -> tuple | None:
    """The values a job ran with for the swept keys (from its .hydra/overrides.yaml)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    path = job_dir / ".hydra" / "overrides.yaml"
    if not path.exists():
        return None
    found = {}
    for ov in OverridesParser.create().parse_overrides(list(OmegaConf.load(path))):
        found[ov.get_key_element().lstrip("+~")] = ov.value()
    if any(k not in found for k in keys):
        return None
    return tuple(found[k] for k in keys)


def merge_jobs(sweep_dir: str | os.PathLike, overrides: list[str]) -> tuple[xr.Dataset, list]:
    """Merge the job datasets of a multirun into one dataset.

    Every swept key becomes a dimension (see :func:`sweep_dim_name`). Cells of the
    sweep grid whose job failed, was interrupted or never ran are NaN and listed,
    as ``key=value`` strings, in the attr ``failed_jobs`` (``; ``-separated).

    Returns
    -------
    (xarray.Dataset, list)
        The merged dataset and the list of failed cells.
    """
    import itertools

    import pandas as pd

    sweep_dir = Path(sweep_dir)
    swept = parse_sweep(overrides)
    keys = list(swept)
    dims = [sweep_dim_name(k) for k in keys]
    grid = list(itertools.product(*swept.values()))
    loaded: dict[tuple, xr.Dataset] = {}
    for job_dir in sorted(p for p in sweep_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        values = job_values(job_dir, keys)
        if values is None or not (job_dir / RESULT_NAME).exists():
            continue
        try:
            loaded[values] = load_dataset(job_dir / RESULT_NAME)
        except DatasetError:
            continue
    failed = [
        ", ".join(f"{k}={v}" for k, v in zip(keys, cell, strict=True))
        for cell in grid
        if cell not in loaded
    ]
    if not loaded:
        raise DatasetError(f"{sweep_dir}: no job produced a readable {RESULT_NAME}")
    cells = [cell for cell in grid if cell in loaded]
    parts = []
    for cell in cells:
        ds = loaded[cell]
        # a swept key the experiment already writes as a dim (a list of one value) is squeezed
        ds = ds.squeeze([d for d in dims if d in ds.dims and ds.sizes[d] == 1])
        parts.append(ds.drop_vars([d for d in dims if d in ds.variables]))
    first = loaded[cells[0]]
    merged = xr.concat(
        parts,
        dim="job",
        coords="different",
        compat="equals",
        join="outer",
        combine_attrs="drop_conflicts",
        data_vars="all",
    )
    if keys:
        index = pd.MultiIndex.from_tuples(cells, names=dims)
        merged = merged.assign_coords(xr.Coordinates.from_pandas_multiindex(index, "job"))
        merged = merged.unstack("job").reindex(
            {d: list(v) for d, v in zip(dims, swept.values(), strict=True)}
        )
        for d in dims:
            if d in first.variables:
                merged[d].attrs.update(first[d].attrs)
            else:
                merged[d].attrs.update(long_name=d, units="1")
        merged = merged.transpose(*dims, ...)
    else:
        merged = merged.isel(job=0, drop=True)
    for name in merged.variables:  # ints that gained NaN must not keep an int encoding
        merged[name].encoding = {}
    merged.attrs.update(
        {k: first.attrs[k] for k in ("experiment", "hopsim_version") if k in first.attrs}
    )
    merged.attrs.update(
        sweep=" ".join(overrides),
        swept_keys=" ".join(keys),
        jobs=len(grid),
        failed_jobs="; ".join(failed),
        n_failed=len(failed),
        created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    for key in ("config", "overrides", "wall_time_s"):
        merged.attrs.pop(key, None)
    merged.attrs["config"] = first.attrs.get("config", "")
    merged.attrs["seed"] = first.attrs.get("seed", -1)
    return merged, failed
