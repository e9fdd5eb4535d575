"""Lattice Monte Carlo against exact results: enumeration, Onsager, transfer matrix."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from hopsim import observables as obs
from hopsim.dynamics import lattice as lat
from hopsim.kernels import lattice as kern
from hopsim.rng import SeedTree
from hopsim.theory import ising as th

Z_TOL = 4.0  # deviations allowed, in standard errors (fixed seeds: deterministic outcomes)


def _run(kind, L, T, algorithm, n, *, J=1.0, h=0.0, therm=300, seed=0, start="up"):
    lattice = lat.Lattice(kind, L, J, h)
    rng = SeedTree(seed).generator("test", kind, L, T, algorithm)
    spins = lattice.initial(start, rng)
    series = lat.simulate(lattice, spins, T, algorithm, therm, n, 1, rng)
    return lattice, obs.thermodynamics(series.magnetization, series.energy, lattice.N, T, h == 0)


def _close(result, key, exact, z=Z_TOL):
    value, err = result[key]
    assert abs(value - exact) < z * err, f"{key}: {value:.5f} +- {err:.5f} vs exact {exact:.5f}"


def test_acceptance_table():
    beta = 0.5
    thr = lat.acceptance_table(beta, 1.0, 0.0, "metropolis")
    # s = +1 with all four neighbours +1: dE = 8, p = exp(-4)
    assert thr[9 * 1 + 4 + 4] == math.floor(math.exp(-4.0) * 2**53)
    assert thr[9 * 0 + 4 + 4] == kern.FULL  # s = -1 among + neighbours always flips
    glauber = lat.acceptance_table(beta, 1.0, 0.0, "glauber")
    assert glauber[9 * 1 + 0 + 4] == 2**52  # dE = 0: probability 1/2
    assert lat.wolff_threshold(beta, 1.0) == math.floor((1 - math.exp(-1.0)) * 2**53)


def test_thread_count_does_not_change_results():
    lattice = lat.Lattice("square", 16)
    thr = lat.acceptance_table(1 / 2.3, 1.0, 0.0, "metropolis")
    a = lattice.initial("up")
    b = lattice.initial("up")
    kern.square_checkerboard(a, thr, np.uint64(123), 0, 20)
    kern.square_checkerboard_threads(b, thr, np.uint64(123), 0, 20)
    np.testing.assert_array_equal(a, b)
    assert 0 < np.sum(a == -1) < a.size


def _square_4x4_exact(T):
    """Exact averages of the periodic 4 x 4 lattice by enumerating its 2^16 states."""
    bits = np.array(list(itertools.product([-1, 1], repeat=16)), dtype=np.int8).reshape(-1, 4, 4)
    s = bits.astype(np.float64)
    E = -np.sum(s * np.roll(s, 1, axis=1) + s * np.roll(s, 1, axis=2), axis=(1, 2))
    m = s.mean(axis=(1, 2))
    w = np.exp(-(E - E.min()) / T)
    w /= w.sum()
    return {"abs_magnetization": w @ np.abs(m), "energy": w @ E / 16, "m2": w @ m**2}


@pytest.mark.parametrize("algorithm", ["metropolis", "glauber", "wolff"])
def test_small_square_lattice_matches_enumeration(algorithm):
    T = 2.5
    exact = _square_4x4_exact(T)
    lattice = lat.Lattice("square", 4)
    rng = SeedTree(1).generator("enum", algorithm)
    series = lat.simulate(lattice, lattice.initial("up"), T, algorithm, 200, 40000, 1, rng)
    result = obs.thermodynamics(series.magnetization, series.energy, 16, T, True)
    _close(result, "abs_magnetization", exact["abs_magnetization"])
    _close(result, "energy", exact["energy"])
    m2 = obs.mean_error(series.magnetization**2)
    assert abs(m2[0] - exact["m2"]) < Z_TOL * m2[1]


@pytest.mark.parametrize("T", [1.5, 2.0])
def test_square_magnetization_onsager(T):
    """|m| of a 32 x 32 lattice within error of Yang's spontaneous magnetization."""
    _, result = _run("square", 32, T, "metropolis", 4000)
    _close(result, "abs_magnetization", float(th.square_magnetization(T)))


