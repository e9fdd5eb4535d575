"""Learning-rules figure: stability, retrieval and basins against load, every rule.

Usage::

    python analysis/rules.py [RUN_DIR | result.nc] [--noise 0.1]

Writes ``rules.{png,pdf}`` next to the dataset: one column per N; rows (a) the fraction of
stored patterns that are fixed points with each rule's exact-storage load from theory,
(b) the mean final overlap from cues with one noise level (``--noise``, the same as
``--fix noise=0.1``; default the level nearest 0.1, never an average) with the retrieval
loads from theory, (c) the basin size; ``rules_basins.{png,pdf}`` (each rule's basin radius
against the load, every N) and ``rules_capacity.{png,pdf}`` (every rule's exact-storage
capacity against N with its law). Without a path it uses the newest ``runs/rules`` result.

The figure is drawn by :mod:`hopsim.figures.rules` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); its docstring explains the panels. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def _noise(parser):
    parser.add_argument(
        "--noise", type=float, default=None, help="cue noise of row (b) (default: nearest 0.1)"
    )
    return lambda args: {} if args.noise is None else {"noise": args.noise}


def main(argv: list[str] | None = None) -> list:
    """Draw the figure of one rules dataset; return the written paths."""
    return run_script("rules", __doc__.strip().splitlines()[0], argv, extra=_noise)


if __name__ == "__main__":
    main()
