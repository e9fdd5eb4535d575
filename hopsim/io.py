"""Datasets on disk: atomic writes, provenance attributes, reading with clear errors.

Only this module and the CLI touch the file system for results.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import itertools
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import xarray as xr

RESULT_NAME = "result.nc"
#: Written by a job that failed, with the traceback; a job with it is not finished.
ERROR_NAME = "error.txt"
#: Sweep subfolder that receives the jobs whose own folder cannot be written.
UNWRITABLE_DIR = ".unwritable"
ENGINE = "h5netcdf"


class DatasetError(ValueError):
    """A result file that is missing, unreadable or not a hopsim dataset (one line)."""


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


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no /proc: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def _tmp_prefix(path: Path) -> str:
    """Temporaries are ``.<name>.<host>.<pid>.<random>.tmp``: who wrote them is in the name."""
    return f".{path.name}.{socket.gethostname()}.{os.getpid()}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _is_stale(tmp: Path, name: str, now: float) -> bool:
    """A temporary whose writer is gone: a dead pid on this host, or old enough elsewhere."""
    middle = tmp.name[len(name) + 2 : -len(".tmp")]
    parts = middle.rsplit(".", 2)
    try:
        age = now - tmp.stat().st_mtime
    except OSError:
        return False
    if len(parts) == 3 and parts[1].isdigit():
        host, pid = parts[0], int(parts[1])
        if host == socket.gethostname():
            return not _pid_alive(pid)
        return age > STALE_FOREIGN_TMP_S
    return age > STALE_LEGACY_TMP_S  # written by an older hopsim, without host and pid


#: A temporary from another host (shared file system) is stale after this many seconds.
STALE_FOREIGN_TMP_S = 24 * 3600
#: A temporary named without host and pid (older hopsim versions) is stale after this.
STALE_LEGACY_TMP_S = 600


def clean_stale_temporaries(folder: str | os.PathLike, name: str = RESULT_NAME) -> list[Path]:
    """Remove ``.<name>.*.tmp`` files left in ``folder`` by writes that were killed.

    A temporary is removed only when its writer is gone (see :func:`_is_stale`), so a
    write in progress in another process is never disturbed. Returns the removed paths.
    """
    import time

    folder = Path(folder)
    removed = []
    try:
        candidates = list(folder.glob(f".{name}.*.tmp"))
    except OSError:
        return removed
    now = time.time()
    for tmp in candidates:
        if _is_stale(tmp, name, now):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` that becomes ``path`` when the block succeeds.

    Write the file to the yielded path; on leaving the block it gets the permissions the umask
    allows (0644 under umask 022) and is renamed onto ``path``, so a reader never sees a
    half-written file: either the old file, no file, or the new one. On any error (or Ctrl-C)
    the temporary is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(path), suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def folder_problem(path: str | os.PathLike) -> str | None:
    """Why ``path`` cannot be an output folder (a file in the way, read-only), or None if
    it is a writable folder or can be made one. Nothing is created."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            return f"{path} is not a folder (a file is in the way)"
        if not os.access(path, os.W_OK | os.X_OK):
            return f"{path} is read-only"
        return None
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot create {path}: {parent} is a file"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot create {path}: {parent} is read-only"
    return None


def prepare_folder(path: str | os.PathLike) -> str | None:
    """Create the folder ``path`` and check that a file can be written in it.

    Returns None when it can, else why not (one line); then the folders made here are
    removed again. Catches what :func:`folder_problem` cannot see, such as ``/proc/x``
    or a read-only file system for root.
    """
    path = Path(path)
    problem = folder_problem(path)
    if problem:
        return problem
    created, folder = [], path
    while not (folder.exists() or folder.is_symlink()) and folder != folder.parent:
        created.append(folder)  # deepest first
        folder = folder.parent
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check.", suffix=".tmp", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        return f"cannot write into {path}: {exc.strerror or exc}"
    return None


def save_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to ``path`` atomically (:func:`atomic_path`).

    Temporaries of earlier writes that were killed are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path.parent, path.name)
    with atomic_path(path) as tmp:
        _prepare(ds).to_netcdf(tmp, engine=ENGINE)
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (:func:`atomic_path`): ``summary.txt``, the
    gallery's pages."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


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


def save_network(net, path: str | os.PathLike) -> Path:
    """Write a learned network to ``path`` (NetCDF-4, atomically): :mod:`hopsim.persist`."""
    from hopsim.persist import network_dataset

    return save_dataset(network_dataset(net), path)


