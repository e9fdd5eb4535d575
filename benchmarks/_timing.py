"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import time

import numpy as np


def median_time(fn, repeats: int, warm_up: bool = False) -> float:
    """Median wall time of ``repeats`` calls of ``fn()``, in seconds.

    ``warm_up`` makes one untimed call first (numba compilation, caches).
    """
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
