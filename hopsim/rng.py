"""Reproducible random streams addressed by name and parameter values.

One root :class:`numpy.random.SeedSequence` per run. Every consumer asks for a
stream by a *key*: a stream name plus the parameter values and indices that
identify it, e.g. ``seeds.generator("cue", N, P, pattern, trial)``. The same
key always yields the same numbers, whatever the batch size, the order in which
trials run, the number of jobs or the launcher. Keys built from parameter values
(not positions in a sweep) also make a list of alpha values inside one job give
the same numbers as a Hydra sweep over them.

There is no global random state anywhere in hopsim.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

KeyPart = int | float | str


def _encode(part: KeyPart) -> int:
    """Map one key part to a non-negative integer for ``spawn_key``."""
    if isinstance(part, (bool, np.bool_)):
        return int(part)
    if isinstance(part, (int, np.integer)):
        value = int(part)
        # keep negative integers distinct from positive ones
        return 2 * value if value >= 0 else -2 * value - 1
    if isinstance(part, (float, np.floating)):
        # floats identified to 1e-9, so 0.1 from YAML and 0.1 from a list agree
        return _encode(int(round(float(part) * 1_000_000_000))) + (1 << 62)
    if isinstance(part, str):
        return zlib.crc32(part.encode()) + (1 << 63)
    raise TypeError(f"random-stream key parts must be int, float or str, not {type(part)!r}")


class SeedTree:
    """Root of all random streams of one run.

    Parameters
    ----------
    seed : int
        The config's ``seed`` (a non-negative integer).

    Examples
    --------
    >>> seeds = SeedTree(0)
    >>> a = seeds.generator("patterns", 100, 5).integers(0, 2, 3)
    >>> b = SeedTree(0).generator("patterns", 100, 5).integers(0, 2, 3)
    >>> bool((a == b).all())
    True
    """

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed={seed!r} is not allowed: expected an integer >= 0")
        self.seed = int(seed)

    def sequence(self, *key: KeyPart) -> np.random.SeedSequence:
        """The SeedSequence for one key."""
        return np.random.SeedSequence(self.seed, spawn_key=tuple(_encode(k) for k in key))

    def generator(self, *key: KeyPart) -> np.random.Generator:
        """A fresh PCG64 generator for one key."""
        return np.random.Generator(np.random.PCG64(self.sequence(*key)))

    def generators(self, prefix: Iterable[KeyPart], indices: Iterable[int]) -> list:
        """One generator per index: ``generator(*prefix, i)`` for each ``i``."""
        prefix = tuple(prefix)
        return [self.generator(*prefix, int(i)) for i in indices]
