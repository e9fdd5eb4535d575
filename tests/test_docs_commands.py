"""Every command line quoted in README.md and docs/*.md parses against the configs.

The command lines are taken from fenced and indented code blocks and from inline code:
``hopsim ...`` (and ``python -m hopsim ...``) lines, ``python analysis/NAME.py ...``,
``python benchmarks/NAME.py ...`` and ``hopsim-plot ...``. Line continuations (``\\``),
``&&``/``;`` chains, shell comments and quoting are handled as a shell would.

- A ``hopsim`` command goes through the command's own preflight
  (:func:`hopsim.preflight.preflight`: compose with the overrides through Hydra's compose API,
  including ``hydra/launcher=...`` and ``hydra.*`` keys, and validate with the experiment's
  own checks), first as a whole and then, for a ``-m`` sweep, once for every job of the
  sweep grid (comma-separated values expanded by Hydra's own override parser). Nothing runs.
  A command quoted as ``$ hopsim ...`` followed by a ``hopsim: error: ...`` line is an
  example of a refused command: it must be refused with that line (``...`` in it stands for
  anything, and the memory the machine has is not compared).
- A script's path must exist and every ``--option`` quoted with it must be one its
  ``--help`` lists; for ``hopsim-plot``, one that its parser accepts.

Placeholders (an override whose value is an upper-case word such as ``NAME``, ``RUN_DIR``,
``S`` or a ``/path/to/...``, and a bare ``...``) are left out of the check; the rest of the
line is checked.
The last tests feed deliberately broken commands to the same checks (the checks can fail).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: A placeholder value: NAME, RUN_DIR, S, K, DIR, PATH, ... (upper case, maybe <...>).
_PLACEHOLDER = re.compile(r"^(<[^>]*>|[A-Z][A-Z0-9_]*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]*=")  # `OMP_NUM_THREADS=1 python ...`
_INLINE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
#: Options of the hopsim command that take the next word as their value.
_OPTIONS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--info", "-i"}


@dataclass(frozen=True)
class Quoted:
    """One command line as quoted in a docs file."""

    where: str  # file:line
    text: str  # the command line as a shell would read it (continuations joined)
    expected_error: str | None = None  # the `hopsim: error: ...` line quoted after it

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def _join_continuations(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in lines:
        if pending is not None:
            number, line = pending[0], pending[1] + " " + line.strip()
            pending = None
        if line.rstrip().endswith("\\"):
            pending = (number, line.rstrip()[:-1])
            continue
        out.append((number, line))
    if pending is not None:
        out.append(pending)
    return out


def _code_blocks(text: str) -> tuple[list[list[tuple[int, str]]], str]:
    """Fenced and indented code blocks (lists of (line number, line)), and the prose with the
    blocks blanked out (same line count, for the inline code)."""
    blocks: list[list[tuple[int, str]]] = []
    prose: list[str] = []
    lines = text.splitlines()
    fenced: list[tuple[int, str]] | None = None
    indented: list[tuple[int, str]] = []
    previous_blank = True
    for number, line in enumerate(lines, start=1):
        if fenced is not None:
            if _FENCE.match(line):
                blocks.append(fenced)
                fenced = None
            else:
                fenced.append((number, line))
            prose.append("")
            continue
        if _FENCE.match(line):
            if indented:
                blocks.append(indented)
                indented = []
            fenced = []
            prose.append("")
            continue
        if line.startswith("    ") and (indented or previous_blank) and line.strip():
            # an indented code block (a list item's continuation is indented by fewer spaces
            # or follows a non-blank line)
            indented.append((number, line[4:]))
            prose.append("")
            continue
        if indented and not line.strip():
            prose.append("")
            previous_blank = True
            continue
        if indented:
            blocks.append(indented)
            indented = []
        prose.append(line)
        previous_blank = not line.strip()
    if indented:
        blocks.append(indented)
    if fenced:
        blocks.append(fenced)
    return blocks, "\n".join(prose)


def _is_command(line: str) -> bool:
    """A command line, not prose or a program's output (``hopsim checkerboard, 1 thread``):
    after ``hopsim`` come only options, their values, ``key=value`` overrides and ``...``."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    while words and _ENV.match(words[0]):
        words = words[1:]
    if not words:
        return False
    if words[0] == "hopsim":
        after_option = False
        for word in words[1:]:
            if not (word.startswith("-") or "=" in word or word == "..." or after_option):
                return False
            after_option = word in _OPTIONS_WITH_VALUE
        return True
    if words[0] in ("hopsim-plot", "hopsim-gallery"):
        return True
    return (
        words[0] == "python"
        and len(words) > 1
        and (
            words[1] == "-m"
            and words[2:3] == ["hopsim"]
            or words[1].startswith(("analysis/", "benchmarks/"))
        )
    )


