"""Resource preflight: refuse a config whose arrays cannot fit, before any work.

Each experiment estimates the bytes its largest arrays need (summed over one job) and
the work it will do, and calls :func:`check_memory` / :func:`check_work` while it
validates its config. A refusal is a :class:`ResourceError`, a :class:`ConfigError`
whose one-line message names the key, the estimate and what is available::

    network.N=10000000000 needs ~93 GB for the patterns; 22 GB available
"""

from __future__ import annotations

from typing import Any

from hopsim.config import ConfigError, _show

#: Fraction of the available memory one job may plan to use.
MEMORY_FRACTION = 0.8


class ResourceError(ConfigError):
    """A config value whose memory or run time is out of reach on this machine."""

    def __init__(self, key: str, value: Any, message: str) -> None:
        self.key, self.value, self.allowed = key, value, message
        self.parameter = key
        ValueError.__init__(self, f"{key}={_show(value)} {message}")


def available_memory() -> int:
    """Memory this process may still use, in bytes (MemAvailable on Linux, else 8 GiB)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 * 1024**3


def format_bytes(n: float) -> str:
    """``1.5e9`` -> ``'1.5 GB'`` (decimal units, two significant figures at most)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{int(n)} B"


def check_memory(
    key: str, value: Any, nbytes: float, what: str, available: int | None = None
) -> None:
    """Raise :class:`ResourceError` when ``nbytes`` exceed the usable memory.

    Parameters
    ----------
    key, value : str, object
        The config key (and its value) most responsible for the size, named in the message.
    nbytes : float
        Estimated bytes (a float so that overflowing products stay finite or inf).
    what : str
        What the memory is for, e.g. ``"the patterns"``.
    available : int, optional
        Bytes available (default: :func:`available_memory`).
    """
    free = available_memory() if available is None else available
    if not nbytes <= MEMORY_FRACTION * free:  # also catches nan and inf
        raise ResourceError(
            key,
            value,
            f"needs ~{format_bytes(nbytes)} for {what}; {format_bytes(free)} available",
        )


def check_work(key: str, value: Any, amount: float, limit: float, what: str) -> None:
    """Raise :class:`ResourceError` when a run would do more than ``limit`` units of work."""
    if not amount <= limit:
        raise ResourceError(
            key, value, f"asks for ~{amount:.3g} {what}; at most {limit:.3g} are allowed"
        )
