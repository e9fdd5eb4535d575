"""The ``completion`` experiment: recall from corrupted cues, Hopfield against trained RNNs.

P random +/-1 patterns of N bits (stream ``("completion_patterns", N, P)``) are stored; trial t
cues pattern ``t mod P`` with ``round(noise N)`` bits flipped (level 0: the pattern itself).
The score is the final overlap ``m = xi . s / N`` of the answer with the cued pattern.

Hopfield side: every rule of ``hopfield.rules`` (``Network.learned`` of the learning-rule
registry; Hebb through ``Network.hebbian`` if the registry is absent), run with
``hopfield.update`` until a fixed point or ``hopfield.max_sweeps``; the entry ``modern``
is the modern Hopfield network (:mod:`hopsim.modern`, one update
``xi <- X^T softmax(beta X xi)`` at ``beta = hopfield.modern_beta``, then its signs), which
stores the N P pattern entries themselves.

RNN side: for every kind of ``rnn.kinds`` (``gru``, ``rnn``, ``lstm``) and size of
``rnn.sizes`` (``N2``: H chosen so that the parameter count is nearest N^2, the Hopfield
matrix; ``NP``: nearest N P, the patterns themselves), a model reads the cue as its input
for ``rnn.steps`` steps and its readout after the last step gives N logits; it is trained
(binary cross entropy against the clean pattern) on cues flipped at levels drawn uniformly
from [0, ``rnn.train_noise``], so noise levels above that were never seen in training. The
model is also quantised to int8 (:func:`hopsim.rnn.quantize`) and scored again.

Dataset: ``hop_overlap`` (rule, P, noise, trial); ``rnn_overlap``, ``rnn_overlap_int8`` (kind,
size, P, noise, trial); per (kind, size, P): ``rnn_hidden``, ``rnn_parameters``,
``rnn_bytes_float32``, ``rnn_bytes_int8`` (weights and biases as stored),
``rnn_file_bytes_float32``/``_int8`` (``torch.save`` of the state dict), ``rnn_train_time``,
``rnn_train_steps``, ``rnn_recall_time`` (per cue, float model); per (rule, P):
``hop_recall_time`` (per cue), ``hop_learn_time``; ``hop_parameters`` = N^2,
``hop_bytes_float32`` = 4 N^2, ``hop_bytes_int8`` = N^2 (hopsim's compact int8 couplings,
exact for Hebb when P <= 127).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import (
    ConfigError,
    get,
    get_choice,
    get_float,
    get_int,
    get_list,
)
from hopsim.experiments import _rnn
from hopsim.experiments.sequence_memory import flip
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

SIZES = ("N2", "NP")
#: The modern Hopfield network's entry in ``hopfield.rules`` (not a learning rule).
MODERN = "modern"
KINDS = ("gru", "rnn", "lstm")


def _rule_names() -> list[str]:
    from hopsim.learning import rule_names

    return list(rule_names())


def _choices(cfg: DictConfig, key: str, allowed: tuple | list, empty: bool = False) -> list[str]:
    raw = get(cfg, key)
    if empty and raw in (None, []):
        return []
    values = raw if isinstance(raw, list) else [raw]
    if not values or any(v not in allowed for v in values) or len(set(values)) != len(values):
        text = ", ".join(repr(a) for a in allowed)
        raise ConfigError(
            key, raw, f"a list of {text} (no repeats" + (")" if empty else ", not empty)")
        )
    return values


@dataclass(frozen=True)
class CompletionParams:
    """Everything the completion experiment reads from its config, checked."""

    N: int
    Ps: tuple[int, ...]
    noise: tuple[float, ...]
    trials: int
    rules: tuple[str, ...]  #: learning rules, and ``modern`` for the modern network
    modern_beta: float
    update: str
    max_sweeps: int
    kinds: tuple[str, ...]
    sizes: tuple[str, ...]
    read_steps: int
    train_noise: float
    validation: int
    train: _rnn.TrainKeys
    threads: int

    @property
    def learning_rules(self) -> list[str]:
        """The registry's rules among ``rules`` (without ``modern``)."""
        return [r for r in self.rules if r != MODERN]


