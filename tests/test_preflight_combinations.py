"""The preflight checks every job of a sweep, not only each value of each swept key.

A sweep whose values are each fine alone but one of whose combinations is refused by the
experiment's checks stops with one line naming that job, exit status 2, and nothing
written. The jobs are not composed one by one: the config of each combination of group
choices is composed once and every job's values are applied to a copy of it
(:class:`hopsim.composition.JobConfigs`); those configs must be the ones Hydra composes.
"""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf
from test_hostile_inputs import assert_refused, run_main

from hopsim import composition, sweeps
from hopsim.io import RESULT_NAME

COMBINATIONS = [
    # P = round(0.001 * 100) = 0 patterns, only at N = 100 and alpha = 0.001
    (
        ("-m", "network.N=2000,100", "patterns.alpha=0.1,0.001"),
        "job network.N=100 patterns.alpha=0.001: patterns.P=0 is not allowed",
    ),
    (
        ("-m", "experiment=capacity", "network.N=[2000],[100]", "patterns.alpha=0.1,0.001"),
        "job network.N=[100] patterns.alpha=0.001: patterns.alpha=0.001 is not allowed",
    ),
    # the results of P = 1e5 patterns times 1e5 trials (each alone needs < 1 GB)
    (
        ("-m", "patterns.P=10,100000", "trials=10,100000"),
        "job patterns.P=100000 trials=100000: trials=100000 needs ~",
    ),
    # a list is one of capacity's sizes, but recall's network.N is one integer
    (
        ("-m", "experiment=capacity,recall", "network.N=200,[100]"),
        "job experiment=recall network.N=[100]: network.N=[100] is not allowed",
    ),
    # three swept keys: two of the eight jobs are refused; the first one (Hydra's order)
    (
        ("-m", "network.N=2000,100", "patterns.alpha=0.1,0.001", "trials=1,2"),
        "job network.N=100 patterns.alpha=0.001 trials=1: patterns.P=0 is not allowed",
    ),
]


@pytest.mark.parametrize(
    ("argv", "expected"), COMBINATIONS, ids=[" ".join(a) for a, _ in COMBINATIONS]
)
def test_a_refused_combination_stops_the_sweep_naming_the_job(
    monkeypatch, capsys, tmp_path, argv, expected
):
    sweep = tmp_path / "sweep"
    line = assert_refused(monkeypatch, capsys, tmp_path, (*argv, f"hydra.sweep.dir={sweep}"), "")
    assert line.startswith(f"hopsim: error: {expected}"), line
    assert not sweep.exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # wrong alone: the line is the single run's, without the job
        (("-m", "network.N=10,nan", "trials=1,2"), "network.N=nan is not allowed"),
        (("-m", "network.N=10,20", "trials=1,2", "seed=-1"), "seed=-1 is not allowed"),
        (("-m", "network.N=10,20", "network.NN=1,2"), "network.NN=1 is not allowed: unknown"),
        (("-m", "network.N=10,20", "hydra.job.chdir=false,maybe"), "hydra.job.chdir=maybe"),
        # wrong in the context of the other keys' first values: the job is named
        (
            ("-m", "network.N=2000,100", "patterns.alpha=0.001,0.1"),
            "job network.N=100 patterns.alpha=0.001: patterns.P=0",
        ),
    ],
)
def test_a_value_wrong_alone_is_named_as_in_a_single_run(
    monkeypatch, capsys, tmp_path, argv, expected
):
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, "")
    assert line.startswith(f"hopsim: error: {expected}"), line


@pytest.mark.parametrize(
    "argv",
    [
        # a value that cannot be applied to the composed config: that job is composed
        ("-m", "trials=1,2", "network.N=10,{a:1}"),
        ("-m", "network.N=10,20", "hydra/launcher=joblib", "hydra.launcher.n_jobs=1,0"),
        ("-m", "network.N=10,20", "hydra/launcher=slurm", "hydra.launcher.mem_gb=1,abc"),
        ("-m", "network.N=10,20", "patterns.P=1,2", "+network.nosuch=1"),
    ],
)
def test_values_that_cannot_be_applied_are_refused_too(monkeypatch, capsys, tmp_path, argv):
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, "")
    assert "is not allowed" in line, line


JOBS = [
    ["network.N=[100]", "patterns.alpha=0.001"],
    ["experiment=capacity", "network.N=[100,200]", "patterns.alpha=null", "patterns.P=3"],
    ["network.learning='storkey'", 'network.tie="keep"', "network.theta=[0.5,-0.5]"],
    ["patterns.explicit=[[1,-1],[-1,1]]", "trials=${seed}", "seed=4"],
    ["++trials=5", "+patterns.extra=1", "network={N:7}"],
    ["corruption=occlude", "corruption.level=0.4", "network.energy=null"],
    ["experiment=images", "images.paths=['a b.png', \"c,d.png\"]", "images.side=8"],
    ["experiment=ising", "lattice.L=[8,16]", "mc.temperatures=[1.5,2.5]"],
    ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2", "hydra.sweep.dir=/tmp/x", "trials=3"],
]


@pytest.mark.parametrize("job", JOBS, ids=[" ".join(j) for j in JOBS])
def test_applied_values_give_the_config_hydra_composes(job):
    configs = composition.JobConfigs()
    applied = configs.get(job)
    assert applied is not None
    composed = composition.composed(job, None)
    assert OmegaConf.to_yaml(applied) == OmegaConf.to_yaml(composed)


def test_jobs_are_checked_first_value_first_then_every_job():
    jobs = list(sweeps.job_indices([2, 3]))
    assert jobs[:4] == [(0, 0), (1, 0), (0, 1), (0, 2)]  # the first job, one value at a time
    assert sorted(jobs) == [(i, j) for i in range(2) for j in range(3)]
    assert len(jobs) == len(set(jobs)) == 6


def test_a_sweep_beyond_the_limit_checks_a_fixed_sample():
    counts = [20, 20, 20]
    jobs = list(sweeps.job_indices(counts, limit=500))
    assert jobs == list(sweeps.job_indices(counts, limit=500))  # the same jobs on every run
    one_at_a_time = 1 + sum(c - 1 for c in counts)
    assert len(jobs) == len(set(jobs))
    assert one_at_a_time + 400 < len(jobs) <= one_at_a_time + 500
    assert {(i, 0, 0) for i in range(20)} <= set(jobs)
    assert all(0 <= k < 20 for job in jobs for k in job)


def test_a_valid_sweep_of_combinations_still_runs(monkeypatch, capsys, tmp_path):
    sweep = tmp_path / "sweep"
    argv = ("-m", "network.N=20,30", "patterns.P=1,2", "trials=1,2", f"hydra.sweep.dir={sweep}")
    code, _, err = run_main(monkeypatch, capsys, tmp_path, *argv)
    assert code == 0, err
    assert len(list(sweep.glob(f"*/{RESULT_NAME}"))) == 8
