"""Thread counts: by problem size, by the launcher, and by what else runs on the machine."""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
from conftest import compose_config

from hopsim import parallel
from hopsim.parallel import (
    SMALL_WORK,
    available_cores,
    busy_elsewhere,
    free_cores,
    threads_for_params,
    threads_for_size,
)


def test_import_makes_waiting_threads_passive():
    # set by `import hopsim` unless the user set them first
    assert "OMP_WAIT_POLICY" in os.environ and "OPENBLAS_THREAD_TIMEOUT" in os.environ


def test_small_problems_get_one_thread_and_numbers_win(monkeypatch):
    monkeypatch.setattr(parallel, "free_cores", lambda: 64)
    monkeypatch.setattr(parallel, "available_cores", lambda: 64)
    assert threads_for_size(2000, 16, "auto") == 1  # 6.4e7 < SMALL_WORK
    assert 2000**2 * 16 < SMALL_WORK <= 5000**2 * 64
    assert threads_for_size(5000, 64, "auto") == 64
    assert threads_for_size(2000, 16, 3) == 3  # an explicit number is used as given
    assert threads_for_size(None, None, "auto") == 64  # size unknown: cores


def test_auto_takes_no_more_threads_than_free_cores(monkeypatch):
    monkeypatch.setattr(parallel, "available_cores", lambda: 8)
    monkeypatch.setattr(parallel, "free_cores", lambda: 3)
    assert threads_for_size(20000, 64, "auto") == 3
    monkeypatch.setattr(parallel, "free_cores", lambda: 8)
    assert threads_for_size(20000, 64, "auto") == 8


def test_slurm_allotment_limits_the_cores(monkeypatch):
    monkeypatch.setenv("SLURM_JOB_ID", "7")
    monkeypatch.setenv("SLURM_CPUS_PER_TASK", "1")
    assert available_cores() == 1
    monkeypatch.delenv("SLURM_JOB_ID")
    assert available_cores() == len(os.sched_getaffinity(0))


def _spin(stop):
    while not stop.is_set():
        pass


def test_busy_processes_are_seen_and_leave_fewer_free_cores():
    cores = os.cpu_count() or 1
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop,)) for _ in range(2)]
    for p in spinners:
        p.start()
    try:
        time.sleep(0.3)
        assert busy_elsewhere() >= 2
        assert free_cores() <= max(1, cores - 2)
    finally:
        stop.set()
        for p in spinners:
            p.join()
    assert free_cores() >= 1


def _params(*overrides):
    from hopsim import experiments

    cfg = compose_config(*overrides)
    return experiments.prepare(experiments.load(str(cfg.experiment)), cfg)


def test_problem_size_of_recall_and_capacity_jobs():
    assert _params().problem_size() == (200, 100)  # 10 patterns x 10 trials
    assert _params("network.N=2000", "patterns.alpha=0.1").problem_size() == (2000, 256)
    assert _params("experiment=capacity").problem_size() == (2000, 200)
    assert not hasattr(_params("experiment=bifurcation"), "problem_size")
    assert threads_for_params(_params("experiment=bifurcation"), 3, None) == 3
    assert threads_for_params(_params(), 2, None) == 2
    assert threads_for_params(_params(), "auto", None) == 1  # the default recall is small


def test_recall_is_the_same_on_one_and_two_threads():
    from hopsim.dynamics import discrete
    from hopsim.network import Network
    from hopsim.parallel import configure_threads
    from hopsim.patterns import corrupt, random_patterns
    from hopsim.rng import SeedTree

    seeds = SeedTree(3)
    xi = random_patterns(seeds.generator("p"), 30, 300)
    net = Network.hebbian(xi)
    cues = corrupt(xi[np.arange(40) % 30], "flip", 0.2, seeds.generators(["c"], range(40)))
    finals = []
    for threads in (1, 2):
        configure_threads(threads)
        traj = discrete.run(net, cues, "async", 50, seeds.generators(["d"], range(40)))
        finals.append((traj.final.copy(), traj.energy.copy()))
    configure_threads(available_cores())
    np.testing.assert_array_equal(finals[0][0], finals[1][0])
    np.testing.assert_array_equal(finals[0][1], finals[1][1])
