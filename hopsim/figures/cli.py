"""``hopsim-plot PATH [--out DIR] [--format png,pdf] [--dpi N] [--fix KEY=VALUE ...]``.

Draws every figure of a hopsim dataset (a run or sweep directory, or a result.nc), chosen
by its ``experiment`` attr, and writes them next to the dataset or into ``--out``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``prog: error: ...``) and exit 2."""

    def error(self, message: str):
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def build_parser(prog: str = "hopsim-plot", description: str | None = None):
    parser = OneLineParser(prog=prog, description=description or __doc__.splitlines()[0])
    parser.add_argument("path", help="run or sweep directory, or a result.nc")
    add_options(parser)
    return parser


def folder(text: str) -> str:
    """An ``--out`` value: a folder name, not empty (``""`` would write into the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder name; give a path")
    return text


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``hopsim-plot`` and the ``analysis/*.py`` wrappers."""
    parser.add_argument(
        "--out", type=folder, help="folder for the figures (default: next to the dataset)"
    )
    parser.add_argument(
        "--format", default="png,pdf", help="comma-separated file formats (default: png,pdf)"
    )
    parser.add_argument("--dpi", type=int, default=150, help="raster resolution (default: 150)")
    parser.add_argument(
        "--fix",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="draw only this value of a swept key (repeatable), e.g. --fix theta=0",
    )


def options_from(args) -> dict:
    return {"fix": args.fix} if args.fix else {}


def write(ds, out_dir: Path, args, options: dict | None = None) -> list[Path]:
    """Draw and write every figure of ``ds``; errors become one line and exit status 2.

    The folder is checked before anything is drawn, and made (and a file written in it)
    before the first figure file: a folder that cannot take them gets one line and no file.
    """
    import matplotlib

    matplotlib.use("Agg")
    from hopsim import figures
    from hopsim.io import prepare_folder

    formats = check_formats(args.format)
    if not 1 <= args.dpi <= MAX_DPI:
        _fail(f"--dpi {args.dpi}: must be a whole number from 1 to {MAX_DPI}")
    check_out(out_dir, args)
    options = dict(options_from(args), **(options or {}))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            figs = figures.figures(ds, **options)
            tables = figures.tables(ds, **options)
        for w in {str(w.message): w for w in caught}:
            print(f"warning: {w}", file=sys.stderr)
        problem = prepare_folder(out_dir)
        if problem:
            _fail(_out_message(out_dir, args, problem))
        return figures.save(figs, out_dir, formats, args.dpi, tables)
    except figures.FigureError as exc:
        _fail(str(exc))
    except MemoryError:
        _fail(f"--dpi {args.dpi}: the image does not fit in memory; use a lower --dpi")
    except OSError as exc:  # the folder changed under us, the disk is full
        _fail(_out_message(out_dir, args, f"{exc.filename or out_dir}: {exc.strerror or exc}"))


def check_out(out_dir: Path, args) -> None:
    """One line and exit 2 when ``out_dir`` cannot be an output folder (nothing is made)."""
    from hopsim.io import folder_problem

    problem = folder_problem(out_dir)
    if problem:
        _fail(_out_message(out_dir, args, problem))


def _out_message(out_dir: Path, args, problem: str) -> str:
    if getattr(args, "out", None):
        return f"--out {args.out}: {problem}"
    return f"cannot write the figures next to the dataset: {problem}; choose a folder with --out"


#: the highest --dpi: print quality is 300-600; beyond 1200 a full-page figure needs GBs
MAX_DPI = 1200


def check_formats(text: str) -> list[str]:
    """The comma-separated ``--format`` list, every one a format matplotlib writes, no repeats.

    Checked before anything is drawn, so a bad format writes no file at all.
    """
    from matplotlib.backend_bases import FigureCanvasBase

    supported = FigureCanvasBase.get_supported_filetypes()
    formats = [f.strip().lstrip(".").lower() for f in text.split(",") if f.strip()]
    if not formats:
        _fail(f"--format {text!r}: give at least one of {', '.join(sorted(supported))}")
    for fmt in formats:
        if fmt not in supported:
            _fail(f"--format {fmt!r}: not a figure format; allowed: {', '.join(sorted(supported))}")
    return list(dict.fromkeys(formats))


def _fail(message: str):
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> list[Path]:
    """``hopsim-plot``: draw every figure of a dataset; return the written paths.

    Ctrl-C ends with one line and exit status 130 (the files already written are whole);
    ``argv=None`` (the command itself) exits at once, a list (a Python caller) raises
    ``SystemExit(130)``.
    """
    from hopsim import console

    with console.interruptible():
        try:
            with console.quiet_broken_pipe():
                paths = _plot(argv)
            if not console.interrupted():  # else a Ctrl-C whose KeyboardInterrupt was lost
                return paths
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            console.stopping()
            print(INTERRUPTED.format(prog="hopsim-plot"), file=sys.stderr)
            console.end_interrupted(standalone=argv is None)


#: The line a figure command prints after Ctrl-C.
INTERRUPTED = (
    "{prog}: interrupted; the figure files already written are complete, none is half-written"
)


def _plot(argv: list[str] | None) -> list[Path]:
    from hopsim.io import DatasetError, load_dataset, resolve_result_path

    args = build_parser().parse_args(argv)
    if args.out:
        check_out(Path(args.out), args)
    try:
        path = resolve_result_path(args.path)
        ds = load_dataset(path)
    except DatasetError as exc:
        _fail(str(exc))
    paths = write(ds, Path(args.out) if args.out else path.parent, args)
    for p in paths:
        print(f"wrote {p}")
    return paths


def run() -> int:
    """The console script ``hopsim-plot``: exit status 0 after writing the figures."""
    main()
    return 0


if __name__ == "__main__":
    main()
