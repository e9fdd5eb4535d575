"""Continuous (graded-response) dynamics: right-hand sides, Jacobians, integration.

The network model of the source report is

    tau_i dv_i/dt = -v_i + F(h_i(t) + sum_j W_ij v_j),

and the single neuron with self-coupling ``lambda`` is its N = 1 case, ``W = [[lambda]]``.
``F`` is a sigmoid with values in (-1, 1) and slope ``gain`` at 0 (``tanh(gain x)`` by
default, see :data:`ACTIVATIONS`). The input ``h(t)`` is an :class:`Input`: a constant
plus rectangular pulses and steps, so it is piecewise constant and :func:`integrate`
restarts the solver at every change (a short pulse is never stepped over).

For symmetric ``W`` the function

    E(v) = -1/2 v^T W v - h^T v + sum_i G(v_i),   G(v) = int_0^v F^{-1}(u) du,

never rises along solutions while ``h`` is constant: with ``a = W v + h`` and
``b = F^{-1}(v)``, ``dE/dt = -sum_i (a_i - b_i)(F(a_i) - F(b_i)) / tau_i <= 0`` because F
increases (:meth:`ContinuousNetwork.energy`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special
from scipy.integrate import solve_ivp

METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")
IMPLICIT_METHODS = ("Radau", "BDF", "LSODA")

# Solver status codes stored in datasets (solve_ivp's, plus -2 for an exception).
STATUS_MEANINGS = {-2: "exception", -1: "failed", 0: "finished", 1: "converged"}


# ----------------------------------------------------------------------------- activation


@dataclass(frozen=True)
class _UnitSigmoid:
    """An odd sigmoid with range (-1, 1) and slope 1 at 0, with its closed forms."""

    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    finv: Callable[[np.ndarray], np.ndarray]
    ginv: Callable[[np.ndarray], np.ndarray]  # int_0^v finv(u) du
    slope_point: Callable[[float], float]  # x >= 0 with df(x) = s, for 0 < s <= 1
    formula: str


def _tanh_ginv(v):
    v = np.asarray(v, dtype=np.float64)
    return 0.5 * (special.xlogy(1.0 + v, 1.0 + v) + special.xlogy(1.0 - v, 1.0 - v))


_SQPI = math.sqrt(math.pi)

_UNIT = {
    "tanh": _UnitSigmoid(
        f=np.tanh,
        df=lambda x: 1.0 / np.cosh(x) ** 2,
        finv=np.arctanh,
        ginv=_tanh_ginv,
        slope_point=lambda s: math.acosh(1.0 / math.sqrt(s)),
        formula="tanh(gain x)",
    ),
    "algebraic": _UnitSigmoid(
        f=lambda x: x / np.sqrt(1.0 + x * x),
        df=lambda x: (1.0 + x * x) ** -1.5,
        finv=lambda v: v / np.sqrt(1.0 - v * v),
        ginv=lambda v: 1.0 - np.sqrt(1.0 - np.asarray(v) ** 2),
        slope_point=lambda s: math.sqrt(max(s ** (-2.0 / 3.0) - 1.0, 0.0)),
        formula="gain x / sqrt(1 + (gain x)^2)",
    ),
    "arctan": _UnitSigmoid(
        f=lambda x: (2.0 / math.pi) * np.arctan(0.5 * math.pi * x),
        df=lambda x: 1.0 / (1.0 + (0.5 * math.pi * x) ** 2),
        finv=lambda v: (2.0 / math.pi) * np.tan(0.5 * math.pi * v),
        ginv=lambda v: -(4.0 / math.pi**2) * np.log(np.cos(0.5 * math.pi * np.asarray(v))),
        slope_point=lambda s: (2.0 / math.pi) * math.sqrt(max(1.0 / s - 1.0, 0.0)),
        formula="(2/pi) arctan(pi gain x / 2)",
    ),
    "erf": _UnitSigmoid(
        f=lambda x: special.erf(0.5 * _SQPI * x),
        df=lambda x: np.exp(-0.25 * math.pi * np.asarray(x) ** 2),
        finv=lambda v: (2.0 / _SQPI) * special.erfinv(v),
        ginv=lambda v: (2.0 / math.pi) * (1.0 - np.exp(-(special.erfinv(v) ** 2))),
        slope_point=lambda s: math.sqrt(max(-4.0 * math.log(s) / math.pi, 0.0)),
        formula="erf(sqrt(pi) gain x / 2)",
    ),
}

ACTIVATIONS = tuple(_UNIT)


@dataclass(frozen=True)
class Activation:
    """A sigmoid ``F(x) = f(gain x)`` with range (-1, 1) and ``F'(0) = gain``.

    Parameters
    ----------
    name : {"tanh", "algebraic", "arctan", "erf"}
        The shape ``f``; every one is odd, increasing, with ``f'(0) = 1`` and ``f'``
        decreasing in ``|x|``.
    gain : float
        The slope at 0 (``beta``), > 0.

    Examples
    --------
    >>> F = Activation("tanh", 2.0)
    >>> float(F(0.5)) == float(np.tanh(1.0))
    True
    """

    name: str = "tanh"
    gain: float = 1.0
    _unit: _UnitSigmoid = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.name not in _UNIT:
            raise ValueError(
                f"activation={self.name!r} is not allowed: expected one of {ACTIVATIONS}"
            )
        if not self.gain > 0:
            raise ValueError(f"gain={self.gain} is not allowed: expected a number > 0")
        object.__setattr__(self, "_unit", _UNIT[self.name])

    @property
    def formula(self) -> str:
        """The activation as text, e.g. ``tanh(gain x)``."""
        return self._unit.formula

    def __call__(self, x):
        """``F(x)``."""
        return self._unit.f(self.gain * np.asarray(x, dtype=np.float64))

    def derivative(self, x):
        """``F'(x)``."""
        return self.gain * self._unit.df(self.gain * np.asarray(x, dtype=np.float64))

    def inverse(self, v):
        """``F^{-1}(v)`` for ``|v| < 1``."""
        return self._unit.finv(np.asarray(v, dtype=np.float64)) / self.gain

    def inverse_integral(self, v):
        """``G(v) = int_0^v F^{-1}(u) du`` (finite at ``|v| = 1`` for tanh and algebraic)."""
        return self._unit.ginv(np.asarray(v, dtype=np.float64)) / self.gain

    def slope_point(self, slope: float) -> float:
        """The ``x >= 0`` where ``F'(x) = slope``, for ``0 < slope <= gain`` (closed form)."""
        if not 0.0 < slope <= self.gain:
            raise ValueError(f"slope={slope} is outside (0, gain={self.gain}]")
        return self._unit.slope_point(slope / self.gain) / self.gain


