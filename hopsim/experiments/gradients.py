"""The ``gradients`` experiment: vanishing and exploding gradients, and which RNNs learn long lags.

Task: delayed recall ("copy", :mod:`hopsim.experiments._copytask`): one of K symbols at step
0, ``lag - 1`` empty steps (or random distractors), a recall flag at step ``lag``; the model
must output the symbol.

Lag sweep: every model variant (``rnn`` = SimpleRNN with tanh, ``gru``, ``lstm`` with
PyTorch's default initialisation, whose forget-gate bias is 0, and ``lstm_forget1`` = the
same LSTM with forget-gate bias 1, Jozefowicz et al. 2015) is trained at every lag from
``task.seeds`` seeds with the same budget: Adam at the variant's learning rate
(``train.lr``), at most ``max(train.budgets)`` steps, stopped only when the held-out
accuracy reaches ``task.success``. A run counts as solved within budget ``b`` when that
happened at a step <= ``b``; since no other stop exists, the first ``b`` steps of the run
are exactly a run of budget ``b``, and one run answers every budget.

Learning-rate search (``task.lr_search=true``): before the sweep, every variant is trained
at every ``search.lrs`` value at the lags ``search.lags`` from ``search.seeds`` seeds of a
separate seed stream, within the smallest budget; the learning rate that solves the most
cells (ties: fewer steps, then higher accuracy; :func:`hopsim.analysis.gating.choose_learning_rate`)
replaces ``train.lr`` for the sweep, and the search is stored in the dataset.

Gradients: ``||dL_T/dh_t||`` against the distance ``T - t`` on sequences of length
``gradients.length`` at initialisation and after training (mean over a batch of the
per-sequence norms); for LSTMs also ``||dL_T/dc_t||`` through the cell state.

Explosion: a SimpleRNN (``explode.nonlinearity``) whose recurrent matrix starts at spectral
radius ``explode.radius``, trained at ``explode.lag`` with ``explode.optimizer`` at
``explode.lr``, with and without ``clip_grad_norm`` (max norm ``explode.clip``), from the
same data and weights: per step the loss and the gradient norm before clipping, and whether
any step's loss or gradient was inf or NaN (the run exploded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.analysis import gating
from hopsim.config import (
    ConfigError,
    get,
    get_bool,
    get_choice,
    get_float,
    get_int,
    get_list,
    get_optional,
)
from hopsim.experiments import _rnn
from hopsim.experiments._copytask import (
    VARIANTS,
    Explode,
    Setting,
    copy_batch,
    explode_run,
    explode_seconds,
    run_seconds,
    train_copy,
)
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

__all__ = ["VARIANTS", "GradientsParams", "copy_batch", "parameters", "run", "summary"]

NONLINEARITIES = ("tanh", "relu")
OPTIMIZERS = ("adam", "sgd")


@dataclass(frozen=True)
class Search:
    """The learning-rate search (run only when ``enabled``)."""

    enabled: bool
    lrs: tuple[float, ...]
    lags: tuple[int, ...]
    seeds: int


@dataclass(frozen=True)
class GradientsParams:
    """Everything the gradients experiment reads from its config, checked."""

    setting: Setting
    lags: tuple[int, ...]
    seeds: int
    variants: tuple[str, ...]
    budgets: tuple[int, ...]  # ascending; runs go to the last
    lr: tuple[float, ...]  # per variant, in the order of ``variants``
    search: Search
    length: int
    gradient_batch: int
    explode: Explode
    threads: int

    @property
    def steps(self) -> int:
        """The longest budget: every run's step limit."""
        return self.budgets[-1]


# ----------------------------------------------------------------------------- config


def _variants(cfg: DictConfig) -> tuple[str, ...]:
    raw = get(cfg, "model.variants")
    values = raw if isinstance(raw, list) else [raw]
    allowed = "one of " + ", ".join(repr(v) for v in VARIANTS) + " or a list of them"
    if not values or any(v not in VARIANTS for v in values) or len(set(values)) != len(values):
        raise ConfigError("model.variants", raw, allowed + " (no repeats)")
    return tuple(values)


