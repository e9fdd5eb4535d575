"""State-graph and image figures: no arrow through a node, labels off the arrows, one arrow per
state in the synchronous map; inverted results named as such, couplings that show something,
one "(final)" frame per row."""

from __future__ import annotations

import numpy as np
import pytest
from figure_runs import (
    close_figures,  # noqa: F401  (autouse)
    dataset,
)
from matplotlib.patches import Circle

from hopsim.figures import images as fig_img
from hopsim.figures import state_graph as fig_sg

REPORT = "patterns.explicit=[[1,1,1],[1,1,-1]]"
CASES = {
    "N3-plus": ("experiment=state_graph", REPORT),
    "N3-keep": ("experiment=state_graph", REPORT, "network.tie=keep"),
    "N2": ("experiment=state_graph",),
    "N4-random": (
        "experiment=state_graph",
        "patterns.explicit=null",
        "network.N=4",
        "patterns.P=2",
    ),
}


def _geometry(ax):
    nodes = [p for p in ax.patches if isinstance(p, Circle) and p.get_gid() == "node"]
    centres = np.array([n.center for n in nodes])
    radius = nodes[0].get_radius()
    edges = [
        np.column_stack([line.get_xdata(), line.get_ydata()])
        for line in ax.get_lines()
        if line.get_gid() == "edge"
    ]
    return centres, radius, edges


def _distance(p, a, b):
    d = b - a
    t = np.clip(np.dot(p - a, d) / np.dot(d, d), 0, 1)
    return np.linalg.norm(p - (a + t * d))


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_edge_passes_through_a_node(case):
    ds = dataset(*CASES[case])
    fig = fig_sg.graph_figure(ds)
    for ax in fig.axes[:2]:
        centres, radius, edges = _geometry(ax)
        assert centres.shape[0] == ds.sizes["state"]
        for line in edges:
            # the two nodes an edge joins are those nearest its (trimmed) ends
            ends = {
                int(np.argmin(np.linalg.norm(centres - line[0], axis=1))),
                int(np.argmin(np.linalg.norm(centres - line[-1], axis=1))),
            }
            for c, centre in enumerate(centres):
                if c in ends:
                    continue
                gap = min(_distance(centre, p, q) for p, q in zip(line[:-1], line[1:], strict=True))
                assert gap > radius, (case, ax.get_title(loc="left"), c)


@pytest.mark.parametrize("case", ["N3-plus", "N3-keep"])
def test_synchronous_map_has_one_arrow_per_state(case):
    ds = dataset(*CASES[case])
    ax = fig_sg.graph_figure(ds).axes[0]
    edges = [line for line in ax.get_lines() if line.get_gid() == "edge"]
    loops = [line for line in ax.get_lines() if line.get_gid() == "self_loop"]
    assert len(loops) == int(ds.is_fixed_point.sum())
    assert len(edges) + len(loops) == ds.sizes["state"]


@pytest.mark.parametrize("case", ["N3-plus", "N3-keep", "N2", "N4-random"])
def test_labels_sit_off_arrows_and_nodes(case):
    ds = dataset(*CASES[case])
    fig = fig_sg.graph_figure(ds)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # N = 4: the synchronous panel only (the tesseract projection is too dense for 16 labels
    # beside 32 arrows; its arrows still clear every node, see above)
    for ax in fig.axes[: 1 if case == "N4-random" else 2]:
        centres, radius, edges = _geometry(ax)
        labels = [t for t in ax.texts if t.get_gid() == "label"]
        assert len(labels) == ds.sizes["state"]
        boxes = [t.get_window_extent(renderer) for t in labels]
        for box in boxes:
            for line in edges:
                pts = ax.transData.transform(line)
                for p, q in zip(pts[:-1], pts[1:], strict=True):
                    s = p + np.linspace(0, 1, 50)[:, None] * (q - p)
                    inside = (s[:, 0] > box.x0) & (s[:, 0] < box.x1)
                    inside &= (s[:, 1] > box.y0) & (s[:, 1] < box.y1)
                    assert not inside.any(), (case, "label on an arrow")
        for i, a in enumerate(boxes):
            assert not any(a.overlaps(b) for b in boxes[i + 1 :]), (case, "labels overlap")


def _images():
    return dataset(
        "experiment=images",
        "images.paths=[house,letter]",
        "images.side=24",
        "images.occlude_fraction=0.7",
    )


