"""Saving and loading a network: Network.save / hopsim.load_network, and network.from=PATH.

A round trip gives the same couplings bit for bit (every rule, every storage mode, the
dense J in its own dtype, the factors, the update state) and the same recall; a missing,
truncated or foreign file is refused in one line.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import hopsim
from hopsim.io import DatasetError

CASES = [
    ("hebb", {}, "dense"),
    ("hebb", {}, "compact"),
    ("hebb", {}, "lowrank"),
    ("storkey", {}, "dense"),
    ("storkey", {}, "lowrank"),
    ("pseudo_inverse", {"zero_diagonal": True}, "lowrank"),
    ("covariance", {"activity": 0.1}, "dense"),
    ("krauth_mezard", {"kappa": 0.3}, "lowrank"),
]


@pytest.mark.parametrize(("rule", "options", "mode"), CASES)
def test_round_trip_is_bit_for_bit_and_recalls_the_same(tmp_path, rule, options, mode):
    xi = hopsim.random_patterns(15, 90, seed=0)
    net = hopsim.store(xi, rule, mode=mode, theta=0.01, tie="keep", **options)
    back = hopsim.load_network(net.save(tmp_path / "net.nc"))
    assert back.mode == net.mode and back.tie == "keep"
    if net.J is not None:
        assert back.J.dtype == net.J.dtype
        np.testing.assert_array_equal(back.J, net.J)
    for name in ("left", "right", "diagonal"):
        np.testing.assert_array_equal(getattr(back.factors, name), getattr(net.factors, name))
    np.testing.assert_array_equal(back.thresholds, net.thresholds)
    np.testing.assert_array_equal(back.raw_thresholds, net.raw_thresholds)
    np.testing.assert_array_equal(back.patterns, net.patterns)
    assert back.couplings.options == net.couplings.options
    assert back.couplings.info == net.couplings.info
    cues = hopsim.corrupt(xi, "flip", 0.2, seed=1, trials=2)
    a, b = net.recall(cues, seed=2), back.recall(cues, seed=2)
    for name in ("state", "energy", "sweeps", "relation"):
        np.testing.assert_array_equal(a[name].values, b[name].values)


def test_a_loaded_network_keeps_learning_and_forgetting(tmp_path):
    xi = hopsim.random_patterns(30, 100, seed=3)
    net = hopsim.store(xi[:20], "pseudo_inverse", mode="lowrank")
    back = hopsim.load_network(net.save(tmp_path / "pinv.nc"))
    grown = back.add(xi[20:]).remove(xi[[4, 25]])
    batch = hopsim.store(np.delete(xi, [4, 25], axis=0), "pseudo_inverse")
    np.testing.assert_allclose(grown.couplings.weights(), batch.couplings.weights(), atol=1e-10)


def test_the_file_says_what_it_holds(tmp_path):
    net = hopsim.store(hopsim.random_patterns(4, 50, seed=4), "krauth_mezard", kappa=0.2)
    ds = xr.open_dataset(net.save(tmp_path / "km.nc"), engine="h5netcdf")
    a = ds.attrs
    assert a["format"] == "hopsim-network" and a["rule"] == "krauth_mezard"
    assert (a["N"], a["P"], a["mode"]) == (50, 4, "dense")
    assert '"kappa": 0.2' in a["options"] and "hopsim_version" in a and "created" in a
    ds.close()


def test_missing_truncated_and_foreign_files_are_one_line(tmp_path):
    net = hopsim.store(hopsim.random_patterns(10, 200, seed=5), mode="dense")
    good = net.save(tmp_path / "net.nc")
    truncated = tmp_path / "cut.nc"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.nc"
    xr.Dataset({"x": ("a", [1, 2])}).to_netcdf(foreign, engine="h5netcdf")
    text = tmp_path / "text.nc"
    text.write_text("not a network\n")
    result = hopsim.run("recall", {"network.N": 20, "patterns.P": 2}, seed=0)
    result_file = tmp_path / "result.nc"
    result.to_netcdf(result_file, engine="h5netcdf")
    for path, message in (
        (tmp_path / "none.nc", "no such network file"),
        (truncated, "not a readable network file"),
        (foreign, "not a saved hopsim network"),
        (text, "not a readable network file"),
        (result_file, "not a saved hopsim network"),
    ):
        with pytest.raises(DatasetError, match=message) as info:
            hopsim.load_network(path)
        assert "\n" not in str(info.value) and isinstance(info.value, ValueError)


def test_couplings_given_directly_cannot_be_saved(tmp_path):
    from hopsim.persist import NetworkFileError

    with pytest.raises(NetworkFileError, match="learned by a rule"):
        hopsim.Network.from_couplings(np.zeros((3, 3))).save(tmp_path / "x.nc")
    assert not (tmp_path / "x.nc").exists()


# ----------------------------------------------------------------------------- network.from


def _saved(tmp_path, N=300, P=30, seed=4, rule="storkey"):
    xi = hopsim.random_patterns(P, N, seed=seed)  # the experiments' pattern stream at seed
    return hopsim.store(xi, rule).save(tmp_path / "net.nc")


def _keys(path, N=300, P=30, rule="storkey"):
    return {"network.from": str(path), "network.N": N, "patterns.P": P, "network.learning": rule}


def test_recall_from_a_saved_network_equals_recall_after_learning(tmp_path):
    """Hebb's integer couplings: bit for bit, whatever BLAS threads formed them (a real
    rule's float32 J is rounded from sums whose order follows the thread count)."""
    path = _saved(tmp_path, rule="hebb")
    probe = hopsim.run("recall", {**_keys(path, rule="hebb"), "trials": 2}, seed=4)
    learned = hopsim.run("recall", {"network.N": 300, "patterns.P": 30, "trials": 2}, seed=4)
    for name in ("overlap", "sweeps", "relation", "energy"):
        np.testing.assert_array_equal(probe[name].values, learned[name].values)
    assert probe.attrs["learning_rule"] == "hebb"


