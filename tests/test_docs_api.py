"""docs/api.md runs: every ```python block, top to bottom in one namespace, as a notebook.

The indented block after "prints" must be what the block before it printed.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _blocks(text: str) -> list[tuple[str, str | None]]:
    """(code, expected output or None) for every python block, in order."""
    out = []
    pattern = re.compile(r"```python\n(.*?)```\n(?:\nprints\n\n((?:    [^\n]*\n)+))?", re.S)
    for match in pattern.finditer(text):
        printed = match.group(2)
        if printed is not None:
            printed = "".join(line[4:] + "\n" for line in printed.rstrip("\n").split("\n"))
        out.append((match.group(1), printed))
    return out


def test_every_code_block_of_the_api_page_runs(tmp_path):
    import matplotlib.pyplot as plt

    blocks = _blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    namespace = {"figure_dir": tmp_path, "__name__": "__docs__"}
    for i, (code, expected) in enumerate(blocks):
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            exec(compile(code, f"docs/api.md block {i + 1}", "exec"), namespace)
        if expected is not None:
            assert stdout.getvalue() == expected, f"block {i + 1} printed:\n{stdout.getvalue()}"
    assert (tmp_path / "capacity.png").stat().st_size > 10_000
    plt.close("all")


def test_the_readme_python_example_runs():
    readme = DOC.parents[1] / "README.md"
    blocks = _blocks(readme.read_text(encoding="utf-8"))
    assert len(blocks) == 1
    namespace: dict = {"__name__": "__readme__"}
    exec(compile(blocks[0][0], "README.md", "exec"), namespace)
    assert (namespace["ds"].attrs["experiment"], namespace["net"].N) == ("capacity", 200)
