"""The ``online`` experiment: stream patterns into networks, retrieval against the pattern's age.

For every N and stream ``s``, random patterns (stream ``("online_patterns", N, s)``: every
stream a prefix of the longer ones) are learnt one at a time, oldest first, by every
learner: each learning rule of ``online.rules`` at each value of its swept option
(``online.options``), and, with ``rnn.kinds``, recurrent networks fine-tuned batch by batch
(:mod:`hopsim.experiments._online_rnn`). A rule with an incremental form (``Rule.add``)
streams; any other learns each prefix again, which gives the same couplings.

At each checkpoint (``t = round(c N)`` patterns stored, ``c`` in ``online.checkpoints``) the
pattern of age ``k`` (the ``k``-th newest, ``k = 0, s, 2s, ...`` below ``max_age N`` and ``t``)
is cued at every level of ``online.noise`` (``round(level N)`` bits flipped; level 0: the
pattern itself; cue stream ``("online_cue", N, s, t, k, level)``, the same cues for every
learner), the network runs ``dynamics.update`` to a fixed point or ``dynamics.max_sweeps``
(update orders from ``("online_dynamics", N, s, t, k, level)``), and the final overlap
``m = s . xi / N`` with the cued pattern is recorded. A pattern counts as retrieved when
``m >= online.threshold`` (0.9): the theory's retrieval states have ``m >= 0.97`` up to
the capacity and none exists beyond it.

Dataset: ``overlap`` (learner, N, checkpoint, noise, stream, slot); coordinates ``family``,
``rule``, ``option``, ``value`` (learner): the learner's kind, rule (or RNN kind) and swept
option value; ``stored`` (N, checkpoint): patterns stored; ``age`` (N, slot): the age tested
in each slot (-1: none), ``stride`` (N): the ages one slot stands for; ``parameters``
(learner, N): the numbers each learner stores (Hopfield N^2). Analysis (retrieval against
age, the number of retrievable recent patterns, the finite-size fit):
:mod:`hopsim.analysis.online`.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.experiments._discrete_config import run_dynamics
from hopsim.experiments._online_config import (
    Learner,
    OnlineParams,
    estimate,
    parameters,
    work_seconds,
)
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.rng import SeedTree

__all__ = ["estimate", "parameters", "run", "summary", "validate", "work_seconds"]


def validate(cfg: DictConfig) -> None:
    """Check every key the online experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# ----------------------------------------------------------------------------- streaming


def stream_couplings(learner: Learner, X: np.ndarray, stored: tuple[int, ...]):
    """Yield the learner's couplings after ``stored[0]``, ``stored[1]``, ... patterns of ``X``.

    Streams through the rule's ``add`` when it has one (the new patterns only), else learns
    each prefix again; the two give the same couplings (tests/test_palimpsest.py).
    """
    from hopsim.learning import get_rule, learn

    rule, options = get_rule(learner.rule), dict(learner.options)
    add = getattr(rule, "add", None)
    couplings, done = None, 0
    for t in stored:
        if couplings is not None and add is not None:
            couplings = add(couplings, X[done:t], options) if t > done else couplings
        else:
            couplings = learn(rule, X[:t], options)
        done = t
        yield couplings


def network(learner: Learner, couplings, patterns: np.ndarray):
    """The network of ``couplings`` in the fastest storage that fits (as ``mode=auto``)."""
    from hopsim.learning import get_rule
    from hopsim.network import Network, choose_mode

    rule = get_rule(learner.rule)
    rank = couplings.lowrank.rank if couplings.lowrank is not None else patterns.shape[0]
    mode = choose_mode(couplings.N, rank, "auto", None, rule.modes(), couplings.max_abs)
    return Network.from_learned(couplings, patterns, 0.0, "plus", mode)


# ----------------------------------------------------------------------------- cues


def cues_at(X, t, ages, levels, seeds: SeedTree, N: int, s: int):
    """Cues of the patterns of ``ages`` after ``t`` were stored: (levels, ages, N) int8.

    Age ``k`` is pattern ``t - 1 - k``; level 0 is the pattern itself.
    """
    targets = X[t - 1 - ages]
    out = np.empty((len(levels),) + targets.shape, dtype=np.int8)
    for j, level in enumerate(levels):
        for i, (k, target) in enumerate(zip(ages, targets, strict=True)):
            if level > 0:
                rng = seeds.generator("online_cue", N, s, t, int(k), level)
                out[j, i] = corrupt_one(target, "flip", level, rng)
            else:
                out[j, i] = target
    return out, targets