def test_inverted_results_are_called_inverted():
    ds = _images()
    fig = fig_img.restoration_figure(ds, "house")
    titles = [ax.get_title() for ax in fig.axes]
    for kind in ds.corruption.values:
        for update in ds["update"].values:
            cell = dict(image="house", corruption=kind, update=update)
            overlaps = ds.final_overlap.sel(cell).values
            k = int(np.argmax(np.abs(overlaps)))
            label = fig_img.ended_on(ds, cell, "house")
            if overlaps[k] < 0:
                assert label.startswith("inverted ")
                assert any(label in t and t.startswith(f"{update}:") for t in titles)
            assert "~" not in label
    assert any("inverted house" in t for t in titles)  # the invert cue ends on the inverse


def _pixel(title: str, side: int) -> int:
    r, c = (int(v) for v in title.split("pixel (")[1].split(")")[0].split(", "))
    return r * side + c


def test_weights_panels_show_the_couplings_of_one_neuron():
    ds = _images()
    fig = fig_img.weights_figure(ds)
    side = int(ds.side)
    xi = ds.original.values.reshape(ds.sizes["image"], -1).astype(float)
    for ax in fig.axes[:2]:  # (a), (b) (the colour bars come after the panels)
        i = _pixel(ax.get_title(loc="left"), side)
        shown = ax.get_images()[0].get_array()
        expected = fig_img.coupling_rows(xi, [i])[0].reshape(side, side)
        np.testing.assert_allclose(np.asarray(shown), expected)
        assert np.unique(np.round(expected * side * side)).size >= 3  # not a flat picture
        assert np.std(expected) > 0.5 / (side * side)


def test_two_images_weights_panels_show_two_different_pictures():
    """images_two (issue 18): (a) and (b) showed one picture twice (both pixels disagreed
    with the same signs). Now (a) is a pixel where the images agree (their sum), (b) one
    where they disagree (their difference): neither equal nor each other's negative."""
    ds = _images()
    fig = fig_img.weights_figure(ds)
    side = int(ds.side)
    xi = ds.original.values.reshape(ds.sizes["image"], -1)
    a_ax, b_ax = fig.axes[0], fig.axes[1]
    a, b = (np.asarray(ax.get_images()[0].get_array()) for ax in (a_ax, b_ax))
    assert not np.allclose(a, b) and not np.allclose(a, -b)
    ia, ib = (_pixel(ax.get_title(loc="left"), side) for ax in (a_ax, b_ax))
    assert np.all(xi[:, ia] == xi[0, ia]) and "images agree" in a_ax.get_title(loc="left")
    assert len(set(xi[:, ib])) == 2 and "images disagree" in b_ax.get_title(loc="left")
    # (c) the crosstalk matrix of the two images
    (c_ax,) = [ax for ax in fig.axes if ax.get_title(loc="left").startswith("(c)")]
    overlap = xi.astype(float) @ xi.T.astype(float) / xi.shape[1]
    np.testing.assert_allclose(np.asarray(c_ax.get_images()[0].get_array()), overlap)


def test_weights_pixels_differ_for_any_pair_of_images():
    """The rule behind (a) and (b): two neurons with different signs over the images."""
    rng = np.random.default_rng(1)
    for P in (2, 3, 5):
        xi = rng.choice([-1, 1], size=(P, 12 * 12))
        (ia, _), (ib, _) = fig_img.shown_neurons(xi, 12)
        ra, rb = fig_img.coupling_rows(xi.astype(float), [ia, ib])
        ra[[ia, ib]] = rb[[ia, ib]] = 0  # the diagonal entries
        assert not np.allclose(ra, rb) and not np.allclose(ra, -rb), P


