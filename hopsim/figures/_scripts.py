"""Figures whose code still lives in the repository's ``analysis/`` scripts (a source checkout).

Each entry names the script, the function that draws each file stem and how to pick the
figure out of what it returns; the scripts themselves are not changed. In a wheel install
these experiments have no figure (:class:`~hopsim.figures.FigureError` says so).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import matplotlib.figure

from hopsim.figures._common import FigureError

ROOT = Path(__file__).resolve().parents[2]

#: experiment -> (script, {stem: function name}, options the function takes)
SCRIPTS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "rules": ("analysis/rules.py", {"rules": "figure"}, ("noise",)),
    "dense_capacity": ("analysis/dense_capacity.py", {"dense_capacity": "figure"}, ()),
    "modern": ("analysis/modern.py", {"modern": "figure", "modern_pictures": "picture_figure"}, ()),
}


def _load(path: str):
    file = ROOT / path
    if not file.exists():
        raise FigureError(f"the figure of this experiment is drawn by {path}, in a source checkout")
    name = f"hopsim_analysis_{file.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _first_figure(result):
    if isinstance(result, matplotlib.figure.Figure):
        return result
    for item in result if isinstance(result, tuple) else ():
        if isinstance(item, matplotlib.figure.Figure):
            return item
    raise FigureError("the script's figure function returned no Figure")


class ScriptFamily:
    """``figure``/``figures`` of one experiment, drawn by its analysis script."""

    def __init__(self, experiment: str):
        self.path, self.stems, self.options = SCRIPTS[experiment]

    def _draw(self, ds, function: str, options: dict):
        module = _load(self.path)
        kwargs = {k: v for k, v in options.items() if k in self.options}
        return _first_figure(getattr(module, function)(ds, **kwargs))

    def figure(self, ds, **options):
        return self._draw(ds, next(iter(self.stems.values())), options)

    def figures(self, ds, **options) -> dict:
        return {stem: self._draw(ds, fn, options) for stem, fn in self.stems.items()}
