"""The ``online`` experiment's config: every key read and checked once, its cost estimated.

Keys: ``online.{N, rules, options, checkpoints, max_age, ages, noise, threshold, streams}``,
``dynamics.{update, max_sweeps, batch_size}``, ``rnn.{kinds, sizes, steps, train_noise,
batch}`` and ``train.{steps, lr, batch_size, clip}`` (read only when ``rnn.kinds`` is not
empty). :func:`parameters` returns the frozen :class:`OnlineParams` that ``run`` takes;
:func:`work_seconds` estimates the run's wall time on one core.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import DictConfig

from hopsim.config import ConfigError, get, get_float, get_int, get_list, get_optional, keys_for
from hopsim.experiments._discrete_config import DynamicsSpec, batch_bytes, dynamics_spec
from hopsim.learning import get_rule, rule_names
from hopsim.resources import check_memory

#: RNN kinds and parameter budgets (as in ``completion``).
KINDS = ("gru", "lstm", "rnn")
SIZES = ("N2", "NP")
#: Largest N: the couplings are dense, N^2 floats (the memory estimate decides below it).
MAX_N = 100_000
#: Longest stream, in units of N patterns.
MAX_LENGTH = 100.0


@dataclass(frozen=True)
class Learner:
    """One network that learns the stream: a rule at one value of its options, or an RNN.

    Attributes
    ----------
    label : str
        ``hebb``, ``hebb_decay epsilon=4.108``, ``gru N2``: the dataset's ``learner``.
    family : {"hopfield", "rnn"}
    rule : str
        The learning rule, or the RNN kind.
    option, value : str, float
        The swept option and its value (``""``, NaN: none; an RNN: ``"size"``, NaN).
    options : tuple of (name, value)
        Every option of the rule, checked, defaults filled in (an RNN: its size budget).
    """

    label: str
    family: str
    rule: str
    option: str
    value: float
    options: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class RnnSpec:
    """How the RNNs learn online: the model's reading and the per-batch fine-tuning."""

    read_steps: int
    train_noise: float
    batch: int
    steps: int
    lr: float
    batch_size: int
    clip: float | None
    threads: int = 1


@dataclass(frozen=True)
class OnlineParams:
    """Everything the online experiment reads from its config, checked."""

    Ns: tuple[int, ...]
    learners: tuple[Learner, ...]
    checkpoints: tuple[float, ...]
    max_age: float
    ages: int
    noise: tuple[float, ...]
    threshold: float
    streams: int
    dynamics: DynamicsSpec
    rnn: RnnSpec | None

    def stored(self, N: int) -> tuple[int, ...]:
        """Patterns stored at each checkpoint: ``max(1, round(c N))``, ascending."""
        return tuple(max(1, int(round(c * N))) for c in self.checkpoints)

    def length(self, N: int) -> int:
        """Patterns in one stream: those stored at the last checkpoint."""
        return self.stored(N)[-1]

    def tested_ages(self, N: int) -> np.ndarray:
        """Ages tested at every checkpoint (those below the patterns stored): 0, s, 2s ...
        below ``ceil(max_age N)``, the stride ``s`` chosen so at most ``ages`` are tested."""
        span = max(1, math.ceil(self.max_age * N - 1e-9))
        stride = max(1, math.ceil(span / self.ages))
        return np.arange(0, span, stride, dtype=np.int64)

    def stride(self, N: int) -> int:
        """Ages one tested age stands for."""
        ages = self.tested_ages(N)
        return int(ages[1] - ages[0]) if ages.size > 1 else 1

    def problem_size(self) -> tuple[int, int]:
        """(largest N, cues per batch): what the thread count is chosen from."""
        return max(self.Ns), min(self.dynamics.batch_size, self.ages * len(self.noise))

    @property
    def slots(self) -> int:
        """Length of the dataset's ``slot`` dimension: the most ages any N tests."""
        return max(self.tested_ages(N).size for N in self.Ns)


# ----------------------------------------------------------------------------- learners


def _names(cfg: DictConfig, key: str, allowed) -> list[str]:
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    text = f"a list of distinct names among {', '.join(allowed)}"
    if any(not isinstance(v, str) or v not in allowed for v in values):
        raise ConfigError(key, raw, text)
    if len(set(values)) != len(values):
        raise ConfigError(key, raw, text + " (no repeats)")
    return values


