"""The ``gradients`` experiment: vanishing and exploding gradients of trained RNNs.

Task (delayed recall, "copy"): at step 0 the input is one of K symbols (one-hot, K + 1
channels), then ``lag - 1`` steps of nothing (or random distractor symbols), then at step
``lag`` a recall flag on channel K; the model must output the symbol at that last step
(cross entropy on the last step only; chance accuracy 1/K).

For every model variant (``rnn`` = SimpleRNN with tanh, ``lstm``, ``gru``, ``lstm_forget1`` =
LSTM with forget-gate bias 1, Jozefowicz et al. 2015), lag and seed:

- a model trained on the task at that lag (Adam, early stop on a validation set); its
  validation accuracy, the step at which it first reached ``task.success``, its training time;
- ``||dL_T / dh_t||`` against the distance ``T - t`` on sequences of length
  ``gradients.length``, at initialisation and after training (mean over a batch of the
  per-sequence norms); for LSTMs also ``||dL_T / dc_t||`` through the cell state.

Exploding gradients: a SimpleRNN whose recurrent matrix starts at spectral radius
``explode.radius`` trained at ``explode.lag`` with and without ``clip_grad_norm``: loss and
gradient norm per step, the count of steps whose loss or gradient was inf or NaN, the final
accuracy.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get, get_bool, get_float, get_int, get_list
from hopsim.experiments import _rnn
from hopsim.resources import check_memory, check_work
from hopsim.rng import SeedTree

VARIANTS = ("rnn", "lstm", "gru", "lstm_forget1")
#: Upper bound on (sequence steps x batch x hidden^2) summed over training, ~10 min of CPU.
WORK_LIMIT = 2e12


def _variants(cfg: DictConfig) -> list[str]:
    raw = get(cfg, "model.variants")
    values = raw if isinstance(raw, list) else [raw]
    allowed = "one of " + ", ".join(repr(v) for v in VARIANTS) + " or a list of them"
    if not values or any(v not in VARIANTS for v in values) or len(set(values)) != len(values):
        raise ConfigError("model.variants", raw, allowed + " (no repeats)")
    return values


def validate(cfg: DictConfig) -> None:
    """Check every key the gradients experiment reads (and that torch is installed)."""
    _rnn.require_torch("gradients")
    K = get_int(cfg, "task.symbols", lo=2, hi=1000)
    get_bool(cfg, "task.distractors")
    get_float(cfg, "task.success", lo=0.0, hi=1.0, lo_open=True)
    lags = get_list(cfg, "task.lags", kind="int", lo=1, hi=10_000)
    seeds = get_int(cfg, "task.seeds", lo=1, hi=1000)
    get_int(cfg, "task.validation", lo=1, hi=1_000_000)
    variants = _variants(cfg)
    H = get_int(cfg, "model.hidden", lo=1, hi=1024)
    tk = _rnn.train_keys(cfg, "train")
    length = get_int(cfg, "gradients.length", lo=2, hi=10_000)
    get_int(cfg, "gradients.batch_size", lo=1, hi=100_000)
    get_float(cfg, "explode.radius", lo=0.0, lo_open=True)
    elag = get_int(cfg, "explode.lag", lo=1, hi=10_000)
    get_float(cfg, "explode.clip", lo=0.0, lo_open=True)
    get_float(cfg, "explode.lr", lo=0.0, hi=10.0, lo_open=True)
    esteps = get_int(cfg, "explode.steps", lo=1, hi=1_000_000)
    eseeds = get_int(cfg, "explode.seeds", lo=0, hi=1000)
    # the largest tensors: validation and gradient batches, their hidden states and grads
    inputs = 4.0 * (K + 1) * (get_int(cfg, "task.validation") * (max(lags) + 1) + 3 * tk.batch_size)
    states = 4.0 * 4 * H * (get(cfg, "gradients.batch_size") + tk.batch_size) * max(length, *lags)
    key = "task.validation" if inputs > 3 * states else "gradients.batch_size"
    check_memory(key, get(cfg, key), inputs + 3 * states, "sequences and hidden states")
    per_step = (H + K + 1) * H * 4 * tk.batch_size
    work = per_step * (len(variants) * seeds * tk.steps * sum(lags) + 2 * eseeds * esteps * elag)
    work += per_step * len(variants) * seeds * len(lags) * 2 * length
    check_work("train.steps", tk.steps, work, WORK_LIMIT, "multiply-adds of training")


# ----------------------------------------------------------------------------- task


def copy_batch(rng: np.random.Generator, batch: int, lag: int, K: int, distractors: bool):
    """Inputs (batch, lag + 1, K + 1) float32 and target symbols (batch,) int64."""
    symbols = rng.integers(0, K, size=batch)
    x = np.zeros((batch, lag + 1, K + 1), dtype=np.float32)
    x[np.arange(batch), 0, symbols] = 1.0
    if distractors and lag > 1:
        noise = rng.integers(0, K, size=(batch, lag - 1))
        b, t = np.meshgrid(np.arange(batch), np.arange(1, lag), indexing="ij")
        x[b, t, noise] = 1.0
    x[:, lag, K] = 1.0
    return x, symbols.astype(np.int64)


def _build(rnn, variant: str, K: int, H: int):
    kind = "lstm" if variant == "lstm_forget1" else variant
    model = rnn.Recurrent(kind, K + 1, H, K)
    if variant == "lstm_forget1":
        model.set_forget_bias(1.0)
    return model


def gradient_norms(rnn, model, x, y):
    """Mean over the batch of ``||dL_T/dh_t||`` (and ``||dL_T/dc_t||``), t = 0..T-1."""
    import torch

    logits, hs, cs = model.unrolled(rnn.to_tensor(x))
    for h in hs + cs:
        h.retain_grad()
    # summed loss: each sequence's gradient is its own loss's gradient
    loss = torch.nn.functional.cross_entropy(logits[:, -1], torch.from_numpy(y), reduction="sum")
    model.zero_grad(set_to_none=True)
    loss.backward()

    def norm(t):  # no gradient: the loss does not depend on it (the last cell state)
        return 0.0 if t.grad is None else float(t.grad[0].norm(dim=1).mean())

    h_norm = np.array([norm(h) for h in hs])
    c_norm = np.array([norm(c) for c in cs]) if cs else None
    model.zero_grad(set_to_none=True)
    return h_norm, c_norm


def run(cfg: DictConfig, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Train every (variant, lag, seed), measure gradients, then the explosion runs."""
    rnn = _rnn.start_torch(_rnn.job_threads(cfg))
    import torch

    K, distractors = int(cfg.task.symbols), bool(cfg.task.distractors)
    success = float(cfg.task.success)
    lags = get_list(cfg, "task.lags", kind="int")
    n_seeds, n_val = int(cfg.task.seeds), int(cfg.task.validation)
    variants, H = _variants(cfg), int(cfg.model.hidden)
    tk = _rnn.train_keys(cfg, "train")
    length, gbatch = int(cfg.gradients.length), int(cfg.gradients.batch_size)

    shape = (len(variants), len(lags), n_seeds)
    accuracy = np.full(shape, np.nan)
    solved = np.full(shape, -1, dtype=np.int64)
    steps_taken = np.zeros(shape, dtype=np.int64)
    seconds = np.full(shape, np.nan)
    gnorm = np.full(shape + (2, length), np.nan)  # stage: init, trained
    cnorm = np.full(shape + (2, length), np.nan)
    params = np.zeros(len(variants), dtype=np.int64)

    def ce(model, x, y):
        logits, _ = model(x)
        return torch.nn.functional.cross_entropy(logits[:, -1], y)

    runs = [
        (v, j, s) for v in range(len(variants)) for j in range(len(lags)) for s in range(n_seeds)
    ]
    bar = tqdm(total=len(runs), desc="gradients", disable=not progress)
    for v, j, s in runs:
        variant, lag = variants[v], lags[j]
        bar.set_description_str(f"gradients {variant} lag={lag} seed={s}")
        xv, yv = copy_batch(
            seeds.generator("copy", "validation", lag, s), n_val, lag, K, distractors
        )
        xv_t, yv_t = rnn.to_tensor(xv), torch.from_numpy(yv)
        xg, yg = copy_batch(
            seeds.generator("copy", "gradient", length, s), gbatch, length - 1, K, distractors
        )
        data = seeds.generator("copy", "train", lag, s)

        def batch(step, data=data, lag=lag):
            x, y = copy_batch(data, tk.batch_size, lag, K, distractors)
            return rnn.to_tensor(x), torch.from_numpy(y)

        def val(model, xv_t=xv_t, yv_t=yv_t):
            logits, _ = model(xv_t)
            last = logits[:, -1]
            loss = float(torch.nn.functional.cross_entropy(last, yv_t))
            return loss, float((last.argmax(1) == yv_t).float().mean())

        rnn.seed_torch(seeds, "gradients", variant, lag, s)
        model = _build(rnn, variant, K, H)
        params[v] = rnn.count_parameters(model)
        h0, c0 = gradient_norms(rnn, model, xg, yg)
        hist = rnn.train(
            model, batch, ce, val, tk.steps, tk.lr, tk.clip, tk.eval_every, tk.patience, success
        )
        h1, c1 = gradient_norms(rnn, model, xg, yg)
        gnorm[v, j, s, 0], gnorm[v, j, s, 1] = h0[::-1], h1[::-1]  # index = distance T - t
        if c0 is not None:
            cnorm[v, j, s, 0], cnorm[v, j, s, 1] = c0[::-1], c1[::-1]
        with torch.no_grad():
            accuracy[v, j, s] = val(model)[1]
        solved[v, j, s] = hist.solved_step
        steps_taken[v, j, s] = hist.steps
        seconds[v, j, s] = hist.seconds
        bar.update(1)
    bar.close()

    explode = _explode(cfg, seeds, rnn, K, distractors, H, progress)
    ds = xr.Dataset(
        {
            "accuracy": (("variant", "lag", "seed"), accuracy),
            "solved_step": (("variant", "lag", "seed"), solved),
            "train_steps": (("variant", "lag", "seed"), steps_taken),
            "train_time": (("variant", "lag", "seed"), seconds),
            "grad_h": (("variant", "lag", "seed", "stage", "distance"), gnorm),
            "grad_c": (("variant", "lag", "seed", "stage", "distance"), cnorm),
            "parameters": (("variant",), params),
        },
        coords={
            "variant": list(variants),
            "lag": lags,
            "seed": np.arange(n_seeds),
            "stage": ["init", "trained"],
            "distance": np.arange(length),
        },
    )
    ds["success"] = (ds.accuracy >= success).astype(np.int8)
    ds = ds.merge(explode)
    ds.attrs.update(explode.attrs)
    attrs = {
        "accuracy": ("validation accuracy on the delayed-recall task", "1"),
        "solved_step": ("first evaluation step with accuracy >= task.success (-1: never)", "step"),
        "train_steps": ("optimiser steps taken", "step"),
        "train_time": ("training wall time", "s"),
        "grad_h": ("mean ||dL_T/dh_t||", "1"),
        "grad_c": ("mean ||dL_T/dc_t|| (LSTM cell state)", "1"),
        "parameters": ("trainable parameters", "1"),
        "success": ("accuracy >= task.success", "1"),
        "lag": ("lag between symbol and recall", "step"),
        "distance": ("distance T - t", "step"),
        "seed": ("training seed", "1"),
    }
    for name, (long_name, units) in attrs.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(symbols=K, hidden=H, success_threshold=success, chance=1.0 / K)
    return ds


