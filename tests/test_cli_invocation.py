"""Each call of ``hopsim.cli.main`` is one invocation: nothing of one call reaches the next.

A failed command (a callback's failure, which Hydra only warns about) used to leave a
module-level flag set, so the next command in the same Python process exited 1 as well.
"""

from __future__ import annotations

import sys

from hopsim import callbacks, cli

TINY = ["experiment=recall", "network.N=20", "patterns.P=2", "trials=2"]


def _main(monkeypatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "argv", ["hopsim", *argv])
    try:
        cli.main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def test_a_failed_command_does_not_fail_the_next_one(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("in the way")
    assert _main(monkeypatch, *TINY, f"hydra.run.dir={tmp_path / 'afile'}") == 1
    assert "cannot write the run folder" in capsys.readouterr().err
    assert _main(monkeypatch, *TINY, f"hydra.run.dir={tmp_path / 'good'}") == 0
    assert (tmp_path / "good" / "result.nc").is_file()


def test_each_invocation_is_its_own_and_ends_with_its_block():
    with callbacks.invocation() as first:
        first.failed = True
        assert callbacks.current() is first
        with callbacks.invocation() as second:
            assert callbacks.current() is second and not second.failed
        assert callbacks.current() is first
    with callbacks.invocation() as third:
        assert third is not first and not third.failed
