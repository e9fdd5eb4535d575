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

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get, get_float, get_int, get_list
from hopsim.experiments import _rnn
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory, check_work
from hopsim.rng import SeedTree

WORK_LIMIT = 2e12  # multiply-adds of RNN training, ~10 minutes of CPU


def _kinds(cfg: DictConfig) -> list[str]:
    raw = get(cfg, "rnn.kinds")
    values = raw if isinstance(raw, list) else [raw]
    if any(v not in ("rnn", "lstm", "gru") for v in values) or len(set(values)) != len(values):
        raise ConfigError("rnn.kinds", raw, "a list of 'rnn', 'lstm', 'gru' (no repeats)")
    return values


def validate(cfg: DictConfig) -> None:
    """Check every key the sequence_memory experiment reads (and that torch is installed)."""
    Ns = get_list(cfg, "sequence.N", kind="int", lo=2, hi=4096)
    lengths = get_list(cfg, "sequence.lengths", kind="int", lo=2, hi=100_000)
    noise = get_list(cfg, "sequence.noise", lo=0.0, hi=1.0)
    trials = get_int(cfg, "hopfield.trials", lo=1, hi=100_000)
    get_float(cfg, "hopfield.slow_synapse.strength", lo=0.0)
    get_int(cfg, "hopfield.slow_synapse.delay", lo=1, hi=1000)
    async_trials = get_int(cfg, "hopfield.slow_synapse.trials", lo=0, hi=100_000)
    sweeps = sum((P + 2) * get_int(cfg, "hopfield.slow_synapse.delay") for P in lengths)
    check_work(
        "hopfield.slow_synapse.trials",
        async_trials,
        float(async_trials) * len(noise) * sum(N * N for N in Ns) * sweeps,
        1e12,
        "multiply-adds of asynchronous replay",
    )
    kinds = _kinds(cfg) if get(cfg, "rnn.kinds") else []
    hidden = get_list(cfg, "rnn.hidden", kind="int", lo=1, hi=1024)
    rseeds = get_int(cfg, "rnn.seeds", lo=0, hi=1000)
    get_float(cfg, "rnn.train_noise", lo=0.0, hi=1.0)
    cues = get_int(cfg, "rnn.cues", lo=1, hi=100_000)
    tk = _rnn.train_keys(cfg, "train")
    if kinds and rseeds:
        _rnn.require_torch("sequence_memory")
    # Hopfield: one (N, N) float64 matrix and (trials, P, N) states at a time
    check_memory(
        "sequence.N", Ns, 8.0 * max(Ns) ** 2 + 9.0 * trials * max(lengths) * max(Ns), "couplings"
    )
    work = 0.0
    for N in Ns:
        for H in hidden:
            per_step = 4 * H * (N + H) + H * N  # gated blocks, readout
            work += per_step * tk.batch_size * tk.steps * sum(lengths) * 3 * len(kinds) * rseeds
    check_work("train.steps", tk.steps, work, WORK_LIMIT, "multiply-adds of training")
    del cues


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


