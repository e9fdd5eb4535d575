"""The gallery: every experiment run, every figure drawn, every claim checked, one command.

``hopsim-gallery [--quick] [--out DIR]`` (also ``python analysis/gallery.py``) runs each entry
of :data:`hopsim.gallery.plan.ENTRIES` through the real ``hopsim`` command, draws its figures
with :mod:`hopsim.figures`, evaluates :data:`hopsim.gallery.claims.CLAIMS` on the datasets and
writes ``DIR/index.html`` and ``DIR/claims.md``.

Modules: :mod:`~hopsim.gallery.plan` (what runs), :mod:`~hopsim.gallery.run` (running and
drawing), :mod:`~hopsim.gallery.claims` (the claims and their checks),
:mod:`~hopsim.gallery.report` (the page and the table), :mod:`~hopsim.gallery.cli`.
"""

from hopsim.gallery.claims import CLAIMS, VERDICTS, Claim, Result, evaluate
from hopsim.gallery.plan import Entry


def __getattr__(name: str):
    if name == "ENTRIES":  # collected from the figure modules on first use (plan.collect)
        from hopsim.gallery import plan

        return plan.ENTRIES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CLAIMS", "ENTRIES", "VERDICTS", "Claim", "Entry", "Result", "evaluate"]