# ----------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Input:
    """A piecewise-constant external input ``h(t) = base + profile * s(t)``.

    ``s(t)`` is the sum of rectangular pulses (``amplitude`` for ``start <= t < stop``)
    and steps (``amplitude`` for ``t >= time``).

    Parameters
    ----------
    base : float or numpy.ndarray
        The constant part (one number, or one per unit).
    pulses : sequence of (start, stop, amplitude)
    steps : sequence of (time, amplitude)
    profile : float or numpy.ndarray
        How the time-dependent part is spread over units (1 for a single neuron).
    """

    base: float | np.ndarray = 0.0
    pulses: tuple[tuple[float, float, float], ...] = ()
    steps: tuple[tuple[float, float], ...] = ()
    profile: float | np.ndarray = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "pulses", tuple(tuple(map(float, p)) for p in self.pulses))
        object.__setattr__(self, "steps", tuple(tuple(map(float, s)) for s in self.steps))
        for start, stop, _ in self.pulses:
            if not stop > start:
                raise ValueError(f"pulse ({start}, {stop}, ...) needs stop > start")

    def signal(self, t):
        """The time-dependent part ``s(t)`` (vectorised over ``t``)."""
        t = np.asarray(t, dtype=np.float64)
        s = np.zeros_like(t)
        for start, stop, amp in self.pulses:
            s = s + np.where((t >= start) & (t < stop), amp, 0.0)
        for time, amp in self.steps:
            s = s + np.where(t >= time, amp, 0.0)
        return s

    def __call__(self, t: float):
        """``h(t)`` at one time: a number or an array over units."""
        return self.base + self.profile * float(self.signal(t))

    def breakpoints(self) -> np.ndarray:
        """The sorted times at which ``h`` changes."""
        times = [p[0] for p in self.pulses] + [p[1] for p in self.pulses]
        times += [s[0] for s in self.steps]
        return np.unique(np.asarray(times, dtype=np.float64))


# ----------------------------------------------------------------------------- models