def _split_chain(line: str) -> list[str]:
    """``a && b; c`` -> [a, b, c] (outside quotes), shell comments dropped."""
    try:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        return [line]
    parts, current = [], []
    for token in tokens:
        if token in (";", "&&", "||", "|"):
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return [shlex.join(p) for p in parts if p]


def extract(text: str, name: str) -> list[Quoted]:
    """Every command line quoted in the markdown ``text`` (of file ``name``)."""
    found: list[Quoted] = []
    blocks, prose = _code_blocks(text)
    for block in blocks:
        lines = _join_continuations(block)
        for i, (number, line) in enumerate(lines):
            stripped = line.strip()
            prompt = stripped.startswith("$ ")
            if prompt:
                stripped = stripped[2:].strip()
            for command in _split_chain(stripped):
                if not _is_command(command):
                    continue
                expected = None
                if prompt and i + 1 < len(lines):
                    following = lines[i + 1][1].strip()
                    if following.startswith("hopsim: error:"):
                        expected = following
                found.append(Quoted(f"{name}:{number}", command, expected))
    for match in _INLINE.finditer(prose):
        code = " ".join(match.group(1).split())
        number = prose.count("\n", 0, match.start()) + 1
        for command in _split_chain(code):
            if _is_command(command):
                found.append(Quoted(f"{name}:{number}", command))
    return found