def _rule_learners(name: str, given: dict, key: str) -> list[Learner]:
    """The learners of one rule: one per value of its swept option (at most one list)."""
    rule = get_rule(name)
    swept = [opt for opt, v in given.items() if isinstance(v, list)]
    if len(swept) > 1:
        raise ConfigError(key, given, "at most one option given as a list (one swept option)")
    for opt in swept:
        values = given[opt]
        if not values or len(set(map(str, values))) != len(values):
            raise ConfigError(f"{key}.{opt}", values, "a non-empty list of distinct values")
    choices = given[swept[0]] if swept else [None]
    out = []
    with keys_for(lambda p: f"{key}.{p}"):
        for v in choices:
            opts = dict(given, **({swept[0]: v} if swept else {}))
            resolved = rule.resolve_options(opts)
            option = swept[0] if swept else ""
            value = float(resolved[option]) if swept else math.nan
            label = f"{name} {option}={value:g}" if swept else name
            out.append(Learner(label, "hopfield", name, option, value, tuple(resolved.items())))
    return out


def read_learners(cfg: DictConfig) -> list[Learner]:
    """``online.rules`` with ``online.options``, then ``rnn.kinds`` x ``rnn.sizes``."""
    rules = _names(cfg, "online.rules", rule_names())
    options = get(cfg, "online.options", None) or {}
    if not isinstance(options, dict):
        raise ConfigError("online.options", options, "a mapping rule: {option: value or list}")
    learners: dict[str, list[Learner]] = {}
    for name, given in options.items():
        key = f"online.options.{name}"
        with keys_for({"rule": key}):
            get_rule(name)
        if given is None:
            continue
        if not isinstance(given, dict):
            raise ConfigError(key, given, "a mapping option: value (or a list of values)")
        learners[name] = _rule_learners(name, given, key)  # checked even if not streamed
    out = [x for name in rules for x in learners.get(name) or _rule_learners(name, {}, "")]
    kinds = _names(cfg, "rnn.kinds", KINDS)
    sizes = _names(cfg, "rnn.sizes", SIZES)
    if not sizes:
        raise ConfigError("rnn.sizes", [], f"a non-empty list among {', '.join(SIZES)}")
    if kinds:
        for kind, size in itertools.product(kinds, sizes):
            out.append(Learner(f"{kind} {size}", "rnn", kind, "size", math.nan, (("size", size),)))
    if not out:
        raise ConfigError("online.rules", rules, "at least one rule (or an RNN in rnn.kinds)")
    if len({x.label for x in out}) != len(out):
        raise ConfigError("online.options", options, "values that give distinct learners")
    return out


def read_rnn(cfg: DictConfig) -> RnnSpec:
    """The ``rnn`` and ``train`` keys of the online fine-tuning (torch threads: ``threads``)."""
    from hopsim.experiments._rnn import job_threads

    return RnnSpec(
        read_steps=get_int(cfg, "rnn.steps", lo=1, hi=1000),
        train_noise=get_float(cfg, "rnn.train_noise", lo=0.0, hi=1.0),
        batch=get_int(cfg, "rnn.batch", lo=1, hi=10**6),
        steps=get_int(cfg, "train.steps", lo=1, hi=10**6),
        lr=get_float(cfg, "train.lr", lo=0.0, hi=10.0, lo_open=True),
        batch_size=get_int(cfg, "train.batch_size", lo=1, hi=65_536),
        clip=get_optional(cfg, "train.clip", get_float, lo=0.0, lo_open=True),
        threads=job_threads(cfg),
    )


# ----------------------------------------------------------------------------- parameters


def parameters(cfg: DictConfig) -> OnlineParams:
    """Read and check every key the online experiment uses, then its memory and time."""
    learners = tuple(read_learners(cfg))
    rnn = read_rnn(cfg)  # checked whether or not an RNN runs
    if any(x.family == "rnn" for x in learners):
        from hopsim.experiments import _rnn

        _rnn.require_torch("online")
    else:
        rnn = None
    params = OnlineParams(
        Ns=tuple(get_list(cfg, "online.N", kind="int", lo=2, hi=MAX_N)),
        learners=learners,
        checkpoints=tuple(
            sorted(get_list(cfg, "online.checkpoints", lo=0.0, hi=MAX_LENGTH, lo_open=True))
        ),
        max_age=get_float(cfg, "online.max_age", lo=0.0, hi=MAX_LENGTH, lo_open=True),
        ages=get_int(cfg, "online.ages", lo=1, hi=10**6),
        noise=tuple(get_list(cfg, "online.noise", lo=0.0, hi=1.0)),
        threshold=get_float(cfg, "online.threshold", lo=0.0, hi=1.0, lo_open=True),
        streams=get_int(cfg, "online.streams", lo=1, hi=10**4),
        dynamics=dynamics_spec(cfg),
        rnn=rnn,
    )
    _check_cost(params)
    return params


