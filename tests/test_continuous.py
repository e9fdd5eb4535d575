"""Continuous dynamics: activations, input, right-hand sides, Jacobians, integration, energy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from hopsim.dynamics import continuous as ode
from hopsim.learning import hebb
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.rng import SeedTree
from hopsim.theory.continuous import tanh_fixed_point


@pytest.mark.parametrize("name", ode.ACTIVATIONS)
@pytest.mark.parametrize("gain", [0.5, 1.0, 3.0])
def test_activation_closed_forms(name, gain):
    F = ode.Activation(name, gain)
    x = np.linspace(-3, 3, 61)
    eps = 1e-6
    # derivative against central differences; slope gain at 0; odd; range (-1, 1)
    fd = (F(x + eps) - F(x - eps)) / (2 * eps)
    np.testing.assert_allclose(F.derivative(x), fd, rtol=1e-7, atol=1e-9)
    assert float(F.derivative(0.0)) == pytest.approx(gain, rel=1e-14)
    np.testing.assert_allclose(F(-x), -F(x), atol=1e-15)
    assert np.all(np.abs(F(x)) <= 1) and np.all(np.abs(F(x / (3 * gain))) < 1)
    # inverse round trip and G' = F^{-1}
    v = np.linspace(-0.95, 0.95, 39)
    np.testing.assert_allclose(F(F.inverse(v)), v, atol=1e-12)
    gd = (F.inverse_integral(v + eps) - F.inverse_integral(v - eps)) / (2 * eps)
    np.testing.assert_allclose(gd, F.inverse(v), rtol=1e-6, atol=1e-8)
    assert float(F.inverse_integral(0.0)) == 0.0
    # slope point: F'(x) = s
    for s in (0.9 * gain, 0.5 * gain, 0.1 * gain):
        assert float(F.derivative(F.slope_point(s))) == pytest.approx(s, rel=1e-10)


def test_tanh_inverse_integral_is_finite_at_one():
    F = ode.Activation("tanh", 2.0)
    assert float(F.inverse_integral(1.0)) == pytest.approx(np.log(2.0) / 2.0, rel=1e-14)


def test_input_pulses_and_steps():
    h = ode.Input(base=0.1, pulses=((1.0, 2.0, 0.5), (3.0, 4.0, -1.0)), steps=((5.0, 2.0),))
    t = np.array([0.0, 1.0, 1.999, 2.0, 3.5, 4.0, 5.0, 9.0])
    np.testing.assert_allclose(h.signal(t), [0, 0.5, 0.5, 0, -1, 0, 2, 2])
    assert h(3.5) == pytest.approx(-0.9)
    np.testing.assert_array_equal(h.breakpoints(), [1, 2, 3, 4, 5])
    with pytest.raises(ValueError):
        ode.Input(pulses=((2.0, 1.0, 1.0),))


def test_network_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    N = 7
    A = rng.normal(size=(N, N))
    W = (A + A.T) / N
    tau = rng.uniform(0.5, 2.0, N)
    model = ode.ContinuousNetwork(W, tau, ode.Activation("erf", 1.7), ode.Input(base=0.2))
    v = rng.uniform(-0.8, 0.8, N)
    eps = 1e-6
    fd = np.column_stack(
        [(model.rhs(0.0, v + eps * e) - model.rhs(0.0, v - eps * e)) / (2 * eps) for e in np.eye(N)]
    )
    np.testing.assert_allclose(model.jacobian(0.0, v), fd, rtol=1e-7, atol=1e-9)


def test_single_neuron_relaxes_to_the_upper_branch():
    model = ode.single_neuron(2.0)
    t = np.linspace(0.0, 40.0, 41)
    sol = ode.integrate(model, np.array([0.1]), t, rtol=1e-10, atol=1e-12)
    assert sol.status == 0
    assert sol.v[-1, 0] == pytest.approx(tanh_fixed_point(2.0), abs=1e-8)


@pytest.mark.parametrize("method", ["Radau", "BDF", "LSODA"])
@pytest.mark.parametrize("use_jacobian", [True, False])
def test_implicit_methods_agree_with_rk45(method, use_jacobian):
    model = ode.single_neuron(1.5, tau=0.5, drive=ode.Input(pulses=((1.0, 2.0, 2.0),)))
    t = np.linspace(0.0, 5.0, 11)
    ref = ode.integrate(model, np.array([-0.8]), t, rtol=1e-10, atol=1e-12)
    sol = ode.integrate(
        model, np.array([-0.8]), t, method=method, rtol=1e-8, atol=1e-10, use_jacobian=use_jacobian
    )
    assert sol.status == 0
    np.testing.assert_allclose(sol.v, ref.v, atol=1e-5)
    if use_jacobian and method != "LSODA":
        assert sol.njev > 0


def test_short_pulse_is_not_stepped_over():
    # a pulse of one time unit in a quiet interval of 100: from rest, an adaptive solver's
    # steps grow past the pulse (the control run shows it); integrating piecewise between
    # input changes cannot miss it
    lam = 2.0
    model = ode.single_neuron(lam, drive=ode.Input(pulses=((50.0, 51.0, 50.0),)))
    v_low = -tanh_fixed_point(lam)
    control = solve_ivp(model.rhs, (0.0, 100.0), [v_low], rtol=1e-8, atol=1e-10)
    assert control.y[0, -1] == pytest.approx(v_low, abs=1e-8)  # the naive run missed it
    sol = ode.integrate(model, np.array([v_low]), np.linspace(0, 100, 7), rtol=1e-8, atol=1e-10)
    assert sol.v[-1, 0] == pytest.approx(-v_low, abs=1e-6)


def test_convergence_event_stops_early():
    model = ode.single_neuron(2.0)
    t = np.linspace(0.0, 100.0, 101)
    sol = ode.integrate(model, np.array([0.3]), t, stop_tol=1e-6, rtol=1e-9, atol=1e-12)
    assert sol.status == 1 and "converged" in sol.message
    assert 5.0 < sol.t_stop < 40.0
    after = t > sol.t_stop
    assert np.all(np.isnan(sol.v[after])) and np.all(np.isfinite(sol.v[~after]))
    # |dv/dt| < 1e-6 means |v - v*| ~ 1e-6 / |eigenvalue|
    last = sol.v[~after][-1, 0]
    assert abs(last - tanh_fixed_point(2.0)) < 1e-4


class _BrokenNeuron(ode.ContinuousNetwork):
    """A model whose right-hand side turns NaN after t = 1 (a stand-in for a blow-up)."""

    def rhs(self, t, v):
        return np.full_like(v, np.nan) if t > 1.0 else super().rhs(t, v)


@pytest.mark.parametrize("method", ["RK45", "BDF", "LSODA"])
def test_solver_failure_is_reported_not_raised(method):
    model = _BrokenNeuron(np.array([[2.0]]))
    t = np.linspace(0.0, 10.0, 11)
    sol = ode.integrate(model, np.array([0.3]), t, method=method)
    assert sol.status == -1
    assert "failed" in sol.message and "\n" not in sol.message
    assert sol.v[0, 0] == 0.3 and np.isnan(sol.v[-1, 0])
    assert sol.t_stop < 10.0


def _network(seed=3, N=60, P=3, gain=3.0):
    seeds = SeedTree(seed)
    xi = random_patterns(seeds.generator("patterns", N, P), P, N)
    cue = corrupt_one(xi[0], "flip", 0.25, seeds.generator("cue", 0))
    model = ode.ContinuousNetwork(hebb(xi), 1.0, ode.Activation("tanh", gain))
    return model, xi, 0.5 * cue.astype(np.float64)


@pytest.mark.parametrize("name", ["tanh", "arctan"])
def test_energy_never_rises_along_network_solutions(name):
    model, xi, v0 = _network()
    model.activation = ode.Activation(name, 3.0)
    t = np.linspace(0.0, 20.0, 401)
    sol = ode.integrate(model, v0, t, rtol=1e-10, atol=1e-12)
    E = model.energy(sol.v)
    drops = np.diff(E)
    # integration error is ~1e-10 relative; a real rise would be of order dt * |dE/dt|
    assert np.max(drops) <= 1e-8 * np.abs(E).max()
    assert E[-1] < E[0] - 1.0  # it does fall, by a lot
    # dE/dt = -sum (a - b)(F(a) - F(b)) / tau at every sample, by the chain rule
    F = model.activation
    a = sol.v @ model.W.T
    rate = -np.sum((a - F.inverse(sol.v)) * (F(a) - sol.v), axis=1)
    grad = -(sol.v @ model.W) + F.inverse(sol.v)
    chain = np.sum(grad * (F(a) - sol.v), axis=1)
    np.testing.assert_allclose(rate, chain, rtol=1e-9, atol=1e-12)
    assert np.all(rate <= 1e-12)


def test_network_retrieves_at_gain_4_not_at_gain_1():
    model, xi, v0 = _network(N=200, P=6, gain=4.0)
    t = np.linspace(0.0, 50.0, 6)
    m4 = ode.integrate(model, v0, t).v[-1] @ xi[0] / xi.shape[1]
    model.activation = ode.Activation("tanh", 1.0)
    m1 = ode.integrate(model, v0, t).v[-1] @ xi[0] / xi.shape[1]
    assert m4 > 0.99
    assert abs(m1) < 0.5
