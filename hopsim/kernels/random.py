"""SplitMix64 for numba kernels: counter-based and sequential 64-bit random numbers.

Kernels take one 64-bit seed drawn from a SeedTree stream and derive every number
they need from it, so results depend on that stream only (not on threads or batching).
"""

from __future__ import annotations

import numpy as np
from numba import njit

GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def mix64(z):  # pragma: no cover - numba
    """SplitMix64 output function (a bijection of uint64)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def splitmix64(state):  # pragma: no cover - numba
    """Advance a SplitMix64 state; return (new state, 64-bit output)."""
    state = state + GAMMA
    return state, mix64(state)
