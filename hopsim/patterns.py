"""Random patterns and the corruption operators applied to cues.

States and patterns are int8 arrays of +1/-1 with the batch (or pattern) axis first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hopsim.errors import ParameterError

CORRUPTIONS = ("flip", "occlude", "invert", "invert_part")


def random_patterns(rng: np.random.Generator, P: int, N: int, bias: float = 0.0) -> np.ndarray:
    """``P`` random patterns of ``N`` units with ``P(+1) = (1 + bias) / 2``.

    Returns
    -------
    numpy.ndarray
        Shape (P, N), dtype int8, values +1/-1.
    """
    if not -1.0 < bias < 1.0:
        raise ParameterError("bias", bias, "a number in (-1, 1)")
    out = np.empty((P, N), dtype=np.int8)
    rows = max(1, (1 << 24) // max(N, 1))  # draw in blocks: no (P, N) float64 temporary
    for start in range(0, P, rows):
        block = rng.random((min(rows, P - start), N)) < (1.0 + bias) / 2.0
        out[start : start + block.shape[0]] = np.where(block, 1, -1)
    return out


def n_affected(level: float, N: int) -> int:
    """How many of ``N`` units a corruption of ``level`` touches: round(level * N)."""
    return int(round(level * N))


def corrupt_one(cue: np.ndarray, kind: str, level: float, rng: np.random.Generator) -> np.ndarray:
    """Return a corrupted copy of one +/-1 state.

    Parameters
    ----------
    cue : numpy.ndarray
        Shape (N,), int8.
    kind : {"flip", "occlude", "invert", "invert_part"}
        ``flip``: exactly round(level N) distinct bits chosen at random are flipped.
        ``occlude``: a contiguous block of round(level N) units starting at a random
        position (cyclically) is set to -1. ``invert``: every bit is flipped (level is
        not used). ``invert_part``: a contiguous block of round(level N) units starting at
        a random position (cyclically) is flipped.
    level : float
        Fraction of units in [0, 1].
    rng : numpy.random.Generator
        The cue's own stream.
    """
    N = cue.shape[-1]
    out = cue.copy()
    if kind == "invert":
        return -out
    k = n_affected(level, N)
    if kind == "flip":
        idx = rng.choice(N, size=k, replace=False)
        out[idx] = -out[idx]
        return out
    if kind in ("occlude", "invert_part"):
        start = int(rng.integers(N)) if N else 0
        idx = (start + np.arange(k)) % max(N, 1)
        if kind == "occlude":
            out[idx] = -1
        else:
            out[idx] = -out[idx]
        return out
    raise ParameterError("kind", kind, "one of " + ", ".join(map(repr, CORRUPTIONS)))


def corrupt(
    cues: np.ndarray, kind: str, level: float, rngs: Sequence[np.random.Generator]
) -> np.ndarray:
    """Corrupt a batch of cues (B, N), each with its own generator."""
    if len(rngs) != cues.shape[0]:
        raise ValueError("corrupt needs one generator per cue")
    return np.stack([corrupt_one(c, kind, level, r) for c, r in zip(cues, rngs, strict=True)])


def overlap(states: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """Overlaps m = s . xi / N, shape (B, P) for states (B, N) and patterns (P, N)."""
    N = states.shape[-1]
    return (states.astype(np.float64) @ patterns.astype(np.float64).T) / N
