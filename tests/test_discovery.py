"""Experiments are found, not listed: the figure registry and the gallery's plan are collected
from the experiment and figure modules (issue 17), so a new experiment touches its own files."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

import pytest
import xarray as xr

import hopsim.experiments
import hopsim.figures
from hopsim import figures
from hopsim.gallery import plan

#: The gallery page as it was when the entries were listed in plan.py by hand: discovery
#: keeps its order (families by GALLERY_ORDER, each family's entries as it lists them).
PAGE = (
    "recall",
    "recall_energy",
    "recall_updates",
    "recall_biased",
    "capacity",
    "rules",
    "rules_budget",
    "dense_capacity",
    "modern",
    "hopfield_temperature",
    "ising",
    "ising_chain",
    "bifurcation",
    "phase_portrait",
    "stimulus",
    "network_ode",
    "state_graph_2",
    "state_graph_2b",
    "state_graph_3",
    "state_graph_3b",
    "state_graph_16",
    "images",
    "images_two",
    "images_clamped",
    "recall_clamping",
    "mixtures",
    "optimize",
    "optimize_parisi",
    "optimize_tsp",
    "optimize_maxcut",
    "sequence_memory",
    "completion",
    "online",
    "online_optimum",
    "online_rnn",
    "gradients",
)


def test_discovered_plan_is_the_page_in_its_order():
    assert tuple(e.name for e in plan.collect()) == PAGE
    assert plan.ENTRIES == plan.collect()  # collected once, the same tuple
    assert plan.entry("ising_chain").overrides[1] == "lattice.kind=chain"
    with pytest.raises(KeyError):
        plan.entry("nosuch")


def test_figure_modules_are_found_by_name_or_declared():
    registry = figures.registry()
    assert sorted(registry) == hopsim.experiments.available()
    assert registry["recall"] == "recall"  # by convention
    assert registry["hopfield_temperature"] == "phase_diagram"  # FIGURE = "phase_diagram"
    assert figures.REGISTRY == registry


EXPERIMENT = '''
"""The ``{name}`` experiment: a toy that only shows discovery."""
import xarray as xr

def parameters(cfg):
    return None

def run(params, seeds, progress):
    return xr.Dataset(attrs={{"experiment": "{name}"}})
{figure}
'''

FIGURE = '''
"""The toy figure."""
import matplotlib.pyplot as plt

from hopsim.gallery.plan import Entry

def figure(ds, **_):
    fig, ax = plt.subplots()
    ax.set_title("toy figure of " + ds.attrs["experiment"])
    return fig

def figures(ds, **options):
    return {{"toy": figure(ds, **options)}}

{order}
GALLERY = (
    Entry("{name}", title="A toy", why="It was found.", overrides=("experiment={name}",)),
    Entry("{name}_big", title="A big toy", why="Second.", overrides=("experiment={name}",)),
)
'''


@pytest.fixture
def toys(tmp_path, monkeypatch):
    """Two experiments in a temporary folder added to the packages' search paths: ``toy_a``
    declares ``FIGURE = "toy_drawing"``, ``toy_b`` has a figure module of its own name."""
    exp_dir, fig_dir = tmp_path / "experiments", tmp_path / "figures"
    exp_dir.mkdir()
    fig_dir.mkdir()
    (exp_dir / "toy_a.py").write_text(
        EXPERIMENT.format(name="toy_a", figure='FIGURE = "toy_drawing"')
    )
    (exp_dir / "toy_b.py").write_text(EXPERIMENT.format(name="toy_b", figure=""))
    (fig_dir / "toy_drawing.py").write_text(FIGURE.format(name="toy_a", order="GALLERY_ORDER = 15"))
    (fig_dir / "toy_b.py").write_text(FIGURE.format(name="toy_b", order=""))  # no order: last
    known = hopsim.experiments.available()
    monkeypatch.setattr(hopsim.experiments, "available", lambda: sorted([*known, "toy_a", "toy_b"]))
    monkeypatch.setattr(
        hopsim.experiments, "__path__", [*hopsim.experiments.__path__, str(exp_dir)]
    )
    monkeypatch.setattr(hopsim.figures, "__path__", [*hopsim.figures.__path__, str(fig_dir)])
    yield
    for name in ("experiments.toy_a", "experiments.toy_b", "figures.toy_drawing", "figures.toy_b"):
        sys.modules.pop(f"hopsim.{name}", None)


def test_a_new_experiment_is_discovered_with_its_figure_and_gallery_entries(toys):
    assert figures.registry()["toy_a"] == "toy_drawing"
    assert figures.registry()["toy_b"] == "toy_b"
    assert figures.module_for("toy_a").__name__ == "hopsim.figures.toy_drawing"
    fig = xr.Dataset(attrs={"experiment": "toy_a"}).hopsim.plot()
    assert fig.axes[0].get_title() == "toy figure of toy_a"
    names = [e.name for e in plan.collect()]
    # GALLERY_ORDER 15: after recall's family (10), before capacity (20); none: last
    start = names.index("toy_a")
    assert names[start - 1] == "recall_biased" and names[start : start + 3] == [
        "toy_a",
        "toy_a_big",
        "capacity",
    ]
    assert names[-2:] == ["toy_b", "toy_b_big"]
    assert hopsim.experiments.load("toy_b").run(None, None, False).attrs["experiment"] == "toy_b"


def test_an_entry_listed_twice_is_refused(toys, tmp_path):
    path = tmp_path / "figures" / "toy_b.py"
    path.write_text(path.read_text().replace('Entry("toy_b_big"', 'Entry("toy_a"'))
    with pytest.raises(ValueError, match="'toy_a' is listed twice"):
        plan.collect()


def test_an_unknown_experiment_names_the_known_ones():
    with pytest.raises(figures.FigureError, match="no figure for experiment 'nope'.*recall"):
        figures.module_for("nope")
