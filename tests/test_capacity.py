"""The capacity experiment: layout, physics at small sizes, list-in-job equals a sweep."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import compose_config

from hopsim.experiments import capacity
from hopsim.io import load_dataset
from hopsim.rng import SeedTree
from hopsim.theory.capacity import one_step_error

TINY = (
    "network.N=[100,200]",
    "patterns.alpha=[0.05,0.1,0.3]",
    "corruption.level=[0,0.1]",
    "trials=6",
)


def _run(*overrides):
    cfg = compose_config("experiment=capacity", *overrides)
    return capacity.run(capacity.parameters(cfg), SeedTree(int(cfg.seed)))


def test_layout_and_contract():
    ds = _run(*TINY)
    assert ds.overlap.dims == ("N", "alpha", "noise", "trial")
    for name in ("overlap", "bit_error", "one_step_error", "outcome", "sweeps"):
        assert name in ds and ds[name].attrs["long_name"]
    assert ds.P.sel(N=200, alpha=0.3).item() == 60
    np.testing.assert_allclose(ds.bit_error, (1 - ds.overlap) / 2)
    # low load: stored patterns are fixed points, recalled exactly from 10% noise
    low = ds.sel(alpha=0.05)
    assert (low.overlap.sel(noise=0) == 1).all()
    assert (low.sweeps.sel(noise=0) == 0).all()
    assert float(low.overlap.sel(noise=0.1).mean()) > 0.99
    # high load: retrieval fails on average
    assert float(ds.overlap.sel(alpha=0.3, N=200).mean()) < 0.8


def test_one_step_error_follows_erfc_within_binomial_error():
    ds = _run("network.N=[1000]", "patterns.alpha=[0.2]", "corruption.level=[0]", "trials=100")
    measured = float(ds.one_step_error.mean())
    expected = one_step_error(0.2)
    # 100 trials x 1000 bits (patterns reused 100/200 -> 100 distinct): binomial SE
    se = np.sqrt(expected * (1 - expected) / (100 * 1000))
    assert abs(measured - expected) < 5 * se + 0.002  # 0.002: finite-N correction (P-1)/N


def test_alpha_list_in_one_job_equals_a_hydra_sweep(hopsim_cmd, tmp_path):
    common = ("experiment=capacity", "corruption.level=[0,0.1]", "trials=4", "network.N=[80]")
    one = hopsim_cmd(*common, "patterns.alpha=[0.05,0.2]")
    assert one.returncode == 0, one.stderr
    job = load_dataset(tmp_path / "run" / "result.nc")
    sweep = hopsim_cmd(*common, "patterns.alpha=0.05,0.2", multirun=True)
    assert sweep.returncode == 0, sweep.stderr
    merged = load_dataset(tmp_path / "sweep" / "result.nc")
    assert set(merged.overlap.dims) == {"N", "alpha", "noise", "trial"}
    a = job.overlap.squeeze("N", drop=True).transpose("alpha", "noise", "trial")
    b = merged.overlap.squeeze("N", drop=True).transpose("alpha", "noise", "trial")
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.alpha.values, b.alpha.values)


def test_capacity_requires_alpha():
    from hopsim.config import ConfigError

    cfg = compose_config("experiment=capacity", "patterns.alpha=null")
    with pytest.raises(ConfigError, match="patterns.alpha"):
        capacity.validate(cfg)


def _script():
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location(
        "capacity_fig", pathlib.Path(__file__).parents[1] / "analysis" / "capacity.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _saved(tmp_path, name, *overrides):
    from hopsim.io import save_dataset

    ds = _run(*overrides)
    ds.attrs.update(experiment="capacity", seed=0)
    folder = tmp_path / name
    folder.mkdir()
    save_dataset(ds, folder / "result.nc")
    return folder


def test_capacity_figure_script_combines_runs(tmp_path, capsys):
    loads = "patterns.alpha=[0.05,0.1,0.15,0.2,0.25,0.3]"
    first = _saved(tmp_path, "a", "network.N=[60,120]", loads, "corruption.level=[0]", "trials=8")
    more = _saved(tmp_path, "b", "network.N=[240]", loads, "corruption.level=[0]", "trials=8")
    paths = _script().main([str(first), "--add", str(more)])
    stems = ("capacity", "capacity_dynamics", "capacity_histograms")
    expected = {f"{s}.{ext}" for s in stems for ext in ("png", "pdf")} | {"capacity_alpha_c.csv"}
    assert {p.name for p in paths} == expected
    table = __import__("pandas").read_csv(first / "capacity_alpha_c.csv")
    assert sorted(table.N[np.isfinite(table.N)]) == [60, 120, 240]  # the added size is in
    printed = capsys.readouterr().out
    assert "noise 0, m >= 0.9: no estimate (" in printed  # 3 sizes: no 3-parameter law
    # the same run twice counts its networks twice: refused in one line, exit 2
    with pytest.raises(SystemExit) as exit_:
        _script().main([str(first), "--add", str(first)])
    assert exit_.value.code == 2
    assert "repeats seed=0, N=60" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        _script().main([str(first), "--add", str(tmp_path / "nosuch")])
    assert exit_.value.code == 2