def _budgets(cfg: DictConfig) -> tuple[tuple[int, ...], int]:
    every = get_int(cfg, "train.eval_every", lo=1, hi=1_000_000)
    budgets = sorted(get_list(cfg, "train.budgets", kind="int", lo=1, hi=1_000_000))
    if any(b % every for b in budgets):
        raise ConfigError(
            "train.budgets",
            get(cfg, "train.budgets"),
            f"step counts that are multiples of train.eval_every ({every}): a budget must "
            "end on an evaluation",
        )
    return tuple(budgets), every


def _learning_rates(cfg: DictConfig, variants: tuple[str, ...]) -> tuple[float, ...]:
    """``train.lr``: one number for every variant, or a mapping variant -> number."""
    raw = get(cfg, "train.lr")
    allowed = "a number in (0, 10] or a mapping {variant: number in (0, 10]} naming "
    allowed += "every variant of model.variants"
    if not isinstance(raw, dict):
        get_float(cfg, "train.lr", lo=0.0, hi=10.0, lo_open=True)
        return tuple(float(raw) for _ in variants)
    unknown = [k for k in raw if k not in VARIANTS]
    missing = [v for v in variants if v not in raw]
    if unknown or missing:
        raise ConfigError("train.lr", raw, allowed)
    return tuple(get_float(cfg, f"train.lr.{v}", lo=0.0, hi=10.0, lo_open=True) for v in variants)


def _search(cfg: DictConfig) -> Search:
    return Search(
        enabled=get_bool(cfg, "task.lr_search"),
        lrs=tuple(get_list(cfg, "search.lrs", lo=0.0, hi=10.0, lo_open=True)),
        lags=tuple(get_list(cfg, "search.lags", kind="int", lo=1, hi=10_000)),
        seeds=get_int(cfg, "search.seeds", lo=1, hi=1000),
    )


def _explode(cfg: DictConfig) -> Explode:
    return Explode(
        radius=get_float(cfg, "explode.radius", lo=0.0, hi=100.0, lo_open=True),
        lag=get_int(cfg, "explode.lag", lo=1, hi=10_000),
        nonlinearity=get_choice(cfg, "explode.nonlinearity", NONLINEARITIES),
        optimizer=get_choice(cfg, "explode.optimizer", OPTIMIZERS),
        lr=get_float(cfg, "explode.lr", lo=0.0, hi=10.0, lo_open=True),
        clip=get_float(cfg, "explode.clip", lo=0.0, lo_open=True),
        steps=get_int(cfg, "explode.steps", lo=1, hi=1_000_000),
        seeds=get_int(cfg, "explode.seeds", lo=0, hi=1000),
    )


def parameters(cfg: DictConfig) -> GradientsParams:
    """Read and check every key the gradients experiment uses (and its memory and time)."""
    _rnn.require_torch("gradients")
    variants = _variants(cfg)
    budgets, every = _budgets(cfg)
    setting = Setting(
        symbols=get_int(cfg, "task.symbols", lo=2, hi=1000),
        distractors=get_bool(cfg, "task.distractors"),
        hidden=get_int(cfg, "model.hidden", lo=1, hi=1024),
        validation=get_int(cfg, "task.validation", lo=1, hi=1_000_000),
        success=get_float(cfg, "task.success", lo=0.0, hi=1.0, lo_open=True),
        batch_size=get_int(cfg, "train.batch_size", lo=1, hi=65_536),
        clip=get_optional(cfg, "train.clip", get_float, lo=0.0, lo_open=True),
        eval_every=every,
    )
    params = GradientsParams(
        setting=setting,
        lags=tuple(get_list(cfg, "task.lags", kind="int", lo=1, hi=10_000)),
        seeds=get_int(cfg, "task.seeds", lo=1, hi=1000),
        variants=variants,
        budgets=budgets,
        lr=_learning_rates(cfg, variants),
        search=_search(cfg),
        length=get_int(cfg, "gradients.length", lo=2, hi=10_000),
        gradient_batch=get_int(cfg, "gradients.batch_size", lo=1, hi=100_000),
        explode=_explode(cfg),
        threads=_rnn.job_threads(cfg),
    )
    _check_resources(params)
    return params


