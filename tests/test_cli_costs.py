"""Every job's estimated cost goes through the preflight (issue 17 section 2, issue 21).

A job estimated past a day is refused unless ``allow_long=true`` (which says so at once,
one line); one that needs more memory than this machine has is refused either way; the
refusal names the key the user gave that the cost grows with; ``plan=true`` lists every
job's estimate and writes nothing; a SLURM job asks for the memory the largest job needs.
The ``online`` experiment estimates its cost (:func:`hopsim.experiments.estimate`).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from conftest import compose_config

from hopsim import cli, composition, experiments, plan, preflight
from hopsim.resources import ResourceError

ONLINE = "experiment=online"
#: ~3.4 days on one core (hopsim experiment=online online.streams=3000 plan=true)
TOO_LONG = (ONLINE, "online.streams=3000")
TWO_JOBS = ("-m", ONLINE, "online.N=20,30", "online.streams=1", "online.ages=2")


def run_main(monkeypatch, capsys, tmp_path: Path, *argv: str) -> tuple[int, str, str, list]:
    """``hopsim *argv`` in-process in ``tmp_path``, the Hydra app replaced by a recorder of
    the arguments it would read: (exit status, stdout, stderr, the apps' sys.argv)."""
    started: list = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["hopsim", *argv])
    monkeypatch.setattr(cli, "_hydra_app", lambda: started.append(list(sys.argv[1:])))
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err, started


def assert_refused(result, tmp_path: Path, *words: str) -> str:
    code, _, err, started = result
    lines = err.strip().splitlines()
    assert code == 2 and not started, result
    assert len(lines) == 1 and lines[0].startswith("hopsim: error: "), err
    assert all(w in lines[0] for w in words), (words, lines[0])
    assert list(tmp_path.iterdir()) == [], "nothing may be written"
    return lines[0]


def test_a_run_past_a_day_is_refused_naming_the_key_given(monkeypatch, capsys, tmp_path):
    line = assert_refused(
        run_main(monkeypatch, capsys, tmp_path, *TOO_LONG), tmp_path, "online.streams=3000"
    )
    assert "allow_long=true" in line and "days" in line


def test_allow_long_runs_it_and_says_so_at_once(monkeypatch, capsys, tmp_path):
    code, out, err, started = run_main(monkeypatch, capsys, tmp_path, *TOO_LONG, "allow_long=true")
    assert code == 0 and len(started) == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hopsim: allow_long=true:"), err
    assert "days" in lines[0] and "running anyway" in lines[0]


def test_allow_long_does_not_lift_a_memory_refusal(monkeypatch, capsys, tmp_path):
    argv = (ONLINE, "online.N=100000", "allow_long=true")
    line = assert_refused(run_main(monkeypatch, capsys, tmp_path, *argv), tmp_path, "online.N")
    assert "needs ~" in line and "available" in line


def test_check_estimate_refuses_memory_with_allow_long(monkeypatch):
    """The common check itself (not only the experiment's own) refuses a job too large."""
    cfg = compose_config(ONLINE, "online.streams=2")
    module = experiments.load("online")
    params = experiments.prepare(module, cfg)
    need = experiments.estimate(module, params).memory
    monkeypatch.setattr("hopsim.resources.available_memory", lambda: int(need))
    with pytest.raises(ResourceError, match=r"^online\.streams=2 needs ~"):
        experiments.check_estimate(module, params, ["online.streams"], allow_long=True)


@pytest.mark.parametrize("value", ["nan", "2", "yes", "null", "[true]", "0", "'true'", "inf", "-1"])
@pytest.mark.parametrize("key", ["allow_long", "plan"])
def test_hostile_switch_values_are_refused(monkeypatch, capsys, tmp_path, key, value):
    argv = (ONLINE, "online.N=20", f"{key}={value}")
    assert_refused(run_main(monkeypatch, capsys, tmp_path, *argv), tmp_path, f"{key}=")


@pytest.mark.parametrize("key", ["allow_long", "plan"])
def test_a_switch_is_one_value_for_the_whole_command(monkeypatch, capsys, tmp_path, key):
    argv = ("-m", ONLINE, "online.N=20", f"{key}=true,false")
    line = assert_refused(run_main(monkeypatch, capsys, tmp_path, *argv), tmp_path, key)
    assert "whole command" in line


def test_plan_lists_every_job_and_writes_nothing(monkeypatch, capsys, tmp_path):
    code, out, err, started = run_main(monkeypatch, capsys, tmp_path, *TWO_JOBS, "plan=true")
    assert code == 0 and not started and err == ""
    lines = out.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["job 0", "job 1", "total"]
    assert "online.N=20" in lines[0] and "online.N=30" in lines[1]
    assert all(" B, ~" in ln or "kB, ~" in ln or "MB, ~" in ln for ln in lines[:2]), lines
    assert "plan=" not in out and "2 job(s)" in lines[2]
    assert list(tmp_path.iterdir()) == []


