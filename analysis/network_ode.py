"""Figure: recall in the continuous Hopfield network (overlaps, energy, unit states).

Usage: ``python analysis/network_ode.py [RUN_DIR_OR_RESULT_NC]`` (default: newest
``runs/network_ode`` result). Writes ``network_ode.png`` and ``.pdf`` next to the dataset:

(a) overlap with the cued pattern over time for each trial (the largest overlap with any
    other pattern thin), with the mean-field retrieval overlap m = tanh(gain m);
(b) the Lyapunov energy over time (it must not rise);
(c) v(t) of every unit in trial 0, units ordered by the cued pattern's sign.

The figures are drawn by :mod:`hopsim.figures.network_ode` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one network_ode dataset; return the written paths."""
    return run_script("network_ode", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
