"""End to end: the state_graph and images experiments through the hopsim command."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from conftest import compose_config

from hopsim.config import ConfigError
from hopsim.experiments import images as images_exp
from hopsim.experiments import state_graph
from hopsim.rng import SeedTree

ROOT = Path(__file__).resolve().parents[1]


def _analysis(name: str):
    spec = importlib.util.spec_from_file_location(
        f"analysis_{name}", ROOT / "analysis" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _has_attrs(ds: xr.Dataset) -> None:
    for name in ds.variables:
        assert "long_name" in ds[name].attrs and "units" in ds[name].attrs, name


# --------------------------------------------------------------------------- state_graph


def test_state_graph_default_two_neurons(hopsim_cmd, tmp_path):
    proc = hopsim_cmd("experiment=state_graph")
    assert proc.returncode == 0, proc.stderr
    ds = xr.load_dataset(tmp_path / "run" / "result.nc")
    assert ds.attrs["experiment"] == "state_graph"
    assert dict(ds.sizes)["state"] == 4 and dict(ds.sizes)["unit"] == 2
    assert ds.spins.sel(state=3).values.tolist() == [1, 1]
    assert ds.sync_successor.values.tolist() == [3, 1, 2, 0]  # [1,1] <-> [-1,-1]
    assert ds.is_fixed_point.values.tolist() == [0, 1, 1, 0]
    assert ds.energy.values.tolist() == pytest.approx([0.5, -0.5, -0.5, 0.5])
    assert list(ds.attractor.values) == [
        "cycle (--)<->(++)",
        "pattern 0 (-+)",
        "inverse 0 (+-)",
        "cycle (--)<->(++)",
    ]
    assert dict(zip(ds.basin.values, ds.basin_size.values.tolist(), strict=True)) == {
        "cycle (--)<->(++)": 2,
        "pattern 0 (-+)": 1,
        "inverse 0 (+-)": 1,
    }
    assert ds.async_basin_size.values.tolist() == [3, 3]
    _has_attrs(ds)
    paths = _analysis("state_graph").main([str(tmp_path / "run")])
    assert {p.name for p in paths} >= {"state_graph.png", "state_graph_basins.png"}


def test_state_graph_three_neurons_in_process(tmp_path):
    cfg = compose_config("experiment=state_graph", "patterns.explicit=[[1,1,1],[1,1,-1]]")
    state_graph.validate(cfg)
    ds = state_graph.run(state_graph.parameters(cfg), SeedTree(0))
    assert ds.state.values[ds.is_fixed_point.values == 1].tolist() == [1, 7]  # [-1,-1,1], [1,1,1]
    assert int(ds.N) == 3 and int(ds.P) == 2
    assert "state_graph" in state_graph.summary(ds)


def test_state_graph_random_patterns_and_drawing(tmp_path):
    cfg = compose_config(
        "experiment=state_graph", "patterns.explicit=null", "network.N=5", "patterns.P=2"
    )
    ds = state_graph.run(state_graph.parameters(cfg), SeedTree(1))
    assert int(ds.basin_size.sum()) == 32
    assert (ds.async_attractor.values != "none").all()
    ds.attrs["experiment"] = "state_graph"
    from hopsim.io import save_dataset

    save_dataset(ds, tmp_path / "result.nc")
    paths = _analysis("state_graph").main([str(tmp_path / "result.nc")])
    assert (tmp_path / "state_graph.png").exists() and len(paths) == 4


@pytest.mark.parametrize(
    "override,key",
    [
        (("patterns.explicit=null", "network.N=17"), "network.N"),
        (("patterns.explicit=[[1,2]]",), "patterns.explicit"),
        (("network.tie=maybe",), "network.tie"),
    ],
)
def test_state_graph_bad_config(override, key):
    cfg = compose_config("experiment=state_graph", *override)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        state_graph.validate(cfg)


def test_state_graph_too_large_exits_2(hopsim_cmd, tmp_path):
    proc = hopsim_cmd("experiment=state_graph", "patterns.explicit=null", "network.N=20")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "network.N=20" in lines[0]
    assert not (tmp_path / "run" / "result.nc").exists()


# --------------------------------------------------------------------------- images


def test_images_end_to_end(hopsim_cmd, tmp_path):
    proc = hopsim_cmd(
        "experiment=images",
        "images.paths=[house,letter]",
        "images.side=32",
        "images.max_sweeps=10",
        "images.corruptions=[noise,invert,invert_half]",
    )
    assert proc.returncode == 0, proc.stderr
    ds = xr.load_dataset(tmp_path / "run" / "result.nc")
    assert ds.overlap.dims == ("image", "corruption", "update")
    assert ds.state.dims == ("image", "corruption", "update", "sweep", "row", "col")
    assert list(ds.corruption.values) == ["noise", "invert", "invert_half"]
    assert list(ds["update"].values) == ["sync", "async"]
    assert dict(ds.sizes)["row"] == 32 and int(ds.N) == 1024
    # 30% noise is repaired exactly; the inverted picture stays inverted
    assert np.allclose(ds.overlap.sel(corruption="noise").values, 1.0)
    assert np.allclose(ds.overlap.sel(corruption="invert").values, -1.0)
    assert ds.cue_overlap.sel(corruption="noise").values == pytest.approx([0.4, 0.4], abs=1e-3)
    # sweep 0 is the cue; the last frame is the final state
    own = ds.final_overlap.sel(stored_image="house", image="house")
    assert np.allclose(own.values, ds.overlap.sel(image="house").values)
    last = ds.state.isel(sweep=-1).values.reshape(2, 3, 2, -1).astype(float)
    xi = ds.original.values.reshape(2, -1).astype(float)
    assert np.allclose(np.einsum("kcun,kn->kcu", last, xi) / 1024, ds.overlap.values)
    _has_attrs(ds)
    assert "images:" in proc.stdout
    paths = _analysis("images").main([str(tmp_path / "run")])
    names = {p.name for p in paths}
    assert {"images_house.png", "images_frames_letter.png", "images_weights.png"} <= names


def test_images_same_seed_same_result():
    cfg = compose_config(
        "experiment=images",
        "images.side=16",
        "images.corruptions=[noise]",
        "images.updates=[async]",
    )
    a = images_exp.run(images_exp.parameters(cfg), SeedTree(3))
    b = images_exp.run(images_exp.parameters(cfg), SeedTree(3))
    assert np.array_equal(a.state.values, b.state.values)


def test_images_missing_path_exits_2(hopsim_cmd, tmp_path):
    missing = tmp_path / "no_such_picture.png"
    proc = hopsim_cmd("experiment=images", f"images.paths=[smiley,{missing}]")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "images.paths[1]" in lines[0] and "no_such_picture.png" in lines[0]
    assert not (tmp_path / "run" / "result.nc").exists()


@pytest.mark.parametrize(
    "override,key",
    [
        ("images.side=1", "images.side"),
        ("images.binarize=blur", "images.binarize"),
        ("images.corruptions=[noise,smudge]", "images.corruptions"),
        ("images.updates=[sync,sync]", "images.updates"),
        ("images.noise_level=1.5", "images.noise_level"),
        ("images.paths=[]", "images.paths"),
    ],
)
def test_images_bad_config(override, key):
    cfg = compose_config("experiment=images", override)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        images_exp.validate(cfg)
