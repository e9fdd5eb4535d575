"""The ``hopsim`` command: compose -> validate -> run -> save.

``main()`` first composes and validates the config of every job of a sweep (a
*preflight*; :func:`preflight`), so an impossible value or combination of values
stops the command with one line on stderr and exit status 2 before any job starts
or any file is written.
It then hands over to the Hydra app, which runs one job or a multirun.
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import os
import random
import sys
import time
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

import hydra
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict

from hopsim import callbacks, experiments
from hopsim.config import MAX_INT, ConfigError, check_numbers, get_choice, get_int, to_yaml
from hopsim.io import (
    ERROR_NAME,
    RESULT_NAME,
    clean_stale_temporaries,
    job_finished,
    provenance_attrs,
    save_dataset,
    write_text_atomic,
)
from hopsim.parallel import configure_threads, threads_for_params
from hopsim.rng import SeedTree

CONFIG_MODULE = "hopsim.conf"
EXIT_CONFIG = 2
_OPTIONS_WITH_VALUE = {"-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir"}
_NO_PREFLIGHT = {"-h", "--help", "--hydra-help", "--info", "-i", "--shell-completion", "-sc"}


def validate_common(cfg: DictConfig) -> None:
    """Keys every experiment has (seed, progress, resume, threads), and every number.

    No number anywhere in the config may be NaN, inf or out of range
    (:func:`hopsim.config.check_numbers`), and keys that another key takes precedence over
    are validated too (:func:`hopsim.experiments._discrete_checks.check_shadowed_keys`).
    The seed must fit numpy's SeedSequence and a netCDF int64 attribute.
    """
    from hopsim.experiments._discrete_checks import check_shadowed_keys

    get_int(cfg, "seed", lo=0, hi=MAX_INT)
    get_choice(cfg, "progress", ["auto", "on", "off"])
    if not isinstance(cfg.get("resume"), bool):
        raise ConfigError("resume", cfg.get("resume"), "true or false")
    if cfg.get("threads") != "auto":
        get_int(cfg, "threads", lo=1, hi=4096)
    check_numbers(cfg)
    check_shadowed_keys(cfg)


def validate(cfg: DictConfig) -> None:
    """Validate a composed config: common keys, then the experiment's own."""
    validate_common(cfg)
    experiments.prepare(experiments.load(str(cfg.experiment)), cfg)


def _show_progress(cfg: DictConfig) -> bool:
    if cfg.progress == "on":
        return True
    if cfg.progress == "off":
        return False
    multirun = HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN
    return not multirun and sys.stderr.isatty()


#: Keys that change how a job runs but not what it computes.
RUN_ONLY_KEYS = ("resume", "progress", "threads")


def identity_yaml(config_yaml: str) -> str:
    """The resolved config without run-only keys: what resume compares."""
    cfg = OmegaConf.create(config_yaml)
    for key in RUN_ONLY_KEYS:
        cfg.pop(key, None)
    return OmegaConf.to_yaml(cfg)


def _same_config(path: Path, config_yaml: str) -> bool:
    """Does the result at ``path`` come from the same resolved config (run-only keys aside)?"""
    from hopsim.io import DatasetError, load_dataset

    try:
        stored = load_dataset(path).attrs.get("config", "")
    except DatasetError:
        return False
    return identity_yaml(stored) == identity_yaml(config_yaml)


