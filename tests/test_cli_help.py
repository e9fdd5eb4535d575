"""``hopsim --help``: the Hydra help template (conf/hydra/help/hopsim.yaml) lists every
experiment with its one-line description, and runs no preflight and no job."""

from __future__ import annotations

import subprocess
import sys

from hopsim import experiments


def _help(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hopsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_every_experiment_with_its_description(tmp_path):
    result = _help("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "powered by Hydra" not in out
    lines = out.splitlines()
    for name in experiments.available():
        description = experiments.describe(name)
        assert description, f"hopsim/experiments/{name}.py has no one-line docstring"
        assert any(
            ln.split()[:1] == [name] and ln.rstrip().endswith(description) for ln in lines
        ), f"{name}: {description!r} not in --help"
    for part in (
        "== Config groups",
        "corruption: flip",
        "hopsim -m",
        "hydra/launcher=joblib",
        "runs/<experiment>/<date>/<time>/result.nc",
        "docs/configuration.md",
    ):
        assert part in out, part
    assert not (tmp_path / "runs").exists()  # help writes nothing


def test_help_of_another_experiment_and_short_flag(tmp_path):
    result = _help("experiment=ising", "-h", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "hopfield_temperature" in result.stdout
    assert not (tmp_path / "runs").exists()


def test_describe_reads_the_docstring_without_importing():
    assert experiments.describe("capacity") == ("retrieval against load alpha = P/N for several N")
    code = (
        "import sys; from hopsim import experiments as e; text = e.experiment_list(); "
        "assert len(text.splitlines()) == len(e.available()), text; "
        "assert 'torch' not in sys.modules and 'hopsim.experiments.gradients' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
