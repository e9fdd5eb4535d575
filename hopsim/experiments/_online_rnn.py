"""Recurrent networks that learn the ``online`` experiment's stream by gradient descent.

The model is the ``completion`` experiment's (:class:`hopsim.rnn.Recurrent`: a GRU, LSTM or
SimpleRNN and a linear readout): it reads the cue for ``rnn.steps`` steps and answers the
signs of its last readout. Its hidden size H makes the parameter count nearest ``N^2``
(size ``N2``, the Hopfield matrix's) or ``N T`` (``NP``: the stream's T patterns).

Online learning, as an online learner would do it: the stream is cut into batches of
``rnn.batch`` new patterns (and at every checkpoint). On each batch the model takes
``train.steps`` Adam steps (one optimiser for the whole stream, learning rate ``train.lr``,
gradient norm clipped at ``train.clip``), each on ``train.batch_size`` cues drawn uniformly
from that batch's patterns and flipped at levels uniform in ``[0, rnn.train_noise]``
(``completion``'s training noise), with the binary cross entropy against the clean pattern.
Older patterns are never replayed. Torch is seeded from ``("torch", "online", kind, size,
N, s)``, the training cues come from ``("online_train", kind, size, N, s)``; at the
checkpoints the model answers exactly the cues the Hopfield networks get.

Needs torch (the ``rnn`` extra), imported when a learner runs.
"""

from __future__ import annotations

import numpy as np

from hopsim.experiments._online_config import Learner, OnlineParams
from hopsim.rng import SeedTree


def hidden_size(rnn, learner: Learner, N: int, length: int) -> int:
    """H whose parameter count is nearest the learner's budget (N^2 or N x length)."""
    budget = N * N if dict(learner.options)["size"] == "N2" else N * length
    return rnn.hidden_for_parameters(learner.rule, N, N, budget)


def learn_and_recall(
    learner: Learner, X, stored, ages, cues, params: OnlineParams, seeds: SeedTree, N: int, s: int
):
    """Fine-tune on the stream; at each checkpoint, the overlap of the answer to every cue.

    Returns ``(overlaps, parameters)``: per checkpoint a (levels, len(ages)) array (NaN for
    the ages not yet stored), and the model's parameter count.
    """
    import torch

    from hopsim import rnn

    r = params.rnn
    rnn.set_threads(r.threads)
    kind, size = learner.rule, dict(learner.options)["size"]
    key = (kind, size, N, s)
    rnn.seed_torch(seeds, "online", *key)
    model = rnn.Recurrent(kind, N, hidden_size(rnn, learner, N, X.shape[0]), N)
    opt = torch.optim.Adam(model.parameters(), lr=r.lr)
    data = seeds.generator("online_train", *key)
    T = X.shape[0]
    cuts = sorted(set(range(r.batch, T, r.batch)) | set(stored) | {T})
    answers, start = {}, 0
    for end in cuts:
        fine_tune(torch, model, opt, X[start:end], params, data)
        start = end
        if end in stored:
            answers[end] = _overlaps(torch, model, cues[end], r.read_steps, ages, end)
    return [answers[t] for t in stored], rnn.count_parameters(model)


def noisy(data: np.random.Generator, clean: np.ndarray, top: float) -> np.ndarray:
    """Each row with exactly ``round(level N)`` bits flipped, ``level`` uniform in [0, top]."""
    B, N = clean.shape
    ks = np.rint(data.random(B) * top * N).astype(int)
    order = np.argsort(data.random((B, N)), axis=1)
    mask = np.arange(N)[None, :] < ks[:, None]
    flips = np.zeros_like(mask)
    np.put_along_axis(flips, order, mask, axis=1)
    return np.where(flips, -clean, clean).astype(np.int8)


def fine_tune(torch, model, opt, patterns: np.ndarray, params: OnlineParams, data) -> None:
    """``train.steps`` Adam steps on noisy cues of ``patterns`` only (the new batch)."""
    from hopsim.experiments.completion import _sequence

    r = params.rnn
    model.train()
    for _ in range(r.steps):
        clean = patterns[data.integers(0, patterns.shape[0], size=r.batch_size)]
        x = _sequence(torch, noisy(data, clean, r.train_noise), r.read_steps)
        y = torch.from_numpy(((clean + 1) // 2).astype(np.float32))
        logits = model(x)[0][:, -1]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if r.clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), r.clip)
        opt.step()


def _overlaps(torch, model, cue_and_target, read_steps: int, ages, t: int) -> np.ndarray:
    """Overlap of the model's answer with the cued pattern: (levels, len(ages)), NaN beyond t."""
    from hopsim.experiments.completion import _sequence

    cue, target = cue_and_target
    levels, n, N = cue.shape
    out = np.full((levels, len(ages)), np.nan)
    model.eval()
    with torch.no_grad():
        logits = model(_sequence(torch, cue.reshape(-1, N), read_steps))[0][:, -1].numpy()
    answer = np.where(logits >= 0, 1.0, -1.0).reshape(levels, n, N)
    out[:, :n] = np.einsum("lbi,bi->lb", answer, target.astype(np.float64)) / N
    return out
