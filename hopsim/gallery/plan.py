"""What the gallery runs: one entry per experiment on its defaults, plus the source's cases.

Each :class:`Entry` is one ``hopsim`` command line. ``overrides`` are the command's arguments
in the full gallery (an experiment's defaults need none); ``quick`` replaces them under
``--quick`` with sizes small enough for CI. The entries that are not plain defaults reproduce
a case of a source document (the 2- and 3-node networks, the two-picture memory, a chain in a
field, synchronous against asynchronous recall) and say so in ``why``.

The entries live beside the figures they draw: each experiment's figure module
(:func:`hopsim.figures.module_for`) lists its runs in ``GALLERY``, a tuple of
:class:`Entry`, and places them on the page with ``GALLERY_ORDER``, a number. :func:`collect`
gathers them over :func:`hopsim.experiments.available`: families in ascending
``GALLERY_ORDER`` (a family without one goes last), ties by experiment name, and each
family's entries in the order it lists them. :data:`ENTRIES` is that tuple, collected on
first use (the figure modules import this module for :class:`Entry`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    """One gallery run: a ``hopsim`` command and why the gallery makes it."""

    name: str  #: folder and anchor name, unique
    title: str  #: heading on the page
    why: str  #: one sentence: what the run shows
    overrides: tuple[str, ...] = ()  #: arguments of the full run
    quick: tuple[str, ...] | None = None  #: arguments under --quick (None: same as overrides)
    multirun: bool = False  #: run with ``-m`` (a sweep, merged into one dataset)
    needs: tuple[str, ...] = field(default=())  #: optional modules the run needs (e.g. torch)

    def arguments(self, quick: bool) -> tuple[str, ...]:
        """The command's arguments (``-m`` first for a sweep)."""
        args = self.overrides if not quick or self.quick is None else self.quick
        return (("-m",) if self.multirun else ()) + args


def collect() -> tuple[Entry, ...]:
    """Every gallery entry, in page order (see the module docstring), found afresh.

    Raises
    ------
    ValueError
        Two entries share a name (names are folders and anchors).
    """
    from hopsim import experiments, figures

    families: dict[str, tuple] = {}  # figure module -> (its first experiment, the module)
    for experiment in experiments.available():
        module = figures.module_for(experiment)
        families.setdefault(module.__name__, (experiment, module))
    ordered = sorted(
        families.values(), key=lambda item: (getattr(item[1], "GALLERY_ORDER", math.inf), item[0])
    )
    found: dict[str, Entry] = {}
    for _, module in ordered:
        for e in getattr(module, "GALLERY", ()):
            if e.name in found:
                raise ValueError(f"gallery entry {e.name!r} is listed twice ({module.__name__})")
            found[e.name] = e
    return tuple(found.values())


def __getattr__(name: str):
    if name == "ENTRIES":  # collected on first use, then a plain module attribute
        globals()["ENTRIES"] = entries = collect()
        return entries
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def entry(name: str) -> Entry:
    """The entry called ``name``."""
    for e in __getattr__("ENTRIES"):
        if e.name == name:
            return e
    raise KeyError(name)
