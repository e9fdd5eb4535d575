"""Ising chain and square lattice at temperature T: checkerboard and Wolff updates.

``H(s) = -J sum_<ij> s_i s_j - h sum_i s_i`` on a periodic chain of L spins or a
periodic L x L square lattice (nearest neighbours, each bond counted once). Algorithms:

``metropolis``
    flip with probability ``min(1, exp(-dE / T))``;
``glauber``
    heat bath: flip with probability ``1 / (1 + exp(dE / T))``;
``wolff``
    single-cluster updates (square lattice, ``h = 0``, ``J > 0``), bonds added with
    probability ``1 - exp(-2 J / T)``. One Wolff *sweep* is a fixed number of clusters,
    ``round(N / <cluster size>)``, the size learnt during thermalisation (at least one
    sweep of it), so that a sweep flips about N spins.

Single-spin updates visit one checkerboard colour after the other (each colour is a set
of non-interacting spins, so updating it at once is exact); every sweep offers each spin
one update. The hot loops are in :mod:`hopsim.kernels.lattice`; each call of
:func:`simulate` draws one 64-bit seed from the chain's Generator and the kernels use
counter-based random numbers from it, so results depend only on that Generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hopsim.errors import ParameterError
from hopsim.kernels import lattice as kernels

KINDS = ("chain", "square")
ALGORITHMS = ("metropolis", "glauber", "wolff")
STARTS = ("up", "random")


@dataclass(frozen=True)
class Lattice:
    """A periodic Ising lattice.

    Attributes
    ----------
    kind : {"chain", "square"}
    L : int
        Linear size (even): N = L spins for the chain, L^2 for the square lattice.
    J : float
        Nearest-neighbour coupling.
    h : float
        Uniform field.
    """

    kind: str
    L: int
    J: float = 1.0
    h: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ParameterError("kind", self.kind, "one of " + ", ".join(map(repr, KINDS)))
        if self.L < 2 or self.L % 2:
            raise ParameterError("L", self.L, "an even integer >= 2")

    @property
    def N(self) -> int:
        """Number of spins."""
        return self.L if self.kind == "chain" else self.L * self.L

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of a spin array."""
        return (self.L,) if self.kind == "chain" else (self.L, self.L)

    def initial(self, start: str, rng: np.random.Generator | None = None) -> np.ndarray:
        """All +1 (``up``) or random (``random``, needs ``rng``) int8 spins."""
        if start == "up":
            return np.ones(self.shape, dtype=np.int8)
        if start == "random":
            return np.where(rng.random(self.shape) < 0.5, 1, -1).astype(np.int8)
        raise ParameterError("start", start, "one of " + ", ".join(map(repr, STARTS)))

    def measure(self, spins: np.ndarray) -> tuple[float, float]:
        """Magnetization and energy per spin of one configuration."""
        fn = kernels.chain_measure if self.kind == "chain" else kernels.square_measure
        return fn(spins, float(self.J), float(self.h))


def flip_probability(dE: np.ndarray, beta: float, rule: str) -> np.ndarray:
    """Probability to flip a spin whose flip changes the energy by ``dE``."""
    with np.errstate(over="ignore"):
        if rule == "metropolis":
            return np.minimum(1.0, np.exp(-beta * dE))
        if rule == "glauber":
            return 1.0 / (1.0 + np.exp(beta * dE))
    raise ParameterError("rule", rule, "'metropolis' or 'glauber'")


def acceptance_table(beta: float, J: float, h: float, rule: str) -> np.ndarray:
    """Integer flip thresholds indexed by ``9 (s + 1)/2 + nb + 4`` (see the kernels).

    Entry = ``floor(p 2^53)`` with p from :func:`flip_probability` and
    ``dE = 2 s (J nb + h)``; p = 1 maps to ``FULL``.
    """
    s = np.repeat([-1.0, 1.0], 9)
    nb = np.tile(np.arange(-4, 5, dtype=np.float64), 2)
    p = flip_probability(2.0 * s * (J * nb + h), beta, rule)
    thr = np.floor(p * 2.0**53).astype(np.uint64)
    thr[p >= 1.0] = kernels.FULL
    return thr


