"""The energy after every single-neuron update: the reference replay, the recall option
``record.update_energy`` and the claim that reads it (issue 18, claim 5)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import compose_config

from hopsim.analysis.energy import update_energy_changes
from hopsim.config import ConfigError
from hopsim.dynamics import discrete
from hopsim.experiments import recall
from hopsim.gallery.claims import CLAIMS, FAILS, HOLDS, NOT_TESTED
from hopsim.network import Network
from hopsim.patterns import random_patterns
from hopsim.resources import ResourceError
from hopsim.rng import SeedTree

RECALL = ("network.N=60", "patterns.P=7", "trials=2", "corruption.level=0.3")


def _energy(W, theta, s):
    s = s.astype(float)
    return -0.5 * s @ W @ s + theta @ s


@pytest.mark.parametrize("rule", ["hebb", "storkey", "pseudo_inverse"])
@pytest.mark.parametrize("update", ["async", "sequential"])
def test_replay_retraces_the_run_and_the_energy_never_rises(rule, update):
    """Same orders, same trajectory: the trace's energy after sweep t is the run's; for a
    symmetric rule no single update raises it (rounding aside)."""
    rng = np.random.default_rng(1)
    xi = random_patterns(rng, 9, 50)
    net = Network.learned(xi, rule, mode="dense")
    cue = xi[:1].copy()
    cue[0, rng.choice(50, 15, replace=False)] *= -1
    rngs = [np.random.default_rng(7)] if update == "async" else None
    run = discrete.run(net, cue, update, 50, rngs)
    trace = discrete.update_trace(net, cue[0], update, 50, np.random.default_rng(7))
    t = int(run.sweeps[0])
    assert trace.size == 1 + 50 * (t + 1)  # the sweeps that changed, and the one that did not
    # the run sums float32 couplings incrementally: equal to ~1e-8 for real rules
    np.testing.assert_allclose(trace[: 50 * t + 1 : 50], run.energy[0, : t + 1], rtol=1e-6)
    assert np.diff(trace).max() <= 1e-9 * np.abs(trace).max()
    assert np.sum(np.abs(np.diff(trace)) > 1e-9) >= 1  # something flipped
    # the textbook energy, written plainly, at the end
    W, theta = net.weights(), net.thresholds
    assert trace[-1] == pytest.approx(_energy(W, theta, run.final[0]), rel=1e-12)


def test_replay_shows_a_rise_when_there_is_one():
    """A negative self-coupling lets a flip raise E: the replay must show it (the check can
    fail), although the energy after each whole sweep may still fall."""
    W = np.array([[-2.0, 1.0, 0.0], [1.0, 0.0, 0.5], [0.0, 0.5, 0.0]])
    net = Network.from_couplings(W)
    trace = discrete.update_trace(net, np.array([1, -1, 1]), "sequential", 5)
    assert np.diff(trace).max() > 0.5
    s = np.array([1, -1, 1])
    assert trace[0] == pytest.approx(_energy(W, np.zeros(3), s))


def test_replay_needs_a_generator_and_single_neuron_updates():
    net = Network.hebbian(np.ones((1, 4), np.int8))
    with pytest.raises(ValueError, match="rng"):
        discrete.update_trace(net, np.ones(4), "async", 3)
    with pytest.raises(ValueError, match="update"):
        discrete.update_trace(net, np.ones(4), "sync", 3)


def test_recall_records_the_traces_only_when_asked():
    off = recall.run(recall.parameters(compose_config(*RECALL)), SeedTree(0))
    assert "update_energy" not in off and "traced_cue" not in off.dims
    cfg = compose_config(*RECALL, "record.update_energy=9")
    on = recall.run(recall.parameters(cfg), SeedTree(0))
    for var in ("overlap", "energy", "sweeps"):  # the run itself is unchanged
        np.testing.assert_array_equal(on[var].values, off[var].values, err_msg=var)
    assert on.sizes["traced_cue"] == 9
    # trial 0 of every pattern first, then trial 1
    assert list(on.traced_pattern.values) == [0, 1, 2, 3, 4, 5, 6, 0, 1]
    assert list(on.traced_trial.values) == [0] * 7 + [1, 1]
    changes = update_energy_changes(on)
    assert changes.retraced and changes.updates > 60 * 9 and changes.changed > 0
    assert changes.largest <= 1e-9 * changes.scale
    assert on.update_energy.attrs["units"] == "1" and on.step.attrs["long_name"]


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ("record.update_energy=-1", ConfigError),
        ("record.update_energy=nan", ConfigError),
        ("record.update_energy=1.5", ConfigError),
        ("record.update_energy=abc", ConfigError),
        ("record.update_energy=15", ConfigError),  # more than the 14 cues
        ("record.update_energy=1e30", ConfigError),
        ("record.update_energy=[1,2]", ConfigError),
    ],
)
def test_bad_update_energy_values_are_one_line_errors(override, error):
    with pytest.raises(error, match="record.update_energy") as info:
        recall.parameters(compose_config(*RECALL, override))
    assert "\n" not in str(info.value)


def test_update_energy_refuses_sync_dense_energies_and_days_of_work():
    with pytest.raises(ConfigError, match="dynamics.update=sync"):
        recall.parameters(compose_config(*RECALL, "dynamics.update=sync", "record.update_energy=1"))
    with pytest.raises(ConfigError, match="network.energy"):
        recall.parameters(
            compose_config(*RECALL, "network.energy=polynomial", "record.update_energy=1")
        )
    big = ("network.N=20000", "patterns.P=10", "trials=100", "record.update_energy=1000")
    with pytest.raises(ResourceError, match="record.update_energy"):
        recall.parameters(compose_config(*big))


def _claim():
    return next(c for c in CLAIMS if c.id == "energy_descends")


def test_claim_reads_the_single_update_energies():
    cfg = compose_config(*RECALL, "record.update_energy=6")
    ds = recall.run(recall.parameters(cfg), SeedTree(0))
    r = _claim().check({"recall_energy": ds})
    assert r.verdict == HOLDS, r
    assert "single-neuron updates of 6 cues" in r.measured
    risen = ds.copy(deep=True)
    risen["update_energy"][0, 3] = risen.update_energy[0, 2] + 1.0  # one update raises E
    assert _claim().check({"recall_energy": risen}).verdict == FAILS
    plain = recall.run(recall.parameters(compose_config(*RECALL)), SeedTree(0))
    r = _claim().check({"recall_energy": plain})
    assert r.verdict == NOT_TESTED and "only between sweeps" in r.note
