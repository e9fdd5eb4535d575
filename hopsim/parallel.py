"""Who owns the cores in a job: thread counts for numba and BLAS.

Two parallel jobs that each start two numba threads plus two busy-waiting OpenBLAS
threads oversubscribe a 2-core machine and run several times slower. Each job
therefore takes ``cores // parallel_jobs`` threads (at least 1) for both numba and
BLAS, where ``parallel_jobs`` comes from the Hydra launcher in use.

``threads: auto`` then goes further (:func:`threads_for_size`):

- a small problem gets one thread: below ``SMALL_WORK`` (N^2 x cues in one batch) starting
  and joining threads costs more than it gives;
- on a shared machine a job takes no more threads than there are free cores. Numba's and
  OpenBLAS's parallel loops split the work evenly and wait for their slowest thread, so
  one thread descheduled by a competing process stalls the others; with one thread per
  free core the job gets at least its fair share of the machine.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

from omegaconf import DictConfig

#: N^2 x cues per batch below which one thread is faster than several (async recall on
#: this 2-core machine: N = 2000, 16 cues took 5 ms on one thread, 8 ms on two).
SMALL_WORK = 2**28


def available_cores() -> int:
    """Cores this process may run on (affinity masks, and a SLURM job's own allotment)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    # without task/affinity (containers, no cgroups) SLURM does not pin the job: its
    # allotment is only in the environment
    slurm = os.environ.get("SLURM_CPUS_PER_TASK", "")
    if slurm.isdigit() and int(slurm) > 0 and os.environ.get("SLURM_JOB_ID"):
        cores = min(cores, int(slurm))
    return max(1, cores)


def _running(path: str) -> int:
    """Threads of the process at ``path`` (``/proc/<pid>``) that are running right now."""
    n = 0
    for task in os.listdir(f"{path}/task"):
        try:
            with open(f"{path}/task/{task}/stat", "rb") as f:
                n += f.read().rsplit(b")", 1)[1].split()[0] == b"R"
        except (OSError, IndexError):
            pass
    return n


def busy_elsewhere(samples: int = 5, interval: float = 0.004) -> int:
    """Runnable threads of other processes on this machine (0 where it cannot be read).

    ``procs_running`` of ``/proc/stat`` less this process's running threads, the smallest
    of a few samples: processes that compute all the time are in every sample, short
    wake-ups are not.
    """
    least = None
    for k in range(samples):
        try:
            with open("/proc/stat", "rb") as f:
                total = next(
                    int(line.split()[1]) for line in f if line.startswith(b"procs_running")
                )
            n = total - _running("/proc/self")
        except (OSError, ValueError, StopIteration):
            return 0
        least = n if least is None else min(least, n)
        if k + 1 < samples:
            time.sleep(interval)
    return max(0, least or 0)


def free_cores() -> int:
    """Cores of this machine that no other runnable thread is using (at least 1)."""
    online = os.cpu_count() or 1
    return max(1, min(available_cores(), online - busy_elsewhere()))


def parallel_jobs(launcher: DictConfig | None, cores: int) -> int:
    """How many jobs of a sweep run at once on this machine under ``launcher``."""
    if launcher is None:
        return 1
    target = str(launcher.get("_target_", ""))
    if "joblib" in target.lower():
        n = int(launcher.get("n_jobs", -1) or -1)
        return cores if n < 0 else max(1, min(n, cores))
    if "submitit" in target.lower():
        # each submitit job is given cpus_per_task cores (locally or on a cluster node)
        cpus = int(launcher.get("cpus_per_task", 1) or 1)
        return max(1, cores // max(1, cpus)) if "local" in target.lower() else 1
    return 1


def configure_threads(threads: int) -> int:
    """Limit numba and BLAS/OpenMP thread pools of this process to ``threads``."""
    import numba
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return threads


@contextlib.contextmanager
def thread_limit(threads: int) -> Iterator[int]:
    """:func:`configure_threads` for the duration of a block, then the previous pools."""
    import numba
    from threadpoolctl import threadpool_limits

    before = numba.get_num_threads()
    with threadpool_limits(limits=threads):
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        try:
            yield threads
        finally:
            numba.set_num_threads(before)


def threads_for_job(cfg_threads: int | str, launcher: DictConfig | None) -> int:
    """Resolve the ``threads`` key: ``auto`` = cores // parallel jobs, or a number."""
    cores = available_cores()
    if cfg_threads == "auto":
        return max(1, cores // parallel_jobs(launcher, cores))
    return max(1, int(cfg_threads))


def threads_for_size(
    n_neurons: int | None,
    n_cues: int | None,
    cfg_threads: int | str,
    launcher: DictConfig | None = None,
) -> int:
    """Threads for a job whose largest batch is ``n_cues`` cues of ``n_neurons`` neurons.

    A number is used as given. ``auto``: one thread when ``n_neurons**2 * n_cues`` is below
    ``SMALL_WORK``; otherwise :func:`threads_for_job`'s share, but no more than the cores
    that are free right now (:func:`free_cores`). ``None`` sizes skip the size rule.
    """
    if cfg_threads != "auto":
        return max(1, int(cfg_threads))
    if n_neurons is not None and n_cues is not None and n_neurons**2 * n_cues < SMALL_WORK:
        return 1
    return max(1, min(threads_for_job("auto", launcher), free_cores()))


def threads_for_params(params, cfg_threads: int | str, launcher: DictConfig | None) -> int:
    """The ``threads`` key of a job resolved with its problem size (see threads_for_size).

    The size is the parameter object's ``problem_size()`` (largest N, cues per batch) for
    the experiments that run batches of cues; unknown (None, None) for the others.
    """
    size = getattr(params, "problem_size", None)
    n, cues = size() if callable(size) else (None, None)
    return threads_for_size(n, cues, cfg_threads, launcher)
