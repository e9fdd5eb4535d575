"""The continuous-dynamics experiments end to end, their figures, and bad configs."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import compose_config

from hopsim.config import ConfigError
from hopsim.experiments import bifurcation, network_ode, phase_portrait, stimulus
from hopsim.io import load_dataset
from hopsim.rng import SeedTree
from hopsim.theory.continuous import fold_points_tanh, tanh_fixed_point

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

TINY = {
    "bifurcation": [
        "bifurcation.points=41",
        "bifurcation.h_points=21",
        "meanfield.N=20",
        "meanfield.points=6",
    ],
    "phase_portrait": ["phase_portrait.points=21"],
    "stimulus": ["stimulus.points=101"],
    "network_ode": [
        "network_ode.N=40",
        "network_ode.P=2",
        "network_ode.trials=2",
        "network_ode.points=11",
        "network_ode.t_max=10",
    ],
}


def _run(name, *overrides):
    cfg = compose_config(f"experiment={name}", *TINY[name], *overrides)
    module = {
        "bifurcation": bifurcation,
        "phase_portrait": phase_portrait,
        "stimulus": stimulus,
        "network_ode": network_ode,
    }[name]
    ds = module.run(module.parameters(cfg), SeedTree(0), progress=False)
    assert module.summary(ds)
    return ds


def _check_attrs(ds):
    for name in ds.variables:
        assert "long_name" in ds[name].attrs and "units" in ds[name].attrs, name


@pytest.mark.parametrize("name", sorted(TINY))
def test_experiment_end_to_end_and_figure(name, hopsim_cmd, tmp_path):
    proc = hopsim_cmd(f"experiment={name}", *TINY[name])
    assert proc.returncode == 0, proc.stderr
    ds = load_dataset(tmp_path / "run" / "result.nc")
    assert ds.attrs["experiment"] == name
    _check_attrs(ds)
    module = __import__(name)  # analysis/<name>.py
    paths = module.main([str(tmp_path / "run")])
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_bifurcation_dataset_contract():
    ds = _run(
        "bifurcation",
        "bifurcation.lambda_min=0",
        "bifurcation.lambda_max=3",
        "bifurcation.points=301",
    )
    assert ds.v.dims == ("lambda", "branch") and ds.stable.dims == ("lambda", "branch")
    assert ds.h_fold.dims == ("lambda",)
    assert list(ds.branch.values) == ["lower", "middle", "upper"]
    lam = ds["lambda"].values
    above = lam > 1
    upper = ds.v.sel(branch="upper").values
    assert np.isnan(upper[~above]).all()
    np.testing.assert_allclose(upper[above], [tanh_fixed_point(x) for x in lam[above]], atol=1e-8)
    assert set(np.unique(ds.stable.values)) <= {0, 1}
    np.testing.assert_allclose(ds.h_fold.values[above], fold_points_tanh(lam[above])[0], atol=1e-12)
    assert float(ds.lambda_c) == pytest.approx(1.0, abs=1e-6)
    assert abs(float(ds.lambda_c_grid) - 1.0) <= lam[1] - lam[0] + 1e-12


def test_stimulus_pulses_switch_and_hold_the_bit():
    ds = _run("stimulus")
    v_star = tanh_fixed_point(2.0)
    assert ds.v.dims == ("time",) and ds.h.dims == ("time",)
    # +1 switches up, -1 down, +0.3 (< h_fold = 0.533) does not switch, +1 up again
    np.testing.assert_array_equal(ds.bit_after.values, [1, -1, -1, 1])
    np.testing.assert_allclose(ds.v_after.values, [v_star, -v_star, -v_star, v_star], atol=1e-6)
    assert float(ds.v[-1]) == pytest.approx(v_star, abs=1e-6)
    assert int(ds.solver_status) == 0
    assert float(ds.h_fold) == pytest.approx(0.5328399753535521, abs=1e-12)


def test_phase_portrait_zeros_are_the_fixed_points():
    ds = _run("phase_portrait", "phase_portrait.lambdas=[0.5,2.0]")
    fp = ds.fixed_point.sel({"lambda": 2.0}).values
    np.testing.assert_allclose(fp, [-tanh_fixed_point(2.0), 0.0, tanh_fixed_point(2.0)], atol=1e-10)
    rate = -fp + np.tanh(2.0 * fp)
    assert np.max(np.abs(rate)) < 1e-12


def test_network_ode_retrieves_and_energy_falls():
    ds = _run("network_ode")
    assert ds.v.dims == ("trial", "time", "unit")
    assert ds.overlap.dims == ("trial", "time", "pattern")
    assert np.all(ds.final_overlap.values > 0.99)
    E = ds.energy.values
    assert np.all(np.diff(E, axis=1) <= 1e-5 * np.abs(E).max())
    assert (ds.solver_status.values == 0).all()


def test_network_ode_solver_status_recorded_with_event():
    ds = _run("network_ode", "solver.stop_tol=1e-4", "solver.method=LSODA")
    assert (ds.solver_status.values == 1).all()
    assert all("converged" in str(m) for m in ds.solver_message.values)
    assert (ds.t_stop.values < 10).all()


@pytest.mark.parametrize(
    "override, key",
    [
        ("neuron.tau=0", "neuron.tau"),
        ("bifurcation.lambda_max=-1", "bifurcation.lambda_max"),
        ("neuron.activation=relu", "neuron.activation"),
    ],
)
def test_bad_config_in_process(override, key):
    cfg = compose_config("experiment=bifurcation", override)
    with pytest.raises(ConfigError) as info:
        bifurcation.validate(cfg)
    assert key in str(info.value)


@pytest.mark.parametrize(
    "name, override, key",
    [
        ("stimulus", "stimulus.pulses=[[5,1,1.0]]", "stimulus.pulses"),
        ("network_ode", "solver.method=Euler", "solver.method"),
        ("network_ode", "network_ode.amplitude=1.0", "network_ode.amplitude"),
    ],
)
def test_bad_config_exits_2_with_one_line(name, override, key, hopsim_cmd, tmp_path):
    proc = hopsim_cmd(f"experiment={name}", override)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and key in lines[0], proc.stderr
    assert not (tmp_path / "run" / "result.nc").exists()
