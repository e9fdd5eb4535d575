"""Figure: the pitchfork of the single neuron, its hysteresis loops, and the network's overlap.

Usage: ``python analysis/bifurcation.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/bifurcation`` result). Writes ``bifurcation.png`` and ``.pdf`` next to the dataset:

(a) fixed points v* against lambda (stable solid, unstable dashed), lambda_c marked, the
    small-amplitude law sqrt(3 (lambda - 1)) dotted, and the Hebbian network's own fixed
    points (overlap m against the gain beta) as markers: the same pitchfork at 1;
(b) the hysteresis loops v* against h for the loop lambdas, with the fold points;
(c) the bistable window |h| < h_fold(lambda) with the closed form for tanh.

The figures are drawn by :mod:`hopsim.figures.bifurcation` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one bifurcation dataset; return the written paths."""
    return run_script("bifurcation", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
