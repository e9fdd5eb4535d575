"""Figures of hopsim datasets, from Python and from the command line.

One module per experiment family, each with ``figure(ds, **options) -> Figure`` (the main
figure; a ``kind=`` option picks the others) and ``figures(ds, **options) -> {stem: Figure}``
(every figure the family draws, keyed by the file stem ``analysis/<name>.py`` and
``hopsim-plot`` write). Importing :mod:`hopsim` registers the dataset accessor::

    ds = hopsim.io.load_dataset("runs/recall/.../result.nc")
    fig = ds.hopsim.plot()            # the figure that fits ds.attrs["experiment"]
    figs = ds.hopsim.figures()        # all of them, {stem: Figure}

Modules are imported on first use, so ``import hopsim`` does not load matplotlib.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import xarray as xr

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
    return module.figure(ds, **options)


def figures(ds: xr.Dataset, **options) -> dict:
    """Every figure of ``ds``, keyed by file stem."""
    module = module_for(experiment_of(ds))
    ds, options = select_sweep(module, ds, options)
    if hasattr(module, "figures"):
        return module.figures(ds, **options)
    return {experiment_of(ds): module.figure(ds, **options)}


def tables(ds: xr.Dataset, **options) -> dict:
    """Tables a family writes beside its figures (``{file name: DataFrame}``), often none."""
    module = module_for(experiment_of(ds))
    ds, options = select_sweep(module, ds, options)
    return module.tables(ds, **options) if hasattr(module, "tables") else {}


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


@xr.register_dataset_accessor("hopsim")
class HopsimAccessor:
    """``ds.hopsim.plot()``, ``ds.hopsim.figures()``, ``ds.hopsim.save(DIR)``."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    @property
    def experiment(self) -> str:
        return experiment_of(self._ds)

    @property
    def summary(self) -> str | None:
        """The paragraph the run printed (attr ``summary``), if it has one."""
        return self._ds.attrs.get("summary")

    def plot(self, **options):
        """The main figure of this dataset's experiment."""
        return figure(self._ds, **options)

    def figures(self, **options) -> dict:
        """Every figure of this dataset, keyed by file stem."""
        return figures(self._ds, **options)

    def save(self, out_dir, formats=("png", "pdf"), dpi: int = 150, **options) -> list[Path]:
        """Draw every figure and write it into ``out_dir``; return the paths."""
        return save(
            figures(self._ds, **options), out_dir, formats, dpi, tables(self._ds, **options)
        )


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
