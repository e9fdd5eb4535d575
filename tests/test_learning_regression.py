"""Hebb through the learning-rule registry gives the same arrays as before it existed."""

from pathlib import Path

import numpy as np
import pytest
from conftest import compose_config

from hopsim.experiments import capacity, recall
from hopsim.rng import SeedTree

FIXTURE = Path(__file__).parent / "data" / "hebb_regression.npz"

CASES = {
    "recall_async": ["network.N=64", "patterns.P=6", "trials=4", "corruption.level=0.2"],
    "recall_sync": [
        "network.N=48",
        "patterns.P=8",
        "trials=3",
        "dynamics.update=sync",
        "network.theta=0.05",
    ],
    "recall_lowrank": [
        "network.N=64",
        "patterns.P=9",
        "trials=3",
        "network.mode=lowrank",
        "corruption.level=0.25",
    ],
    "capacity": [
        "network.N=[40,60]",
        "patterns.alpha=[0.05,0.15,0.3]",
        "corruption.level=[0,0.1]",
        "trials=6",
    ],
}


@pytest.mark.parametrize("name", list(CASES))
def test_hebb_arrays_unchanged_by_the_registry(name):
    saved = np.load(FIXTURE)
    module = capacity if name == "capacity" else recall
    cfg = compose_config(f"experiment={module.__name__.rsplit('.', 1)[-1]}", *CASES[name])
    ds = module.run(module.parameters(cfg), SeedTree(7))
    for var in ("overlap", "sweeps", "outcome"):
        np.testing.assert_array_equal(ds[var].values, saved[f"{name}.{var}"], err_msg=var)
    # the same final states; the relation codes gained mixtures (3: of 3 patterns, 4: of 5),
    # which the fixture (written before) calls spurious (2): every other code is unchanged
    relation, before = ds["relation"].values, saved[f"{name}.relation"]
    np.testing.assert_array_equal(np.where(relation >= 3, 2, relation), before, err_msg="relation")
    assert np.all(before[relation >= 3] == 2)
