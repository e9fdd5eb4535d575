"""Figure of the ``hopfield_temperature`` experiment: the retrieval phase diagram.

Usage: ``python analysis/phase_diagram.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
runs/hopfield_temperature). For each N, a heat map of the trial-averaged overlap with the
cued pattern over (alpha, T), with the AGS retrieval boundary T_M(alpha) and the
spin-glass line T_g = 1 + sqrt(alpha) drawn on it, plus overlap-against-T curves per alpha
with the AGS replica-symmetric overlap. Writes ``phase_diagram.png/.pdf`` next to the dataset.

The figures are drawn by :mod:`hopsim.figures.phase_diagram` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one hopfield_temperature dataset; return the written paths."""
    return run_script("hopfield_temperature", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
