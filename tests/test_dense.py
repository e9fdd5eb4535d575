"""Binary dense associative memory: n = 2 is Hebb, exact energy differences, stable exp."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from hopsim.dense import DenseNetwork, Exponential, Polynomial, make_energy
from hopsim.dynamics import dense, discrete
from hopsim.kernels.dense import differences_one
from hopsim.network import Network
from hopsim.patterns import corrupt, random_patterns
from hopsim.rng import SeedTree

ENERGIES = [
    Polynomial(2),
    Polynomial(3),
    Polynomial(4),
    Polynomial(3, rectified=True),
    Exponential(1.0),
    Exponential(0.3),
]


def _cues(N, P, B, level, seed=0):
    seeds = SeedTree(seed)
    xi = random_patterns(seeds.generator("p", N, P), P, N)
    cues = corrupt(xi[np.arange(B) % P], "flip", level, seeds.generators(["c"], range(B)))
    return xi, cues, seeds


@pytest.mark.parametrize("update", ["async", "sequential", "sync"])
@pytest.mark.parametrize("tie", ["plus", "keep"])
@pytest.mark.parametrize("theta", [0.0, 0.02])
def test_polynomial_two_is_hebb_trajectory_for_trajectory(update, tie, theta):
    # N = 100, P = 10: raw Hebb fields are multiples of 4, so zero fields (ties) happen
    xi, cues, seeds = _cues(N=100, P=10, B=48, level=0.3)
    hebb = Network.hebbian(xi, theta, tie, mode="dense")
    a = discrete.run(hebb, cues, update, 50, seeds.generators(["d"], range(48)), True)
    net = DenseNetwork.build(xi, Polynomial(2), theta, tie)
    b = dense.run(net, cues, update, 50, seeds.generators(["d"], range(48)))
    for field in ("final", "sweeps", "outcome", "cycle_length"):
        np.testing.assert_array_equal(getattr(b, field), getattr(a, field))
    # E_dense = -(1/2N) sum M^2 + theta.s = E_Hebb - P/2 (Hebb drops the diagonal)
    np.testing.assert_allclose(b.energy, a.energy - 10 / 2, rtol=0, atol=1e-9)
    if theta == 0:  # the ties were exercised: some visited state has a zero field
        assert np.any(hebb.raw_fields(a.states.reshape(-1, 100)) == 0)


def test_hebb_equality_has_teeth_and_numpy_engine_agrees():
    xi, cues, seeds = _cues(N=60, P=10, B=16, level=0.3)
    net = DenseNetwork.build(xi, Polynomial(2))
    ref = discrete.run(Network.hebbian(xi), cues, "sync", 30)
    # the "field" sum_mu xi_mu,i F'(M_mu) keeps the diagonal: a different network
    H = 2 * net.overlaps(cues) @ xi.astype(np.float64)
    with_diagonal = np.where(H >= 0, 1, -1)
    first = net.update(net.differences(cues), cues)
    assert not np.array_equal(with_diagonal, first)
    hebb_first = Network.hebbian(xi).threshold_update(Network.hebbian(xi).raw_fields(cues), cues)
    np.testing.assert_array_equal(first, hebb_first)
    for energy in (Polynomial(2), Polynomial(3, rectified=True), Exponential(0.5)):
        n1 = DenseNetwork.build(xi, energy)
        kw = dict(rngs=seeds.generators(["d"], range(16)))
        a = dense.run(n1, cues, "async", 30, engine="numba", **kw)
        kw = dict(rngs=seeds.generators(["d"], range(16)))
        b = dense.run(n1, cues, "async", 30, engine="numpy", **kw)
        np.testing.assert_array_equal(a.final, b.final)
        np.testing.assert_array_equal(a.sweeps, b.sweeps)
    assert ref.final.shape == cues.shape


def _brute_energy(net: DenseNetwork, s: np.ndarray) -> float:
    """-c sum_mu F(xi_mu . s) + theta . s by direct sums (true energy, also for exp)."""
    M = net.patterns.astype(np.float64) @ s
    c = net.energy_fn.scale(net.N)
    return float(-c * net.energy_fn.F(M).sum() + net.thresholds @ s)


@pytest.mark.parametrize("energy", ENERGIES, ids=lambda e: e.name)
def test_energy_differences_equal_brute_force(energy):
    N, P = 10, 7
    rng = np.random.default_rng(3)
    xi = np.where(rng.random((P, N)) < 0.5, 1, -1).astype(np.int8)
    theta = 0.0 if isinstance(energy, Exponential) else rng.normal(scale=0.05, size=N)
    net = DenseNetwork.build(xi, energy, theta)
    states = np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int8)[::7]
    D_batch = net.differences(states)
    M = net.overlaps(states)
    code, n, beta = net.kernel_args()
    for b, s in enumerate(states):
        D_visit = differences_one(net.patterns_t, code, n, beta, s, M[b])
        for i in range(N):
            up, down = s.copy(), s.copy()
            up[i], down[i] = 1, -1
            gap = _brute_energy(net, down) - _brute_energy(net, up)  # E(-1) - E(+1)
            if isinstance(energy, Exponential):
                # D is gap / (2 sinh(beta) exp(beta * shift)): same sign, zero together
                scale = abs(gap) + 1e-300
                assert np.sign(D_visit[i]) == np.sign(np.round(gap / scale, 12))
                assert np.sign(D_batch[b, i]) == np.sign(D_visit[i])
            else:
                c = energy.scale(N)
                assert c * D_visit[i] - 2 * theta[i] == pytest.approx(gap, abs=1e-9)
                assert D_batch[b, i] == D_visit[i]  # both exact integers


@pytest.mark.parametrize("energy", ENERGIES, ids=lambda e: e.name)
def test_sequential_run_follows_brute_force_energy_comparison(energy):
    N, P = 9, 6
    rng = np.random.default_rng(5)
    xi = np.where(rng.random((P, N)) < 0.5, 1, -1).astype(np.int8)
    net = DenseNetwork.build(xi, energy, 0.0, "plus")
    cues = np.where(rng.random((12, N)) < 0.5, 1, -1).astype(np.int8)
    traj = dense.run(net, cues, "sequential", 40)
    for cue, final in zip(cues, traj.final, strict=True):
        s = cue.copy()
        for _ in range(40):
            moved = False
            for i in range(N):
                up, down = s.copy(), s.copy()
                up[i], down[i] = 1, -1
                new = 1 if _brute_energy(net, up) <= _brute_energy(net, down) else -1
                if isinstance(energy, Exponential):  # compare in log space: no rounding tie
                    Mu, Md = xi @ up.astype(float), xi @ down.astype(float)
                    gap = logsumexp(energy.beta * Mu) - logsumexp(energy.beta * Md)
                    new = 1 if gap >= -1e-12 else -1
                moved |= new != s[i]
                s[i] = new
            if not moved:
                break
        np.testing.assert_array_equal(final, s)


@pytest.mark.parametrize("energy", ENERGIES, ids=lambda e: e.name)
def test_energy_never_rises_under_async_updates(energy):
    xi, cues, seeds = _cues(N=80, P=40, B=32, level=0.35, seed=2)
    net = DenseNetwork.build(xi, energy)
    traj = dense.run(net, cues, "async", 40, seeds.generators(["d"], range(32)))
    steps = np.diff(traj.energy, axis=1)
    assert np.nanmax(steps) <= 1e-9 * max(1.0, np.nanmax(np.abs(traj.energy)))
    assert (traj.outcome == discrete.FIXED_POINT).all()  # no cycles under async


def test_exponential_is_stable_at_large_N():
    N, P = 2000, 40
    xi, cues, seeds = _cues(N=N, P=P, B=6, level=0.3, seed=7)
    net = DenseNetwork.build(xi, Exponential(1.0))
    M = net.overlaps(cues)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(M).sum(axis=1)
    assert np.isinf(naive).all()  # exp(~800) overflows: the plain formula fails here
    D = net.differences(cues)
    assert np.isfinite(D).all()
    code, n, beta = net.kernel_args()
    X = xi.astype(np.float64)
    for b in range(cues.shape[0]):
        Dv = differences_one(net.patterns_t, code, n, beta, cues[b], M[b])
        # reference in log space: sign of sum_mu x exp(A) = sign(lse(A | x>0) - lse(A | x<0))
        A = M[b][None, :] - X.T * cues[b][:, None]  # (N, P)
        pos = np.where(X.T > 0, A, -np.inf)
        neg = np.where(X.T < 0, A, -np.inf)
        ref = np.sign(logsumexp(pos, axis=1) - logsumexp(neg, axis=1))
        np.testing.assert_array_equal(np.sign(Dv), ref)
        np.testing.assert_array_equal(np.sign(D[b]), ref)
    traj = dense.run(net, cues, "async", 20, seeds.generators(["d"], range(6)))
    np.testing.assert_array_equal(traj.final, xi[np.arange(6) % P])
    assert np.isfinite(traj.energy[:, 0]).all()


def test_exponential_one_bit_apart_pair_and_tie_rule():
    rng = np.random.default_rng(0)
    a = np.where(rng.random(12) < 0.5, 1, -1).astype(np.int8)
    a[4] = 1
    b = a.copy()
    b[4] = -1
    xi = np.stack([a, b])
    plus = DenseNetwork.build(xi, Exponential(1.0), 0.0, "plus")
    np.testing.assert_array_equal(plus.is_fixed_point(xi), [True, False])
    keep = DenseNetwork.build(xi, Exponential(1.0), 0.0, "keep")
    np.testing.assert_array_equal(keep.is_fixed_point(xi), [True, True])


def test_make_energy_and_errors():
    assert make_energy("quadratic") == Polynomial(2)
    assert make_energy("polynomial", n=4, rectified=True) == Polynomial(4, True)
    assert make_energy("exponential", beta=0.5) == Exponential(0.5)
    with pytest.raises(ValueError, match="^energy='cubic' is not allowed"):
        make_energy("cubic")
    with pytest.raises(ValueError, match="^n=1 is not allowed"):
        Polynomial(1)
    with pytest.raises(ValueError, match="^beta=3 is not allowed: expected an option"):
        make_energy("polynomial", beta=3)
    with pytest.raises(ValueError, match="^theta=0.1 is not allowed"):
        DenseNetwork.build(np.ones((1, 3), np.int8), Exponential(1.0), 0.1)
    with pytest.raises(ValueError, match="^n=64 is not allowed: expected an integer <= 60"):
        DenseNetwork.build(np.ones((1, 100_000), np.int8), Polynomial(64), 0.0)


def test_energy_from_config():
    from omegaconf import OmegaConf

    from hopsim.config import ConfigError
    from hopsim.experiments._discrete_config import read_energy as energy_from_config

    def cfg(**network):
        return OmegaConf.create({"network": network})

    assert energy_from_config(cfg(N=10)) is None
    assert energy_from_config(cfg(energy="quadratic")) == Polynomial(2)
    poly = cfg(energy="polynomial", energy_options={"n": 4, "rectified": True})
    assert energy_from_config(poly) == Polynomial(4, True)
    assert energy_from_config(cfg(energy="exponential")) == Exponential(1.0)
    for bad, key in [
        (cfg(energy="cubic"), "network.energy"),
        (cfg(energy="polynomial", energy_options={"n": 1}), "network.energy_options.n"),
        (cfg(energy="exponential", energy_options={"beta": 0}), "network.energy_options.beta"),
        (cfg(energy="exponential", energy_options={"n": 3}), "network.energy_options.n"),
        (cfg(energy=None, energy_options={"n": 3}), "network.energy_options.n"),
    ]:
        with pytest.raises(ConfigError, match=key):
            energy_from_config(bad)