def _explode(cfg, seeds, rnn, K, distractors, H, progress) -> xr.Dataset:
    """SimpleRNN at spectral radius > 1, with and without clip_grad_norm."""
    import torch

    radius, lag = float(cfg.explode.radius), int(cfg.explode.lag)
    n_seeds, steps = int(cfg.explode.seeds), int(cfg.explode.steps)
    clip_value, lr = float(cfg.explode.clip), float(cfg.explode.lr)
    batch_size = int(cfg.train.batch_size)
    loss = np.full((2, max(n_seeds, 1), steps), np.nan)
    norm = np.full((2, max(n_seeds, 1), steps), np.nan)
    nonfinite = np.zeros((2, max(n_seeds, 1)), dtype=np.int64)
    acc = np.full((2, max(n_seeds, 1)), np.nan)
    xv, yv = copy_batch(seeds.generator("explode", "validation", lag), 512, lag, K, distractors)
    xv_t, yv_t = rnn.to_tensor(xv), torch.from_numpy(yv)

    def ce(model, x, y):
        logits, _ = model(x)
        return torch.nn.functional.cross_entropy(logits[:, -1], y)

    def val(model):
        logits, _ = model(xv_t)
        last = logits[:, -1]
        vloss = float(torch.nn.functional.cross_entropy(last, yv_t))
        return (vloss if math.isfinite(vloss) else math.inf), float(
            (last.argmax(1) == yv_t).float().mean()
        )

    for s in tqdm(range(n_seeds), desc="explode", disable=not progress):
        for c, clip in enumerate((None, clip_value)):
            data = seeds.generator("explode", "train", lag, s)  # same data with and without clip

            def batch(step, data=data):
                x, y = copy_batch(data, batch_size, lag, K, distractors)
                return rnn.to_tensor(x), torch.from_numpy(y)

            rnn.seed_torch(seeds, "explode", lag, s)  # same start with and without clip
            model = rnn.Recurrent("rnn", K + 1, H, K)
            model.set_spectral_radius(radius)
            # no early stop: the whole curve is the measurement
            hist = rnn.train(model, batch, ce, val, steps, lr, clip, steps, steps + 1)
            n = len(hist.loss)
            loss[c, s, :n], norm[c, s, :n] = hist.loss, hist.grad_norm
            nonfinite[c, s] = hist.nonfinite_steps
            with torch.no_grad():
                acc[c, s] = val(model)[1]
    dims = ("clipping", "explode_seed", "step")
    ds = xr.Dataset(
        {
            "explode_loss": (dims, loss[:, :n_seeds]),
            "explode_grad_norm": (dims, norm[:, :n_seeds]),
            "explode_nonfinite": (dims[:2], nonfinite[:, :n_seeds]),
            "explode_accuracy": (dims[:2], acc[:, :n_seeds]),
        },
        coords={
            "clipping": ["none", f"clip_grad_norm {clip_value:g}"],
            "explode_seed": np.arange(n_seeds),
            "step": np.arange(1, steps + 1),
        },
    )
    for name, long_name, units in (
        ("explode_loss", "training loss (cross entropy)", "nat"),
        ("explode_grad_norm", "gradient norm before clipping", "1"),
        ("explode_nonfinite", "steps with inf or NaN loss or gradient", "1"),
        ("explode_accuracy", "final validation accuracy", "1"),
        ("step", "training step", "step"),
    ):
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(explode_radius=radius, explode_lag=lag)
    return ds


