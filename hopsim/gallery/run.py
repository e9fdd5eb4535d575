"""Run the gallery's entries through the real ``hopsim`` command and draw their figures."""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hopsim.gallery.plan import Entry

#: how many lines of a failed run's stderr a report keeps
TAIL_LINES = 12


@dataclass
class RunRecord:
    """What happened to one entry."""

    entry: Entry
    command: str  #: the command line as a user would type it
    run_dir: Path
    log: Path
    status: str = "pending"  #: ok, failed, skipped
    reason: str = ""  #: why it failed or was skipped (one line)
    seconds: float = 0.0
    figures: list[Path] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)  #: what the figure code warned about


def hopsim_command() -> list[str]:
    """The ``hopsim`` console script of this interpreter's environment, else ``python -m``."""
    here = Path(sys.executable).parent / "hopsim"
    if here.exists():
        return [str(here)]
    found = shutil.which("hopsim")
    return [found] if found else [sys.executable, "-m", "hopsim"]


def missing_modules(entry: Entry) -> list[str]:
    return [m for m in entry.needs if importlib.util.find_spec(m) is None]


def display_command(entry: Entry, quick: bool) -> str:
    """The command line shown on the page (without the gallery's output folder)."""
    return shlex.join(["hopsim", *entry.arguments(quick)])


def run_entry(entry: Entry, out: Path, quick: bool, command: list[str] | None = None) -> RunRecord:
    """Run one entry into ``out/runs/<name>`` (replacing an earlier gallery's run there)."""
    run_dir = out / "runs" / entry.name
    log = out / "logs" / f"{entry.name}.log"
    record = RunRecord(entry, display_command(entry, quick), run_dir, log)
    missing = missing_modules(entry)
    if missing:
        record.status = "skipped"
        record.reason = (
            f"needs {', '.join(missing)}: install the rnn extra (pip install 'hopsim[rnn]')"
        )
        return record
    if run_dir.exists():
        shutil.rmtree(run_dir)
    log.parent.mkdir(parents=True, exist_ok=True)
    folder_key = "hydra.sweep.dir" if entry.multirun else "hydra.run.dir"
    argv = [
        *(command or hopsim_command()),
        *entry.arguments(quick),
        f"{folder_key}={run_dir}",
        "progress=off",
    ]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    with open(log, "w") as fh:
        fh.write("$ " + shlex.join(argv) + "\n")
        fh.flush()
        returncode = _run(argv, fh, env)
    record.seconds = time.perf_counter() - start
    if returncode != 0:
        record.status = "failed"
        tail = log.read_text(errors="replace").strip().splitlines()[-TAIL_LINES:]
        last = next((t for t in reversed(tail) if t.strip()), "")
        record.reason = f"exit status {returncode}: {last.strip()}"
        return record
    record.status = "ok"
    return record


#: Seconds an interrupted ``hopsim`` run gets to stop cleanly (its one line, exit 130).
STOP_S = 30.0


def _run(argv: list[str], log, env: dict) -> int:
    """Run one ``hopsim`` command with its output in ``log``; return its exit status.

    On Ctrl-C the run is interrupted too (SIGINT, as a terminal would) and waited for, so
    that it stops its own workers and leaves its folder as ``hopsim`` promises; it is
    killed only if it has not ended after :data:`STOP_S` seconds.
    """
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        from hopsim import console

        console.stopping()  # the gallery is ending: no second interrupt while the run stops
        _stop(proc)
        raise
    except BaseException:
        _stop(proc)
        raise


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(record: RunRecord):
    """The entry's dataset (the merged one for a sweep); keeps its summary paragraph."""
    from hopsim.io import load_dataset, resolve_result_path

    ds = load_dataset(resolve_result_path(record.run_dir))
    record.summary = str(ds.attrs.get("summary", ""))
    if not record.summary and record.entry.multirun:  # a merged sweep: each job's paragraph
        jobs = sorted(record.run_dir.glob("*/summary.txt"), key=lambda p: p.parent.name)
        record.summary = "\n".join(p.read_text().strip() for p in jobs)
    return ds


def draw(record: RunRecord, ds, out: Path, dpi: int = 110) -> None:
    """Write every figure of ``ds`` as PNG into ``out/figures/<name>``.

    Warnings the figure code raises (an unreliable fit, say) are kept in
    ``record.warnings`` and shown on the page next to the figures. A failure marks the
    record failed with a one-line reason.
    """
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    from hopsim import figures

    fig_dir = out / "figures" / record.entry.name
    if fig_dir.exists():
        shutil.rmtree(fig_dir)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            figs = figures.figures(ds)
        record.figures = figures.save(figs, fig_dir, formats=("png",), dpi=dpi)
    except Exception as exc:  # one bad figure must not hide the other runs
        record.status = "failed"
        record.reason = f"figure: {type(exc).__name__}: {exc}"
        return
    record.warnings = list(dict.fromkeys(str(w.message) for w in caught))
