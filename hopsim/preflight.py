"""The preflight: compose and check every job of a command before any job runs.

:func:`preflight` stops the command with one line on stderr and exit status 2 at the
first refused job (an impossible value or combination of values, a run too large or too
long for this machine: :func:`check_cost`), before any file is written. It returns what it
checked (:class:`Checked`): each job's estimated cost, for ``plan=true``, the notice of a
run allowed past the time limit and a SLURM job's memory request (:mod:`hopsim.plan`).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from types import ModuleType

from omegaconf import DictConfig, OmegaConf

from hopsim import experiments, override_checks, plan
from hopsim.composition import (
    JobConfigs,
    Refused,
    compose,
    compose_cached,
    composed,
    group_choices,
    is_group_override,
    one_line,
    unknown_key,
)
from hopsim.config import MAX_INT, ConfigError, check_numbers, get_bool, get_choice, get_int
from hopsim.resources import Estimate, ResourceError
from hopsim.sweeps import PREFLIGHT_MAX_JOBS, job_indices, override_key, sweep_values

EXIT_CONFIG = 2
#: Keys that say how the command goes, not what a job computes: one value per command.
COMMAND_KEYS = ("allow_long", "plan")
OPTIONS_WITH_VALUE = {"-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir"}


def validate_common(cfg: DictConfig) -> None:
    """Keys every experiment has (seed, progress, resume, threads, allow_long, plan), and
    every number.

    No number anywhere in the config may be NaN, inf or out of range
    (:func:`hopsim.config.check_numbers`), and keys that another key takes precedence over
    are validated too (:func:`hopsim.experiments._discrete_checks.check_shadowed_keys`).
    The seed must fit numpy's SeedSequence and a netCDF int64 attribute.
    """
    from hopsim.experiments._discrete_checks import check_saved_network_key, check_shadowed_keys

    get_int(cfg, "seed", lo=0, hi=MAX_INT)
    get_choice(cfg, "progress", ["auto", "on", "off"])
    if not isinstance(cfg.get("resume"), bool):
        raise ConfigError("resume", cfg.get("resume"), "true or false")
    get_bool(cfg, "allow_long")
    get_bool(cfg, "plan")
    if cfg.get("threads") != "auto":
        get_int(cfg, "threads", lo=1, hi=4096)
    check_numbers(cfg)
    check_shadowed_keys(cfg)
    check_saved_network_key(cfg)


def validate(cfg: DictConfig) -> None:
    """Validate a composed config: common keys, then the experiment's own."""
    validate_common(cfg)
    experiments.prepare(experiments.load(str(cfg.experiment)), cfg)


def split_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """Return (options, overrides) from the command line."""
    options, overrides, skip = [], [], False
    for arg in argv:
        if skip:
            options.append(arg)
            skip = False
        elif arg in OPTIONS_WITH_VALUE:
            options.append(arg)
            skip = True
        elif arg.startswith("-"):
            options.append(arg)
        else:
            overrides.append(arg)
    return options, overrides