def summary(ds: xr.Dataset) -> str:
    """Success per variant and lag, the gradient decay, the explosion counts."""
    parts = []
    for variant in ds.variant.values:
        rates = [
            f"{int(ds.success.sel(variant=variant, lag=lag).sum())}/{ds.sizes['seed']}"
            for lag in ds.lag.values
        ]
        parts.append(f"{variant} " + " ".join(rates))
    g = ds.grad_h.sel(stage="init").mean(["lag", "seed"])
    far = int(ds.distance.values[-1])
    decay = ", ".join(
        f"{v} {float(g.sel(variant=v, distance=far) / g.sel(variant=v, distance=0)):.1e}"
        for v in ds.variant.values
    )
    text = (
        f"gradients: copy task, K={ds.attrs['symbols']} symbols, H={ds.attrs['hidden']}, "
        f"lags {list(map(int, ds.lag.values))}; seeds solved per lag: "
        + "; ".join(parts)
        + f". Gradient ratio ||dL/dh|| at distance {far} / distance 0 at init: {decay}."
    )
    if ds.sizes.get("explode_seed", 0):
        nf = ds.explode_nonfinite.sum("explode_seed").values
        acc = ds.explode_accuracy.mean("explode_seed").values
        text += (
            f" Spectral radius {ds.attrs['explode_radius']:g}: non-finite steps without/with "
            f"clip {int(nf[0])}/{int(nf[1])}, accuracy {acc[0]:.2f}/{acc[1]:.2f}."
        )
    return text + " Figure: python analysis/gradients.py RUN_DIR."
