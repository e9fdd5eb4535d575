"""Sweep merges that always complete or say why (issue 13, section 1).

One test per class, parametrised over the experiments where it applies:

* a list value swept (``network.N=[40],[50]``) is one coordinate value, for every
  list-valued key of every experiment;
* a key that is one of the experiment's own lists, swept with single values
  (``mc.temperatures=2.0,2.5``), merges along the experiment's own dimension;
* a job that crashes after computing its result (in its summary) is not finished;
* a merge that cannot complete is one line on stderr and exit status 1.

The per-experiment merges run the jobs in-process (the same ``run_job`` the command uses)
and merge them with ``merge_jobs``; a few end-to-end runs of the ``hopsim`` command check
the callback, the exit status and the launchers.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from conftest import compose_config
from omegaconf import DictConfig, ListConfig, OmegaConf

from hopsim import experiments
from hopsim.cli import run_job
from hopsim.config import ConfigError
from hopsim.io import (
    DatasetError,
    job_finished,
    load_dataset,
    merge_jobs,
    parse_sweep,
    save_dataset,
    sweep_dim_name,
)
from hopsim.preflight import validate

#: Tiny configs (seconds in total) for every experiment these tests cover.
TINY = {
    "recall": ["patterns.explicit=[[1,-1,1,-1],[1,1,-1,-1]]", "trials=2"],
    "capacity": [
        "network.N=[20,30]",
        "patterns.alpha=[0.1,0.2]",
        "corruption.level=[0,0.1]",
        "trials=2",
    ],
    "hopfield_temperature": [
        "network.N=[20,30]",
        "patterns.alpha=[0.05,0.1]",
        "mc.temperatures=[0,0.5]",
        "mc.thermalize=2",
        "mc.sweeps=4",
        "trials=2",
    ],
    "ising": [
        "lattice.L=[4,6]",
        "mc.temperatures=[1.5,2.5]",
        "mc.thermalize=5",
        "mc.sweeps=40",
        "mc.blocks=4",
    ],
    "bifurcation": [
        "bifurcation.points=11",
        "bifurcation.h_points=11",
        "bifurcation.loop_lambda=[1.5,2.0]",
        "meanfield.N=10",
        "meanfield.points=3",
    ],
    "phase_portrait": ["phase_portrait.points=11", "phase_portrait.lambdas=[0.5,2.0]"],
    "stimulus": [
        "stimulus.points=51",
        "stimulus.t_max=20",
        "stimulus.pulses=[[1,2,1.0],[5,6,-1.0]]",
        "stimulus.steps=[[8,0.1],[12,-0.1]]",
    ],
    "network_ode": [
        "network_ode.N=20",
        "network_ode.P=2",
        "network_ode.trials=2",
        "network_ode.t_max=2",
        "network_ode.points=5",
    ],
    "state_graph": ["patterns.explicit=[[-1,1],[1,1]]"],
    "mixtures": [
        "network.N=[20,30]",
        "patterns.alpha=[0.1,0.2]",
        "mixtures.starts=[pattern,random]",
        "trials=2",
    ],
    "images": [
        "images.paths=[smiley,house]",
        "images.side=8",
        "images.max_sweeps=3",
        "images.corruptions=[noise,invert]",
        "images.updates=[sync,async]",
    ],
    "modern": [
        "modern.kinds=[sphere,clustered]",
        "modern.d=8",
        "modern.P=[16,32]",
        "modern.betas=[0.5,16]",
        "modern.queries=4",
        "modern.members=8",
        "modern.max_steps=20",
        "images.paths=[smiley,house]",
        "images.side=8",
    ],
    "rules": [
        "rules.names=[hebb,storkey]",
        "network.learning_options.budget=null",
        "network.N=[20,30]",
        "patterns.alpha=[0.1,0.2]",
        "corruption.level=[0,0.1]",
        "trials=1",
        "rules.cues=2",
    ],
    "dense_capacity": [
        "dense_capacity.energies=[poly2,exp]",
        "dense_capacity.N=[12,16]",
        "dense_capacity.N_exp=[6,8]",
        "dense_capacity.factors=[0.5,0.71,1.0,1.41]",
        "dense_capacity.factors_exp=[0.5,0.71,1.0,1.41]",
        "dense_capacity.networks=1",
        "dense_capacity.checks=4",
        "dense_capacity.trials=2",
    ],
    "completion": [
        "threads=1",
        "completion.N=16",
        "completion.P=[2,3]",
        "completion.noise=[0.0,0.3]",
        "completion.trials=4",
        "hopfield.rules=[hebb,pseudo_inverse]",
        "rnn.kinds=[rnn,gru]",
        "rnn.sizes=[N2,NP]",
        "train.steps=4",
        "train.eval_every=2",
        "rnn.validation=8",
    ],
    "sequence_memory": [
        "threads=1",
        "sequence.N=[8,16]",
        "sequence.lengths=[2,3]",
        "sequence.noise=[0.0,0.1]",
        "hopfield.trials=2",
        "rnn.kinds=[rnn,gru]",
        "rnn.hidden=[4,8]",
        "rnn.cues=2",
        "train.steps=4",
        "train.eval_every=2",
    ],
    "gradients": [
        "threads=1",
        "task.lags=[2,3]",
        "task.seeds=1",
        "task.validation=8",
        "model.variants=[rnn,lstm]",
        "model.hidden=4",
        "train.budgets=[2,4]",
        "train.eval_every=2",
        "task.lr_search=true",  # so that the search's lists are dimensions too
        "search.lrs=[0.01,0.001]",
        "search.lags=[2,3]",
        "search.seeds=1",
        "gradients.length=6",
        "gradients.batch_size=4",
        "explode.steps=2",
        "explode.seeds=1",
        "explode.lag=2",
    ],
}


@functools.cache
def _base(name: str, key: str) -> DictConfig:
    """The tiny config of ``name`` without its own value of ``key`` (composed once)."""
    return compose_config(f"experiment={name}", *_base_overrides(name, key))


def _base_overrides(name: str, key: str) -> list[str]:
    # one thread: these jobs are tiny, and idle worker threads would only add CPU time
    kept = [o for o in TINY[name] if not o.startswith((f"{key}=", "threads="))]
    return ["threads=1", *kept]


def _job_config(name: str, key: str, text: str) -> DictConfig:
    """What ``compose_config(experiment=name, *TINY, key=text)`` gives, without composing
    again for every value (a composition takes a noticeable fraction of a second)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    cfg = copy.deepcopy(_base(name, key))
    value = OverridesParser.create().parse_override(f"{key}={text}").value()
    OmegaConf.update(cfg, key, value, merge=False)
    return cfg


