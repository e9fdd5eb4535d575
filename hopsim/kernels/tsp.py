"""numba kernel of the Hopfield-Tank travelling-salesman network (Euler steps of its ODE).

The network has one neuron ``(x, i)`` per city x and tour position i (index ``x n + i``),
outputs ``V = (1 + tanh(u / u0)) / 2`` and the circuit equation of Hopfield and Tank (1985)

    du_xi/dt = -u_xi / tau - A sum_{j != i} V_xj - B sum_{y != x} V_yi
               - C (sum_yj V_yj - n_tilde) - D sum_y d_xy (V_{y,i+1} + V_{y,i-1}),

integrated with explicit Euler steps of ``dt`` (all neurons at once). The right-hand side
is evaluated from row, column and total sums and the product ``d V``: ``O(n^3)`` a step.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _outputs(u, u0, V):  # pragma: no cover - numba
    """``V = (1 + tanh(u / u0)) / 2`` in place."""
    n = u.shape[0]
    for x in range(n):
        for i in range(n):
            V[x, i] = 0.5 * (1.0 + math.tanh(u[x, i] / u0))


@njit(cache=True)
def _step(u, V, d, A, B, C, D, n_tilde, dt, tau, rows, cols, P):  # pragma: no cover - numba
    n = u.shape[0]
    total = 0.0
    for x in range(n):
        rows[x] = 0.0
    for i in range(n):
        cols[i] = 0.0
    for x in range(n):
        for i in range(n):
            v = V[x, i]
            rows[x] += v
            cols[i] += v
            total += v
    for x in range(n):
        for i in range(n):
            acc = 0.0
            for y in range(n):
                acc += d[x, y] * V[y, i]
            P[x, i] = acc
    for x in range(n):
        for i in range(n):
            v = V[x, i]
            nxt = P[x, i + 1 if i < n - 1 else 0]
            prv = P[x, i - 1 if i > 0 else n - 1]
            inp = -A * (rows[x] - v) - B * (cols[i] - v) - C * (total - n_tilde) - D * (nxt + prv)
            u[x, i] += dt * (inp - u[x, i] / tau)


@njit(cache=True)
def _rounded_energy(V, J, h, s):  # pragma: no cover - numba
    """Ising energy (no offset) of the binary state ``V > 1/2`` (``s = 2 [V > 1/2] - 1``)."""
    n = V.shape[0]
    for x in range(n):
        for i in range(n):
            s[x * n + i] = 1.0 if V[x, i] > 0.5 else -1.0
    e = 0.0
    for a in range(s.size):
        acc = 0.0
        for b in range(s.size):
            acc += J[a, b] * s[b]
        e += s[a] * (0.5 * acc + h[a])
    return -e


@njit(cache=True)
def _saturated(V, margin):  # pragma: no cover - numba
    n = V.shape[0]
    for x in range(n):
        for i in range(n):
            if margin < V[x, i] < 1.0 - margin:
                return False
    return True


@njit(cache=True, parallel=True)
def hopfield_tank(
    U,
    d,
    A,
    B,
    C,
    D,
    n_tilde,
    u0,
    dt,
    tau,
    steps,
    margin,
    still,
    window,
    J,
    h,
    trace_at,
    states,
    used,
    traces,
):  # pragma: no cover - numba
    """Integrate every read (``U[r]``, (n, n) initial inputs) for up to ``steps`` Euler steps.

    A read stops early once it has converged: every output within ``margin`` of 0 or 1
    (saturated), or no output moved by more than ``still`` over the last ``window`` steps
    (a fixed point; checked every ``window`` steps).

    Parameters
    ----------
    J, h : (n^2, n^2), (n^2,) float64
        The network's Ising form (for the traced energies of the rounded states).
    trace_at : (K,) int64
        Steps (1-based, sorted) after which ``traces[r, k]`` records the rounded state's energy.
    states : (R, n^2) int8
        Out: the final rounded states ``2 [V > 1/2] - 1``.
    used : (R,) int64
        Out: steps taken, negative when the read had not converged after ``steps``.
    """
    n = d.shape[0]
    for r in prange(U.shape[0]):
        u = U[r].copy()
        V = np.zeros((n, n))
        last = np.zeros((n, n))
        rows, cols, P = np.empty(n), np.empty(n), np.empty((n, n))
        s = np.empty(n * n)
        _outputs(u, u0, V)
        last[:] = V
        k, t, done = 0, 0, False
        while t < steps and not done:
            _step(u, V, d, A, B, C, D, n_tilde, dt, tau, rows, cols, P)
            _outputs(u, u0, V)
            t += 1
            done = _saturated(V, margin)
            if t % window == 0:
                done = done or np.max(np.abs(V - last)) < still
                last[:] = V
            while k < trace_at.size and (trace_at[k] == t or (done and trace_at[k] > t)):
                traces[r, k] = _rounded_energy(V, J, h, s)
                k += 1
        _rounded_energy(V, J, h, s)
        for a in range(n * n):
            states[r, a] = 1 if s[a] > 0 else -1
        used[r] = t if done else -t
