"""How hopsim's commands end: on Ctrl-C, on a closed stdout, and with worker processes.

Every command (``hopsim``, ``hopsim-plot``, ``hopsim-gallery``, ``analysis/*.py``) runs
inside :func:`interruptible`:

- the first Ctrl-C (SIGINT) raises ``KeyboardInterrupt``; the command stops its workers,
  prints one line saying what was kept and exits with status 130. Further Ctrl-Cs (a user
  pressing twice, nested ``timeout -s INT``) are ignored while it does so, so they cannot
  turn the line into a traceback or the exit status into "killed by SIGINT";
- a KeyboardInterrupt that gets lost (Python only prints one raised in a weakref callback,
  as happens during imports; a library's bare ``except`` may swallow it) is raised again
  every :data:`RETRY_S` seconds until the command ends, and a command that reaches its end
  after Ctrl-C still exits 130 (:func:`interrupted`): a Ctrl-C never ends as exit 0;
- an inherited "ignore SIGINT" is undone: Python keeps a SIGINT disposition of SIG_IGN
  it inherits (its own handler is installed only over SIG_DFL), so a command started by a
  parent that ignores SIGINT (a process pool's worker, a shell's background job, a test
  runner's worker) would otherwise run to the end on Ctrl-C and exit 0. A blocked SIGINT
  is unblocked for the same reason. The caller's handler and mask come back when the
  block ends (a Python session calling ``hopsim.cli.main`` keeps its own).

:func:`quiet_broken_pipe` ends a command whose reader went away (``hopsim --help | head``)
without a traceback, with status 141 as a program killed by SIGPIPE would.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

#: Exit status after Ctrl-C (128 + SIGINT, what a shell reports for a command it stopped).
EXIT_INTERRUPTED = 130
#: Exit status when stdout was closed by its reader (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141

#: Seconds after which a Ctrl-C that has not stopped the command is raised again.
RETRY_S = 2.0


class _Interrupt:
    """The Ctrl-C state of one :func:`interruptible` block."""

    def __init__(self) -> None:
        self.raised_at: float | None = None  #: when KeyboardInterrupt was last raised
        self.stopping = False  #: the command is ending (:func:`stopping`): ignore Ctrl-C
        self.active = True  #: the block has not ended
        self.lock = threading.Lock()
        self.watchdog: threading.Thread | None = None


_current: _Interrupt | None = None
#: Has a command's :func:`interruptible` block begun (see :func:`guard_start`)?
_started = {"yes": False}


def _on_sigint(signum, frame) -> None:
    """Raise KeyboardInterrupt for the first SIGINT; ignore the next ones for ``RETRY_S``
    seconds (the command is unwinding) and all once the command is ending."""
    state = _current
    if state is None or state.stopping or not state.active:
        return
    now = time.monotonic()
    if state.raised_at is not None and now - state.raised_at < RETRY_S:
        return
    state.raised_at = now
    _watch(state)
    raise KeyboardInterrupt


def _watch(state: _Interrupt) -> None:
    """Raise the interrupt again every ``RETRY_S`` seconds until the command says it is
    ending: a KeyboardInterrupt can be lost (raised inside a weakref callback or a
    destructor, where Python only prints it, or caught by a library's bare ``except``),
    and then the command would run to its end and exit 0."""
    import _thread

    def watch() -> None:
        while True:
            time.sleep(RETRY_S)
            with state.lock:
                if state.stopping or not state.active:
                    return
                _thread.interrupt_main(signal.SIGINT)

    if state.watchdog is None:
        state.watchdog = threading.Thread(target=watch, name="hopsim-ctrl-c", daemon=True)
        state.watchdog.start()


def stopping() -> None:
    """The command is ending after Ctrl-C: from now on Ctrl-C is ignored (called first
    thing by each command's ``except KeyboardInterrupt``)."""
    if _current is not None:
        _current.stopping = True


def interrupted() -> bool:
    """Was Ctrl-C pressed in the current block? (True even if its KeyboardInterrupt was
    lost on the way: a command that gets to its end then still exits 130.)"""
    return _current is not None and _current.raised_at is not None


def _quiet_lost_interrupt(hook):
    """``sys.unraisablehook`` that keeps quiet about a lost KeyboardInterrupt (Python would
    print "Exception ignored in ..." with a traceback): the watchdog raises it again."""

    def quiet(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _current is not None:
            return
        hook(unraisable)

    return quiet


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Run the block with Ctrl-C raising ``KeyboardInterrupt`` once (see the module doc).

    Outside the main thread (where Python cannot set signal handlers) the block runs
    unchanged.
    """
    global _current
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, state = _current, _Interrupt()
    previous = signal.getsignal(signal.SIGINT)
    blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _current, _started["yes"] = state, True
    signal.signal(signal.SIGINT, _on_sigint)
    hook = sys.unraisablehook
    sys.unraisablehook = _quiet_lost_interrupt(hook)
    try:
        yield
    finally:
        with state.lock:  # no watchdog signal after this; one pending runs our handler:
            state.active = False  # signal.signal() below first runs pending handlers
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        sys.unraisablehook = hook
        _current = outer
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def exit_now(status: int) -> None:
    """Flush the logs and both streams, then end the process at once with ``status``.

    After Ctrl-C nothing else must run: interpreter shutdown (numba and BLAS threads,
    finalizers of a process pool) could block or print.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


@contextlib.contextmanager
def quiet_broken_pipe() -> Iterator[None]:
    """End quietly with :data:`EXIT_BROKEN_PIPE` when stdout's reader has gone away.

    The block's output is flushed as it ends (``SystemExit`` included, as after
    ``--help``), so that a closed pipe shows here and not as a warning at interpreter exit.
    """
    try:
        try:
            yield
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice: point stdout at /dev/null so that the final flush stays silent
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        exit_now(EXIT_BROKEN_PIPE)


def stop_workers(timeout: float = 10.0) -> int:
    """Kill the worker processes of joblib's process pool (``hydra/launcher=joblib``) and
    wait until they are gone; return how many were alive.

    Used after Ctrl-C, before the jobs are counted: a worker left running would go on
    writing results into the sweep folder after the command said what it kept. Nothing
    happens when joblib was never imported.
    """
    module = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(module, "_executor", None)
    if executor is None:
        return 0
    processes = list(getattr(executor, "_processes", {}).values())
    alive = [p for p in processes if p.is_alive()]
    with contextlib.suppress(Exception):
        executor.shutdown(wait=True, kill_workers=True)
    end = time.monotonic() + timeout
    for p in alive:  # shutdown kills them; make sure, whatever state the pool was in
        with contextlib.suppress(Exception):
            if p.is_alive():
                p.kill()
            p.join(max(0.0, end - time.monotonic()))
    _release_semaphores()
    return len(alive)


def _release_semaphores() -> None:
    """Unlink the pool's named semaphores now (their finalizers would run at interpreter
    exit, which :func:`exit_now` skips): else the resource trackers warn about leaked
    semaphores on stderr after the command's last line."""
    util = sys.modules.get("multiprocessing.util")
    run_finalizers = getattr(util, "_run_finalizers", None)
    if run_finalizers is not None:
        with contextlib.suppress(Exception):
            run_finalizers(0)  # priority >= 0: cleanups, not the joins of feeder threads


def use_thread_lock_for_bars() -> None:
    """Give tqdm's progress bars a thread lock instead of its default multiprocessing lock.

    A job's bars are never shared with another process, and tqdm's multiprocessing lock is
    a named semaphore: a worker killed after Ctrl-C (see :func:`stop_workers`) leaks it,
    and the resource tracker then prints "leaked semaphore objects" after the command's
    last line. Called by each job before it runs.
    """
    from tqdm import tqdm

    if getattr(tqdm, "_lock", None) is None:
        tqdm.set_lock(threading.RLock())


def end_interrupted(standalone: bool) -> None:
    """End a command after Ctrl-C (its one line printed): at once with status 130 when it
    is the process's command (``standalone``), else ``SystemExit(130)`` for the caller."""
    if standalone:
        exit_now(EXIT_INTERRUPTED)
    raise SystemExit(EXIT_INTERRUPTED)


#: The commands whose start-up :func:`guard_start` covers: script name or ``-m`` module.
COMMANDS = {
    "hopsim": "hopsim",
    "hopsim-plot": "hopsim-plot",
    "hopsim-gallery": "hopsim-gallery",
    "hopsim.figures.cli": "hopsim-plot",
    "hopsim.gallery.cli": "hopsim-gallery",
}


def command_name() -> str | None:
    """The hopsim command this process runs (``hopsim``, ``hopsim-plot``,
    ``hopsim-gallery``, also as ``python -m ...``), or None (a Python session, a script,
    a process pool's worker)."""
    if sys.argv and os.path.basename(sys.argv[0]) in COMMANDS:
        return COMMANDS[os.path.basename(sys.argv[0])]
    argv = list(getattr(sys, "orig_argv", []))[1:]  # the interpreter's own options first
    while argv:
        arg = argv.pop(0)
        if arg == "-m":
            return COMMANDS.get(argv[0]) if argv else None
        if arg in ("-X", "-W", "--check-hash-based-pycs"):
            argv = argv[1:]  # the option's value
        elif arg == "-c" or not arg.startswith("-"):
            return None  # a program or a script: not one of the commands
    return None


def guard_start() -> None:
    """Before the command's modules are imported (a second or more): Ctrl-C prints one line
    and exits 130 at once, nothing having been written. :func:`interruptible` takes over
    when the command starts. Also undoes an inherited ignored or blocked SIGINT."""
    name = command_name()
    if name is None or threading.current_thread() is not threading.main_thread():
        return

    def on_sigint(signum, frame) -> None:
        if _started["yes"]:
            return  # the command's work is over: it is exiting with its own status
        os.write(2, f"{name}: interrupted while starting; nothing was written\n".encode())
        os._exit(EXIT_INTERRUPTED)

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, on_sigint)
