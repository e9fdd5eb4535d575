"""Recurrent networks trained by gradient descent, for comparison with Hopfield networks.

Needs PyTorch (the optional extra: ``pip install -e '.[rnn]'``); the rest of hopsim never
imports this module. The experiments ``sequence_memory``, ``completion`` and ``gradients``
import it inside ``run`` after :func:`hopsim.experiments._rnn.require_torch` has checked, at
preflight, that torch is importable.

Models (:class:`Recurrent`): the source document's ``SimpleRNN`` (``nn.RNN`` followed by a
``nn.Linear`` readout) and the same with ``nn.LSTM`` or ``nn.GRU`` in place of ``nn.RNN``.
With input size I, hidden size H, output size O and g = 1, 4, 3 weight blocks
(RNN, LSTM, GRU), the parameter count is ``g (H I + H H + 2 H) + O H + O`` (PyTorch keeps two
bias vectors per block): :func:`closed_form_parameters`.

Training (:func:`train`): Adam (or SGD), optional ``clip_grad_norm_``, evaluation on a validation
set every ``eval_every`` steps, early stop when the validation metric reaches its target or
has not improved for ``patience`` evaluations; the best model is restored. Torch's random
state is seeded from hopsim's :class:`~hopsim.rng.SeedTree` (:func:`seed_torch`), data come
from numpy generators of the same tree, so the same seed (and thread count) gives the same
numbers on the same machine. Across CPUs trained results differ: PyTorch's kernels are
chosen by instruction set and round differently, and training amplifies it (docs/rnn.md,
"Across CPUs").

Quantisation (:func:`quantize`): ``torch.ao.quantization.quantize_dynamic`` to int8 of the
``nn.LSTM``, ``nn.GRU`` and ``nn.Linear`` modules (PyTorch has no dynamic quantised
``nn.RNN``: a SimpleRNN keeps its recurrent weights in float32 and only its readout is
quantised). :func:`tensor_bytes` counts the bytes of the weights and biases as stored.
"""

from __future__ import annotations

import io
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from hopsim.rng import SeedTree

KINDS = ("rnn", "lstm", "gru")
#: Weight blocks per kind: the gates stacked in weight_ih / weight_hh.
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def closed_form_parameters(kind: str, inputs: int, hidden: int, outputs: int) -> int:
    """``g (H I + H H + 2 H) + O H + O``: recurrent layer plus linear readout."""
    g = GATES[kind]
    return g * (hidden * inputs + hidden * hidden + 2 * hidden) + outputs * hidden + outputs


def hidden_for_parameters(kind: str, inputs: int, outputs: int, target: float) -> int:
    """The hidden size H >= 1 whose parameter count is nearest ``target``."""
    g = GATES[kind]
    # g H^2 + (g I + 2 g + O) H + O = target
    b = g * inputs + 2 * g + outputs
    root = (-b + math.sqrt(b * b + 4 * g * max(target - outputs, 0.0))) / (2 * g)
    candidates = {max(1, math.floor(root)), max(1, math.ceil(root))}
    return min(
        sorted(candidates),
        key=lambda h: abs(closed_form_parameters(kind, inputs, h, outputs) - target),
    )


