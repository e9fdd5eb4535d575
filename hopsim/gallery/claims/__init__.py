"""The claims table: every checkable claim of the sources and of the theory hopsim overlays.

A :class:`Claim` names where it comes from, what it says and which gallery runs answer it;
its ``check`` reads those runs' datasets and returns a :class:`Result`: the reference value,
the measured value with its uncertainty, and a verdict computed from the data. Nothing in a
verdict is written by hand: change the data and the verdict follows.

One module per claim family (:mod:`.single_neuron`, :mod:`.discrete`, :mod:`.pictures`,
:mod:`.capacity`, :mod:`.ising`, :mod:`.rules`, :mod:`.dense_modern`, :mod:`.rnn`,
:mod:`.memory`, :mod:`.online`, :mod:`.optimize`); importing
this package registers them all, in the order of :data:`FAMILIES` (the table's order).
The mechanism and the shared helpers are in :mod:`._base`.

Verdicts
--------
``holds``
    The measurement agrees with the claim within its uncertainty.
``holds with a caveat``
    It agrees only in part, or only with a qualification the note states (a rounded value,
    a finite-size shift, a grid too coarse to decide, a different cycle than printed).
``inconclusive``
    The effect the claim is about is within the measured spread: the experiment cannot
    decide either way (the note gives the numbers).
``not tested``
    The condition the claim is about never occurred in the data (e.g. nothing exploded
    without clipping, so clipping had nothing to prevent).
``does not hold``
    The measurement contradicts the claim beyond its uncertainty.
``not checked``
    A run the claim needs did not produce a dataset (the note says which and why).

Uncertainties are one standard error unless the text says otherwise: binomial
``sqrt(p (1 - p) / n)`` for fractions, the jackknife errors the Ising runs store, the fit
error of the capacity estimate, and the grid spacing where a value is read off a grid.
"""

import importlib

from hopsim.gallery.claims._base import (
    CAVEAT,
    CLAIMS,
    COMPARISON,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_TESTED,
    REPORT,
    UNCHECKED,
    VERDICTS,
    Claim,
    Result,
    agreement,
    agreement_note,
    all_of,
    at_least,
    claim,
    evaluate,
    fraction,
    pct,
)

#: The claim families, in the table's order.
FAMILIES = (
    "single_neuron",
    "discrete",
    "pictures",
    "capacity",
    "ising",
    "rules",
    "dense_modern",
    "rnn",
    "memory",
    "online",
    "optimize",
)
for _family in FAMILIES:
    importlib.import_module(f"{__name__}.{_family}")

__all__ = [
    "CAVEAT",
    "CLAIMS",
    "COMPARISON",
    "FAILS",
    "FAMILIES",
    "HOLDS",
    "INCONCLUSIVE",
    "NOT_TESTED",
    "REPORT",
    "UNCHECKED",
    "VERDICTS",
    "Claim",
    "Result",
    "agreement",
    "agreement_note",
    "all_of",
    "at_least",
    "claim",
    "evaluate",
    "fraction",
    "pct",
]
