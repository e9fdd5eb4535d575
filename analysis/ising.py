"""Figures of the ``ising`` experiment: observables against T for each L, with exact curves.

Usage: ``python analysis/ising.py [RUN_DIR_OR_RESULT_NC]`` (default: newest runs/ising).
Writes ``ising_observables.png/.pdf`` (|m|, energy, specific heat, susceptibility,
Binder cumulant, each with its error bars) and ``ising_binder.png/.pdf`` next to the
dataset. Square lattice at h = 0: Onsager's magnetization, energy and specific heat and
the line T = T_c. Chain: the exact finite-L transfer-matrix values of each L.

The figures are drawn by :mod:`hopsim.figures.ising` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one ising dataset; return the written paths."""
    return run_script("ising", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
