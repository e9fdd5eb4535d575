"""Config readers shared by the continuous-dynamics experiments.

Keys read here (each experiment's YAML sets them):

``neuron.tau``, ``neuron.h``, ``neuron.gain``, ``neuron.activation``
    The unit: time constant, constant input, slope of F at 0, shape of F.
``solver.method``, ``solver.rtol``, ``solver.atol``, ``solver.stop_tol``, ``solver.jacobian``
    :func:`hopsim.dynamics.continuous.integrate` options.
``network.learning``, ``network.learning_options.*``
    The learning rule of the networks that store patterns (bifurcation's mean-field link,
    network_ode): :func:`learning_rule`.
"""

from __future__ import annotations

from omegaconf import DictConfig

from hopsim.config import (
    MAX_MAGNITUDE,
    ConfigError,
    get,
    get_bool,
    get_choice,
    get_float,
    get_optional,
)
from hopsim.dynamics.continuous import ACTIVATIONS, METHODS, Activation, Input
from hopsim.learning import get_rule, rule_names

#: Smallest time constant and integration time: keeps 1/tau and the output grid finite.
MIN_TIME = 1e-9
#: Longest integration, in time constants (about 10 minutes for one neuron, RK45).
MAX_TIME_CONSTANTS = 1e7


def neuron(cfg: DictConfig) -> tuple[float, float, Activation]:
    """``(tau, h, activation)`` from the ``neuron`` block."""
    tau = get_float(cfg, "neuron.tau", lo=MIN_TIME)
    h = get_float(cfg, "neuron.h")
    gain = get_float(cfg, "neuron.gain", lo=0.0, lo_open=True)
    name = get_choice(cfg, "neuron.activation", ACTIVATIONS)
    return tau, h, Activation(name, gain)


def solver(cfg: DictConfig) -> dict:
    """Keyword arguments for :func:`hopsim.dynamics.continuous.integrate`."""
    rtol = get_float(cfg, "solver.rtol", lo=0.0, hi=0.1, lo_open=True)
    atol = get_float(cfg, "solver.atol", lo=0.0, hi=0.1, lo_open=True)
    return {
        "method": get_choice(cfg, "solver.method", METHODS),
        "rtol": rtol,
        "atol": atol,
        "stop_tol": get_optional(cfg, "solver.stop_tol", get_float, lo=0.0, lo_open=True),
        "use_jacobian": get_bool(cfg, "solver.jacobian"),
    }


class ProgressModel:
    """A model whose right-hand side advances a progress bar to the solver's time.

    Wraps a :class:`hopsim.dynamics.continuous.ContinuousNetwork` for
    :func:`hopsim.dynamics.continuous.integrate` (every other attribute is the model's), so
    one long integration shows how far it got: ``bar`` counts percent of ``t_max``. The
    numbers are those of the bare model.
    """

    def __init__(self, model, bar, t_max: float) -> None:
        self._model, self._bar, self._scale = model, bar, 100.0 / t_max

    def __getattr__(self, name):
        return getattr(self._model, name)

    def rhs(self, t, v):
        percent = int(min(float(t) * self._scale, 100.0))
        if percent > self._bar.n:
            self._bar.update(percent - self._bar.n)
        return self._model.rhs(t, v)


def check_duration(key: str, t_max: float, tau: float) -> None:
    """Refuse an integration over more than :data:`MAX_TIME_CONSTANTS` time constants."""
    from hopsim.resources import check_work

    check_work(key, t_max, t_max / tau, MAX_TIME_CONSTANTS, "time constants of integration")


def _tuples(cfg: DictConfig, key: str, width: int, allowed: str) -> list[tuple[float, ...]]:
    raw = get(cfg, key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(key, raw, allowed)
    out = []
    for item in raw:
        if (
            not isinstance(item, list)
            or len(item) != width
            or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in item)
            or any(not abs(float(x)) <= MAX_MAGNITUDE for x in item)
        ):
            raise ConfigError(key, raw, f"{allowed} (finite numbers, |x| <= {MAX_MAGNITUDE:g})")
        out.append(tuple(float(x) for x in item))
    return out


def drive(cfg: DictConfig, prefix: str, base: float) -> Input:
    """The input ``h(t)``: ``base`` plus ``<prefix>.pulses`` and ``<prefix>.steps``.

    ``pulses`` is a list of ``[start, stop, amplitude]`` (amplitude added for
    ``start <= t < stop``), ``steps`` a list of ``[time, amplitude]`` (added for ``t >= time``).
    """
    pulses = _tuples(
        cfg, f"{prefix}.pulses", 3, "a list of [start, stop, amplitude] with stop > start"
    )
    for start, stop, _ in pulses:
        if not stop > start:
            raise ConfigError(
                f"{prefix}.pulses",
                get(cfg, f"{prefix}.pulses"),
                "a list of [start, stop, amplitude] with stop > start",
            )
    steps = _tuples(cfg, f"{prefix}.steps", 2, "a list of [time, amplitude]")
    return Input(base=base, pulses=tuple(pulses), steps=tuple(steps))


def learning_rule(cfg: DictConfig) -> tuple[str, dict]:
    """``network.learning`` (a rule with symmetric couplings) and its checked options.

    The continuous network's energy and the mean-field analysis (eigenvalues of W, the
    symmetry v -> -v) need ``W = W^T``, so asymmetric rules are refused here. The rule's
    thresholds (the covariance rule's) are not used: the continuous unit's input is
    ``neuron.h``.
    """
    from hopsim.experiments._discrete_config import read_rule

    rule, options = read_rule(cfg)
    if not rule.symmetric:
        symmetric = ", ".join(n for n in rule_names() if get_rule(n).symmetric)
        raise ConfigError(
            "network.learning", rule.name, f"a rule with symmetric couplings ({symmetric})"
        )
    return rule.name, options