def _list_keys(cfg: DictConfig, prefix: str = "") -> dict[str, list]:
    """Every list-valued key of a composed config (hydra's own node aside)."""
    found = {}
    for key, value in cfg.items():
        full = f"{prefix}{key}"
        if full == "hydra":
            continue
        if isinstance(value, DictConfig):
            found.update(_list_keys(value, f"{full}."))
        elif isinstance(value, ListConfig):
            found[full] = OmegaConf.to_container(value)
    return found


def _text(value) -> str:
    """A config value as override text: [[1,2],[3]] -> '[[1,2],[3]]'."""
    return str(value).replace(" ", "").replace("'", "")


def _cases() -> list:
    """(experiment, key, two list values as override text) for each list key, split in two."""
    cases = []
    for name in experiments.available():
        if name not in TINY:
            cases.append(pytest.param(name, None, None, id=f"{name}-no-tiny-config"))
            continue
        for key, value in _list_keys(compose_config(f"experiment={name}", *TINY[name])).items():
            if len(value) >= 2:
                cases.append(pytest.param(name, key, value, id=f"{name}-{key}"))
    return cases


CASES = _cases()


def _fake_sweep(tmp_path: Path, name: str, key: str, values: list[str]):
    """Run one job per value of ``key`` in-process, laid out as Hydra lays out a sweep."""
    sweep = tmp_path / "sweep"
    base = [f"experiment={name}", *_base_overrides(name, key)]
    for num, value in enumerate(values):
        overrides = [*base, f"{key}={value}"]
        job_dir = sweep / str(num)
        (job_dir / ".hydra").mkdir(parents=True)
        OmegaConf.save(OmegaConf.create(overrides), job_dir / ".hydra" / "overrides.yaml")
        run_job(_job_config(name, key, value), job_dir, overrides)
    return sweep, [*base, f"{key}={','.join(values)}"]