class ContinuousNetwork:
    """``tau_i dv_i/dt = -v_i + F(h_i(t) + sum_j W_ij v_j)``.

    Parameters
    ----------
    W : numpy.ndarray
        Couplings (N, N), float64. The energy needs W symmetric.
    tau : float or numpy.ndarray
        Time constants (one, or one per unit), > 0.
    activation : Activation
    drive : Input
        The external input ``h(t)``.
    clamp : numpy.ndarray, optional
        (N,) bool: units held at their initial values (``dv_i/dt = 0``), the known part of
        a pattern to complete; the energy still never rises along the free units' motion
        (the sum in ``dE/dt`` runs over the free units only).
    """

    def __init__(
        self,
        W: np.ndarray,
        tau: float | np.ndarray = 1.0,
        activation: Activation | None = None,
        drive: Input | None = None,
        clamp: np.ndarray | None = None,
    ) -> None:
        self.W = np.ascontiguousarray(np.atleast_2d(np.asarray(W, dtype=np.float64)))
        if self.W.shape[0] != self.W.shape[1]:
            raise ValueError(f"W must be square, got shape {self.W.shape}")
        self.N = self.W.shape[0]
        tau = np.asarray(tau, dtype=np.float64)
        if np.any(tau <= 0):
            raise ValueError("tau must be > 0")
        self.tau = tau if tau.ndim == 0 else np.broadcast_to(tau, (self.N,)).copy()
        self.inv_tau = 1.0 / self.tau
        self.activation = activation or Activation()
        self.drive = drive or Input()
        self.free = None
        if clamp is not None:
            clamp = np.asarray(clamp)
            if clamp.dtype != np.bool_ or clamp.shape != (self.N,):
                raise ValueError(f"clamp must be a bool array of shape ({self.N},)")
            self.free = (~clamp).astype(np.float64)

    def field(self, t: float, v: np.ndarray) -> np.ndarray:
        """The argument of F: ``h(t) + W v``."""
        return self.drive(t) + self.W @ v

    def rhs(self, t: float, v: np.ndarray) -> np.ndarray:
        """``dv/dt`` (0 for clamped units)."""
        out = (self.activation(self.drive(t) + self.W @ v) - v) * self.inv_tau
        return out if self.free is None else out * self.free

    def jacobian(self, t: float, v: np.ndarray) -> np.ndarray:
        """``d(dv/dt)/dv = (diag(F'(a)) W - I) / tau`` with ``a = h(t) + W v``."""
        d = self.activation.derivative(self.drive(t) + self.W @ v)
        J = d[:, None] * self.W
        J[np.diag_indices(self.N)] -= 1.0
        if self.tau.ndim == 0:
            J *= self.inv_tau
        else:
            J *= self.inv_tau[:, None]
        if self.free is not None:
            J *= self.free[:, None]
        return J

    def energy(self, v: np.ndarray, t: float = 0.0) -> np.ndarray:
        """The Lyapunov function ``-1/2 v.W v - h.v + sum_i G(v_i)`` over the last axis."""
        v = np.asarray(v, dtype=np.float64)
        h = np.broadcast_to(self.drive(t), (self.N,))
        quad = -0.5 * np.einsum("...i,ij,...j->...", v, self.W, v)
        return quad - v @ h + self.activation.inverse_integral(v).sum(axis=-1)


def single_neuron(
    lam: float, tau: float = 1.0, activation: Activation | None = None, drive: Input | None = None
) -> ContinuousNetwork:
    """The single neuron ``tau dv/dt = -v + F(h(t) + lambda v)`` (a network with W = [[lambda]])."""
    return ContinuousNetwork(np.array([[float(lam)]]), tau, activation, drive)


# ----------------------------------------------------------------------------- integration


@dataclass
class Solution:
    """The result of :func:`integrate`.

    Attributes
    ----------
    t : numpy.ndarray
        Requested output times (T,).
    v : numpy.ndarray
        States (T, N); NaN at times after the solver stopped (converged or failed).
    status : int
        1 converged (``|dv/dt| < stop_tol``), 0 reached the end, -1 solver failure,
        -2 exception inside the solver (see :data:`STATUS_MEANINGS`).
    message : str
    t_stop : float
        The time the integration ended.
    nfev, njev, nlu : int
        Right-hand-side and Jacobian evaluations, LU decompositions (summed over segments).
    """

    t: np.ndarray
    v: np.ndarray
    status: int
    message: str
    t_stop: float
    nfev: int = 0
    njev: int = 0
    nlu: int = 0


def _converged_event(model: ContinuousNetwork, tol: float):
    def event(t, v):
        return float(np.max(np.abs(model.rhs(t, v)))) - tol

    event.terminal = True
    event.direction = -1
    return event