def run_job(cfg: DictConfig, output_dir: Path, overrides: list[str]) -> Path:
    """Validate, run and save one job; return the result path."""
    validate_common(cfg)
    module = experiments.load(str(cfg.experiment))
    params = experiments.prepare(module, cfg)  # the preflight's, when it ran in this process
    config_yaml = to_yaml(cfg)
    result_path = output_dir / RESULT_NAME
    clean_stale_temporaries(output_dir)
    if cfg.resume and job_finished(output_dir) and _same_config(result_path, config_yaml):
        print(f"hopsim: {result_path} exists with the same config; skipped (resume=true)")
        return result_path
    # A new attempt: the outcome of an earlier one in this folder no longer stands.
    for name in (RESULT_NAME, ERROR_NAME, SUMMARY_NAME):
        try:
            (output_dir / name).unlink(missing_ok=True)
        except OSError as exc:
            raise ResultWriteError(f"cannot replace {output_dir / name}: {exc.strerror}") from None
    launcher = None
    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        launcher = HydraConfig.get().launcher
    configure_threads(threads_for_params(params, cfg.get("threads", "auto"), launcher))
    started = time.perf_counter()
    ds = module.run(params, SeedTree(int(cfg.seed)), progress=_show_progress(cfg))
    ds.attrs.update(provenance_attrs(str(cfg.experiment), int(cfg.seed), config_yaml, overrides))
    ds.attrs["wall_time_s"] = round(time.perf_counter() - started, 3)
    summary = module.summary(ds)
    ds.attrs["summary"] = summary
    # result.nc is written last: it exists only if everything the job does succeeded
    summary_path = output_dir / SUMMARY_NAME
    try:
        write_text_atomic(summary_path, summary + "\n")
    except OSError as exc:
        raise ResultWriteError(f"cannot write {summary_path}: {exc.strerror or exc}") from None
    try:
        save_dataset(ds, result_path)
    except OSError as exc:
        raise ResultWriteError(f"cannot write {result_path}: {exc.strerror or exc}") from None
    print(f"{summary} [{ds.attrs['wall_time_s']:.2f} s] Wrote {result_path}")
    return result_path


#: The paragraph a job prints, written beside its result.nc (and kept as the attr ``summary``).
SUMMARY_NAME = "summary.txt"


class ResultWriteError(RuntimeError):
    """The result file could not be written (a full disk, a folder made read-only)."""


