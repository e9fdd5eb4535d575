"""Binary dense associative memory (Krotov and Hopfield 2016; Demircigil et al. 2017).

States ``s`` are +/-1, stored patterns ``xi`` are (P, N) +/-1, and the raw overlaps are
``M_mu = xi_mu . s`` (integers in [-N, N]). The energy is

    E(s) = -c sum_mu F(M_mu) + theta . s

with one *interaction function* F per energy object:

``Polynomial(n)``
    ``F(x) = x^n``, ``c = 1 / (n N^(n-1))`` (so a retrieved pattern has ``-E/N ~ 1/n``);
    ``rectified=True`` gives ``F(x) = max(x, 0)^n`` (Krotov and Hopfield's rectified
    polynomial). ``Polynomial(2)`` is the Hebbian network (``quadratic``).
``Exponential(beta)``
    ``F(x) = exp(beta x)`` (Demircigil et al.), ``c = 1``; thresholds must be 0.

**The update** (Krotov and Hopfield's eq. for the asynchronous rule): neuron i takes the
sign of the energy difference between its two values, the others fixed. With
``A_mu = M_mu - xi_mu,i s_i`` (the overlap without neuron i) and ``x = xi_mu,i = +/-1``,
``F(A + x) - F(A - x) = x g(A)`` where ``g(A) = F(A + 1) - F(A - 1)``, so

    E(s_i = -1) - E(s_i = +1) = c D_i - 2 theta_i,   D_i = sum_mu xi_mu,i g(A_mu),

and ``s_i <- +1`` when ``D_i >= 2 theta_i / c`` (the *raw threshold*), -1 otherwise; the
tie rule ``keep`` keeps the old value when ``D_i`` equals it. Each visit costs O(P) from
the cached overlaps, and a flip updates them in O(P): ``M += 2 s_i_new xi[:, i]``.

**n = 2 is Hebb exactly.** ``g(A) = (A+1)^2 - (A-1)^2 = 4 A``, so
``D_i = 4 sum_mu xi_mu,i (M_mu - xi_mu,i s_i) = 4 (sum_mu xi_mu,i M_mu - P s_i) = 4 (J s)_i``
with J the integer Hebb matrix *with zero diagonal* (the ``- P s_i`` is the removed
diagonal), and the raw threshold ``2 theta / c = 4 N theta`` is four times Hebb's ``N theta``.
Both sides are exact integers (float64), so ``D_i >= 4 N theta`` holds exactly when
``(J s)_i >= N theta``, ties included. The energy ``-1/(2N) sum_mu M_mu^2 + theta . s``
differs from Hebb's ``-1/2 s^T W s + theta . s`` (``W_ii = 0``) by the constant ``-P/2``.
(Taking instead the "field" ``sum_mu xi_mu,i F'(M_mu)`` with the full overlap would keep the
diagonal: ``2 (J s + P s)_i``, a different network.)

**Batch form.** For a batch of states, all N energy differences at once are two BLAS
products: with ``G-_mu = g(M_mu - 1)``, ``G+_mu = g(M_mu + 1)``,

    D_i = s_i sum_mu (G-_mu - G+_mu) / 2 + sum_mu xi_mu,i (G-_mu + G+_mu) / 2,

because ``A_mu = M_mu - 1`` when ``xi_mu,i = s_i`` and ``M_mu + 1`` otherwise. This gives
synchronous updates and the fixed-point test of many stored patterns.

**Stable exponentials.** For F = exp every term carries ``exp(beta A)``, which overflows
float64 for ``beta N > 709``. The kernels divide D by ``2 sinh(beta) exp(beta c)`` with
``c`` the largest overlap (per visit: the largest ``A_mu``; per state in batch form: the
largest ``M_mu``), a positive factor that keeps the sign: ``D' = sum_mu x exp(beta (A - c))``,
every term at most ``exp(beta)``. The energy reported for F = exp is
``-(1/beta) ln sum_mu exp(beta M_mu)`` (log-sum-exp, also shifted), a monotone function
of the true energy ``-sum_mu exp(beta M_mu)``, which cannot be held in float64 at large N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from hopsim.errors import ParameterError, check_choice
from hopsim.network import TIE_RULES, threshold_rule

ENERGIES = ("quadratic", "polynomial", "exponential")
#: Kernel codes of the interaction functions (``Energy.code``).
POLY, RECTIFIED, EXP = 0, 1, 2


@dataclass(frozen=True)
class Polynomial:
    """``F(x) = x^n`` (or ``max(x, 0)^n`` when rectified), normalised by ``1/(n N^(n-1))``.

    Parameters
    ----------
    n : int
        Degree, >= 2 (n = 2 is the Hebbian network).
    rectified : bool
        Use ``F(x) = max(x, 0)^n`` (Krotov and Hopfield's rectified polynomial).
    """

    n: int = 2
    rectified: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)) or self.n < 2:
            raise ParameterError("n", self.n, "an integer >= 2")
        if not isinstance(self.rectified, (bool, np.bool_)):
            raise ParameterError("rectified", self.rectified, "true or false")

    @property
    def name(self) -> str:
        return ("rectified " if self.rectified else "") + f"polynomial n={self.n}"

    @property
    def code(self) -> int:
        return RECTIFIED if self.rectified else POLY

    @property
    def beta(self) -> float:
        return 1.0  # not used by polynomials; keeps the kernel signature one shape

    def F(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        base = np.maximum(x, 0.0) if self.rectified else x
        out = base.copy()
        for _ in range(self.n - 1):  # repeated products: exact integers, faster than pow
            out *= base
        return out

    def g(self, A: np.ndarray) -> np.ndarray:
        """``F(A + 1) - F(A - 1)`` (exact integers while below 2**53)."""
        return self.F(A + 1.0) - self.F(A - 1.0)

    def scale(self, N: int) -> float:
        """``c``: the energy is ``-c sum_mu F(M_mu) + theta . s``."""
        return 1.0 / (self.n * float(N) ** (self.n - 1))

    def check_size(self, N: int) -> None:
        """Refuse a degree whose ``F`` values overflow float64 for N neurons.

        The kernels evaluate ``F(M +/- 1)`` with ``|M| <= N``, and the scale
        ``n N^(n-1)``: ``(N + 1)^n`` must stay finite (below ~1.8e308).
        """
        if self.n * math.log10(N + 1.0) + math.log10(self.n) >= 308:
            largest = max(2, int(308 / math.log10(N + 1.0)) - 1)
            raise ParameterError(
                "n", self.n, f"an integer <= {largest} at N={N} ((N+1)^n beyond float64)"
            )

    def raw_thresholds(self, theta: np.ndarray, N: int) -> np.ndarray:
        """``2 theta / c = 2 n N^(n-1) theta`` (for n = 2: exactly 4 times Hebb's ``N theta``)."""
        return float(2 * self.n * N ** (self.n - 1)) * theta

    def gains_batch(self, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(G-, G+) = (g(M - 1), g(M + 1))`` for raw overlaps M (B, P)."""
        return self.g(M - 1.0), self.g(M + 1.0)

    def energy(self, M: np.ndarray, S: np.ndarray, theta: np.ndarray, N: int) -> np.ndarray:
        """``-c sum_mu F(M_mu) + theta . s`` per state (B,)."""
        return -self.scale(N) * self.F(M).sum(axis=1) + S.astype(np.float64) @ theta


@dataclass(frozen=True)
class Exponential:
    """``F(x) = exp(beta x)`` (Demircigil et al. 2017 use beta = 1); thresholds must be 0.

    Parameters
    ----------
    beta : float
        Scale of the overlaps in the exponent, > 0.
    """

    beta: float = 1.0

    def __post_init__(self) -> None:
        if (
            isinstance(self.beta, bool)
            or not isinstance(self.beta, (int, float, np.number))
            or not (math.isfinite(self.beta) and 0 < self.beta <= 1e12)
        ):
            raise ParameterError("beta", self.beta, "a finite number > 0")

    @property
    def name(self) -> str:
        return f"exponential beta={self.beta:g}"

    @property
    def code(self) -> int:
        return EXP

    @property
    def n(self) -> int:
        return 0

    @property
    def rectified(self) -> bool:
        return False

    def F(self, x: np.ndarray) -> np.ndarray:
        return np.exp(self.beta * np.asarray(x, dtype=np.float64))

    def scale(self, N: int) -> float:
        return 1.0

    def check_size(self, N: int) -> None:
        """Any N: the kernels shift the exponent by the largest overlap."""

    def raw_thresholds(self, theta: np.ndarray, N: int) -> np.ndarray:
        if np.any(theta != 0):
            raise ParameterError(
                "theta",
                float(theta[0]) if np.all(theta == theta[0]) else "per-neuron thresholds",
                "0 with the exponential energy (its shifted energy differences only keep "
                "their sign)",
            )
        return np.zeros_like(theta)

    def gains_batch(self, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``g(M -/+ 1) / (2 sinh(beta) exp(beta max_mu M_mu))`` per row: no overflow."""
        if M.shape[1] == 0:
            return M.copy(), M.copy()
        shifted = np.exp(self.beta * (M - M.max(axis=1, keepdims=True)))
        return shifted * np.exp(-self.beta), shifted * np.exp(self.beta)

    def energy(self, M: np.ndarray, S: np.ndarray, theta: np.ndarray, N: int) -> np.ndarray:
        """``-(1/beta) ln sum_mu exp(beta M_mu)`` per state (monotone in the true energy)."""
        if M.shape[1] == 0:
            return np.zeros(M.shape[0])
        top = M.max(axis=1)
        lse = top + np.log(np.exp(self.beta * (M - top[:, None])).sum(axis=1)) / self.beta
        return -lse


Energy = Polynomial | Exponential


#: The options each energy takes, with their defaults.
ENERGY_OPTIONS = {
    "quadratic": {},
    "polynomial": {"n": 3, "rectified": False},
    "exponential": {"beta": 1.0},
}


def make_energy(kind: str, **options) -> Energy:
    """The energy object ``kind`` with its options (a None option takes its default).

    ``quadratic`` is ``Polynomial(2)`` (the Hebbian network); ``polynomial`` takes ``n``
    (integer >= 2, default 3) and ``rectified`` (default False); ``exponential`` takes
    ``beta`` (> 0, default 1). An option the energy does not take is refused.
    """
    check_choice("energy", kind, ENERGIES)
    given = {k: v for k, v in options.items() if v is not None}
    for name, value in given.items():
        if name not in ENERGY_OPTIONS[kind]:
            takes = ", ".join(ENERGY_OPTIONS[kind]) or "none"
            raise ParameterError(
                name, value, f"an option of the {kind} energy (its options: {takes})"
            )
    values = {**ENERGY_OPTIONS[kind], **given}
    if kind == "quadratic":
        return Polynomial(2)
    if kind == "polynomial":
        return Polynomial(values["n"], values["rectified"])
    return Exponential(values["beta"])


@dataclass(frozen=True)
class DenseNetwork:
    """A binary dense associative memory: stored patterns, an energy, thresholds, tie rule.

    Build with :meth:`build`. Run with :func:`hopsim.dynamics.dense.run`.
    """

    patterns: np.ndarray  # (P, N) int8
    energy_fn: Energy
    thresholds: np.ndarray  # theta (N,)
    raw_thresholds: np.ndarray  # 2 theta / c (N,)
    tie: str = "plus"

    @classmethod
    def build(
        cls,
        patterns: np.ndarray,
        energy: Energy,
        theta: float | np.ndarray = 0.0,
        tie: str = "plus",
    ) -> DenseNetwork:
        from hopsim.network import _threshold_vector

        patterns = np.ascontiguousarray(patterns, dtype=np.int8)
        if patterns.ndim != 2:
            raise ParameterError("patterns", f"an array of shape {patterns.shape}", "(P, N)")
        check_choice("tie", tie, TIE_RULES)
        N = patterns.shape[1]
        energy.check_size(N)
        theta = _threshold_vector(theta, N)
        return cls(patterns, energy, theta, energy.raw_thresholds(theta, N), tie)

    @property
    def N(self) -> int:
        return int(self.patterns.shape[1])

    @property
    def n_patterns(self) -> int:
        return int(self.patterns.shape[0])

    @property
    def mode(self) -> str:
        return "dense-energy"

    @cached_property
    def patterns_t(self) -> np.ndarray:
        """(N, P) int8, row i holds neuron i's entry of every pattern (kernel layout)."""
        return np.ascontiguousarray(self.patterns.T)

    @cached_property
    def patterns32(self) -> np.ndarray:
        """(P, N) float32 copy for the overlap products (exact: |M| <= N < 2**24)."""
        return self.patterns.astype(np.float32)

    @cached_property
    def patterns64(self) -> np.ndarray:
        """(P, N) float64 copy for ``U xi`` (U holds integers beyond float32's 2**24)."""
        return self.patterns.astype(np.float64)

    def overlaps(self, states: np.ndarray) -> np.ndarray:
        """Raw overlaps ``M = xi s`` (B, P) float64 (exact integers, float32 BLAS)."""
        S = np.atleast_2d(states).astype(np.float32)
        return (S @ self.patterns32.T).astype(np.float64)

    def energy(self, states: np.ndarray, M: np.ndarray | None = None) -> np.ndarray:
        """Energy per state (B,); see the module docstring (log form for F = exp)."""
        S = np.atleast_2d(states)
        M = self.overlaps(S) if M is None else M
        return self.energy_fn.energy(M, S, self.thresholds, self.N)

    def differences(self, states: np.ndarray, M: np.ndarray | None = None) -> np.ndarray:
        """``D`` (B, N): ``c D_i = E(s_i = -1) - E(s_i = +1)`` (scaled by a positive factor
        per state for F = exp); two BLAS products per block of patterns."""
        S = np.atleast_2d(states)
        M = self.overlaps(S) if M is None else M
        a, U = self._terms(M)
        D = U @ self.patterns64
        D += S.astype(np.float64) * a[:, None]
        return D

    def _terms(self, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``a = sum_mu (G- - G+)/2`` (B,) and ``U = (G- + G+)/2`` (B, P), in numba."""
        from hopsim.kernels.dense import batch_terms

        M = np.ascontiguousarray(M, dtype=np.float64)
        a, U = np.empty(M.shape[0]), np.empty_like(M)
        code, n, beta = self.kernel_args()
        batch_terms(M, code, n, beta, a, U)
        return a, U

    def update(self, D: np.ndarray, old: np.ndarray) -> np.ndarray:
        """New states from energy differences: +1 where ``D >= raw threshold`` (tie rule)."""
        return threshold_rule(D, self.raw_thresholds, old, self.tie == "keep")

    def is_fixed_point(self, states: np.ndarray, block: int = 512) -> np.ndarray:
        """(B,) bool: no single-neuron update changes the state (blocks of ``block`` states)."""
        S = np.atleast_2d(states)
        out = np.empty(S.shape[0], dtype=bool)
        for start in range(0, S.shape[0], block):
            part = S[start : start + block]
            out[start : start + block] = np.all(
                self.update(self.differences(part), part) == part, axis=1
            )
        return out

    def kernel_args(self) -> tuple[int, int, float]:
        """(code, n, beta) for the numba kernels."""
        e = self.energy_fn
        return int(e.code), int(e.n), float(e.beta)