@pytest.fixture
def written(monkeypatch) -> list[xr.Dataset]:
    """The datasets run_job writes, as written (reading each back would double the I/O)."""
    import hopsim.cli

    out = []

    def save(ds, path):
        out.append(ds)
        return save_dataset(ds, path)

    monkeypatch.setattr(hopsim.cli, "save_dataset", save)
    return out


def _assert_cell(merged: xr.Dataset, job: xr.Dataset, where: dict) -> None:
    """The part of the merged dataset at ``where`` holds exactly the job's arrays."""
    part = merged.sel(where)
    for name, var in job.data_vars.items():
        got = part[name]
        own = {d: job[d].values for d in var.dims if d in job.indexes}
        got = got.sel(own)
        for d in set(got.dims) - set(var.dims):  # constant along the jobs' own dim: any entry
            got = got.isel({d: 0})
        np.testing.assert_array_equal(got.transpose(*var.dims).values, var.values, err_msg=name)


def _assert_own_cells(merged: xr.Dataset, job: xr.Dataset, jobs: list, dim: str) -> None:
    """The job's cells along ``dim`` that no other job has hold exactly its arrays (where
    jobs overlap, e.g. a reference every job computes, the first job's values are kept)."""
    others = {str(c) for j in jobs if j is not job for c in j[dim].values}
    mine = [c for c in job[dim].values if str(c) not in others]
    if len(mine) < job.sizes[dim]:  # overlapping jobs: what lies off dim is the first job's
        job = job[[v for v in job.data_vars if dim in job[v].dims]]
    if mine:
        _assert_cell(merged, job.sel({dim: mine}), {dim: mine})


