"""How much memory a learning rule takes, measured when the rule does not say.

A :class:`~hopsim.learning.Rule` may declare ``learning_bytes(N, P, **options)``, the peak
bytes its ``learn`` allocates beyond the patterns (temporaries and the couplings it
returns). A rule that does not is measured here: :func:`learning_bytes` runs it on a few
small pattern sets under :mod:`tracemalloc` (which sees every numpy allocation), fits

    bytes = a N^2 + b N P + c P^2 + d N     (a, b, c, d >= 0, least squares)

and extrapolates. The fit is made once per rule and options in a process (a few
milliseconds for the rules here). A rule that allocates outside numpy (inside numba, say)
must declare its own estimate.
"""

from __future__ import annotations

import functools
import tracemalloc
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["PROBES", "learning_bytes", "measure_learn"]

#: (N, P) of the probe pattern sets: both orders of growth in N and in P.
PROBES = ((96, 8), (192, 8), (384, 8), (192, 48), (384, 24), (384, 96))


def measure_learn(rule, patterns: np.ndarray, options: Mapping[str, Any]) -> int:
    """Peak bytes ``rule.learn(patterns, **options)`` allocates (numpy included)."""
    started = tracemalloc.is_tracing()
    if not started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = rule.learn(patterns, **options)
        _, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        if not started:
            tracemalloc.stop()
    return max(0, peak - before)


@functools.lru_cache(maxsize=64)
def _coefficients(rule_name: str, options: tuple[tuple[str, Any], ...]) -> tuple[float, ...]:
    from scipy.optimize import nnls

    from hopsim.learning.base import get_rule

    rule = get_rule(rule_name)
    rng = np.random.default_rng(0)
    rows, measured = [], []
    for N, P in PROBES:
        xi = np.where(rng.random((P, N)) < 0.5, -1, 1).astype(np.int8)
        measured.append(measure_learn(rule, xi, dict(options)))
        rows.append((N * N, N * P, P * P, N))
    A, y = np.asarray(rows, dtype=float), np.asarray(measured, dtype=float)
    scale = A.max(axis=0)
    coef, _ = nnls(A / scale, y)
    return tuple(float(c) for c in coef / scale)


def learning_bytes(rule, N: int, P: int, options: Mapping[str, Any]) -> float:
    """Peak bytes of learning ``P`` patterns of ``N`` units with ``rule``.

    The rule's own ``learning_bytes`` when it declares one, else the fit of its measured
    allocations on :data:`PROBES` (see the module docstring).
    """
    if rule.learning_bytes is not None:
        return float(rule.learning_bytes(N, P, **options))
    key = tuple(sorted((k, v) for k, v in options.items()))
    a, b, c, d = _coefficients(rule.name, key)
    N, P = float(N), float(P)
    return a * N * N + b * N * P + c * P * P + d * N
