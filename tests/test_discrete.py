"""The discrete Hopfield core against exact small cases and invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hopsim.dynamics import discrete
from hopsim.learning import hebb
from hopsim.network import Network
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.rng import SeedTree


def all_states(N: int) -> np.ndarray:
    return np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int8)


def fixed_points(net: Network) -> set[tuple[int, ...]]:
    S = all_states(net.N)
    new = net.threshold_update(net.raw_fields(S), S)
    return {tuple(int(x) for x in s) for s, n in zip(S, new, strict=True) if (s == n).all()}


def rngs(B: int, seed: int = 0):
    return SeedTree(seed).generators(["test"], range(B))


def test_hebb_rule_matches_definition():
    xi = random_patterns(SeedTree(1).generator("p"), 4, 9)
    W = hebb(xi)
    expected = sum(np.outer(p, p) for p in xi.astype(float)) / 9
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(W, expected)
    np.testing.assert_allclose(Network.hebbian(xi).weights(), expected)
    np.testing.assert_allclose(Network.hebbian(xi, mode="lowrank").weights(), expected)


def test_two_neurons_storing_minus_plus():
    """Source report 3.1: W = [[0,-1],[-1,0]]/2; [-1,1], [1,-1] fixed; sync 2-cycle."""
    net = Network.hebbian(np.array([[-1, 1]]))
    np.testing.assert_allclose(net.weights(), [[0, -0.5], [-0.5, 0]])
    assert fixed_points(net) == {(-1, 1), (1, -1)}

    sync = discrete.run(net, np.array([[1, 1]]), "sync", max_sweeps=50, record_states=True)
    assert sync.outcome[0] == discrete.CYCLE and sync.cycle_length[0] == 2
    visited = {tuple(s) for s in sync.states[0, : sync.sweeps[0] + 1]}
    assert visited == {(1, 1), (-1, -1)}

    for seed in range(10):
        asyn = discrete.run(net, np.array([[1, 1], [-1, -1]]), "async", 50, rngs(2, seed))
        assert (asyn.outcome == discrete.FIXED_POINT).all()
        for final in asyn.final:
            assert tuple(final) in {(-1, 1), (1, -1)}


def test_three_neurons_two_patterns_tie_rule():
    """Source report 3.2: storing [1,1,1], [1,1,-1] gives exactly [1,1,1] and [-1,-1,1]."""
    net = Network.hebbian(np.array([[1, 1, 1], [1, 1, -1]]), tie="plus")
    assert fixed_points(net) == {(1, 1, 1), (-1, -1, 1)}
    # the 'keep' tie rule restores the +/- symmetry for the undetermined third neuron
    keep = Network.hebbian(np.array([[1, 1, 1], [1, 1, -1]]), tie="keep")
    assert fixed_points(keep) == {(1, 1, 1), (1, 1, -1), (-1, -1, 1), (-1, -1, -1)}


def test_energy_formula():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(7, 7))
    W = (W + W.T) / 2
    np.fill_diagonal(W, 0)
    theta = rng.normal(size=7)
    net = Network.from_couplings(W, theta)
    S = all_states(7)
    expected = [-0.5 * s @ W @ s + theta @ s for s in S.astype(float)]
    np.testing.assert_allclose(net.energy(S), expected)


@pytest.mark.parametrize("update", ["async", "sequential"])
@pytest.mark.parametrize("seed", range(8))
def test_energy_never_rises_asynchronously(update, seed):
    rng = np.random.default_rng(seed)
    N = 40
    W = rng.normal(size=(N, N))
    W = (W + W.T) / 2
    np.fill_diagonal(W, 0)
    net = Network.from_couplings(W, rng.normal(scale=0.5, size=N))
    cues = np.where(rng.random((16, N)) < 0.5, 1, -1).astype(np.int8)
    traj = discrete.run(net, cues, update, 200, rngs(16, seed))
    assert (traj.outcome == discrete.FIXED_POINT).all()
    e = traj.energy
    for row, n in zip(e, traj.sweeps, strict=True):
        steps = np.diff(row[: n + 1])
        assert (steps <= 1e-9).all(), steps
        assert np.isnan(row[n + 1 :]).all()
    np.testing.assert_allclose(e[np.arange(16), traj.sweeps], net.energy(traj.final))


def test_energy_decreases_within_a_sweep_with_numpy_engine():
    """Per-flip monotonicity: record energy after every single-neuron update (N small)."""
    rng = np.random.default_rng(11)
    N = 12
    W = rng.normal(size=(N, N))
    W = (W + W.T) / 2
    np.fill_diagonal(W, 0)
    net = Network.from_couplings(W)
    s = np.where(rng.random(N) < 0.5, 1, -1).astype(np.int8)
    energies = [net.energy(s)[0]]
    for _ in range(5):
        for i in rng.permutation(N):
            h = W[i] @ s
            s[i] = 1 if h >= 0 else -1
            energies.append(net.energy(s)[0])
    assert (np.diff(energies) <= 1e-12).all()


def test_stored_patterns_and_inverses_are_fixed_points_at_low_load():
    xi = random_patterns(SeedTree(5).generator("p"), 5, 200)
    net = Network.hebbian(xi, theta=0.0)
    cues = np.concatenate([xi, -xi])
    for update in ("sync", "async", "sequential"):
        traj = discrete.run(net, cues, update, 10, rngs(10))
        assert (traj.outcome == discrete.FIXED_POINT).all()
        assert (traj.sweeps == 0).all()
        np.testing.assert_array_equal(traj.final, cues)
        index, relation = discrete.recall_relation(traj.final, xi)
        np.testing.assert_array_equal(index, np.tile(np.arange(5), 2))
        np.testing.assert_array_equal(relation, [0] * 5 + [1] * 5)


def test_sync_cycles_have_length_at_most_two():
    """Symmetric couplings: synchronous dynamics ends in fixed points or 2-cycles."""
    rng = np.random.default_rng(2)
    N = 30
    W = rng.normal(size=(N, N))
    W = (W + W.T) / 2
    np.fill_diagonal(W, 0)
    net = Network.from_couplings(W)
    cues = np.where(rng.random((64, N)) < 0.5, 1, -1).astype(np.int8)
    traj = discrete.run(net, cues, "sync", 500)
    assert (traj.outcome != discrete.MAX_SWEEPS).all()
    assert set(traj.cycle_length[traj.outcome == discrete.CYCLE]) <= {2}
    assert (traj.outcome == discrete.CYCLE).any()


def test_longer_cycles_are_detected():
    """A non-symmetric ring (W_{i+1,i} = 1) shifts the state: a cycle of length N under sync."""
    N = 5
    W = np.zeros((N, N))
    for i in range(N):
        W[(i + 1) % N, i] = 1.0
    net = Network.from_couplings(W, theta=0.0)
    traj = discrete.run(net, np.array([[1, -1, -1, -1, -1]]), "sync", 40)
    assert traj.outcome[0] == discrete.CYCLE and traj.cycle_length[0] == 5


def test_lowrank_and_dense_agree():
    xi = random_patterns(SeedTree(7).generator("p"), 12, 150)
    dense, low = Network.hebbian(xi), Network.hebbian(xi, mode="lowrank")
    cues = np.stack([corrupt_one(p, "flip", 0.25, r) for p, r in zip(xi, rngs(12), strict=True)])
    np.testing.assert_array_equal(dense.raw_fields(cues), low.raw_fields(cues))
    for update in ("sync", "async"):
        a = discrete.run(dense, cues, update, 50, rngs(12, 1))
        b = discrete.run(low, cues, update, 50, rngs(12, 1))
        np.testing.assert_array_equal(a.final, b.final)
        np.testing.assert_array_equal(a.sweeps, b.sweeps)


def test_batch_size_does_not_change_results():
    xi = random_patterns(SeedTree(9).generator("p"), 10, 120)
    net = Network.hebbian(xi)
    cues = np.stack([corrupt_one(p, "flip", 0.3, r) for p, r in zip(xi, rngs(10), strict=True)])
    whole = discrete.run(net, cues, "async", 50, rngs(10, 4))
    parts = [
        discrete.run(net, cues[i : i + 3], "async", 50, rngs(10, 4)[i : i + 3])
        for i in range(0, 10, 3)
    ]
    np.testing.assert_array_equal(whole.final, np.concatenate([p.final for p in parts]))
    np.testing.assert_array_equal(whole.sweeps, np.concatenate([p.sweeps for p in parts]))


def test_threshold_and_tie_keep():
    net = Network.from_couplings(np.zeros((3, 3)), theta=[0.0, 0.5, -0.5], tie="plus")
    s = np.array([[-1, 1, -1]], np.int8)
    np.testing.assert_array_equal(net.threshold_update(net.raw_fields(s), s), [[1, -1, 1]])
    keep = Network.from_couplings(np.zeros((3, 3)), theta=[0.0, 0.5, -0.5], tie="keep")
    np.testing.assert_array_equal(keep.threshold_update(keep.raw_fields(s), s), [[-1, -1, 1]])


def test_hebbian_ties_are_exact():
    """theta * N must compare exactly with integer fields (no 1/N rounding)."""
    xi = np.array([[1, 1, 1], [1, -1, 1], [1, 1, -1]])
    N = 3
    s = np.array([[1, 1, -1]], np.int8)
    net = Network.hebbian(xi, theta=0.0)
    raw = net.raw_fields(s)[0]
    exact = (hebb(xi) * N) @ s[0]
    np.testing.assert_array_equal(raw, np.rint(exact))
    # a threshold equal to a field value must count as a tie (goes to +1)
    theta = raw[0] / N
    tied = Network.hebbian(xi, theta=theta)
    assert tied.threshold_update(tied.raw_fields(s), s)[0, 0] == 1


def test_recorded_states_repeat_the_final_state_after_the_end():
    net = Network.hebbian(np.array([[-1, 1, 1, -1]]))
    cues = np.array([[1, 1, 1, -1], [-1, 1, 1, -1]], np.int8)  # one sweep to settle; none
    traj = discrete.run(net, cues, "sync", 10, record_states=True)
    assert list(traj.sweeps) == [1, 0]
    # frames are kept for the sweeps that ran (the last one confirms the fixed point), not
    # to the bound of 10 sweeps; a trial that ended earlier repeats its final state
    assert traj.states.shape == (2, 3, 4) and traj.energy.shape == (2, 3)
    for t in range(1, 3):
        np.testing.assert_array_equal(traj.states[1, t], traj.final[1])
    np.testing.assert_array_equal(traj.states[0, 2], traj.final[0])


def test_traces_grow_with_the_sweeps_run_not_the_bound():
    xi = random_patterns(np.random.default_rng(3), 3, 64)
    net = Network.hebbian(xi)
    rngs = [np.random.default_rng(k) for k in range(4)]
    traj = discrete.run(net, xi[[0, 1, 2, 0]], "async", 10**9, rngs, record_states=True)
    assert traj.energy.shape[1] <= 3 and traj.states.shape[1] <= 3  # not 10**9 + 1