@pytest.mark.parametrize("name, key, value", CASES)
def test_list_values_of_every_list_key_merge(tmp_path, written, name, key, value):
    """`key=[a],[b]` (one list per job) merges: along the experiment's own dimension when
    the key is one of its lists, else as a new dimension labelled by the lists as text."""
    if key is None:
        pytest.skip(f"no tiny config for experiment {name}: add one to TINY")
    halves = [value[: len(value) // 2], value[len(value) // 2 :]]
    values = [_text(v) for v in halves]
    sweep, overrides = _fake_sweep(tmp_path, name, key, values)
    merged, failed = merge_jobs(sweep, overrides)
    assert failed == [] and merged.attrs["n_failed"] == 0
    jobs = written
    dim = merged.attrs["sweep_dims"]
    if dim in jobs[0].dims:  # the experiment's own dimension: no second one
        assert set(merged.dims) == set(jobs[0].dims) | set(jobs[1].dims)
        union = {str(c) for job in jobs for c in job[dim].values}
        assert sorted(map(str, merged[dim].values)) == sorted(union)
        for job in jobs:
            _assert_own_cells(merged, job, jobs, dim)
    else:
        assert dim == sweep_dim_name(key) or dim == key.replace(".", "_")
        labels = [json.dumps(v, separators=(",", ":")) for v in halves]
        assert list(merged[dim].values) == labels
        assert "JSON" in merged[dim].attrs["description"]
        for job, label in zip(jobs, labels, strict=True):
            _assert_cell(merged, job, {dim: label})
        save_dataset(merged, tmp_path / "merged.nc")  # JSON labels are storable


OWN_SCALAR_CASES = [
    c
    for c in CASES
    if c.values[1] is not None
    and not isinstance(c.values[2][0], list)
    and c.values[1] not in ("patterns.explicit", "network.theta")
]


@pytest.mark.parametrize("name, key, value", OWN_SCALAR_CASES)
def test_single_values_of_an_own_list_key_merge_along_its_dimension(
    tmp_path, written, name, key, value
):
    """`mc.temperatures=2.0,2.5` gives one `temperature` dimension, every cell filled."""
    values = [_text(value[0]), _text(value[1])]
    try:
        for v in values:
            validate(_job_config(name, key, v))
    except ConfigError:  # this key takes only lists: nothing to merge singly
        pytest.skip(f"{key} takes lists only")
    sweep, overrides = _fake_sweep(tmp_path, name, key, values)
    merged, failed = merge_jobs(sweep, overrides)
    assert failed == []
    jobs = written
    dim = merged.attrs["sweep_dims"]
    assert dim in jobs[0].dims, f"{key} merged as a new dimension {dim}"
    assert set(merged.dims) == set(jobs[0].dims) | set(jobs[1].dims)
    assert {str(c) for c in merged[dim].values} == {str(c) for j in jobs for c in j[dim].values}
    for job in jobs:
        _assert_own_cells(merged, job, jobs, dim)


@pytest.mark.parametrize("name", [n for n in experiments.available() if n in TINY])
def test_a_job_that_crashes_after_computing_its_result_is_not_finished(tmp_path, monkeypatch, name):
    """The summary runs before result.nc is written: a crash there leaves no result."""
    module = experiments.load(name)

    def crash(ds):
        raise RuntimeError("summary crashed")

    monkeypatch.setattr(module, "summary", crash)
    job_dir = tmp_path / "0"
    (job_dir).mkdir()
    (job_dir / "result.nc").write_bytes(b"an earlier attempt")  # is not this one's outcome
    with pytest.raises(RuntimeError, match="summary crashed"):
        run_job(compose_config(f"experiment={name}", *TINY[name]), job_dir, [])
    assert not (job_dir / "result.nc").exists() and not job_finished(job_dir)
    assert not list(job_dir.glob("*.tmp"))


def test_a_swept_key_given_again_is_a_merge_error(tmp_path):
    """`network.N=100,200 network.N=300`: every job ran N=300, there is no grid to merge."""
    (tmp_path / "0").mkdir()
    with pytest.raises(DatasetError, match="network.N is given twice"):
        merge_jobs(tmp_path, ["network.N=100,200", "network.N=300"])
    assert parse_sweep(["network.N=300", "network.N=100,200"]) == {"network.N": [100, 200]}


def test_a_new_dimension_never_takes_the_name_of_a_variable(tmp_path):
    """`dynamics.energy=a,b` cannot become a dimension `energy` beside a variable `energy`."""
    for num, value in enumerate(["a", "b"]):
        ds = xr.Dataset({"energy": ("sweep", np.arange(3.0) + num)}, attrs={"experiment": "x"})
        _job(tmp_path, num, [f"dynamics.energy={value}"], ds)
    merged, failed = merge_jobs(tmp_path, ["dynamics.energy=a,b"])
    assert failed == [] and merged.attrs["sweep_dims"] == "dynamics_energy"
    assert merged.energy.sel(dynamics_energy="b").values.tolist() == [1.0, 2.0, 3.0]


def test_a_value_swept_twice_is_one_cell(tmp_path):
    for num, n in enumerate([20, 20, 30]):
        _job(tmp_path, num, [f"network.N={n}"], _tiny())
    merged, failed = merge_jobs(tmp_path, ["network.N=20,20,30"])
    assert failed == [] and merged.N.values.tolist() == [20, 30]


def test_no_finished_job_is_a_merge_error(tmp_path):
    (tmp_path / "0" / ".hydra").mkdir(parents=True)
    OmegaConf.save(OmegaConf.create(["network.N=10"]), tmp_path / "0/.hydra/overrides.yaml")
    with pytest.raises(DatasetError, match="no job finished"):
        merge_jobs(tmp_path, ["network.N=10,20"])


# ------------------------------------------------------------------ the hopsim command

CAPACITY = ("experiment=capacity", "patterns.alpha=[0.1]", "corruption.level=[0.1]", "trials=2")


def test_readme_resume_example_merges_and_resumes(hopsim_cmd, tmp_path):
    """`network.N=[500],[1000]` (here [40],[50]) merges along N, and resume skips both."""
    first = hopsim_cmd(*CAPACITY, "network.N=[40],[50]", multirun=True)
    assert first.returncode == 0, first.stderr
    assert "Warning" not in first.stderr
    ds = load_dataset(tmp_path / "sweep")
    assert list(ds.N.values) == [40, 50] and "N_sweep" not in ds.dims and ds.n_failed == 0
    assert ds.overlap.notnull().all()
    again = hopsim_cmd(*CAPACITY, "network.N=[40],[50]", "resume=true", multirun=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("skipped (resume=true)") == 2
    xr.testing.assert_identical(ds.drop_attrs(), load_dataset(tmp_path / "sweep").drop_attrs())


def test_a_swept_key_given_again_is_refused_before_any_job(hopsim_cmd, tmp_path):
    """A swept key given twice: refused by the preflight (exit 2, no job runs); the merge
    keeps its own guard (test_a_swept_key_given_again_is_a_merge_error)."""
    proc = hopsim_cmd("network.N=20,30", "network.N=40", "patterns.P=2", "trials=2",
                      multirun=True)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "network.N is already swept by network.N=20,30" in proc.stderr
    assert not (tmp_path / "sweep").exists()


def _job(sweep: Path, num: int, overrides: list[str], ds: xr.Dataset) -> None:
    (sweep / str(num) / ".hydra").mkdir(parents=True)
    OmegaConf.save(OmegaConf.create(overrides), sweep / str(num) / ".hydra" / "overrides.yaml")
    save_dataset(ds, sweep / str(num) / "result.nc")


def _tiny(x_as_coord: bool = False) -> xr.Dataset:
    ds = xr.Dataset({"x": ("trial", np.arange(3.0))}, attrs={"experiment": "recall"})
    return ds.set_coords("x") if x_as_coord else ds


@pytest.mark.parametrize(
    "fault, message",
    [
        ("merged file in the way", "cannot write the merged result"),
        ("swept key given again", "network.N is given twice"),
        ("no job finished", "no job finished"),
        ("datasets that do not fit", "do not fit together"),
    ],
)
def test_every_merge_error_is_one_line_and_exit_1(tmp_path, capsys, fault, message):
    """Through Hydra's own callback dispatcher, which turns exceptions into warnings."""
    from hydra._internal.callbacks import Callbacks

    sweep, overrides = tmp_path / "sweep", ["network.N=20,30"]
    _job(sweep, 0, ["network.N=20"], _tiny())
    _job(sweep, 1, ["network.N=30"], _tiny(x_as_coord=fault.startswith("datasets")))
    if fault == "merged file in the way":
        (sweep / "result.nc").mkdir()
    elif fault == "swept key given again":
        overrides.append("network.N=40")
    elif fault == "no job finished":
        for num in (0, 1):
            (sweep / str(num) / "error.txt").write_text("Traceback ...")
    config = OmegaConf.create(
        {
            "hydra": {
                "sweep": {"dir": str(sweep)},
                "overrides": {"task": overrides},
                "callbacks": {"merge": {"_target_": "hopsim.callbacks.MergeResults"}},
            }
        }
    )
    with pytest.raises(SystemExit) as info:
        Callbacks(config).on_multirun_end(config=config)
    assert info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (sweep / "result.nc").is_file()


CRASH_HOOK = """
    import importlib.abc, importlib.util, sys

    class _CrashSummary(importlib.abc.MetaPathFinder):
        # make recall's summary crash for N=30, in every process (launcher workers too)
        def find_spec(self, name, path=None, target=None):
            if name != "hopsim.experiments.recall":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run_module = spec.loader.exec_module

            def exec_module(module):
                run_module(module)
                summary = module.summary

                def crashing(ds):
                    if int(ds.N) == 30:
                        raise RuntimeError("summary crashed")
                    return summary(ds)

                module.summary = crashing

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _CrashSummary())
"""


@pytest.mark.parametrize("launcher", ["basic", "joblib", "submitit_local"])
def test_crash_after_the_result_is_computed_fails_the_sweep(
    hopsim_cmd, tmp_path, monkeypatch, launcher
):
    """The crashed job has no result.nc, is NaN and listed; exit 1; resume redoes it only."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent(CRASH_HOOK))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]))
    sweep = ("network.N=20,30", "patterns.P=2", "trials=2", f"hydra/launcher={launcher}")
    proc = hopsim_cmd(*sweep, multirun=True)
    assert proc.returncode == 1, proc.stderr
    assert not (tmp_path / "sweep" / "1" / "result.nc").exists()
    assert (tmp_path / "sweep" / "1" / "error.txt").exists()
    ds = load_dataset(tmp_path / "sweep")
    assert ds.attrs["failed_jobs"] == "network.N=30" and ds.overlap.sel(N=30).isnull().all()
    if launcher == "basic":  # resume without the crash: only the failed job runs again
        monkeypatch.setenv("PYTHONPATH", os.environ["PYTHONPATH"].split(os.pathsep, 1)[1])
        again = hopsim_cmd(*sweep, "resume=true", multirun=True)
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("skipped (resume=true)") == 1
        assert load_dataset(tmp_path / "sweep").overlap.notnull().any("pattern").all()
