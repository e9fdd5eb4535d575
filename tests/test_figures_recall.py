"""Recall figures: every swept key is a facet or an explicit --fix selection, never averaged."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
    run,
)

from hopsim.figures import OKABE_ITO, FigureError
from hopsim.figures import recall as fig_recall


def sweep_dataset(seed: int = 0) -> xr.Dataset:
    """A recall-like dataset with the README's five swept keys; overlap depends on each."""
    rng = np.random.default_rng(seed)
    coords = {
        "N": [100, 200],
        "P": [5, 10, 20],
        "update": ["sync", "async"],
        "noise": [0.1, 0.2],
        "theta": [0.0, 0.1],
    }
    shape = [len(v) for v in coords.values()] + [4, 5]
    base = (
        1.0
        - 0.01 * np.arange(3)[None, :, None, None, None]
        - 0.3 * np.array([0.0, 0.1])[None, None, None, None, :]
        - 0.2 * np.array([0.1, 0.2])[None, None, None, :, None]
        - 0.02 * np.array([0, 1])[None, None, :, None, None]
        - 0.01 * np.array([0, 1])[:, None, None, None, None]
    )
    overlap = base[..., None, None] + 0.01 * rng.standard_normal(shape)
    energy = -np.abs(rng.standard_normal(shape + [3])) * 50
    energy[..., 2] = np.nan  # trials that ended after two sweeps
    dims = list(coords) + ["pattern", "trial"]
    ds = xr.Dataset(
        {
            "overlap": (dims, overlap, {"long_name": "final overlap", "units": "1"}),
            "energy": (dims + ["sweep"], energy, {"long_name": "energy", "units": "1"}),
        },
        coords=dict(coords, pattern=np.arange(4), trial=np.arange(5), sweep=np.arange(3)),
    )
    ds["noise"].attrs = {"long_name": "corruption level", "units": "1"}
    ds.attrs["experiment"] = "recall"
    return ds


def _facet_selection(ds, title: str, label: str) -> dict:
    sel = {}
    for part in (title + ", " + label).split(", "):
        if "=" in part:
            key, value = part.split("=")
            coord = ds[key].values
            sel[key] = coord[
                [
                    str(c) == value or (f"{c:g}" if isinstance(c, float) else "") == value
                    for c in coord.tolist()
                ].index(True)
            ]
    return sel


def test_overlap_figure_shows_every_cell_of_five_swept_keys():
    ds = sweep_dataset()
    fig = fig_recall.figure(ds, "overlap")
    axes = fig.axes
    # x = noise, colour = N, style = P, columns = update, rows = theta: 2 x 1 facets
    assert len(axes) == 2 * 2
    for ax in axes:
        lines = [c for c in ax.containers]
        assert len(lines) == 2 * 3  # every (N, P) combination is its own line
        for container in lines:
            line = container.lines[0]
            sel = _facet_selection(ds, ax.get_title(), container.get_label())
            assert set(sel) == {"N", "P", "update", "theta"}
            expected = ds.overlap.sel(sel).mean(["pattern", "trial"]).values
            np.testing.assert_allclose(line.get_ydata(), expected)
            assert line.get_color() in OKABE_ITO


def test_theta_is_not_averaged_in_either_figure():
    ds = sweep_dataset()
    for kind in ("overlap", "energy"):
        fig = fig_recall.figure(ds, kind)
        parts = {p for ax in fig.axes for p in ax.get_title().split(", ")}
        assert {"theta=0", "theta=0.1"} <= parts, kind


def test_energy_figure_facets_every_swept_key():
    ds = sweep_dataset()
    fig = fig_recall.figure(ds, "energy")
    # colour = noise, style = N, columns = P, rows = update x theta
    assert len(fig.axes) == 3 * 4
    for ax in fig.axes:
        drawn = [line for line in ax.get_lines() if line.get_label().startswith("noise=")]
        assert len(drawn) == 2 * 2
        for line in drawn:
            sel = _facet_selection(ds, ax.get_title(), line.get_label())
            assert set(sel) == {"N", "P", "update", "theta", "noise"}
            held = fig_recall.hold_last(ds.energy.sel(sel), "sweep") / sel["N"]
            np.testing.assert_allclose(line.get_ydata(), held.mean(["pattern", "trial"]))


def test_fix_selects_one_value_and_bad_values_are_one_line_errors():
    ds = sweep_dataset()
    fig = fig_recall.figure(ds, "overlap", fix=["theta=0.1", "update=async"])
    assert len(fig.axes) == 1
    assert "theta=0.1" in fig._suptitle.get_text() and "update=async" in fig._suptitle.get_text()
    with pytest.raises(FigureError, match=r"theta holds 0, 0.1") as info:
        fig_recall.figure(ds, "overlap", fix={"theta": 0.5})
    assert "\n" not in str(info.value)
    with pytest.raises(FigureError, match="not a swept dimension"):
        fig_recall.figure(ds, "overlap", fix="alpha=0.1")


def test_too_many_panels_ask_for_fix():
    ds = sweep_dataset()
    big = xr.concat([ds.assign_coords(seed=s) for s in range(10)], dim="seed")
    big = xr.concat([big.assign_coords(bias=b) for b in (0.0, 0.1)], dim="bias")
    big = big.transpose("N", "P", "update", "noise", "theta", "seed", "bias", ...)
    with pytest.raises(FigureError, match="--fix"):
        fig_recall.figure(big, "overlap")


