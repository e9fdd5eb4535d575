"""Composing a job's config as Hydra does, quickly, and explaining why it cannot be.

:class:`JobConfigs` composes each combination of group choices once and applies a job's
value overrides to a copy (:func:`hopsim._hydra_adapter.apply_overrides`);
:func:`composed` composes one job exactly as Hydra does. A composition error becomes one
line naming the override to blame (:func:`explain_composition_error`).
"""

from __future__ import annotations

import copy
import functools

from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf, open_dict

from hopsim import _hydra_adapter, job_folders, override_checks
from hopsim.config import ConfigError, get_int
from hopsim.sweeps import CONFIG_MODULE, override_key


class Refused(Exception):
    """One job's config is refused; ``str()`` is the one-line reason."""


def one_line(text: str) -> str:
    """``text`` (an error's message, several lines) joined into one line."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return " ".join(lines)


def compose(overrides: list[str], hydra_config: bool = False) -> DictConfig:
    """Compose the config for ``overrides`` (with the ``hydra`` node when ``hydra_config``)."""
    from hydra import compose, initialize_config_module

    job_folders.register_resolver()  # conf/config.yaml names the job folders through it
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            return compose(
                config_name="config", overrides=overrides, return_hydra_config=hydra_config
            )
    finally:
        GlobalHydra.instance().clear()


@functools.lru_cache(maxsize=64)
def compose_cached(overrides: tuple[str, ...]) -> DictConfig:
    """:func:`compose` of ``overrides`` (no hydra node), once: the config files stay put."""
    return compose(list(overrides))


def is_group_override(override: str) -> bool:
    """Does ``override`` choose a config group option (``experiment=ising``, ``a/b=c``)?"""
    from importlib import resources

    key = override_key(override)
    if "." in key or "=" not in override:
        return False
    if "/" in key:
        return True
    return (resources.files(CONFIG_MODULE) / key).is_dir()


def group_choices(overrides: list[str]) -> list[str]:
    """The group choices among ``overrides`` (without additions ``+group=...``)."""
    return [o for o in overrides if is_group_override(o) and not o.startswith(("+", "~"))]


def unknown_key(override: str, full_key: str, context: list[str]) -> str:
    """``<override> is not allowed: unknown key; keys at '<parent>': ...`` (deepest parent
    of ``full_key`` that exists in the config composed from ``context``)."""
    hydra_node = full_key.split(".")[0] == "hydra"
    try:
        base = compose(context, hydra_config=hydra_node)
    except Exception:
        base = None
    parent = full_key.rsplit(".", 1)[0] if "." in full_key else ""
    while parent and not isinstance(OmegaConf.select(base, parent) if base else None, DictConfig):
        parent = parent.rsplit(".", 1)[0] if "." in parent else ""
    node = OmegaConf.select(base, parent) if parent and base is not None else base
    keys = ", ".join(sorted(str(k) for k in node.keys())) if isinstance(node, DictConfig) else "?"
    where = f"'{parent}'" if parent else "the top level"
    return f"{override} is not allowed: unknown key; keys at {where}: {keys}"


def explain_composition_error(
    exc: Exception, override: str | None, context: list[str] | None = None
) -> str:
    """Turn Hydra's multi-line composition errors into one line naming ``override``."""
    from hydra.errors import MissingConfigException
    from omegaconf.errors import ValidationError

    context = [] if context is None else [c for c in context if c != override]
    cause = exc.__cause__ or exc
    if isinstance(exc, MissingConfigException) and override:
        group = override_key(override)
        options = getattr(exc, "options", None) or []
        allowed = "one of " + ", ".join(options) if options else "an existing config"
        value = override.split("=", 1)[1] if "=" in override else ""
        return f"{group}={value!r} is not allowed: expected {allowed}"
    full_key = getattr(cause, "full_key", None)
    if override and isinstance(cause, ValidationError):
        reason = (str(cause).strip().splitlines() or ["a value of the wrong type"])[0]
        return f"{override} is not allowed: {reason}"
    if override and not full_key and "Could not override" in str(exc):
        full_key = override_key(override)
    if full_key and override:
        return unknown_key(override, str(full_key), context)
    text = one_line(exc)
    if override and not text.startswith(override):
        text = f"{override} is not allowed: {text}"
    return text


def find_culprit(overrides: list[str]) -> str | None:
    """The override that cannot be composed in the context of the others' group choices.

    Group choices (``experiment=``, ``hydra/launcher=``, ...) are added one by one first;
    then each other override is tried on top of all of them.
    """
    context: list[str] = []
    for override in group_choices(overrides):
        try:
            compose([*context, override], hydra_config=True)
        except Exception:
            return override
        context.append(override)
    for override in overrides:
        if override in context:
            continue
        try:
            compose([*context, override], hydra_config=True)
        except Exception:
            return override
    return None


@functools.lru_cache(maxsize=4096)
def is_structural(override: str) -> bool:
    """Must ``override`` take part in composing (a group choice, a deletion, a package)?

    The others are values, which Hydra applies to the composed config in order.
    """
    key = override.split("=", 1)[0]
    return is_group_override(override) or key.startswith("~") or "@" in key


