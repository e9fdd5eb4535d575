"""Resource preflight of the discrete experiments: the examples of issue 13, section 2.

Each config would fill memory (or store nothing) and must be refused before any work with
one line naming the key, the estimate and the memory available, exit 2, no runs/ dir.
The memory checks themselves live in the discrete experiments' validators
(:mod:`hopsim.resources`); these tests drive the real command in-process.
"""

from __future__ import annotations

import pytest
from test_hostile_inputs import assert_refused

MEMORY = [
    (("network.N=1000000000", "patterns.P=100"), ("network.N", "patterns.P")),
    (("trials=1000000000",), ("trials",)),
    (
        ("experiment=images", "images.side=512", "network.mode=dense"),
        ("images.side", "network.mode"),
    ),
    (("experiment=capacity", "network.N=[1000000000]"), ("network.N",)),
    (("experiment=capacity", "trials=1000000000"), ("trials",)),
    (("experiment=hopfield_temperature", "network.N=[1000000000]"), ("network.N",)),
]


@pytest.mark.parametrize(("argv", "keys"), MEMORY, ids=[" ".join(a) for a, _ in MEMORY])
def test_configs_that_cannot_fit_in_memory_are_refused(monkeypatch, capsys, tmp_path, argv, keys):
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, "")
    assert any(f"{k}=" in line for k in keys), line
    assert "needs ~" in line and "available" in line, line


@pytest.mark.parametrize(
    "argv",
    [
        ("network.N=10000000000",),
        ("experiment=capacity", "network.N=[10000000000]"),
        ("experiment=hopfield_temperature", "network.N=[10000000000]"),
    ],
)
def test_the_issue_network_size_is_refused(monkeypatch, capsys, tmp_path, argv):
    # refused by a range or by the memory estimate: either way one line naming network.N
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, "network.N=")
    assert "needs ~" in line or "not allowed" in line


def test_a_load_that_stores_no_pattern_is_refused(monkeypatch, capsys, tmp_path):
    # P = round(0.001 * 100) = 0: the run would write an all-NaN dataset
    argv = ("experiment=capacity", "patterns.alpha=0.001", "network.N=[100]")
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, "patterns.alpha")
    assert "P" in line
