"""Figure: the phase line dv/dt against v of the single neuron for several lambda.

Usage: ``python analysis/phase_portrait.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/phase_portrait`` result). Writes ``phase_portrait.png`` and ``.pdf`` next to the
dataset. Fixed points are the zeros: filled markers stable, open markers unstable
(v grows where dv/dt > 0 and falls where dv/dt < 0).

The figures are drawn by :mod:`hopsim.figures.phase_portrait` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one phase_portrait dataset; return the written paths."""
    return run_script("phase_portrait", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
