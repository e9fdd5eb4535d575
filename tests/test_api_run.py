"""hopsim.run(experiment, overrides, seed=S) equals ``hopsim experiment=NAME ... seed=S``.

Every experiment, at small sizes: every data variable and coordinate equal, but the
measured wall times (variables in seconds); the attrs that say what ran equal too. Both run
on one thread (``threads=1``): BLAS sums in another order on more threads, which moved the
modern network's fixed-point distances in the 16th digit (1.7e-16).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import hopsim
from hopsim.experiments import available
from hopsim.io import load_dataset

#: small overrides per experiment (every experiment must have an entry)
SMALL = {
    "recall": {"network.N": 60, "patterns.P": 4, "trials": 3},
    "capacity": {"network.N": [60, 80], "patterns.alpha": [0.05, 0.2], "trials": 3},
    "rules": {
        "network.N": [40],
        "patterns.alpha": [0.1, 0.3],
        "corruption.level": [0, 0.1],
        "trials": 1,
    },
    "dense_capacity": {
        "dense_capacity.N": [16, 24],
        "dense_capacity.networks": 2,
        "dense_capacity.factors": [0.5, 1.0],
    },
    "modern": {},
    "hopfield_temperature": {
        "network.N": 60,
        "patterns.alpha": [0.05],
        "mc.temperatures": [0.2, 0.8],
        "mc.sweeps": 20,
        "mc.thermalize": 10,
        "trials": 2,
    },
    "ising": {
        "lattice.L": [8],
        "mc.temperatures": [2.0, 2.5],
        "mc.sweeps": 200,
        "mc.thermalize": 50,
        "mc.blocks": 5,
    },
    "bifurcation": {},
    "phase_portrait": {},
    "stimulus": {},
    "network_ode": {"network_ode.N": 40, "network_ode.trials": 2},
    "state_graph": {"patterns.explicit": [[1, -1, 1, -1, 1]]},
    "images": {"images.side": 16},
    "sequence_memory": {
        "sequence.N": [16],
        "sequence.lengths": [2, 4],
        "hopfield.trials": 2,
        "hopfield.slow_synapse.trials": 1,
        "rnn.kinds": ["gru"],
        "rnn.hidden": [8],
        "train.steps": 20,
    },
    "completion": {
        "completion.N": 16,
        "completion.P": [2],
        "completion.noise": [0, 0.2],
        "completion.trials": 4,
        "rnn.kinds": ["gru"],
        "train.steps": 20,
    },
    "online": {
        "online.N": [40],
        "online.rules": ["hebb", "hebb_decay"],
        "online.options.hebb_decay.epsilon": [4.108],
        "online.checkpoints": [0.2, 0.5],
        "online.streams": 1,
        "rnn.kinds": ["gru"],
        "train.steps": 3,
    },
    "mixtures": {
        "network.N": [40],
        "patterns.alpha": [0.05, 0.1],
        "mixtures.starts": ["pattern", "mixture3"],
        "trials": 3,
    },
    "optimize": {
        "problem.N": [6, 8],
        "problem.instances": 2,
        "reads": 4,
        "schedule.sweeps": [20],
    },
    "gradients": {
        "task.lags": [5],
        "task.seeds": 1,
        "model.variants": ["rnn"],
        "train.budgets": [25],
        "train.lr": 0.01,
        "explode.steps": 10,
        "explode.seeds": 1,
        "gradients.length": 11,
        "explode.lag": 5,
    },
}
TORCH = {"sequence_memory", "completion", "gradients"}


def _is_wall_time(da: xr.DataArray) -> bool:
    return da.attrs.get("units") == "s" and "time" in da.attrs.get("long_name", "")


def test_every_experiment_has_small_overrides():
    assert set(SMALL) == set(available())


@pytest.mark.parametrize("name", sorted(SMALL))
def test_run_equals_the_command(name, tmp_path):
    if name in TORCH:
        pytest.importorskip("torch")
    overrides = {**SMALL[name], "threads": 1}
    ds = hopsim.run(name, overrides, seed=3)
    args = [f"experiment={name}", *hopsim.api._override_list(overrides), "seed=3"]
    cmd = [sys.executable, "-m", "hopsim", *args, f"hydra.run.dir={tmp_path}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = load_dataset(tmp_path)
    assert set(ds.data_vars) == set(written.data_vars)
    assert set(ds.coords) == set(written.coords)
    for var in [*ds.data_vars, *ds.coords]:
        if _is_wall_time(written[var]):
            continue
        a, b = ds[var], written[var]
        assert a.dims == b.dims, var
        if a.dtype.kind in "fc":
            np.testing.assert_array_equal(a.values, b.values, err_msg=var)
        else:
            assert (a.values == b.values).all(), var
    for key in ("experiment", "seed", "config", "overrides"):  # (the summary quotes timings)
        assert ds.attrs[key] == written.attrs[key], key
    assert "wall_time_s" not in ds.attrs
