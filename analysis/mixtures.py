"""Figure of a mixtures run: energies and stability of patterns, mixtures and spurious states.

Usage::

    python analysis/mixtures.py [RUN_OR_SWEEP_DIR | result.nc]

Writes ``mixtures.{png,pdf}`` and ``mixtures_stability.csv`` next to the dataset.
Without a path it uses the newest ``runs/mixtures`` result.

The figures are drawn by :mod:`hopsim.figures.mixtures` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one mixtures dataset; return the written paths."""
    return run_script("mixtures", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
