"""Figures of the ``modern`` experiment: regimes, retrieval error and bound, grey pictures.

Usage::

    python analysis/modern.py [RUN_DIR_OR_RESULT_NC]

Writes beside the dataset

``modern.{png,pdf}``
    Per pattern set (sphere, clustered, ...): the kind of fixed point (single pattern,
    metastable mixture, global average) against beta, one line style per P, with the
    theory's betas; the number of patterns in the fixed point; the distance to the cued
    pattern after one update and at the fixed point with Ramsauer et al.'s bound. Last
    column: the key and every query's one-step distance against its bound.
``modern_pictures.{png,pdf}``
    Grey-level pictures: original, masked query, one update, fixed point, noisy query,
    one update, fixed point.

Without a path it uses the newest ``runs/modern`` result. The figures are drawn by
:mod:`hopsim.figures.modern` (also ``ds.hopsim.plot()`` and ``hopsim-plot PATH``); its
docstring explains the panels. Options: ``--out DIR``, ``--format png,pdf``, ``--dpi N``,
``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw both figures of one modern dataset; return the written paths."""
    return run_script("modern", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
