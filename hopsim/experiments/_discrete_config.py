"""Config readers shared by the discrete experiments, each key validated here once.

Every discrete experiment turns its ``cfg`` into a frozen parameter object with these
readers (``parameters(cfg)``); nothing below the experiment sees ``cfg``. Keys read here:

``network.theta``, ``network.tie``, ``network.learning``, ``network.learning_options.*``,
``network.mode``, ``network.from``
    :class:`NetworkSpec`: builds the :class:`~hopsim.network.Network` for a pattern set, or
    loads the saved one ``network.from`` names (checked against the other keys first).
``patterns.P``, ``patterns.alpha``, ``patterns.bias``, ``patterns.explicit``
    :func:`size_and_load`, :func:`pattern_bias`, :func:`explicit_patterns`.
``dynamics.update``, ``dynamics.max_sweeps``, ``dynamics.batch_size``
    :class:`DynamicsSpec`.

Memory estimates for the resource preflight (:func:`network_bytes`, :func:`batch_bytes`)
live here too, next to the keys they depend on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import DictConfig

from hopsim.config import ConfigError, get, get_choice, get_float, get_int, get_list, keys_for
from hopsim.dynamics import discrete
from hopsim.learning import Rule, get_rule
from hopsim.learning.memory import learning_bytes
from hopsim.network import MODES, TIE_RULES, Network, choose_mode, coupling_bytes
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory
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
    source : str or None
        ``network.from``: a saved network (:meth:`hopsim.network.Network.save`) to probe
        instead of learning one; its N, P, rule, options, threshold and tie rule agree with
        the other keys (checked by :func:`network_spec` and :func:`check_saved_size`).
    saved_size : tuple of int or None
        (N, P) of the saved network.
    """

    theta: float | tuple[float, ...]
    tie: str
    learning: str
    learning_options: tuple[tuple[str, Any], ...]
    mode: str
    energy: Any = None
    source: str | None = None
    saved_size: tuple[int, int] | None = None

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
        bound = None if rule.max_abs is None else rule.max_abs(N, P)
        return choose_mode(N, P, self.mode, None, rule.modes(), bound)

    @property
    def energy_name(self) -> str:
        """``quadratic`` for a learning rule's network, else the dense energy's name."""
        return "quadratic" if self.energy is None else self.energy.name

    def make(self, draw):
        """``(network, patterns)``: the saved network and its patterns (``network.from``),
        or ``draw()``'s patterns and the network learned from them."""
        if self.source is not None:
            from hopsim.io import load_network

            net = load_network(self.source, "network.from")
            if self.mode not in ("auto", net.mode):  # the storage asked for
                net = Network.from_learned(
                    net.couplings, net.patterns, net.thresholds - _shift(net), net.tie, self.mode
                )
            return net, net.patterns
        xi = draw()
        return self.build(xi), xi

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


def _shift(net) -> np.ndarray | float:
    shift = net.couplings.threshold_shift
    return 0.0 if shift is None else shift


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
    saved: bool = False,
) -> NetworkSpec:
    """Read and check the ``network`` block (theta for N neurons, when N is one number).

    ``dense_energies``: the experiment accepts ``network.energy`` (recall, capacity); for the
    others a non-null ``network.energy`` is an error. ``saved``: the experiment can probe a
    saved network (``network.from``); for the others a non-null ``network.from`` is an error.
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
    spec = NetworkSpec(theta, tie, learning, tuple(options.items()), mode, energy)
    return _saved_spec(cfg, spec, saved, N)


#: the experiments that probe a saved network (network.from)
SAVED_READERS = "recall, capacity and mixtures"  # _discrete_checks.SAVED_NETWORK_EXPERIMENTS


def _saved_spec(cfg: DictConfig, spec: NetworkSpec, allowed: bool, N: int | None):
    """``spec`` with ``network.from`` read and checked against the other network keys."""
    import json
    from dataclasses import replace

    from hopsim.io import DatasetError, network_header

    source = get(cfg, "network.from", None)
    if source is None:
        return spec
    if not allowed:
        raise ConfigError(
            "network.from",
            source,
            f"null (this experiment learns its own network; {SAVED_READERS} probe a saved one)",
        )
    if not isinstance(source, str) or not source.strip():
        raise ConfigError("network.from", source, "the path of a saved network (Network.save)")
    try:
        head = network_header(source, "network.from")
    except DatasetError as exc:
        reason = _reason(exc)
        raise ConfigError("network.from", source, f"a saved hopsim network ({reason})") from None
    if spec.energy is not None:
        raise ConfigError("network.energy", spec.energy.name, "null with network.from")
    saved = {
        "network.learning": (spec.learning, head["rule"]),
        "network.tie": (spec.tie, head["tie"]),
        "network.theta": (spec.theta, head["theta"]),
    }
    given = dict(spec.learning_options)
    for name, value in json.loads(head["options"]).items():
        saved[f"network.learning_options.{name}"] = (given.get(name), value)
    for key, (value, wanted) in saved.items():
        if value != wanted:
            raise ConfigError(key, value, f"{wanted!r}, as in network.from={source}")
    if spec.mode not in ("auto", head["mode"]) and spec.mode not in get_rule(head["rule"]).modes():
        raise ConfigError("network.mode", spec.mode, f"auto or {head['mode']} with network.from")
    size = (int(head["N"]), int(head["P"]))
    check_memory("network.from", source, 2.0 * head["nbytes"], "the saved network")
    if N is not None:
        check_saved_size(replace(spec, source=source, saved_size=size), N, None)
    return replace(spec, source=source, saved_size=size)


def check_saved_cell(spec: NetworkSpec, Ns, alphas, P_of) -> None:
    """A grid experiment (capacity, mixtures) probes a saved network at one (N, alpha) only:
    its N and a load whose round(alpha N) is its P."""
    if spec.source is None:
        return
    if len(Ns) != 1:
        raise ConfigError("network.N", list(Ns), f"one size with network.from={spec.source}")
    if len(alphas) != 1:
        raise ConfigError(
            "patterns.alpha", list(alphas), f"one load with network.from={spec.source}"
        )
    check_saved_size(spec, Ns[0], P_of(Ns[0], alphas[0]), "patterns.alpha")


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def check_saved_size(spec: NetworkSpec, N: int | None, P: int | None, p_key="patterns.P"):
    """Refuse a config whose N (or P) is not the saved network's (``network.from``)."""
    if spec.source is None:
        return
    saved_N, saved_P = spec.saved_size
    if N is not None and N != saved_N:
        raise ConfigError("network.N", N, f"{saved_N}, the N of network.from={spec.source}")
    if P is not None and P != saved_P:
        raise ConfigError(p_key, P, f"a load giving P={saved_P}, as in network.from={spec.source}")


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


