"""The public Python API: hopsim.store, Network.recall, the helpers, their errors.

hopsim.run against the command for every experiment is in tests/test_api_run.py.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import hopsim
from hopsim.dynamics import discrete
from hopsim.errors import ParameterError
from hopsim.learning import rule_names
from hopsim.rng import SeedTree

UPDATES = ("async", "sync", "sequential")


def test_two_calls_store_and_recall_every_rule_and_update():
    xi = hopsim.random_patterns(6, 120, seed=0)
    cues = hopsim.corrupt(xi, "flip", 0.1, seed=1)
    for rule in rule_names():
        net = hopsim.store(xi, rule)
        for update in UPDATES:
            ds = net.recall(cues, update=update, seed=2)
            assert ds.state.shape == (6, 120) and ds.overlap.shape == (6, 6)
            assert set(ds.outcome.values) <= {"fixed_point", "cycle", "max_sweeps"}
            assert set(ds.relation.values) <= {"pattern", "inverse", "spurious"}
            # at alpha = 0.05 from 10% noise every rule recalls every pattern (Krauth-Mezard
            # too, since it learns maximal stability: issue 18)
            assert (ds.relation.values == "pattern").all(), (rule, update)
            np.testing.assert_array_equal(ds.recalled.values, np.arange(6))
            assert ds.attrs["learning_rule"] == rule and ds.attrs["update"] == update


def test_recall_dataset_is_labelled_and_its_numbers_are_right():
    xi = hopsim.random_patterns(4, 64, seed=3)
    cues = hopsim.corrupt(xi, "flip", 0.25, seed=4, trials=2)
    ds = hopsim.store(xi).recall(cues, seed=5)
    for name in ds.data_vars:
        assert {"long_name", "units"} <= set(ds[name].attrs), name
    # overlaps written plainly: m = s . xi / N
    np.testing.assert_array_equal(ds.overlap.values, ds.state.values @ xi.T.astype(float) / 64)
    np.testing.assert_array_equal(ds.cue_overlap.values, cues @ xi.T.astype(float) / 64)
    # the energy trace starts at the cue's energy and ends at the final state's
    net = hopsim.store(xi)
    np.testing.assert_allclose(ds.energy.values[:, 0], net.energy(cues))
    last = ds.energy.values[np.arange(8), ds.sweeps.values]
    np.testing.assert_allclose(last, net.energy(ds.state.values))
    assert np.all(np.diff(ds.energy.values, axis=1)[np.isfinite(np.diff(ds.energy.values))] <= 0)


def test_a_cue_depends_on_its_own_stream_only():
    xi = hopsim.random_patterns(8, 100, seed=0)
    cues = hopsim.corrupt(xi, "flip", 0.3, seed=1, trials=3)
    net = hopsim.store(xi, "storkey")
    whole = net.recall(cues, seed=7)
    one_by_one = net.recall(cues, seed=7, batch_size=1)
    np.testing.assert_array_equal(whole.state.values, one_by_one.state.values)
    tail = net.recall(cues[10:], seed=7, keys=range(10, 24))
    np.testing.assert_array_equal(whole.state.values[10:], tail.state.values)
    other = net.recall(cues, seed=8)
    assert not np.array_equal(whole.state.values, other.state.values)  # the seed matters


def test_helpers_reproduce_the_recall_experiments_streams():
    """random_patterns, corrupt and recall(keys=(mu, k)) give the command's recall run."""
    N, P, trials, seed = 100, 8, 3, 11
    ds_cmd = hopsim.run(
        "recall",
        {"network.N": N, "patterns.P": P, "trials": trials, "corruption.level": 0.3},
        seed=seed,
    )
    xi = hopsim.random_patterns(P, N, seed=seed)
    cues = hopsim.corrupt(xi, "flip", 0.3, seed=seed, trials=trials)
    keys = [(mu, k) for mu in range(P) for k in range(trials)]
    ds = hopsim.store(xi).recall(cues, seed=seed, keys=keys)
    cued = ds.overlap.values[np.arange(P * trials), np.repeat(np.arange(P), trials)]
    np.testing.assert_array_equal(cued.reshape(P, trials), ds_cmd.overlap.values)
    np.testing.assert_array_equal(ds.sweeps.values.reshape(P, trials), ds_cmd.sweeps.values)


def test_recall_matches_the_dynamics_it_wraps():
    xi = hopsim.random_patterns(5, 80, seed=1)
    cues = hopsim.corrupt(xi, "flip", 0.2, seed=2)
    net = hopsim.store(xi)
    ds = net.recall(cues, seed=3)
    seeds = SeedTree(3)
    rngs = [seeds.generator("dynamics", 80, 5, "async", i) for i in range(5)]
    traj = discrete.run(net, cues, "async", 100, rngs)
    np.testing.assert_array_equal(ds.state.values, traj.final)
    assert list(ds.outcome.values) == [discrete.OUTCOMES[o] for o in traj.outcome]


