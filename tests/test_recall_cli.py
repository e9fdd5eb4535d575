"""The hopsim command end to end: one run, a multirun merge, errors, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import compose_config
from omegaconf import OmegaConf

from hopsim.experiments import recall
from hopsim.io import load_dataset, merge_jobs
from hopsim.rng import SeedTree


def test_single_run_writes_dataset_and_summary(hopsim_cmd, tmp_path):
    proc = hopsim_cmd("network.N=60", "patterns.P=3", "trials=4")
    assert proc.returncode == 0, proc.stderr
    assert "recall: N=60 P=3" in proc.stdout and "mean final overlap" in proc.stdout
    ds = load_dataset(tmp_path / "run" / "result.nc")
    assert ds.sizes["pattern"] == 3 and ds.sizes["trial"] == 4 and "sweep" in ds.dims
    for name in ("overlap", "bit_error", "sweeps", "outcome", "energy"):
        assert name in ds and "long_name" in ds[name].attrs and "units" in ds[name].attrs
    for name in ("N", "P", "alpha", "noise", "theta", "update"):
        assert name in ds.coords
    assert float(ds.alpha) == pytest.approx(3 / 60)
    for key in ("experiment", "seed", "config", "overrides", "hopsim_version", "created"):
        assert key in ds.attrs
    assert "network.N=60" in ds.attrs["overrides"]
    assert ((ds.overlap >= -1) & (ds.overlap <= 1)).all()
    np.testing.assert_allclose(ds.bit_error, (1 - ds.overlap) / 2)
    # energy is NaN after each trial's end and defined up to it
    e = ds.energy.values
    for (i, j), n in np.ndenumerate(ds.sweeps.values):
        assert np.isfinite(e[i, j, : n + 1]).all() and np.isnan(e[i, j, n + 1 :]).all()
    assert not list((tmp_path / "run").glob("*.tmp"))


def test_multirun_merges_every_swept_key_into_a_dimension(hopsim_cmd, tmp_path):
    proc = hopsim_cmd(
        "network.N=40,60",
        "patterns.alpha=0.05,0.1",
        "dynamics.update=sync,async",
        "corruption.level=0.1,0.2",
        "trials=2",
        multirun=True,
    )
    assert proc.returncode == 0, proc.stderr
    ds = load_dataset(tmp_path / "sweep" / "result.nc")
    assert {"N", "alpha", "update", "noise", "pattern", "trial"} <= set(ds.dims)
    assert list(ds.N.values) == [40, 60]
    assert list(ds.alpha.values) == [0.05, 0.1]
    assert list(ds["update"].values) == ["sync", "async"]
    assert list(ds.noise.values) == [0.1, 0.2]
    assert ds.attrs["n_failed"] == 0 and ds.attrs["jobs"] == 16
    # P = round(alpha N) per cell, as a coordinate over the swept dims
    assert int(ds.P.sel(N=60, alpha=0.1, update="sync", noise=0.1)) == 6
    # each cell equals the job that ran it
    job = load_dataset(tmp_path / "sweep" / "0" / "result.nc")
    cell = ds.sel(N=40, alpha=0.05, update="sync", noise=0.1)
    np.testing.assert_array_equal(
        cell.overlap.dropna("pattern", how="all").values, job.overlap.values
    )

    # a job whose result is missing (failed or interrupted) is NaN and listed
    (tmp_path / "sweep" / "3" / "result.nc").unlink()
    overrides = list(OmegaConf.load(tmp_path / "sweep" / "multirun.yaml").hydra.overrides.task)
    merged, failed = merge_jobs(tmp_path / "sweep", overrides)
    assert failed == [
        "network.N=40, patterns.alpha=0.05, dynamics.update=async, corruption.level=0.2"
    ]
    assert "dynamics.update=async" in merged.attrs["failed_jobs"]
    assert merged.overlap.sel(N=40, alpha=0.05, update="async", noise=0.2).isnull().all()
    assert merged.overlap.sel(N=40, alpha=0.05, update="async", noise=0.1).notnull().any()


def test_value_invalid_for_one_job_of_a_sweep_is_caught_by_preflight(hopsim_cmd, tmp_path):
    proc = hopsim_cmd("network.N=5,6", "network.theta=[0,0,0,0,0]", "patterns.P=1", multirun=True)
    assert proc.returncode == 2
    assert "network.theta" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "sweep").exists()


@pytest.mark.parametrize(
    "override, key",
    [
        ("network.N=0", "network.N"),
        ("patterns.P=-1", "patterns.P"),
        ("corruption.level=1.5", "corruption.level"),
        ("dynamics.update=random", "dynamics.update"),
        ("corruption.kind=smudge", "corruption.kind"),
        ("network.NN=3", "network.NN"),
        ("corruption=smudge", "corruption"),
    ],
)
def test_bad_config_stops_before_any_work(hopsim_cmd, tmp_path, override, key):
    proc = hopsim_cmd(override)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert key in lines[0]
    assert not (tmp_path / "run").exists()


def test_bad_value_inside_a_sweep_stops_the_whole_sweep(hopsim_cmd, tmp_path):
    proc = hopsim_cmd("corruption.level=0.1,2.0", multirun=True)
    assert proc.returncode == 2
    assert "corruption.level=2.0" in proc.stderr
    assert not (tmp_path / "sweep").exists()


def _run(*overrides):
    cfg = compose_config("network.N=80", "patterns.P=4", "trials=5", *overrides)
    return recall.run(recall.parameters(cfg), SeedTree(int(cfg.seed)))


@pytest.mark.parametrize("update", ["sync", "async", "sequential"])
def test_same_seed_same_arrays_whatever_the_batch_size(update):
    a = _run(f"dynamics.update={update}", "corruption.level=0.3", "dynamics.batch_size=256")
    b = _run(f"dynamics.update={update}", "corruption.level=0.3", "dynamics.batch_size=3")
    xr.testing.assert_identical(a, b)


def test_different_seed_different_arrays():
    a = _run("seed=1", "corruption.level=0.3", "patterns.P=12")
    b = _run("seed=2", "corruption.level=0.3", "patterns.P=12")
    assert not np.array_equal(a.energy.values, b.energy.values)


def test_explicit_patterns_source_two_neuron_case():
    cfg = compose_config(
        "patterns.explicit=[[-1,1]]", "corruption=invert", "trials=1", "dynamics.update=sync"
    )
    ds = recall.run(recall.parameters(cfg), SeedTree(0))
    assert int(ds.N) == 2 and int(ds.P) == 1
    # the cue [1,-1] (inverse) is itself a fixed point: overlap -1, relation inverse
    assert ds.overlap.item() == -1.0 and ds.relation.item() == 1


def test_occlusion_with_theta_list():
    ds = _run("corruption=occlude", "network.theta=" + str([0.0] * 80))
    assert np.isnan(float(ds.theta)) and ds.threshold.shape == (80,)