def _check_command_line(options: list[str], overrides: list[str]) -> None:
    """Refuse what the preflight cannot check: another primary config, a sweep without -m,
    and ``~key`` deletions of keys the experiment reads."""

    for option in options:
        name = option.split("=", 1)[0]
        if name in OPTIONS_WITH_VALUE:
            fail(
                f"{name} is not allowed: hopsim composes its own config (conf/config.yaml); "
                "choose an experiment with experiment=NAME"
            )
    multirun = "-m" in options or "--multirun" in options or "hydra.mode=MULTIRUN" in overrides
    try:
        parsed = override_checks.parse_each(overrides)
        for text, ov in zip(overrides, parsed, strict=True):
            override_checks.check_sweep_values(text, ov)
    except override_checks.Refused as exc:
        fail(str(exc))
    for text, ov in zip(overrides, parsed, strict=True):
        if ov.is_sweep_override() and not multirun:
            fail(
                f"{text} is not allowed: several values are a sweep and need -m (--multirun); "
                "a list is written key=[a,b]"
            )
        if text.startswith("~") and not override_key(text).startswith("hydra"):
            fail(
                f"{text} is not allowed: every key the experiment reads must be set; "
                f"give it a value with {override_key(text)}=VALUE"
            )
        if ov.is_sweep_override() and override_key(text) in COMMAND_KEYS:
            fail(
                f"{text} is not allowed: {override_key(text)} holds for the whole command; "
                "give it one value, true or false"
            )
    # a swept key given again later would make the sweep grid ambiguous (the merge cannot
    # place the jobs): refuse it before any job runs
    swept: dict[str, str] = {}
    for text, ov in zip(overrides, parsed, strict=True):
        key = override_key(text)
        if key in swept:
            fail(
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


def check_resolvable(cfg: DictConfig) -> None:
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
        raise Refused(f"{key}={raw} is not allowed: {reason}") from None


def check_additions(cfg: DictConfig, variant: list[str]) -> None:
    """Refuse keys added by ``+key=``/``++key=``/``+group=`` that the experiment does not read.

    The experiment reads the keys of its own composition (the group choices of ``variant``
    alone); anything beyond them would be silently ignored.
    """
    additions = [o for o in variant if o.startswith("+")]
    additions = [o for o in additions if not override_key(o).startswith("hydra")]
    if not additions:
        return
    context = group_choices(variant)
    extra = sorted(_leaf_keys(cfg) - _leaf_keys(compose_cached(tuple(context))))
    if not extra:
        return
    for override in additions:
        key = override_key(override).replace("/", ".")
        named = [k for k in extra if k == key or k.startswith(key + ".")]
        if named:
            raise Refused(unknown_key(override, named[0], context))
    raise Refused(unknown_key(additions[0], extra[0], context))


def given_keys(overrides: list[str]) -> list[str]:
    """The config keys the user set among ``overrides``: values, without ``+``/``++`` and
    without group choices (``experiment=``) or ``hydra.*`` keys."""
    keys = [override_key(o) for o in overrides if "=" in o and not is_group_override(o)]
    return [k for k in keys if k.split(".")[0] != "hydra"]


def check_cost(module: ModuleType, params, cfg: DictConfig, overrides: list[str]) -> Estimate:
    """The job's estimate, refused (:class:`hopsim.resources.ResourceError`) when it needs
    more memory than this machine has, or more than a day unless ``allow_long=true``.

    The refusal names the first key the cost grows with that ``overrides`` set
    (:func:`given_keys`); the preflight and the job itself (:func:`hopsim.cli.run_job`)
    call this one function, so a job refuses with the preflight's line.
    """
    given = given_keys(overrides)
    return experiments.check_estimate(module, params, given, get_bool(cfg, "allow_long"))


def check_job(cfg: DictConfig, job: list[str]) -> tuple[Estimate, bool, str | None]:
    """The checks of one job's config (without its ``hydra`` node).

    Returns its estimate, whether its experiment estimates its cost, and (with
    ``plan=true``, which lists the jobs instead of refusing them) why its cost would be
    refused, or None.
    """
    check_resolvable(cfg)
    check_additions(cfg, job)
    try:
        validate_common(cfg)
        module = experiments.load(str(cfg.experiment))
        params = experiments.prepare(module, cfg)
        estimated = hasattr(module, "estimate")
        try:
            return check_cost(module, params, cfg, job), estimated, None
        except ResourceError as exc:
            if not get_bool(cfg, "plan"):
                raise
            return experiments.estimate(module, params), estimated, str(exc)
    except ConfigError as exc:
        raise Refused(str(exc)) from None
    except Exception as exc:
        raise Refused(one_line(f"{type(exc).__name__}: {exc}")) from None


def _job_message(message: str, job: list[str], swept: list[str], changed: list[str]) -> str:
    """``job a=1 b=2: <message>``: the refused job of a sweep, named by its swept values.

    Not when the message begins with the override to blame alone: one of the first job's
    (``changed`` empty), or the one value that differs from the first job.
    """
    alone = changed or job
    if not swept or (len(changed) <= 1 and any(message.startswith(f"{o} ") for o in alone)):
        return message
    return f"job {' '.join(swept)}: {message}"


@dataclass
class Checked:
    """What the preflight checked: the jobs (all, or the sample of a larger sweep), the
    number of jobs of the sweep, the command's ``plan`` and ``allow_long``, and overrides
    of the launcher it computed (``hydra.launcher.mem_gb`` for SLURM)."""

    jobs: list[plan.JobPlan] = field(default_factory=list)
    total: int = 1
    plan: bool = False
    allow_long: bool = False
    hydra_overrides: list[str] = field(default_factory=list)


def preflight(argv: list[str]) -> Checked:
    """Compose and validate every job of the command; exit 2 on the first refused one.

    A sweep's jobs are checked in the order of :func:`job_indices` (all of them up to
    :data:`PREFLIGHT_MAX_JOBS`). ``hydra.*`` overrides and launcher choices are composed
    too (with the hydra node), a ``+key=`` addition the experiment does not read is
    refused, and a composition error names the override that causes it in the context of
    the command's group choices. In a sweep the line names the refused job's swept values.
    Each job's cost is checked (:func:`check_cost`); with ``plan=true`` a job too long or
    too large is listed with its refusal instead (:func:`hopsim.plan.plan_lines`).
    """
    from hydra.errors import OverrideParseException

    options, overrides = split_argv(argv)
    try:
        _check_command_line(options, overrides)
        choices = sweep_values(overrides)
    except OverrideParseException as exc:
        fail(one_line(exc))
    checked = Checked(total=math.prod(len(values) for values in choices))
    configs = JobConfigs()
    first = [values[0] for values in choices]
    counts = [len(values) for values in choices]
    for indices in job_indices(counts):
        job = [values[k] for values, k in zip(choices, indices, strict=True)]
        swept = [o for o, values in zip(job, choices, strict=True) if len(values) > 1]
        changed = [o for o, f in zip(job, first, strict=True) if o != f]
        try:
            # the first job is composed (a single run is checked exactly as Hydra runs it)
            cfg = configs.get(job) if changed else None
            if cfg is None:
                cfg = composed(job, changed[0] if len(changed) == 1 else None)
            cost, estimated, refusal = check_job(cfg, job)
        except Refused as exc:
            fail(_job_message(str(exc), job, swept, changed))
        if not checked.jobs:
            checked.plan, checked.allow_long = bool(cfg.plan), bool(cfg.allow_long)
            if checked.plan and checked.total > PREFLIGHT_MAX_JOBS:
                fail(
                    f"plan=true is not allowed: the sweep has {checked.total} jobs; a plan "
                    f"lists at most {PREFLIGHT_MAX_JOBS} (sweep fewer values)"
                )
        shown = tuple(o for o in job if override_key(o) != "plan")
        checked.jobs.append(
            plan.JobPlan(plan.job_number(indices, counts), shown, cost, estimated, refusal)
        )
    checked.jobs.sort(key=lambda job: job.number)
    checked.hydra_overrides = _launcher_overrides(overrides, checked)
    return checked


def _launcher_overrides(overrides: list[str], checked: Checked) -> list[str]:
    """``hydra.launcher.mem_gb=K`` from the largest job's estimate when the launcher asks
    SLURM for memory (:func:`hopsim.plan.slurm_mem_gb`) and the user did not set it."""
    launchers = [o for o in overrides if override_key(o) == "hydra/launcher"]
    if not launchers or any(override_key(o) == plan.MEM_KEY for o in overrides):
        return []
    mem_gb = plan.slurm_mem_gb(checked.jobs)
    if mem_gb is None:
        return []
    try:
        cfg = compose(group_choices(overrides), hydra_config=True)
    except Exception:
        return []
    launcher = OmegaConf.select(cfg, "hydra.launcher")
    if not isinstance(launcher, DictConfig) or "mem_gb" not in launcher:
        return []  # a launcher that asks for no memory (basic, joblib)
    return [f"{plan.MEM_KEY}={mem_gb}"]


def fail(message: str) -> None:
    """End the command with ``hopsim: error: <message>`` on stderr and exit status 2."""
    print(f"hopsim: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)
