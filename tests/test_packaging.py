"""Packaging: the README's test command is the one CI runs, and it installs pytest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_COMMAND = re.compile(r"^python -m pip install -e '\.\[([a-z,]+)\]' && python -m pytest -q$")


def _commands(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if TEST_COMMAND.match(line.strip())]


def test_readme_test_command_is_what_ci_runs():
    if not (ROOT / ".ci" / "run").is_file():
        pytest.skip("not a source checkout")
    readme = _commands((ROOT / "README.md").read_text())
    ci = _commands((ROOT / ".ci" / "run").read_text())
    assert len(readme) == 1 and ci == readme, (readme, ci)
    extras = TEST_COMMAND.match(readme[0]).group(1).split(",")
    assert "test" in extras and "rnn" in extras


def test_pytest_is_in_the_test_extra_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [re.split(r"[\[<>=; ]", d, maxsplit=1)[0] for d in project["dependencies"]]
    assert "pytest" not in names and "h5py" not in names
    assert any(d.startswith("pytest") for d in project["optional-dependencies"]["test"])
    assert any(d.startswith("h5netcdf[h5py]") for d in project["dependencies"])
