"""The delayed-recall ("copy") task and one training run on it, for the ``gradients`` experiment.

Task: at step 0 the input is one of K symbols (one-hot, K + 1 channels), then ``lag - 1``
steps of nothing (or random distractor symbols), then at step ``lag`` a recall flag on
channel K; the model must output the symbol at that last step (cross entropy on the last
step only; chance accuracy 1/K).

A run (:func:`train_copy`) trains one model for at most ``steps`` optimiser steps and stops
at the first evaluation whose accuracy on held-out sequences reaches ``success``; it never
stops on a plateau, so the first ``b`` steps of a longer run are exactly a run of budget
``b`` and one run answers every budget up to ``steps``. The cost model
(:func:`run_seconds`) estimates a run's CPU time before it starts.

Importing this module never imports torch: the functions that train take the
:mod:`hopsim.rnn` module as their first argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hopsim.rng import SeedTree

VARIANTS = ("rnn", "gru", "lstm", "lstm_forget1")


def kind(variant: str) -> str:
    """The torch module of a variant: ``lstm_forget1`` is an ``lstm``."""
    return "lstm" if variant == "lstm_forget1" else variant


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


def build(rnn, variant: str, K: int, H: int, nonlinearity: str = "tanh"):
    """A model of ``variant`` for K symbols with H hidden units (forget-gate bias 1 set)."""
    model = rnn.Recurrent(kind(variant), K + 1, H, K, nonlinearity=nonlinearity)
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


# ----------------------------------------------------------------------------- cost model

#: CPU milliseconds of one Adam step (forward, backward, clipping check, update) at batch 64
#: and H = 32: ``FIXED[kind] + PER_STEP[kind] * (lag + 1)``. Measured on the 2-core
#: development machine with one torch thread at lags 10-100 (load 3-8: 1.0-1.4 ms fixed for
#: the SimpleRNN, 0.089-0.095 ms per sequence step; GRU 1.6-2.0 and 0.25-0.34; LSTM 1.5-2.2
#: and 0.08-0.13).
FIXED_MS = {"rnn": 1.0, "gru": 1.8, "lstm": 1.8}
PER_STEP_MS = {"rnn": 0.09, "gru": 0.25, "lstm": 0.12}
#: Forward pass of one sequence step of 512 validation sequences (rnn 0.2, GRU 0.34, LSTM
#: 0.32 ms measured), and one step of the unrolled gradient measurement on 128 sequences.
EVAL_MS = {"rnn": 0.2, "gru": 0.34, "lstm": 0.32}
UNROLLED_MS = {"rnn": 0.45, "gru": 0.7, "lstm": 0.9}


def size_factor(batch: int, hidden: int, symbols: int) -> float:
    """How much slower a sequence step is than at batch 64, H = 32, K = 8.

    Small models are dominated by per-call overhead, large ones by arithmetic:
    ``0.67 sqrt(r) + 0.33 r`` with ``r`` the ratio of ``B H (H + K + 1)``. Measured per
    sequence step of an LSTM against batch 64, H = 32: batch 256 2.0-2.2x (model 2.7x),
    H = 128 5x (6.8x), H = 256 21x (21.7x), H = 512 76x (76x).
    """
    r = batch * hidden * (hidden + symbols + 1) / (64 * 32 * 41)
    return max(0.67 * math.sqrt(r) + 0.33 * r, 0.05)


def run_seconds(
    variant: str,
    lag: int,
    steps: int,
    batch: int,
    hidden: int,
    symbols: int,
    validation: int = 0,
    eval_every: int = 1,
    gradient_length: int = 0,
    gradient_batch: int = 128,
) -> float:
    """Upper estimate of one run's CPU seconds: every step taken, every evaluation done."""
    k = kind(variant)
    f = size_factor(batch, hidden, symbols)
    train = steps * (FIXED_MS[k] + PER_STEP_MS[k] * f * (lag + 1))
    evals = (steps // eval_every + 1) * EVAL_MS[k] * (lag + 1) * validation / 512
    evals *= size_factor(validation, hidden, symbols) / max(size_factor(512, 32, 8), 1e-9)
    grads = 2 * UNROLLED_MS[k] * gradient_length * size_factor(gradient_batch, hidden, symbols)
    return (train + evals + grads) / 1000.0


# ----------------------------------------------------------------------------- one run


@dataclass(frozen=True)
class Setting:
    """What every copy-task run of one experiment shares."""

    symbols: int
    distractors: bool
    hidden: int
    validation: int
    success: float
    batch_size: int
    clip: float | None
    eval_every: int


@dataclass
class CopyRun:
    """What one training run measured."""

    solved_step: int  # first evaluation step with accuracy >= success; -1: never
    steps: int  # optimiser steps taken
    accuracy: float  # validation accuracy of the returned (best) model
    eval_step: list  # the evaluation steps
    val_accuracy: list  # validation accuracy at each
    seconds: float
    parameters: int
    grad_init: tuple | None = None  # (h, c) norms at initialisation, index = distance
    grad_trained: tuple | None = None


def _validation(rnn, seeds: SeedTree, stream: str, lag: int, seed: int, s: Setting):
    import torch

    xv, yv = copy_batch(
        seeds.generator(stream, "validation", lag, seed),
        s.validation,
        lag,
        s.symbols,
        s.distractors,
    )
    xv_t, yv_t = rnn.to_tensor(xv), torch.from_numpy(yv)

    def val(model):
        last = model(xv_t)[0][:, -1]
        loss = float(torch.nn.functional.cross_entropy(last, yv_t))
        return (loss if math.isfinite(loss) else math.inf), float(
            (last.argmax(1) == yv_t).float().mean()
        )

    return val


def _reversed(norms):
    h, c = norms
    return h[::-1].copy(), None if c is None else c[::-1].copy()


def train_copy(
    rnn,
    seeds: SeedTree,
    stream: str,
    variant: str,
    lag: int,
    seed: int,
    lr: float,
    steps: int,
    s: Setting,
    gradient_length: int = 0,
    gradient_batch: int = 0,
) -> CopyRun:
    """Train ``variant`` at ``lag`` from seed ``seed`` of the streams named ``stream``.

    Data come from ``seeds.generator(stream, "train", lag, seed)``, held-out sequences from
    ``(stream, "validation", lag, seed)`` and torch's initial weights from
    ``(stream, kind(variant), lag, seed)``: the same cell gives the same numbers whatever
    else runs, every variant sees the same data, and ``lstm_forget1`` starts from the
    default LSTM's weights with only its forget-gate bias changed. With ``gradient_length``
    the gradient norms are measured on sequences of that length before and after training.
    """
    import torch

    data = seeds.generator(stream, "train", lag, seed)

    def batch(step):
        x, y = copy_batch(data, s.batch_size, lag, s.symbols, s.distractors)
        return rnn.to_tensor(x), torch.from_numpy(y)

    def ce(model, x, y):
        return torch.nn.functional.cross_entropy(model(x)[0][:, -1], y)

    val = _validation(rnn, seeds, stream, lag, seed, s)
    rnn.seed_torch(seeds, stream, kind(variant), lag, seed)
    model = build(rnn, variant, s.symbols, s.hidden)
    if gradient_length:
        xg, yg = copy_batch(
            seeds.generator(stream, "gradient", gradient_length, seed),
            gradient_batch,
            gradient_length - 1,
            s.symbols,
            s.distractors,
        )
        grad_init = _reversed(gradient_norms(rnn, model, xg, yg))
    hist = rnn.train(model, batch, ce, val, steps, lr, s.clip, s.eval_every, None, s.success, True)
    out = CopyRun(
        solved_step=hist.solved_step,
        steps=hist.steps,
        accuracy=float("nan"),
        eval_step=hist.eval_step,
        val_accuracy=hist.val_metric,
        seconds=hist.seconds,
        parameters=rnn.count_parameters(model),
    )
    with torch.no_grad():
        out.accuracy = val(model)[1]
    if gradient_length:
        out.grad_init = grad_init
        out.grad_trained = _reversed(gradient_norms(rnn, model, xg, yg))
    return out


# ----------------------------------------------------------------------------- explosion


@dataclass(frozen=True)
class Explode:
    """The explosion runs: a SimpleRNN started at a spectral radius, with and without clipping."""

    radius: float
    lag: int
    nonlinearity: str
    optimizer: str
    lr: float
    clip: float
    steps: int
    seeds: int


@dataclass
class ExplodeRun:
    """One explosion run: per-step loss and gradient norm, where it first went inf or NaN."""

    loss: list
    grad_norm: list
    nonfinite_steps: int
    first_nonfinite: int  # 1-based step; -1: every step finite
    accuracy: float  # validation accuracy of the parameters after the last step


def explode_run(
    rnn, seeds: SeedTree, e: Explode, s: Setting, seed: int, clip: float | None
) -> ExplodeRun:
    """Train a SimpleRNN whose recurrent matrix starts at spectral radius ``e.radius``.

    The same data (stream ``("explode", "train", lag, seed)``) and the same initial weights
    (``("explode", lag, seed)``) with and without clipping, so the pair differs only in
    ``clip``. No early stop and no plateau stop: the whole curve is the measurement.
    """
    import torch

    data = seeds.generator("explode", "train", e.lag, seed)

    def batch(step):
        x, y = copy_batch(data, s.batch_size, e.lag, s.symbols, s.distractors)
        return rnn.to_tensor(x), torch.from_numpy(y)

    def ce(model, x, y):
        return torch.nn.functional.cross_entropy(model(x)[0][:, -1], y)

    val = _validation(rnn, seeds, "explode", e.lag, seed, s)
    rnn.seed_torch(seeds, "explode", e.lag, seed)
    model = rnn.Recurrent("rnn", s.symbols + 1, s.hidden, s.symbols, nonlinearity=e.nonlinearity)
    model.set_spectral_radius(e.radius)
    hist = rnn.train(
        model, batch, ce, val, e.steps, e.lr, clip, e.steps, None, optimizer=e.optimizer
    )
    return ExplodeRun(
        loss=hist.loss,
        grad_norm=hist.grad_norm,
        nonfinite_steps=hist.nonfinite_steps,
        first_nonfinite=hist.first_nonfinite,
        accuracy=hist.val_metric[-1],  # the last parameters, not the best restored
    )


def explode_seconds(e: Explode, s: Setting) -> float:
    """Upper estimate of the CPU seconds of every explosion run (with and without clip)."""
    one = run_seconds("rnn", e.lag, e.steps, s.batch_size, s.hidden, s.symbols, s.validation)
    return 2 * e.seeds * one
