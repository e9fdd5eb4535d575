"""``hopsim-gallery [--quick] [--out DIR] [--only NAME ...]``: every figure and every claim.

Runs every gallery entry through the real ``hopsim`` command (on the experiments' defaults,
or small sizes with ``--quick``), draws every figure, checks every claim against the data and
writes ``DIR/index.html``, ``DIR/claims.md`` and ``DIR/gallery.json`` (the same content for
programs). Exit status 0 when every run and figure
succeeded (runs skipped for a missing optional extra are listed, not failures), 1 otherwise.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from datetime import datetime
from pathlib import Path

from hopsim.gallery.plan import ENTRIES


def _entry_name(text: str) -> str:
    if text not in {e.name for e in ENTRIES}:
        raise argparse.ArgumentTypeError(f"no gallery entry {text!r} (hopsim-gallery --list)")
    return text


def build_parser() -> argparse.ArgumentParser:
    from hopsim.figures.cli import OneLineParser, folder

    parser = OneLineParser(
        prog="hopsim-gallery", description=__doc__.splitlines()[0].split(": ", 1)[-1]
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (about a minute in all; used by CI)"
    )
    parser.add_argument(
        "--out", type=folder, default="runs/gallery", help="output folder (default: runs/gallery)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        type=_entry_name,
        help="run only these entries (claims needing others are 'not checked'); see --list",
    )
    parser.add_argument("--list", action="store_true", help="list the entries and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the gallery; return the exit status (see the module docstring).

    Ctrl-C stops the entry's ``hopsim`` run, prints one line and ends with status 130 (at
    once for the command itself, ``argv=None``; returned to a Python caller). The pages
    are written only at the end, so an interrupted gallery leaves the earlier pages.
    """
    from hopsim import console

    with console.interruptible():
        progress = {"done": 0, "total": None, "out": None, "pending": False, "pages": False}
        try:
            with console.quiet_broken_pipe():
                status = _gallery(argv, progress)
            if not console.interrupted():  # else a Ctrl-C whose KeyboardInterrupt was lost
                return status
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            console.stopping()
            pending = "\n" if progress["pending"] else ""  # end the entry's open line
            print(pending + _interrupted_line(progress), file=sys.stderr)
            if argv is None:
                console.exit_now(console.EXIT_INTERRUPTED)
            return console.EXIT_INTERRUPTED


def _interrupted_line(progress: dict) -> str:
    """What an interrupted gallery kept, in one line."""
    if progress["total"] is None:
        return "hopsim-gallery: interrupted before any run started; nothing was written"
    done, total, out = progress["done"], progress["total"], progress["out"]
    if progress["pending"]:
        where = f"during entry {done + 1} of {total} ({progress['entry']})"
    elif progress["pages"]:  # each page is written whole or not at all
        return (
            f"hopsim-gallery: interrupted while checking the claims and writing the pages; "
            f"the runs and figures of all {total} entries are kept in {out}"
        )
    else:
        where = f"after {done} of {total} entries"
    kept = (
        f"the {done} finished entries' runs and figures are kept in {out}"
        if done
        else "no entry had finished"
    )
    return (
        f"hopsim-gallery: interrupted {where}; {kept}; the pages (index.html, claims.md) "
        "were not written"
    )


def _gallery(argv: list[str] | None, progress: dict) -> int:
    args = build_parser().parse_args(argv)
    if args.list:
        for e in ENTRIES:
            print(f"{e.name:22s} {e.title}")
        return 0
    from hopsim.io import prepare_folder

    out = Path(args.out).resolve()
    problem = prepare_folder(out)
    if problem:
        print(f"error: --out {args.out}: {problem}", file=sys.stderr)
        return 2
    entries = [e for e in ENTRIES if not args.only or e.name in args.only]
    progress.update(total=len(entries), out=out)
    start = time.perf_counter()
    records, data, failures = _run_entries(entries, out, args.quick, progress, start)
    progress["pages"] = True
    return _write_pages(records, data, failures, out, args, argv, start)


def _run_entries(entries, out: Path, quick: bool, progress: dict, start: float):
    """Run, load and draw each entry; (records, datasets by name, failures by name)."""
    from hopsim.gallery.run import draw, load, run_entry

    records, data, failures = [], {}, {}
    for k, entry in enumerate(entries, 1):
        print(f"[{k}/{len(entries)}] {entry.name}: ", end="", file=sys.stderr, flush=True)
        progress.update(pending=True, entry=entry.name)
        rec = run_entry(entry, out, quick)
        if rec.status == "ok":
            try:
                data[entry.name] = load(rec)
            except Exception as exc:
                rec.status, rec.reason = "failed", f"dataset: {type(exc).__name__}: {exc}"
        if rec.status == "ok":
            draw(rec, data[entry.name], out)
        if rec.status != "ok":
            failures[entry.name] = rec.reason
        records.append(rec)
        progress["done"] = k
        elapsed = time.perf_counter() - start
        print(
            f"{rec.status} ({rec.seconds:.1f} s, {len(rec.figures)} figures)"
            + (f" -- {rec.reason}" if rec.reason else "")
            + f" [{elapsed:.0f} s elapsed]",
            file=sys.stderr,
        )
        progress["pending"] = False
    return records, data, failures


def _write_pages(records, data, failures, out: Path, args, argv, start: float) -> int:
    """Check the claims, write index.html, claims.md and gallery.json; the exit status."""
    import hopsim
    from hopsim.gallery import claims, report
    from hopsim.io import write_text_atomic

    rows = claims.evaluate(data, failures)
    broken = [(c, r) for c, r in rows if r.note.startswith("check error")]
    wall = time.perf_counter() - start
    header = {
        "command": shlex.join(["hopsim-gallery", *(argv if argv is not None else sys.argv[1:])]),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "version": getattr(hopsim, "__version__", "?"),
        "mode": "quick" if args.quick else "full",
        "wall": f"{wall / 60:.1f} min" if wall >= 120 else f"{wall:.0f} s",
        "machine": report.machine(),
    }
    write_text_atomic(out / "claims.md", report.claims_markdown(rows, records, header))
    write_text_atomic(out / "index.html", report.index_html(rows, records, header, out))
    write_text_atomic(out / "gallery.json", report.manifest(rows, records, header, out))
    counts = report.verdict_counts(rows)
    print(
        f"hopsim-gallery: {sum(r.status == 'ok' for r in records)}/{len(records)} runs, "
        f"{sum(len(r.figures) for r in records)} figures, {len(rows)} claims ("
        + ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        + f") in {header['wall']}; wrote {out / 'index.html'} and {out / 'claims.md'}",
        file=sys.stderr,
    )
    failed = [r for r in records if r.status == "failed"]
    for r in failed:
        print(f"error: {r.entry.name}: {r.reason} (log: {r.log})", file=sys.stderr)
    for c, r in broken:
        print(f"error: claim {c.id}: {r.note}", file=sys.stderr)
    return 1 if failed or broken else 0


def run() -> None:
    """The console script ``hopsim-gallery``."""
    raise SystemExit(main())


if __name__ == "__main__":
    run()
