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
from hopsim.resources import check_memory, check_work
from hopsim.rng import SeedTree

SIZES = ("N2", "NP")
#: The modern Hopfield network's entry in ``hopfield.rules`` (not a learning rule).
MODERN = "modern"
KINDS = ("gru", "rnn", "lstm")
WORK_LIMIT = 2e12


def _rule_names() -> list[str]:
    from hopsim.learning import rule_names

    return list(rule_names())


def _choices(cfg: DictConfig, key: str, allowed: tuple | list) -> list[str]:
    raw = get(cfg, key)
    values = raw if isinstance(raw, list) else [raw]
    if any(v not in allowed for v in values) or len(set(values)) != len(values):
        text = ", ".join(repr(a) for a in allowed)
        raise ConfigError(key, raw, f"a list of {text} (no repeats)")
    return values


def validate(cfg: DictConfig) -> None:
    """Check every key the completion experiment reads (and that torch is installed)."""
    from hopsim.dynamics import discrete

    N = get_int(cfg, "completion.N", lo=2, hi=4096)
    Ps = get_list(cfg, "completion.P", kind="int", lo=1, hi=100_000)
    get_list(cfg, "completion.noise", lo=0.0, hi=1.0)
    trials = get_int(cfg, "completion.trials", lo=1, hi=1_000_000)
    _choices(cfg, "hopfield.rules", _rule_names() + [MODERN])
    get_float(cfg, "hopfield.modern_beta", lo=0.0, lo_open=True)
    get_choice(cfg, "hopfield.update", discrete.UPDATE_RULES)
    get_int(cfg, "hopfield.max_sweeps", lo=1)
    kinds = _choices(cfg, "rnn.kinds", KINDS) if get(cfg, "rnn.kinds") else []
    sizes = _choices(cfg, "rnn.sizes", SIZES)
    get_int(cfg, "rnn.steps", lo=1, hi=1000)
    get_float(cfg, "rnn.train_noise", lo=0.0, hi=1.0)
    get_int(cfg, "rnn.validation", lo=1, hi=1_000_000)
    tk = _rnn.train_keys(cfg, "train")
    if kinds:
        _rnn.require_torch("completion")
    check_memory("completion.N", N, 8.0 * N * N * 3 + 8.0 * trials * N * 4, "couplings and cues")
    # the N2 size has ~N^2 parameters: work ~ N^2 per sequence step
    work = len(kinds) * len(sizes) * len(Ps) * tk.steps * tk.batch_size * int(cfg.rnn.steps)
    work *= 2.0 * N * N
    check_work("train.steps", tk.steps, work, WORK_LIMIT, "multiply-adds of training")
    del Ps


def _hopfield_network(xi: np.ndarray, rule: str):
    from hopsim.network import Network

    if hasattr(Network, "learned"):
        return Network.learned(xi, rule, {}, 0.0, "plus", "dense")
    if rule != "hebb":
        raise ConfigError("hopfield.rules", rule, "'hebb' (no learning-rule registry)")
    return Network.hebbian(xi, 0.0, "plus", mode="dense")


