"""dense_capacity: layout, the capacity's growth with N against Krotov-Hopfield, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import compose_config

from hopsim.config import ConfigError
from hopsim.experiments import dense_capacity
from hopsim.rng import SeedTree
from hopsim.theory import dense as theory

SIZES = [20, 40, 80]


@pytest.fixture(scope="module")
def polynomial_run():
    cfg = compose_config(
        "experiment=dense_capacity",
        "dense_capacity.energies=[poly2,poly3,poly4]",
        f"dense_capacity.N=[{','.join(map(str, SIZES))}]",
        "dense_capacity.factors=[0.35,0.5,0.71,1,1.41,2,2.83,4]",
        "dense_capacity.networks=4",
        "dense_capacity.checks=96",
        "dense_capacity.trials=4",
    )
    return dense_capacity.run(dense_capacity.parameters(cfg), SeedTree(0))


def test_layout_and_stricter_criterion(polynomial_run):
    ds = polynomial_run
    assert ds.fixed_fraction.dims == ("energy", "N", "factor", "network")
    for name in ("fixed_fraction", "all_fixed", "overlap", "capacity_pattern", "theory_pattern"):
        assert ds[name].attrs["long_name"]
    # every stored pattern fixed is stricter than a given one fixed
    assert (ds.capacity_all <= ds.capacity_pattern).all()
    # far below capacity stored patterns are fixed and recalled; far above they are not
    low = ds.isel(factor=0)
    assert float(low.fixed_fraction.min()) > 0.9
    assert float(ds.isel(factor=-1).fixed_fraction.max()) < 0.5
    assert float(low.overlap.mean()) > 0.95


def test_capacity_grows_like_krotov_hopfield(polynomial_run):
    ds = polynomial_run
    slopes = []
    for n in (2, 3, 4):
        cap = ds.capacity_pattern.sel(energy=f"poly{n}").values
        assert np.isfinite(cap).all()
        slope = math.log(cap[-1] / cap[0]) / math.log(SIZES[-1] / SIZES[0])
        expected = theory.local_slope(SIZES[0], SIZES[-1], n)
        assert abs(slope - expected) < 0.3, (n, slope, expected)
        slopes.append(slope)
    assert slopes[0] < slopes[1] < slopes[2]  # faster growth for larger n


def test_theory_constants():
    assert theory.double_factorial(5) == 15
    assert theory.krotov_hopfield(100, 2) == pytest.approx(100 / (2 * math.log(100)))
    assert theory.krotov_hopfield(100, 3) == pytest.approx(100**2 / (6 * math.log(100)))
    assert theory.all_patterns_fixed(100, 4) == pytest.approx(100**3 / (4 * 30 * math.log(100)))
    assert theory.exponential_rate(0.0) == pytest.approx(math.log(2) / 2)
    assert theory.local_slope(20, 80, 3) < 2.0
    assert theory.one_bit_pairs(theory.one_bit_limit(16), 16) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "override, key",
    [
        ("dense_capacity.energies=[poly1]", "dense_capacity.energies"),
        ("dense_capacity.energies=[cubic]", "dense_capacity.energies"),
        ("dense_capacity.N=[2]", "dense_capacity.N"),
        ("dense_capacity.factors=[1]", "dense_capacity.factors"),
        ("dense_capacity.noise=2", "dense_capacity.noise"),
        ("dense_capacity.N=[100000]", "dense_capacity.N"),
        ("dense_capacity.energies=[poly1000]", "dense_capacity.energies"),  # F overflows
    ],
)
def test_config_errors_are_one_line(override, key):
    cfg = compose_config("experiment=dense_capacity", override)
    with pytest.raises(ConfigError) as info:
        dense_capacity.validate(cfg)
    assert key in str(info.value) and "\n" not in str(info.value)


def test_default_grid_reaches_past_capacity():
    cfg = compose_config("experiment=dense_capacity")
    for name, energy, sizes, _factors, grids in dense_capacity.parameters(cfg).plan:
        for N in sizes:
            predicted, _ = dense_capacity.prediction(energy, N)
            assert grids[N].max() >= min(2 * predicted, 2 ** (N - 1)), (name, N)


def test_figure_script(polynomial_run, tmp_path):
    import importlib.util
    import pathlib

    import pandas as pd

    from hopsim.io import save_dataset

    ds = polynomial_run.copy()
    ds.attrs.update(experiment="dense_capacity")
    save_dataset(ds, tmp_path / "result.nc")
    path = pathlib.Path(__file__).parents[1] / "analysis" / "dense_capacity.py"
    spec = importlib.util.spec_from_file_location("dense_capacity_fig", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = module.main([str(tmp_path)])
    assert {p.name for p in paths} == {
        "dense_capacity.png",
        "dense_capacity.pdf",
        "dense_capacity_growth.png",  # the capacity laws, a figure of their own
        "dense_capacity_growth.pdf",
        "dense_capacity.csv",
    }
    table = pd.read_csv(tmp_path / "dense_capacity.csv")
    assert set(table.energy) == {"poly2", "poly3", "poly4"}
