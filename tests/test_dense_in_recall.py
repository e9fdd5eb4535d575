"""network.energy in the recall and capacity experiments (dense associative memories)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import compose_config

from hopsim.config import ConfigError
from hopsim.experiments import capacity, recall, rules
from hopsim.rng import SeedTree

RECALL = ("network.N=60", "patterns.P=8", "trials=3", "corruption.level=0.2")


def _recall(*extra):
    return recall.run(recall.parameters(compose_config(*RECALL, *extra)), SeedTree(3))


@pytest.mark.parametrize("update", ["async", "sync"])
def test_polynomial_n2_recall_is_hebb_exactly(update):
    hebb = _recall(f"dynamics.update={update}")
    poly2 = _recall(
        f"dynamics.update={update}", "network.energy=polynomial", "network.energy_options.n=2"
    )
    for var in ("overlap", "sweeps", "outcome", "relation", "recalled"):
        np.testing.assert_array_equal(hebb[var].values, poly2[var].values, err_msg=var)
    assert (
        poly2["energy_function"].item() == "polynomial n=2"
        and hebb["energy_function"].item() == "quadratic"
    )


def test_cubic_energy_recalls_past_hebbs_capacity():
    # N = 60, P = 30 (alpha = 0.5): Hebb fails, F = x^3 (capacity ~ N^2 / (6 ln N)) recalls
    extra = ("patterns.P=30", "corruption.level=0.1")
    hebb = _recall(*extra)
    cubic = _recall(*extra, "network.energy=polynomial", "network.energy_options.n=3")
    assert float(hebb.overlap.mean()) < 0.8 < 0.99 < float(cubic.overlap.mean())


def test_capacity_accepts_dense_energies():
    cfg = compose_config(
        "experiment=capacity",
        "network.N=[40]",
        "patterns.alpha=[0.2,1.0]",
        "trials=4",
        "network.energy=exponential",
    )
    ds = capacity.run(capacity.parameters(cfg), SeedTree(0))
    assert ds["energy_function"].item().startswith("exponential")
    assert float(ds.one_step_error.sel(alpha=1.0).max()) == 0.0  # 40 patterns: all stable
    assert float(ds.overlap.sel(noise=0.1).mean()) > 0.99


def test_dense_energy_errors_are_one_line():
    with pytest.raises(ConfigError, match="network.learning"):
        recall.parameters(
            compose_config(*RECALL, "network.energy=polynomial", "network.learning=storkey")
        )
    with pytest.raises(ConfigError, match="network.mode"):
        recall.parameters(
            compose_config(*RECALL, "network.energy=polynomial", "network.mode=dense")
        )
    with pytest.raises(ConfigError, match="network.energy_options.n"):
        recall.parameters(
            compose_config(*RECALL, "network.energy=polynomial", "network.energy_options.n=1")
        )
    with pytest.raises(ConfigError, match="network.energy"):
        rules.parameters(compose_config("experiment=rules", "network.energy=polynomial"))
