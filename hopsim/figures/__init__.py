"""Figures of hopsim datasets, from Python and from the command line.

One module per experiment family, each with ``figure(ds, **options) -> Figure`` (the main
figure; a ``kind=`` option picks the others) and ``figures(ds, **options) -> {stem: Figure}``
(every figure the family draws, keyed by the file stem ``analysis/<name>.py`` and
``hopsim-plot`` write). An experiment's module is found, not listed (:func:`module_for`):
``hopsim.figures.<experiment>``, or the ``FIGURE`` its experiment module names. Importing
:mod:`hopsim` registers the dataset accessor::

    ds = hopsim.io.load_dataset("runs/recall/.../result.nc")
    fig = ds.hopsim.plot()            # the figure that fits ds.attrs["experiment"]
    figs = ds.hopsim.figures()        # all of them, {stem: Figure}

Modules are imported on first use, so ``import hopsim`` does not load matplotlib; the
accessor itself lives in :mod:`hopsim._accessor` and imports this package when used.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import re
from pathlib import Path

import xarray as xr

from hopsim.figures._common import OKABE_ITO, FigureError, fmt, select_fixed


def figure_module_name(experiment: str) -> str:
    """The module of :mod:`hopsim.figures` that draws ``experiment``.

    By convention the module has the experiment's name; an experiment module whose figures
    live elsewhere says so in a top-level ``FIGURE = "module"`` (``hopfield_temperature``:
    ``FIGURE = "phase_diagram"``). The experiment module is read, not imported (no numba or
    torch to draw a figure).
    """
    spec = importlib.util.find_spec(f"hopsim.experiments.{experiment}")
    if spec is None or not spec.origin:
        return experiment
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return experiment
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "FIGURE":
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    return experiment


def registry() -> dict[str, str]:
    """``{experiment: figure module name}`` for every experiment
    (:func:`hopsim.experiments.available`), found afresh (:func:`figure_module_name`)."""
    from hopsim import experiments

    return {name: figure_module_name(name) for name in experiments.available()}


def __getattr__(name: str):
    if name == "REGISTRY":  # the registry is discovered: see registry()
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def experiment_of(ds: xr.Dataset) -> str:
    name = ds.attrs.get("experiment")
    if not name:
        raise FigureError("dataset has no 'experiment' attr: not written by hopsim?")
    return str(name)


def module_for(experiment: str):
    """The figure module of one experiment (:func:`figure_module_name`)."""
    from hopsim import experiments

    known = experiments.available()
    if experiment not in known:
        raise FigureError(
            f"no figure for experiment {experiment!r} (figures exist for: {', '.join(known)})"
        )
    return importlib.import_module(f"hopsim.figures.{figure_module_name(experiment)}")


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


__all__ = [
    "OKABE_ITO",
    "REGISTRY",
    "FigureError",
    "figure",
    "figure_module_name",
    "figures",
    "module_for",
    "registry",
    "save",
    "tables",
]
