"""Figures of the ``images`` experiment: restorations, the weight matrix, frames.

Usage::

    python analysis/images.py [RUN_DIR_OR_RESULT_NC]

Writes next to the dataset

``images_<image>.png/.pdf``
    One panel per stored image: a row per corruption with the original, the corrupted
    cue and the restored picture for each update rule, the final overlap m in each title
    (and the stored image it ended nearest to, when that is another one).
``images_weights.png/.pdf``
    The weight matrix W = (1/N) sum_mu xi_mu xi_mu^T as a heat map: block means over
    blocks of b consecutive neurons (exact, computed from the pictures without forming
    W), and a full-resolution crop over the first 64 neurons of the middle row.
``images_frames_<image>.png/.pdf``
    The restoration sweep by sweep: a row per corruption and update rule, a column per
    sweep (at most 8, evenly spaced, always the first and the last).

The figures are drawn by :mod:`hopsim.figures.images` (also ``ds.hopsim.plot()`` and
``hopsim-plot PATH``); this script is its command line. Options: ``--out DIR``,
``--format png,pdf``, ``--dpi N``, ``--fix KEY=VALUE`` (select one value of a swept key).
"""

from __future__ import annotations

from hopsim.plotting import run_script


def main(argv: list[str] | None = None) -> list:
    """Draw every figure of one images dataset; return the written paths."""
    return run_script("images", __doc__.strip().splitlines()[0], argv)


if __name__ == "__main__":
    main()
