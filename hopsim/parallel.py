"""Who owns the cores in a job: thread counts for numba and BLAS.

Two parallel jobs that each start two numba threads plus two busy-waiting OpenBLAS
threads oversubscribe a 2-core machine and run several times slower. Each job
therefore takes ``cores // parallel_jobs`` threads (at least 1) for both numba and
BLAS, where ``parallel_jobs`` comes from the Hydra launcher in use.
"""

from __future__ import annotations

import os

from omegaconf import DictConfig


def available_cores() -> int:
    """Cores this process may run on (respects affinity masks and cluster allotments)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


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
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    try:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    except ImportError:
        pass
    return threads


def threads_for_job(cfg_threads: int | str, launcher: DictConfig | None) -> int:
    """Resolve the ``threads`` key: ``auto`` = cores // parallel jobs, or a number."""
    cores = available_cores()
    if cfg_threads == "auto":
        return max(1, cores // parallel_jobs(launcher, cores))
    return max(1, int(cfg_threads))
