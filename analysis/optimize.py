"""Figures of an optimize run: energy against time, success against budget, residual energies.

Usage::

    python analysis/optimize.py [RUN_OR_SWEEP_DIR | result.nc]

Writes ``optimize_energy``, ``optimize_success`` and ``optimize_residual`` (Ising kinds; for
SK with four or more sizes the residual figure carries the Parisi fit), or ``optimize_tsp``
and ``optimize_tours`` (TSP), each as ``.png`` and ``.pdf`` next to the dataset, and the CSV
tables (``optimize_sizes.csv``, ``optimize_parisi_fit.csv``, ``optimize_tsp.csv``).
Without a path it uses the newest ``runs/optimize`` result.

The figures are drawn by :mod:`hopsim.figures.optimize` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one optimize dataset; return the written paths."""
    return run_script("optimize", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