def run(cfg: DictConfig, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Hopfield replay for every (N, P, noise, trial), then every RNN."""
    Ns = get_list(cfg, "sequence.N", kind="int")
    lengths = get_list(cfg, "sequence.lengths", kind="int")
    noise = get_list(cfg, "sequence.noise")
    trials = int(cfg.hopfield.trials)
    kinds = _kinds(cfg) if get(cfg, "rnn.kinds") else []
    hidden = get_list(cfg, "rnn.hidden", kind="int")
    rseeds, cues_n = int(cfg.rnn.seeds), int(cfg.rnn.cues)
    train_noise = float(cfg.rnn.train_noise)
    tk = _rnn.train_keys(cfg, "train")

    shape = (len(Ns), len(lengths), len(noise), trials)
    hop_correct = np.zeros(shape, dtype=np.int64)
    hop_overlap = np.full(shape, np.nan)
    started = time.perf_counter()
    for i, N in enumerate(Ns):
        for j, P in enumerate(lengths):
            for t in range(trials):
                xi = random_patterns(seeds.generator("sequence", N, P, t), P, N)
                for k, level in enumerate(noise):
                    cue = flip(seeds.generator("sequence_cue", N, P, level, t), xi[:1], level)
                    c, final = hopfield_replay(xi, cue)
                    hop_correct[i, j, k, t] = c[0]
                    hop_overlap[i, j, k, t] = final[0].astype(np.float64) @ xi[-1] / N
    hop_seconds = time.perf_counter() - started

    slow = cfg.hopfield.slow_synapse
    lam, delay, async_trials = float(slow.strength), int(slow.delay), int(slow.trials)
    async_correct = np.zeros((len(Ns), len(lengths), len(noise), async_trials), dtype=np.int64)
    started = time.perf_counter()
    for i, N in enumerate(Ns):
        for j, P in enumerate(lengths):
            for t in range(async_trials):
                xi = random_patterns(seeds.generator("sequence", N, P, t), P, N)
                for k, level in enumerate(noise):
                    cue = flip(seeds.generator("sequence_cue", N, P, level, t), xi[:1], level)
                    rng = seeds.generator("sequence_async", N, P, level, t)
                    async_correct[i, j, k, t] = slow_synapse_replay(xi, cue[0], lam, delay, rng)
    async_seconds = time.perf_counter() - started

    rshape = (len(kinds), len(hidden), len(Ns), len(lengths), rseeds)
    rnn_correct = np.zeros(rshape + (len(noise), cues_n), dtype=np.int64)
    train_time = np.full(rshape, np.nan)
    train_steps = np.zeros(rshape, dtype=np.int64)
    params = np.zeros((len(kinds), len(hidden), len(Ns)), dtype=np.int64)
    if kinds and rseeds:
        rnn = _rnn.start_torch(cfg)
        import torch

        jobs = [
            (a, b, i, j, s)
            for i in range(len(Ns))
            for j in range(len(lengths))
            for s in range(rseeds)
            for a in range(len(kinds))
            for b in range(len(hidden))
        ]
        bar = tqdm(total=len(jobs), desc="sequence_memory", disable=not progress)
        for a, b, i, j, s in jobs:
            kind, H, N, P = kinds[a], hidden[b], Ns[i], lengths[j]
            bar.set_description_str(f"sequence_memory {kind} H={H} N={N} P={P}")
            xi = random_patterns(seeds.generator("sequence", N, P, s), P, N)
            key = (kind, H, N, P, s)
            model, hist = train_sequence(
                rnn,
                torch,
                kind,
                H,
                xi,
                seeds,
                key,
                tk,
                train_noise,
                seeds.generator("sequence_val", *key),
            )
            params[a, b, i] = rnn.count_parameters(model)
            train_time[a, b, i, j, s], train_steps[a, b, i, j, s] = hist.seconds, hist.steps
            model.eval()
            for k, level in enumerate(noise):
                rng = seeds.generator("sequence_rnn_cue", N, P, level, s)
                cues = flip(rng, np.repeat(xi[:1], cues_n, axis=0), level)
                replayed = rnn_replay(torch, model, cues, P - 1)
                rnn_correct[a, b, i, j, s, k] = correct_transitions(replayed, xi)
            bar.update(1)
        bar.close()

    L = np.array(lengths)
    ds = xr.Dataset(
        {
            "hop_correct": (("N", "length", "noise", "trial"), hop_correct),
            "hop_exact": (
                ("N", "length", "noise", "trial"),
                (hop_correct == (L - 1)[None, :, None, None]).astype(np.int8),
            ),
            "hop_final_overlap": (("N", "length", "noise", "trial"), hop_overlap),
            "hop_parameters": (("N",), np.array(Ns, dtype=np.int64) ** 2),
            "hop_async_correct": (("N", "length", "noise", "async_trial"), async_correct),
            "hop_async_exact": (
                ("N", "length", "noise", "async_trial"),
                (async_correct == (L - 1)[None, :, None, None]).astype(np.int8),
            ),
            "rnn_correct": (
                ("kind", "hidden", "N", "length", "seed", "noise", "cue"),
                rnn_correct,
            ),
            "rnn_exact": (
                ("kind", "hidden", "N", "length", "seed", "noise", "cue"),
                (rnn_correct == (L - 1)[None, None, None, :, None, None, None]).astype(np.int8),
            ),
            "rnn_train_time": (("kind", "hidden", "N", "length", "seed"), train_time),
            "rnn_train_steps": (("kind", "hidden", "N", "length", "seed"), train_steps),
            "rnn_parameters": (("kind", "hidden", "N"), params),
        },
        coords={
            "N": Ns,
            "length": lengths,
            "noise": noise,
            "trial": np.arange(trials),
            "kind": kinds,
            "hidden": hidden,
            "seed": np.arange(rseeds),
            "cue": np.arange(cues_n),
            "async_trial": np.arange(async_trials),
        },
    )
    attrs = {
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
    for name, (long_name, units) in attrs.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(
        hopfield_seconds=round(hop_seconds, 3),
        async_seconds=round(async_seconds, 3),
        async_lambda=lam,
        async_delay=delay,
        train_noise=train_noise,
    )
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
