"""A discrete Hopfield network: couplings, thresholds, local fields and energy.

The couplings are held as ``W = scale * J``. For Hebbian learning ``J`` is the
integer matrix ``sum_mu xi_mu xi_mu^T`` (zero diagonal) and ``scale = 1/N``, so the
update test ``J s >= theta / scale`` is exact, ties included. For couplings given
directly, ``scale = 1`` and ``J = W``.

Two storage modes give the same fields:

``dense``
    ``J`` as an (N, N) matrix (float32 for Hebbian integers, exact below 2**24).
``lowrank``
    Only the patterns: raw fields ``J s = xi^T (xi s) - P s``, O(NP) per state
    instead of O(N^2), and memory O(NP). Used when W would not fit in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hopsim.learning import hebb_integer

MODES = ("auto", "dense", "lowrank")
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
        mode : {"dense", "lowrank"}
            Storage; see the module docstring (``auto`` is resolved by the caller with
            :func:`choose_mode`).
        """
        patterns = np.ascontiguousarray(patterns, dtype=np.int8)
        P, N = patterns.shape
        theta_vec = _threshold_vector(theta, N)
        raw = theta_vec * N  # theta / (1/N), computed without rounding 1/N first
        if mode == "dense":
            return cls(N, 1.0 / N, theta_vec, raw, tie, J=hebb_integer(patterns), patterns=patterns)
        if mode == "lowrank":
            return cls(N, 1.0 / N, theta_vec, raw, tie, J=None, patterns=patterns)
        raise ValueError(f"network.mode={mode!r} is not allowed: expected 'dense' or 'lowrank'")

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
        """``dense`` or ``lowrank``."""
        return "dense" if self.J is not None else "lowrank"

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
        if self.J is not None:
            dtype = np.float32 if self.J.dtype == np.float32 else np.float64
            return (S.astype(dtype) @ self.J.T).astype(np.float64)
        xi = self.patterns.astype(np.float64)
        return (S @ xi.T) @ xi - self.n_patterns * S

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
        new = np.where(raw >= self.raw_thresholds, 1, -1).astype(np.int8)
        if self.tie == "keep":
            new = np.where(raw == self.raw_thresholds, old, new).astype(np.int8)
        return new


def _threshold_vector(theta: float | np.ndarray, N: int) -> np.ndarray:
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim == 0:
        return np.full(N, float(theta))
    if theta.shape != (N,):
        raise ValueError(
            f"network.theta has {theta.size} values: expected one number or a list of N={N}"
        )
    return theta.copy()


def dense_bytes(N: int) -> int:
    """Memory of the dense float32 coupling matrix."""
    return 4 * N * N


def choose_mode(N: int, P: int, requested: str = "auto", free_bytes: int | None = None) -> str:
    """Resolve ``network.mode``: dense when W fits in a quarter of free memory, else lowrank.

    Dense storage takes 4 N^2 bytes but lets an asynchronous sweep without flips cost
    O(N) per cue (incremental fields); low-rank takes N P bytes and costs O(N P) per
    sweep. So dense is preferred whenever it fits.
    """
    if requested in ("dense", "lowrank"):
        return requested
    if free_bytes is None:
        free_bytes = available_memory()
    if dense_bytes(N) > free_bytes // 4:
        return "lowrank"
    return "dense"


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
