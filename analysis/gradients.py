"""Gradients figure: vanishing gradients, copy-task success over seeds, exploding gradients.

Usage::

    python analysis/gradients.py [RUN_DIR | result.nc]

Writes ``gradients.{png,pdf}`` next to the dataset: (a) ||dL_T/dh_t|| against the distance
T - t at initialisation and after training (at the longest lag), per model, log scale;
(b) copy-task success rate against the lag, with every seed's validation accuracy;
(c) a SimpleRNN started at spectral radius > 1: training loss per step with and without
clip_grad_norm; (d) the gradient norm before clipping per step. Without a path it uses
the newest ``runs/gradients`` result.

The figure is drawn by :mod:`hopsim.figures.gradients` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``; neither needs torch); its docstring explains the panels. Options:
``--out DIR``, ``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a
swept key, or ``--fix lag=10`` to draw one lag).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw the figure of one gradients dataset; return the written paths."""
    return run_script("gradients", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