def parameters(cfg: DictConfig) -> CompletionParams:
    """Read and check every key the completion experiment uses (work and memory)."""
    from hopsim.dynamics import discrete

    params = CompletionParams(
        N=get_int(cfg, "completion.N", lo=2, hi=4096),
        Ps=tuple(get_list(cfg, "completion.P", kind="int", lo=1, hi=100_000)),
        noise=tuple(get_list(cfg, "completion.noise", lo=0.0, hi=1.0)),
        trials=get_int(cfg, "completion.trials", lo=1, hi=1_000_000),
        rules=tuple(_choices(cfg, "hopfield.rules", _rule_names() + [MODERN])),
        modern_beta=get_float(cfg, "hopfield.modern_beta", lo=0.0, lo_open=True),
        update=get_choice(cfg, "hopfield.update", discrete.UPDATE_RULES),
        max_sweeps=get_int(cfg, "hopfield.max_sweeps", lo=1, hi=10**9),
        kinds=tuple(_choices(cfg, "rnn.kinds", KINDS, empty=True)),
        sizes=tuple(_choices(cfg, "rnn.sizes", SIZES)),
        read_steps=get_int(cfg, "rnn.steps", lo=1, hi=1000),
        train_noise=get_float(cfg, "rnn.train_noise", lo=0.0, hi=1.0),
        validation=get_int(cfg, "rnn.validation", lo=1, hi=1_000_000),
        train=_rnn.train_keys(cfg, "train"),
        threads=_rnn.job_threads(cfg),
    )
    if params.kinds:
        _rnn.require_torch("completion")
    _check_resources(params)
    return params


def _check_resources(p: CompletionParams) -> None:
    """Memory of the networks and cues, before any work (the time is :func:`estimate`'s)."""
    from hopsim.experiments._discrete_config import NetworkSpec, network_bytes

    N, P = p.N, max(p.Ps)
    check_memory("completion.P", list(p.Ps), 2.0 * N * P + 24.0 * p.trials * N, "patterns and cues")
    for rule in p.learning_rules:
        spec = NetworkSpec(0.0, "plus", rule, (), "dense")
        check_memory("completion.P", list(p.Ps), network_bytes(spec, N, P), f"the {rule} couplings")
    if MODERN in p.rules:  # the (trials, P) softmax weights of one update, float64, twice
        check_memory("completion.P", list(p.Ps), 16.0 * p.trials * P, "the modern update")


#: A cue's cost per rule beyond its sweeps at N = 64 (its corruption, the modern update,
#: overlaps and bookkeeping: ~0.07 ms of CPU measured).
SECONDS_PER_CUE = 6.0e-5


