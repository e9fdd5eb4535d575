"""Sequence-memory figure: exact replay against sequence length and the longest replayed.

Usage::

    python analysis/sequence_memory.py [RUN_DIR | result.nc]

Writes ``sequence_memory.{png,pdf}`` next to the dataset: one panel per N, the fraction of
replays that reproduce the whole sequence exactly against its length P for the Hopfield
temporal-association rule (synchronous, and slow synapses with asynchronous updates) and
each trained RNN, one line style per cue noise; the last panel, the longest sequence
replayed exactly by at least half the trials against the number of weights. Without a
path it uses the newest ``runs/sequence_memory`` result.

The figure is drawn by :mod:`hopsim.figures.sequence_memory` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``; neither needs torch); its docstring explains the panels. Options:
``--out DIR``, ``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a
swept key, or of ``noise``, ``kind``, ``hidden``).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw the figure of one sequence_memory dataset; return the written paths."""
    return run_script("sequence_memory", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
