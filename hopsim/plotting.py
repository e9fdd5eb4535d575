"""Command-line plumbing of the figure scripts in ``analysis/`` (the figures are in
:mod:`hopsim.figures`).

Each script: ``python analysis/NAME.py [RUN_DIR_OR_FILE] [--out DIR] [--format png,pdf]
[--dpi N] [--fix KEY=VALUE]`` reads a dataset (the newest run of its experiment when no
path is given), draws every figure of its family and writes them next to the dataset.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

if "matplotlib.pyplot" not in sys.modules:  # scripts draw headless; a notebook keeps its backend
    matplotlib.use("Agg")

import xarray as xr

from hopsim.figures._common import axis_label  # noqa: F401  (kept for old imports)
from hopsim.io import DatasetError, load_dataset, newest_result, resolve_result_path


def _parser(experiment: str, description: str) -> argparse.ArgumentParser:
    from hopsim.figures.cli import OneLineParser, add_options

    parser = OneLineParser(description=description)
    parser.add_argument(
        "path",
        nargs="?",
        help=f"run or sweep directory, or a result.nc (default: newest runs/{experiment} result)",
    )
    parser.add_argument("--runs", default="runs", help="root of the runs tree (default: runs)")
    add_options(parser)
    return parser


def _open(experiment: str, args) -> tuple[xr.Dataset, Path]:
    try:
        path = resolve_result_path(args.path) if args.path else newest_result(args.runs, experiment)
        ds = load_dataset(path)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if ds.attrs.get("experiment") != experiment:
        print(
            f"error: {path}: dataset of experiment {ds.attrs.get('experiment')!r}, "
            f"this script draws {experiment!r}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return ds, path.parent


def fail(message: str):
    """One line ``error: ...`` on stderr and exit status 2 (bad input of a script)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def open_more(experiment: str, paths: list[str]) -> list[xr.Dataset]:
    """Load more datasets of ``experiment`` (run or sweep folders, or result.nc files)."""
    out = []
    for text in paths:
        try:
            path = resolve_result_path(text)
            ds = load_dataset(path)
        except DatasetError as exc:
            fail(str(exc))
        if ds.attrs.get("experiment") != experiment:
            fail(
                f"{path}: dataset of experiment {ds.attrs.get('experiment')!r}, not {experiment!r}"
            )
        out.append(ds)
    return out


def open_from_cli(experiment: str, description: str, argv: list[str] | None = None):
    """Parse ``[PATH]`` from the command line and load the dataset; return (ds, folder)."""
    args = _parser(experiment, description).parse_args(argv)
    return _open(experiment, args)


def run_script(
    experiment: str,
    description: str,
    argv: list[str] | None = None,
    extra=None,
    prepare=None,
) -> list[Path]:
    """The whole of an ``analysis/NAME.py`` script: parse, load, draw every figure, write.

    ``extra(parser)`` may add options; it returns a function ``args -> options dict``.
    Ctrl-C ends with one line and exit status 130 (at once for the script itself,
    ``argv=None``; ``SystemExit(130)`` for a Python caller).
    ``prepare(ds, args)`` may return the dataset to draw instead (e.g. combined with more
    runs); it reports bad input with :func:`fail`.
    """
    from hopsim import console
    from hopsim.figures.cli import INTERRUPTED

    with console.interruptible():
        try:
            with console.quiet_broken_pipe():
                paths = _draw_script(experiment, description, argv, extra, prepare)
            if not console.interrupted():  # else a Ctrl-C whose KeyboardInterrupt was lost
                return paths
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            console.stopping()
            prog = Path(sys.argv[0]).name if argv is None else f"analysis/{experiment}.py"
            print(INTERRUPTED.format(prog=prog), file=sys.stderr)
            console.end_interrupted(standalone=argv is None)


def _draw_script(experiment: str, description: str, argv, extra, prepare) -> list[Path]:
    from hopsim.figures.cli import check_out, write

    parser = _parser(experiment, description)
    to_options = extra(parser) if extra else (lambda args: {})
    args = parser.parse_args(argv)
    if args.out:
        check_out(Path(args.out), args)
    ds, folder = _open(experiment, args)
    if prepare is not None:
        ds = prepare(ds, args)
    paths = write(ds, Path(args.out) if args.out else folder, args, to_options(args))
    report(paths)
    return paths


def report(paths: list[Path]) -> None:
    """Print the written figure files."""
    for path in paths:
        print(f"wrote {path}")