def test_only_one_frame_per_row_is_final():
    ds = _images()
    fig = fig_img.frames_figure(ds, "house")
    n_cols = fig.axes[0].get_gridspec().ncols
    titles = [ax.get_title() for ax in fig.axes]
    for r in range(len(titles) // n_cols):
        row = titles[r * n_cols : (r + 1) * n_cols]
        assert sum("(final)" in t for t in row) <= 1
    assert fig_img.frame_labels(np.array([0, 2, 4, 6]), 2, True) == [
        "",
        " (final)",
        " (unchanged)",
        " (unchanged)",
    ]


@pytest.mark.parametrize("case", ["N2", "N2-pattern", "N3-plus"])
def test_panel_titles_fit_their_panels_and_do_not_overlap(case):
    """A narrow panel's title is wrapped, so it cannot run into the next panel's title."""
    extra = {"N2-pattern": ("experiment=state_graph", "patterns.explicit=[[1,1]]")}
    ds = dataset(*(CASES.get(case) or extra[case]))
    fig = fig_sg.graph_figure(ds)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    titles = [(ax, ax.get_title(loc="left"), ax._left_title) for ax in fig.axes[:2]]
    boxes = []
    for ax, text, artist in titles:
        assert text.startswith(("(a)", "(b)"))
        box = artist.get_window_extent(renderer)
        assert box.width <= ax.get_window_extent(renderer).width + 1, (case, text)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width + 1, (case, text)
        boxes.append(box)
    assert not boxes[0].overlaps(boxes[1]), case
    sup = fig._suptitle.get_window_extent(renderer)
    assert not any(sup.overlaps(b) for b in boxes), case


@pytest.mark.parametrize("case", ["N2", "N3-plus"])
def test_basin_counts_have_whole_number_ticks(case):
    ds = dataset(*CASES[case])
    fig = fig_sg.basin_figure(ds)
    fig.canvas.draw()
    for ax in fig.axes[:2]:
        ticks = ax.get_xticks()
        assert np.allclose(ticks, np.round(ticks)), (case, ticks)


def test_weights_of_one_stored_image_show_a_pixel_of_the_other_colour():
    """One image has nothing to disagree with: (b) takes a pixel of the other colour, whose
    couplings are (a)'s with the sign flipped, and says so; two images keep "disagree"."""
    ds = dataset("experiment=images", "images.side=24")
    assert ds.sizes["image"] == 1
    fig = fig_img.weights_figure(ds)
    a, b = (np.asarray(ax.get_images()[0].get_array()) for ax in fig.axes[:2])
    title = fig.axes[1].get_title(loc="left")
    assert "disagree" not in title and "other colour" in title
    off = (a != 0) & (b != 0)  # the two zero-diagonal entries
    assert off.sum() >= a.size - 2
    np.testing.assert_allclose(b[off], -a[off])
    two = fig_img.weights_figure(_images())
    assert "images disagree" in two.axes[1].get_title(loc="left")
    # one image has no crosstalk: no 1 x 1 overlap matrix, two picture panels only
    pictures = [ax for ax in fig.axes if ax.get_images()]
    assert len(pictures) == 2
    assert not any(ax.get_title(loc="left").startswith("(c)") for ax in fig.axes)


def test_basin_bars_are_readable_and_every_count_is_written():
    """state_graph_16 (b) (issue 18): tick labels that do not run together, state strings of
    at least 9 pt, and every bar's count written beside it, so a bar too short to see (a few
    states among 2^N, or zero) still reads as its number."""
    ds = dataset("experiment=state_graph", "patterns.explicit=null", "network.N=10", "patterns.P=3")
    fig = fig_sg.basin_figure(ds)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    expected = {
        "basin": np.sort(ds.basin_size.values)[::-1][: fig_sg.MAX_BARS],
        "reach": ds.async_basin_size.values,
        "sole": ds.async_sole_basin_size.values,
    }
    for ax in fig.axes[:2]:
        ticks = [t for t in ax.get_xticklabels() if t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in ticks]
        assert all(not a.overlaps(b) for a, b in zip(boxes, boxes[1:], strict=False))
        assert all(t.get_fontsize() >= 8 for t in ticks)
        states = ax.get_yticklabels()
        assert states and all(t.get_fontsize() >= 9 for t in states)
        counts = {(round(t.xy[1], 3)): t for t in ax.texts if t.get_gid() == "count"}
        bars = [b for b in ax.patches if b.get_gid() in expected]
        assert bars and len(counts) == len(bars)
        right = ax.get_window_extent(renderer).x1
        for bar in bars:
            y = round(bar.get_y() + bar.get_height() / 2, 3)
            text = counts[y]
            assert int(text.get_text()) == bar.get_width()  # the number is the bar's length
            assert text.get_window_extent(renderer).x1 <= right + 1  # inside the panel
        for gid, values in expected.items():
            drawn = [b.get_width() for b in bars if b.get_gid() == gid]
            if drawn:
                np.testing.assert_array_equal(drawn, values)