def validate(cfg: DictConfig) -> None:
    """Check every key the gradients experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def _check_resources(p: GradientsParams) -> None:
    """Refuse sequences and states that cannot fit (the time, :func:`work_seconds`, is the
    preflight's: :func:`estimate`)."""
    s = p.setting
    key, value = (
        ("task.validation", s.validation)
        if s.validation >= p.gradient_batch
        else ("gradients.batch_size", p.gradient_batch)
    )
    check_memory(key, value, job_bytes(p), "sequences and hidden states")


# ----------------------------------------------------------------------------- work


def _sweep_cells(p: GradientsParams):
    return [(v, lag, s) for lag in p.lags for v in p.variants for s in range(p.seeds)]


def _search_cells(p: GradientsParams):
    return [
        (v, lr, lag, s)
        for lag in p.search.lags
        for v in p.variants
        for lr in p.search.lrs
        for s in range(p.search.seeds)
    ]


def _sweep_cost(p: GradientsParams, variant: str, lag: int, steps: int | None = None) -> float:
    s = p.setting
    return run_seconds(
        variant, lag, p.steps if steps is None else steps, s.batch_size, s.hidden, s.symbols,
        s.validation, s.eval_every, p.length, p.gradient_batch,
    )  # fmt: skip


def _search_cost(p: GradientsParams, variant: str, lag: int, steps: int | None = None) -> float:
    s = p.setting
    return run_seconds(
        variant, lag, p.budgets[0] if steps is None else steps, s.batch_size, s.hidden,
        s.symbols, s.validation, s.eval_every,
    )  # fmt: skip


def _work_parts(p: GradientsParams) -> dict[str, float]:
    sweep = sum(_sweep_cost(p, v, lag) for v, lag, _ in _sweep_cells(p))
    search = sum(_search_cost(p, v, lag) for v, _, lag, _ in _search_cells(p))
    return {
        "train.budgets": sweep,
        "search.lrs": search if p.search.enabled else 0.0,
        "explode.steps": explode_seconds(p.explode, p.setting),
    }


def job_bytes(p: GradientsParams) -> float:
    """Peak bytes: the sequences and hidden states of the largest batch, with the autograd
    graph's copies."""
    s = p.setting
    longest = max(p.length, p.explode.lag + 1, *(lag + 1 for lag in p.lags + p.search.lags))
    inputs = 4.0 * (s.symbols + 1) * (s.validation + p.gradient_batch + 3 * s.batch_size) * longest
    states = 4.0 * 4 * s.hidden * (p.gradient_batch + s.validation + s.batch_size) * longest
    return 3.0 * (inputs + states)


def estimate(params: GradientsParams):
    """The job's :class:`hopsim.resources.Estimate`: :func:`job_bytes` and
    :func:`work_seconds` (every run at its full budget), with the keys they grow with."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    p = params
    drivers = {
        "task.seeds": p.seeds,
        "train.budgets": list(p.budgets),
        "task.lags": list(p.lags),
        "model.variants": list(p.variants),
        "search.lrs": list(p.search.lrs),
        "search.seeds": p.search.seeds,
        "explode.steps": p.explode.steps,
        "explode.seeds": p.explode.seeds,
        "model.hidden": p.setting.hidden,
        "train.batch_size": p.setting.batch_size,
        "task.validation": p.setting.validation,
        "gradients.batch_size": p.gradient_batch,
    }
    memory = job_bytes(p) + _costs.TORCH_RUNTIME_BYTES
    return Estimate(memory, _costs.SECONDS_PER_JOB + work_seconds(p), drivers)


def work_seconds(params: GradientsParams) -> float:
    """Estimated CPU seconds of the whole run on one core (an upper estimate).

    Every training run is counted at its full budget (runs that solve the task stop
    earlier), with the cost model of :func:`hopsim.experiments._copytask.run_seconds`.
    """
    return float(sum(_work_parts(params).values()))


class _Bar:
    """One progress bar over the estimated seconds of work, with the time remaining.

    Its total starts at :func:`work_seconds` (every run at its full budget). A run that
    stops early (it solved the task) advances the bar by the cost of the steps it took and
    takes the rest off the total, so the time remaining is always the remaining runs at
    their full budgets, at the speed measured so far.
    """

    def __init__(self, total: float, progress: bool) -> None:
        self.bar = tqdm(
            total=round(total, 1),
            disable=not progress,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
        )

    def start(self, text: str) -> None:
        self.bar.set_description_str(f"gradients {text}")

    def done(self, spent: float, allotted: float | None = None) -> None:
        if allotted is not None and allotted > spent:
            self.bar.total = round(max(self.bar.total - (allotted - spent), self.bar.n), 1)
        self.bar.update(spent)

    def close(self) -> None:
        self.bar.close()


# ----------------------------------------------------------------------------- run


def run(params: GradientsParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """The learning-rate search (if asked), the lag sweep, the explosion runs."""
    from hopsim import rnn

    rnn.set_threads(params.threads)
    bar = _Bar(work_seconds(params), progress)
    lrs = dict(zip(params.variants, params.lr, strict=True))
    parts = []
    if params.search.enabled:
        search = _run_search(rnn, params, seeds, bar)
        chosen, _ = gating.choose_learning_rate(
            search.search_solved_step, search.search_accuracy, params.budgets[0]
        )
        lrs = {str(v): float(chosen.sel(variant=v)) for v in params.variants}
        parts.append(search)
    parts.insert(0, _run_sweep(rnn, params, seeds, lrs, bar))
    parts.append(_run_explode(rnn, params, seeds, bar))
    bar.close()
    ds = xr.merge(parts, combine_attrs="drop_conflicts")
    ds.attrs.update(
        symbols=params.setting.symbols,
        hidden=params.setting.hidden,
        success_threshold=params.setting.success,
        chance=1.0 / params.setting.symbols,
        batch_size=params.setting.batch_size,
        lr_source="search" if params.search.enabled else "train.lr",
    )
    return ds


def _run_sweep(rnn, p: GradientsParams, seeds: SeedTree, lrs: dict, bar: _Bar) -> xr.Dataset:
    shape = (len(p.variants), len(p.lags), p.seeds)
    evals = np.arange(0, p.steps + 1, p.setting.eval_every)
    out = {
        "solved_step": np.full(shape, -1, dtype=np.int64),
        "train_steps": np.zeros(shape, dtype=np.int64),
        "accuracy": np.full(shape, np.nan),
        "train_time": np.full(shape, np.nan),
        "val_accuracy": np.full(shape + (evals.size,), np.nan),
        "grad_h": np.full(shape + (2, p.length), np.nan),
        "grad_c": np.full(shape + (2, p.length), np.nan),
    }
    params_count = np.zeros(len(p.variants), dtype=np.int64)
    for variant, lag, s in _sweep_cells(p):
        v, j = p.variants.index(variant), p.lags.index(lag)
        bar.start(f"{variant} lag={lag} seed={s}")
        r = train_copy(
            rnn, seeds, "copy", variant, lag, s, lrs[variant], p.steps, p.setting,
            p.length, p.gradient_batch,
        )  # fmt: skip
        at = (v, j, s)
        out["solved_step"][at], out["train_steps"][at] = r.solved_step, r.steps
        out["accuracy"][at], out["train_time"][at] = r.accuracy, r.seconds
        out["val_accuracy"][at][: len(r.val_accuracy)] = r.val_accuracy
        for stage, (h, c) in enumerate((r.grad_init, r.grad_trained)):
            out["grad_h"][at][stage] = h
            if c is not None:
                out["grad_c"][at][stage] = c
        params_count[v] = r.parameters
        bar.done(_sweep_cost(p, variant, lag, r.steps), _sweep_cost(p, variant, lag))
    return _sweep_dataset(p, out, evals, params_count, lrs)


SWEEP_ATTRS = {
    "solved_step": ("first evaluation step with held-out accuracy >= task.success (-1: never)",
                    "step"),
    "train_steps": ("optimiser steps taken", "step"),
    "accuracy": ("held-out accuracy of the trained model", "1"),
    "train_time": ("training wall time", "s"),
    "val_accuracy": ("held-out accuracy at each evaluation (NaN after the run stopped)", "1"),
    "grad_h": ("mean ||dL_T/dh_t||", "1"),
    "grad_c": ("mean ||dL_T/dc_t|| (LSTM cell state)", "1"),
    "parameters": ("trainable parameters", "1"),
    "learning_rate": ("Adam learning rate of the lag sweep", "1"),
    "solved": ("solved within the budget: solved_step <= budget", "1"),
    "lag": ("lag between symbol and recall", "step"),
    "budget": ("training budget (optimiser steps)", "step"),
    "evaluation": ("optimiser step of the evaluation", "step"),
    "distance": ("distance T - t", "step"),
    "seed": ("training seed", "1"),
}  # fmt: skip


def _sweep_dataset(p, out, evals, params_count, lrs) -> xr.Dataset:
    cell = ("variant", "lag", "seed")
    data = {name: (cell, out[name]) for name in ("solved_step", "train_steps", "accuracy")}
    data["train_time"] = (cell, out["train_time"])
    data["val_accuracy"] = (cell + ("evaluation",), out["val_accuracy"])
    for name in ("grad_h", "grad_c"):
        data[name] = (cell + ("stage", "distance"), out[name])
    data["parameters"] = (("variant",), params_count)
    data["learning_rate"] = (("variant",), np.array([lrs[v] for v in p.variants]))
    ds = xr.Dataset(
        data,
        coords={
            "variant": list(p.variants),
            "lag": list(p.lags),
            "seed": np.arange(p.seeds),
            "evaluation": evals,
            "stage": ["init", "trained"],
            "distance": np.arange(p.length),
        },
    )
    ds["solved"] = gating.solved_within(ds.solved_step, p.budgets)
    for name, (long_name, units) in SWEEP_ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    return ds


def _run_search(rnn, p: GradientsParams, seeds: SeedTree, bar: _Bar) -> xr.Dataset:
    shape = (len(p.variants), len(p.search.lrs), len(p.search.lags), p.search.seeds)
    solved = np.full(shape, -1, dtype=np.int64)
    accuracy = np.full(shape, np.nan)
    for variant, lr, lag, s in _search_cells(p):
        at = (p.variants.index(variant), p.search.lrs.index(lr), p.search.lags.index(lag), s)
        bar.start(f"lr search {variant} lr={lr:g} lag={lag} seed={s}")
        r = train_copy(rnn, seeds, "lr_search", variant, lag, s, lr, p.budgets[0], p.setting)
        solved[at], accuracy[at] = r.solved_step, r.accuracy
        bar.done(_search_cost(p, variant, lag, r.steps), _search_cost(p, variant, lag))
    dims = ("variant", "search_lr", "search_lag", "search_seed")
    ds = xr.Dataset(
        {"search_solved_step": (dims, solved), "search_accuracy": (dims, accuracy)},
        coords={
            "variant": list(p.variants),
            "search_lr": list(p.search.lrs),
            "search_lag": list(p.search.lags),
            "search_seed": np.arange(p.search.seeds),
        },
    )
    for name, long_name, units in (
        ("search_solved_step", "learning-rate search: first step with accuracy >= "
         "task.success (-1: never)", "step"),
        ("search_accuracy", "learning-rate search: held-out accuracy", "1"),
        ("search_lr", "Adam learning rate tried", "1"),
        ("search_lag", "lag of the search", "step"),
        ("search_seed", "seed of the search (its own streams)", "1"),
    ):  # fmt: skip
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(search_budget=p.budgets[0])
    return ds


def _run_explode(rnn, p: GradientsParams, seeds: SeedTree, bar: _Bar) -> xr.Dataset:
    e = p.explode
    n = e.seeds
    loss, norm = np.full((2, n, e.steps), np.nan), np.full((2, n, e.steps), np.nan)
    nonfinite = np.zeros((2, n), dtype=np.int64)
    first = np.full((2, n), -1, dtype=np.int64)
    acc = np.full((2, n), np.nan)
    one = explode_seconds(e, p.setting) / max(2 * n, 1)
    for s in range(n):
        for c, clip in enumerate((None, e.clip)):
            bar.start(f"explode seed={s} clip={clip}")
            r = explode_run(rnn, seeds, e, p.setting, s, clip)
            loss[c, s, : len(r.loss)], norm[c, s, : len(r.grad_norm)] = r.loss, r.grad_norm
            nonfinite[c, s], first[c, s], acc[c, s] = (
                r.nonfinite_steps,
                r.first_nonfinite,
                r.accuracy,
            )
            bar.done(one)
    return _explode_dataset(e, loss, norm, nonfinite, first, acc)


def _explode_dataset(e: Explode, loss, norm, nonfinite, first, acc) -> xr.Dataset:
    dims = ("clipping", "explode_seed", "step")
    ds = xr.Dataset(
        {
            "explode_loss": (dims, loss),
            "explode_grad_norm": (dims, norm),
            "explode_nonfinite": (dims[:2], nonfinite),
            "explode_first_nonfinite": (dims[:2], first),
            "explode_accuracy": (dims[:2], acc),
        },
        coords={
            "clipping": ["none", f"clip_grad_norm {e.clip:g}"],
            "explode_seed": np.arange(e.seeds),
            "step": np.arange(1, e.steps + 1),
        },
    )
    for name, long_name, units in (
        ("explode_loss", "training loss (cross entropy)", "nat"),
        ("explode_grad_norm", "gradient norm before clipping", "1"),
        ("explode_nonfinite", "steps with inf or NaN loss or gradient", "1"),
        ("explode_first_nonfinite", "first step with inf or NaN loss or gradient (-1: none)",
         "step"),
        ("explode_accuracy", "held-out accuracy after the last step", "1"),
        ("step", "training step", "step"),
        ("explode_seed", "seed of the explosion runs", "1"),
    ):  # fmt: skip
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(
        explode_radius=e.radius,
        explode_lag=e.lag,
        explode_nonlinearity=e.nonlinearity,
        explode_optimizer=e.optimizer,
        explode_lr=e.lr,
        explode_clip=e.clip,
    )
    return ds


# ----------------------------------------------------------------------------- summary


def summary(ds: xr.Dataset) -> str:
    """Seeds solved per variant, lag and budget; the longest lag half solve; the explosions."""
    table = gating.solved_table(ds)
    longest = gating.longest_lag_half(table)
    lags = list(map(int, ds.lag.values))
    parts = []
    for b in ds.budget.values:
        rows = []
        for v in ds.variant.values:
            lh = float(longest.sel(variant=v, budget=b))
            half = "none" if np.isnan(lh) else f"{int(lh)}"
            rows.append(f"{v} {gating.counts_text(table, v, b)} (half the seeds: lag {half})")
        parts.append(f"budget {int(b)} steps: " + "; ".join(rows))
    ratio = gating.init_gradient_ratio(ds)
    far = int(ds.distance.values[-1])
    text = (
        f"gradients: copy task, K={ds.attrs['symbols']}, H={ds.attrs['hidden']}, "
        f"seeds solved at lags {lags}: " + ". ".join(parts)
        + ". Learning rates: " + ", ".join(
            f"{v} {float(ds.learning_rate.sel(variant=v)):g}" for v in ds.variant.values
        ) + f" ({ds.attrs.get('lr_source', 'train.lr')})."
        + f" ||dL/dh|| at distance {far} / distance 0 at init: "
        + ", ".join(f"{v} {float(ratio.sel(variant=v)):.1e}" for v in ds.variant.values) + "."
    )  # fmt: skip
    if ds.sizes.get("explode_seed", 0):
        ex = gating.explosion_table(ds)
        text += (
            f" Explosion runs (radius {ds.attrs['explode_radius']:g}): exploded "
            + ", ".join(
                f"{c} {int(k)}/{int(n)}"
                for c, k, n in zip(
                    ex.clipping.values, ex.exploded.values, ex.seeds.values, strict=True
                )
            )
            + "."
        )
    return text + " Figure: python analysis/gradients.py RUN_DIR."
