"""The ising and hopfield_temperature experiments: config, dataset contract, end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from conftest import compose_config

from hopsim.config import ConfigError
from hopsim.experiments import hopfield_temperature, ising
from hopsim.io import load_dataset
from hopsim.rng import SeedTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

ISING_TINY = (
    "experiment=ising",
    "lattice.L=[4,6]",
    "mc.temperatures=[1.5,2.5,3.5]",
    "mc.thermalize=20",
    "mc.sweeps=400",
)
HOP_TINY = (
    "experiment=hopfield_temperature",
    "network.N=[40,60]",
    "patterns.alpha=[0.05,0.3]",
    "mc.temperatures=[0,0.2,1.5]",
    "mc.thermalize=5",
    "mc.sweeps=20",
    "trials=2",
)
NAMES = (
    "magnetization",
    "abs_magnetization",
    "energy",
    "specific_heat",
    "susceptibility",
    "binder",
)


def test_ising_dataset_contract():
    cfg = compose_config(*ISING_TINY)
    ds = ising.run(ising.parameters(cfg), SeedTree(0))
    assert ds.sizes == {"L": 2, "temperature": 3}
    for name in NAMES:
        for var in (name, f"{name}_err"):
            assert ds[var].dims == ("L", "temperature")
            assert {"long_name", "units"} <= set(ds[var].attrs)
            assert np.all(np.isfinite(ds[var]))
    assert np.all(ds.abs_magnetization.sel(temperature=1.5) > 0.9)
    assert float(ds.J) == 1.0 and float(ds.h) == 0.0
    again = ising.run(ising.parameters(cfg), SeedTree(0))
    xr.testing.assert_identical(ds, again)
    assert "ising" in ising.summary(ds)


@pytest.mark.parametrize(
    "extra",
    [
        ("mc.algorithm=wolff", "mc.anneal=true"),
        ("lattice.kind=chain", "lattice.h=0.2", "mc.algorithm=glauber", "mc.start=random"),
    ],
)
def test_ising_variants(extra):
    ds = ising.run(ising.parameters(compose_config(*ISING_TINY, *extra)), SeedTree(1))
    assert np.all(np.isfinite(ds.energy))
    if "mc.algorithm=wolff" in extra:
        assert np.all(ds.cluster_size > 1)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("lattice.L=[5]", "lattice.L"),
        ("lattice.kind=cube", "lattice.kind"),
        ("mc.temperatures=[0,1]", "mc.temperatures"),
        ("mc.algorithm=swendsen", "mc.algorithm"),
        ("lattice.h=0.1", "mc.algorithm"),  # with algorithm=wolff below
    ],
)
def test_ising_validation(override, key):
    extra = ("mc.algorithm=wolff",) if override == "lattice.h=0.1" else ()
    with pytest.raises(ConfigError, match=key):
        ising.validate(compose_config("experiment=ising", override, *extra))


def test_hopfield_temperature_dataset():
    cfg = compose_config(*HOP_TINY)
    ds = hopfield_temperature.run(hopfield_temperature.parameters(cfg), SeedTree(0))
    assert ds.overlap.dims == ("N", "alpha", "temperature", "trial")
    assert ds.overlap.shape == (2, 2, 3, 2)
    assert {"long_name", "units"} <= set(ds.overlap.attrs)
    low = ds.overlap.sel(alpha=0.05, temperature=0.0)
    np.testing.assert_allclose(low, 1.0)  # a single pattern is a fixed point at T = 0
    assert float(np.abs(ds.overlap.sel(temperature=1.5)).max()) < 0.6  # paramagnet
    assert list(ds.P.sel(N=40).values) == [2, 12]
    assert "AGS" in hopfield_temperature.summary(ds)


def test_hopfield_temperature_validation():
    with pytest.raises(ConfigError, match="patterns.alpha"):
        hopfield_temperature.validate(compose_config(*HOP_TINY, "patterns.alpha=[0]"))
    with pytest.raises(ConfigError, match="mc.rule"):
        hopfield_temperature.validate(compose_config(*HOP_TINY, "mc.rule=gibbs"))


def test_ising_command_and_figures(hopsim_cmd, tmp_path):
    proc = hopsim_cmd(*ISING_TINY)
    assert proc.returncode == 0, proc.stderr
    ds = load_dataset(tmp_path / "run" / "result.nc")
    assert ds.attrs["experiment"] == "ising"
    assert set(NAMES) <= set(ds.data_vars)
    import ising as ising_fig  # analysis/ising.py

    paths = ising_fig.main([str(tmp_path / "run")])
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_hopfield_temperature_command_and_figure(hopsim_cmd, tmp_path):
    proc = hopsim_cmd(*HOP_TINY)
    assert proc.returncode == 0, proc.stderr
    ds = load_dataset(tmp_path / "run" / "result.nc")
    assert ds.overlap.dims == ("N", "alpha", "temperature", "trial")
    import phase_diagram

    paths = phase_diagram.main([str(tmp_path / "run")])
    assert all(p.exists() for p in paths)


def test_bad_config_exits_2(hopsim_cmd, tmp_path):
    proc = hopsim_cmd("experiment=ising", "lattice.kind=chain", "mc.algorithm=wolff")
    assert proc.returncode == 2
    assert "mc.algorithm" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "run" / "result.nc").exists()
