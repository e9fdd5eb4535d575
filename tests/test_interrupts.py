"""Ctrl-C everywhere (issue 21, section 5): ``hopsim`` (basic and joblib launchers),
``hopsim-gallery``, ``hopsim-plot`` and ``analysis/*.py`` end with one line and exit status
130 for one, two or three SIGINTs; an interrupted joblib sweep stops its workers before it
counts what it kept; a SIGINT disposition inherited as "ignore" or "blocked" does not turn
Ctrl-C into a completed run (exit 0); a closed stdout ends quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ctrl_c import SLOW, alive, children, gone, one_line, press_ctrl_c, start, start_hopsim
from figure_runs import run as tiny_run

from hopsim import console
from hopsim.io import job_finished

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ hopsim


@pytest.mark.parametrize("times", [2, 3])
def test_ctrl_c_pressed_several_times_in_a_single_run_is_one_line(tmp_path, times):
    proc = start_hopsim(tmp_path, *SLOW, "mc.sweeps=400000", multirun=False)
    err = press_ctrl_c(proc, tmp_path / "run" / ".hydra" / "overrides.yaml", times)
    assert proc.returncode == 130, err
    assert "interrupted; no result was written" in one_line(err)
    assert not list((tmp_path / "run").glob("*result.nc*"))


def test_ctrl_c_from_the_terminal_in_a_sweep_is_one_line(tmp_path):
    """Three SIGINTs to the whole process group, as a terminal sends them."""
    proc = start_hopsim(tmp_path, *SLOW, "mc.sweeps=100,400000", multirun=True, group=True)
    err = press_ctrl_c(proc, tmp_path / "sweep" / "1" / ".hydra" / "overrides.yaml", 3, True)
    assert proc.returncode == 130, err
    assert "interrupted; kept 1 finished job" in one_line(err)
    assert job_finished(tmp_path / "sweep" / "0") and not job_finished(tmp_path / "sweep" / "1")


@pytest.mark.parametrize("how", ["ignored", "blocked"])
def test_ctrl_c_works_when_the_parent_ignored_or_blocked_sigint(tmp_path, how):
    """Python keeps an inherited SIG_IGN for SIGINT (its KeyboardInterrupt handler goes only
    over SIG_DFL), and a blocked SIGINT stays blocked: the command restores both itself."""
    args = [sys.executable, "-m", "hopsim", f"hydra.run.dir={tmp_path / 'run'}", *SLOW]
    args += ["mc.sweeps=400000", "progress=off"]
    if how == "ignored":  # as a shell does for a background job: trap '' INT
        proc = start(["sh", "-c", 'trap "" INT; exec "$@"', "sh", *args], tmp_path)
    else:
        mask = {signal.SIGINT}
        proc = start(args, tmp_path, preexec_fn=lambda: signal.pthread_sigmask(0, mask))
    err = press_ctrl_c(proc, tmp_path / "run" / ".hydra" / "overrides.yaml")
    assert proc.returncode == 130, err
    assert "interrupted" in one_line(err)


def _results(sweep: Path) -> set[str]:
    return {str(p.relative_to(sweep)) for p in sweep.rglob("result.nc")}


def test_ctrl_c_stops_the_joblib_workers_before_it_counts(tmp_path):
    """No worker outlives the command, and none writes a result after the line."""
    sweeps = "mc.sweeps=100,400000,400001,400002"
    joblib = ("hydra/launcher=joblib", "hydra.launcher.n_jobs=2")
    proc = start_hopsim(tmp_path, *joblib, *SLOW, sweeps, multirun=True)
    workers: list[int] = []  # the loky workers and resource tracker
    ready = tmp_path / "sweep" / "0" / "result.nc"
    err = press_ctrl_c(
        proc, ready, 2, settle=0.2, on_ready=lambda: workers.extend(children(proc.pid))
    )
    assert proc.returncode == 130, err
    line = one_line(err)  # no "leaked semaphore" warning either
    assert "interrupted; kept 1 finished job" in line, line
    assert workers and gone(workers), [p for p in workers if alive(p)]
    kept = _results(tmp_path / "sweep")
    time.sleep(2)
    assert _results(tmp_path / "sweep") == kept == {"0/result.nc"}
    assert not list((tmp_path / "sweep").rglob("*.tmp"))


# ------------------------------------------------------------------ hopsim-gallery

#: A gallery of one slow entry (the quick gallery's runs take about a second each).
GALLERY = """
import sys
from hopsim.gallery import cli, plan
from ctrl_c import SLOW
cli.ENTRIES = (plan.Entry("slow", "slow", "slow", overrides=(*SLOW, "mc.sweeps=400000")),)
sys.exit(cli.main())
"""


@pytest.mark.parametrize(("times", "group"), [(1, False), (3, False), (2, True)])
def test_ctrl_c_in_the_gallery_stops_its_run_and_is_one_line(tmp_path, times, group):
    out = tmp_path / "gallery"
    argv = [sys.executable, "-c", GALLERY, "--out", str(out)]
    proc = start(argv, tmp_path, group=group, env=_env())
    err = press_ctrl_c(proc, out / "runs" / "slow" / ".hydra" / "overrides.yaml", times, group)
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("hopsim-gallery: interrupted during entry 1 of 1 (slow)"), err
    assert lines[:-1] == ["[1/1] slow: "]  # the entry's own progress line, nothing else
    assert not (out / "index.html").exists() and not (out / "claims.md").exists()
    log = (out / "logs" / "slow.log").read_text()
    assert "hopsim: interrupted; no result was written" in log  # the run stopped cleanly
    assert not list((out / "runs" / "slow").glob("*result.nc*"))


def _env() -> dict:
    tests = str(Path(__file__).parent)
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=f"{tests}:{path}" if path else tests)


# ------------------------------------------------------------------ hopsim-plot, analysis

#: The command, with figures.save waiting (so that Ctrl-C lands while figures are written).
PLOT = """
import sys, time
from pathlib import Path
from hopsim import figures
real = figures.save
def slow_save(figs, out_dir, *args, **kwargs):
    Path(out_dir, "ready").touch()
    time.sleep(60)
    return real(figs, out_dir, *args, **kwargs)
