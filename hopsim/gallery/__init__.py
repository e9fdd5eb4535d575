"""The gallery: every experiment run, every figure drawn, every claim checked, one command.

``hopsim-gallery [--quick] [--out DIR]`` (also ``python analysis/gallery.py``) runs each entry
of :data:`hopsim.gallery.plan.ENTRIES` through the real ``hopsim`` command, draws its figures
with :mod:`hopsim.figures`, evaluates :data:`hopsim.gallery.claims.CLAIMS` on the datasets and
writes ``DIR/index.html`` and ``DIR/claims.md``.

Modules: :mod:`~hopsim.gallery.plan` (what runs), :mod:`~hopsim.gallery.run` (running and
drawing), :mod:`~hopsim.gallery.claims` (the claims and their checks),
:mod:`~hopsim.gallery.report` (the page and the table), :mod:`~hopsim.gallery.cli`.
"""

import importlib

#: Where each name of the package lives. Imported on first use: the figure modules import
#: :mod:`hopsim.gallery.plan` for ``Entry``, and drawing a figure must not load the claims
#: (scipy.stats) or collect the plan.
_NAMES = {
    "CLAIMS": "claims",
    "VERDICTS": "claims",
    "Claim": "claims",
    "Result": "claims",
    "evaluate": "claims",
    "ENTRIES": "plan",
    "Entry": "plan",
}


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CLAIMS", "ENTRIES", "VERDICTS", "Claim", "Entry", "Result", "evaluate"]