class Recurrent(nn.Module):
    """``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (one layer, batch first) and a linear readout.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    inputs, hidden, outputs : int
        I, H, O.
    nonlinearity : {"tanh", "relu"}
        Of the SimpleRNN (ignored for LSTM and GRU).
    """

    def __init__(
        self, kind: str, inputs: int, hidden: int, outputs: int, nonlinearity: str = "tanh"
    ) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind={kind!r}: expected one of {KINDS}")
        self.kind = kind
        extra = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
        self.rnn = _MODULES[kind](inputs, hidden, batch_first=True, **extra)
        self.fc = nn.Linear(hidden, outputs)

    def forward(self, x: torch.Tensor, state=None):
        """``x`` (B, T, I) -> readout of every step (B, T, O) and the final state."""
        out, state = self.rnn(x, state)
        return self.fc(out), state

    def unrolled(self, x: torch.Tensor):
        """Run one step at a time so that every hidden (and LSTM cell) state is a tensor.

        Returns the readouts (B, T, O), the hidden states ``[h_0 .. h_{T-1}]`` (each
        (1, B, H), after reading step t) and, for the LSTM, the cell states ``[c_t]`` (else
        an empty list). The readout of step t is computed from ``h_t`` itself, so after
        ``retain_grad()`` and a backward pass ``h_t.grad`` is the whole ``dL/dh_t``.
        """
        state, hs, cs, outs = None, [], [], []
        for t in range(x.shape[1]):
            _, state = self.rnn(x[:, t : t + 1], state)
            h = state[0] if self.kind == "lstm" else state
            hs.append(h)
            if self.kind == "lstm":
                cs.append(state[1])
            outs.append(self.fc(h[0])[:, None])
        return torch.cat(outs, dim=1), hs, cs

    def set_forget_bias(self, value: float) -> None:
        """LSTM only: forget-gate biases (b_ih + b_hh) sum to ``value`` (Jozefowicz et al.)."""
        if self.kind != "lstm":
            raise ValueError("the forget-gate bias exists only for the LSTM")
        H = self.rnn.hidden_size
        with torch.no_grad():  # gate order i, f, g, o
            self.rnn.bias_ih_l0[H : 2 * H] = value
            self.rnn.bias_hh_l0[H : 2 * H] = 0.0

    def set_spectral_radius(self, radius: float) -> None:
        """Rescale every recurrent weight block so its spectral radius equals ``radius``."""
        H = self.rnn.hidden_size
        with torch.no_grad():
            W = self.rnn.weight_hh_l0
            for g in range(GATES[self.kind]):
                block = W[g * H : (g + 1) * H]
                rho = float(torch.linalg.eigvals(block).abs().max())
                if rho > 0:
                    block.mul_(radius / rho)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers of a float model."""
    return int(sum(p.numel() for p in model.parameters()))


# --------------------------------------------------------------------------- seeding


def seed_torch(seeds: SeedTree, *key) -> int:
    """Seed torch's global generator from the stream ``("torch", *key)``; return the seed."""
    value = int(seeds.generator("torch", *key).integers(0, 2**62))
    torch.manual_seed(value)
    return value


def set_threads(threads: int) -> None:
    """Torch's intra-op threads (the ``threads`` key, resolved by hopsim.parallel)."""
    torch.set_num_threads(max(1, int(threads)))


# --------------------------------------------------------------------------- training


#: The optimisers :func:`train` knows.
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


@dataclass
class History:
    """What one training run did."""

    loss: list = field(default_factory=list)  # training loss per step
    grad_norm: list = field(default_factory=list)  # total gradient norm before clipping
    eval_step: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_metric: list = field(default_factory=list)
    nonfinite_steps: int = 0  # steps whose loss or gradient norm was inf or NaN
    first_nonfinite: int = -1  # the first such step (1-based, like ``steps``); -1: none
    steps: int = 0  # optimiser steps taken
    best_step: int = 0
    solved_step: int = -1  # first evaluation step at which the target metric was reached
    seconds: float = 0.0