def test_capacity_and_mixtures_probe_one_saved_cell(tmp_path):
    path = _saved(tmp_path)
    keys = {**_keys(path), "network.N": [300], "patterns.alpha": [0.1]}
    del keys["patterns.P"]
    cap = hopsim.run("capacity", {**keys, "trials": 6, "corruption.level": [0.1]}, seed=4)
    assert float(cap.overlap.mean()) > 0.99
    mix = hopsim.run("mixtures", {**keys, "trials": 4}, seed=4)
    assert int(mix.P.item()) == 30
    with pytest.raises(ValueError, match=r"^patterns.alpha=\[0.1, 0.2\] is not allowed: exp"):
        hopsim.run("mixtures", {**keys, "patterns.alpha": [0.1, 0.2]})


@pytest.mark.parametrize(
    ("override", "start"),
    [
        ({"network.N": 200}, "network.N=200"),
        ({"patterns.P": 31}, "patterns.P=31"),
        ({"network.learning": "hebb"}, "network.learning='hebb'"),
        ({"network.tie": "keep"}, "network.tie='keep'"),
        ({"network.theta": 0.5}, "network.theta=0.5"),
        ({"network.from": "nowhere.nc"}, "network.from='nowhere.nc'"),
        ({"network.from": ""}, "network.from=''"),
        ({"network.energy": "polynomial", "network.learning": "hebb"}, "network.energy="),
    ],
)
def test_a_saved_network_must_agree_with_the_config(tmp_path, override, start):
    path = _saved(tmp_path)
    with pytest.raises(ValueError) as info:
        hopsim.run("recall", {**_keys(path), **override})
    assert str(info.value).startswith(start) and "\n" not in str(info.value)


def test_the_command_refuses_a_bad_network_file_with_exit_2(tmp_path):
    path = _saved(tmp_path)
    cut = tmp_path / "cut.nc"
    cut.write_bytes(path.read_bytes()[:1000])
    for bad in (cut, tmp_path / "missing.nc"):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "hopsim",
                "experiment=recall",
                f"network.from={bad}",
                "network.N=300",
                "patterns.P=30",
                "network.learning=storkey",
                f"hydra.run.dir={tmp_path / 'run'}",
            ],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 2, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "network.from=" in lines[0], out.stderr
        assert not (tmp_path / "run").exists()
    rules = subprocess.run(
        [
            sys.executable,
            "-m",
            "hopsim",
            "experiment=rules",
            f"network.from={path}",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        capture_output=True,
        text=True,
    )
    assert rules.returncode == 2 and "network.from" in rules.stderr
