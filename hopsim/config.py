"""Validation of composed Hydra configs with one-line errors.

Every experiment module has a ``validate(cfg)`` that reads its keys through the
``get_*`` helpers below. A helper returns the value converted to a plain Python
type, or raises :class:`ConfigError` whose message names the key, the value and
what is allowed, e.g.::

    network.N=0 is not allowed: expected an integer >= 1

The CLI prints that message on one line and exits with status 2 before any work.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from hopsim.errors import ParameterError, show_value

_MISSING = object()

#: Largest magnitude of a config number: products and squares of two such numbers stay
#: far from float64 overflow (1e308), and float stream keys (value * 1e9) stay integers.
MAX_MAGNITUDE = 1e12
#: Largest config integer: what numpy int64 arrays and netCDF int64 attributes hold.
MAX_INT = 2**63 - 1


class ConfigError(ParameterError):
    """An impossible or unknown config value: a :class:`~hopsim.errors.ParameterError`
    whose parameter is a dotted config key.

    Parameters
    ----------
    key : str
        Dotted config key, e.g. ``"network.N"``.
    value : object
        The offending value.
    allowed : str
        What would have been accepted, in words.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        if isinstance(value, (DictConfig, ListConfig)):
            value = OmegaConf.to_container(value, resolve=True)
        super().__init__(key, value, allowed)
        self.key = key


def _show(value: Any) -> str:
    if isinstance(value, (DictConfig, ListConfig)):
        value = OmegaConf.to_container(value, resolve=True)
    return show_value(value)


@contextmanager
def keys_for(names: Mapping[str, str] | Callable[[str], str]) -> Iterator[None]:
    """Rename the parameter of a model-layer :class:`ParameterError` to its config key.

    The model layer names its own parameters (``rule``, ``theta``, ``kappa``); inside this
    block such an error becomes a :class:`ConfigError` naming the key that set the value
    (``network.learning``, ``network.theta``, ``network.learning_options.kappa``). ``names``
    maps parameter -> key (a parameter it does not list keeps its name) or is a function.
    """
    try:
        yield
    except ConfigError:
        raise
    except ParameterError as exc:
        rename = names if callable(names) else lambda p: names.get(p, p)
        raise ConfigError(rename(exc.parameter), exc.value, exc.allowed) from None


def get(cfg: DictConfig, key: str, default: Any = _MISSING) -> Any:
    """Return the raw value at a dotted key; raise ConfigError if it is absent."""
    value = OmegaConf.select(cfg, key, default=_MISSING)
    if value is _MISSING:
        if default is not _MISSING:
            return default
        raise ConfigError(key, "<missing>", "this key to be set")
    if isinstance(value, (DictConfig, ListConfig)):
        return OmegaConf.to_container(value, resolve=True)
    return value