@pytest.mark.parametrize(
    ("T", "algorithm"), [(1.5, "glauber"), (2.0, "wolff"), (3.0, "metropolis"), (4.0, "glauber")]
)
def test_square_energy_exact(T, algorithm):
    """Energy per spin within error of the exact infinite-lattice value (L = 32, far from T_c)."""
    _, result = _run("square", 32, T, algorithm, 4000)
    _close(result, "energy", float(th.square_energy(T)))


@pytest.mark.parametrize("algorithm", ["metropolis", "glauber"])
@pytest.mark.parametrize(("T", "h"), [(1.0, 0.3), (2.0, 0.0), (0.8, -0.1)])
def test_chain_transfer_matrix(algorithm, T, h):
    """Ring of 20 spins: m, energy, chi and C against the exact finite-L transfer matrix."""
    L = 20
    _, result = _run("chain", L, T, algorithm, 20000, h=h, start="random")
    exact = th.chain_finite(T, L, 1.0, h)
    _close(result, "energy", exact["energy"])
    _close(result, "specific_heat", exact["specific_heat"])
    if h != 0.0:
        _close(result, "magnetization", exact["magnetization"])
        _close(result, "susceptibility", exact["susceptibility"])


def test_wolff_agrees_with_single_spin():
    """Near T_c the cluster and single-spin algorithms give the same equilibrium averages."""
    T, L = 2.35, 16
    _, wolff = _run("square", L, T, "wolff", 20000, seed=5)
    _, metro = _run("square", L, T, "metropolis", 40000, seed=5)
    for key in ("abs_magnetization", "energy", "binder", "susceptibility", "specific_heat"):
        (a, ea), (b, eb) = wolff[key], metro[key]
        assert abs(a - b) < Z_TOL * math.hypot(ea, eb), f"{key}: {a} +- {ea} vs {b} +- {eb}"
    assert wolff["tau_abs_magnetization"][0] < metro["tau_abs_magnetization"][0]


def test_binder_crossing_at_onsager_tc():
    """U4 of L = 8 and 16 (Wolff) cross within 2 % of T_c (measured: 0.3 %)."""
    temps = np.linspace(2.19, 2.35, 9)
    diff, err = [], []
    for T in temps:
        u = {}
        for L in (8, 16):
            _, res = _run("square", L, T, "wolff", 30000, seed=11)
            u[L] = res["binder"]
        diff.append(u[16][0] - u[8][0])
        err.append(math.hypot(u[16][1], u[8][1]))
    diff, err = np.array(diff), np.array(err)
    # U4(16) - U4(8) is curved over this range: weighted quadratic fit, its root in range
    coef = np.polyfit(temps, diff, 2, w=1 / err)
    roots = [
        r.real for r in np.roots(coef) if abs(r.imag) < 1e-12 and temps[0] <= r.real <= temps[-1]
    ]
    assert len(roots) == 1, f"no single crossing: {diff}"
    assert diff[0] > 0 > diff[-1]
    assert abs(roots[0] - th.T_C) < 0.02 * th.T_C, f"crossing at {roots[0]:.4f}"


def test_bad_lattice():
    with pytest.raises(ValueError, match="even"):
        lat.Lattice("square", 5)
    with pytest.raises(ValueError, match="^kind=.cube. is not allowed"):
        lat.Lattice("cube", 4)
    lattice = lat.Lattice("chain", 8, h=0.1)
    with pytest.raises(ValueError, match="Wolff"):
        lat.simulate(
            lattice, lattice.initial("up"), 1.0, "wolff", 1, 1, 1, np.random.default_rng(0)
        )
