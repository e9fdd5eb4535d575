"""A sweep's grid: the values of each override and which jobs the preflight checks.

Hydra's basic sweeper makes one job per combination of the values of the swept overrides
(the last override varies fastest); :func:`sweep_values` expands each override into its
values, :func:`sweep_size` counts the jobs and :func:`job_indices` orders them for the
preflight (:mod:`hopsim.preflight`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator

CONFIG_MODULE = "hopsim.conf"


def override_key(override: str) -> str:
    """``+network.N=3`` -> ``network.N``; ``hydra/launcher=slurm`` -> ``hydra/launcher``."""
    return override.split("=", 1)[0].lstrip("+~")


def sweep_values(overrides: list[str]) -> list[list[str]]:
    """For each override, the overrides of its values (one for a plain override)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    choices = []
    for text, ov in zip(overrides, parsed, strict=True):
        prefix = text.split("=", 1)[0]
        if ov.is_sweep_override():
            try:
                values = [f"{prefix}={v}" for v in ov.sweep_string_iterator()]
            except Exception:
                values = [f"{prefix}={v}" for v in glob_options(text, ov)] or [text]
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
        choices = sweep_values(overrides)
    except Exception:
        return None
    keys = [text.split("=", 1)[0] for text in overrides]
    counts = {key: len(values) for key, values in zip(keys, choices, strict=True)}
    return math.prod(counts.values())


#: A sweep of at most this many jobs has every job checked by the preflight. A larger one has
#: its first job and every value of every swept key (one at a time) checked, and then this
#: many of its other jobs, the same ones on every run (a sample seeded by the job count).
PREFLIGHT_MAX_JOBS = 2000


def job_indices(counts: list[int], limit: int = PREFLIGHT_MAX_JOBS) -> Iterator[tuple[int, ...]]:
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


def glob_options(text: str, override) -> list[str]:
    """The options of a hopsim config group that ``group=glob(...)`` selects."""
    from importlib import resources

    folder = resources.files(CONFIG_MODULE) / override_key(text)
    try:
        names = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
        return list(override.value().filter(names))
    except Exception:
        return []
