"""Gradients figures: which RNNs learn long lags, vanishing and exploding gradients.

Usage::

    python analysis/gradients.py [RUN_DIR | result.nc]

Writes next to the dataset ``gating.{png,pdf}``: the fraction of seeds that solved the copy
task against the lag, per model, with 95% Wilson intervals, (a) within the smallest and (b)
the largest training budget, (c) the longest lag half the seeds solve per model and budget,
(d) the learning-rate search if the run made one; and ``gradients.{png,pdf}``: (a)
||dL_T/dh_t|| against the distance T - t at initialisation and after training (at the
longest lag), per model, log scale; (b) the fraction of explosion runs (a SimpleRNN started
at spectral radius > 1) with an inf or NaN step, without and with clip_grad_norm; (c) their
training loss and (d) gradient norm before clipping per step. Without a path it uses the
newest ``runs/gradients`` result.

The figures are drawn by :mod:`hopsim.figures.gradients` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``; neither needs torch) from the numbers of :mod:`hopsim.analysis.gating`.
Options: ``--out DIR``, ``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one
value of a swept key, or ``--fix lag=10`` to draw one lag's trained curves).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw the figure of one gradients dataset; return the written paths."""
    return run_script("gradients", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
