"""What a learning rule returns, and the registry that finds a rule by its name.

A learning rule is a function ``patterns (P, N) -> Couplings``, registered under the name
``hopsim.store(xi, rule=NAME)`` and the config key ``network.learning`` use.
:class:`Couplings` carries the raw couplings ``J`` (with ``W = scale * J``) and the facts
the network needs to choose its storage and kernels:

``integer``
    every ``J_ij`` is an exact integer with ``|J_ij| <= max_abs`` (ties are then exact,
    and int8/int16 storage is possible);
``symmetric``, ``zero_diagonal``
    ``J == J^T`` (an energy exists and asynchronous dynamics ends on fixed points),
    ``J_ii == 0``;
``lowrank``
    ``J = left^T right - diag(diagonal)`` with ``left`` and ``right`` of shape (R, N),
    so the network can run without ever forming the N x N matrix.

Nothing in :mod:`hopsim.network` or :mod:`hopsim.dynamics` knows which rule it got: they
ask the :class:`Couplings`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hopsim.errors import ParameterError


@dataclass(frozen=True)
class LowRank:
    """Factored raw couplings ``J = left^T right - diag(diagonal)``.

    Attributes
    ----------
    left, right : numpy.ndarray
        (R, N) factors; ``right is left`` for a symmetric factorisation. int8 when the
        rule's couplings are integers, float64 otherwise.
    diagonal : numpy.ndarray
        (N,) float64, subtracted from the diagonal of ``left^T right``.
    """

    left: np.ndarray
    right: np.ndarray
    diagonal: np.ndarray

    @property
    def rank(self) -> int:
        """Number of rows R of the factors."""
        return int(self.left.shape[0])

    @property
    def symmetric(self) -> bool:
        """Whether ``left`` and ``right`` are the same array."""
        return self.left is self.right

    def dense(self, dtype=np.float64) -> np.ndarray:
        """Form ``J`` (N, N) in ``dtype``.

        Integer factors are multiplied exactly (float32 BLAS while every partial sum is an
        int8 product sum below 2**24, else float64); real factors in ``dtype``'s own
        precision. A symmetric factorisation converts its factor once (:func:`gram`).
        """
        L, R = self.left, self.right
        if L.dtype.kind in "iu" and R.dtype.kind in "iu":
            small = L.dtype == np.int8 and R.dtype == np.int8 and self.rank < 2**24
            work = np.float32 if small else np.float64
        else:
            work = np.float32 if np.dtype(dtype) == np.float32 else np.float64
        if self.symmetric:
            J = gram(L, work)
        else:
            J = L.T.astype(work) @ R.astype(work)
        J[np.diag_indices_from(J)] -= self.diagonal.astype(work)
        return J.astype(dtype, copy=False)


def gram(F: np.ndarray, dtype=np.float64) -> np.ndarray:
    """``F^T F`` (N, N) for F (R, N), one BLAS product in ``dtype``.

    (BLAS syrk does half the flops, but mirroring its triangle into a full matrix costs
    more than it saves at N = 2000: 70 + 230 ms against 98 ms for the plain product.)
    """
    A = F.astype(dtype)
    return A.T @ A


@dataclass(frozen=True)
class Couplings:
    """Couplings produced by a learning rule: ``W = scale * J``.

    Attributes
    ----------
    rule : str
        Registered name of the rule.
    N : int
        Number of neurons.
    inverse_scale : float
        ``1 / scale``, with ``W = scale * J`` (``N`` for the rules with ``W = J / N``:
        thresholds are then converted to raw units as ``theta * N``, without rounding).
    integer : bool
        ``J`` holds exact integers bounded by ``max_abs``.
    symmetric, zero_diagonal : bool
        ``J == J^T``; ``J_ii == 0``.
    max_abs : float
        Upper bound on ``|J_ij|`` (picks int8/int16 storage for integer rules).
    J : numpy.ndarray or None
        Dense raw couplings (N, N) when the rule formed them, else None (see ``lowrank``).
    lowrank : LowRank or None
        Factored form, when the rule has one.
    threshold_shift : numpy.ndarray or None
        (N,) thresholds in units of ``W`` that the rule prescribes (added to
        ``network.theta``), e.g. the covariance rule's; None for none.
    info : dict
        Rule-specific diagnostics (numbers and strings), stored as dataset attrs.
    """

    rule: str
    N: int
    inverse_scale: float
    integer: bool
    symmetric: bool
    zero_diagonal: bool
    max_abs: float
    J: np.ndarray | None = None
    lowrank: LowRank | None = None
    threshold_shift: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.J is None and self.lowrank is None:
            raise ValueError(f"rule {self.rule!r} returned neither J nor a low-rank form")

    @property
    def scale(self) -> float:
        """``W = scale * J``."""
        return 1.0 / self.inverse_scale

    def dense(self, dtype=np.float64) -> np.ndarray:
        """Raw couplings ``J`` (N, N) in ``dtype`` (formed from the factors if needed)."""
        if self.J is not None:
            return self.J.astype(dtype, copy=False)
        return self.lowrank.dense(dtype)

    def weights(self) -> np.ndarray:
        """``W = scale * J`` as float64 (N, N)."""
        return self.scale * self.dense(np.float64)


@dataclass(frozen=True)
class Option:
    """One option of a rule (``hopsim.store(xi, rule, NAME=value)``).

    Attributes
    ----------
    default : object
        Value used when the option is not given.
    check : callable
        ``check(name, value) -> value``: converts or raises
        :class:`~hopsim.errors.ParameterError` naming the option.
    doc : str
        One line for the docs.
    """

    default: Any
    check: Callable[[str, Any], Any]
    doc: str


@dataclass(frozen=True)
class Rule:
    """A registered learning rule and every fact hopsim needs about it.

    Everything specific to a rule lives here, so nothing elsewhere branches on its name:
    the storage modes it allows, its memory cost (the preflight), its coupling bound, its
    theoretical capacity and its colour in the figures.

    Attributes
    ----------
    name : str
        Registry name (``hopsim.store(xi, rule=NAME)``, ``network.learning=NAME``).
    learn : callable
        ``learn(patterns, **options) -> Couplings``.
    options : Mapping[str, Option]
        Its options and their defaults.
    integer, symmetric, lowrank : bool
        Static facts, known before any pattern is seen: integer couplings, symmetric
        couplings, a low-rank form. They decide which storage modes are allowed.
    capacity : callable
        ``capacity(N) -> float``: the theoretical number of patterns (for figures).
    capacity_text : str
        The capacity law and its source, in words.
    summary : str
        One line for the docs and the error messages.
    learning_bytes : callable, optional
        ``learning_bytes(N, P, **options) -> float``: peak bytes of ``learn`` beyond the
        patterns themselves (its temporaries and what it returns). None: hopsim measures
        the rule on small sizes and extrapolates (:func:`hopsim.learning.memory.learning_bytes`).
    max_abs : callable, optional
        ``max_abs(N, P) -> float``: a bound on ``|J_ij|`` known before learning (integer
        rules: chooses int8/int16 storage); None when only the learned couplings tell.
    color, marker : str, optional
        The rule's colour and matplotlib marker in every figure (None: the next free
        Okabe-Ito colour and marker).
    """

    name: str
    learn: Callable[..., Couplings]
    options: Mapping[str, Option]
    integer: bool
    symmetric: bool
    lowrank: bool
    capacity: Callable[[int], float]
    capacity_text: str
    summary: str
    learning_bytes: Callable[..., float] | None = None
    max_abs: Callable[[int, int], float] | None = None
    color: str | None = None
    marker: str | None = None

    def modes(self) -> tuple[str, ...]:
        """Storage modes this rule allows (``auto`` chooses among them)."""
        modes = ["dense"]
        if self.integer:
            modes.append("compact")
        if self.lowrank:
            modes.append("lowrank")
        return tuple(modes)

    def resolve_options(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        """Checked options with defaults filled in; :class:`ParameterError` names the option.

        A None value means "not given" (the configs list every rule's options as null), so
        only a non-None option this rule does not have is an error.
        """
        given = {k: v for k, v in dict(given or {}).items() if v is not None}
        for name in given:
            if name not in self.options:
                allowed = ", ".join(self.options) or "none"
                raise ParameterError(
                    name,
                    given[name],
                    f"an option of the {self.name} rule (its options: {allowed})",
                )
        return {
            name: opt.check(name, given.get(name, opt.default))
            for name, opt in self.options.items()
        }

    def __str__(self) -> str:
        return self.name


_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule to the registry under ``rule.name`` (a name may be registered once)."""
    if rule.name in _REGISTRY:
        raise ValueError(f"learning rule {rule.name!r} is already registered")
    _REGISTRY[rule.name] = rule
    return rule


def rule_names() -> tuple[str, ...]:
    """Registered rule names, in registration order."""
    return tuple(_REGISTRY)


def get_rule(rule: str | Rule) -> Rule:
    """The registered rule named ``rule`` (a :class:`Rule` is returned as it is).

    Raises :class:`~hopsim.errors.ParameterError` naming ``rule`` for an unknown name.
    """
    if isinstance(rule, Rule):
        return rule
    if not isinstance(rule, str) or rule not in _REGISTRY:
        raise ParameterError("rule", rule, "one of " + ", ".join(_REGISTRY))
    return _REGISTRY[rule]


def learn(
    rule: str | Rule, patterns: np.ndarray, options: Mapping[str, Any] | None = None
) -> Couplings:
    """Couplings of ``rule`` for ``patterns`` (P, N) +/-1, options checked first."""
    rule = get_rule(rule)
    opts = rule.resolve_options(options)
    xi = np.ascontiguousarray(patterns, dtype=np.int8)
    if xi.ndim != 2:
        raise ValueError(f"patterns must have shape (P, N), got {xi.shape}")
    return rule.learn(xi, **opts)


def weights(name: str, patterns: np.ndarray, options: Mapping[str, Any] | None = None):
    """``W`` (N, N) float64 of rule ``name`` for ``patterns``, and its threshold shift."""
    c = learn(name, patterns, options)
    shift = np.zeros(c.N) if c.threshold_shift is None else c.threshold_shift
    return c.weights(), shift


# ----------------------------------------------------------------------------- option checks


def check_bool(name: str, value: Any) -> bool:
    """True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(name, value, "true or false")
    return bool(value)


def check_number(lo: float | None = None, hi: float | None = None, optional: bool = False):
    """A checker for a finite number in [lo, hi] (or null when ``optional``)."""
    import math

    allowed = "a finite number" + (f" >= {lo}" if lo is not None else "")
    allowed += f" and <= {hi}" if hi is not None else ""
    allowed += " or null" if optional else ""

    def check(name: str, value: Any):
        if value is None and optional:
            return None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise ParameterError(name, value, allowed)
        x = float(value)
        if not math.isfinite(x) or (lo is not None and x < lo) or (hi is not None and x > hi):
            raise ParameterError(name, value, allowed)
        return x

    return check
