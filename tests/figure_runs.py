"""Tiny hopsim runs for the figure tests, made in-process through ``run_job`` once per session,
and geometry helpers for checking what a drawn figure shows."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from conftest import compose_config

from hopsim.io import load_dataset

_ROOT = Path(tempfile.mkdtemp(prefix="hopsim-figtests-"))
_CACHE: dict[tuple, Path] = {}


def run(*overrides: str) -> Path:
    """Run one job (cached per override list); return its folder."""
    from hopsim.cli import run_job

    key = tuple(overrides)
    if key not in _CACHE:
        out = _ROOT / f"run{len(_CACHE)}"
        out.mkdir()
        cfg = compose_config(*overrides, "progress=off", "threads=1")
        old = os.getcwd()
        try:
            os.chdir(out)
            run_job(cfg, out, list(overrides))
        finally:
            os.chdir(old)
        _CACHE[key] = out
    return _CACHE[key]


def dataset(*overrides: str):
    return load_dataset(run(*overrides))


def legend_boxes(fig):
    """Display boxes of every legend of the figure (axes legends and figure legends)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    legends += list(fig.legends)
    return [leg.get_window_extent(renderer) for leg in legends]


def data_points_display(ax) -> np.ndarray:
    """Display coordinates of every plotted point of the axes (lines and collections)."""
    pts = []
    for line in ax.get_lines():
        xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if xy.size:
            pts.append(line.get_transform().transform(xy))
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if offsets.size and offsets.ndim == 2 and offsets.shape[0] > 1:
            pts.append(coll.get_offset_transform().transform(offsets))
    if not pts:
        return np.zeros((0, 2))
    pts = np.concatenate(pts)
    box = ax.bbox  # only what is visible: clipped points outside the axes are not drawn
    keep = (pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0)
    return pts[keep & (pts[:, 1] <= box.y1)]


def points_inside(box, pts: np.ndarray) -> int:
    inside = (
        (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)
    )
    return int(inside.sum())


def assert_legends_clear(fig) -> None:
    """No legend of the figure covers a data point of any of its axes."""
    boxes = legend_boxes(fig)
    for ax in fig.axes:
        pts = data_points_display(ax)
        for box in boxes:
            assert points_inside(box, pts) == 0, f"a legend covers data of {ax.get_title()!r}"


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test drew (imported by each figure test module)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