figures.save = slow_save
if sys.argv[1] == "hopsim-plot":
    from hopsim.figures.cli import run
    sys.argv = sys.argv[1:]
    sys.exit(run())
import runpy
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.parametrize("command", ["hopsim-plot", "analysis/recall.py"])
@pytest.mark.parametrize("times", [1, 3])
def test_ctrl_c_while_figures_are_written_is_one_line(tmp_path, command, times):
    run_dir = tiny_run("network.N=20", "patterns.P=2", "trials=2")
    script = command if command == "hopsim-plot" else str(REPO / command)
    argv = [sys.executable, "-c", PLOT, script, str(run_dir), "--out", str(tmp_path / "figs")]
    proc = start(argv, tmp_path)
    err = press_ctrl_c(proc, tmp_path / "figs" / "ready", times, settle=0.2)
    assert proc.returncode == 130, err
    assert "interrupted; the figure files already written are complete" in one_line(err)
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["ready"]


# ------------------------------------------------------------------ in-process callers


def test_interruptible_raises_once_and_gives_back_the_callers_handler():
    mine = signal.getsignal(signal.SIGINT)
    with console.interruptible():
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        os.kill(os.getpid(), signal.SIGINT)  # the second and third are ignored
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
    assert signal.getsignal(signal.SIGINT) is mine


def test_interruptible_undoes_an_ignored_or_blocked_sigint_and_puts_it_back():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with console.interruptible():
            assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, previous)


def test_hopsim_main_leaves_the_callers_sigint_handler_as_it_was(monkeypatch, tmp_path):
    """A Python session calling the command keeps its own Ctrl-C (and a child it starts
    later gets the default disposition, not an ignored one)."""
    from hopsim import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["hopsim", "network.N=20", "trials=nan"])
    mine = signal.getsignal(signal.SIGINT)
    with pytest.raises(SystemExit):
        cli.main()
    assert signal.getsignal(signal.SIGINT) is mine
    status = subprocess.run(
        ["grep", "^SigIgn", "/proc/self/status"], capture_output=True, text=True
    ).stdout
    assert int(status.split()[1], 16) & (1 << (signal.SIGINT - 1)) == 0


# ------------------------------------------------------------------ closed stdout


@pytest.mark.parametrize(
    "argv",
    [
        [sys.executable, "-m", "hopsim", "--help"],
        [sys.executable, "-m", "hopsim.gallery.cli", "--list"],
        [sys.executable, "-m", "hopsim.figures.cli", "--help"],
    ],
    ids=["hopsim --help", "hopsim-gallery --list", "hopsim-plot --help"],
)
def test_a_closed_stdout_ends_quietly(tmp_path, argv):
    """``hopsim --help | head -0``: the reader is gone before the first line is written."""
    proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert err == "" and proc.returncode in (0, console.EXIT_BROKEN_PIPE)


# ------------------------------------------------------------------ a lost KeyboardInterrupt

