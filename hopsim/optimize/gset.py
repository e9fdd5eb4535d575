"""Reading and writing Max-Cut instances in the rudy / G-set edge-list format.

The format (Helmberg and Rendl's G-set, written by Rinaldi's ``rudy`` generator)::

    n m
    i j w
    ...            (m lines: 1-based nodes i != j, weight w)

Blank lines are skipped; a line may omit ``w`` (weight 1). A name without a folder that is one
of :func:`bundled_names` reads the example that ships with hopsim (``torus8_pm1``: the 8 x 8
toroidal grid with +/-1 weights, drawn by ``python -m hopsim.data.make_gset``). Anything else
stops the reader with a :class:`GsetError` (a ``ValueError``) of one line naming the file,
the line and what was wrong: a header that is not two integers, ``n`` beyond
:data:`MAX_SPINS`, a node outside ``1..n``, a self-loop, an edge given twice, a weight that
is not a finite number, fewer or more than ``m`` edges, a binary file.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from hopsim.optimize.problems import MAX_EDGES, MAX_SPINS, IsingProblem, ProblemError, _maxcut
from hopsim.resources import check_memory


class GsetError(ProblemError):
    """A malformed edge-list file: ``FILE, line K: what is wrong``."""

    def __init__(self, path, line: int | None, reason: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{where}: {reason}")


def _int(token: str, path, line: int, what: str) -> int:
    try:
        value = int(token)
    except ValueError:
        raise GsetError(path, line, f"{what} {token!r} is not an integer") from None
    return value


def _header(lines, path) -> tuple[int, int, int]:
    """(n, m, index of the first edge line)."""
    for k, text in enumerate(lines):
        parts = text.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise GsetError(path, k + 1, f"header {text.strip()[:40]!r}: expected 'n m'")
        n = _int(parts[0], path, k + 1, "node count n")
        m = _int(parts[1], path, k + 1, "edge count m")
        if not 1 <= n <= MAX_SPINS:
            raise GsetError(path, k + 1, f"n={n}: expected 1 <= n <= {MAX_SPINS}")
        if not 0 <= m <= min(MAX_EDGES, n * (n - 1) // 2):
            limit = min(MAX_EDGES, n * (n - 1) // 2)
            raise GsetError(path, k + 1, f"m={m}: expected 0 <= m <= {limit} for n={n}")
        return n, m, k + 1
    raise GsetError(path, None, "empty file: expected a header 'n m'")


def _edge(parts, path, line: int, n: int) -> tuple[int, int, float]:
    if len(parts) not in (2, 3):
        raise GsetError(path, line, f"{len(parts)} fields: expected 'i j w' (or 'i j')")
    i = _int(parts[0], path, line, "node")
    j = _int(parts[1], path, line, "node")
    for node in (i, j):
        if not 1 <= node <= n:
            raise GsetError(path, line, f"node {node} outside 1..{n}")
    if i == j:
        raise GsetError(path, line, f"self-loop {i} {j}: Max-Cut needs i != j")
    w = 1.0
    if len(parts) == 3:
        try:
            w = float(parts[2])
        except ValueError:
            raise GsetError(path, line, f"weight {parts[2]!r} is not a number") from None
        if not math.isfinite(w):
            raise GsetError(path, line, f"weight {parts[2]!r} is not finite")
    return i - 1, j - 1, w


DATA_PACKAGE = "hopsim.data"


def bundled_names() -> list[str]:
    """Names of the edge-list examples that ship with hopsim (file stems, sorted)."""
    from importlib import resources

    folder = resources.files(DATA_PACKAGE)
    return sorted(p.name[: -len(".gset")] for p in folder.iterdir() if p.name.endswith(".gset"))


def resolve(source: str | os.PathLike) -> Path:
    """The file of ``source``: a bundled example's name, or a path."""
    from importlib import resources

    text = str(source)
    if text in bundled_names():
        return Path(str(resources.files(DATA_PACKAGE) / f"{text}.gset"))
    return Path(text).expanduser()


def read_gset(path: str | os.PathLike) -> IsingProblem:
    """The Max-Cut problem of a rudy / G-set file (``E = -cut``; see the module docstring)."""
    path = resolve(path)
    if not path.is_file():
        raise GsetError(path, None, "no such file" if not path.exists() else "not a file")
    check_memory("path", str(path), 4.0 * path.stat().st_size, f"reading {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GsetError(path, None, "not a text file (an edge list is plain text)") from None
    except OSError as exc:
        raise GsetError(path, None, f"unreadable ({exc.strerror or exc})") from None
    if "\0" in text:
        raise GsetError(path, None, "not a text file (an edge list is plain text)")
    lines = text.splitlines()
    n, m, first = _header(lines, path)
    edges = np.empty((m, 2), dtype=np.int64)
    weights = np.empty(m)
    where = np.empty(m, dtype=np.int64)
    count = 0
    for k in range(first, len(lines)):
        parts = lines[k].split()
        if not parts:
            continue
        if count == m:
            raise GsetError(path, k + 1, f"more edges than the header's m={m}")
        i, j, w = _edge(parts, path, k + 1, n)
        edges[count] = (i, j)
        weights[count] = w
        where[count] = k + 1
        count += 1
    if count < m:
        raise GsetError(path, len(lines), f"{count} edges, but the header says m={m}")
    _check_repeats(edges, where, n, path)
    try:
        return _maxcut(edges, n, weights, {"source": str(path)})
    except ProblemError as exc:
        raise GsetError(path, None, str(exc)) from None


def _check_repeats(edges: np.ndarray, where: np.ndarray, n: int, path) -> None:
    lo, hi = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    key = lo * n + hi
    order = np.argsort(key, kind="stable")
    same = np.flatnonzero(np.diff(key[order]) == 0)
    if same.size:
        a, b = order[same], order[same + 1]
        k = int(np.argmin(where[b]))  # the repeat that comes first in the file
        first, again = int(where[a[k]]), int(where[b[k]])
        i, j = int(lo[b[k]]) + 1, int(hi[b[k]]) + 1
        raise GsetError(path, again, f"edge {i} {j} given again (first on line {first})")


def write_gset(path: str | os.PathLike, problem: IsingProblem) -> Path:
    """Write a Max-Cut problem as a rudy / G-set file (1-based, ``i < j``); return the path."""
    from hopsim.io import atomic_path

    if problem.kind != "maxcut" or not problem.sparse:
        raise ProblemError("write_gset: expected a Max-Cut problem (maxcut(), read_gset())")
    upper = problem.J.tocoo()
    keep = upper.row < upper.col
    rows, cols, w = upper.row[keep] + 1, upper.col[keep] + 1, -2.0 * upper.data[keep]
    lines = [f"{problem.N} {rows.size}"]
    lines += [f"{i} {j} {x:.17g}" for i, j, x in zip(rows, cols, w, strict=True)]
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)
