"""The ``ds.hopsim`` dataset accessor, registered without loading the figure code.

:func:`register` adds the accessor to xarray (once); its methods import
:mod:`hopsim.figures` (and matplotlib) only when a figure is asked for. ``import hopsim``
registers it at once when xarray is already imported, and otherwise as soon as xarray is
(:func:`register_when_imported`), so ``import hopsim`` itself loads neither xarray nor
matplotlib, and ``xr.open_dataset(path).hopsim.plot()`` works whatever the import order.
"""

from __future__ import annotations

import importlib.abc
import sys
from pathlib import Path

_REGISTERED = False


class HopsimAccessor:
    """``ds.hopsim.plot()``, ``ds.hopsim.figures()``, ``ds.hopsim.save(DIR)``."""

    def __init__(self, ds) -> None:
        self._ds = ds

    @property
    def experiment(self) -> str:
        """The experiment that wrote the dataset (attr ``experiment``)."""
        from hopsim.figures import experiment_of

        return experiment_of(self._ds)

    @property
    def summary(self) -> str | None:
        """The paragraph the run printed (attr ``summary``), if it has one."""
        return self._ds.attrs.get("summary")

    def plot(self, **options):
        """The main figure of this dataset's experiment."""
        from hopsim.figures import figure

        return figure(self._ds, **options)

    def figures(self, **options) -> dict:
        """Every figure of this dataset, keyed by file stem."""
        from hopsim.figures import figures

        return figures(self._ds, **options)

    def save(self, out_dir, formats=("png", "pdf"), dpi: int = 150, **options) -> list[Path]:
        """Draw every figure and write it into ``out_dir``; return the paths."""
        from hopsim.figures import figures, save, tables

        return save(
            figures(self._ds, **options), out_dir, formats, dpi, tables(self._ds, **options)
        )


def register() -> None:
    """Register ``ds.hopsim`` with xarray (imports xarray; idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    import xarray as xr

    _REGISTERED = True
    xr.register_dataset_accessor("hopsim")(HopsimAccessor)


class _AfterXarray(importlib.abc.MetaPathFinder):
    """Registers the accessor right after ``import xarray`` completes (then removes itself)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "xarray":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec("xarray")
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module):
            original(module)
            register()

        loader.exec_module = exec_module
        return spec


def register_when_imported() -> None:
    """Register now if xarray is loaded, else as soon as it is imported."""
    if "xarray" in sys.modules:
        register()
    elif not any(isinstance(f, _AfterXarray) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterXarray())
