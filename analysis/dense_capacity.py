"""Figure of the ``dense_capacity`` experiment: capacity of dense associative memories.

Usage::

    python analysis/dense_capacity.py [RUN_DIR_OR_RESULT_NC]

Writes ``dense_capacity.{png,pdf}`` and ``dense_capacity.csv`` (the measured capacities
next to the predictions) beside the dataset and prints the measured log-log slopes (the
rate d ln P / dN for F = exp) next to theory, with their bootstrap errors. Panels: (a-d) per energy, the fraction of
stored patterns that are fixed points and of pattern sets with all of them fixed, against
P / prediction; (e) capacity against N for the polynomial energies with the
Krotov-Hopfield law; (f) F = exp with Demircigil et al.'s rate; (g) recall from noisy cues.
Without a path it uses the newest ``runs/dense_capacity`` result.

The figure is drawn by :mod:`hopsim.figures.dense_capacity` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); its docstring explains the panels. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import open_from_cli, run_script


def main(argv: list[str] | None = None) -> list:
    """Draw the figure and write the table; print the slopes; return the written paths."""
    description = __doc__.strip().splitlines()[0]
    paths = run_script("dense_capacity", description, argv)
    from hopsim.figures.dense_capacity import slope_lines, table

    ds, _ = open_from_cli("dense_capacity", description, argv)
    for line in slope_lines(table(ds)):
        print(line)
    return paths


if __name__ == "__main__":
    main()
