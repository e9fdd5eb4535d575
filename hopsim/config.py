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
from collections.abc import Sequence
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

_MISSING = object()


class ConfigError(ValueError):
    """An impossible or unknown config value.

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
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={_show(value)} is not allowed: expected {allowed}")


def _show(value: Any) -> str:
    if isinstance(value, (DictConfig, ListConfig)):
        value = OmegaConf.to_container(value, resolve=True)
    if isinstance(value, str):
        return repr(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    return int(value)


def _as_float(key: str, value: Any, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(key, value, allowed)
    value = float(value)
    if not math.isfinite(value):
        raise ConfigError(key, value, allowed)
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
) -> list:
    """A scalar or a list of numbers, returned as a list (``kind`` is "int" or "float")."""
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw]
    allowed = _bounds_text("an integer" if kind == "int" else "a number", lo, hi, lo_open)
    allowed += " or a list of them"
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
        except ConfigError:
            raise ConfigError(key, raw, allowed) from None
        out.append(x)
    return out


def get_optional(cfg: DictConfig, key: str, getter, **kwargs):
    """Return None when the key holds null, else ``getter(cfg, key, **kwargs)``."""
    if get(cfg, key, None) is None:
        return None
    return getter(cfg, key, **kwargs)


def to_yaml(cfg: DictConfig) -> str:
    """The resolved config as YAML text (for provenance attrs)."""
    return OmegaConf.to_yaml(cfg, resolve=True)