def estimate(p: CompletionParams):
    """The job's :class:`hopsim.resources.Estimate`: patterns, cues and the largest network;
    every rule's recall of every (P, noise, trial) cue, and every RNN's training at its full
    budget of steps (early stopping only shortens it) and its evaluations."""
    from hopsim.experiments import _costs
    from hopsim.experiments._discrete_config import NetworkSpec, network_bytes
    from hopsim.resources import Estimate

    N, Pmax = p.N, max(p.Ps)
    memory = 2.0 * N * Pmax + 24.0 * p.trials * len(p.noise) * N + 16.0 * p.trials * Pmax
    cues = float(len(p.noise)) * p.trials
    seconds = _costs.SECONDS_PER_JOB
    for P in p.Ps:
        for rule in p.learning_rules:
            spec = NetworkSpec(0.0, "plus", rule, (), "dense")
            memory = max(memory, network_bytes(spec, N, Pmax))
            seconds += _costs.learn_seconds(rule, N, P)
            seconds += _costs.recall_seconds(N, P, cues, p.max_sweeps, p.update, "dense")
        seconds += cues * len(p.rules) * SECONDS_PER_CUE  # cue, update, overlaps per rule
    tk = p.train
    for P in p.Ps:
        for _kind in p.kinds:
            for size in p.sizes:
                weights = float(N * N if size == "N2" else N * P)
                evals = tk.steps // tk.eval_every + 1
                seconds += _costs.rnn_train_seconds(
                    weights, tk.batch_size, p.read_steps, tk.steps, evals, p.validation
                )
                seconds += _costs.rnn_train_seconds(weights, 0, p.read_steps, 0, 1, cues)
                memory = max(memory, 16.0 * weights + 40.0 * tk.batch_size * p.read_steps * N)
    if p.kinds:
        memory += _costs.TORCH_RUNTIME_BYTES
    drivers = {
        "train.steps": tk.steps,
        "completion.trials": p.trials,
        "completion.P": list(p.Ps),
        "completion.N": N,
        "train.batch_size": tk.batch_size,
        "rnn.steps": p.read_steps,
        "rnn.kinds": list(p.kinds),
        "rnn.sizes": list(p.sizes),
        "rnn.validation": p.validation,
        "hopfield.max_sweeps": p.max_sweeps,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the completion experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def _hopfield_network(xi: np.ndarray, rule: str):
    from hopsim.network import Network

    return Network.learned(xi, rule, {}, 0.0, "plus", "dense")


def run(params: CompletionParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Hopfield recall for every rule and load, then every RNN kind and size."""
    N, Ps = params.N, params.Ps
    patterns = {P: random_patterns(seeds.generator("completion_patterns", N, P), P, N) for P in Ps}
    cued = {P: np.arange(params.trials) % P for P in Ps}
    cues = {
        (P, level): flip(
            seeds.generator("completion_cue", N, P, level), patterns[P][cued[P]], level
        )
        for P in Ps
        for level in params.noise
    }
    hop = _hopfield_recall(params, seeds, patterns, cued, cues)
    if MODERN in params.rules:
        hop = _append_modern(params, patterns, cued, cues, hop)
    rnn = _rnn_recall(params, seeds, patterns, cued, cues, progress)
    return _dataset(params, hop, rnn)


def _hopfield_recall(p: CompletionParams, seeds, patterns, cued, cues) -> dict:
    """Every learning rule at every load and noise: overlaps, recall and learning times."""
    from hopsim.dynamics import discrete

    N, rules = p.N, p.learning_rules
    hop = {
        "overlap": np.full((len(rules), len(p.Ps), len(p.noise), p.trials), np.nan),
        "recall_time": np.full((len(rules), len(p.Ps)), np.nan),
        "learn_time": np.full((len(rules), len(p.Ps)), np.nan),
        "rule_parameters": np.tile(np.float64(N * N), (len(rules), len(p.Ps))),
        "rules": list(rules),
    }
    for r, rule in enumerate(rules):
        for j, P in enumerate(p.Ps):
            xi = patterns[P]
            t0 = time.perf_counter()
            net = _hopfield_network(xi, rule)
            hop["learn_time"][r, j] = time.perf_counter() - t0
            # warm-up (numba compilation) outside the timing
            first = cues[P, p.noise[0]][:1]
            discrete.run(net, first, p.update, p.max_sweeps, [np.random.default_rng(0)])
            spent = 0.0
            for k, level in enumerate(p.noise):
                rngs = seeds.generators(("completion_dynamics", N, P, level), range(p.trials))
                t0 = time.perf_counter()
                traj = discrete.run(net, cues[P, level], p.update, p.max_sweeps, rngs)
                spent += time.perf_counter() - t0
                final = traj.final.astype(np.float64)
                hop["overlap"][r, j, k] = np.einsum("bi,bi->b", final, xi[cued[P]]) / N
            hop["recall_time"][r, j] = spent / (p.trials * len(p.noise))
    return hop


def _append_modern(p: CompletionParams, patterns, cued, cues, hop: dict) -> dict:
    """The modern (dense, softmax) network of Ramsauer et al.: one update
    ``xi <- X^T softmax(beta X xi)``, answer its signs; it stores X itself (N P numbers)."""
    from hopsim import modern

    N = p.N
    m_over = np.full((1, len(p.Ps), len(p.noise), p.trials), np.nan)
    m_time = np.full((1, len(p.Ps)), np.nan)
    for j, P in enumerate(p.Ps):
        X = patterns[P].astype(np.float64)
        modern.update(X, cues[P, p.noise[0]][:1].astype(np.float64), p.modern_beta)  # warm-up
        spent = 0.0
        for k, level in enumerate(p.noise):
            t0 = time.perf_counter()
            out = modern.update(X, cues[P, level].astype(np.float64), p.modern_beta)
            spent += time.perf_counter() - t0
            answer = np.where(out >= 0, 1.0, -1.0)
            m_over[0, j, k] = np.einsum("bi,bi->b", answer, X[cued[P]]) / N
        m_time[0, j] = spent / (p.trials * len(p.noise))
    return {
        "overlap": np.concatenate([hop["overlap"], m_over]),
        "recall_time": np.concatenate([hop["recall_time"], m_time]),
        "learn_time": np.concatenate([hop["learn_time"], np.zeros((1, len(p.Ps)))]),
        "rule_parameters": np.concatenate(
            [hop["rule_parameters"], np.array([[N * P for P in p.Ps]], float)]
        ),
        "rules": hop["rules"] + [MODERN],
    }


RNN_SCALARS = (
    "rnn_hidden",
    "rnn_parameters",
    "rnn_bytes_float32",
    "rnn_bytes_int8",
    "rnn_file_bytes_float32",
    "rnn_file_bytes_int8",
    "rnn_train_time",
    "rnn_train_steps",
    "rnn_recall_time",
)


def _rnn_recall(p: CompletionParams, seeds, patterns, cued, cues, progress) -> dict:
    """Train every (kind, size, P) model; score it, float and int8, at every noise."""
    rshape = (len(p.kinds), len(p.sizes), len(p.Ps))
    out = {
        "overlap": np.full(rshape + (len(p.noise), p.trials), np.nan),
        "overlap8": np.full(rshape + (len(p.noise), p.trials), np.nan),
        **{name: np.full(rshape, np.nan) for name in RNN_SCALARS},
    }
    if not p.kinds:
        return out
    rnn = _rnn.start_torch(p.threads)
    import torch

    jobs = [
        (a, b, j)
        for j in range(len(p.Ps))
        for a in range(len(p.kinds))
        for b in range(len(p.sizes))
    ]
    bar = tqdm(total=len(jobs), desc="completion", disable=not progress)
    for a, b, j in jobs:
        kind, size, P = p.kinds[a], p.sizes[b], p.Ps[j]
        bar.set_description_str(f"completion {kind} {size} P={P}")
        _one_rnn(p, rnn, torch, seeds, patterns[P], cued[P], cues, (kind, size, P), out, (a, b, j))
        bar.update(1)
    bar.close()
    return out


def _one_rnn(p, rnn, torch, seeds, xi, cued, cues, what, out, cell) -> None:
    """Train one model and record its sizes, times and overlaps into ``out[...][cell]``."""
    kind, size, P = what
    N, T = p.N, p.read_steps
    H = rnn.hidden_for_parameters(kind, N, N, N * N if size == "N2" else N * P)
    model, hist = _train(
        rnn, torch, kind, H, xi, T, p.train_noise, p.validation, p.train, seeds, N, P, size
    )
    model.eval()
    q = rnn.quantize(model)
    for name, value in (
        ("rnn_hidden", H),
        ("rnn_parameters", rnn.count_parameters(model)),
        ("rnn_train_time", hist.seconds),
        ("rnn_train_steps", hist.steps),
        ("rnn_bytes_float32", rnn.tensor_bytes(model)),
        ("rnn_bytes_int8", rnn.tensor_bytes(q)),
        ("rnn_file_bytes_float32", rnn.serialized_bytes(model)),
        ("rnn_file_bytes_int8", rnn.serialized_bytes(q)),
    ):
        out[name][cell] = value
    with torch.no_grad():  # warm-up outside the timing
        model(_sequence(torch, cues[P, p.noise[0]][:1], T))
    spent = 0.0
    target = xi[cued].astype(np.float64)
    for k, level in enumerate(p.noise):
        x = _sequence(torch, cues[P, level], T)
        with torch.no_grad():
            t0 = time.perf_counter()
            answer = np.where(model(x)[0][:, -1].numpy() >= 0, 1.0, -1.0)
            spent += time.perf_counter() - t0
            answer8 = np.where(q(x)[0][:, -1].numpy() >= 0, 1.0, -1.0)
        out["overlap"][cell + (k,)] = np.einsum("bi,bi->b", answer, target) / N
        out["overlap8"][cell + (k,)] = np.einsum("bi,bi->b", answer8, target) / N
    out["rnn_recall_time"][cell] = spent / (p.trials * len(p.noise))


#: long_name and units of the dataset's variables and coordinates
ATTRS = {
    "hop_overlap": ("Hopfield final overlap with the cued pattern", "1"),
    "hop_recall_time": ("Hopfield recall time per cue", "s"),
    "hop_learn_time": ("Hopfield learning time", "s"),
    "hop_rule_parameters": ("numbers the Hopfield network stores (N^2; modern: N P)", "1"),
    "rnn_overlap": ("RNN final overlap with the cued pattern", "1"),
    "rnn_overlap_int8": ("int8 RNN final overlap with the cued pattern", "1"),
    "rnn_hidden": ("hidden units H", "1"),
    "rnn_parameters": ("RNN trainable parameters", "1"),
    "rnn_bytes_float32": ("RNN weight bytes, float32", "B"),
    "rnn_bytes_int8": ("RNN weight bytes, dynamic int8", "B"),
    "rnn_file_bytes_float32": ("RNN state-dict file, float32", "B"),
    "rnn_file_bytes_int8": ("RNN state-dict file, dynamic int8", "B"),
    "rnn_train_time": ("RNN training wall time", "s"),
    "rnn_train_steps": ("RNN optimiser steps", "step"),
    "rnn_recall_time": ("RNN recall time per cue", "s"),
    "hop_parameters": ("Hopfield couplings N^2", "1"),
    "hop_bytes_float32": ("Hopfield couplings, float32", "B"),
    "hop_bytes_int8": ("Hopfield couplings, int8 (Hebb)", "B"),
    "P": ("stored patterns P", "1"),
    "alpha": ("load P/N", "1"),
    "noise": ("cue noise (fraction of bits flipped)", "1"),
}


def _dataset(p: CompletionParams, hop: dict, rnn: dict) -> xr.Dataset:
    N = p.N
    rnn_dims = ("kind", "size", "P", "noise", "trial")
    ds = xr.Dataset(
        {
            "hop_overlap": (("rule", "P", "noise", "trial"), hop["overlap"]),
            "hop_recall_time": (("rule", "P"), hop["recall_time"]),
            "hop_learn_time": (("rule", "P"), hop["learn_time"]),
            "hop_rule_parameters": (("rule", "P"), hop["rule_parameters"]),
            "rnn_overlap": (rnn_dims, rnn["overlap"]),
            "rnn_overlap_int8": (rnn_dims, rnn["overlap8"]),
            **{name: (("kind", "size", "P"), rnn[name]) for name in RNN_SCALARS},
        },
        coords={
            "rule": hop["rules"],
            "P": list(p.Ps),
            "noise": list(p.noise),
            "trial": np.arange(p.trials),
            "kind": list(p.kinds),
            "size": list(p.sizes),
        },
    )
    ds = ds.assign_coords(alpha=("P", np.array(p.Ps) / N))
    ds["hop_parameters"] = N * N
    ds["hop_bytes_float32"] = 4 * N * N
    ds["hop_bytes_int8"] = N * N
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(N=N, train_noise=p.train_noise, read_steps=p.read_steps, update=p.update)
    if MODERN in p.rules:
        ds.attrs["modern_beta"] = p.modern_beta
    return ds


def _sequence(torch, cues: np.ndarray, T: int):
    """(B, N) +/-1 cues -> (B, T, N) float32 input: the cue at every step."""
    x = torch.from_numpy(cues.astype(np.float32))
    return x[:, None].expand(-1, T, -1).contiguous()


def _train(rnn, torch, kind, H, xi, T, train_noise, n_val, tk, seeds, N, P, size):
    key = ("completion", kind, size, N, P)
    rnn.seed_torch(seeds, *key)
    model = rnn.Recurrent(kind, N, H, N)
    data = seeds.generator("completion_train", *key[1:])
    vrng = seeds.generator("completion_val", *key[1:])
    vidx = np.arange(n_val) % P
    vcues = np.concatenate(
        [flip(vrng, xi[vidx[i : i + 1]], vrng.random() * train_noise) for i in range(n_val)]
    )
    vx, vy = _sequence(torch, vcues, T), torch.from_numpy(((xi[vidx] + 1) // 2).astype(np.float32))
    sign_target = torch.from_numpy(xi[vidx].astype(np.float32))

    def batch(step):
        idx = data.integers(0, P, size=tk.batch_size)
        clean = xi[idx]
        levels = data.random(tk.batch_size) * train_noise
        ks = np.rint(levels * N).astype(int)
        order = np.argsort(data.random((tk.batch_size, N)), axis=1)
        mask = np.arange(N)[None, :] < ks[:, None]
        flips = np.zeros_like(mask)
        np.put_along_axis(flips, order, mask, axis=1)
        noisy = np.where(flips, -clean, clean)
        y = torch.from_numpy(((clean + 1) // 2).astype(np.float32))
        return _sequence(torch, noisy, T), y

    def loss_fn(model, x, y):
        logits, _ = model(x)
        return torch.nn.functional.binary_cross_entropy_with_logits(logits[:, -1], y)

    def val(model):
        logits = model(vx)[0][:, -1]
        loss = float(torch.nn.functional.binary_cross_entropy_with_logits(logits, vy))
        answer = torch.where(logits >= 0, 1.0, -1.0)
        return loss, float((answer * sign_target).mean())

    hist = rnn.train(
        model, batch, loss_fn, val, tk.steps, tk.lr, tk.clip, tk.eval_every, tk.patience, 1.0
    )
    return model, hist


def summary(ds: xr.Dataset) -> str:
    """Mean overlap at the training noise edge and beyond, per model, at each load."""
    lines = []
    for level in ds.noise.values:
        row = [f"noise {float(level):g}:"]
        for rule in ds.rule.values:
            m = ds.hop_overlap.sel(rule=rule, noise=level).mean("trial").values
            row.append(f"{rule} " + "/".join(f"{v:.2f}" for v in m))
        for kind in ds.kind.values:
            for size in ds["size"].values:
                m = ds.rnn_overlap.sel(kind=kind, size=size, noise=level).mean("trial").values
                row.append(f"{kind}-{size} " + "/".join(f"{v:.2f}" for v in m))
        lines.append(" ".join(row))
    return (
        f"completion: N={ds.attrs['N']}, P={list(map(int, ds.P.values))} (mean final overlap per "
        f"P, RNNs trained up to noise {ds.attrs['train_noise']:g}) "
        + "; ".join(lines)
        + ". Figure: hopsim-plot RUN_DIR."
    )
