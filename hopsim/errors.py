"""The one error type of hopsim's Python entry points: a bad argument, named.

Every function a user calls (``hopsim.store``, ``Network.recall``, a learning rule, a
dynamics function) refuses an impossible argument with a :class:`ParameterError`, a
``ValueError`` whose message names the parameter, its value and what is allowed::

    rule='storkee' is not allowed: expected one of hebb, storkey, pseudo_inverse, ...

The model layer speaks of its own parameters only. The command's config layer
(:mod:`hopsim.config`) turns the same errors into its ``KEY=VALUE`` messages by renaming
the parameter to the config key that set it (:class:`hopsim.config.ConfigError` is a
subclass), so one check serves both.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ParameterError", "show_value"]


def show_value(value: Any) -> str:
    """A value as an error message shows it: strings quoted, long values cut at 60 chars."""
    if isinstance(value, str):
        return repr(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ParameterError(ValueError):
    """An argument that is not allowed.

    Parameters
    ----------
    parameter : str
        The parameter's name as the caller wrote it (``"rule"``, ``"theta"``, ``"kappa"``).
    value : object
        The offending value.
    allowed : str
        What would have been accepted, in words (``"one of 'sync', 'async'"``).

    Attributes
    ----------
    parameter, value, allowed
        As given, so a caller can rename the parameter (the config layer names its key).
    """

    def __init__(self, parameter: str, value: Any, allowed: str) -> None:
        self.parameter, self.value, self.allowed = parameter, value, allowed
        super().__init__(f"{parameter}={show_value(value)} is not allowed: expected {allowed}")


def check_choice(parameter: str, value: Any, choices) -> str:
    """``value`` if it is one of ``choices`` (strings), else :class:`ParameterError`."""
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(parameter, value, "one of " + ", ".join(repr(c) for c in choices))
    return value
