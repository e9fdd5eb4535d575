"""Experiments: one module per experiment, each with the same three functions.

``validate(cfg) -> None``
    Read every key the experiment uses through :mod:`hopsim.config` helpers and
    raise :class:`hopsim.config.ConfigError` on an impossible value.
``run(cfg, seeds, progress) -> xr.Dataset``
    Do the work and return a labelled dataset (no file I/O; the CLI saves it).
``summary(ds) -> str``
    One paragraph for the terminal when the run ends.

The experiment named by the config key ``experiment`` is the module
``hopsim.experiments.<name>``; its config is ``conf/experiment/<name>.yaml``.
"""

from __future__ import annotations

import importlib
from importlib import resources
from types import ModuleType


def available() -> list[str]:
    """Names of the experiments that have a config file."""
    folder = resources.files("hopsim.conf") / "experiment"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load(name: str) -> ModuleType:
    """Import the module of experiment ``name``."""
    from hopsim.config import ConfigError

    if name not in available():
        raise ConfigError("experiment", name, "one of " + ", ".join(available()))
    return importlib.import_module(f"hopsim.experiments.{name}")
