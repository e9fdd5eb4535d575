"""The ``hopsim`` command: compose -> validate -> run -> save.

``main()`` first composes and validates the config for every value of every
swept key (a *preflight*), so an impossible value stops the command with one
line on stderr and exit status 2 before any job starts or any file is written.
It then hands over to the Hydra app, which runs one job or a multirun.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import hydra
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from hopsim import experiments
from hopsim.config import ConfigError, get_choice, get_int, to_yaml
from hopsim.io import RESULT_NAME, provenance_attrs, save_dataset
from hopsim.parallel import configure_threads, threads_for_job
from hopsim.rng import SeedTree

CONFIG_MODULE = "hopsim.conf"
EXIT_CONFIG = 2
_OPTIONS_WITH_VALUE = {"-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir"}
_NO_PREFLIGHT = {"-h", "--help", "--hydra-help", "--info", "-i", "--shell-completion", "-sc"}


def validate_common(cfg: DictConfig) -> None:
    """Keys every experiment has: seed, progress, resume, threads."""
    get_int(cfg, "seed", lo=0)
    get_choice(cfg, "progress", ["auto", "on", "off"])
    if not isinstance(cfg.get("resume"), bool):
        raise ConfigError("resume", cfg.get("resume"), "true or false")
    if cfg.get("threads") != "auto":
        get_int(cfg, "threads", lo=1)


def validate(cfg: DictConfig) -> None:
    """Validate a composed config: common keys, then the experiment's own."""
    validate_common(cfg)
    experiments.load(str(cfg.experiment)).validate(cfg)


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
    validate(cfg)
    module = experiments.load(str(cfg.experiment))
    config_yaml = to_yaml(cfg)
    result_path = output_dir / RESULT_NAME
    if cfg.resume and result_path.exists() and _same_config(result_path, config_yaml):
        print(f"hopsim: {result_path} exists with the same config; skipped (resume=true)")
        return result_path
    launcher = None
    if HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        launcher = HydraConfig.get().launcher
    configure_threads(threads_for_job(cfg.threads, launcher))
    started = time.perf_counter()
    ds = module.run(cfg, SeedTree(int(cfg.seed)), progress=_show_progress(cfg))
    ds.attrs.update(provenance_attrs(str(cfg.experiment), int(cfg.seed), config_yaml, overrides))
    ds.attrs["wall_time_s"] = round(time.perf_counter() - started, 3)
    save_dataset(ds, result_path)
    print(f"{module.summary(ds)} [{ds.attrs['wall_time_s']:.2f} s] Wrote {result_path}")
    return result_path


@hydra.main(config_path="pkg://hopsim.conf", config_name="config", version_base="1.3")
def _hydra_app(cfg: DictConfig) -> None:
    hc = HydraConfig.get()
    output_dir = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    if hc.mode != RunMode.MULTIRUN:
        run_job(cfg, output_dir, overrides)
        return
    # In a sweep a failing job must not stop the others: record it and go on.
    # The merge callback marks it NaN and lists it; the command then exits non-zero.
    try:
        run_job(cfg, output_dir, overrides)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none is hidden
        (output_dir / "error.txt").write_text(traceback.format_exc())
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


def _compose(overrides: list[str]) -> DictConfig:
    from hydra import compose, initialize_config_module

    GlobalHydra.instance().clear()
    with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def _explain_composition_error(exc: Exception, override: str | None) -> str:
    """Turn Hydra's multi-line composition errors into one line."""
    from hydra.errors import MissingConfigException

    cause = exc.__cause__ or exc
    if isinstance(exc, MissingConfigException) and override:
        group = override.split("=", 1)[0].lstrip("+~")
        options = getattr(exc, "options", None) or []
        allowed = "one of " + ", ".join(options) if options else "an existing config"
        value = override.split("=", 1)[1] if "=" in override else ""
        return f"{group}={value!r} is not allowed: expected {allowed}"
    full_key = getattr(cause, "full_key", None)
    if full_key and override:
        parent = full_key.rsplit(".", 1)[0] if "." in full_key else ""
        try:
            base = _compose([])
            node = OmegaConf.select(base, parent) if parent else base
            keys = ", ".join(sorted(node.keys())) if isinstance(node, DictConfig) else "?"
        except Exception:  # noqa: BLE001 - the suggestion is a courtesy
            keys = "?"
        where = f"'{parent}'" if parent else "the top level"
        return f"{override} is not allowed: unknown key; keys at {where}: {keys}"
    return _one_line(exc)


def _variants(overrides: list[str]) -> list[tuple[list[str], str | None]]:
    """Override lists to check: sweeps at their first value, then each value of each sweep."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    firsts, choices = [], []
    for text, ov in zip(overrides, parsed, strict=True):
        prefix = text.split("=", 1)[0]
        if ov.is_sweep_override():
            try:
                values = [f"{prefix}={v}" for v in ov.sweep_string_iterator()]
            except Exception:  # noqa: BLE001 - e.g. glob over a group: let Hydra handle it
                values = [text]
            firsts.append(values[0])
            choices.append(values)
        else:
            firsts.append(text)
            choices.append([text])
    variants = [(firsts, None)]
    for i, values in enumerate(choices):
        for value in values[1:]:
            variant = list(firsts)
            variant[i] = value
            variants.append((variant, value))
    return variants


def preflight(argv: list[str]) -> None:
    """Compose and validate every value of every swept key; exit 2 on the first error."""
    from hydra.errors import HydraException, OverrideParseException

    _, overrides = _split_argv(argv)
    overrides = [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    try:
        variants = _variants(overrides)
    except OverrideParseException as exc:
        _fail(_one_line(exc))
    for variant, changed in variants:
        try:
            cfg = _compose(variant)
        except HydraException as exc:
            culprit = changed or _find_culprit(variant)
            _fail(_explain_composition_error(exc, culprit))
        except Exception as exc:  # noqa: BLE001 - omegaconf errors during interpolation
            _fail(_one_line(exc))
        try:
            validate(cfg)
        except ConfigError as exc:
            _fail(str(exc))
        finally:
            GlobalHydra.instance().clear()


def _find_culprit(overrides: list[str]) -> str | None:
    """The first override that cannot be composed on its own."""
    for override in overrides:
        try:
            _compose([override])
        except Exception:  # noqa: BLE001
            return override
    return None


def _fail(message: str) -> None:
    print(f"hopsim: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)


def main() -> None:
    """Entry point of the ``hopsim`` console script and ``python -m hopsim``."""
    argv = sys.argv[1:]
    if not _NO_PREFLIGHT.intersection(argv) and not any(a.startswith("--cfg") for a in argv):
        preflight(argv)
        GlobalHydra.instance().clear()
    os.environ.setdefault("HYDRA_FULL_ERROR", "0")
    _hydra_app()


if __name__ == "__main__":
    main()
