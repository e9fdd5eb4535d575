"""What a command will cost, from the preflight's estimates: ``plan=true``, the notice of a
run allowed past the time limit, and the memory a SLURM job asks for.

The estimates are the experiments' own (:func:`hopsim.experiments.estimate`, a
:class:`hopsim.resources.Estimate` per job); nothing here runs or writes anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hopsim.resources import MAX_SECONDS, Estimate, format_bytes, format_seconds

#: Memory of the interpreter itself, beyond a job's own arrays: Python, numpy, xarray,
#: Hydra, numba and torch imported, numba's compilation (the peak resident size of tiny
#: recall, capacity and online jobs is 0.28-0.38 GB; importing torch with hopsim 0.33 GB).
BASELINE_BYTES = 0.5 * 2**30

#: The launcher key a SLURM job's memory request is given in (GiB, as SLURM counts ``GB``).
MEM_KEY = "hydra.launcher.mem_gb"


@dataclass(frozen=True)
class JobPlan:
    """One job of a command, as the preflight checked it.

    Attributes
    ----------
    number : int
        The job's number in the sweep (as Hydra's basic sweeper numbers it; 0 for a run).
    overrides : tuple of str
        The job's overrides.
    cost : Estimate
        Its estimated memory and time.
    estimated : bool
        Whether its experiment estimates its cost (one that does not yet gives zeros).
    refusal : str or None
        With ``plan=true``: why the command would refuse the job (too long, too large).
    """

    number: int
    overrides: tuple[str, ...]
    cost: Estimate
    estimated: bool = True
    refusal: str | None = None


def job_number(indices: Sequence[int], counts: Sequence[int]) -> int:
    """Hydra's number of the job whose value indices are ``indices`` (last fastest)."""
    number = 0
    for k, count in zip(indices, counts, strict=True):
        number = number * count + k
    return number


def _cost_text(job: JobPlan) -> str:
    """``~5.1 MB, ~9.7 s``, or ``not estimated``."""
    if not job.estimated:
        return "not estimated"
    return f"~{format_bytes(job.cost.memory)}, ~{format_seconds(job.cost.seconds)}"


def plan_lines(jobs: Sequence[JobPlan]) -> list[str]:
    """The lines ``plan=true`` prints: one per job (its number, estimated memory and time,
    overrides), then the total."""
    lines = []
    for job in jobs:
        overrides = " ".join(job.overrides)
        mark = f"  [refused: {job.refusal}]" if job.refusal else ""
        lines.append(f"job {job.number}: {_cost_text(job)}: {overrides or '(defaults)'}{mark}")
    estimated = [job for job in jobs if job.estimated]
    seconds = sum(job.cost.seconds for job in estimated)
    memory = max((job.cost.memory for job in estimated), default=0.0)
    total = (
        f"total: {len(jobs)} job(s), ~{format_seconds(seconds)} on one core; "
        f"the largest job ~{format_bytes(memory)} (beyond the interpreter's "
        f"~{format_bytes(BASELINE_BYTES)})"
    )
    if len(estimated) < len(jobs):
        total += f"; {len(jobs) - len(estimated)} job(s) not estimated"
    return [*lines, total]


def long_run_notice(jobs: Sequence[JobPlan]) -> str | None:
    """The one line said at once when ``allow_long=true`` lets jobs past the time limit."""
    long = [job for job in jobs if job.cost.seconds > MAX_SECONDS]
    if not long:
        return None
    worst = max(long, key=lambda job: job.cost.seconds)
    which = f"job {worst.number}" if len(jobs) > 1 else "this run"
    many = f"{len(long)} job(s) estimated past" if len(jobs) > 1 else "estimated past"
    return (
        f"hopsim: allow_long=true: {many} {format_seconds(MAX_SECONDS)}; {which} "
        f"~{format_seconds(worst.cost.seconds)}, ~{format_bytes(worst.cost.memory)}; "
        "running anyway"
    )


def slurm_mem_gb(jobs: Sequence[JobPlan]) -> int | None:
    """GiB a SLURM job asks for: the largest job's estimated memory plus
    :data:`BASELINE_BYTES`, rounded up; None when some job's experiment has no estimate."""
    if not jobs or not all(job.estimated for job in jobs):
        return None
    largest = max(job.cost.memory for job in jobs)
    return max(1, math.ceil((largest + BASELINE_BYTES) / 2**30))