def _as_int(key: str, value: Any, allowed: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(key, value, allowed)
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        raise ConfigError(key, value, allowed)
    if abs(int(value)) > MAX_INT:
        raise ConfigError(key, value, f"{allowed} (|value| <= 2**63 - 1)")
    return int(value)


def _as_float(key: str, value: Any, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(key, value, allowed)
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        raise ConfigError(key, value, f"{allowed} (|value| <= {MAX_MAGNITUDE:g})")
    value = float(value)
    if not math.isfinite(value):
        raise ConfigError(key, value, f"{allowed} (finite)")
    if abs(value) > MAX_MAGNITUDE:
        raise ConfigError(key, value, f"{allowed} (|value| <= {MAX_MAGNITUDE:g})")
    return value


def _bounds_text(kind: str, lo: float | None, hi: float | None, lo_open: bool = False) -> str:
    if lo is not None and hi is not None:
        left = "(" if lo_open else "["
        return f"{kind} in {left}{lo}, {hi}]"
    if lo is not None:
        return f"{kind} {'>' if lo_open else '>='} {lo}"
    if hi is not None:
        return f"{kind} <= {hi}"
    return kind


def _check_bounds(key: str, value: float, lo, hi, lo_open: bool, allowed: str) -> None:
    if lo is not None and (value < lo or (lo_open and value == lo)):
        raise ConfigError(key, value, allowed)
    if hi is not None and value > hi:
        raise ConfigError(key, value, allowed)


def get_int(cfg: DictConfig, key: str, lo: int | None = None, hi: int | None = None) -> int:
    """An integer in ``[lo, hi]`` (either bound may be None)."""
    allowed = _bounds_text("an integer", lo, hi)
    value = _as_int(key, get(cfg, key), allowed)
    _check_bounds(key, value, lo, hi, False, allowed)
    return value


def get_float(
    cfg: DictConfig,
    key: str,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
) -> float:
    """A finite number in ``[lo, hi]`` (``(lo, hi]`` when ``lo_open``)."""
    allowed = _bounds_text("a number", lo, hi, lo_open)
    value = _as_float(key, get(cfg, key), allowed)
    _check_bounds(key, value, lo, hi, lo_open, allowed)
    return value


def get_choice(cfg: DictConfig, key: str, choices: Sequence[str]) -> str:
    """One of a fixed set of strings."""
    value = get(cfg, key)
    allowed = "one of " + ", ".join(repr(c) for c in choices)
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(key, value, allowed)
    return value


def get_bool(cfg: DictConfig, key: str) -> bool:
    """true or false."""
    value = get(cfg, key)
    if not isinstance(value, bool):
        raise ConfigError(key, value, "true or false")
    return value


def get_list(
    cfg: DictConfig,
    key: str,
    kind: str = "float",
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    min_length: int = 1,
    distinct: bool = True,
) -> list:
    """A scalar or a list of numbers, returned as a list (``kind`` is "int" or "float").

    Every element must be a finite number in the bounds (``|x| <= MAX_MAGNITUDE``). With
    ``distinct`` (the default: such lists are coordinates of the result) no value may
    repeat.
    """
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw]
    allowed = _bounds_text("an integer" if kind == "int" else "a number", lo, hi, lo_open)
    allowed += " or a list of distinct ones" if distinct else " or a list of them"
    if min_length > 1:
        allowed += f" (at least {min_length})"
    if len(values) < min_length:
        raise ConfigError(key, raw, allowed)
    convert = _as_int if kind == "int" else _as_float
    out = []
    for v in values:
        try:
            x = convert(key, v, allowed)
            _check_bounds(key, x, lo, hi, lo_open, allowed)
        except ConfigError as exc:
            raise ConfigError(key, raw, exc.allowed) from None
        out.append(x)
    if distinct and len(set(out)) != len(out):
        dup = next(x for i, x in enumerate(out) if x in out[:i])
        raise ConfigError(key, raw, f"{allowed}; {dup:g} appears more than once")
    return out


def get_optional(cfg: DictConfig, key: str, getter, **kwargs):
    """Return None when the key holds null, else ``getter(cfg, key, **kwargs)``."""
    if get(cfg, key, None) is None:
        return None
    return getter(cfg, key, **kwargs)


def _numbers(node: Any):
    """Every number inside a (nested) list, depth first."""
    if isinstance(node, list):
        for item in node:
            yield from _numbers(item)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield node


def check_numbers(cfg: DictConfig, prefix: str = "") -> None:
    """Reject NaN, inf and out-of-range numbers anywhere in ``cfg``, lists included.

    Whatever a validator later reads, no float may be NaN, infinite or larger in magnitude
    than :data:`MAX_MAGNITUDE`, and no integer larger than :data:`MAX_INT`. The error names
    the key (for an element of a list, the list's key) and its whole value.
    """
    container = OmegaConf.to_container(cfg, resolve=True) if prefix == "" else cfg
    items = container.items() if isinstance(container, dict) else ()
    for name, value in items:
        key = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(value, dict):
            check_numbers(value, key)
            continue
        many = isinstance(value, list)
        for x in _numbers(value):
            if isinstance(x, float) and not math.isfinite(x):
                what = "finite numbers (no nan or inf)" if many else "a finite number"
                raise ConfigError(key, value, what)
            if isinstance(x, float) and abs(x) > MAX_MAGNITUDE:
                what = "numbers" if many else "a number"
                raise ConfigError(key, value, f"{what} with |value| <= {MAX_MAGNITUDE:g}")
            if isinstance(x, int) and abs(x) > MAX_INT:
                what = "integers" if many else "an integer"
                raise ConfigError(key, value, f"{what} with |value| <= 2**63 - 1")


def most_responsible(values: dict[str, tuple[float, float]]) -> tuple[str, float]:
    """The key to blame for a size: the one with the largest ``value / default`` ratio.

    ``values`` maps each key to ``(value, default)``; returns ``(key, value)``. Used by the
    resource checks to name one key in their message.
    """
    key = max(values, key=lambda k: values[k][0] / max(values[k][1], 1e-300))
    return key, values[key][0]


def to_yaml(cfg: DictConfig) -> str:
    """The resolved config as YAML text (for provenance attrs)."""
    return OmegaConf.to_yaml(cfg, resolve=True)
