"""Figures of the ``state_graph`` experiment: transition graphs and basin sizes.

Usage::

    python analysis/state_graph.py [RUN_DIR_OR_RESULT_NC]

Writes next to the dataset

``state_graph.png/.pdf`` (N <= 8)
    The state-transition graph drawn as in the source report: synchronous map on the
    left, asynchronous single-neuron updates on the right; fixed points in red, states
    on synchronous cycles outlined in orange, each state labelled with its spins and
    energy. States sit on the corners of a projected hypercube for N <= 4 and in rows
    of equal energy (energy on the vertical axis) for 5 <= N <= 8.
``state_graph_basins.png/.pdf``
    Basin sizes: the synchronous basin of every attractor (largest 30) and, for every
    fixed point, how many states can reach it by asynchronous updates (and reach only it).

The figures are drawn by :mod:`hopsim.figures.state_graph` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one state_graph dataset; return the written paths."""
    return run_script("state_graph", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