#: ``hopsim`` whose job loses the first KeyboardInterrupt: caught by a bare ``except`` (as
#: in a compiled module's import, measured in numpy.random's), or raised in a weakref
#: callback, where Python can only print it (measured: llvmlite's object-cache callback
#: while numba compiles, importlib's module-lock callback).
LOSES_IT = """
import sys, time, weakref
from pathlib import Path
from hopsim import cli
real = cli.run_job
def swallowed(output_dir):
    Path(output_dir, "ready").touch()
    try:
        time.sleep(60)
    except KeyboardInterrupt:
        pass
def in_a_callback(output_dir):
    class Thing:
        pass
    def callback(_):
        Path(output_dir, "ready").touch()
        time.sleep(60)
    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
def run_job(cfg, output_dir, overrides):
    {how}(output_dir)
    time.sleep(60)
    Path(output_dir, "went-on").touch()
    return real(cfg, output_dir, overrides)
cli.run_job = run_job
sys.argv = ["hopsim", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.parametrize("how", ["swallowed", "in_a_callback"])
def test_a_lost_keyboard_interrupt_is_raised_again_and_never_ends_as_exit_0(tmp_path, how):
    code = LOSES_IT.format(how=how)
    argv = [sys.executable, "-c", code, f"hydra.run.dir={tmp_path / 'run'}", "trials=2"]
    proc = start([*argv, "progress=off"], tmp_path)
    err = press_ctrl_c(proc, tmp_path / "run" / "ready", settle=0.2)
    assert proc.returncode == 130, err
    assert "interrupted; no result was written" in one_line(err)  # nothing "ignored" either
    assert not (tmp_path / "run" / "went-on").exists()  # raised again within RETRY_S


def test_the_watchdog_raises_again_until_the_command_says_it_is_ending(monkeypatch):
    monkeypatch.setattr(console, "RETRY_S", 0.2)
    with console.interruptible():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            pass  # lost
        with pytest.raises(KeyboardInterrupt):
            time.sleep(5)  # raised again by the watchdog
        console.stopping()
        time.sleep(0.6)  # and no more once the command is ending
        assert console.interrupted()
    assert not console.interrupted()


def test_a_command_that_gets_to_its_end_after_ctrl_c_exits_130(monkeypatch, tmp_path, capsys):
    """The lost interrupt's last guard: ``interrupted()`` at the end (watchdog too late)."""
    from hopsim import figures
    from hopsim.figures import cli as plot_cli

    monkeypatch.setattr(console, "RETRY_S", 100.0)
    real = figures.save

    def save_losing_ctrl_c(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            pass
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, "save", save_losing_ctrl_c)
    run_dir = tiny_run("network.N=20", "patterns.P=2", "trials=2")
    with pytest.raises(SystemExit) as info:
        plot_cli.main([str(run_dir), "--out", str(tmp_path), "--format", "png"])
    assert info.value.code == 130
    assert capsys.readouterr().err.startswith("hopsim-plot: interrupted")


# ------------------------------------------------------------------ while starting


def test_ctrl_c_while_the_command_loads_its_modules_is_one_line(tmp_path):
    """``hopsim/__init__`` guards the command's start-up (a second or more of imports)."""
    code = (
        "import os, signal, sys, time; sys.argv = ['hopsim']; import hopsim; "
        "os.kill(os.getpid(), signal.SIGINT); time.sleep(30); print('went on')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 130 and proc.stdout == "", proc.stderr
    assert one_line(proc.stderr) == "hopsim: interrupted while starting; nothing was written"


@pytest.mark.parametrize(
    ("orig_argv", "argv0", "name"),
    [
        (["python", "-m", "hopsim", "-m", "network.N=1,2"], "-m", "hopsim"),
        (["python", "-X", "dev", "-m", "hopsim.gallery.cli"], "-m", "hopsim-gallery"),
        (
            ["/venv/bin/python", "/venv/bin/hopsim-plot", "x"],
            "/venv/bin/hopsim-plot",
            "hopsim-plot",
        ),
        (["python", "-m", "pytest", "-m", "hopsim"], "-m", None),
        (["python", "analysis/recall.py", "-m", "hopsim"], "analysis/recall.py", None),
        (["python", "-c", "import hopsim", "-m", "hopsim"], "-c", None),
    ],
)
def test_only_the_commands_guard_their_start(monkeypatch, orig_argv, argv0, name):
    """A Python session or test runner importing hopsim keeps its own Ctrl-C."""
    monkeypatch.setattr(sys, "orig_argv", orig_argv)
    monkeypatch.setattr(sys, "argv", [argv0])
    assert console.command_name() == name