def run_dynamics(
    net, cues, update: str, max_sweeps: int, rngs, record_states: bool = False, clamp=None
):
    """Zero-temperature dynamics of either kind of network (same Trajectories).

    ``clamp`` (B, N) bool: neurons held at the cue's values (None: none).
    """
    from hopsim.dense import DenseNetwork

    if isinstance(net, DenseNetwork):
        from hopsim.dynamics import dense

        return dense.run(net, cues, update, max_sweeps, rngs, record_states, clamp=clamp)
    return discrete.run(net, cues, update, max_sweeps, rngs, record_states, clamp=clamp)


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
    learning = learning_bytes(rule, N, P, spec.options)  # declared by the rule, or measured
    if mode == "lowrank":  # the factors and their float64 blocks, twice when asymmetric
        storage = 8.0 * N_f * (2 * P_f) * (1 if rule.symmetric and rule.integer else 2)
    elif mode == "compact":
        storage = 6.0 * N_f * N_f  # float32 product, then the int copy
    else:
        # float32 J (real factors are multiplied in float32); the sweep kernels read an
        # int8/int16 copy of an integer rule's J and the transpose of an asymmetric one
        # (measured at N = 4000, P = 100: every rule within 25%, tests/test_rule_facts.py)
        dense = coupling_bytes(N, P, "dense")
        storage = dense * (1 if rule.symmetric else 2) + (N_f * N_f if rule.integer else 0.0)
    return patterns + learning + storage


#: AdaTron updates x P that take about 6 hours on one core at
#: the 9e8 per second measured past capacity (benchmarks/rules_speed.py, N = 1000,
#: alpha = 2.2, shared machine).
MAX_LEARNING_OPS = 2e13


def learning_ops(spec: NetworkSpec, N: int, P: int) -> float:
    """Worst-case work of learning one network (0 for the closed-form rules).

    Krauth-Mezard: every neuron spends its whole budget of sweeps (what happens past
    alpha = 2), P updates of O(P) each per sweep: ``N budget P^2``.
    """
    if spec.learning != "krauth_mezard":
        return 0.0
    budget = float(spec.options.get("budget") or 1000.0)
    return float(N) * math.ceil(budget) * float(P) * float(P)


def check_network_memory(spec: NetworkSpec, N: int, P: int, key: str, value: Any) -> None:
    """Refuse (ResourceError naming ``key``) when one network cannot fit in memory (the time
    of learning it is the experiment's estimate's: :mod:`hopsim.experiments._costs`)."""
    check_memory(key, value, float(N) * float(P), "the patterns")
    check_memory(key, value, network_bytes(spec, N, P), "the couplings")


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


def load_grid(cfg: DictConfig, experiment: str) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """``network.N`` and ``patterns.alpha`` as lists of a load sweep run inside one job
    (capacity, mixtures): random patterns only, ``patterns.P`` checked though alpha sets P."""
    Ns = tuple(get_list(cfg, "network.N", kind="int", lo=1, hi=MAX_UNITS))
    if get(cfg, "patterns.alpha", None) is None:
        raise ConfigError("patterns.alpha", None, "a load or a list of loads (numbers >= 0)")
    alphas = tuple(get_list(cfg, "patterns.alpha", lo=0.0, hi=1e6))
    if get(cfg, "patterns.explicit", None) is not None:
        raise ConfigError(
            "patterns.explicit",
            get(cfg, "patterns.explicit"),
            f"null ({experiment} stores random patterns)",
        )
    get_int(cfg, "patterns.P", lo=0)  # unused here (alpha sets P), but never silently wrong
    return Ns, alphas


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