def _open_network(path: str | os.PathLike, key: str = "path"):
    """``path`` opened lazily (metadata only), or DatasetError naming ``key``."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{key}={str(path)!r}: no such network file")
    try:
        return path, xr.open_dataset(path, engine=ENGINE)
    except Exception as exc:  # h5py raises many types for truncated or foreign files
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(f"{key}={str(path)!r}: not a readable network file ({first})") from None


def network_header(path: str | os.PathLike, key: str = "path") -> dict:
    """The attrs of a saved network (N, P, rule, ...), checked, without reading its arrays.

    Raises :class:`DatasetError` (one line naming ``key``) for a missing, truncated or
    foreign file.
    """
    from hopsim.persist import NetworkFileError, check_header

    path, ds = _open_network(path, key)
    with ds:
        try:
            check_header(ds.attrs, f"{key}={str(path)!r}")
        except NetworkFileError as exc:
            raise DatasetError(str(exc)) from None
        attrs = {k: v.item() if isinstance(v, np.generic) else v for k, v in ds.attrs.items()}
        attrs["nbytes"] = int(sum(v.nbytes for v in ds.variables.values()))
        return attrs


def load_network(path: str | os.PathLike, key: str = "path"):
    """The network saved at ``path`` (:meth:`hopsim.network.Network.save`), bit for bit.

    Raises
    ------
    DatasetError
        One line naming the file: missing, truncated, not a saved network, or inconsistent.
    """
    from hopsim.persist import NetworkFileError, network_from_dataset

    path, ds = _open_network(path, key)
    with ds:
        try:
            return network_from_dataset(ds.load(), f"{key}={str(path)!r}")
        except NetworkFileError as exc:
            raise DatasetError(str(exc)) from None
        except Exception as exc:  # reading the arrays of a damaged file
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DatasetError(f"{key}={str(path)!r}: unreadable network ({first})") from None


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
    "images.paths": "image",
    "rules.names": "rule",
    "network.energy": "energy_function",  # recall's own variable "energy" keeps its name
    "dense_capacity.N_exp": "N",  # the exp energy's sizes share the dimension N
    # gradients: the learning-rate search's own dimensions (not the sweep's lag), and the
    # per-model learning rates (the last part alone would name a dimension "gru")
    "search.lrs": "search_lr",
    "search.lags": "search_lag",
    "train.lr.rnn": "lr_rnn",
    "train.lr.gru": "lr_gru",
    "train.lr.lstm": "lr_lstm",
    "train.lr.lstm_forget1": "lr_lstm_forget1",
}


def sweep_dim_name(key: str) -> str:
    """Dataset dimension for a swept config key, e.g. ``network.N`` -> ``N``."""
    key = key.lstrip("+~").split("@", 1)[0]
    return SWEEP_DIM_NAMES.get(key, key.replace("/", ".").rsplit(".", 1)[-1])


def _own_dim_names(key: str) -> list[str]:
    """Names the experiment's own dimension for ``key`` may have: ``mc.temperatures`` ->
    ``temperatures``, ``temperature``; ``images.paths`` -> ``image``."""
    name = sweep_dim_name(key)
    names = [name]
    if name.endswith("ies") and len(name) > 3:
        names.append(name[:-3] + "y")  # energies -> energy
    elif name.endswith("s") and len(name) > 1:
        names.append(name[:-1])
    return names


def _override_key(ov) -> str:
    return ov.get_key_element().lstrip("+~")


def parse_sweep(overrides: list[str]) -> dict[str, list]:
    """Swept keys and their values, in order, from multirun override strings.

    Raises
    ------
    DatasetError
        A swept key given again later (the jobs ran with the later value only).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    swept, seen = {}, {}
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    for text, ov in zip(overrides, parsed, strict=True):
        key = _override_key(ov)
        if key.startswith("hydra"):
            continue
        if key in swept:  # a later value wins: the jobs ran it, not the swept values
            raise DatasetError(
                f"{key} is given twice ({seen[key]} and {text}): the jobs ran with the last "
                "one only, so they cannot be merged into a grid; give each key once"
            )
        seen[key] = text
        if ov.is_sweep_override():
            swept[key] = [_plain(v) for v in ov.sweep_iterator()]
    return swept


def _plain(value):
    from omegaconf import OmegaConf

    try:
        return OmegaConf.to_container(value) if hasattr(value, "_metadata") else value
    except Exception:
        return value