def run(cfg: DictConfig, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Hopfield recall for every rule and load, then every RNN kind and size."""
    from hopsim.dynamics import discrete

    N = int(cfg.completion.N)
    Ps = get_list(cfg, "completion.P", kind="int")
    noise = get_list(cfg, "completion.noise")
    trials = int(cfg.completion.trials)
    chosen = _choices(cfg, "hopfield.rules", _rule_names() + [MODERN])
    rules = [r for r in chosen if r != MODERN]
    update, max_sweeps = str(get(cfg, "hopfield.update")), int(cfg.hopfield.max_sweeps)
    kinds = _choices(cfg, "rnn.kinds", KINDS) if get(cfg, "rnn.kinds") else []
    sizes = _choices(cfg, "rnn.sizes", SIZES)
    T, train_noise, n_val = int(cfg.rnn.steps), float(cfg.rnn.train_noise), int(cfg.rnn.validation)
    tk = _rnn.train_keys(cfg, "train")

    patterns = {P: random_patterns(seeds.generator("completion_patterns", N, P), P, N) for P in Ps}
    cued = {P: np.arange(trials) % P for P in Ps}
    cues = {
        (P, level): flip(
            seeds.generator("completion_cue", N, P, level), patterns[P][cued[P]], level
        )
        for P in Ps
        for level in noise
    }

    hop = np.full((len(rules), len(Ps), len(noise), trials), np.nan)
    hop_time = np.full((len(rules), len(Ps)), np.nan)
    hop_learn = np.full((len(rules), len(Ps)), np.nan)
    for r, rule in enumerate(rules):
        for j, P in enumerate(Ps):
            xi = patterns[P]
            t0 = time.perf_counter()
            net = _hopfield_network(xi, rule)
            hop_learn[r, j] = time.perf_counter() - t0
            # warm-up (numba compilation) outside the timing
            discrete.run(net, cues[P, noise[0]][:1], update, max_sweeps, [np.random.default_rng(0)])
            spent = 0.0
            for k, level in enumerate(noise):
                rngs = seeds.generators(("completion_dynamics", N, P, level), range(trials))
                t0 = time.perf_counter()
                traj = discrete.run(net, cues[P, level], update, max_sweeps, rngs)
                spent += time.perf_counter() - t0
                final = traj.final.astype(np.float64)
                hop[r, j, k] = np.einsum("bi,bi->b", final, xi[cued[P]]) / N
            hop_time[r, j] = spent / (trials * len(noise))

    # the modern (dense, softmax) Hopfield network of Ramsauer et al.: one update
    # xi <- X^T softmax(beta X xi), answer its signs; it stores X itself (N P numbers)
    beta = get_float(cfg, "hopfield.modern_beta")
    hop_params = np.tile(np.float64(N * N), (len(rules), len(Ps)))
    if MODERN in chosen:
        from hopsim import modern

        rules = rules + ["modern"]
        m_over = np.full((1, len(Ps), len(noise), trials), np.nan)
        m_time = np.full((1, len(Ps)), np.nan)
        for j, P in enumerate(Ps):
            X = patterns[P].astype(np.float64)
            modern.update(X, cues[P, noise[0]][:1].astype(np.float64), beta)  # warm-up
            spent = 0.0
            for k, level in enumerate(noise):
                t0 = time.perf_counter()
                out = modern.update(X, cues[P, level].astype(np.float64), beta)
                spent += time.perf_counter() - t0
                answer = np.where(out >= 0, 1.0, -1.0)
                m_over[0, j, k] = np.einsum("bi,bi->b", answer, X[cued[P]]) / N
            m_time[0, j] = spent / (trials * len(noise))
        hop = np.concatenate([hop, m_over])
        hop_time = np.concatenate([hop_time, m_time])
        hop_learn = np.concatenate([hop_learn, np.zeros((1, len(Ps)))])
        hop_params = np.concatenate([hop_params, np.array([[N * P for P in Ps]], float)])

    rshape = (len(kinds), len(sizes), len(Ps))
    out = np.full(rshape + (len(noise), trials), np.nan)
    out8 = np.full(rshape + (len(noise), trials), np.nan)
    scalars = {
        name: np.full(rshape, np.nan)
        for name in (
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
    }
    if kinds:
        rnn = _rnn.start_torch(cfg)
        import torch

        jobs = [
            (a, b, j) for j in range(len(Ps)) for a in range(len(kinds)) for b in range(len(sizes))
        ]
        bar = tqdm(total=len(jobs), desc="completion", disable=not progress)
        for a, b, j in jobs:
            kind, size, P = kinds[a], sizes[b], Ps[j]
            bar.set_description_str(f"completion {kind} {size} P={P}")
            xi = patterns[P]
            target_count = N * N if size == "N2" else N * P
            H = rnn.hidden_for_parameters(kind, N, N, target_count)
            model, hist = _train(
                rnn, torch, kind, H, xi, T, train_noise, n_val, tk, seeds, N, P, size
            )
            model.eval()
            scalars["rnn_hidden"][a, b, j] = H
            scalars["rnn_parameters"][a, b, j] = rnn.count_parameters(model)
            scalars["rnn_train_time"][a, b, j] = hist.seconds
            scalars["rnn_train_steps"][a, b, j] = hist.steps
            q = rnn.quantize(model)
            scalars["rnn_bytes_float32"][a, b, j] = rnn.tensor_bytes(model)
            scalars["rnn_bytes_int8"][a, b, j] = rnn.tensor_bytes(q)
            scalars["rnn_file_bytes_float32"][a, b, j] = rnn.serialized_bytes(model)
            scalars["rnn_file_bytes_int8"][a, b, j] = rnn.serialized_bytes(q)
            with torch.no_grad():  # warm-up outside the timing
                model(_sequence(torch, cues[P, noise[0]][:1], T))
            spent = 0.0
            for k, level in enumerate(noise):
                x = _sequence(torch, cues[P, level], T)
                target = xi[cued[P]].astype(np.float64)
                with torch.no_grad():
                    t0 = time.perf_counter()
                    answer = np.where(model(x)[0][:, -1].numpy() >= 0, 1.0, -1.0)
                    spent += time.perf_counter() - t0
                    answer8 = np.where(q(x)[0][:, -1].numpy() >= 0, 1.0, -1.0)
                out[a, b, j, k] = np.einsum("bi,bi->b", answer, target) / N
                out8[a, b, j, k] = np.einsum("bi,bi->b", answer8, target) / N
            scalars["rnn_recall_time"][a, b, j] = spent / (trials * len(noise))
            bar.update(1)
        bar.close()

    ds = xr.Dataset(
        {
            "hop_overlap": (("rule", "P", "noise", "trial"), hop),
            "hop_recall_time": (("rule", "P"), hop_time),
            "hop_learn_time": (("rule", "P"), hop_learn),
            "hop_rule_parameters": (("rule", "P"), hop_params),
            "rnn_overlap": (("kind", "size", "P", "noise", "trial"), out),
            "rnn_overlap_int8": (("kind", "size", "P", "noise", "trial"), out8),
            **{name: (("kind", "size", "P"), v) for name, v in scalars.items()},
        },
        coords={
            "rule": rules,
            "P": Ps,
            "noise": noise,
            "trial": np.arange(trials),
            "kind": kinds,
            "size": sizes,
        },
    )
    ds = ds.assign_coords(alpha=("P", np.array(Ps) / N))
    ds["hop_parameters"] = N * N
    ds["hop_bytes_float32"] = 4 * N * N
    ds["hop_bytes_int8"] = N * N
    attrs = {
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
    for name, (long_name, units) in attrs.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(N=N, train_noise=train_noise, read_steps=T, update=update)
    if MODERN in chosen:
        ds.attrs["modern_beta"] = beta
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
