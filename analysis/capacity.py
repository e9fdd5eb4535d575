"""Capacity figure: retrieval overlap and bit errors against load, finite-size alpha_c.

Usage::

    python analysis/capacity.py [RUN_OR_SWEEP_DIR | result.nc] [--threshold 0.9]

Writes ``capacity.{png,pdf}`` and ``capacity_alpha_c.csv`` beside the dataset and prints the
finite-size estimate of alpha_c. The figure is drawn by :mod:`hopsim.figures.capacity` (also
``ds.hopsim.plot()`` and ``hopsim-plot PATH``); its docstring explains the panels. Options:
``--out DIR``, ``--format png,pdf``, ``--dpi N``.
"""

from __future__ import annotations

from hopsim.plotting import run_script


def _threshold(parser):
    parser.add_argument("--threshold", type=float, default=0.9, help="retrieval: m > this")
    return lambda args: {"threshold": args.threshold}


def main(argv: list[str] | None = None) -> list:
    """Draw the figure and store the finite-size table; return the written paths."""
    paths = run_script("capacity", __doc__.splitlines()[0], argv, extra=_threshold)
    import pandas as pd

    table = pd.read_csv(next(p for p in paths if p.suffix == ".csv"), keep_default_na=False)
    est = table.iloc[-1]
    print(f"finite-size alpha_c estimate: {float(est.alpha_half):.3f} +/- {float(est.stderr):.3f}")
    return paths


if __name__ == "__main__":
    main()