def test_finite_temperature_recall_melts_above_the_transition():
    """Glauber at T: m ~ 1 well below T = 1 (alpha -> 0), m ~ 0 well above it."""
    xi = hopsim.random_patterns(2, 400, seed=0)
    net = hopsim.store(xi, mode="dense")
    cold = net.recall(xi, temperature=0.3, max_sweeps=30, seed=1)
    hot = net.recall(xi, temperature=2.0, max_sweeps=30, seed=1)
    cued = np.diag(cold.overlap.values)
    # mean-field m = tanh(m / T) at T = 0.3: m = 0.9974; 400 spins: sd of m ~ 0.005
    assert np.all(cued > 0.95)
    assert np.all(np.abs(np.diag(hot.overlap.values)) < 0.2)  # paramagnet: sd ~ 0.05
    assert set(cold.outcome.values) == {"max_sweeps"} and cold.sweep.size == 31


def test_dense_associative_memory_recalls_beyond_hebbs_capacity():
    xi = hopsim.random_patterns(60, 100, seed=0)  # alpha = 0.6: Hebb fails, n = 3 does not
    cues = hopsim.corrupt(xi, "flip", 0.05, seed=1)
    dam = hopsim.store(xi, energy="polynomial", n=3).recall(cues, seed=2)
    hebb = hopsim.store(xi).recall(cues, seed=2)
    assert (dam.relation.values == "pattern").mean() > 0.95
    assert (hebb.relation.values == "pattern").mean() < 0.2
    assert dam.attrs["energy_function"] == "polynomial n=3"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: hopsim.store([[1, -1], [1, 1]], rule="storkee"), r"^rule='storkee' is not"),
        (lambda: hopsim.store([[1, -1]], "krauth_mezard", kappa=-1), r"^kappa=-1 is not"),
        (lambda: hopsim.store([[1, -1]], "hebb", kappa=1), r"^kappa=1 is not allowed: expe"),
        (lambda: hopsim.store([[1, 0]]), r"^patterns="),
        (lambda: hopsim.store([[1, -1]], mode="sparse"), r"^mode='sparse'"),
        (lambda: hopsim.store([[1, -1]], "storkey", mode="compact"), r"^mode='compact'"),
        (lambda: hopsim.store([[1, -1]], theta=float("nan")), r"^theta=nan"),
        (lambda: hopsim.store([[1, -1]], theta=[0.1]), r"^theta=\[0.1\]"),
        (lambda: hopsim.store([[1, -1]], tie="minus"), r"^tie='minus'"),
        (lambda: hopsim.store([[1, -1]], energy="cubic"), r"^energy='cubic'"),
        (lambda: hopsim.store([[1, -1]], energy="polynomial", n=1), r"^n=1 is not"),
        (lambda: hopsim.store([[1, -1]], "storkey", energy="polynomial"), r"^rule="),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1, 1]]), r"^cues="),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], update="random"), r"^update="),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], seed=-1), r"^seed=-1"),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], max_sweeps=0), r"^max_sweeps=0"),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], temperature=-1), r"^temperature"),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], temperature=np.inf), r"^tempera"),
        (
            lambda: hopsim.store([[1, -1]]).recall([[1, 1]], temperature=1, update="sync"),
            r"^update='sync'",
        ),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], keys=[0, 1]), r"^keys="),
        (lambda: hopsim.store([[1, -1]]).recall([[1, 1]], batch_size=0), r"^batch_size=0"),
        (lambda: hopsim.random_patterns(0, 10), r"^P=0"),
        (lambda: hopsim.random_patterns(10**6, 10**5), r"^P=1000000 is not allowed"),
        (lambda: hopsim.random_patterns(3, 10, bias=1.0), r"^bias=1.0"),
        (lambda: hopsim.corrupt([[1, -1]], "smudge"), r"^kind='smudge'"),
        (lambda: hopsim.corrupt([[1, -1]], "flip", 1.5), r"^level=1.5"),
        (lambda: hopsim.corrupt([[1, -1]], "flip", 0.1, trials=0), r"^trials=0"),
    ],
)
def test_bad_arguments_raise_a_value_error_naming_the_parameter(call, message):
    with pytest.raises(ParameterError, match=message) as info:
        call()
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)


def test_every_public_name_resolves_and_is_documented():
    for name in hopsim.__all__:
        value = getattr(hopsim, name)
        assert value is not None, name
    assert callable(hopsim.store) and callable(hopsim.run)
    with pytest.raises(AttributeError):
        hopsim.no_such_name  # noqa: B018 - the lookup is the test


def test_import_hopsim_is_light():
    """``import hopsim`` loads no xarray, matplotlib, Hydra, torch or figure code."""
    code = (
        "import sys, hopsim; heavy = ('xarray', 'matplotlib', 'hydra', 'torch', 'numba', "
        "'pandas', 'hopsim.figures'); print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in heavy or m.startswith('hopsim.figures')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_accessor_is_registered_whatever_the_import_order():
    code = (
        "import hopsim, xarray as xr; ds = xr.Dataset(attrs={'experiment': 'recall'}); "
        "print(ds.hopsim.experiment); import sys; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["recall", "False"]
