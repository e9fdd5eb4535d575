"""A discrete Hopfield network: couplings, thresholds, local fields and energy.

The couplings are held as ``W = scale * J``. For Hebbian learning ``J`` is the
integer matrix ``sum_mu xi_mu xi_mu^T`` (zero diagonal) and ``scale = 1/N``, so the
update test ``J s >= theta / scale`` is exact, ties included. For couplings given
directly, ``scale = 1`` and ``J = W``.

Two storage modes give the same fields:

``dense``
    ``J`` as an (N, N) float32 matrix (Hebbian integers are exact below 2**24).
``compact``
    ``J`` as int8 (P <= 127) or int16 (P <= 32767): 4x or 2x less memory; products go
    through float32 BLAS a block of rows at a time.
``lowrank``
    Only the patterns: raw fields ``J s = xi^T (xi s) - P s``, O(NP) per state
    instead of O(N^2), and memory O(NP). Used when W would not fit in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from hopsim.learning import hebb_integer

MODES = ("auto", "dense", "compact", "lowrank")
_BLOCK_ROWS = 2048
TIE_RULES = ("plus", "keep")


@dataclass(frozen=True)
class Network:
    """Couplings and thresholds of a discrete Hopfield network.

    Use :meth:`hebbian` or :meth:`from_couplings` to build one.

    Attributes
    ----------
    N : int
        Number of neurons.
    scale : float
        ``W = scale * J``.
    raw_thresholds : numpy.ndarray
        ``theta / scale``, shape (N,), compared with the raw fields ``J s``.
    thresholds : numpy.ndarray
        ``theta``, shape (N,).
    tie : {"plus", "keep"}
        What a neuron does when its field equals its threshold.
    J : numpy.ndarray or None
        Raw dense couplings (N, N), or None in low-rank mode.
    patterns : numpy.ndarray or None
        Stored patterns (P, N) int8 in low-rank mode (and kept for reference in dense
        Hebbian networks).
    """

    N: int
    scale: float
    thresholds: np.ndarray
    raw_thresholds: np.ndarray
    tie: str = "plus"
    J: np.ndarray | None = None
    patterns: np.ndarray | None = None

    # ------------------------------------------------------------------ builders
    @classmethod
    def hebbian(
        cls,
        patterns: np.ndarray,
        theta: float | np.ndarray = 0.0,
        tie: str = "plus",
        mode: str = "dense",
    ) -> Network:
        """Hebbian network ``W = (1/N) sum_mu xi_mu xi_mu^T``, ``W_ii = 0``.

        Parameters
        ----------
        patterns : numpy.ndarray
            (P, N) +/-1 patterns.
        theta : float or numpy.ndarray
            One threshold for all neurons or one per neuron (N,).
        tie : {"plus", "keep"}
        mode : {"dense", "compact", "lowrank"}
            Storage; see the module docstring (``auto`` is resolved by the caller with
            :func:`choose_mode`).
        """
        patterns = np.ascontiguousarray(patterns, dtype=np.int8)
        P, N = patterns.shape
        theta_vec = _threshold_vector(theta, N)
        raw = theta_vec * N  # theta / (1/N), computed without rounding 1/N first
        if mode == "dense":
            return cls(N, 1.0 / N, theta_vec, raw, tie, J=hebb_integer(patterns), patterns=patterns)
        if mode == "compact":
            J = hebb_integer(patterns, compact_dtype(P))
            return cls(N, 1.0 / N, theta_vec, raw, tie, J=J, patterns=patterns)
        if mode == "lowrank":
            return cls(N, 1.0 / N, theta_vec, raw, tie, J=None, patterns=patterns)
        raise ValueError(f"network.mode={mode!r} is not allowed: expected one of {MODES[1:]}")

    @classmethod
    def from_couplings(
        cls, W: np.ndarray, theta: float | np.ndarray = 0.0, tie: str = "plus"
    ) -> Network:
        """Network with the given couplings ``W`` (N, N), used as they are."""
        W = np.ascontiguousarray(W, dtype=np.float64)
        if W.ndim != 2 or W.shape[0] != W.shape[1]:
            raise ValueError(f"couplings must be a square matrix, got shape {W.shape}")
        theta_vec = _threshold_vector(theta, W.shape[0])
        return cls(W.shape[0], 1.0, theta_vec, theta_vec.copy(), tie, J=W)

    # ------------------------------------------------------------------ queries
    @property
    def mode(self) -> str:
        """``dense``, ``compact`` or ``lowrank``."""
        if self.J is None:
            return "lowrank"
        return "dense" if self.J.dtype.kind == "f" else "compact"

    @cached_property
    def columns(self) -> np.ndarray:
        """Matrix whose row i is column i of J (J itself when symmetric, as Hebbian J is)."""
        if self.patterns is not None or np.array_equal(self.J, self.J.T):
            return self.J
        return np.ascontiguousarray(self.J.T)

    @cached_property
    def field_dtype(self):
        """float32 when every raw field is an exactly representable integer, else float64.

        Hebbian raw fields are integers bounded by the largest row sum of |J|; below 2**24
        float32 holds them, and every partial sum on the way, exactly. Halving the bytes
        per field speeds up the memory-bound sweeps.
        """
        if self.J is None or self.patterns is None:
            return np.float64
        P, N = self.patterns.shape
        if P * (N - 1) < 2**24:
            return np.float32
        bound = max(
            float(np.abs(self.J[i : i + 1024]).sum(axis=1, dtype=np.float64).max())
            for i in range(0, N, 1024)
        )
        return np.float32 if bound < 2**24 else np.float64

    @cached_property
    def kernel_columns(self) -> np.ndarray:
        """Rows read by the incremental sweep kernel: the smallest exact integer type.

        Dense Hebbian J is kept in float32 for BLAS; the sweep kernel reads an int8/int16
        copy (P <= 127 / P <= 32767), a quarter or half of the bytes per flip.
        """
        if self.patterns is None or self.J.dtype.kind != "f":
            return self.columns
        dtype = compact_dtype(self.n_patterns)
        return self.columns if dtype == np.float32 else self.columns.astype(dtype)

    @cached_property
    def patterns_t(self) -> np.ndarray:
        """Transposed patterns (N, P) int8, contiguous (low-rank kernels)."""
        return np.ascontiguousarray(self.patterns.T)

    def overlaps_raw(self, states: np.ndarray) -> np.ndarray:
        """Raw overlaps ``xi s`` (B, P) float64 of states with the stored patterns."""
        S32 = np.atleast_2d(states).astype(np.float32)  # exact: |xi s| <= N < 2**24
        out = np.empty((S32.shape[0], self.n_patterns), dtype=np.float64)
        for start, block in self._pattern_blocks(np.float32):
            out[:, start : start + block.shape[0]] = S32 @ block.T
        return out

    def _pattern_blocks(self, dtype):
        """Yield (start, patterns[start:start+k] as dtype) so no full float copy is made."""
        rows = max(1, (1 << 26) // (np.dtype(dtype).itemsize * max(self.N, 1)))
        for start in range(0, self.n_patterns, rows):
            yield start, self.patterns[start : start + rows].astype(dtype)

    def lowrank_fields_from_overlaps(self, M: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Raw fields ``xi^T M - P s`` from raw overlaps M (B, P), in float64 blocks (exact)."""
        H = -float(self.n_patterns) * np.atleast_2d(states).astype(np.float64)
        for start, block in self._pattern_blocks(np.float64):
            H += M[:, start : start + block.shape[0]] @ block
        return H

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns (0 when the couplings were given directly)."""
        return 0 if self.patterns is None else int(self.patterns.shape[0])

    def weights(self) -> np.ndarray:
        """The coupling matrix ``W`` as float64 (forms it in low-rank mode: O(N^2) memory)."""
        if self.J is not None:
            return self.scale * self.J.astype(np.float64)
        return self.scale * hebb_integer(self.patterns, np.float64)

    def raw_fields(self, states: np.ndarray) -> np.ndarray:
        """Raw local fields ``J s`` for states (B, N); float64 (B, N)."""
        S = np.atleast_2d(states)
        if self.J is None:
            return self.lowrank_fields_from_overlaps(self.overlaps_raw(S), S)
        if self.J.dtype == np.float64:
            return S.astype(np.float64) @ self.J.T
        S32 = S.astype(np.float32)
        if self.J.dtype == np.float32:
            return (S32 @ self.J.T).astype(np.float64)
        out = np.empty(S.shape, dtype=np.float64)  # compact: float32 BLAS a block at a time
        for start in range(0, self.N, _BLOCK_ROWS):
            block = self.J[start : start + _BLOCK_ROWS].astype(np.float32)
            out[:, start : start + _BLOCK_ROWS] = S32 @ block.T
        return out

    def fields(self, states: np.ndarray) -> np.ndarray:
        """Local fields ``h = W s`` (B, N)."""
        return self.scale * self.raw_fields(states)

    def energy(self, states: np.ndarray) -> np.ndarray:
        """``E(s) = -1/2 s^T W s + theta^T s`` for each state, shape (B,)."""
        S = np.atleast_2d(states).astype(np.float64)
        return self.energy_from_raw(S, self.raw_fields(S))

    def energy_from_raw(self, states: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Energy from states and their raw fields, without another matrix product."""
        S = states.astype(np.float64)
        return -0.5 * self.scale * np.einsum("bi,bi->b", S, raw) + S @ self.thresholds

    def threshold_update(self, raw: np.ndarray, old: np.ndarray) -> np.ndarray:
        """New states from raw fields: +1 if ``raw >= raw_theta`` else -1 (tie rule applied)."""
        return threshold_rule(raw, self.raw_thresholds, old, self.tie == "keep")


