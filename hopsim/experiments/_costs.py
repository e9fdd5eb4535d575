"""Seconds of work shared by the experiments' estimates: learning a network, recalling cues.

Each experiment's ``estimate(params)`` (:mod:`hopsim.experiments`) counts its work (networks
learned, cues recalled, Monte Carlo sweeps, ODE steps ...) and multiplies the counts by the
per-unit constants below, measured on the project's 2-core reference machine with one
thread (``nice -n 10``, other agents' load 2-4; benchmarks/estimates.py checks the totals
against measured runs, docs/performance.md). They are the model layer's costs; the
experiments know their own loops.
"""

from __future__ import annotations

import math

#: A job's fixed cost (the dataset, first calls), and loading the numba kernels from their
#: cache (the discrete, Monte Carlo and optimisation experiments: 0.2-0.3 s of CPU measured).
SECONDS_PER_JOB = 0.01
SECONDS_NUMBA = 0.2
NUMBA_JOB_SECONDS = SECONDS_PER_JOB + SECONDS_NUMBA
#: Seconds per unit of learning work (one multiply-add of the rule's products), per rule:
#: Hebb-like products (N^2 P, float32 BLAS), Storkey's N^2 P local-field updates, the
#: pseudo-inverse's O(N P^2 + P^3 + N^2 P), the bounded walk's N^2 P clipped steps, and the
#: AdaTron's P updates of O(P) per sweep per neuron (measured at N = 500-1000, P = 50-1500).
SECONDS_PER_LEARN = {
    "hebb": 3.0e-11,
    "covariance": 6.0e-11,
    "hebb_decay": 6.0e-11,
    "storkey": 1.0e-9,
    "pseudo_inverse": 2.5e-10,
    "hebb_bounded": 8.0e-10,
    "krauth_mezard": 1.1e-9,
}
#: One network's fixed cost (the rule's set-up, the threshold rule, diagnostics).
SECONDS_PER_NETWORK = 2.0e-3
#: Seconds of one cue's sweep per N^2 couplings (dense or compact: a sweep reads the fields
#: of every neuron and updates all N after each flip, so early sweeps cost ~N^2 and late
#: ones ~N; this is the mean over a recall), and per 2 N P entries of low-rank factors.
SECONDS_PER_SWEEP_N2 = 1.0e-10
SECONDS_PER_SWEEP_NP = 2.0e-10
#: A cue's fixed cost: its random stream, its corruption, its row of results.
SECONDS_PER_CUE = 6.0e-5


def mean_sweeps(alpha: float, max_sweeps: int, update: str = "async") -> float:
    """Sweeps a cue takes on average at load ``alpha``: 2-3 below Hebb's capacity, ~15-30
    past it (measured at N = 500-1000), never more than ``max_sweeps``."""
    typical = 3.0 + 20.0 * min(float(alpha), 1.5)
    if update == "sync":  # cycles of length 2 are detected after a few steps
        typical = min(typical, 10.0)
    return float(min(max_sweeps, typical))


def krauth_mezard_sweeps(alpha: float, budget: float) -> float:
    """AdaTron sweeps per neuron: few far below the Gardner capacity alpha = 2, growing like
    ``(1 - alpha/2)^-2`` near it, the whole budget past it."""
    if alpha >= 1.95:
        return budget
    return min(budget, 5.0 / (1.0 - alpha / 2.0) ** 2)


def learn_seconds(rule: str, N: int, P: int, options: dict | None = None) -> float:
    """Estimated seconds to learn one network of ``rule`` (N neurons, P patterns)."""
    N_f, P_f = float(N), float(P)
    rate = SECONDS_PER_LEARN.get(rule, SECONDS_PER_LEARN["storkey"])  # unknown: the dearest
    if rule == "pseudo_inverse":
        work = N_f * P_f * P_f + min(N_f, P_f) ** 3 + N_f * N_f * min(N_f, P_f)
    elif rule == "krauth_mezard":
        budget = float((options or {}).get("budget") or 1000.0)
        work = N_f * krauth_mezard_sweeps(P_f / max(N_f, 1.0), budget) * P_f * P_f
    else:
        work = N_f * N_f * P_f
    return SECONDS_PER_NETWORK + rate * work