def test_plan_totals_are_the_jobs_estimates(monkeypatch, capsys, tmp_path):
    checked = preflight.preflight([*TWO_JOBS, "plan=true"])
    assert checked.plan and [j.number for j in checked.jobs] == [0, 1]
    module = experiments.load("online")
    for job in checked.jobs:
        cfg = composition.composed(list(job.overrides), None)
        assert job.cost == experiments.estimate(module, experiments.prepare(module, cfg))


def test_plan_shows_a_refused_job_then_refuses(monkeypatch, capsys, tmp_path):
    code, out, err, started = run_main(monkeypatch, capsys, tmp_path, *TOO_LONG, "plan=true")
    assert code == 2 and not started
    assert out.startswith("job 0: ") and "[refused: online.streams=3000" in out
    assert err.strip().splitlines() == [
        f"hopsim: error: {out.split('[refused: ', 1)[1].split(']')[0]}"
    ]
    assert list(tmp_path.iterdir()) == []


def test_plan_of_a_sweep_beyond_the_checked_size_is_refused(monkeypatch, capsys, tmp_path):
    argv = ("-m", ONLINE, "online.N=20", "seed=range(0,2001)", "plan=true")
    assert_refused(run_main(monkeypatch, capsys, tmp_path, *argv), tmp_path, "plan=true")


def test_the_job_refuses_with_the_preflights_line(tmp_path):
    with pytest.raises(SystemExit):
        preflight.preflight(list(TOO_LONG))
    cfg = compose_config(*TOO_LONG)
    with pytest.raises(ResourceError) as job:
        cli.run_job(cfg, tmp_path / "job", list(TOO_LONG))
    module = experiments.load("online")
    params = experiments.prepare(module, cfg)
    with pytest.raises(ResourceError) as pre:
        preflight.check_cost(module, params, cfg, list(TOO_LONG))
    assert str(job.value) == str(pre.value)
    assert str(job.value).startswith("online.streams=3000 would run for")
    assert not (tmp_path / "job").exists()


def test_given_keys_are_the_values_the_user_set():
    given = preflight.given_keys(
        ["experiment=online", "+a.b=1", "++c=2", "hydra/launcher=slurm", "hydra.x=1", "d=3"]
    )
    assert given == ["a.b", "c", "d"]


def _expected_mem_gb(checked) -> int:
    largest = max(job.cost.memory for job in checked.jobs)
    return math.ceil((largest + plan.BASELINE_BYTES) / 2**30)


SLURM_SWEEP = ["-m", "hydra/launcher=slurm", ONLINE, "online.N=200,2000", "online.streams=2"]


def test_a_slurm_sweep_asks_for_the_largest_jobs_memory():
    checked = preflight.preflight(SLURM_SWEEP)
    mem_gb = _expected_mem_gb(checked)
    assert checked.hydra_overrides == [f"hydra.launcher.mem_gb={mem_gb}"]
    assert checked.jobs[1].cost.memory > checked.jobs[0].cost.memory > 0
    job = [*checked.jobs[1].overrides, *checked.hydra_overrides]  # as Hydra composes a job
    launcher = composition.compose(job, hydra_config=True).hydra.launcher
    assert launcher.mem_gb == mem_gb
    assert "SlurmLauncher" in launcher._target_


def test_main_hands_mem_gb_to_hydra_and_keeps_the_users(monkeypatch, capsys, tmp_path):
    code, out, _, started = run_main(monkeypatch, capsys, tmp_path, *SLURM_SWEEP)
    mem_gb = _expected_mem_gb(preflight.preflight(SLURM_SWEEP))
    assert code == 0 and started == [[*SLURM_SWEEP, f"hydra.launcher.mem_gb={mem_gb}"]]
    assert f"hydra.launcher.mem_gb={mem_gb}" in out
    assert sys.argv[1:] == SLURM_SWEEP  # restored after the app
    code, _, _, started = run_main(
        monkeypatch, capsys, tmp_path, *SLURM_SWEEP, "hydra.launcher.mem_gb=3"
    )
    assert code == 0 and started == [[*SLURM_SWEEP, "hydra.launcher.mem_gb=3"]]


def test_no_mem_gb_without_a_memory_launcher():
    recall = ["-m", "hydra/launcher=slurm", "experiment=recall", "network.N=20,30"]
    assert any(
        o.startswith("hydra.launcher.mem_gb=") for o in preflight.preflight(recall).hydra_overrides
    )
    joblib = ["-m", "hydra/launcher=joblib", ONLINE, "online.N=20,30"]
    assert preflight.preflight(joblib).hydra_overrides == []


def test_the_python_api_refuses_as_the_command_does():
    import hopsim

    with pytest.raises(ResourceError, match=r"^online\.streams=3000 would run for") as exc:
        hopsim.run("online", {"online.streams": 3000})
    assert isinstance(exc.value, ValueError) and exc.value.parameter == "online.streams"
