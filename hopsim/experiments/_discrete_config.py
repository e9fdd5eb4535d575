"""Config readers shared by the discrete experiments, each key validated here once.

Every discrete experiment turns its ``cfg`` into a frozen parameter object with these
readers (``parameters(cfg)``); nothing below the experiment sees ``cfg``. Keys read here:

``network.theta``, ``network.tie``, ``network.learning``, ``network.learning_options.*``,
``network.mode``
    :class:`NetworkSpec`: builds the :class:`~hopsim.network.Network` for a pattern set.
``patterns.P``, ``patterns.alpha``, ``patterns.bias``, ``patterns.explicit``
    :func:`size_and_load`, :func:`pattern_bias`, :func:`explicit_patterns`.
``dynamics.update``, ``dynamics.max_sweeps``, ``dynamics.batch_size``
    :class:`DynamicsSpec`.

Memory estimates for the resource preflight (:func:`network_bytes`, :func:`batch_bytes`)
live here too, next to the keys they depend on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import DictConfig

from hopsim.config import ConfigError, get, get_choice, get_float, get_int, keys_for
from hopsim.dynamics import discrete
from hopsim.learning import Rule, get_rule
from hopsim.network import MODES, TIE_RULES, Network, choose_mode, coupling_bytes
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory, check_work
from hopsim.rng import SeedTree

#: Largest N (or P) any discrete experiment accepts before the memory estimate.
MAX_UNITS = 10**9


# ----------------------------------------------------------------------------- network


@dataclass(frozen=True)
class NetworkSpec:
    """How to build the network for a pattern set (the ``network`` block).

    Attributes
    ----------
    theta : float or tuple of float
        One threshold, or one per neuron.
    tie : str
        ``plus`` or ``keep``.
    learning : str
        Registered learning rule.
    learning_options : tuple of (name, value)
        The rule's checked options, defaults filled in.
    mode : str
        Requested storage (``auto`` is resolved per network size).
    energy : hopsim.dense.Energy or None
        ``network.energy``: a dense associative memory's energy (then the network is a
        :class:`hopsim.dense.DenseNetwork` of the patterns), or None for a learning rule.
    """

    theta: float | tuple[float, ...]
    tie: str
    learning: str
    learning_options: tuple[tuple[str, Any], ...]
    mode: str
    energy: Any = None

    @property
    def options(self) -> dict[str, Any]:
        """The learning options as a dict."""
        return dict(self.learning_options)

    @property
    def theta_value(self) -> float | np.ndarray:
        """``theta`` as a float or an (N,) array."""
        return self.theta if isinstance(self.theta, float) else np.asarray(self.theta)

    @property
    def theta_scalar(self) -> float:
        """The one threshold, or NaN when there is one per neuron."""
        return self.theta if isinstance(self.theta, float) else float("nan")

    def resolved_mode(self, N: int, P: int) -> str:
        """The storage ``auto`` picks for N neurons and P patterns under this rule."""
        rule = get_rule(self.learning)
        return choose_mode(N, P, self.mode, None, rule.modes(), _max_abs_bound(self.learning, P))

    @property
    def energy_name(self) -> str:
        """``quadratic`` for a learning rule's network, else the dense energy's name."""
        return "quadratic" if self.energy is None else self.energy.name

    def build(self, patterns: np.ndarray):
        """The network storing ``patterns`` (P, N) with this rule, thresholds and storage."""
        P, N = patterns.shape
        if self.energy is not None:
            from hopsim.dense import DenseNetwork

            return DenseNetwork.build(patterns, self.energy, self.theta_value, self.tie)
        return Network.learned(
            patterns,
            self.learning,
            self.options,
            self.theta_value,
            self.tie,
            self.resolved_mode(N, P),
        )


def _max_abs_bound(rule: str, P: int) -> float | None:
    """Bound on |J_ij| known before learning (Hebb: P), for choosing int8/int16 storage."""
    return float(P) if rule == "hebb" else None


def thresholds(cfg: DictConfig, N: int | None) -> float | tuple[float, ...]:
    """``network.theta``: one finite number, or a list of N finite numbers."""
    raw = get(cfg, "network.theta")
    if isinstance(raw, list):
        allowed = "a finite number or a list of N finite numbers"
        if N is not None:
            allowed = f"a finite number or a list of N={N} finite numbers"
        if (N is not None and len(raw) != N) or any(
            isinstance(x, bool) or not isinstance(x, (int, float)) or not np.isfinite(x)
            for x in raw
        ):
            raise ConfigError("network.theta", raw, allowed)
        return tuple(float(x) for x in raw)
    return get_float(cfg, "network.theta")


def learning_key(parameter: str) -> str:
    """The config key of a learning parameter: ``rule`` -> ``network.learning``, an option
    -> ``network.learning_options.<option>``."""
    return "network.learning" if parameter == "rule" else f"network.learning_options.{parameter}"


def read_rule(cfg: DictConfig) -> tuple[Rule, dict[str, Any]]:
    """``network.learning`` and ``network.learning_options``: the rule and its checked options.

    The rule checks its own options (:meth:`hopsim.learning.Rule.resolve_options`); its
    errors name the option, renamed here to the config key.
    """
    given = get(cfg, "network.learning_options", None) or {}
    if not isinstance(given, dict):
        raise ConfigError("network.learning_options", given, "a mapping of option: value")
    with keys_for(learning_key):
        rule = get_rule(get(cfg, "network.learning", "hebb"))
        return rule, rule.resolve_options(given)


def network_spec(
    cfg: DictConfig,
    N: int | None,
    scalar_theta: bool = False,
    modes: Sequence[str] = MODES,
    dense_energies: bool = False,
) -> NetworkSpec:
    """Read and check the ``network`` block (theta for N neurons, when N is one number).

    ``dense_energies``: the experiment accepts ``network.energy`` (recall, capacity); for the
    others a non-null ``network.energy`` is an error.
    """
    theta = get_float(cfg, "network.theta") if scalar_theta else thresholds(cfg, N)
    tie = get_choice(cfg, "network.tie", TIE_RULES) if get(cfg, "network.tie", None) else "plus"
    rule, options = read_rule(cfg)
    learning = rule.name
    mode = get_choice(cfg, "network.mode", modes) if get(cfg, "network.mode", None) else "dense"
    allowed = rule.modes()
    if mode != "auto" and mode not in allowed:
        raise ConfigError(
            "network.mode",
            mode,
            f"one of auto, {', '.join(allowed)} with network.learning={learning}",
        )
    energy = _energy(cfg, dense_energies, learning, mode, N)
    if energy is not None and N is not None:
        from hopsim.network import _threshold_vector

        with keys_for(energy_key):  # thresholds the energy cannot take (exponential: 0 only)
            energy.raw_thresholds(_threshold_vector(theta, N), N)
    return NetworkSpec(theta, tie, learning, tuple(options.items()), mode, energy)


def _energy(cfg: DictConfig, allowed: bool, learning: str, mode: str, N: int | None):
    """``network.energy`` checked against what the experiment and the other keys allow."""
    value = get(cfg, "network.energy", None)
    energy = read_energy(cfg, N)
    if energy is not None and not allowed:
        raise ConfigError(
            "network.energy", value, "null (this experiment runs learning-rule networks only)"
        )
    if energy is not None and learning != "hebb":
        raise ConfigError(
            "network.learning",
            learning,
            f"hebb with network.energy={value} (a dense energy is a function of the pattern "
            "overlaps, not of a learning rule)",
        )
    if energy is not None and mode not in ("auto", "lowrank"):
        raise ConfigError(
            "network.mode", mode, f"auto or lowrank with network.energy={value} (overlaps only)"
        )
    return energy


def energy_key(parameter: str) -> str:
    """The config key of an energy parameter (``energy`` -> ``network.energy``, an option ->
    ``network.energy_options.<option>``, ``theta`` -> ``network.theta``)."""
    if parameter in ("energy", "theta"):
        return f"network.{parameter}"
    return f"network.energy_options.{parameter}"


def read_energy(cfg: DictConfig, N: int | None = None):
    """``network.energy`` and ``network.energy_options``: the dense energy, or None.

    None (or ``hebb``) is the learning rule's network. Options given for another choice
    than the one selected are refused (they would be silently ignored); with N known, a
    degree whose values overflow float64 and thresholds the energy cannot take are refused.
    """
    from hopsim.dense import make_energy

    kind = get(cfg, "network.energy", None)
    options = get(cfg, "network.energy_options", None) or {}
    if not isinstance(options, dict):
        raise ConfigError("network.energy_options", options, "a mapping of options")
    if kind in (None, "hebb"):
        given = {k: v for k, v in options.items() if v is not None}
        if given:
            name = next(iter(given))
            raise ConfigError(
                f"network.energy_options.{name}",
                given[name],
                "null: it applies to a dense energy, and network.energy is null (set "
                "network.energy=polynomial or exponential)",
            )
        return None
    with keys_for(energy_key):
        energy = make_energy(kind, **options)
        if N is not None:
            energy.check_size(N)
    return energy


def run_dynamics(net, cues, update: str, max_sweeps: int, rngs, record_states: bool = False):
    """Zero-temperature dynamics of either kind of network (same Trajectories)."""
    from hopsim.dense import DenseNetwork

    if isinstance(net, DenseNetwork):
        from hopsim.dynamics import dense

        return dense.run(net, cues, update, max_sweeps, rngs, record_states)
    return discrete.run(net, cues, update, max_sweeps, rngs, record_states)


def one_update(net, states: np.ndarray) -> np.ndarray:
    """One synchronous update of ``states`` (B, N) by either kind of network."""
    from hopsim.dense import DenseNetwork

    if isinstance(net, DenseNetwork):
        return net.update(net.differences(states), states)
    return net.threshold_update(net.raw_fields(states), states)


def network_bytes(spec: NetworkSpec, N: int, P: int) -> float:
    """Peak bytes of learning and storing one network of N neurons and P patterns."""
    rule = get_rule(spec.learning)
    mode = spec.resolved_mode(N, P)
    N_f, P_f = float(N), float(P)
    patterns = N_f * P_f  # int8
    factors = {"hebb": 0.0, "krauth_mezard": 12.0 * N_f * P_f + 8.0 * P_f * P_f}
    learning = factors.get(rule.name, 3 * 8.0 * 2 * N_f * P_f + 8.0 * P_f * P_f)
    if mode == "lowrank":
        storage = 8.0 * N_f * (2 * P_f) * (1 if rule.name == "hebb" else 2)
    elif mode == "compact":
        storage = 6.0 * N_f * N_f  # float32 product, then the int copy
    else:
        storage = coupling_bytes(N, P, "dense") * (1.0 if rule.integer else 3.0)
    return patterns + learning + storage


#: Most operations one network's learning may take (minover's worst case: a few hours).
MAX_LEARNING_OPS = 2e13


def check_network_memory(spec: NetworkSpec, N: int, P: int, key: str, value: Any) -> None:
    """Refuse (ResourceError naming ``key``) when one network cannot fit in memory, or when
    learning it could run for hours (Krauth-Mezard past capacity spends its whole budget)."""
    check_memory(key, value, float(N) * float(P), "the patterns")
    check_memory(key, value, network_bytes(spec, N, P), "the couplings")
    if spec.learning == "krauth_mezard":
        budget = float(spec.options.get("budget") or 100.0)
        ops = 2.0 * N * budget * float(P) * float(P)  # steps per neuron x O(P) per step
        check_work(
            "network.learning_options.budget", budget, ops, MAX_LEARNING_OPS, "minover operations"
        )


# ----------------------------------------------------------------------------- patterns


def explicit_patterns(value) -> np.ndarray:
    """Validate ``patterns.explicit`` (a list of equal-length +/-1 lists) as (P, N) int8."""
    allowed = "a non-empty list of equal-length lists of +1/-1"
    if not isinstance(value, list) or not value:
        raise ConfigError("patterns.explicit", value, allowed)
    rows = [r if isinstance(r, list) else None for r in value]
    if any(r is None or not r for r in rows) or len({len(r) for r in rows}) != 1:
        raise ConfigError("patterns.explicit", value, allowed)
    if any(x not in (1, -1) or isinstance(x, bool) for r in rows for x in r):
        raise ConfigError("patterns.explicit", value, allowed)
    return np.array(rows, dtype=np.int8)


def pattern_bias(cfg: DictConfig) -> float:
    """``patterns.bias`` in (-1, 1)."""
    bias = get_float(cfg, "patterns.bias", lo=-1.0, hi=1.0)
    if abs(bias) >= 1.0:
        raise ConfigError("patterns.bias", bias, "a number in (-1, 1)")
    return bias


@dataclass(frozen=True)
class PatternSpec:
    """Which patterns are stored: explicit ones, or P random ones of bias ``bias``.

    Attributes
    ----------
    N, P : int
    alpha : float
        The requested load when ``patterns.alpha`` was set, else P / N.
    bias : float
    explicit : tuple of tuple of int, or None
    """

    N: int
    P: int
    alpha: float
    bias: float
    explicit: tuple[tuple[int, ...], ...] | None = None

    def draw(self, seeds: SeedTree) -> np.ndarray:
        """The stored patterns (P, N) int8: explicit, or from the ("patterns", N, P, bias)
        stream."""
        if self.explicit is not None:
            return np.array(self.explicit, dtype=np.int8)
        return random_patterns(
            seeds.generator("patterns", self.N, self.P, self.bias), self.P, self.N, self.bias
        )


def pattern_spec(cfg: DictConfig) -> PatternSpec:
    """(N, P) from ``network.N``, ``patterns.P`` / ``patterns.alpha`` / ``patterns.explicit``.

    ``patterns.P`` is checked even when ``patterns.alpha`` takes precedence.
    """
    bias = pattern_bias(cfg)
    explicit = get(cfg, "patterns.explicit", None)
    if explicit is not None:
        xi = explicit_patterns(explicit)
        P, N = xi.shape
        return PatternSpec(N, P, P / N, bias, tuple(map(tuple, xi.tolist())))
    N = get_int(cfg, "network.N", lo=1, hi=MAX_UNITS)
    P_given = get_int(cfg, "patterns.P", lo=0, hi=MAX_UNITS)
    if get(cfg, "patterns.alpha", None) is not None:
        alpha = get_float(cfg, "patterns.alpha", lo=0.0, hi=float(MAX_UNITS))
        return PatternSpec(N, int(round(alpha * N)), alpha, bias)
    return PatternSpec(N, P_given, P_given / N, bias)


# ----------------------------------------------------------------------------- dynamics


@dataclass(frozen=True)
class DynamicsSpec:
    """The zero-temperature dynamics (the ``dynamics`` block)."""

    update: str
    max_sweeps: int
    batch_size: int


def dynamics_spec(cfg: DictConfig) -> DynamicsSpec:
    """Read and check ``dynamics.update``, ``dynamics.max_sweeps``, ``dynamics.batch_size``."""
    return DynamicsSpec(
        get_choice(cfg, "dynamics.update", discrete.UPDATE_RULES),
        get_int(cfg, "dynamics.max_sweeps", lo=1, hi=10**6),
        get_int(cfg, "dynamics.batch_size", lo=1, hi=10**7),
    )


def batch_bytes(N: int, batch: int, max_sweeps: int, P: int = 0) -> float:
    """Working memory of one batch of cues: states, fields, orders, history, energies."""
    B, N_f = float(batch), float(N)
    return B * N_f * (1 + 8 + 8 + discrete.CYCLE_WINDOW) + B * 8.0 * (max_sweeps + 1 + P)
