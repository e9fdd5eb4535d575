"""Figure: the single-neuron memory switched by input pulses (the source's figure 3).

Usage: ``python analysis/stimulus.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/stimulus`` result). Writes ``stimulus.png`` and ``.pdf`` next to the dataset: the
input h(t) with the fold thresholds +/- h_fold (top) and the state v(t) with the stable
resting fixed points (bottom).

The figures are drawn by :mod:`hopsim.figures.stimulus` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one stimulus dataset; return the written paths."""
    return run_script("stimulus", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
