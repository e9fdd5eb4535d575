"""Shared pieces of the RNN experiments: the torch check, threads, the ``train`` keys.

Importing this module never imports torch, so ``validate`` of an RNN experiment runs (and
fails with one line) on a core install without the ``rnn`` extra.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from omegaconf import DictConfig

from hopsim.config import ConfigError, get_float, get_int, get_optional

INSTALL_HINT = "pip install -e '.[rnn]' (PyTorch 2.13.0, CPU build)"


class MissingExtra(ConfigError):
    """An experiment needs an optional dependency that is not installed."""

    def __init__(self, experiment: str) -> None:
        self.key, self.value = "experiment", experiment
        self.allowed = INSTALL_HINT
        ValueError.__init__(
            self, f"experiment={experiment!r} needs PyTorch, which is not installed: {INSTALL_HINT}"
        )


def torch_available() -> bool:
    """Is torch importable (without importing it)?"""
    return importlib.util.find_spec("torch") is not None


def require_torch(experiment: str) -> None:
    """Raise :class:`MissingExtra` when torch is missing (the CLI then exits with status 2)."""
    if not torch_available():
        raise MissingExtra(experiment)


@dataclass(frozen=True)
class TrainKeys:
    """The ``train`` block: optimiser and stopping rule."""

    steps: int
    lr: float
    batch_size: int
    clip: float | None
    eval_every: int
    patience: int


def train_keys(cfg: DictConfig, prefix: str = "train") -> TrainKeys:
    """Validate and read ``<prefix>.{steps, lr, batch_size, clip, eval_every, patience}``."""
    return TrainKeys(
        steps=get_int(cfg, f"{prefix}.steps", lo=1, hi=1_000_000),
        lr=get_float(cfg, f"{prefix}.lr", lo=0.0, hi=10.0, lo_open=True),
        batch_size=get_int(cfg, f"{prefix}.batch_size", lo=1, hi=65_536),
        clip=get_optional(cfg, f"{prefix}.clip", get_float, lo=0.0, lo_open=True),
        eval_every=get_int(cfg, f"{prefix}.eval_every", lo=1),
        patience=get_int(cfg, f"{prefix}.patience", lo=1),
    )


#: Torch threads for ``threads: auto``. These models are small (H <= a few hundred): on the
#: 2-core machine one GRU training step (H = 32, 41 steps, batch 64) took 7-9 ms on one
#: thread and 10 ms to 500 ms on two when other jobs shared the cores (OpenMP workers
#: waiting for a busy core), so ``auto`` means one thread; a number forces that many.
AUTO_TORCH_THREADS = 1


def job_threads(cfg: DictConfig) -> int:
    """Torch threads from the ``threads`` key: ``auto`` -> :data:`AUTO_TORCH_THREADS`, else it."""
    threads = cfg.get("threads", "auto")
    return AUTO_TORCH_THREADS if threads == "auto" else max(1, int(threads))


def start_torch(threads: int):
    """Import :mod:`hopsim.rnn` and set torch's threads (:func:`job_threads` of the config)."""
    from hopsim import rnn

    rnn.set_threads(threads)
    return rnn
