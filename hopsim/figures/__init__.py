"""Figures of hopsim datasets, from Python and from the command line.

One module per experiment family, each with ``figure(ds, **options) -> Figure`` (the main
figure; a ``kind=`` option picks the others) and ``figures(ds, **options) -> {stem: Figure}``
(every figure the family draws, keyed by the file stem ``analysis/<name>.py`` and
``hopsim-plot`` write). Importing :mod:`hopsim` registers the dataset accessor::

    ds = hopsim.io.load_dataset("runs/recall/.../result.nc")
    fig = ds.hopsim.plot()            # the figure that fits ds.attrs["experiment"]
    figs = ds.hopsim.figures()        # all of them, {stem: Figure}

Modules are imported on first use, so ``import hopsim`` does not load matplotlib; the
accessor itself lives in :mod:`hopsim._accessor` and imports this package when used.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from pathlib import Path

import xarray as xr

from hopsim._accessor import HopsimAccessor, register
from hopsim.figures._common import OKABE_ITO, FigureError, fmt, select_fixed

#: experiment attr -> module of hopsim.figures
REGISTRY: dict[str, str] = {
    "recall": "recall",
    "capacity": "capacity",
    "hopfield_temperature": "phase_diagram",
    "bifurcation": "bifurcation",
    "phase_portrait": "phase_portrait",
    "stimulus": "stimulus",
    "network_ode": "network_ode",
    "ising": "ising",
    "state_graph": "state_graph",
    "images": "images",
    "rules": "rules",
    "dense_capacity": "dense_capacity",
    "modern": "modern",
    "sequence_memory": "sequence_memory",
    "completion": "completion",
    "gradients": "gradients",
    "mixtures": "mixtures",
    "online": "online",
    "optimize": "optimize",
}


def experiment_of(ds: xr.Dataset) -> str:
    name = ds.attrs.get("experiment")
    if not name:
        raise FigureError("dataset has no 'experiment' attr: not written by hopsim?")
    return str(name)


def module_for(experiment: str):
    """The figure module of one experiment."""
    target = REGISTRY.get(experiment)
    if target is None:
        known = ", ".join(sorted(REGISTRY))
        raise FigureError(f"no figure for experiment {experiment!r} (figures exist for: {known})")
    return importlib.import_module(f"hopsim.figures.{target}")


def select_sweep(module, ds: xr.Dataset, options: dict) -> tuple[xr.Dataset, dict]:
    """Never average a swept key silently: select ``fix`` values, refuse other extra dims.

    A family lists the dimensions it draws itself in ``OWN_DIMS`` (``None``: it handles
    every swept dimension, as recall does). Any other dimension a sweep added (attr
    ``sweep_dims``) must be chosen with ``fix`` (``--fix KEY=VALUE``). ``FIX_DIMS`` lists
    dimensions of the experiment's own that ``fix`` may also choose (the rules figure's
    cue noise, say); the figure draws the value chosen.
    """
    own = getattr(module, "OWN_DIMS", ())
    if own is None:
        return ds, options
    swept = str(ds.attrs.get("sweep_dims", "")).split()
    extra = [d for d in swept if d in ds.dims and d not in own]
    also = [d for d in getattr(module, "FIX_DIMS", ()) if d in ds.dims]
    options = dict(options)
    ds, _ = select_fixed(ds, options.pop("fix", None), extra, also)
    left = [d for d in extra if d in ds.dims]
    if left:
        d = left[0]
        values = ", ".join(fmt(v) for v in ds[d].values)
        raise FigureError(
            f"{experiment_of(ds)} figure: swept key(s) {', '.join(left)} would be averaged; "
            f"pick one value with --fix, e.g. --fix {d}={fmt(ds[d].values[0])} ({d}: {values})"
        )
    return ds, options


def figure(ds: xr.Dataset, **options):
    """The main figure of ``ds`` (chosen by its ``experiment`` attr)."""
    module = module_for(experiment_of(ds))
    ds, options = select_sweep(module, ds, options)
    with _needs(ds):
        return module.figure(ds, **options)


def figures(ds: xr.Dataset, **options) -> dict:
    """Every figure of ``ds``, keyed by file stem."""
    module = module_for(experiment_of(ds))
    ds, options = select_sweep(module, ds, options)
    with _needs(ds):
        if hasattr(module, "figures"):
            return module.figures(ds, **options)
        return {experiment_of(ds): module.figure(ds, **options)}


def tables(ds: xr.Dataset, **options) -> dict:
    """Tables a family writes beside its figures (``{file name: DataFrame}``), often none."""
    module = module_for(experiment_of(ds))
    ds, options = select_sweep(module, ds, options)
    with _needs(ds):
        return module.tables(ds, **options) if hasattr(module, "tables") else {}


#: How xarray and Python name what a figure looked for and the dataset does not have.
_MISSING = (re.compile(r"No variable named '([^']+)'"), re.compile(r"has no attribute '([^']+)'"))


@contextlib.contextmanager
def _needs(ds: xr.Dataset):
    """Turn "the dataset has no X" (a KeyError or AttributeError for a name the dataset
    lacks) into a one-line :class:`FigureError` naming X: a dataset with a hopsim
    ``experiment`` attr that another program wrote, or that lost a variable."""
    try:
        yield
    except (KeyError, AttributeError) as exc:
        name = _missing_name(exc)
        if name is None or name in ds.variables or name in ds.attrs or name in ds.dims:
            raise
        experiment = experiment_of(ds)
        raise FigureError(
            f"the {experiment} figures need {name!r}, which this dataset lacks: "
            f"not a hopsim {experiment} result (written by another program?)"
        ) from None


def _missing_name(exc: Exception) -> str | None:
    text = str(exc.args[0]) if exc.args else ""
    for pattern in _MISSING:
        match = pattern.search(text)
        if match:
            return match.group(1)
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]  # ds.attrs["name"]
    return None


def save(
    figs: dict, out_dir, formats=("png", "pdf"), dpi: int = 150, tables: dict | None = None
) -> list[Path]:
    """Write each figure as ``out_dir/<stem>.<format>`` (and each table as CSV); close them.

    Every file is written atomically (:func:`hopsim.io.atomic_path`): an interrupted or failed
    save leaves the earlier file or none, never half a PNG.
    """
    import matplotlib.pyplot as plt

    from hopsim.io import atomic_path

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    try:
        for name, table in (tables or {}).items():
            with atomic_path(out_dir / name) as tmp:
                table.to_csv(tmp, index=False)
            paths.append(out_dir / name)
        for stem, fig in figs.items():
            for ext in formats:
                path = out_dir / f"{stem}.{ext}"
                with atomic_path(path) as tmp:
                    fig.savefig(tmp, format=ext, dpi=dpi, bbox_inches="tight")
                paths.append(path)
    finally:
        for fig in figs.values():
            plt.close(fig)
    return paths


register()  # importing the figure code registers ds.hopsim too


__all__ = [
    "OKABE_ITO",
    "REGISTRY",
    "FigureError",
    "HopsimAccessor",
    "figure",
    "figures",
    "module_for",
    "save",
    "tables",
]
