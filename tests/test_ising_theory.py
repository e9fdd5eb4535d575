"""Closed forms of hopsim.theory.ising against expansions, enumeration and published numbers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from hopsim.theory import ising as th


def test_onsager_critical_temperature():
    assert th.T_C == pytest.approx(2.269185314213, abs=1e-11)
    assert th.square_tc(2.0) == pytest.approx(2 * th.T_C)
    # at T_c: sinh(2 / T_c) = 1 (self-duality)
    assert math.sinh(2.0 / th.T_C) == pytest.approx(1.0, abs=1e-12)


def test_square_magnetization_limits():
    # low-temperature series m = 1 - 2 x^4 - 8 x^6 - 34 x^8 - 152 x^10 ..., x = exp(-2/T)
    for T in (0.6, 0.8):
        x = math.exp(-2.0 / T)
        series = 1 - 2 * x**4 - 8 * x**6 - 34 * x**8
        assert th.square_magnetization(T) == pytest.approx(series, abs=200 * x**10)
    # critical exponent beta = 1/8: m ~ (T_c - T)^(1/8)
    d = np.array([1e-6, 1e-5])
    m = th.square_magnetization(th.T_C - d)
    assert np.log(m[1] / m[0]) / np.log(10.0) == pytest.approx(0.125, abs=2e-3)
    assert th.square_magnetization(3.0) == 0.0
    assert th.square_magnetization(2.0) == pytest.approx(0.911319, abs=1e-6)  # Yang's formula


def test_square_energy_limits():
    # low-T series: ln Z / N = 2/T + x^4 + 2 x^6 + 9/2 x^8 + ..., x = exp(-2/T)
    T = 0.8
    x = math.exp(-2 / T)
    assert th.square_energy(T) == pytest.approx(-2 + 8 * x**4 + 24 * x**6, abs=100 * x**8)
    # high-T series: ln Z / N = ln 2 + 2 ln cosh(1/T) + t^4 + 2 t^6 + ..., t = tanh(1/T)
    T = 10.0
    t = math.tanh(1 / T)
    series = -2 * t - (1 - t * t) * (4 * t**3 + 12 * t**5)
    assert th.square_energy(T) == pytest.approx(series, abs=100 * t**7)
    assert th.square_energy(th.T_C) == pytest.approx(-math.sqrt(2.0), abs=1e-6)
    # the specific heat integrates back to the energy
    Ts = np.linspace(1.0, 2.0, 2001)
    integral = np.trapezoid(th.square_specific_heat(Ts), Ts)
    assert integral == pytest.approx(th.square_energy(2.0) - th.square_energy(1.0), rel=1e-5)
    # log divergence: C(T_c +- eps) grows like -(8/pi) (2/T_c)^2 ln eps / 2... just growing
    assert th.square_specific_heat(th.T_C + 1e-3) > th.square_specific_heat(th.T_C + 1e-2) > 1


def _enumerate_chain(L, T, J, h):
    s = np.array(list(itertools.product([-1, 1], repeat=L)), dtype=np.float64)
    E = -J * np.sum(s * np.roll(s, -1, axis=1), axis=1) - h * s.sum(axis=1)
    w = np.exp(-(E - E.min()) / T)
    w /= w.sum()
    m = s.mean(axis=1)
    e = E / L
    return {
        "magnetization": w @ m,
        "m2": w @ m**2,
        "energy": w @ e,
        "susceptibility": L * (w @ m**2 - (w @ m) ** 2) / T,
        "specific_heat": L * (w @ e**2 - (w @ e) ** 2) / T**2,
    }


@pytest.mark.parametrize(
    ("L", "T", "J", "h"), [(6, 1.0, 1.0, 0.3), (7, 0.7, 1.0, -0.2), (8, 2.0, -1.0, 0.5)]
)
def test_chain_finite_matches_enumeration(L, T, J, h):
    exact = th.chain_finite(T, L, J, h)
    brute = _enumerate_chain(L, T, J, h)
    for key, value in brute.items():
        tol = 1e-6 if key == "specific_heat" else 1e-10
        assert exact[key] == pytest.approx(value, abs=tol), key


def test_chain_infinite():
    T = np.array([0.5, 1.0, 3.0])
    zero = th.chain_infinite(T, 1.0, 0.0)
    np.testing.assert_allclose(zero["magnetization"], 0.0)
    np.testing.assert_allclose(zero["energy"], -np.tanh(1 / T), rtol=1e-12)
    np.testing.assert_allclose(zero["susceptibility"], np.exp(2 / T) / T, rtol=1e-6)
    np.testing.assert_allclose(zero["specific_heat"], (1 / T) ** 2 / np.cosh(1 / T) ** 2, rtol=1e-6)
    # a long ring is the thermodynamic limit
    inf = th.chain_infinite(1.0, 1.0, 0.3)
    fin = th.chain_finite(1.0, 400, 1.0, 0.3)
    for key in ("magnetization", "energy", "susceptibility"):
        assert fin[key] == pytest.approx(float(inf[key]), rel=1e-7), key
    assert fin["specific_heat"] == pytest.approx(float(inf["specific_heat"]), rel=1e-5)


def test_ags_zero_temperature_capacity():
    # Amit, Gutfreund and Sompolinsky (1985): alpha_c = 0.138 at T = 0
    assert th.AGS_ALPHA_C0 == pytest.approx(0.1379, abs=2e-4)
    # the finite-T equations approach it as T -> 0 (the RS line is slightly re-entrant)
    assert th.ags_alpha_c(0.02) == pytest.approx(0.138, abs=1.5e-3)
    assert th.ags_alpha_c(1.0) == 0.0


def test_ags_retrieval_boundary():
    assert th.ags_temperature(0.0) == 1.0
    # small-alpha asymptote T_M = 1 - 1.95 sqrt(alpha) (AGS 1987)
    for alpha in (1e-4, 1e-3):
        assert th.ags_temperature(alpha) == pytest.approx(1 - 1.95 * math.sqrt(alpha), abs=0.004)
    temps = [th.ags_temperature(a) for a in (0.02, 0.05, 0.1, 0.13)]
    assert all(a > b for a, b in zip(temps, temps[1:], strict=False))
    assert 0.0 < temps[-1] < 0.3
    assert th.ags_temperature(0.2) == 0.0
    # the boundary is consistent from both directions
    T = th.ags_temperature(0.05)
    assert th.ags_alpha_c(T) == pytest.approx(0.05, abs=1e-3)


def test_ags_equations_reduce_to_curie_weiss():
    m, q, _ = th.ags_solve(0.0, 0.5)
    assert m == pytest.approx(math.tanh(m / 0.5), abs=1e-10)
    assert q == pytest.approx(m * m, abs=1e-10)
    assert th.ags_solve(0.0, 1.2)[0] < 0.01  # paramagnet above T = 1


def test_spin_glass_line():
    np.testing.assert_allclose(th.spin_glass_temperature([0.0, 0.04, 0.25]), [1.0, 1.2, 1.5])


def _enumerate_moments(L, T, J, h):
    z = a = m2 = m4 = 0.0
    for spins in itertools.product((1, -1), repeat=L):
        s = np.array(spins)
        w = np.exp((J * np.sum(s * np.roll(s, 1)) + h * s.sum()) / T)
        m = s.mean()
        z += w
        a += w * abs(m)
        m2 += w * m * m
        m4 += w * m**4
    return a / z, m2 / z, m4 / z


@pytest.mark.parametrize(("L", "T", "h"), [(8, 3.0, 0.2), (10, 1.0, 0.0), (7, 0.7, -0.3)])
def test_chain_binder_and_abs_susceptibility_match_enumeration(L, T, h):
    """The ring's exact U4 and |m|-susceptibility, from the magnetization distribution,
    against all 2^L states."""
    a, m2, m4 = _enumerate_moments(L, T, 1.0, h)
    assert th.chain_binder(T, L, 1.0, h) == pytest.approx(1 - m4 / (3 * m2 * m2), rel=1e-10)
    assert th.chain_abs_susceptibility(T, L, 1.0, h) == pytest.approx(
        L * (m2 - a * a) / T, rel=1e-9
    )
    m, p = th.chain_magnetization_distribution(T, L, 1.0, h)
    assert p.sum() == pytest.approx(1.0) and m[0] == -1 and m[-1] == 1


def test_chain_binder_limits():
    """U4 -> 2/3 when the ring is ordered (T -> 0: m = +-1) and -> 0 for independent spins
    (Gaussian m at large L: <m^4> = 3 <m^2>^2 up to O(1/L))."""
    assert th.chain_binder(0.05, 16) == pytest.approx(2 / 3, abs=1e-9)
    L = 200
    # infinite temperature: independent spins, <m^2> = 1/L, <m^4> = (3L^2 - 2L)/L^4
    assert th.chain_binder(1e6, L) == pytest.approx(1 - (3 * L - 2) / (3 * L), abs=1e-5)
