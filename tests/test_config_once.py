"""The config is read once per job: the preflight's parameter object serves the job too."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = """
import sys
import hopsim.experiments.recall as recall
calls = []
original = recall.parameters
def counted(cfg):
    calls.append(1)
    return original(cfg)
recall.parameters = counted
sys.argv = ["hopsim", *{args!r}]
from hopsim import cli
try:
    cli.main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("CALLS", len(calls))
"""


@pytest.mark.parametrize(
    ("args", "jobs"),
    [(["network.N=50"], 1), (["-m", "network.N=50,60"], 2), (["-m", "trials=1,2,3"], 3)],
)
def test_recall_parameters_are_read_once_per_job(args, jobs, tmp_path):
    where = [f"hydra.run.dir={tmp_path}/run", f"hydra.sweep.dir={tmp_path}/sweep"]
    code = CODE.format(args=[*args, "progress=off", *where])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-1500:]
    assert f"CALLS {jobs}\n" in out.stdout
