"""Every experiment estimates its memory and time before any work; work bombs are refused.

``hopsim.experiments.check_estimate`` is what the command's preflight calls with the keys
the user gave: a job estimated beyond this machine's memory, or beyond a day on one core
(unless ``allow_long``), is a one-line :class:`~hopsim.resources.ResourceError` naming the
key the user gave. How close the estimates come to measured runs is a benchmark
(benchmarks/estimates.py, docs/performance.md), not a test.
"""

from __future__ import annotations

import math

import pytest
from conftest import compose_config
from omegaconf import OmegaConf

from hopsim import experiments
from hopsim.resources import MAX_SECONDS, Estimate, ResourceError

_MISSING = object()


def _prepare(name: str, *overrides: str):
    module = experiments.load(name)
    return module, experiments.prepare(module, compose_config(f"experiment={name}", *overrides))


@pytest.mark.parametrize("name", experiments.available())
def test_every_experiment_estimates_finite_positive_costs_from_real_keys(name):
    module, params = _prepare(name)
    assert hasattr(module, "estimate"), name
    cost = module.estimate(params)
    assert isinstance(cost, Estimate)
    assert math.isfinite(cost.memory) and cost.memory > 0
    assert math.isfinite(cost.seconds) and cost.seconds > 0
    assert cost.drivers, name
    cfg = compose_config(f"experiment={name}")
    for key in cost.drivers:
        assert OmegaConf.select(cfg, key, default=_MISSING) is not _MISSING, (name, key)
    # the default config of every experiment runs within the limit
    assert cost.seconds < MAX_SECONDS


#: (experiment, a work driver, a small and a larger value): the estimate grows with it.
GROWTH = [
    ("recall", "trials", 2, 20),
    ("capacity", "trials", 10, 40),
    ("rules", "rules.cues", 5, 50),
    ("mixtures", "trials", 10, 40),
    ("dense_capacity", "dense_capacity.networks", 2, 8),
    ("modern", "modern.queries", 16, 64),
    ("hopfield_temperature", "mc.sweeps", 50, 500),
    ("ising", "mc.thermalize", 100, 10000),
    ("bifurcation", "meanfield.N", 100, 400),
    ("phase_portrait", "phase_portrait.points", 301, 100000),
    ("stimulus", "stimulus.t_max", 100, 10000),
    ("network_ode", "network_ode.N", 200, 800),
    ("state_graph", "network.N", 8, 14),
    ("images", "images.side", 32, 128),
    ("sequence_memory", "hopfield.trials", 10, 100),
    ("completion", "train.steps", 100, 1000),
    ("gradients", "task.seeds", 1, 8),
    ("optimize", "reads", 4, 32),
    ("online", "online.streams", 1, 4),
]


@pytest.mark.parametrize(("name", "key", "small", "large"), GROWTH, ids=[g[0] for g in GROWTH])
def test_the_estimated_time_grows_with_its_drivers(name, key, small, large):
    extra = ("patterns.explicit=null", "patterns.P=2") if name == "state_graph" else ()
    module, few = _prepare(name, *extra, f"{key}={small}")
    _, many = _prepare(name, *extra, f"{key}={large}")
    assert module.estimate(many).seconds > module.estimate(few).seconds
    assert key in module.estimate(few).drivers


#: The work bombs of issues 17 and 21: (experiment, overrides, the key the refusal names).
BOMBS = [
    ("rules", ["rules.cues=1000000"], "rules.cues"),
    ("rules", ["trials=1000000"], "trials"),
    ("hopfield_temperature", ["trials=100000000"], "trials"),
    ("ising", ["mc.thermalize=1000000000"], "mc.thermalize"),
    ("network_ode", ["network_ode.trials=1000", "network_ode.t_max=1000000"], "network_ode.trials"),
    ("network_ode", ["network_ode.N=100000"], "network_ode.N"),
    ("gradients", ["task.seeds=1000"], "task.seeds"),
    ("dense_capacity", ["dense_capacity.networks=1000000000"], "dense_capacity.networks"),
    ("capacity", ["trials=100000000"], "trials"),
    (
        "recall",
        ["network.N=5000", "trials=100", "record.update_energy=1000"],
        "record.update_energy",
    ),
    ("bifurcation", ["meanfield.N=20000", "meanfield.points=1000"], "meanfield.N"),
    ("sequence_memory", ["train.steps=1000000"], "train.steps"),
    ("completion", ["train.steps=1000000", "train.batch_size=4096"], "train.steps"),
    ("optimize", ["reads=1000000"], "reads"),
    ("optimize", ["problem.N=[2048]", "schedule.sweeps=[100000000]"], "schedule.sweeps"),
    ("gradients", ["train.budgets=[1000000]"], "train.budgets"),
    ("dense_capacity", ["dense_capacity.trials=1000000000"], "dense_capacity.trials"),
    (
        "state_graph",
        ["patterns.explicit=null", "network.N=16", "patterns.P=1000000000"],
        "patterns.P",
    ),
]


def _refusal(name: str, overrides: list[str], allow_long: bool = False) -> str:
    """The one-line refusal of a config, from ``parameters`` or from ``check_estimate``."""
    given = [o.split("=", 1)[0] for o in overrides]
    with pytest.raises(ResourceError) as info:
        module, params = _prepare(name, *overrides)
        experiments.check_estimate(module, params, given=given, allow_long=allow_long)
    return str(info.value)


@pytest.mark.parametrize(("name", "overrides", "key"), BOMBS, ids=[b[0] for b in BOMBS])
def test_work_bombs_are_refused_naming_the_key_the_user_gave(name, overrides, key):
    line = _refusal(name, overrides)
    assert "\n" not in line
    assert line.startswith(f"{key}="), line
    assert "would run for" in line or "needs ~" in line, line


@pytest.mark.parametrize(
    ("name", "overrides"),
    [("gradients", ["task.seeds=1000"]), ("ising", ["mc.thermalize=1000000000"])],
)
def test_allow_long_lifts_the_time_limit_only(name, overrides):
    module, params = _prepare(name, *overrides)
    given = [o.split("=", 1)[0] for o in overrides]
    cost = experiments.check_estimate(module, params, given=given, allow_long=True)
    assert cost.seconds > MAX_SECONDS
    # memory is never lifted
    line = _refusal("dense_capacity", ["dense_capacity.networks=1000000000"], allow_long=True)
    assert line.startswith("dense_capacity.networks=") and "needs ~" in line


def test_a_refusal_names_the_given_key_not_the_costliest():
    """gradients grows with train.budgets most, but the user gave task.seeds."""
    line = _refusal("gradients", ["task.seeds=1000"])
    assert "train.budgets" not in line