def quoted_commands() -> list[Quoted]:
    out: list[Quoted] = []
    for path in DOC_FILES:
        out += extract(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return out


# ---------------------------------------------------------------------------------------
# checks


def _words(command: str) -> list[str]:
    words = shlex.split(command)
    while words and _ENV.match(words[0]):
        words = words[1:]
    if words[:3] == ["python", "-m", "hopsim"]:
        words = ["hopsim", *words[3:]]
    return [w for w in words if w != "..."]


def _without_placeholders(args: list[str]) -> list[str]:
    out = []
    for arg in args:
        if "=" in arg and not arg.startswith("-"):
            value = arg.split("=", 1)[1]
            if _PLACEHOLDER.match(value) or "/path/to/" in value:
                continue
        out.append(arg)
    return out


def _preflight(argv: list[str]) -> str | None:
    """Run hopsim's preflight on ``argv``; the error line it prints, or None if it passes."""
    from hopsim import preflight

    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            preflight.preflight(argv)
    except SystemExit as exc:
        lines = err.getvalue().strip().splitlines()
        return lines[-1] if lines else f"exit {exc.code}"
    return None


def sweep_jobs(overrides: list[str]) -> list[list[str]]:
    """The override lists of every job of the sweep (Hydra's basic sweeper's grid)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    parsed = parser.parse_overrides(overrides)
    if not any(o.is_sweep_override() for o in parsed):
        return [overrides]
    batches = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return [list(job) for batch in batches for job in batch]


def check_hopsim(command: str) -> list[str]:
    """Problems of a ``hopsim ...`` command line (empty: it parses)."""
    words = _without_placeholders(_words(command)[1:])
    options, overrides, skip = [], [], False
    for word in words:
        if skip:  # the value of --cfg, --info, ...: what to show, not an override
            skip = False
        elif word in _OPTIONS_WITH_VALUE:
            skip = True
        elif word.startswith("-"):
            options.append(word)
        else:
            overrides.append(word)
    error = _preflight([*options, *overrides])
    if error:
        return [error]
    multirun = "-m" in options or "--multirun" in options
    if not multirun:
        return []
    problems = []
    for job in sweep_jobs(overrides):
        error = _preflight(job)
        if error:
            problems.append(f"job {' '.join(job)}: {error}")
    return problems


def _expected_pattern(expected: str) -> re.Pattern:
    """The quoted error line as a pattern: ``...`` matches anything, and the memory of this
    machine (``; 22 GB available``) is not compared."""
    text = re.sub(r";\s*[\d.]+\s*[kMGTP]?B available$", "; @AVAILABLE@", expected.strip())
    pattern = re.escape(text).replace(r"\.\.\.", ".*").replace("@AVAILABLE@", ".* available")
    return re.compile(pattern + "$")


def check_refused(command: str, expected: str) -> list[str]:
    """A quoted refused command must be refused with the quoted line."""
    words = _words(command)[1:]
    error = _preflight(words)
    if error is None:
        return [f"expected {expected!r}, but the preflight accepts it"]
    if not _expected_pattern(expected).match(error):
        return [f"quoted: {expected}\n    actual: {error}"]
    return []


@functools.cache
def _script_help(script: str) -> str:
    result = subprocess.run(
        [sys.executable, script, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout if result.returncode == 0 else ""


def _option_names(words: list[str]) -> list[str]:
    return [w.split("=", 1)[0] for w in words if w.startswith("--")]


def check_script(command: str) -> list[str]:
    """``python analysis/NAME.py ...`` / ``python benchmarks/NAME.py ...``: the script
    exists and takes every quoted option."""
    words = _words(command)
    script = words[1]
    if "<" in script:  # `python analysis/<name>.py`: some script of that folder
        folder = ROOT / script.split("<", 1)[0]
        return [] if list(folder.glob("*.py")) else [f"{folder} has no scripts"]
    if not (ROOT / script).is_file():
        return [f"{script} does not exist"]
    options = _option_names(words[2:])
    if not options:
        return []
    help_text = _script_help(script)
    if not help_text:
        return [f"python {script} --help fails"]
    known = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_text))
    return [f"{script} has no option {o}" for o in options if o not in known]


def check_plot(command: str) -> list[str]:
    """``hopsim-plot ...``: its parser takes every quoted option."""
    from hopsim.figures.cli import build_parser as _parser  # the command's own parser

    words = _words(command)[1:]
    if any(w.startswith("[") for w in words):
        # a usage line: `hopsim-plot PATH [--out DIR] ...`: the options it names must exist
        known = {a for action in _parser()._actions for a in action.option_strings}
        return [
            f"hopsim-plot has no option {o}"
            for o in _option_names([w.strip("[]") for w in words])
            if o not in known
        ]
    words = [w for w in words if not _PLACEHOLDER.match(w)] or ["runs"]
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            _parser().parse_args(words)
    except SystemExit:
        return [f"hopsim-plot does not parse {' '.join(words)}: {err.getvalue().strip()}"]
    return []


def check_gallery(command: str) -> list[str]:
    """``hopsim-gallery ...``: its parser takes every quoted option."""
    from hopsim.gallery.cli import build_parser as _parser

    words = [w for w in _words(command)[1:] if not _PLACEHOLDER.match(w)]
    if any(w.startswith(("[", "(")) for w in words):
        # a usage line, `hopsim-gallery [--quick] [--out DIR]`: the options it names must exist
        known = {a for action in _parser()._actions for a in action.option_strings}
        named = _option_names([w.strip("[]") for w in words if not w.startswith("(")])
        return [f"hopsim-gallery has no option {o}" for o in named if o not in known]
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            _parser().parse_args(words)
    except SystemExit:
        return [f"hopsim-gallery does not parse {' '.join(words)}: {err.getvalue().strip()}"]
    return []


def check(quoted: Quoted) -> list[str]:
    words = _words(quoted.text)
    if words[0] == "hopsim":
        if quoted.expected_error:
            return check_refused(quoted.text, quoted.expected_error)
        return check_hopsim(quoted.text)
    if words[0] == "hopsim-plot":
        return check_plot(quoted.text)
    if words[0] == "hopsim-gallery":
        return check_gallery(quoted.text)
    return check_script(quoted.text)


# ---------------------------------------------------------------------------------------
# tests

QUOTED = quoted_commands()


def test_the_docs_quote_commands():
    """The extraction finds the commands (a broken extractor would pass every check)."""
    kinds = {
        _words(q.text)[0] if _words(q.text)[0] != "python" else _words(q.text)[1][:9]
        for q in QUOTED
    }
    assert {"hopsim", "hopsim-plot", "hopsim-gallery", "analysis/", "benchmark"} <= kinds
    assert len([q for q in QUOTED if q.text.startswith("hopsim -m")]) >= 5
    assert len([q for q in QUOTED if q.expected_error]) >= 5


@pytest.mark.parametrize("quoted", QUOTED, ids=str)
def test_quoted_command_parses(quoted: Quoted):
    if "experiment=" in quoted.text:
        name = re.search(r"experiment=(\w+)", quoted.text).group(1)
        if name in ("sequence_memory", "completion", "gradients"):
            pytest.importorskip("torch")
    problems = check(quoted)
    assert not problems, f"{quoted}\n  " + "\n  ".join(problems)


def test_readme_lists_every_experiment_with_a_link():
    """The README's experiments table has one row per conf/experiment/*.yaml, each linking
    to a section of a docs page that exists."""
    from hopsim import experiments

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `(\w+)`(?: \(default\))? \|.*\]\(([^)]+)\) \|$", readme, re.M)
    }
    assert sorted(rows) == experiments.available()
    for name, link in rows.items():
        page, _, anchor = link.partition("#")
        assert (ROOT / page).is_file(), f"{name}: {page}"
        assert anchor, f"{name}: link {link} has no section anchor"
        assert anchor in _anchors(ROOT / page), f"{name}: no section #{anchor} in {page}"


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors of a markdown page (headings outside code blocks)."""
    out = set()
    _, prose = _code_blocks(path.read_text(encoding="utf-8"))
    for line in prose.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = re.sub(r"[^\w\- ]", "", title)
            out.add(title.replace(" ", "-"))
    return out


def test_relative_links_in_the_docs_exist():
    """Every relative link of README.md and docs/ names a file that exists, and a section
    of it that exists."""
    for path in DOC_FILES:
        _, prose = _code_blocks(path.read_text(encoding="utf-8"))
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", prose):
            if "://" in target:
                continue
            page = (path.parent / target) if target else path
            assert page.exists(), f"{path.name}: link to {target}"
            if anchor and page.suffix == ".md":
                assert anchor in _anchors(page), f"{path.name}: no section #{anchor} in {target}"


# the checks fail on broken commands --------------------------------------------------------

BROKEN_DOC = """
# A page

```bash
hopsim network.NN=3                                # a mistyped key
hopsim -m network.N=100,0 \\
    patterns.P=5                                   # one job of the sweep is impossible
hopsim network.N=100,200                           # a sweep without -m
python analysis/nosuch.py RUN_DIR
```

Inline: `hopsim experiment=nosuch`, `python analysis/recall.py --nosuch 1`,
`hopsim-plot RUN_DIR --nosuch`, `hopsim-gallery --fast`, `hopsim -m experiment=capacity
'network.N=[100],[200]' trials=0`.

```
$ hopsim network.N=0
hopsim: error: network.N=0 is not allowed: expected an integer >= 7
```
"""


def test_extraction_handles_continuations_chains_and_inline_code():
    quoted = extract(
        "```bash\npython -m pip install -e . && hopsim  # run it\nhopsim -m a=1,2 \\\n"
        "    'b=[1,2]' c=\"x y\"\n```\nSay `hopsim\nexperiment=ising` or `network.N=3`.\n"
        "\n    hopsim experiment=state_graph   # indented block\n",
        "x.md",
    )
    assert [q.text for q in quoted] == [
        "hopsim",
        "hopsim -m a=1,2 'b=[1,2]' 'c=x y'",
        "hopsim experiment=state_graph",
        "hopsim experiment=ising",
    ]
    assert [q.where for q in quoted] == ["x.md:2", "x.md:3", "x.md:9", "x.md:6"]


def test_every_broken_command_is_caught():
    quoted = extract(BROKEN_DOC, "broken.md")
    assert len(quoted) == 10, [q.text for q in quoted]
    results = {q.text: check(q) for q in quoted}
    for text, problems in results.items():
        assert problems, f"not caught: {text}"
    assert "network.NN=3 is not allowed: unknown key" in results["hopsim network.NN=3"][0]
    sweep = results["hopsim -m network.N=100,0 patterns.P=5"]
    assert "network.N=0 is not allowed" in sweep[0]
    assert "several values are a sweep and need -m" in results["hopsim network.N=100,200"][0]
    assert "does not exist" in results["python analysis/nosuch.py RUN_DIR"][0]
    assert "no option --nosuch" in results["python analysis/recall.py --nosuch 1"][0]
    assert "quoted: hopsim: error: network.N=0" in results["hopsim network.N=0"][0]
    assert "hopsim-gallery does not parse --fast" in results["hopsim-gallery --fast"][0]


def test_a_sweep_is_checked_job_by_job():
    """Each value passes on its own, but one job of the grid, N = 100 at alpha = 0.001,
    stores no pattern: the command's preflight (every job of the grid) refuses it naming
    the job, and so does each job of the grid checked on its own."""
    command = "hopsim -m network.N=2000,100 patterns.alpha=0.1,0.001"
    error = _preflight(_words(command)[1:])
    assert error.startswith("hopsim: error: job network.N=100 patterns.alpha=0.001: "), error
    assert "patterns.P=0 is not allowed" in error
    jobs = sweep_jobs(["network.N=2000,100", "patterns.alpha=0.1,0.001"])
    assert len(jobs) == 4
    problems = [(job, e) for job in jobs if (e := _preflight(["-m", *job]))]
    assert [job for job, _ in problems] == [["network.N=100", "patterns.alpha=0.001"]]
    assert "patterns.P=0 is not allowed" in problems[0][1]
