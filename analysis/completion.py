"""Completion figure: final overlap against load and cue noise, and the cost of each model.

Usage::

    python analysis/completion.py [RUN_DIR | result.nc]

Writes ``completion.{png,pdf}`` next to the dataset: (a) the mean final overlap against the
load P/N at the RNNs' training-noise edge, per model (Hopfield rules, the modern Hopfield
network, RNNs with ~N^2 and ~N P parameters); (b) the mean final overlap against the cue
noise at the lowest load, the training noise range shaded; (c) the int8 RNN's overlap
against the float RNN's; (d) the weight bytes of every model. Without a path it uses the
newest ``runs/completion`` result.

The figure is drawn by :mod:`hopsim.figures.completion` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``; neither needs torch); its docstring explains the panels. Options:
``--out DIR``, ``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a
swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw the figure of one completion dataset; return the written paths."""
    return run_script("completion", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