def recall(net, cues, targets, ages, levels, params: OnlineParams, seeds, N, s, t):
    """Final overlap with the cued pattern of every cue: (levels, ages)."""
    dyn = params.dynamics
    out = np.empty(cues.shape[:2])
    cells = [(j, i) for j in range(len(levels)) for i in range(len(ages))]
    for start in range(0, len(cells), dyn.batch_size):
        chunk = cells[start : start + dyn.batch_size]
        batch = np.stack([cues[j, i] for j, i in chunk])
        rngs = [
            seeds.generator("online_dynamics", N, s, t, int(ages[i]), levels[j]) for j, i in chunk
        ]
        final = run_dynamics(net, batch, dyn.update, dyn.max_sweeps, rngs).final
        want = np.stack([targets[i] for _, i in chunk]).astype(np.float64)
        m = np.einsum("bi,bi->b", final.astype(np.float64), want) / N
        for (j, i), value in zip(chunk, m, strict=True):
            out[j, i] = value
    return out


# ----------------------------------------------------------------------------- run


def run(params: OnlineParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Stream, checkpoint, recall; see the module docstring for the dataset."""
    L, C, V = len(params.learners), len(params.checkpoints), len(params.noise)
    overlap = np.full((L, len(params.Ns), C, V, params.streams, params.slots), np.nan)
    counts = np.full((L, len(params.Ns)), np.nan)
    jobs = [
        (n, s, a) for n in range(len(params.Ns)) for s in range(params.streams) for a in range(L)
    ]
    cost = np.array([params.Ns[n] ** 2 for n, _, _ in jobs], dtype=float)
    bar = tqdm(
        total=float(cost.sum()),
        desc="online",
        disable=not progress,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
    )
    stream = None
    for (n, s, a), unit in zip(jobs, cost, strict=True):
        N, learner = params.Ns[n], params.learners[a]
        if stream is None or stream[0] != (n, s):
            stream = ((n, s), _stream_inputs(params, seeds, N, s))
        X, stored, ages, cues = stream[1]
        bar.set_description_str(f"online N={N} stream {s} {learner.label}")
        if learner.family == "rnn":
            from hopsim.experiments._online_rnn import learn_and_recall
        else:
            learn_and_recall = hopfield_learn_and_recall
        got, counts[a, n] = learn_and_recall(learner, X, stored, ages, cues, params, seeds, N, s)
        for c, t in enumerate(stored):
            tested = ages < t
            overlap[a, n, c, :, s, : tested.sum()] = got[c][:, tested]
        bar.update(unit)
    bar.close()
    return _dataset(overlap, counts, params)


def hopfield_learn_and_recall(
    learner: Learner, X, stored, ages, cues, params: OnlineParams, seeds: SeedTree, N: int, s: int
):
    """Stream ``X`` into the learner's rule; at each checkpoint, the overlap after recall
    from every cue. Returns ``(overlaps, parameters)`` as the RNN learner does: per checkpoint
    a (levels, len(ages)) array (NaN for the ages not yet stored), and N^2."""
    out = []
    for t, couplings in zip(stored, stream_couplings(learner, X, stored), strict=True):
        tested = ages[ages < t]
        got = np.full((len(params.noise), len(ages)), np.nan)
        cue, target = cues[t]
        net = network(learner, couplings, X[:t])
        got[:, : tested.size] = recall(
            net, cue, target, tested, params.noise, params, seeds, N, s, t
        )
        out.append(got)
    return out, float(N) * N


def _stream_inputs(params: OnlineParams, seeds: SeedTree, N: int, s: int):
    """The stream ``s`` at N, its checkpoints, tested ages and every checkpoint's cues."""
    X = random_patterns(seeds.generator("online_patterns", N, s), params.length(N), N)
    stored, ages = params.stored(N), params.tested_ages(N)
    cues = {t: cues_at(X, t, ages[ages < t], params.noise, seeds, N, s) for t in set(stored)}
    return X, stored, ages, cues


ATTRS = {
    "overlap": ("final overlap with the cued pattern", "1"),
    "learner": ("learning rule (at a value of its swept option) or RNN", ""),
    "parameters": ("numbers the learner stores (Hopfield: N^2 couplings)", "1"),
    "N": ("number of neurons", "1"),
    "checkpoint": ("patterns streamed per neuron t/N", "1"),
    "noise": ("cue noise (fraction of bits flipped)", "1"),
    "stream": ("pattern stream", "1"),
    "slot": ("tested age slot", "1"),
    "stored": ("patterns stored at the checkpoint", "1"),
    "age": ("age of the cued pattern (0: the newest; -1: slot unused)", "pattern"),
    "stride": ("ages one tested age stands for", "pattern"),
    "family": ("kind of learner", ""),
    "rule": ("learning rule or RNN kind", ""),
    "option": ("the learner's swept option", ""),
    "value": ("value of the swept option", "1"),
}


def _dataset(overlap, counts, params: OnlineParams) -> xr.Dataset:
    learners = params.learners
    ages = np.full((len(params.Ns), params.slots), -1, dtype=np.int64)
    for n, N in enumerate(params.Ns):
        a = params.tested_ages(N)
        ages[n, : a.size] = a
    ds = xr.Dataset(
        {
            "overlap": (("learner", "N", "checkpoint", "noise", "stream", "slot"), overlap),
            "parameters": (("learner", "N"), counts),
        },
        coords={
            "learner": [x.label for x in learners],
            "family": ("learner", [x.family for x in learners]),
            "rule": ("learner", [x.rule for x in learners]),
            "option": ("learner", [x.option for x in learners]),
            "value": ("learner", np.array([x.value for x in learners], dtype=float)),
            "N": list(params.Ns),
            "checkpoint": list(params.checkpoints),
            "noise": list(params.noise),
            "stream": np.arange(params.streams),
            "slot": np.arange(params.slots),
            "stored": (("N", "checkpoint"), np.array([params.stored(N) for N in params.Ns])),
            "age": (("N", "slot"), ages),
            "stride": ("N", np.array([params.stride(N) for N in params.Ns])),
        },
    )
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds = ds.assign_coords(threshold=params.threshold)  # a sweep over it makes it a dimension
    ds["threshold"].attrs.update(long_name="overlap a retrieved pattern reaches", units="1")
    ds.attrs.update(
        max_age=params.max_age,
        update=params.dynamics.update,
        max_sweeps=params.dynamics.max_sweeps,
    )
    if params.rnn is not None:
        r = params.rnn
        ds.attrs.update(
            rnn_read_steps=r.read_steps,
            rnn_train_noise=r.train_noise,
            rnn_batch=r.batch,
            train_steps=r.steps,
            train_lr=r.lr,
            train_batch_size=r.batch_size,
            train_clip=r.clip if r.clip is not None else math.nan,
        )
    return ds


def summary(ds: xr.Dataset) -> str:
    """Retrievable recent patterns per learner at the last checkpoint, against theory."""
    from hopsim.analysis.online import retrievable, theory_retrievable

    last, level = ds.checkpoint.values[-1], ds.noise.values[0]
    alpha = retrievable(ds).sel(checkpoint=last, noise=level).mean("stream")
    theory = theory_retrievable(ds).sel(checkpoint=last, N=ds.N.values[-1])
    parts = []
    for label in ds.learner.values:
        got = ", ".join(f"{float(alpha.sel(learner=label, N=N)):.3f}" for N in ds.N.values)
        th = float(theory.sel(learner=label))
        parts.append(f"{label}: {got}" + (f" (theory {th:.3f})" if math.isfinite(th) else ""))
    return (
        f"online: N={list(map(int, ds.N.values))}, {ds.sizes['stream']} streams of "
        f"{float(last):g} N patterns; retrievable recent patterns per neuron at the end "
        f"(m >= {float(ds.threshold):g} from noise {float(level):g}), per N: "
        + "; ".join(parts)
        + ". Figure: python analysis/online.py RUN_DIR."
    )