def sweep_seconds(N: int, P: int, mode: str) -> float:
    """Seconds of one cue's sweep: N^2 couplings (dense, compact), or 2 N P factors."""
    if mode == "lowrank":
        return SECONDS_PER_SWEEP_NP * 2.0 * float(N) * float(P)
    return SECONDS_PER_SWEEP_N2 * float(N) * float(N)


#: A cue's cost per N^2 beyond its sweeps (its fields from scratch, energies, overlaps and
#: the classification of the final state), measured per experiment: recall's.
SECONDS_PER_CUE_N2 = 2.0e-10


def recall_seconds(
    N: int,
    P: int,
    cues: float,
    max_sweeps: int,
    update: str,
    mode: str,
    per_cue_n2: float = SECONDS_PER_CUE_N2,
) -> float:
    """Estimated seconds to recall ``cues`` cues in a network of N neurons and P patterns
    (``per_cue_n2``: the experiment's own cost per cue and N^2 beyond the sweeps)."""
    sweeps = mean_sweeps(P / max(N, 1), max_sweeps, update)
    per_cue = sweeps * sweep_seconds(N, P, mode) + per_cue_n2 * float(N) * N + SECONDS_PER_CUE
    return float(cues) * per_cue


def classify_bytes(N: int, P: int) -> float:
    """Peak bytes of classifying final states (:func:`hopsim.analysis.states.classify`): every
    symmetric 3- and 5-mixture listed while there are at most ``EXHAUSTIVE`` entries (~3.5
    bytes an entry measured in the mixtures experiment). Only states that are neither a
    pattern nor its inverse are classified: the experiments that start from mixtures and
    random states count it; recalls of cues, which retrieve below capacity, do not."""
    from hopsim.analysis.states import EXHAUSTIVE

    entries = [math.comb(P, n) * 2**n * N for n in (3, 5) if P >= n]
    return 4.0 * max([e for e in entries if e <= EXHAUSTIVE], default=0.0)


def network_seconds(spec, N: int, P: int) -> float:
    """Seconds to build the network of a :class:`~hopsim.experiments._discrete_config.
    NetworkSpec` (a dense associative memory: nothing to learn)."""
    if spec.energy is not None or spec.source is not None:
        return SECONDS_PER_NETWORK
    return learn_seconds(spec.learning, N, P, spec.options)


def spec_recall_seconds(
    spec, N: int, P: int, cues: float, dynamics, per_cue_n2: float = SECONDS_PER_CUE_N2
) -> float:
    """:func:`recall_seconds` for a NetworkSpec and a DynamicsSpec (a dense associative
    memory's sweep costs N P per neuron flip: counted as the low-rank sweep)."""
    mode = "lowrank" if spec.energy is not None else spec.resolved_mode(N, P)
    return recall_seconds(N, P, cues, dynamics.max_sweeps, dynamics.update, mode, per_cue_n2)


def finite(x: float) -> float:
    """``x``, or inf when it overflowed to NaN (an estimate is never NaN)."""
    return x if not math.isnan(x) else math.inf


#: An RNN optimiser step's fixed cost (torch's per-call overhead dominates small models:
#: 8-10 ms of CPU a step of 5 sequence steps measured in sequence_memory and completion), its
#: cost per sequence step, and per multiply-add of the forward and backward passes (one
#: torch thread); torch's own working memory once it trains (RSS above the imports, 150-200
#: MB measured for models of a few thousand weights).
SECONDS_PER_RNN_STEP = 1.5e-3
SECONDS_PER_RNN_SEQ_STEP = 1.2e-3
SECONDS_PER_RNN_FLOP = 1.0e-9
TORCH_RUNTIME_BYTES = 150e6


def rnn_train_seconds(
    parameters: float, batch: int, length: int, steps: int, evals: int = 0, eval_batch: int = 0
) -> float:
    """Seconds of ``steps`` optimiser steps of an RNN with ``parameters`` weights on
    ``batch`` sequences of ``length`` steps, plus ``evals`` forward passes on ``eval_batch``."""
    per_step = SECONDS_PER_RNN_STEP + length * SECONDS_PER_RNN_SEQ_STEP
    per_step += 6.0 * parameters * batch * length * SECONDS_PER_RNN_FLOP  # forward + backward
    per_eval = length * SECONDS_PER_RNN_SEQ_STEP + 2.0 * parameters * eval_batch * length * (
        SECONDS_PER_RNN_FLOP
    )
    return steps * per_step + evals * per_eval