def threshold_rule(raw: np.ndarray, thr: np.ndarray, old: np.ndarray, keep: bool) -> np.ndarray:
    """+1 where the raw field reaches the threshold, else -1; ties keep ``old`` when asked."""
    new = np.where(raw >= thr, 1, -1).astype(np.int8)
    return np.where(raw == thr, old, new).astype(np.int8) if keep else new


def _threshold_vector(theta: float | np.ndarray, N: int) -> np.ndarray:
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim == 0:
        return np.full(N, float(theta))
    if theta.shape != (N,):
        raise ValueError(
            f"network.theta has {theta.size} values: expected one number or a list of N={N}"
        )
    return theta.copy()


def compact_dtype(P: int):
    """Smallest integer dtype that holds Hebbian couplings of P patterns (|J_ij| <= P)."""
    if P <= 127:
        return np.int8
    if P <= 32767:
        return np.int16
    return np.float32


def coupling_bytes(N: int, P: int, mode: str) -> int:
    """Memory of the coupling storage in a mode."""
    if mode == "dense":
        return 4 * N * N
    if mode == "compact":
        return np.dtype(compact_dtype(P)).itemsize * N * N
    return N * P


def choose_mode(N: int, P: int, requested: str = "auto", free_bytes: int | None = None) -> str:
    """Resolve ``network.mode``: the fastest storage that fits in a quarter of free memory.

    Dense float32 (4 N^2 bytes) is fastest: BLAS products, and an asynchronous sweep
    without flips costs O(N) per cue. Compact int8/int16 takes 1 or 2 bytes per entry
    at a small cost per product. Low-rank (N P bytes) costs O(N P) per sweep but
    always fits.
    """
    if requested != "auto":
        return requested
    if free_bytes is None:
        free_bytes = available_memory()
    for mode in ("dense", "compact"):
        if coupling_bytes(N, P, mode) <= free_bytes // 4:
            return mode
    return "lowrank"


def available_memory() -> int:
    """Free memory in bytes (MemAvailable on Linux; 8 GiB when unknown)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 * 1024**3
