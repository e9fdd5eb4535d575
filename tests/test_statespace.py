"""Exact state graphs of small networks (hopsim.statespace) against brute force."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from hopsim import statespace as ss
from hopsim.learning import hebb
from hopsim.network import Network


def _brute_update(W: np.ndarray, theta: np.ndarray, tie: str, s: np.ndarray) -> np.ndarray:
    """The update rule written out for one state, neuron by neuron (all from the old state)."""
    new = s.copy()
    for i in range(s.size):
        h = sum(W[i, j] * s[j] for j in range(s.size))
        if np.isclose(h, theta[i]) and tie == "keep":
            new[i] = s[i]
        else:
            new[i] = 1 if h >= theta[i] - 1e-12 else -1
    return new


def _random_net(rng: np.random.Generator, N: int, P: int, tie: str, theta_scale: float = 0.0):
    xi = np.where(rng.random((P, N)) < 0.5, 1, -1).astype(np.int8)
    theta = theta_scale * rng.integers(-2, 3, N) / N  # multiples of 1/N: exact ties happen
    return Network.hebbian(xi, theta, tie), xi


# --------------------------------------------------------------------------- codes


def test_codes_bit_order_neuron0_most_significant():
    assert ss.codes_to_spins(np.arange(4), 2).tolist() == [[-1, -1], [-1, 1], [1, -1], [1, 1]]
    assert ss.spins_to_codes(np.array([1, -1, 1])) == 5


@pytest.mark.parametrize("N", [1, 3, 8, 16])
def test_codes_round_trip(N):
    codes = np.arange(2**N)
    assert np.array_equal(ss.spins_to_codes(ss.codes_to_spins(codes, N)), codes)
    assert np.unique(ss.all_states(N), axis=0).shape[0] == 2**N


def test_size_limit():
    with pytest.raises(ValueError, match="^N=17 is not allowed"):
        ss.all_states(17)


# --------------------------------------------------------------------------- source report cases


def test_two_neurons_storing_minus_plus():
    """Sync: [1,1] <-> [-1,-1] forever; [-1,1], [1,-1] stable; async breaks the cycle."""
    g = ss.analyse(Network.hebbian(np.array([[-1, 1]])))
    code = {(-1, -1): 0, (-1, 1): 1, (1, -1): 2, (1, 1): 3}
    assert g.sync_successor[code[1, 1]] == code[-1, -1]
    assert g.sync_successor[code[-1, -1]] == code[1, 1]
    assert g.fixed_points.tolist() == [code[-1, 1], code[1, -1]]
    cycle = [k for k, lab in zip(g.attractors, g.attractor_kind, strict=True) if lab == "cycle"]
    assert cycle == [0] and g.basin_size.tolist() == [2, 1, 1]
    assert g.attractor_labels == ["cycle (--)<->(++)", "pattern 0 (-+)", "inverse 0 (+-)"]
    # asynchronously, both oscillating states can reach both stored states, and only them
    assert g.reachable.tolist() == [[True, True], [True, False], [False, True], [True, True]]
    assert np.allclose(g.energy, [0.5, -0.5, -0.5, 0.5])


def test_three_neurons_two_patterns_fixed_points():
    """Storing [1,1,1] and [1,1,-1]: fixed points exactly [1,1,1] and [-1,-1,1] (tie -> +1)."""
    g = ss.analyse(Network.hebbian(np.array([[1, 1, 1], [1, 1, -1]])))
    fixed = {tuple(s) for s in ss.codes_to_spins(g.fixed_points, 3).tolist()}
    assert fixed == {(1, 1, 1), (-1, -1, 1)}
    kinds = dict(zip(g.attractor_labels, g.attractor_kind, strict=True))
    assert kinds["pattern 0 (+++)"] == "pattern"
    assert kinds["inverse 1 (--+)"] == "inverse"
    # the inverses [-1,-1,-1] and [1,1,-1] have the lowest energy but are not stable
    low = np.isclose(g.energy, g.energy.min())
    assert low.sum() == 4 and g.is_fixed_point[low].sum() == 2
    # every state asynchronously reaches a fixed point
    assert g.reachable.any(axis=1).all()


def test_keep_tie_rule_keeps_symmetry():
    """With tie=keep the 3-neuron net has the four stored states and inverses as fixed points."""
    g = ss.analyse(Network.hebbian(np.array([[1, 1, 1], [1, 1, -1]]), tie="keep"))
    fixed = {tuple(s) for s in ss.codes_to_spins(g.fixed_points, 3).tolist()}
    assert fixed == {(1, 1, 1), (1, 1, -1), (-1, -1, 1), (-1, -1, -1)}


# --------------------------------------------------------------------------- random networks


CASES = [
    (N, P, tie, th)
    for N, P in [(5, 1), (6, 2), (7, 3), (8, 2)]
    for tie in ("plus", "keep")
    for th in (0.0, 1.0)
]


@pytest.mark.parametrize("N,P,tie,theta_scale", CASES)
def test_random_networks_against_brute_force(N, P, tie, theta_scale):
    rng = np.random.default_rng(1000 * N + 10 * P + (tie == "keep") + int(theta_scale))
    net, xi = _random_net(rng, N, P, tie, theta_scale)
    g = ss.analyse(net)
    W = hebb(xi)
    n = 2**N
    # synchronous map and energies, state by state
    for c in range(n):
        s = g.spins[c]
        assert ss.spins_to_codes(_brute_update(W, net.thresholds, tie, s)) == g.sync_successor[c]
        e = -0.5 * s @ W @ s + net.thresholds @ s
        assert g.energy[c] == pytest.approx(e, abs=1e-12)
    assert np.allclose(g.energy, net.energy(g.spins))
    # sync basins partition the state space, and each state's orbit ends on its attractor
    assert g.basin_size.sum() == n
    assert np.array_equal(np.bincount(g.attractor_index, minlength=g.attractors.size), g.basin_size)
    for c in range(n):
        x = c
        for _ in range(n):
            x = g.sync_successor[x]
        orbit = {x}
        y = g.sync_successor[x]
        while y != x:
            orbit.add(int(y))
            y = g.sync_successor[y]
        assert min(orbit) == g.attractor_id[c]
    # symmetric couplings: synchronous cycles have length 1 or 2 (Goles-Olivos)
    assert max(len(cyc) for cyc in g.attractor_states) <= 2
    # async: energy never rises along an edge; terminal states are exactly the fixed points
    for c in range(n):
        for d in g.async_successor[c]:
            assert g.energy[d] <= g.energy[c] + 1e-12
    moves = (g.async_successor != np.arange(n)[:, None]).any(axis=1)
    assert np.array_equal(~moves, g.is_fixed_point)
    # async reachability against breadth-first search: every async attractor is a fixed point
    fixed_index = {int(f): k for k, f in enumerate(g.fixed_points)}
    for c in range(n):
        seen, queue = {c}, deque([c])
        while queue:
            x = queue.popleft()
            for y in g.async_successor[x]:
                if int(y) not in seen:
                    seen.add(int(y))
                    queue.append(int(y))
        terminal = {x for x in seen if not moves[x]}
        assert terminal, "a state reaches no fixed point"
        assert terminal == {x for x in seen if x in fixed_index}
        expect = np.zeros(len(fixed_index), dtype=bool)
        expect[[fixed_index[x] for x in terminal]] = True
        assert np.array_equal(g.reachable[c], expect)


def test_sync_attractors_of_a_long_cycle_map():
    """A map with a 5-cycle, a fixed point and transients: ids, cycle flags and steps."""
    f = np.array([1, 2, 3, 4, 0, 5, 5, 6, 0, 8])
    att, on_cycle, steps = ss.sync_attractors(f)
    assert att.tolist() == [0, 0, 0, 0, 0, 5, 5, 5, 0, 0]
    assert on_cycle.tolist() == [True] * 6 + [False] * 4
    assert steps.tolist() == [0, 0, 0, 0, 0, 0, 1, 2, 1, 2]


def test_asymmetric_couplings_have_longer_cycles():
    """A ring of one-way couplings: the synchronous map has cycles longer than 2."""
    N = 5
    W = np.roll(np.eye(N), 1, axis=1)  # s_i <- s_{i+1}: a rotation
    g = ss.analyse(Network.from_couplings(W))
    assert max(len(c) for c in g.attractor_states) == 5
    assert g.basin_size.sum() == 2**N


def test_mixture_classified():
    rng = np.random.default_rng(7)
    xi = np.where(rng.random((3, 15)) < 0.5, 1, -1).astype(np.int8)
    mix = np.where(xi.sum(axis=0) >= 0, 1, -1)
    mixtures = ss.mixture_candidates(xi)[:2]
    assert ss.classify_state(mix, xi, mixtures) == ("mixture", "0+1+2")
    assert ss.classify_state(xi[1], xi, mixtures) == ("pattern", "1")
    assert ss.classify_state(-xi[2], xi, mixtures) == ("inverse", "2")
    # a mixture with signs: sgn(xi0 - xi1 + xi2)
    signed = np.where(xi[0] - xi[1] + xi[2] >= 0, 1, -1)
    assert ss.classify_state(signed, xi, mixtures) == ("mixture", "0-1+2")
    # number of candidates: C(3,3) * 2**2 sign choices
    assert ss.mixture_candidates(xi)[0].shape == (4, 15)


def test_sixteen_neurons_is_fast_and_consistent():
    rng = np.random.default_rng(3)
    net, _ = _random_net(rng, 16, 3, "plus")
    g = ss.analyse(net)
    assert g.basin_size.sum() == 2**16
    assert g.reachable.any(axis=1).all()
    assert np.array_equal(g.is_fixed_point, g.sync_successor == np.arange(2**16))
    # stored patterns at this load are fixed points, labelled as such
    kinds = dict(zip(g.attractors.tolist(), g.attractor_kind, strict=True))
    for p in net.patterns:
        assert kinds[int(ss.spins_to_codes(p))] == "pattern"