def integrate(
    model: ContinuousNetwork,
    v0: np.ndarray,
    t_eval: Sequence[float] | np.ndarray,
    method: str = "RK45",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    stop_tol: float | None = None,
    use_jacobian: bool = True,
    max_step: float = np.inf,
) -> Solution:
    """Integrate ``model`` from ``v0`` at ``t_eval[0]`` and sample it at ``t_eval``.

    The interval is cut at every change of the input, and the solver restarts there.
    A failure never raises: it is reported in ``status`` and ``message``, and the samples
    after it are NaN.

    Parameters
    ----------
    model : ContinuousNetwork
    v0 : numpy.ndarray
        Initial state (N,).
    t_eval : array_like
        Increasing output times; the first is the initial time.
    method : str
        A ``scipy.integrate.solve_ivp`` method (:data:`METHODS`).
    rtol, atol : float
        Solver tolerances.
    stop_tol : float or None
        When set, stop once ``max_i |dv_i/dt| < stop_tol`` after the last input change
        (status 1; the samples after the stop are NaN).
    use_jacobian : bool
        Pass the analytic Jacobian to the implicit methods (Radau, BDF, LSODA);
        otherwise they estimate it by finite differences.
    max_step : float
        Largest step the solver may take.
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not allowed: expected one of {METHODS}")
    t_eval = np.asarray(t_eval, dtype=np.float64)
    if t_eval.ndim != 1 or t_eval.size < 2 or np.any(np.diff(t_eval) <= 0):
        raise ValueError("t_eval must be increasing with at least two times")
    t0, t1 = float(t_eval[0]), float(t_eval[-1])
    cuts = [b for b in model.drive.breakpoints() if t0 < b < t1]
    edges = [t0, *cuts, t1]
    out = np.full((t_eval.size, model.N), np.nan)
    v = np.asarray(v0, dtype=np.float64).reshape(model.N).copy()
    out[0] = v
    kwargs = {"method": method, "rtol": rtol, "atol": atol, "max_step": max_step}
    if method in IMPLICIT_METHODS and use_jacobian:
        kwargs["jac"] = model.jacobian
    counts = {"nfev": 0, "njev": 0, "nlu": 0}
    stop = (0, "reached the end of the interval", t1)

    for k, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        last = k == len(edges) - 2
        inside = (t_eval > a) & ((t_eval <= b) if last else (t_eval < b))
        samples = np.unique(np.append(t_eval[inside], b))
        events = None
        if last and stop_tol is not None:
            if float(np.max(np.abs(model.rhs(a, v)))) < stop_tol:
                stop = (1, f"converged: max|dv/dt| < {stop_tol:g}", a)
                break
            events = _converged_event(model, stop_tol)
        try:
            sol = solve_ivp(model.rhs, (a, b), v, t_eval=samples, events=events, **kwargs)
        except (ArithmeticError, ValueError, np.linalg.LinAlgError, RuntimeError) as exc:
            stop = (-2, f"{type(exc).__name__}: {exc}".splitlines()[0], a)
            break
        for key in counts:
            counts[key] += int(getattr(sol, key, 0) or 0)
        _record(sol, t_eval, out, model.N)
        ended = _stopped(sol, a, stop_tol, model.N)
        if ended is not None:
            stop = ended
            break
        v = sol.y[:, -1].copy()
    return Solution(t_eval, out, *stop, **counts)


def _record(sol, t_eval: np.ndarray, out: np.ndarray, N: int) -> None:
    """Write the solver's samples into the rows of ``out`` whose times they are."""
    if len(sol.t):
        got = np.searchsorted(t_eval, sol.t)
        keep = (got < t_eval.size) & (t_eval[np.minimum(got, t_eval.size - 1)] == sol.t)
        out[got[keep]] = np.asarray(sol.y).reshape(N, -1).T[keep]


def _stopped(sol, a: float, stop_tol: float | None, N: int) -> tuple | None:
    """``(status, message, t_stop)`` when the run ends in this interval (a solver failure,
    a non-finite state, convergence by the event), else None."""
    if sol.status == -1:
        last_t = float(sol.t[-1]) if len(sol.t) else a
        return -1, f"solver failed after t={last_t:g}: {sol.message}", last_t
    bad = ~np.all(np.isfinite(np.asarray(sol.y).reshape(N, -1)), axis=0)
    if bad.any():  # e.g. LSODA may report success on a NaN state
        t_bad = float(np.asarray(sol.t)[bad][0])
        return -1, f"solver failed: non-finite state at t={t_bad:g}", t_bad
    if sol.status == 1:
        t_stop = float(sol.t_events[0][0])
        return 1, f"converged: max|dv/dt| < {stop_tol:g} at t={t_stop:g}", t_stop
    return None
