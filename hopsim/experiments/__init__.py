"""Experiments: one module per experiment, each with the same functions.

``parameters(cfg) -> Params``
    Read every key the experiment uses, once, through :mod:`hopsim.config` helpers into
    a frozen parameter object (ranges, finiteness, the memory estimate), raising
    :class:`hopsim.config.ConfigError` on an impossible value. ``validate(cfg)`` calls it
    and discards the result.
``run(params, seeds, progress) -> xr.Dataset``
    Do the work and return a labelled dataset (no file I/O; the CLI saves it). Nothing
    below ``parameters`` sees ``cfg``. (Experiments without ``parameters`` still take
    ``cfg`` itself, after ``validate(cfg)``.)
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


def prepare(module: ModuleType, cfg):
    """What ``module.run`` takes: its checked parameter object, or the validated ``cfg``."""
    if hasattr(module, "parameters"):
        return module.parameters(cfg)
    module.validate(cfg)
    return cfg
