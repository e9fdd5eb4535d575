"""Checks of the command line's overrides that Hydra does not make (used by the preflight
of :mod:`hopsim.preflight`): each refusal is one line naming the override or key."""

from __future__ import annotations

import copy
import os

from omegaconf import DictConfig, OmegaConf, open_dict

from hopsim.config import ConfigError
from hopsim.io import UNWRITABLE_DIR

#: Hydra's page on what an override may look like.
GRAMMAR = "https://hydra.cc/docs/advanced/override_grammar/basic/"


class Refused(ValueError):
    """An override is refused; ``str()`` is the one-line reason."""


def _key(text: str) -> str:
    return text.split("=", 1)[0].lstrip("+~")


def parse_each(overrides: list[str]) -> list:
    """Hydra's parse of each override; one that cannot be parsed is refused naming its key
    (Hydra's own message names neither the key nor the override)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    parser = OverridesParser.create()
    parsed = []
    for text in overrides:
        try:
            parsed += parser.parse_overrides([text])
        except OverrideParseException as exc:
            key = _key(text) or text
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            reason = " ".join(lines).split(" See https://", 1)[0].strip()
            raise Refused(
                f"{text} is not allowed: the value of {key} cannot be parsed ({reason}); "
                f"quote special characters, e.g. {key}='...' (override grammar: {GRAMMAR})"
            ) from None
    return parsed


def check_sweep_values(text: str, override) -> None:
    """A sweep lists each value once: ``-m network.N=100,100`` would run the same job twice
    (and the merge keep one of them silently)."""
    from hopsim.io import _canon

    if not override.is_sweep_override():
        return
    try:
        values = [_canon(v) for v in override.sweep_iterator()]
        shown = list(override.sweep_string_iterator())
    except Exception:
        return
    seen = set()
    for value, label in zip(values, shown, strict=False):
        key = (isinstance(value, str), value)  # "1" (a string) is not 1
        if key in seen:
            raise Refused(
                f"{text} is not allowed: {label} is listed twice; a sweep gives each value "
                "once (the same job would run twice)"
            )
        seen.add(key)


def check_sweep_subdir(cfg: DictConfig) -> None:
    """``hydra.sweep.subdir`` must be the job's number (the default; ``.unwritable/<number>``
    allowed): the merge, ``resume=true`` and the Ctrl-C count find the jobs in
    ``<sweep dir>/<number>``. Any other folder writes where no one looks (``job_N``, the
    sweep folder itself) or outside the sweep folder (``../escaped_N``, an absolute path).

    Judged on the config with its ``hydra`` node, for job numbers 0 and 7.
    """
    node = OmegaConf.select(cfg, "hydra.sweep")
    if not isinstance(node, DictConfig) or "subdir" not in node:
        return
    text = str(node._get_node("subdir")._value())
    for num in (0, 7):
        try:
            probe = copy.deepcopy(cfg)
            with open_dict(probe):
                probe.hydra.job.num = num
            subdir = os.path.normpath(str(probe.hydra.sweep.subdir))
        except Exception:
            subdir = None
        if subdir not in (str(num), os.path.join(UNWRITABLE_DIR, str(num))):
            raise ConfigError(
                "hydra.sweep.subdir",
                text,
                "the job's number, ${hydra.job.num} (the default): the merge and resume=true "
                "read the jobs from <sweep dir>/<number>; choose the sweep folder with "
                "hydra.sweep.dir",
            )
