"""The ``sequence_memory`` experiment: replaying a sequence of patterns from its first one.

A sequence of P random +/-1 patterns ``xi_1 .. xi_P`` of N bits (stream
``("sequence", N, P, trial)``). Replay starts from ``xi_1`` (clean, or with
``round(noise N)`` bits flipped) and must produce ``xi_2 .. xi_P`` in order; a replay is
exact when every one of the P - 1 transitions is right.

Hopfield side: the temporal-association rule ``W = (1/N) sum_{mu<P} xi_{mu+1} xi_mu^T`` with
synchronous updates ``s <- sgn(W s)`` (ties to +1). Asynchronous replay needs the
slow-synapse variant of Sompolinsky and Kanter (1986): fields
``h = J1 s(t) + lambda J2 s(t - delay)`` with the symmetric Hebb couplings ``J1`` (which hold
the current pattern), the sequence couplings ``J2 = W`` acting on the state ``delay`` sweeps
ago, and one neuron at a time in a fresh random order each sweep; with ``lambda > 1`` each
pattern is held for about ``delay`` sweeps and then handed on. Its replay is exact when the
patterns visited (overlap > 0.9 after a sweep) begin with ``xi_2 .. xi_P`` in order.

RNN side: SimpleRNN, LSTM and GRU (:mod:`hopsim.rnn`) of hidden size H, input and output N,
trained by teacher forcing to predict ``xi_{t+1}`` from ``xi_1 .. xi_t`` (binary cross
entropy per bit; the first input of each training copy has up to ``rnn.train_noise`` of its
bits flipped), one model per (kind, H, N, P, seed); seed s learns the same sequence as the
Hopfield trial s. Replay is closed loop: each output's signs are the next input.

Dataset: ``hop_exact``, ``hop_correct`` (transitions right before the first error),
``hop_final_overlap`` over (N, length, noise, trial); ``hop_async_exact``,
``hop_async_correct`` over (N, length, noise, async_trial); ``rnn_exact``, ``rnn_correct`` over
(kind, hidden, N, length, seed, noise, cue); ``rnn_train_time``, ``rnn_train_steps`` over
(kind, hidden, N, length, seed); ``rnn_parameters`` (kind, hidden, N);
``hop_parameters`` (N) = N^2.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get, get_float, get_int, get_list
from hopsim.experiments import _rnn
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

KINDS = ("rnn", "lstm", "gru")


def _kinds(cfg: DictConfig) -> list[str]:
    raw = get(cfg, "rnn.kinds")
    if raw is None or raw == []:
        return []
    values = raw if isinstance(raw, list) else [raw]
    if any(v not in KINDS for v in values) or len(set(values)) != len(values):
        raise ConfigError("rnn.kinds", raw, "a list of 'rnn', 'lstm', 'gru' (no repeats)")
    return values


@dataclass(frozen=True)
class SequenceParams:
    """Everything the sequence_memory experiment reads from its config, checked."""

    Ns: tuple[int, ...]
    lengths: tuple[int, ...]
    noise: tuple[float, ...]
    trials: int
    slow_strength: float
    slow_delay: int
    async_trials: int
    kinds: tuple[str, ...]
    hidden: tuple[int, ...]
    rnn_seeds: int
    train_noise: float
    cues: int
    train: _rnn.TrainKeys
    threads: int

    @property
    def trains_rnns(self) -> bool:
        """Are any RNNs trained (a kind and at least one seed)?"""
        return bool(self.kinds) and self.rnn_seeds > 0


def parameters(cfg: DictConfig) -> SequenceParams:
    """Read and check every key the sequence_memory experiment uses (work and memory)."""
    kinds = _kinds(cfg)
    params = SequenceParams(
        Ns=tuple(get_list(cfg, "sequence.N", kind="int", lo=2, hi=4096)),
        lengths=tuple(get_list(cfg, "sequence.lengths", kind="int", lo=2, hi=100_000)),
        noise=tuple(get_list(cfg, "sequence.noise", lo=0.0, hi=1.0)),
        trials=get_int(cfg, "hopfield.trials", lo=1, hi=100_000),
        slow_strength=get_float(cfg, "hopfield.slow_synapse.strength", lo=0.0),
        slow_delay=get_int(cfg, "hopfield.slow_synapse.delay", lo=1, hi=1000),
        async_trials=get_int(cfg, "hopfield.slow_synapse.trials", lo=0, hi=100_000),
        kinds=tuple(kinds),
        hidden=tuple(get_list(cfg, "rnn.hidden", kind="int", lo=1, hi=1024)),
        rnn_seeds=get_int(cfg, "rnn.seeds", lo=0, hi=1000),
        train_noise=get_float(cfg, "rnn.train_noise", lo=0.0, hi=1.0),
        cues=get_int(cfg, "rnn.cues", lo=1, hi=100_000),
        train=_rnn.train_keys(cfg, "train"),
        threads=_rnn.job_threads(cfg),
    )
    if params.trains_rnns:
        _rnn.require_torch("sequence_memory")
    _check_resources(params)
    return params


def _check_resources(p: SequenceParams) -> None:
    """Memory of the Hopfield replays and of the RNNs, before any work (the time is
    :func:`estimate`'s)."""
    N, L = max(p.Ns), max(p.lengths)
    # Hopfield: one (N, N) float64 matrix and (trials, P, N) states at a time
    check_memory("sequence.N", list(p.Ns), 8.0 * N**2 + 9.0 * p.trials * L * N, "couplings")
    if not p.trains_rnns:
        return
    H, tk = max(p.hidden), p.train
    # training: a batch of (P - 1)-step sequences, its activations kept for backprop (4 gates)
    per_train = 4.0 * tk.batch_size * L * (2 * N + 10 * H) + 16.0 * (4 * H * (N + H) + H * N)
    check_memory("sequence.lengths", list(p.lengths), 3 * per_train, "RNN training")
    # closed-loop replay of every cue: the (cues, P - 1, N) answers, float32 and int8
    check_memory("rnn.cues", p.cues, 5.0 * p.cues * L * N + 12.0 * p.cues * H, "RNN replay")


#: Seconds per multiply-add of the Hopfield replays (float64 products) and per replayed
#: sequence step's bookkeeping.
SECONDS_PER_FLOP = 5.0e-10
SECONDS_PER_REPLAY_STEP = 2.0e-5
#: Seconds per single-neuron update of the slow-synapse replay (a Python-level step:
#: ~1.5 us of CPU measured at N = 32 and 64).
SECONDS_PER_ASYNC_UPDATE = 1.5e-6


def estimate(p: SequenceParams):
    """The job's :class:`hopsim.resources.Estimate`: the couplings and states, the RNN
    training and replay; the synchronous and slow-synapse replays, and every RNN's training
    at its full budget (early stopping only shortens it) with its evaluations."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    N, L = max(p.Ns), max(p.lengths)
    memory = 8.0 * N**2 + 1.0 * p.trials * L * N  # the couplings, the int8 states
    seconds = _costs.SECONDS_PER_JOB
    for n in p.Ns:
        for P in p.lengths:
            steps = float(len(p.noise)) * P
            seconds += steps * (p.trials * 2.0 * n * n * SECONDS_PER_FLOP + SECONDS_PER_REPLAY_STEP)
            sweeps = (P + 2) * p.slow_delay
            seconds += p.async_trials * len(p.noise) * sweeps * n * SECONDS_PER_ASYNC_UPDATE
    if p.trains_rnns:
        H, tk = max(p.hidden), p.train
        per_train = 4.0 * tk.batch_size * L * (2 * N + 10 * H) + 16.0 * (4 * H * (N + H) + H * N)
        memory = max(memory, 3 * per_train, 5.0 * p.cues * L * N + 12.0 * p.cues * H)
        memory += _costs.TORCH_RUNTIME_BYTES
        for n in p.Ns:
            for h in p.hidden:
                weights = float(4 * h * (n + h) + h * n)
                for P in p.lengths:
                    evals = tk.steps // tk.eval_every + 1
                    one = _costs.rnn_train_seconds(
                        weights, tk.batch_size, P - 1, tk.steps, evals, p.cues
                    )
                    seconds += one * len(p.kinds) * p.rnn_seeds
    drivers = {
        "train.steps": p.train.steps,
        "hopfield.trials": p.trials,
        "hopfield.slow_synapse.trials": p.async_trials,
        "sequence.lengths": list(p.lengths),
        "sequence.N": list(p.Ns),
        "rnn.seeds": p.rnn_seeds,
        "rnn.hidden": list(p.hidden),
        "rnn.cues": p.cues,
        "train.batch_size": p.train.batch_size,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the sequence_memory experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# ----------------------------------------------------------------------------- Hopfield


def flip(rng: np.random.Generator, states: np.ndarray, level: float) -> np.ndarray:
    """Copy of ``states`` (B, N) with exactly ``round(level N)`` bits of each row flipped."""
    out = np.array(states, dtype=np.int8, copy=True)
    B, N = out.shape
    k = int(round(level * N))
    if k:
        idx = np.argsort(rng.random((B, N)), axis=1)[:, :k]
        rows = np.repeat(np.arange(B), k)
        out[rows, idx.ravel()] *= -1
    return out


def temporal_couplings(xi: np.ndarray) -> np.ndarray:
    """``W = (1/N) sum_{mu<P} xi_{mu+1} xi_mu^T`` for a (P, N) sequence."""
    x = xi.astype(np.float64)
    return x[1:].T @ x[:-1] / x.shape[1]


def hopfield_replay(xi: np.ndarray, cues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Synchronous replay of the sequence from ``cues`` (B, N).

    Returns ``correct`` (B,): transitions right before the first error (P - 1 = exact),
    and ``final`` (B, N): the state after P - 1 updates.
    """
    W = temporal_couplings(xi)
    P = xi.shape[0]
    s = cues.astype(np.float64)
    correct = np.zeros(len(cues), dtype=np.int64)
    alive = np.ones(len(cues), dtype=bool)
    for t in range(1, P):
        s = np.where(s @ W.T >= 0, 1.0, -1.0)
        ok = np.all(s == xi[t], axis=1)
        alive &= ok
        correct += alive
    return correct, s.astype(np.int8)


def slow_synapse_replay(
    xi: np.ndarray, cue: np.ndarray, lam: float, delay: int, rng: np.random.Generator
) -> int:
    """Asynchronous replay with slow synapses (Sompolinsky and Kanter 1986).

    Fields ``h = J1 s + lam J2 s(t - delay)`` (``J1`` Hebb with zero diagonal, ``J2`` the
    temporal rule), one neuron at a time in a random order per sweep, for
    ``(P + 2) delay`` sweeps; the delayed state starts as the cue. Returns the number of
    patterns ``xi_2, xi_3, ..`` visited in order (overlap > 0.9 after a sweep) before the
    first wrong one: P - 1 is an exact replay.
    """
    from collections import deque

    P, N = xi.shape
    x = xi.astype(np.float64)
    J1 = x.T @ x / N
    np.fill_diagonal(J1, 0.0)
    J2 = temporal_couplings(xi)
    S = cue.astype(np.float64).copy()
    history = deque([S.copy() for _ in range(delay)])
    h1 = J1 @ S
    visited: list[int] = []
    for _ in range((P + 2) * delay):
        h2 = lam * (J2 @ history[0])
        for i in rng.permutation(N):
            new = 1.0 if h1[i] + h2[i] >= 0 else -1.0
            if new != S[i]:
                h1 += (new - S[i]) * J1[:, i]
                S[i] = new
        history.append(S.copy())
        history.popleft()
        m = x @ S / N
        k = int(np.argmax(m))
        if m[k] > 0.9 and (not visited or visited[-1] != k):
            visited.append(k)
    correct = 0
    for want, got in zip(range(1, P), visited, strict=False):
        if want != got:
            break
        correct += 1
    return correct


# ----------------------------------------------------------------------------- RNN


def rnn_replay(torch, model, cues: np.ndarray, steps: int) -> np.ndarray:
    """Closed-loop replay: (B, N) cues -> (B, steps, N) predicted +/-1 patterns."""
    x = torch.from_numpy(cues.astype(np.float32))[:, None]
    state, out = None, []
    with torch.no_grad():
        for _ in range(steps):
            logits, state = model(x, state)
            x = torch.where(logits >= 0, 1.0, -1.0)
            out.append(x[:, 0].numpy())
    return np.stack(out, axis=1).astype(np.int8)


def correct_transitions(replayed: np.ndarray, xi: np.ndarray) -> np.ndarray:
    """Transitions right before the first error, per cue."""
    ok = np.all(replayed == xi[None, 1:], axis=2)  # (B, P-1)
    return np.cumprod(ok, axis=1).sum(axis=1)


def train_sequence(rnn, torch, kind, H, xi, seeds, key, tk, train_noise, rng_val):
    """Train one model on one sequence; return (model, history)."""
    P, N = xi.shape
    rnn.seed_torch(seeds, "sequence_memory", *key)
    model = rnn.Recurrent(kind, N, H, N)
    data = seeds.generator("sequence_train", *key)
    target = torch.from_numpy(((xi[1:] + 1) // 2).astype(np.float32))[None]
    val_cues = np.concatenate(
        [xi[:1], flip(rng_val, np.repeat(xi[:1], 7, axis=0), train_noise)], axis=0
    )

    def batch(step):
        first = np.repeat(xi[:1], tk.batch_size, axis=0)
        levels = data.random(tk.batch_size) * train_noise
        for b, level in enumerate(levels):
            first[b : b + 1] = flip(data, first[b : b + 1], level)
        x = np.repeat(xi[None, :-1], tk.batch_size, axis=0).astype(np.float32)
        x[:, 0] = first
        return torch.from_numpy(x), target.expand(tk.batch_size, -1, -1)

    def loss_fn(model, x, y):
        logits, _ = model(x)
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, y)

    def val(model):
        x = torch.from_numpy(xi[None, :-1].astype(np.float32))
        loss = float(loss_fn(model, x, target))
        replayed = rnn_replay(torch, model, val_cues, P - 1)
        return loss, float(correct_transitions(replayed, xi).mean() / (P - 1))

    hist = rnn.train(
        model, batch, loss_fn, val, tk.steps, tk.lr, tk.clip, tk.eval_every, tk.patience, 1.0
    )
    return model, hist


def run(params: SequenceParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Hopfield replay for every (N, P, noise, trial), then every RNN."""
    hop_correct, hop_overlap, hop_seconds = _synchronous_replays(params, seeds)
    async_correct, async_seconds = _slow_synapse_replays(params, seeds)
    rnn = _rnn_replays(params, seeds, progress)
    ds = _dataset(params, hop_correct, hop_overlap, async_correct, rnn)
    ds.attrs.update(
        hopfield_seconds=round(hop_seconds, 3),
        async_seconds=round(async_seconds, 3),
        async_lambda=params.slow_strength,
        async_delay=params.slow_delay,
        train_noise=params.train_noise,
    )
    return ds


def _sequence(seeds: SeedTree, N: int, P: int, trial: int) -> np.ndarray:
    """Sequence ``trial`` of P patterns of N bits (the RNN seed s learns sequence s)."""
    return random_patterns(seeds.generator("sequence", N, P, trial), P, N)


def _synchronous_replays(p: SequenceParams, seeds: SeedTree):
    """The temporal-association rule's replays: (correct, final overlap, seconds)."""
    shape = (len(p.Ns), len(p.lengths), len(p.noise), p.trials)
    correct = np.zeros(shape, dtype=np.int64)
    overlap = np.full(shape, np.nan)
    started = time.perf_counter()
    for i, N in enumerate(p.Ns):
        for j, P in enumerate(p.lengths):
            for t in range(p.trials):
                xi = _sequence(seeds, N, P, t)
                for k, level in enumerate(p.noise):
                    cue = flip(seeds.generator("sequence_cue", N, P, level, t), xi[:1], level)
                    c, final = hopfield_replay(xi, cue)
                    correct[i, j, k, t] = c[0]
                    overlap[i, j, k, t] = final[0].astype(np.float64) @ xi[-1] / N
    return correct, overlap, time.perf_counter() - started


def _slow_synapse_replays(p: SequenceParams, seeds: SeedTree):
    """Asynchronous replays with slow synapses: (patterns visited in order, seconds)."""
    correct = np.zeros((len(p.Ns), len(p.lengths), len(p.noise), p.async_trials), np.int64)
    started = time.perf_counter()
    for i, N in enumerate(p.Ns):
        for j, P in enumerate(p.lengths):
            for t in range(p.async_trials):
                xi = _sequence(seeds, N, P, t)
                for k, level in enumerate(p.noise):
                    cue = flip(seeds.generator("sequence_cue", N, P, level, t), xi[:1], level)
                    rng = seeds.generator("sequence_async", N, P, level, t)
                    correct[i, j, k, t] = slow_synapse_replay(
                        xi, cue[0], p.slow_strength, p.slow_delay, rng
                    )
    return correct, time.perf_counter() - started


def _rnn_replays(p: SequenceParams, seeds: SeedTree, progress: bool) -> dict[str, np.ndarray]:
    """Train every (kind, H, N, P, seed) model and replay it from every cue."""
    shape = (len(p.kinds), len(p.hidden), len(p.Ns), len(p.lengths), p.rnn_seeds)
    out = {
        "correct": np.zeros(shape + (len(p.noise), p.cues), dtype=np.int64),
        "train_time": np.full(shape, np.nan),
        "train_steps": np.zeros(shape, dtype=np.int64),
        "parameters": np.zeros((len(p.kinds), len(p.hidden), len(p.Ns)), dtype=np.int64),
    }
    if not p.trains_rnns:
        return out
    rnn = _rnn.start_torch(p.threads)
    import torch

    jobs = [
        (a, b, i, j, s)
        for i in range(len(p.Ns))
        for j in range(len(p.lengths))
        for s in range(p.rnn_seeds)
        for a in range(len(p.kinds))
        for b in range(len(p.hidden))
    ]
    bar = tqdm(total=len(jobs), desc="sequence_memory", disable=not progress)
    for a, b, i, j, s in jobs:
        kind, H, N, P = p.kinds[a], p.hidden[b], p.Ns[i], p.lengths[j]
        bar.set_description_str(f"sequence_memory {kind} H={H} N={N} P={P}")
        xi = _sequence(seeds, N, P, s)
        key = (kind, H, N, P, s)
        val_rng = seeds.generator("sequence_val", *key)
        model, hist = train_sequence(
            rnn, torch, kind, H, xi, seeds, key, p.train, p.train_noise, val_rng
        )
        out["parameters"][a, b, i] = rnn.count_parameters(model)
        out["train_time"][a, b, i, j, s] = hist.seconds
        out["train_steps"][a, b, i, j, s] = hist.steps
        model.eval()
        for k, level in enumerate(p.noise):
            rng = seeds.generator("sequence_rnn_cue", N, P, level, s)
            cues = flip(rng, np.repeat(xi[:1], p.cues, axis=0), level)
            replayed = rnn_replay(torch, model, cues, P - 1)
            out["correct"][a, b, i, j, s, k] = correct_transitions(replayed, xi)
        bar.update(1)
    bar.close()
    return out


#: long_name and units of the dataset's variables and coordinates
ATTRS = {
    "hop_correct": ("Hopfield transitions right before the first error", "1"),
    "hop_exact": ("Hopfield replayed the whole sequence exactly", "1"),
    "hop_final_overlap": ("overlap of the last replayed state with xi_P", "1"),
    "hop_parameters": ("Hopfield couplings N^2", "1"),
    "hop_async_correct": ("slow-synapse async replay: patterns visited in order", "1"),
    "hop_async_exact": ("slow-synapse async replay of the whole sequence", "1"),
    "rnn_correct": ("RNN transitions right before the first error", "1"),
    "rnn_exact": ("RNN replayed the whole sequence exactly", "1"),
    "rnn_train_time": ("RNN training wall time", "s"),
    "rnn_train_steps": ("RNN optimiser steps", "step"),
    "rnn_parameters": ("RNN trainable parameters", "1"),
    "N": ("bits per pattern N", "1"),
    "length": ("sequence length P", "pattern"),
    "noise": ("cue noise (fraction of xi_1 flipped)", "1"),
    "hidden": ("hidden units H", "1"),
}


def _dataset(p: SequenceParams, hop_correct, hop_overlap, async_correct, rnn) -> xr.Dataset:
    hop_dims = ("N", "length", "noise", "trial")
    async_dims = ("N", "length", "noise", "async_trial")
    rnn_dims = ("kind", "hidden", "N", "length", "seed", "noise", "cue")
    last = np.array(p.lengths) - 1  # an exact replay gets every transition right
    ds = xr.Dataset(
        {
            "hop_correct": (hop_dims, hop_correct),
            "hop_exact": (hop_dims, (hop_correct == last[None, :, None, None]).astype(np.int8)),
            "hop_final_overlap": (hop_dims, hop_overlap),
            "hop_parameters": (("N",), np.array(p.Ns, dtype=np.int64) ** 2),
            "hop_async_correct": (async_dims, async_correct),
            "hop_async_exact": (
                async_dims,
                (async_correct == last[None, :, None, None]).astype(np.int8),
            ),
            "rnn_correct": (rnn_dims, rnn["correct"]),
            "rnn_exact": (
                rnn_dims,
                (rnn["correct"] == last[None, None, None, :, None, None, None]).astype(np.int8),
            ),
            "rnn_train_time": (rnn_dims[:5], rnn["train_time"]),
            "rnn_train_steps": (rnn_dims[:5], rnn["train_steps"]),
            "rnn_parameters": (("kind", "hidden", "N"), rnn["parameters"]),
        },
        coords={
            "N": list(p.Ns),
            "length": list(p.lengths),
            "noise": list(p.noise),
            "trial": np.arange(p.trials),
            "kind": list(p.kinds),
            "hidden": list(p.hidden),
            "seed": np.arange(p.rnn_seeds),
            "cue": np.arange(p.cues),
            "async_trial": np.arange(p.async_trials),
        },
    )
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    return ds


def longest(exact: xr.DataArray, rate: float = 0.5) -> xr.DataArray:
    """Largest length whose exact-replay rate is >= ``rate`` (0 if none), over ``length``.

    ``exact`` holds 0/1 with a ``length`` dimension; every other dimension not kept must
    already be averaged (the rate is the mean over what is left besides ``length``).
    """
    ok = exact >= rate
    lengths = xr.DataArray(exact.length.values, dims="length")
    return (ok * lengths).max("length")


def summary(ds: xr.Dataset) -> str:
    """Longest sequence replayed (clean cue) per N for Hopfield and each RNN."""
    clean = float(ds.noise.values[0])
    hop = longest(ds.hop_exact.sel(noise=clean).mean("trial"))
    parts = [
        f"Hopfield N={int(N)} ({int(N) ** 2} weights): {int(hop.sel(N=N))}" for N in ds.N.values
    ]
    if ds.sizes.get("async_trial", 0):
        slow = longest(ds.hop_async_exact.sel(noise=clean).mean("async_trial"))
        parts += [f"slow-synapse async N={int(N)}: {int(slow.sel(N=N))}" for N in ds.N.values]
    if ds.sizes["kind"] and ds.sizes["seed"]:
        rnn = longest(ds.rnn_exact.sel(noise=clean).mean(["seed", "cue"]))
        for kind in ds.kind.values:
            for H in ds.hidden.values:
                for N in ds.N.values:
                    p = int(ds.rnn_parameters.sel(kind=kind, hidden=H, N=N))
                    L = int(rnn.sel(kind=kind, hidden=H, N=N))
                    parts.append(f"{kind} H={int(H)} N={int(N)} ({p} params): {L}")
        t = float(ds.rnn_train_time.sum())
        parts.append(f"RNN training {t:.1f} s in all")
    return (
        f"sequence_memory: longest sequence replayed exactly from a clean cue (lengths "
        f"{list(map(int, ds.length.values))}, at least half the trials): "
        + "; ".join(parts)
        + ". Figure: hopsim-plot RUN_DIR."
    )