def test_y_range_fits_the_data_and_legends_cover_nothing():
    ds = sweep_dataset()
    fig = fig_recall.figure(ds, "overlap")
    low, high = fig.axes[0].get_ylim()
    assert low > 0.7 and high <= 1.05  # not the wasted -1..1
    assert_legends_clear(fig)


def test_single_run_and_cli_fix_error(tmp_path):
    folder = run("experiment=recall", "network.N=40", "patterns.P=2", "trials=3")
    proc = subprocess.run(
        [
            sys.executable,
            "analysis/recall.py",
            str(folder),
            "--format",
            "png",
            "--dpi",
            "40",
            "--out",
            str(tmp_path),
            "--fix",
            "theta=3",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    proc = subprocess.run(
        [
            sys.executable,
            "analysis/recall.py",
            str(folder),
            "--format",
            "png",
            "--dpi",
            "40",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "recall_overlap.png").exists() and (tmp_path / "recall_energy.png").exists()


def test_categorical_sweep_is_drawn_as_points_not_a_line():
    """A swept category (update rule) on the x axis: markers, no line joining the rules."""
    ds = sweep_dataset().isel(N=0, P=0, noise=0, theta=0)
    ds.attrs["sweep_dims"] = "update"
    fig = fig_recall.figure(ds, "overlap")
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == ds.sizes["update"]]
    assert lines and all(ln.get_linestyle() == "None" for ln in lines)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sync", "async"]
    mean = ds.overlap.mean(["pattern", "trial"]).values
    np.testing.assert_allclose(lines[0].get_ydata(), mean)


def test_energy_axis_has_whole_sweeps():
    ds = sweep_dataset().isel(N=0, P=0, noise=0, theta=0, update=0)
    fig = fig_recall.figure(ds, "energy")
    ticks = fig.axes[0].get_xticks()
    assert np.allclose(ticks, np.round(ticks))


def test_single_run_shows_every_cue_and_the_mean_the_title_names():
    """One run (no swept key): each cue's final overlap as a dot and the mean with its 95%
    interval, as the title says; not a box plot that collapses to a line when all agree."""
    from hopsim.io import load_dataset

    ds = load_dataset(run("experiment=recall", "network.N=40", "patterns.P=2", "trials=3"))
    fig = fig_recall.figure(ds, "overlap")
    ax = fig.axes[0]
    values = ds.overlap.values.ravel()
    values = values[np.isfinite(values)]
    cues = [ln for ln in ax.get_lines() if ln.get_gid() == "cue"]
    assert len(cues) == 1 and len(cues[0].get_ydata()) == values.size
    np.testing.assert_allclose(np.sort(cues[0].get_ydata()), np.sort(values))
    mean = [ln for ln in ax.get_lines() if ln.get_gid() == "mean"]
    assert mean and mean[0].get_ydata()[0] == pytest.approx(values.mean())
    assert not [p for p in ax.patches if p.get_gid() == "box"] and not any(
        "whisker" in str(ln.get_gid()) for ln in ax.get_lines()
    )
    title = fig._suptitle.get_text()
    assert "every cue" in title and "mean" in title and "95%" in title
    # the mean's text sits beside the data, not on it
    fig.canvas.draw()
    box = next(t for t in ax.texts if t.get_gid() == "mean_text").get_window_extent()
    pts = ax.transData.transform(np.column_stack([cues[0].get_xdata(), cues[0].get_ydata()]))
    inside = (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0)
    assert not (inside & (pts[:, 1] < box.y1)).any()


def test_rules_energies_never_share_an_axis_and_the_title_names_the_bias():
    """recall_biased (issue 18): Hebb's and the covariance rule's energies are different
    functions on different scales: one panel and one y axis each; the bias is in the title."""
    ds = sweep_dataset().isel(N=0, P=0, theta=0, update=0, noise=0)
    ds = xr.concat(
        [ds.assign_coords(learning="hebb"), (ds * 0.1).assign_coords(learning="covariance")],
        dim="learning",
    )
    ds = ds.assign_coords(bias=0.6)
    fig = fig_recall.figure(ds, "energy")
    assert "bias=0.6" in fig._suptitle.get_text()
    assert len(fig.axes) == 2
    for ax, rule in zip(fig.axes, ["hebb", "covariance"], strict=True):
        assert ax.get_title() == f"learning={rule}"
        (line,) = ax.get_lines()
        held = fig_recall.hold_last(ds.energy.sel(learning=rule), "sweep") / ds.N
        np.testing.assert_allclose(line.get_ydata(), held.mean(["pattern", "trial"]))
        lo, hi = ax.get_ylim()
        assert lo <= np.nanmin(line.get_ydata()) and hi >= np.nanmax(line.get_ydata())
        assert ax.get_ylabel()  # each axis has its own scale, so each says what it shows
    (a, b) = (ax.get_ylim() for ax in fig.axes)
    assert a != b  # not shared: the covariance energies are not squashed on Hebb's scale
    overlap = fig_recall.figure(ds, "overlap")
    assert "bias=0.6" in overlap._suptitle.get_text()
