"""Clamping: completing a pattern from the bits one knows (recall with clamp=mask).

A clamped neuron keeps its cue value; the free ones follow the usual rule. The dynamics of
the free neurons is then exactly that of the free sub-network with the clamped neurons'
input as an external field, h_ext = W_fc s_c (tested against that reduced network).
"""

from __future__ import annotations

import numpy as np
import pytest

import hopsim
from hopsim.dynamics import continuous as ode
from hopsim.dynamics import discrete
from hopsim.errors import ParameterError
from hopsim.rng import SeedTree


def _setup(N=120, P=12, seed=0):
    xi = hopsim.random_patterns(P, N, seed=seed)
    cues = hopsim.corrupt(xi, "flip", 0.35, seed=seed + 1)
    rng = np.random.default_rng(seed + 2)
    clamp = rng.random((P, N)) < 0.3
    return xi, cues, clamp


@pytest.mark.parametrize("update", ["async", "sync", "sequential"])
@pytest.mark.parametrize(
    ("rule", "mode"),
    [
        ("hebb", "dense"),
        ("hebb", "compact"),
        ("hebb", "lowrank"),
        ("storkey", "dense"),
        ("storkey", "lowrank"),
    ],
)
def test_clamped_neurons_hold_and_numpy_equals_numba(update, rule, mode):
    xi, cues, clamp = _setup()
    net = hopsim.store(xi, rule, mode=mode)
    seeds = SeedTree(3)
    runs = {}
    for engine in ("numpy", "numba"):
        rngs = [seeds.generator("dynamics", i) for i in range(len(cues))]
        runs[engine] = discrete.run(net, cues, update, 50, rngs, engine=engine, clamp=clamp)
    np.testing.assert_array_equal(runs["numpy"].final, runs["numba"].final)
    final = runs["numba"].final
    np.testing.assert_array_equal(final[clamp], cues[clamp])
    assert (final[~clamp] != cues[~clamp]).any()  # the free neurons did move


@pytest.mark.parametrize("update", ["async", "sequential"])
def test_free_neurons_follow_the_reduced_network_with_the_clamped_field(update):
    """Clamped dynamics = the free sub-network with thresholds theta_f - W_fc s_c."""
    xi, cues, _ = _setup(N=80, P=8, seed=4)
    net = hopsim.store(xi, mode="dense")
    J = net.J.astype(np.float64)  # Hebb's integers: every field below is exact
    known = np.zeros(80, bool)
    known[:30] = True  # the same mask for every cue: one reduced network per cue
    free = ~known
    seeds = SeedTree(5)
    rngs = [seeds.generator("d", i) for i in range(len(cues))]
    full = discrete.run(net, cues, update, 50, rngs, clamp=known)
    for b, cue in enumerate(cues):
        if update == "sequential":  # the reduced network, visited in the same order
            theta = -J[np.ix_(free, known)] @ cue[known]
            sub = hopsim.Network.from_couplings(J[np.ix_(free, free)], theta=theta)
            part = discrete.run(sub, cue[None, free], "sequential", 50)
            np.testing.assert_array_equal(part.final[0], full.final[b, free])
        else:  # a fixed point of the clamped dynamics: every free neuron agrees with its field
            assert full.outcome[b] == discrete.FIXED_POINT
            h = J[free] @ full.final[b].astype(float)
            np.testing.assert_array_equal(np.where(h >= 0, 1, -1), full.final[b, free])


def test_no_clamp_and_an_empty_clamp_give_the_same_trajectories():
    xi, cues, _ = _setup()
    net = hopsim.store(xi, "storkey")
    a = net.recall(cues, seed=1)
    b = net.recall(cues, seed=1, clamp=np.zeros(120, bool))
    np.testing.assert_array_equal(a.state.values, b.state.values)
    np.testing.assert_array_equal(a.sweeps.values, b.sweeps.values)
    assert (b.clamped.values == 0).all()


def test_clamped_asynchronous_dynamics_never_raises_the_energy():
    xi, cues, clamp = _setup(N=150, P=25, seed=6)  # alpha = 0.17: long, wandering trials
    for rule in ("hebb", "storkey", "pseudo_inverse"):
        ds = hopsim.store(xi, rule).recall(cues, seed=7, clamp=clamp)
        steps = np.diff(ds.energy.values, axis=1)
        assert np.all(steps[np.isfinite(steps)] <= 1e-12), rule
        assert (ds.state.values[clamp] == cues[clamp]).all()
        np.testing.assert_array_equal(ds.clamped.values, clamp.sum(axis=1))


def test_clamping_at_finite_temperature_holds_the_known_bits():
    xi, cues, clamp = _setup(N=200, P=4, seed=8)
    net = hopsim.store(xi, mode="dense")
    hot = net.recall(cues, temperature=5.0, max_sweeps=10, seed=9, clamp=clamp)
    np.testing.assert_array_equal(hot.state.values[clamp], cues[clamp])
    # at T = 5 the free neurons are nearly random: about half differ from the cue
    moved = (hot.state.values != cues)[~clamp].mean()
    assert 0.35 < moved < 0.65  # 4 x 200 x 0.7 = 560 free bits: sd 0.02