def _canon(value):
    """A hashable stand-in for a config value: lists and dicts as compact JSON text."""
    value = _plain(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return value


def job_values(job_dir: Path, keys: list[str]) -> tuple | None:
    """The values a job ran with for the swept keys (from its .hydra/overrides.yaml).

    Lists and dicts are returned as compact JSON text (see :func:`_canon`), so that the
    values can label a grid cell. None if the job did not record them.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    path = job_dir / ".hydra" / "overrides.yaml"
    try:
        if not path.is_file():
            return None
        texts = list(OmegaConf.load(path))
    except OSError:
        return None
    found = {}
    for ov in OverridesParser.create().parse_overrides(texts):
        found[_override_key(ov)] = ov.value()
    if any(k not in found for k in keys):
        return None
    return tuple(_canon(found[k]) for k in keys)


def job_finished(job_dir: str | os.PathLike) -> bool:
    """Did the job in ``job_dir`` finish: its ``result.nc`` is there and no ``error.txt``?

    The CLI writes ``result.nc`` last, after everything else the job does (the summary
    included) succeeded, and removes both files when a job starts again; so a job that
    crashed after computing its result, or was interrupted, is not finished.
    """
    job_dir = Path(job_dir)
    try:
        return (job_dir / RESULT_NAME).is_file() and not (job_dir / ERROR_NAME).exists()
    except OSError:
        return False


def _job_dirs(sweep_dir: Path) -> list[Path]:
    unwritable = sweep_dir / UNWRITABLE_DIR
    skip = {p.name for p in unwritable.iterdir()} if unwritable.is_dir() else set()
    dirs = [p for p in sweep_dir.iterdir() if p.name.isdigit() and p.name not in skip]
    return sorted((p for p in dirs if p.is_dir()), key=lambda p: int(p.name))


def count_jobs(sweep_dir: str | os.PathLike) -> tuple[int, int]:
    """(finished, unfinished) job folders of a sweep, without reading any dataset."""
    sweep_dir = Path(sweep_dir)
    try:
        dirs = [p for p in sweep_dir.iterdir() if p.name.isdigit()]
        unwritable = sweep_dir / UNWRITABLE_DIR
        bad = {p.name for p in unwritable.iterdir()} if unwritable.is_dir() else set()
    except OSError:
        return 0, 0
    done = sum(1 for p in dirs if p.name not in bad and job_finished(p))
    return done, len(dirs) + len(bad - {p.name for p in dirs}) - done


def _label_values(values: list) -> tuple[list, bool]:
    """Coordinate labels for a new sweep dimension: the values themselves, or, if any is
    a list or a dict, every value as compact JSON text (one label per job)."""
    as_text = any(isinstance(v, (list, tuple, dict)) for v in values)
    labels = [_canon(v) if as_text else v for v in values]
    return labels, as_text


def _value_count(value) -> int:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            parsed = json.loads(value)
        except ValueError:
            return 1
        return len(parsed) if isinstance(parsed, (list, dict)) else 1
    return 1


def _values_of(value) -> list:
    """The values a job ran with for one key, as a list (JSON text decoded)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return list(parsed) if isinstance(parsed, list) else [parsed]
    return [value]


def _same(a, b) -> bool:
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return bool(np.isclose(float(a), float(b), rtol=1e-12, atol=0.0))
    return str(a) == str(b)


def _choose_dims(keys: list[str], loaded: dict[tuple, xr.Dataset]) -> list[tuple[str, bool]]:
    """For each swept key: (dimension, is the experiment's own dimension).

    A key is merged along the experiment's own dimension (``mc.temperatures`` along
    ``temperature``, ``network.N`` of capacity along ``N``, ``dense_capacity.energies`` along
    ``energy``) when every finished job has that dimension and either every value it ran with
    is one of its coordinates, or it has one entry per value and the jobs' coordinates do not
    repeat. Any other key becomes a new dimension named by :func:`sweep_dim_name`, or by the
    key with dots as underscores if that name is already one of the experiment's dimensions or
    variables.
    """
    datasets = list(loaded.items())
    all_dims = set().union(*(ds.dims for _, ds in datasets))
    # names a new dimension may not take: dims, data variables, coordinates with dims (a
    # scalar coordinate of the same name, e.g. recall's N, is replaced by the new dimension)
    taken = all_dims.union(
        *(set(ds.data_vars) | {c for c in ds.coords if ds[c].ndim} for _, ds in datasets)
    )
    out = []
    for i, key in enumerate(keys):
        own = None
        for name in _own_dim_names(key):
            if not all(name in ds.dims and name in ds.coords for _, ds in datasets):
                continue
            coords = [(cell, ds[name].values.tolist()) for cell, ds in datasets]
            if all(
                all(any(_same(v, c) for c in cs) for v in _values_of(cell[i]))
                for cell, cs in coords
            ):
                own = name
                break
            sized = all(len(cs) == _value_count(cell[i]) for cell, cs in coords)
            per_value = {}
            for cell, cs in coords:
                per_value.setdefault(cell[i], cs)
            labels = [str(x) for cs in per_value.values() for x in cs]
            if sized and len(set(labels)) == len(labels):
                own = name
                break
        if own is not None:
            out.append((own, True))
            continue
        name = sweep_dim_name(key)
        if name in taken:
            name = key.lstrip("+~").replace(".", "_").replace("/", "_")
        if name in taken or name in [d for d, _ in out]:
            raise DatasetError(f"cannot name a dimension for swept key {key}: {name} is taken")
        out.append((name, False))
    return out


def _along_own(parts: list[xr.Dataset], dim: str) -> xr.Dataset:
    """Jobs that differ along one of the experiment's own dimensions, as one dataset:
    concatenated if their coordinates there are disjoint, else combined on the union of the
    coordinates, the first job's values kept where they overlap (a coordinate every job
    computes, such as a reference method, or a dimension two keys fill; such cells are the
    same computation, up to timings)."""
    labels = [str(x) for p in parts for x in p[dim].values.tolist()]
    if len(set(labels)) == len(labels):
        return _concat(parts, dim, own=True)
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.combine_first(part)
    return merged


def _concat(parts: list[xr.Dataset], dim: str, own: bool) -> xr.Dataset:
    return xr.concat(
        parts,
        dim=dim,
        coords="different",
        compat="equals",
        join="outer",
        combine_attrs="drop_conflicts",
        data_vars="different" if own else "all",
    )


def merge_jobs(sweep_dir: str | os.PathLike, overrides: list[str]) -> tuple[xr.Dataset, list]:
    """Merge the job datasets of a multirun into one dataset.

    Every swept key becomes a dimension: the experiment's own dimension when the key is one
    of its lists (``mc.temperatures=2.0,2.5`` gives ``temperature`` = [2.0, 2.5], not a second
    dimension), otherwise a new one named by :func:`sweep_dim_name`, labelled by the values,
    or by the values as JSON text when they are lists (``network.theta=[0,1],[1,0]`` gives
    labels ``"[0,1]"``, ``"[1,0]"``). Cells of the sweep grid whose job failed, was
    interrupted or never ran (see :func:`job_finished`) are NaN and listed, as ``key=value``
    strings, in the attr ``failed_jobs`` (``; ``-separated).

    Returns
    -------
    (xarray.Dataset, list)
        The merged dataset and the list of failed cells.

    Raises
    ------
    DatasetError
        One line: no job finished, a key given twice, datasets that do not fit together.
    """
    sweep_dir = Path(sweep_dir)
    swept = parse_sweep(overrides)
    keys = list(swept)
    canon = {}
    for key, values in swept.items():  # a value swept twice is one cell (its last job's)
        distinct = {}
        for value in values:
            distinct.setdefault(_canon(value), value)
        swept[key], canon[key] = list(distinct.values()), list(distinct)
    grid = list(itertools.product(*canon.values()))
    loaded = _finished_jobs(sweep_dir, keys)
    failed = [
        ", ".join(f"{k}={_canon(v)}" for k, v in zip(keys, cell, strict=True))
        for cell in grid
        if cell not in loaded
    ]
    cells = [cell for cell in grid if cell in loaded]
    if not cells:
        raise DatasetError(f"{sweep_dir}: no job finished, nothing to merge")
    first = loaded[cells[0]]
    dims = _choose_dims(keys, {c: loaded[c] for c in cells})
    try:
        merged = _merge_cells(keys, swept, canon, dims, {c: loaded[c] for c in cells})
    except DatasetError:
        raise
    except Exception as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise DatasetError(
            f"{sweep_dir}: the job datasets do not fit together ({type(exc).__name__}: "
            f"{first_line})"
        ) from None
    for name in merged.variables:  # ints that gained NaN must not keep an int encoding
        merged[name].encoding = {}
    _sweep_attrs(merged, first, overrides, keys, dims, len(grid), failed)
    return merged, failed


def _finished_jobs(sweep_dir: Path, keys: list) -> dict[tuple, xr.Dataset]:
    """The datasets of the finished jobs that can be read, keyed by their swept values."""
    loaded: dict[tuple, xr.Dataset] = {}
    try:
        job_dirs = _job_dirs(sweep_dir)
    except OSError as exc:
        raise DatasetError(f"{sweep_dir}: cannot list the job folders ({exc.strerror})") from None
    for job_dir in job_dirs:
        values = job_values(job_dir, keys)
        if values is None or not job_finished(job_dir):
            continue
        try:
            loaded[values] = load_dataset(job_dir / RESULT_NAME)
        except DatasetError:
            continue
    return loaded


def _sweep_attrs(merged, first, overrides, keys, dims, jobs: int, failed: list) -> None:
    """The merged dataset's attrs: the first job's experiment, version, config and seed,
    and what was swept, over which dimensions, and which cells failed."""
    merged.attrs = {k: v for k, v in merged.attrs.items() if k not in ("config", "overrides")}
    merged.attrs.update(
        {k: first.attrs[k] for k in ("experiment", "hopsim_version") if k in first.attrs}
    )
    merged.attrs.update(
        sweep=" ".join(overrides),
        swept_keys=" ".join(keys),
        sweep_dims=" ".join(d for d, _ in dims),
        jobs=jobs,
        failed_jobs="; ".join(failed),
        n_failed=len(failed),
        created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    merged.attrs.pop("wall_time_s", None)
    merged.attrs["config"] = first.attrs.get("config", "")
    merged.attrs["seed"] = first.attrs.get("seed", -1)


def _merge_cells(keys, swept, canon, dims, loaded) -> xr.Dataset:
    """Combine the finished cells: along the experiment's own dimensions first (the last key
    innermost), then the groups that differ in the other keys along new dimensions."""
    import pandas as pd

    own_idx = [i for i, (_, own) in enumerate(dims) if own]
    new_idx = [i for i, (_, own) in enumerate(dims) if not own]
    new_dims = [dims[i][0] for i in new_idx]

    groups: dict[tuple, dict[tuple, xr.Dataset]] = {}
    for cell, ds in loaded.items():
        groups.setdefault(tuple(cell[i] for i in new_idx), {})[tuple(cell[i] for i in own_idx)] = ds

    def along_own(level: int, prefix: tuple, cells: dict) -> xr.Dataset | None:
        if level == len(own_idx):
            return cells.get(prefix)
        key = keys[own_idx[level]]
        parts = [
            sub
            for value in canon[key]
            if (sub := along_own(level + 1, prefix + (value,), cells)) is not None
        ]
        if len(parts) > 1:
            return _along_own(parts, dims[own_idx[level]][0])
        return parts[0] if parts else None

    order = [g for g in itertools.product(*(canon[keys[i]] for i in new_idx)) if g in groups]
    combined = [along_own(0, (), groups[g]) for g in order]
    if not new_idx:
        merged = combined[0]
    else:
        parts = [ds.drop_vars([d for d in new_dims if d in ds.variables]) for ds in combined]
        merged = _concat(parts, "job", own=False)
        index = pd.MultiIndex.from_tuples(order, names=new_dims)
        merged = merged.assign_coords(xr.Coordinates.from_pandas_multiindex(index, "job"))
        merged = merged.unstack("job")
    for (dim, own), key in zip(dims, keys, strict=True):
        if own:
            index = merged.indexes.get(dim)
            if index is not None and not index.is_unique:
                raise DatasetError(
                    f"{key}: the swept values repeat along the dimension {dim}; sweep each "
                    "value once"
                )
            present = list(index) if index is not None else []
            missing = _own_missing(key, dim, swept, canon, loaded, keys, present)
            if missing:
                try:
                    merged = merged.reindex({dim: [*present, *missing]})
                except Exception:
                    pass
        else:
            labels, as_text = _label_values(swept[key])
            merged = merged.reindex({dim: labels})
            first = next(iter(loaded.values()))
            if dim in first.variables and not as_text:
                merged[dim].attrs.update(first[dim].attrs)
            else:
                merged[dim].attrs.update(long_name=dim, units="1")
            if as_text:
                merged[dim].attrs["description"] = f"the value of {key}, as JSON text"
    return merged.transpose(*new_dims, ...)


def _own_missing(key, dim, swept, canon, loaded, keys, present) -> list:
    """Coordinates to add along an own dimension for the values no job finished with, so
    that their cells are NaN rather than absent."""
    i = keys.index(key)
    finished = {cell[i] for cell in loaded}
    missing = []
    for raw, value in zip(swept[key], canon[key], strict=True):
        if value in finished:
            continue
        for v in raw if isinstance(raw, (list, tuple)) else [raw]:
            if not any(_same(v, p) for p in [*present, *missing]):
                missing.append(v)
    return missing
