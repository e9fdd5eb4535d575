"""Experiments: one module per experiment, each with the same functions.

``parameters(cfg) -> Params``
    Read every key the experiment uses, once, through :mod:`hopsim.config` helpers into
    a frozen parameter object (ranges, finiteness, the memory estimate), raising
    :class:`hopsim.config.ConfigError` on an impossible value. ``validate(cfg)`` calls it
    and discards the result.
``estimate(params) -> hopsim.resources.Estimate``
    The job's peak memory, its seconds on one core and the config keys the cost grows
    with, before any work (:func:`estimate`, :func:`check_estimate`).
``run(params, seeds, progress) -> xr.Dataset``
    Do the work and return a labelled dataset (no file I/O; the CLI saves it). Nothing
    below ``parameters`` sees ``cfg``.
``summary(ds) -> str``
    One paragraph for the terminal when the run ends.

The experiment named by the config key ``experiment`` is the module
``hopsim.experiments.<name>``; its config is ``conf/experiment/<name>.yaml``.
"""

from __future__ import annotations

import ast
import functools
import importlib
from importlib import resources
from types import ModuleType

from omegaconf import OmegaConf


def available() -> list[str]:
    """Names of the experiments that have a config file."""
    folder = resources.files("hopsim.conf") / "experiment"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def describe(name: str) -> str:
    """One line on experiment ``name``: the first line of its module's docstring.

    The module is parsed, not imported (no numba or torch), and its leading
    ``The ``name`` experiment:`` and final full stop are dropped.
    """
    source = resources.files("hopsim.experiments") / f"{name}.py"
    try:
        doc = ast.get_docstring(ast.parse(source.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        doc = ""
    line = doc.strip().splitlines()[0] if doc.strip() else ""
    prefix = f"The ``{name}`` experiment:"
    if line.startswith(prefix):
        line = line[len(prefix) :].strip()
    return line.rstrip(".")


def experiment_list(indent: str = "  ") -> str:
    """``name  description`` lines of every experiment, for ``hopsim --help``."""
    names = available()
    width = max(len(n) for n in names) + 2
    return "\n".join(f"{indent}{n:<{width}}{describe(n)}" for n in names)


# `hopsim --help` (conf/hydra/help/hopsim.yaml) lists the experiments through this resolver,
# so the list cannot go stale; the CLI imports this module before Hydra composes the help.
OmegaConf.register_new_resolver("hopsim_experiment_list", experiment_list, replace=True)


def load(name: str) -> ModuleType:
    """Import the module of experiment ``name``."""
    from hopsim.config import ConfigError

    if name not in available():
        raise ConfigError("experiment", name, "one of " + ", ".join(available()))
    return importlib.import_module(f"hopsim.experiments.{name}")


def prepare(module: ModuleType, cfg):
    """What ``module.run`` takes: its checked parameter object.

    The config is read once per job: the parameter object of a resolved config is kept
    (:func:`_parameters`), so the preflight's check of a job and the job itself, in the
    same process, read its keys once.
    """
    from hopsim.config import to_yaml

    return _parameters(module.__name__, to_yaml(cfg))


def estimate(module: ModuleType, params):
    """The job's :class:`hopsim.resources.Estimate` (``module.estimate(params)``; an
    experiment that has none yet estimates nothing)."""
    from hopsim.resources import Estimate

    if hasattr(module, "estimate"):
        return module.estimate(params)
    return Estimate(0.0, 0.0, {})


def check_estimate(module: ModuleType, params, given=(), allow_long: bool = False):
    """Refuse a job whose estimated memory exceeds this machine's or whose estimated time
    exceeds :data:`hopsim.resources.MAX_SECONDS` (unless ``allow_long``), naming the first
    key the cost grows with that the user gave (``given``); return the estimate."""
    from hopsim import resources

    cost = estimate(module, params)
    key, value = resources.blamed_key(cost, given)
    resources.check_memory(key, value, cost.memory, "this job")
    resources.check_time(cost, given, allow_long)
    return cost


@functools.lru_cache(maxsize=2048)
def _parameters(module_name: str, config_yaml: str):
    """``parameters`` of a resolved config (its YAML text), once per config and process."""
    module = importlib.import_module(module_name)
    return module.parameters(OmegaConf.create(config_yaml))