def wolff_threshold(beta: float, J: float) -> np.uint64:
    """``floor((1 - exp(-2 beta J)) 2^53)``: the bond-adding probability as an integer."""
    return np.uint64(math.floor(-math.expm1(-2.0 * beta * J) * 2.0**53))


@dataclass
class Series:
    """Measurements along one Markov chain.

    Attributes
    ----------
    magnetization, energy : numpy.ndarray
        (n,) per-spin values, one per measurement.
    interval : int
        Sweeps between measurements.
    cluster_size : float
        Mean Wolff cluster size (NaN for single-spin algorithms).
    """

    magnetization: np.ndarray
    energy: np.ndarray
    interval: int
    cluster_size: float = math.nan


def simulate(
    lattice: Lattice,
    spins: np.ndarray,
    temperature: float,
    algorithm: str,
    thermalize: int,
    n_measure: int,
    interval: int,
    rng: np.random.Generator,
    threads: bool = False,
) -> Series:
    """Thermalize, then measure every ``interval`` sweeps; ``spins`` are updated in place.

    Parameters
    ----------
    lattice : Lattice
    spins : numpy.ndarray
        int8 spins of shape ``lattice.shape`` (C-contiguous), the starting state.
    temperature : float
        T > 0.
    algorithm : {"metropolis", "glauber", "wolff"}
    thermalize : int
        Sweeps before the first measurement.
    n_measure : int
        Number of measurements.
    interval : int
        Sweeps between measurements (>= 1).
    rng : numpy.random.Generator
        The chain's stream (one 64-bit seed is drawn from it).
    threads : bool
        Spread square-lattice single-spin sweeps over numba's threads (same results).
    """
    if temperature <= 0:
        raise ParameterError("temperature", temperature, "a number > 0")
    if algorithm not in ALGORITHMS:
        raise ParameterError("algorithm", algorithm, "one of " + ", ".join(map(repr, ALGORITHMS)))
    if spins.shape != lattice.shape or spins.dtype != np.int8 or not spins.flags.c_contiguous:
        raise ValueError(f"spins must be a C-contiguous int8 array of shape {lattice.shape}")
    beta = 1.0 / temperature
    seed = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
    m = np.empty(n_measure)
    e = np.empty(n_measure)
    J, h = float(lattice.J), float(lattice.h)
    if algorithm == "wolff":
        if lattice.kind != "square" or h != 0.0 or J <= 0.0:
            raise ValueError("the Wolff algorithm needs the square lattice with h = 0 and J > 0")
        padd = wolff_threshold(beta, J)
        counter, clusters, flipped = kernels.wolff_sweeps(spins, padd, seed, 0, max(thermalize, 1))
        per_sweep = max(1, round(lattice.N * clusters / flipped))
        _, flipped = kernels.wolff_simulate(
            spins, padd, seed, counter, n_measure, per_sweep * interval, J, m, e
        )
        size = flipped / (per_sweep * interval * n_measure) if n_measure else math.nan
        return Series(m, e, interval, size)
    thr = acceptance_table(beta, J, h, algorithm)
    if lattice.kind == "square":
        if threads:
            kernels.square_checkerboard_threads(spins, thr, seed, 0, thermalize)
        else:
            kernels.square_checkerboard(spins, thr, seed, 0, thermalize)
        kernels.square_simulate(
            spins, thr, seed, thermalize, n_measure, interval, J, h, m, e, threads
        )
    else:
        kernels.chain_checkerboard(spins, thr, seed, 0, thermalize)
        kernels.chain_simulate(spins, thr, seed, thermalize, n_measure, interval, J, h, m, e)
    return Series(m, e, interval)