def job_bytes(params: OnlineParams) -> float:
    """Peak bytes of one job: the largest network's couplings and stream, plus the results."""
    N = float(max(params.Ns))
    T = float(max(params.length(n) for n in params.Ns))
    couplings = 24.0 * N * N + 80.0 * T * N + 8.0 * T * T
    cues = batch_bytes(
        int(N), min(params.dynamics.batch_size, params.ages), params.dynamics.max_sweeps
    )
    cells = float(len(params.learners)) * len(params.Ns) * len(params.checkpoints)
    results = cells * len(params.noise) * params.streams * params.slots * 8.0 * 2
    return couplings + cues + results


def _check_cost(params: OnlineParams) -> None:
    N = max(params.Ns)
    check_memory("online.N", N, job_bytes(params), "couplings, stream and results")


# ----------------------------------------------------------------------------- time

#: Seconds per unit of work, measured on the 2-core reference machine (one thread; runs of
#: the gallery's online entries, quick and full, docs/memory_over_time.md): a cue's sweep
#: over N^2 couplings, one coupling step of the bounded walk, one multiply-add of learning,
#: one RNN multiply-add, and the fixed costs: a job's start, a network built at a
#: checkpoint, a cue's set-up, an RNN optimiser step (torch's per-call overhead dominates
#: these small models: 8-10 ms at N = 32-64 on the loaded machine).
#: (benchmarks/estimates.py: a network at N = 64 costs ~5 ms of CPU, a job ~0.3 s.)
SECONDS_PER_SWEEP_N2 = 2.0e-9
SECONDS_PER_WALK_STEP = 1.0e-9
SECONDS_PER_FLOP = 2.0e-10
SECONDS_PER_RNN_FLOP = 1.5e-9
SECONDS_PER_JOB = 0.3
SECONDS_PER_NETWORK = 0.005
SECONDS_PER_CUE = 1.0e-4
SECONDS_PER_RNN_STEP = 0.012
#: Sweeps a cue takes on average (retrieval ends in 2-3, a failed one wanders for ~10).
MEAN_SWEEPS = 6.0


def hopfield_seconds(params: OnlineParams) -> float:
    """Estimated seconds of the Hopfield learners: learning plus recall of every cue."""
    total = 0.0
    for N in params.Ns:
        ages = params.tested_ages(N)
        stored = params.stored(N)
        cues = sum(int(np.count_nonzero(ages < t)) for t in stored) * len(params.noise)
        for x in (y for y in params.learners if y.family == "hopfield"):
            total += cues * (MEAN_SWEEPS * N * N * SECONDS_PER_SWEEP_N2 + SECONDS_PER_CUE)
            total += _learn_seconds(x.rule, N, stored) + len(stored) * SECONDS_PER_NETWORK
    return total * params.streams


def _learn_seconds(rule: str, N: int, stored: tuple[int, ...]) -> float:
    T = stored[-1]
    if rule == "hebb_bounded":  # the clipped walk: every coupling, every pattern
        return T * N * N * SECONDS_PER_WALK_STEP
    if rule == "storkey":  # learnt again at every checkpoint: O(t^2 N) + the dense matrix
        return sum(4.0 * t * t * N + 4.0 * t * N * N for t in stored) * SECONDS_PER_FLOP
    return sum(2.0 * min(t, 4 * N) * N * N for t in stored) * SECONDS_PER_FLOP  # dense J


def rnn_seconds(params: OnlineParams) -> float:
    """Estimated seconds of the RNN learners: every fine-tuning step, forward and backward."""
    if params.rnn is None:
        return 0.0
    r, total = params.rnn, 0.0
    for N in params.Ns:
        batches = math.ceil(params.length(N) / r.batch) + len(params.checkpoints)
        for x in (y for y in params.learners if y.family == "rnn"):
            budget = N * N if dict(x.options)["size"] == "N2" else N * params.length(N)
            flops = 6.0 * budget * r.batch_size * r.read_steps  # forward + backward
            total += batches * r.steps * (flops * SECONDS_PER_RNN_FLOP + SECONDS_PER_RNN_STEP)
    return total * params.streams


def estimate(params: OnlineParams):
    """The job's :class:`hopsim.resources.Estimate`: peak memory, seconds, and the keys the
    cost grows with (the first one the user gave is the one a refusal names)."""
    from hopsim.resources import Estimate

    drivers = {
        "online.N": list(params.Ns),
        "online.streams": params.streams,
        "online.checkpoints": list(params.checkpoints),
        "online.ages": params.ages,
        "online.noise": list(params.noise),
    }
    if params.rnn is not None:
        drivers = {"train.steps": params.rnn.steps, "rnn.batch": params.rnn.batch, **drivers}
    return Estimate(job_bytes(params), work_seconds(params), drivers)


def work_seconds(params: OnlineParams) -> float:
    """Estimated wall time of the whole run on one core, in seconds."""
    return SECONDS_PER_JOB + hopfield_seconds(params) + rnn_seconds(params)