#: Launcher keys that count something: (smallest value, largest value); null is allowed.
LAUNCHER_COUNTS = {
    "timeout_min": (1, 10**7),
    "cpus_per_task": (1, 4096),
    "tasks_per_node": (1, 4096),
    "nodes": (1, 10**5),
    "mem_gb": (1, 10**6),
    "gpus_per_node": (0, 1024),
    "array_parallelism": (1, 10**6),
    "max_num_timeout": (0, 10**4),
    "signal_delay_s": (0, 10**6),
}


def check_launcher(cfg: DictConfig) -> None:
    """Counts of the chosen launcher (``hydra.launcher.*``) must be sensible integers."""
    launcher = OmegaConf.select(cfg, "hydra.launcher")
    if not isinstance(launcher, DictConfig):
        return
    for name, (lo, hi) in LAUNCHER_COUNTS.items():
        if name in launcher and launcher._get_node(name)._value() is not None:
            get_int(cfg, f"hydra.launcher.{name}", lo=lo, hi=hi)
    n_jobs = launcher.get("n_jobs") if "n_jobs" in launcher else None
    if n_jobs is not None and (get_int(cfg, "hydra.launcher.n_jobs", lo=-4096, hi=4096) == 0):
        raise ConfigError("hydra.launcher.n_jobs", 0, "an integer >= 1, or -1 (one per core)")


class JobConfigs:
    """The config of each job of a sweep, composed once per combination of group choices.

    Hydra composes a job from its group choices (``experiment=``, ``hydra/launcher=``, ...)
    and then applies its value overrides in order (``ConfigLoaderImpl``); here the composed
    config is copied and the values applied to the copy with Hydra's own function
    (:func:`hopsim._hydra_adapter.apply_overrides`). The
    ``hydra`` node (most of the config) is copied and checked once per combination of group
    choices and ``hydra.*`` values; a job's copy holds the rest. :meth:`get` returns
    ``None`` when this is not possible (the group choices cannot be composed, a value cannot
    be applied): the caller composes that job instead, which names the culprit.
    """

    def __init__(self) -> None:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        self._parser = OverridesParser.create()
        self._bases: dict[tuple[str, ...], DictConfig | None] = {}
        self._hydra: dict[tuple[tuple[str, ...], tuple[str, ...]], str | None] = {}
        self._full: dict[tuple[str, ...], DictConfig] = {}
        self._parsed: dict[str, object] = {}

    def get(self, job: list[str]) -> DictConfig | None:
        """The job's config without its ``hydra`` node (whose checks passed), or None."""
        structural = tuple(o for o in job if is_structural(o))
        values = [o for o in job if not is_structural(o)]
        on_hydra = tuple(o for o in values if override_key(o).split(".")[0] == "hydra")
        base = self._base(structural)
        if base is None or self._check_hydra(structural, on_hydra) == "compose":
            return None
        cfg = copy.deepcopy(base)
        try:
            self._apply([o for o in values if o not in on_hydra], cfg)
        except Exception:
            return None
        return cfg

    def _base(self, structural: tuple[str, ...]) -> DictConfig | None:
        """The config composed from ``structural`` without its hydra node (None: it fails)."""
        if structural not in self._bases:
            try:
                full = compose(list(structural), hydra_config=True)
            except Exception:
                self._bases[structural] = None
            else:
                self._full[structural] = full
                cfg = copy.deepcopy(full)
                with open_dict(cfg):
                    del cfg["hydra"]
                self._bases[structural] = cfg
        return self._bases[structural]

    def _check_hydra(self, structural: tuple[str, ...], on_hydra: tuple[str, ...]) -> None | str:
        """Apply ``on_hydra`` to a copy of the composed config and check its launcher, once
        for each combination; ``"compose"`` when the job must be composed instead."""
        key = (structural, on_hydra)
        if key not in self._hydra:
            cfg = copy.deepcopy(self._full[structural])
            try:
                self._apply(list(on_hydra), cfg)
                launcher = OmegaConf.select(cfg, "hydra.launcher")
                if isinstance(launcher, DictConfig) and any(
                    name in launcher and OmegaConf.is_interpolation(launcher, name)
                    for name in LAUNCHER_COUNTS
                ):
                    self._hydra[key] = "compose"  # a count may depend on the job's values
                else:
                    check_launcher(cfg)
                    override_checks.check_sweep_subdir(cfg)
                    self._hydra[key] = None
            except ConfigError as exc:
                self._hydra[key] = str(exc)
            except Exception:
                self._hydra[key] = "compose"
        problem = self._hydra[key]
        if problem not in (None, "compose"):
            raise Refused(problem)
        return problem

    def _apply(self, overrides: list[str], cfg: DictConfig) -> None:
        """Apply value ``overrides`` to ``cfg`` in place, as Hydra applies them."""
        _hydra_adapter.apply_overrides([self._parse(o) for o in overrides], cfg)

    def _parse(self, override: str):
        """Hydra's parse of ``override``, once per text."""
        if override not in self._parsed:
            self._parsed[override] = self._parser.parse_override(override)
        return self._parsed[override]


def composed(job: list[str], changed: str | None) -> DictConfig:
    """Compose ``job`` as Hydra does and check its ``hydra`` node, which is removed; a
    composition error is refused naming the override that causes it."""
    try:
        cfg = compose(job, hydra_config=True)
    except Exception as exc:
        culprit = find_culprit(job) or changed
        raise Refused(explain_composition_error(exc, culprit, group_choices(job))) from None
    try:
        check_launcher(cfg)
        override_checks.check_sweep_subdir(cfg)
    except ConfigError as exc:
        raise Refused(str(exc)) from None
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg
