"""Capacity figures: retrieval against load, the finite-size alpha_c, time to convergence.

Usage::

    python analysis/capacity.py [RUN_OR_SWEEP_DIR | result.nc] [--add RUN_DIR ...] [--threshold 0.9]

Writes ``capacity.{png,pdf}``, ``capacity_dynamics.{png,pdf}``,
``capacity_histograms.{png,pdf}`` and ``capacity_alpha_c.csv`` beside the (first) dataset and
prints the finite-size estimate of alpha_c of every criterion. ``--add`` combines more
capacity runs (other sizes, load grids or seeds; repeatable) with the first
(:func:`hopsim.analysis.capacity.combine`). The figures are drawn by
:mod:`hopsim.figures.capacity` (also ``ds.hopsim.plot()`` and ``hopsim-plot PATH``); its
docstring explains the panels. Options: ``--out DIR``, ``--format png,pdf``, ``--dpi N``.
"""

from __future__ import annotations

import numpy as np

from hopsim.plotting import fail, open_more, run_script


def _options(parser):
    parser.add_argument("--threshold", type=float, default=0.9, help="retrieval: m >= this")
    parser.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="PATH",
        help="another capacity run to combine with the first (repeatable)",
    )
    return lambda args: {"threshold": args.threshold}


def _combine(ds, args):
    from hopsim.analysis.capacity import CapacityDataError, check_threshold, combine

    try:
        check_threshold(args.threshold)
        return combine([ds, *open_more("capacity", args.add)])
    except CapacityDataError as exc:
        fail(str(exc))


def main(argv: list[str] | None = None) -> list:
    """Draw the figures and store the finite-size table; return the written paths."""
    paths = run_script("capacity", __doc__.splitlines()[0], argv, extra=_options, prepare=_combine)
    import pandas as pd

    table = pd.read_csv(next(p for p in paths if p.suffix == ".csv"), dtype={"note": str})
    table["note"] = table.note.fillna("")
    for row in table[np.isinf(table.N)].itertuples():
        if np.isfinite(row.alpha):
            syst = f" +/- {row.fit_range:.4f} (fit range)" if np.isfinite(row.fit_range) else ""
            print(
                f"{row.criterion}: {row.law}: alpha_c = {row.alpha:.4f} +/- {row.stderr:.4f} "
                f"(bootstrap){syst}, nu = {row.nu:.2f}, chi2/dof = {row.chi2_dof:.2f}"
                + (f" ({row.note})" if row.note else "")
            )
        else:
            print(f"{row.criterion}: no estimate ({row.note})")
    return paths


if __name__ == "__main__":
    main()
