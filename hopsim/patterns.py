"""Random patterns and the corruption operators applied to cues.

States and patterns are int8 arrays of +1/-1 with the batch (or pattern) axis first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hopsim.errors import ParameterError

CORRUPTIONS = ("flip", "occlude", "invert", "invert_part", "occlude_clamped")

#: Corruptions whose untouched units are known and clamped during recall, and the
#: corruption whose cue (and random stream) they share: ``occlude_clamped`` is ``occlude``'s
#: cue with the visible units held, so the two compare on the very same cues.
CLAMPED = {"occlude_clamped": "occlude"}


def cue_kind(kind: str) -> str:
    """The corruption that makes ``kind``'s cue (and keys its random stream)."""
    return CLAMPED.get(kind, kind)


def as_states(values, name: str = "states", N: int | None = None) -> np.ndarray:
    """``values`` as a C-contiguous (B, N) int8 array of +1/-1, or :class:`ParameterError`.

    Parameters
    ----------
    values : array_like
        (B, N) or (N,) numbers that are all +1 or -1 (ints, floats or a bool-free array).
    name : str
        The parameter named in the error (``"patterns"``, ``"cues"``).
    N : int, optional
        The number of units each state must have.
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        raise ParameterError(name, values, "an array of +1/-1 values") from None
    if array.ndim == 1:
        array = array[None, :]
    shape = f"an array of shape {array.shape}"
    if array.ndim != 2 or array.shape[1] == 0 or array.shape[0] == 0:
        raise ParameterError(name, shape, "a non-empty (B, N) or (N,) array of +1/-1")
    if N is not None and array.shape[1] != N:
        raise ParameterError(name, shape, f"states of N={N} units")
    if array.dtype.kind not in "iuf" or not np.all((array == 1) | (array == -1)):
        raise ParameterError(name, f"{shape} of {array.dtype}", "values that are all +1 or -1")
    return np.ascontiguousarray(array, dtype=np.int8)


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
    kind : {"flip", "occlude", "invert", "invert_part", "occlude_clamped"}
        ``flip``: exactly round(level N) distinct bits chosen at random are flipped.
        ``occlude``: a contiguous block of round(level N) units starting at a random
        position (cyclically) is set to -1. ``invert``: every bit is flipped (level is
        not used). ``invert_part``: a contiguous block of round(level N) units starting at
        a random position (cyclically) is flipped. ``occlude_clamped``: ``occlude``'s cue
        (recall then clamps the visible units, :func:`corrupt_known`).
    level : float
        Fraction of units in [0, 1].
    rng : numpy.random.Generator
        The cue's own stream.
    """
    return corrupt_known(cue, kind, level, rng)[0]


def corrupt_known(
    cue: np.ndarray, kind: str, level: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A corrupted copy of one state and the units the corruption left alone (N,) bool.

    The untouched units are the ones a partial cue knows: ``occlude_clamped`` recall holds
    them. The draws are :func:`corrupt_one`'s (the same cue from the same stream).
    """
    N = cue.shape[-1]
    out = cue.copy()
    known = np.ones(N, dtype=bool)
    kind = cue_kind(kind)
    if kind == "invert":
        return -out, ~known
    k = n_affected(level, N)
    if kind == "flip":
        idx = rng.choice(N, size=k, replace=False)
    elif kind in ("occlude", "invert_part"):
        start = int(rng.integers(N)) if N else 0
        idx = (start + np.arange(k)) % max(N, 1)
    else:
        raise ParameterError("kind", kind, "one of " + ", ".join(map(repr, CORRUPTIONS)))
    out[idx] = -1 if kind == "occlude" else -out[idx]
    known[idx] = False
    return out, known


def corrupt(
    cues: np.ndarray, kind: str, level: float, rngs: Sequence[np.random.Generator]
) -> np.ndarray:
    """Corrupt a batch of cues (B, N), each with its own generator."""
    return corrupt_batch(cues, kind, level, rngs)[0]


def corrupt_batch(
    cues: np.ndarray, kind: str, level: float, rngs: Sequence[np.random.Generator]
) -> tuple[np.ndarray, np.ndarray]:
    """Corrupted cues (B, N) and their untouched units (B, N) bool (:func:`corrupt_known`)."""
    if len(rngs) != cues.shape[0]:
        raise ValueError("corrupt needs one generator per cue")
    pairs = [corrupt_known(c, kind, level, r) for c, r in zip(cues, rngs, strict=True)]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


def overlap(states: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """Overlaps m = s . xi / N, shape (B, P) for states (B, N) and patterns (P, N)."""
    N = states.shape[-1]
    return (states.astype(np.float64) @ patterns.astype(np.float64).T) / N
