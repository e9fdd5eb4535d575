"""A discrete Hopfield network: couplings, thresholds, local fields and energy.

The couplings are held as ``W = scale * J``, built from a learning rule's
:class:`~hopsim.learning.Couplings` (:meth:`Network.learned`) or given directly
(:meth:`Network.from_couplings`, ``scale = 1``). Where the rule says its couplings are
integers (Hebb, Krauth-Mezard), ``J`` holds them exactly and the update test
``J s >= theta / scale`` is exact, ties included; real couplings (Storkey, pseudo-inverse,
covariance) are stored in float32 and every field is computed in float64.

Three storage modes give the same fields:

``dense``
    ``J`` as an (N, N) float32 matrix (integers are exact below 2**24).
``compact``
    integer rules only: ``J`` as int8 (``|J_ij| <= 127``) or int16 (``<= 32767``), 4x or
    2x less memory; products go through float32 BLAS a block of rows at a time.
``lowrank``
    rules with a factored form ``J = L^T R - diag(d)`` only: raw fields
    ``J s = L^T (R s) - d s``, O(N R) per state instead of O(N^2), and memory O(N R).
    Used when W would not fit in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from hopsim.errors import ParameterError, check_choice
from hopsim.learning import Couplings, LowRank, Rule, get_rule, learn
from hopsim.resources import available_memory

MODES = ("auto", "dense", "compact", "lowrank")
_BLOCK_ROWS = 2048
TIE_RULES = ("plus", "keep")


@dataclass(frozen=True)
class Network:
    """Couplings and thresholds of a discrete Hopfield network.

    Use :meth:`learned`, :meth:`hebbian` or :meth:`from_couplings` to build one.

    Attributes
    ----------
    N : int
        Number of neurons.
    scale : float
        ``W = scale * J``.
    raw_thresholds : numpy.ndarray
        ``theta / scale``, shape (N,), compared with the raw fields ``J s``.
    thresholds : numpy.ndarray
        ``theta``, shape (N,) (the ``theta`` given plus the rule's own threshold).
    tie : {"plus", "keep"}
        What a neuron does when its field equals its threshold.
    J : numpy.ndarray or None
        Raw dense couplings (N, N), or None in low-rank mode.
    patterns : numpy.ndarray or None
        Stored patterns (P, N) int8, when the network was learned from patterns.
    couplings : Couplings or None
        What the learning rule returned (its flags and factors); None for couplings given
        directly.
    """

    N: int
    scale: float
    thresholds: np.ndarray
    raw_thresholds: np.ndarray
    tie: str = "plus"
    J: np.ndarray | None = None
    patterns: np.ndarray | None = None
    couplings: Couplings | None = None

    # ------------------------------------------------------------------ builders
    @classmethod
    def learned(
        cls,
        patterns: np.ndarray,
        rule: str | Rule = "hebb",
        options: dict | None = None,
        theta: float | np.ndarray = 0.0,
        tie: str = "plus",
        mode: str = "auto",
        free_bytes: int | None = None,
    ) -> Network:
        """Network storing ``patterns`` with a registered learning rule.

        Parameters
        ----------
        patterns : numpy.ndarray
            (P, N) +/-1 patterns.
        rule : str or Rule
            A registered rule or its name (:func:`hopsim.learning.rule_names`).
        options : dict, optional
            The rule's options.
        theta : float or numpy.ndarray
            One threshold for all neurons or one per neuron (N,); the rule's own
            threshold (the covariance rule's) is added.
        tie : {"plus", "keep"}
        mode : {"auto", "dense", "compact", "lowrank"}
            Storage; ``auto`` picks the fastest the rule allows that fits in a quarter of
            free memory (:func:`choose_mode`).
        free_bytes : int, optional
            Free memory for ``auto`` (default: measured).
        """
        patterns = np.ascontiguousarray(patterns, dtype=np.int8)
        P, N = patterns.shape
        rule = get_rule(rule)
        check_choice("tie", tie, TIE_RULES)
        allowed = rule.modes()
        if mode != "auto" and mode not in allowed:
            raise ParameterError(
                "mode", mode, f"one of auto, {', '.join(allowed)} with the {rule.name} rule"
            )
        couplings = learn(rule, patterns, options)
        mode = choose_mode(N, P, mode, free_bytes, allowed, couplings.max_abs)
        return cls.from_learned(couplings, patterns, theta, tie, mode)

    @classmethod
    def from_learned(
        cls,
        couplings: Couplings,
        patterns: np.ndarray | None = None,
        theta: float | np.ndarray = 0.0,
        tie: str = "plus",
        mode: str = "dense",
    ) -> Network:
        """Network from a rule's couplings in storage ``mode`` (already resolved)."""
        c, N = couplings, couplings.N
        theta_vec = _threshold_vector(theta, N)
        if c.threshold_shift is not None:
            theta_vec = theta_vec + c.threshold_shift
        raw = theta_vec * c.inverse_scale  # theta / scale without rounding the scale first
        if mode == "lowrank":
            if c.lowrank is None:
                raise ParameterError(
                    "mode", mode, f"dense with the {c.rule} rule (no low-rank form)"
                )
            J = None
        elif mode == "compact":
            if not c.integer:
                raise ParameterError("mode", mode, f"dense with the {c.rule} rule (real couplings)")
            J = c.dense(compact_dtype(c.max_abs))
        elif mode == "dense":
            exact = not c.integer or c.max_abs < 2**24
            J = c.dense(np.float32 if exact else np.float64)
        else:
            raise ParameterError("mode", mode, "one of " + ", ".join(map(repr, MODES[1:])))
        return cls(N, c.scale, theta_vec, raw, tie, J=J, patterns=patterns, couplings=c)

    @classmethod
    def hebbian(
        cls,
        patterns: np.ndarray,
        theta: float | np.ndarray = 0.0,
        tie: str = "plus",
        mode: str = "dense",
    ) -> Network:
        """Hebbian network ``W = (1/N) sum_mu xi_mu xi_mu^T``, ``W_ii = 0``.

        Shorthand for ``Network.learned(patterns, "hebb", theta=theta, tie=tie, mode=mode)``.
        """
        check_choice("mode", mode, MODES[1:])
        return cls.learned(patterns, "hebb", None, theta, tie, mode)

    @classmethod
    def from_couplings(
        cls, W: np.ndarray, theta: float | np.ndarray = 0.0, tie: str = "plus"
    ) -> Network:
        """Network with the given couplings ``W`` (N, N), used as they are."""
        W = np.ascontiguousarray(W, dtype=np.float64)
        if W.ndim != 2 or W.shape[0] != W.shape[1]:
            raise ParameterError("W", f"an array of shape {W.shape}", "a square (N, N) matrix")
        if not np.isfinite(W).all():
            raise ParameterError("W", "a matrix with nan or inf", "finite couplings")
        check_choice("tie", tie, TIE_RULES)
        theta_vec = _threshold_vector(theta, W.shape[0])
        return cls(W.shape[0], 1.0, theta_vec, theta_vec.copy(), tie, J=W)

    # ------------------------------------------------------------------ queries
    @property
    def mode(self) -> str:
        """``dense``, ``compact`` or ``lowrank``."""
        if self.J is None:
            return "lowrank"
        return "dense" if self.J.dtype.kind == "f" else "compact"

    @property
    def integer(self) -> bool:
        """Raw couplings are exact integers (learned by an integer rule)."""
        return self.couplings is not None and self.couplings.integer

    @cached_property
    def symmetric(self) -> bool:
        """``J == J^T`` (from the rule's flag, or checked for couplings given directly)."""
        if self.couplings is not None:
            return self.couplings.symmetric
        return bool(np.array_equal(self.J, self.J.T))

    @property
    def factors(self) -> LowRank:
        """The factored couplings ``J = L^T R - diag(d)`` (low-rank mode)."""
        if self.couplings is None or self.couplings.lowrank is None:
            raise ValueError("these couplings have no low-rank form")
        return self.couplings.lowrank

    @cached_property
    def columns(self) -> np.ndarray:
        """Matrix whose row i is column i of J (J itself when symmetric)."""
        if self.symmetric:
            return self.J
        return np.ascontiguousarray(self.J.T)

    @cached_property
    def field_dtype(self):
        """float32 when every raw field is an exactly representable integer, else float64.

        Integer raw fields are bounded by the largest row sum of |J|; below 2**24
        float32 holds them, and every partial sum on the way, exactly. Halving the bytes
        per field speeds up the memory-bound sweeps. Real couplings keep float64 fields,
        so incremental updates do not drift.
        """
        if self.J is None or not self.integer:
            return np.float64
        if self.couplings.max_abs * (self.N - 1) < 2**24:
            return np.float32
        bound = max(
            float(np.abs(self.J[i : i + 1024]).sum(axis=1, dtype=np.float64).max())
            for i in range(0, self.N, 1024)
        )
        return np.float32 if bound < 2**24 else np.float64

    @cached_property
    def kernel_columns(self) -> np.ndarray:
        """Rows read by the incremental sweep kernel: the smallest exact type.

        Dense integer J is kept in float32 for BLAS; the sweep kernel reads an int8/int16
        copy (``|J_ij| <= 127`` / ``<= 32767``), a quarter or half of the bytes per flip.
        """
        if not self.integer or self.J.dtype.kind != "f":
            return self.columns
        dtype = compact_dtype(self.couplings.max_abs)
        return self.columns if dtype == np.float32 else self.columns.astype(dtype)

    @cached_property
    def patterns_t(self) -> np.ndarray:
        """Transposed patterns (N, P) int8, contiguous."""
        return np.ascontiguousarray(self.patterns.T)

    @cached_property
    def left_t(self) -> np.ndarray:
        """Transposed left factor (N, R), contiguous (low-rank kernels)."""
        return np.ascontiguousarray(self.factors.left.T)

    @cached_property
    def right_t(self) -> np.ndarray:
        """Transposed right factor (N, R), contiguous (the left one when symmetric)."""
        if self.factors.symmetric:
            return self.left_t
        return np.ascontiguousarray(self.factors.right.T)

    def overlaps_raw(self, states: np.ndarray, side: str = "right") -> np.ndarray:
        """Factor overlaps ``R s`` (or ``L s``) of states, (B, R) float64.

        For Hebb these are the raw overlaps ``xi s`` with the stored patterns.
        """
        F = self.factors.right if side == "right" else self.factors.left
        S = np.atleast_2d(states)
        exact32 = F.dtype == np.int8  # |sum| <= N < 2**24: float32 BLAS is exact
        work = np.float32 if exact32 else np.float64
        S_work = S.astype(work)
        out = np.empty((S.shape[0], F.shape[0]), dtype=np.float64)
        for start, block in _row_blocks(F, work):
            out[:, start : start + block.shape[0]] = S_work @ block.T
        return out

    def lowrank_fields_from_overlaps(self, M: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Raw fields ``L^T M - d s`` from factor overlaps M (B, R), in float64 blocks."""
        f = self.factors
        H = -f.diagonal * np.atleast_2d(states).astype(np.float64)
        for start, block in _row_blocks(f.left, np.float64):
            H += M[:, start : start + block.shape[0]] @ block
        return H

    def lowrank_energy(self, M: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Energies from the factor overlaps ``M = R s``: ``s^T J s = (L s).(R s) - sum d``."""
        f = self.factors
        left = M if f.symmetric else self.overlaps_raw(states, side="left")
        quad = np.einsum("bm,bm->b", left, M) - f.diagonal.sum()
        S = np.atleast_2d(states).astype(np.float64)
        return -0.5 * self.scale * quad + S @ self.thresholds

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns (0 when the couplings were given directly)."""
        return 0 if self.patterns is None else int(self.patterns.shape[0])

    def weights(self) -> np.ndarray:
        """The coupling matrix ``W`` as float64 (forms it in low-rank mode: O(N^2) memory)."""
        if self.J is not None:
            return self.scale * self.J.astype(np.float64)
        return self.scale * self.couplings.dense(np.float64)

    def raw_fields(self, states: np.ndarray) -> np.ndarray:
        """Raw local fields ``J s`` for states (B, N); float64 (B, N)."""
        S = np.atleast_2d(states)
        if self.J is None:
            return self.lowrank_fields_from_overlaps(self.overlaps_raw(S), S)
        if self.J.dtype == np.float64:
            return S.astype(np.float64) @ self.J.T
        if not self.integer and self.couplings is not None:  # real float32 J: float64 sums
            S64 = S.astype(np.float64)
            out = np.empty(S.shape, dtype=np.float64)
            for start in range(0, self.N, _BLOCK_ROWS):
                block = self.J[start : start + _BLOCK_ROWS].astype(np.float64)
                out[:, start : start + _BLOCK_ROWS] = S64 @ block.T
            return out
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
    try:
        vector = np.asarray(theta, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError("theta", theta, f"a number or N={N} numbers") from None
    if vector.ndim == 0:
        vector = np.full(N, float(vector))
    if vector.shape != (N,) or not np.isfinite(vector).all():
        raise ParameterError("theta", theta, f"a finite number or N={N} finite numbers")
    return vector.copy()


def _row_blocks(F: np.ndarray, dtype):
    """Yield (start, F[start:start+k] as dtype), about 64 MB at a time (no full copy)."""
    rows = max(1, (1 << 26) // (np.dtype(dtype).itemsize * max(F.shape[1], 1)))
    for start in range(0, F.shape[0], rows):
        yield start, F[start : start + rows].astype(dtype)


def compact_dtype(max_abs: float):
    """Smallest integer dtype that holds integer couplings with ``|J_ij| <= max_abs``.

    For Hebb ``max_abs = P``; float32 when even int16 cannot hold them.
    """
    if max_abs <= 127:
        return np.int8
    if max_abs <= 32767:
        return np.int16
    return np.float32


def coupling_bytes(
    N: int, P: int, mode: str, max_abs: float | None = None, rank: int | None = None
) -> int:
    """Memory of the coupling storage in a mode (Hebb's bounds by default)."""
    if mode == "dense":
        return 4 * N * N
    if mode == "compact":
        return np.dtype(compact_dtype(P if max_abs is None else max_abs)).itemsize * N * N
    return N * (P if rank is None else rank)


def choose_mode(
    N: int,
    P: int,
    requested: str = "auto",
    free_bytes: int | None = None,
    allowed: tuple[str, ...] = ("dense", "compact", "lowrank"),
    max_abs: float | None = None,
) -> str:
    """Resolve the storage ``mode``: the fastest storage that fits in a quarter of free memory.

    Dense float32 (4 N^2 bytes) is fastest: BLAS products, and an asynchronous sweep
    without flips costs O(N) per cue. Compact int8/int16 (integer rules only) takes 1 or
    2 bytes per entry at a small cost per product. Low-rank (N P bytes) costs O(N P) per
    sweep but always fits. Only the modes in ``allowed`` (the rule's) are considered.
    """
    if requested != "auto":
        return requested
    if free_bytes is None:
        free_bytes = available_memory()
    for mode in ("dense", "compact"):
        if mode in allowed and coupling_bytes(N, P, mode, max_abs) <= free_bytes // 4:
            return mode
    return "lowrank" if "lowrank" in allowed else "dense"
