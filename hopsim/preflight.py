"""The preflight: compose and check every job of a command before any job runs.

:func:`preflight` stops the command with one line on stderr and exit status 2 at the
first refused job (an impossible value or combination of values, a run too large or too
long for this machine), before any file is written.
"""

from __future__ import annotations

import sys

from omegaconf import DictConfig, OmegaConf

from hopsim import experiments, override_checks
from hopsim.composition import (
    JobConfigs,
    Refused,
    compose_cached,
    composed,
    group_choices,
    one_line,
    unknown_key,
)
from hopsim.config import MAX_INT, ConfigError, check_numbers, get_choice, get_int
from hopsim.sweeps import job_indices, override_key, sweep_values

EXIT_CONFIG = 2
OPTIONS_WITH_VALUE = {"-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir"}


def validate_common(cfg: DictConfig) -> None:
    """Keys every experiment has (seed, progress, resume, threads), and every number.

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


def check_job(cfg: DictConfig, job: list[str]) -> None:
    """The checks of one job's config (without its ``hydra`` node)."""
    check_resolvable(cfg)
    check_additions(cfg, job)
    try:
        validate(cfg)
    except ConfigError as exc:
        raise Refused(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - e.g. an interpolation that cannot resolve
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


def preflight(argv: list[str]) -> None:
    """Compose and validate every job of the command; exit 2 on the first refused one.

    A sweep's jobs are checked in the order of :func:`job_indices` (all of them up to
    :data:`PREFLIGHT_MAX_JOBS`). ``hydra.*`` overrides and launcher choices are composed
    too (with the hydra node), a ``+key=`` addition the experiment does not read is
    refused, and a composition error names the override that causes it in the context of
    the command's group choices. In a sweep the line names the refused job's swept values.
    """
    from hydra.errors import OverrideParseException

    options, overrides = split_argv(argv)
    try:
        _check_command_line(options, overrides)
        choices = sweep_values(overrides)
    except OverrideParseException as exc:
        fail(one_line(exc))
    configs = JobConfigs()
    first = [values[0] for values in choices]
    for indices in job_indices([len(values) for values in choices]):
        job = [values[k] for values, k in zip(choices, indices, strict=True)]
        swept = [o for o, values in zip(job, choices, strict=True) if len(values) > 1]
        changed = [o for o, f in zip(job, first, strict=True) if o != f]
        try:
            # the first job is composed (a single run is checked exactly as Hydra runs it)
            cfg = configs.get(job) if changed else None
            if cfg is None:
                cfg = composed(job, changed[0] if len(changed) == 1 else None)
            check_job(cfg, job)
        except Refused as exc:
            fail(_job_message(str(exc), job, swept, changed))


def fail(message: str) -> None:
    print(f"hopsim: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)
