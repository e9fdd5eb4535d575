"""Figures of an online run: retrieval against age, palimpsests against theory, the blackout.

Usage::

    python analysis/online.py [RUN_OR_SWEEP_DIR | result.nc]

Writes ``online.{png,pdf}`` (and ``online_rnn.{png,pdf}`` when the run trained RNNs) next
to the dataset.
Without a path it uses the newest ``runs/online`` result.

The figures are drawn by :mod:`hopsim.figures.online` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one online dataset; return the written paths."""
    return run_script("online", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