@hydra.main(config_path="pkg://hopsim.conf", config_name="config", version_base="1.3")
def _hydra_app(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    output_dir = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    if hc.mode != RunMode.MULTIRUN:
        try:
            run_job(cfg, output_dir, overrides)
        except ResultWriteError as exc:
            callbacks.fail(str(exc))
        return
    # In a sweep a failing job must not stop the others: record it and go on.
    # The merge callback marks it NaN and lists it; the command then exits non-zero.
    problem = callbacks.redirected_job(output_dir)
    try:
        if problem:
            raise ResultWriteError(f"cannot write its folder: {problem}")
        run_job(cfg, output_dir, overrides)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none is hidden
        try:
            (output_dir / ERROR_NAME).write_text(traceback.format_exc())
        except OSError:
            pass  # the folder cannot be written: the missing result.nc marks the failure
        print(f"hopsim: job {hc.job.num} failed: {type(exc).__name__}: {exc}", file=sys.stderr)


# --------------------------------------------------------------------------- preflight


def _split_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """Return (options, overrides) from the command line."""
    options, overrides, skip = [], [], False
    for arg in argv:
        if skip:
            options.append(arg)
            skip = False
        elif arg in _OPTIONS_WITH_VALUE:
            options.append(arg)
            skip = True
        elif arg.startswith("-"):
            options.append(arg)
        else:
            overrides.append(arg)
    return options, overrides


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return " ".join(lines)


def _compose(overrides: list[str], hydra_config: bool = False) -> DictConfig:
    """Compose the config for ``overrides`` (with the ``hydra`` node when ``hydra_config``)."""
    from hydra import compose, initialize_config_module

    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            return compose(
                config_name="config", overrides=overrides, return_hydra_config=hydra_config
            )
    finally:
        GlobalHydra.instance().clear()


def _override_key(override: str) -> str:
    """``+network.N=3`` -> ``network.N``; ``hydra/launcher=slurm`` -> ``hydra/launcher``."""
    return override.split("=", 1)[0].lstrip("+~")


def _is_group_override(override: str) -> bool:
    """Does ``override`` choose a config group option (``experiment=ising``, ``a/b=c``)?"""
    from importlib import resources

    key = _override_key(override)
    if "." in key or "=" not in override:
        return False
    if "/" in key:
        return True
    return (resources.files(CONFIG_MODULE) / key).is_dir()


def _context(overrides: list[str]) -> list[str]:
    """The group choices among ``overrides`` (without additions ``+group=...``)."""
    return [o for o in overrides if _is_group_override(o) and not o.startswith(("+", "~"))]


def _unknown_key(override: str, full_key: str, context: list[str]) -> str:
    """``<override> is not allowed: unknown key; keys at '<parent>': ...`` (deepest parent
    of ``full_key`` that exists in the config composed from ``context``)."""
    hydra_node = full_key.split(".")[0] == "hydra"
    try:
        base = _compose(context, hydra_config=hydra_node)
    except Exception:  # noqa: BLE001 - the suggestion is a courtesy
        base = None
    parent = full_key.rsplit(".", 1)[0] if "." in full_key else ""
    while parent and not isinstance(OmegaConf.select(base, parent) if base else None, DictConfig):
        parent = parent.rsplit(".", 1)[0] if "." in parent else ""
    node = OmegaConf.select(base, parent) if parent and base is not None else base
    keys = ", ".join(sorted(str(k) for k in node.keys())) if isinstance(node, DictConfig) else "?"
    where = f"'{parent}'" if parent else "the top level"
    return f"{override} is not allowed: unknown key; keys at {where}: {keys}"


def _explain_composition_error(
    exc: Exception, override: str | None, context: list[str] | None = None
) -> str:
    """Turn Hydra's multi-line composition errors into one line naming ``override``."""
    from hydra.errors import MissingConfigException
    from omegaconf.errors import ValidationError

    context = [] if context is None else [c for c in context if c != override]
    cause = exc.__cause__ or exc
    if isinstance(exc, MissingConfigException) and override:
        group = _override_key(override)
        options = getattr(exc, "options", None) or []
        allowed = "one of " + ", ".join(options) if options else "an existing config"
        value = override.split("=", 1)[1] if "=" in override else ""
        return f"{group}={value!r} is not allowed: expected {allowed}"
    full_key = getattr(cause, "full_key", None)
    if override and isinstance(cause, ValidationError):
        reason = (str(cause).strip().splitlines() or ["a value of the wrong type"])[0]
        return f"{override} is not allowed: {reason}"
    if override and not full_key and "Could not override" in str(exc):
        full_key = _override_key(override)
    if full_key and override:
        return _unknown_key(override, str(full_key), context)
    text = _one_line(exc)
    if override and not text.startswith(override):
        text = f"{override} is not allowed: {text}"
    return text


def _sweep_values(overrides: list[str]) -> list[list[str]]:
    """For each override, the overrides of its values (one for a plain override)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    choices = []
    for text, ov in zip(overrides, parsed, strict=True):
        prefix = text.split("=", 1)[0]
        if ov.is_sweep_override():
            try:
                values = [f"{prefix}={v}" for v in ov.sweep_string_iterator()]
            except Exception:  # noqa: BLE001 - a glob over a group: expand it on its options
                values = [f"{prefix}={v}" for v in _glob_options(text, ov)] or [text]
            choices.append(values)
        else:
            choices.append([text])
    return choices


def sweep_size(overrides: list[str]) -> int | None:
    """How many jobs Hydra's basic sweeper makes of ``overrides``, or None if unknown.

    The product over keys of each key's number of values; a key given again counts once,
    with its last value (as the sweeper does).
    """
    try:
        choices = _sweep_values(overrides)
    except Exception:  # noqa: BLE001 - the progress display only goes without its total
        return None
    keys = [text.split("=", 1)[0] for text in overrides]
    counts = {key: len(values) for key, values in zip(keys, choices, strict=True)}
    return math.prod(counts.values())


#: A sweep of at most this many jobs has every job checked by the preflight. A larger one has
#: its first job and every value of every swept key (one at a time) checked, and then this
#: many of its other jobs, the same ones on every run (a sample seeded by the job count).
PREFLIGHT_MAX_JOBS = 2000


def _job_indices(counts: list[int], limit: int = PREFLIGHT_MAX_JOBS) -> Iterator[tuple[int, ...]]:
    """Which jobs of the grid ``counts`` (values per override) to check, and in what order.

    A job is the tuple of its value indices, numbered as Hydra's basic sweeper numbers the
    jobs (the last override varies fastest). First the first job, then each value of each
    sweep with the others at their first value (a value that is wrong alone is found, and
    named as in a single run, after a handful of checks), then every other job, or
    ``limit`` of them.
    """
    first = (0,) * len(counts)
    yield first
    seen = {first}
    for i, count in enumerate(counts):
        for k in range(1, count):
            job = first[:i] + (k,) + first[i + 1 :]
            seen.add(job)
            yield job
    total = math.prod(counts)
    if total <= limit:
        numbers: Iterable[int] = range(total)
    else:
        numbers = sorted(random.Random(total).sample(range(total), limit))
    for number in numbers:
        job = []
        for count in reversed(counts):
            number, k = divmod(number, count)
            job.append(k)
        job = tuple(reversed(job))
        if job not in seen:
            yield job


def _glob_options(text: str, override) -> list[str]:
    """The options of a hopsim config group that ``group=glob(...)`` selects."""
    from importlib import resources

    folder = resources.files(CONFIG_MODULE) / _override_key(text)
    try:
        names = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
        return list(override.value().filter(names))
    except Exception:  # noqa: BLE001 - not a hopsim group (e.g. hydra/...): compose as given
        return []


#: Launcher keys that count something: (smallest value, largest value); null is allowed.
_LAUNCHER_COUNTS = {
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


def _check_launcher(cfg: DictConfig) -> None:
    """Counts of the chosen launcher (``hydra.launcher.*``) must be sensible integers."""
    launcher = OmegaConf.select(cfg, "hydra.launcher")
    if not isinstance(launcher, DictConfig):
        return
    for name, (lo, hi) in _LAUNCHER_COUNTS.items():
        if name in launcher and launcher._get_node(name)._value() is not None:
            get_int(cfg, f"hydra.launcher.{name}", lo=lo, hi=hi)
    n_jobs = launcher.get("n_jobs") if "n_jobs" in launcher else None
    if n_jobs is not None and (get_int(cfg, "hydra.launcher.n_jobs", lo=-4096, hi=4096) == 0):
        raise ConfigError("hydra.launcher.n_jobs", 0, "an integer >= 1, or -1 (one per core)")


def _check_command_line(options: list[str], overrides: list[str]) -> None:
    """Refuse what the preflight cannot check: another primary config, a sweep without -m,
    and ``~key`` deletions of keys the experiment reads."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    for option in options:
        name = option.split("=", 1)[0]
        if name in _OPTIONS_WITH_VALUE:
            _fail(
                f"{name} is not allowed: hopsim composes its own config (conf/config.yaml); "
                "choose an experiment with experiment=NAME"
            )
    multirun = "-m" in options or "--multirun" in options or "hydra.mode=MULTIRUN" in overrides
    parsed = OverridesParser.create().parse_overrides(overrides)
    for text, ov in zip(overrides, parsed, strict=True):
        if ov.is_sweep_override() and not multirun:
            _fail(
                f"{text} is not allowed: several values are a sweep and need -m (--multirun); "
                "a list is written key=[a,b]"
            )
        if text.startswith("~") and not _override_key(text).startswith("hydra"):
            _fail(
                f"{text} is not allowed: every key the experiment reads must be set; "
                f"give it a value with {_override_key(text)}=VALUE"
            )
    # a swept key given again later would make the sweep grid ambiguous (the merge cannot
    # place the jobs): refuse it before any job runs
    swept: dict[str, str] = {}
    for text, ov in zip(overrides, parsed, strict=True):
        key = _override_key(text)
        if key in swept:
            _fail(
                f"{text} is not allowed: {key} is already swept by {swept[key]}; "
                "give each swept key once"
            )
        if ov.is_sweep_override():
            swept[key] = text


def _leaf_keys(node, prefix: str = "") -> set[str]:
    """Dotted paths of every non-dict value (lists are values) of a config."""
    out = set()
    for name in node.keys() if isinstance(node, DictConfig) else ():
        key = f"{prefix}.{name}" if prefix else str(name)
        child = node._get_node(name)
        if isinstance(child, DictConfig) and not child._is_none():
            out |= _leaf_keys(child, key) or {key}
        else:
            out.add(key)
    return out


def _check_resolvable(cfg: DictConfig) -> None:
    """Refuse an interpolation that cannot be resolved, naming its key."""
    from omegaconf.errors import OmegaConfBaseException

    try:
        OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException as exc:
        key = str(getattr(exc, "full_key", None) or "config")
        raw = OmegaConf.to_container(cfg, resolve=False)
        for part in key.split("."):
            raw = raw.get(part, "?") if isinstance(raw, dict) else raw
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _Refused(f"{key}={raw} is not allowed: {reason}") from None


def _check_additions(cfg: DictConfig, variant: list[str]) -> None:
    """Refuse keys added by ``+key=``/``++key=``/``+group=`` that the experiment does not read.

    The experiment reads the keys of its own composition (the group choices of ``variant``
    alone); anything beyond them would be silently ignored.
    """
    additions = [o for o in variant if o.startswith("+")]
    additions = [o for o in additions if not _override_key(o).startswith("hydra")]
    if not additions:
        return
    context = _context(variant)
    extra = sorted(_leaf_keys(cfg) - _leaf_keys(_compose_cached(tuple(context))))
    if not extra:
        return
    for override in additions:
        key = _override_key(override).replace("/", ".")
        named = [k for k in extra if k == key or k.startswith(key + ".")]
        if named:
            raise _Refused(_unknown_key(override, named[0], context))
    raise _Refused(_unknown_key(additions[0], extra[0], context))


@functools.lru_cache(maxsize=64)
def _compose_cached(overrides: tuple[str, ...]) -> DictConfig:
    """:func:`_compose` of ``overrides`` (no hydra node), once: the config files stay put."""
    return _compose(list(overrides))


class _Refused(Exception):
    """One job's config is refused; ``str()`` is the one-line reason."""


@functools.lru_cache(maxsize=4096)
def _is_structural(override: str) -> bool:
    """Must ``override`` take part in composing (a group choice, a deletion, a package)?

    The others are values, which Hydra applies to the composed config in order.
    """
    key = override.split("=", 1)[0]
    return _is_group_override(override) or key.startswith("~") or "@" in key


class _JobConfigs:
    """The config of each job of a sweep, composed once per combination of group choices.

    Hydra composes a job from its group choices (``experiment=``, ``hydra/launcher=``, ...)
    and then applies its value overrides in order (``ConfigLoaderImpl``); here the composed
    config is copied and the values applied to the copy with Hydra's own function. The
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
        structural = tuple(o for o in job if _is_structural(o))
        values = [o for o in job if not _is_structural(o)]
        on_hydra = tuple(o for o in values if _override_key(o).split(".")[0] == "hydra")
        base = self._base(structural)
        if base is None or self._check_hydra(structural, on_hydra) == "compose":
            return None
        cfg = copy.deepcopy(base)
        try:
            self._apply([o for o in values if o not in on_hydra], cfg)
        except Exception:  # noqa: BLE001 - composed instead, for the message
            return None
        return cfg

    def _base(self, structural: tuple[str, ...]) -> DictConfig | None:
        """The config composed from ``structural`` without its hydra node (None: it fails)."""
        if structural not in self._bases:
            try:
                full = _compose(list(structural), hydra_config=True)
            except Exception:  # noqa: BLE001 - composed again with the values, for the message
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
                    for name in _LAUNCHER_COUNTS
                ):
                    self._hydra[key] = "compose"  # a count may depend on the job's values
                else:
                    _check_launcher(cfg)
                    self._hydra[key] = None
            except ConfigError as exc:
                self._hydra[key] = str(exc)
            except Exception:  # noqa: BLE001 - composed instead, for the message
                self._hydra[key] = "compose"
        problem = self._hydra[key]
        if problem not in (None, "compose"):
            raise _Refused(problem)
        return problem

    def _apply(self, overrides: list[str], cfg: DictConfig) -> None:
        from hydra._internal.config_loader_impl import ConfigLoaderImpl

        ConfigLoaderImpl._apply_overrides_to_config([self._parse(o) for o in overrides], cfg)

    def _parse(self, override: str):
        if override not in self._parsed:
            self._parsed[override] = self._parser.parse_override(override)
        return self._parsed[override]


def _composed(job: list[str], changed: str | None) -> DictConfig:
    """Compose ``job`` as Hydra does and check its ``hydra`` node, which is removed; a
    composition error is refused naming the override that causes it."""
    try:
        cfg = _compose(job, hydra_config=True)
    except Exception as exc:  # noqa: BLE001 - Hydra's and omegaconf's errors alike
        culprit = _find_culprit(job) or changed
        raise _Refused(_explain_composition_error(exc, culprit, _context(job))) from None
    try:
        _check_launcher(cfg)
    except ConfigError as exc:
        raise _Refused(str(exc)) from None
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


def _check_job(cfg: DictConfig, job: list[str]) -> None:
    """The checks of one job's config (without its ``hydra`` node)."""
    _check_resolvable(cfg)
    _check_additions(cfg, job)
    try:
        validate(cfg)
    except ConfigError as exc:
        raise _Refused(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - e.g. an interpolation that cannot resolve
        raise _Refused(_one_line(f"{type(exc).__name__}: {exc}")) from None


def _job_message(message: str, job: list[str], swept: list[str], changed: list[str]) -> str:
    """``job a=1 b=2: <message>``: the refused job of a sweep, named by its swept values.

    Not when the message begins with the override to blame alone: one of the first job's
    (``changed`` empty), or the one value that differs from the first job.
    """
    alone = changed or job
    if not swept or (len(changed) <= 1 and any(message.startswith(f"{o} ") for o in alone)):
        return message
    return f"job {' '.join(swept)}: {message}"


def preflight(argv: list[str]) -> None:
    """Compose and validate every job of the command; exit 2 on the first refused one.

    A sweep's jobs are checked in the order of :func:`_job_indices` (all of them up to
    :data:`PREFLIGHT_MAX_JOBS`). ``hydra.*`` overrides and launcher choices are composed
    too (with the hydra node), a ``+key=`` addition the experiment does not read is
    refused, and a composition error names the override that causes it in the context of
    the command's group choices. In a sweep the line names the refused job's swept values.
    """
    from hydra.errors import OverrideParseException

    options, overrides = _split_argv(argv)
    try:
        _check_command_line(options, overrides)
        choices = _sweep_values(overrides)
    except OverrideParseException as exc:
        _fail(_one_line(exc))
    configs = _JobConfigs()
    first = [values[0] for values in choices]
    for indices in _job_indices([len(values) for values in choices]):
        job = [values[k] for values, k in zip(choices, indices, strict=True)]
        swept = [o for o, values in zip(job, choices, strict=True) if len(values) > 1]
        changed = [o for o, f in zip(job, first, strict=True) if o != f]
        try:
            # the first job is composed (a single run is checked exactly as Hydra runs it)
            cfg = configs.get(job) if changed else None
            if cfg is None:
                cfg = _composed(job, changed[0] if len(changed) == 1 else None)
            _check_job(cfg, job)
        except _Refused as exc:
            _fail(_job_message(str(exc), job, swept, changed))


def _find_culprit(overrides: list[str]) -> str | None:
    """The override that cannot be composed in the context of the others' group choices.

    Group choices (``experiment=``, ``hydra/launcher=``, ...) are added one by one first;
    then each other override is tried on top of all of them.
    """
    context: list[str] = []
    for override in _context(overrides):
        try:
            _compose([*context, override], hydra_config=True)
        except Exception:  # noqa: BLE001
            return override
        context.append(override)
    for override in overrides:
        if override in context:
            continue
        try:
            _compose([*context, override], hydra_config=True)
        except Exception:  # noqa: BLE001
            return override
    return None


def _fail(message: str) -> None:
    print(f"hopsim: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)


def main() -> None:
    """Entry point of the ``hopsim`` console script and ``python -m hopsim``."""
    argv = sys.argv[1:]
    try:
        if not _NO_PREFLIGHT.intersection(argv) and not any(a.startswith("--cfg") for a in argv):
            preflight(argv)
            GlobalHydra.instance().clear()
        os.environ.setdefault("HYDRA_FULL_ERROR", "0")
        _hydra_app()
    except KeyboardInterrupt:
        print(callbacks.interrupted_message(), file=sys.stderr)
        # Exit at once: a second KeyboardInterrupt raised while the interpreter shuts down
        # (numba and BLAS threads, finalizers) would end the process by SIGINT instead.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    if callbacks.STATE["failed"]:  # a callback's failure that Hydra only warned about
        raise SystemExit(1)


if __name__ == "__main__":
    main()
