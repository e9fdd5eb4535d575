"""docs/memory_over_time.md runs: every ```python block, top to bottom in one namespace."""

from __future__ import annotations

import os
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "memory_over_time.md"


def test_every_python_block_of_the_memory_page_runs(tmp_path, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    namespace = {"__name__": "__docs__"}
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for i, code in enumerate(blocks):
            exec(compile(code, f"docs/memory_over_time.md block {i + 1}", "exec"), namespace)
    finally:
        os.chdir(here)
    printed = capsys.readouterr().out
    assert printed.startswith("mixture3 [ 0.")  # the classification and its overlaps ~ +-1/2
    overlaps = [float(x) for x in printed.split("[")[1].split("]")[0].split()]
    assert all(abs(abs(m) - 0.5) < 0.1 for m in overlaps)
