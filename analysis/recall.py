"""Figures of a recall run or sweep: final overlap against the swept keys, energy per sweep.

Usage::

    python analysis/recall.py [RUN_OR_SWEEP_DIR | result.nc]

Writes ``recall_overlap.{png,pdf}`` and ``recall_energy.{png,pdf}`` next to the dataset.
Without a path it uses the newest ``runs/recall`` result.

The figures are drawn by :mod:`hopsim.figures.recall` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one recall dataset; return the written paths."""
    return run_script("recall", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