def train(
    model: nn.Module,
    batch: Callable[[int], tuple],
    loss_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
    validate: Callable[[nn.Module], tuple[float, float]],
    steps: int,
    lr: float,
    clip: float | None = None,
    eval_every: int = 25,
    patience: int | None = 10,
    target: float | None = None,
    stop_at_target: bool = True,
    optimizer: str = "adam",
) -> History:
    """Adam (or plain SGD) on ``loss_fn(model, *batch(step))``; early stop on a validation set.

    ``validate(model) -> (loss, metric)`` (metric: larger is better) runs under
    ``torch.no_grad`` every ``eval_every`` steps and at the end. Training stops at
    ``steps``, when the metric reaches ``target`` (if ``stop_at_target``), or after
    ``patience`` evaluations in a row that did not beat the best one (highest metric, ties
    broken by the lower validation loss; ``patience=None``: never). The parameters of the
    best evaluation are restored. ``optimizer`` is ``"adam"`` or ``"sgd"`` (no momentum).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer={optimizer!r}: expected one of {OPTIMIZERS}")
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    hist = History()
    best_key, best_state, waited = None, None, 0
    started = time.perf_counter()

    def evaluate(step: int) -> bool:
        nonlocal best_key, best_state, waited
        model.eval()
        with torch.no_grad():
            vloss, metric = validate(model)
        model.train()
        hist.eval_step.append(step)
        hist.val_loss.append(float(vloss))
        hist.val_metric.append(float(metric))
        key = (metric, -vloss) if math.isfinite(vloss) else (metric, -math.inf)
        if best_key is None or key > best_key:
            best_key, waited = key, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            hist.best_step = step
        else:
            waited += 1
        reached = target is not None and metric >= target
        if reached and hist.solved_step < 0:
            hist.solved_step = step
        return (reached and stop_at_target) or (patience is not None and waited >= patience)

    model.train()
    stop = evaluate(0)
    step = 0
    while not stop and step < steps:
        x, y = batch(step)
        loss = loss_fn(model, x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        params = [p for p in model.parameters() if p.grad is not None]
        norm = float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in params])))
        value = float(loss.detach())
        if not (math.isfinite(value) and math.isfinite(norm)):
            hist.nonfinite_steps += 1
            if hist.first_nonfinite < 0:
                hist.first_nonfinite = step + 1
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        opt.step()
        step += 1
        hist.loss.append(value)
        hist.grad_norm.append(norm)
        if step % eval_every == 0 or step == steps:
            stop = evaluate(step)
    hist.steps = step
    if best_state is not None:
        model.load_state_dict(best_state)
    hist.seconds = time.perf_counter() - started
    return hist


# --------------------------------------------------------------------------- quantisation


def quantize(model: nn.Module) -> nn.Module:
    """Dynamic int8 copy of ``model``: LSTM, GRU and Linear weights to qint8."""
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notices
        return quantize_dynamic(model, {nn.LSTM, nn.GRU, nn.Linear}, dtype=torch.qint8)


#: Bytes of the scale (float32) and zero point (int32) of one per-tensor quantised weight.
QPARAM_BYTES = 8


def tensor_bytes(model: nn.Module) -> int:
    """Bytes of the weights and biases as stored: float32 4 B, int8 1 B (+ scale and zero point)."""
    total = 0
    for module in model.modules():
        tensors = []
        if hasattr(module, "get_weight") and hasattr(module, "get_bias"):  # quantised LSTM/GRU
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tensors = list(module.get_weight().values()) + list(module.get_bias().values())
        elif hasattr(module, "_packed_params") and callable(getattr(module, "weight", None)):
            tensors = [module.weight(), module.bias()]  # quantised Linear
        else:
            tensors = list(module.parameters(recurse=False))
        for t in tensors:
            if t is None:
                continue
            total += t.numel() * t.element_size()
            if t.is_quantized:
                total += QPARAM_BYTES
    return int(total)


def closed_form_bytes(kind: str, inputs: int, hidden: int, outputs: int, int8: bool) -> int:
    """Bytes of :func:`tensor_bytes` from the sizes alone.

    Float: 4 bytes per parameter. Int8 (dynamic): weight matrices 1 byte per entry plus
    :data:`QPARAM_BYTES` per matrix, biases stay float32; a SimpleRNN's recurrent layer stays
    float32 (only its readout is quantised).
    """
    g = GATES[kind]
    if not int8:
        return 4 * closed_form_parameters(kind, inputs, hidden, outputs)
    readout = outputs * hidden + QPARAM_BYTES + 4 * outputs
    if kind == "rnn":
        recurrent = 4 * (hidden * inputs + hidden * hidden + 2 * hidden)
    else:
        recurrent = g * hidden * (inputs + hidden) + 2 * QPARAM_BYTES + 4 * 2 * g * hidden
    return recurrent + readout


def serialized_bytes(model: nn.Module) -> int:
    """Size of ``torch.save(model.state_dict())`` (what a file on disk would take)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(model.state_dict(), buf)
    return buf.tell()


def to_tensor(array: np.ndarray) -> torch.Tensor:
    """float32 tensor from a numpy array (a copy)."""
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