def test_clamping_helps_completion_from_an_occluded_cue():
    """60% occluded at alpha = 0.1: clamping the visible 40% recalls more patterns."""
    N, P = 400, 40
    xi = hopsim.random_patterns(P, N, seed=10)
    cues, visible = hopsim.corrupt(xi, "occlude", 0.6, seed=11, trials=3, known=True)
    net = hopsim.store(xi)
    free = net.recall(cues, seed=12)
    held = net.recall(cues, seed=12, clamp=visible)
    cued = np.repeat(np.arange(P), 3)
    m_free = free.overlap.values[np.arange(3 * P), cued]
    m_held = held.overlap.values[np.arange(3 * P), cued]
    # 120 cues each: the mean overlaps differ by many standard errors (0.80 vs 0.997)
    assert m_held.mean() - m_free.mean() > 5 * m_free.std() / np.sqrt(3 * P)


def test_the_continuous_network_holds_clamped_units_and_its_energy_falls():
    xi = hopsim.random_patterns(3, 40, seed=13)
    W = hopsim.store(xi, mode="dense").weights()
    clamp = np.zeros(40, bool)
    clamp[:15] = True
    v0 = 0.5 * hopsim.corrupt(xi[:1], "flip", 0.3, seed=14)[0]
    model = ode.ContinuousNetwork(W, 1.0, ode.Activation("tanh", 4.0), clamp=clamp)
    sol = ode.integrate(model, v0, np.linspace(0, 20, 201))
    np.testing.assert_array_equal(sol.v[:, clamp], np.broadcast_to(v0[clamp], (201, 15)))
    E = model.energy(sol.v)
    assert np.all(np.diff(E) <= 1e-9)
    assert np.abs(sol.v[-1, ~clamp] - sol.v[-2, ~clamp]).max() < 1e-3  # settled
    J = model.jacobian(0.0, v0)
    assert np.all(J[clamp] == 0)


@pytest.mark.parametrize(
    "clamp",
    [
        np.ones(119, bool),
        np.ones((3, 120), bool),
        np.ones(120, int),
        np.ones(120),
        "all",
        [[True] * 120] * 13,
    ],
)
def test_a_bad_clamp_is_refused_naming_it(clamp):
    xi, cues, _ = _setup()
    with pytest.raises(ParameterError, match=r"^clamp=") as info:
        hopsim.store(xi).recall(cues, clamp=clamp)
    assert "\n" not in str(info.value)


def test_occlude_clamped_shares_occludes_cues_and_the_api_gives_its_mask():
    xi = hopsim.random_patterns(6, 100, seed=15)
    a = hopsim.corrupt(xi, "occlude", 0.4, seed=16, trials=2)
    b, known = hopsim.corrupt(xi, "occlude_clamped", 0.4, seed=16, trials=2, known=True)
    np.testing.assert_array_equal(a, b)  # the same stream: paired comparisons
    assert (known.sum(axis=1) == 60).all()
    # the unknown units are one contiguous (cyclic) block of 40, set to -1
    for cue, k in zip(b, known, strict=True):
        assert (cue[~k] == -1).all()
        assert np.count_nonzero(np.diff(np.r_[k, k[0]].astype(int))) == 2
    _, flipped = hopsim.corrupt(xi, "flip", 0.1, seed=1, known=True)
    assert (flipped.sum(axis=1) == 90).all()


def test_the_recall_experiment_clamps_the_visible_part_on_the_same_cues():
    """corruption.kind=occlude_clamped: the API's clamped recall on occlude's cues."""
    N, P, trials, seed, level = 200, 20, 2, 3, 0.6
    over = {"network.N": N, "patterns.P": P, "trials": trials, "corruption.level": level}
    free = hopsim.run("recall", {**over, "corruption.kind": "occlude"}, seed=seed)
    held = hopsim.run("recall", {**over, "corruption.kind": "occlude_clamped"}, seed=seed)
    np.testing.assert_array_equal(free.cue_overlap.values, held.cue_overlap.values)
    xi = hopsim.random_patterns(P, N, seed=seed)
    cues, known = hopsim.corrupt(xi, "occlude", level, seed=seed, trials=trials, known=True)
    keys = [(mu, k) for mu in range(P) for k in range(trials)]
    ds = hopsim.store(xi).recall(cues, seed=seed, keys=keys, clamp=known)
    cued = ds.overlap.values[np.arange(P * trials), np.repeat(np.arange(P), trials)]
    np.testing.assert_array_equal(cued.reshape(P, trials), held.overlap.values)
    assert float(held.overlap.mean()) > float(free.overlap.mean())


def test_capacity_clamps_occlude_clamped_cues_but_not_the_stored_pattern_itself():
    keys = {
        "network.N": [300],
        "patterns.alpha": [0.14],
        "corruption.level": [0.0, 0.6],
        "trials": 30,
    }
    free = hopsim.run("capacity", {**keys, "corruption.kind": "occlude"}, seed=1)
    held = hopsim.run("capacity", {**keys, "corruption.kind": "occlude_clamped"}, seed=1)
    # level 0 cues the pattern itself with nothing held: the same trials
    np.testing.assert_array_equal(free.overlap.sel(noise=0.0), held.overlap.sel(noise=0.0))
    assert float(held.overlap.sel(noise=0.6).mean()) > float(free.overlap.sel(noise=0.6).mean())
