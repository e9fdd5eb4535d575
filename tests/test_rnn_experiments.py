"""The RNN experiments: sequence replay, completion, and all three end to end (gradients:
tests/test_gradients.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import compose_config

from hopsim.experiments import completion, sequence_memory
from hopsim.io import load_dataset
from hopsim.patterns import random_patterns
from hopsim.rng import SeedTree

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]


def _replay_rate(N: int, P: int, trials: int) -> float:
    seeds = SeedTree(0)
    exact = 0
    for t in range(trials):
        xi = random_patterns(seeds.generator("sequence", N, P, t), P, N)
        correct, _ = sequence_memory.hopfield_replay(xi, xi[:1])
        exact += int(correct[0] == P - 1)
    return exact / trials


def test_temporal_association_replays_a_short_sequence_exactly():
    assert _replay_rate(N=200, P=5, trials=20) == 1.0  # load 0.025


def test_temporal_association_fails_past_its_capacity():
    assert _replay_rate(N=200, P=100, trials=10) == 0.0  # load 0.5


def _slow_rate(N: int, P: int, trials: int) -> float:
    seeds = SeedTree(0)
    exact = 0
    for t in range(trials):
        xi = random_patterns(seeds.generator("sequence", N, P, t), P, N)
        rng = seeds.generator("slow", t)
        exact += int(sequence_memory.slow_synapse_replay(xi, xi[0], 2.0, 4, rng) == P - 1)
    return exact / trials


def test_slow_synapses_replay_asynchronously_at_low_load_and_fail_past_capacity():
    assert _slow_rate(N=100, P=4, trials=5) == 1.0
    assert _slow_rate(N=100, P=50, trials=3) == 0.0


def test_temporal_rule_maps_each_pattern_to_the_next():
    xi = random_patterns(SeedTree(1).generator("x"), 4, 300)
    W = sequence_memory.temporal_couplings(xi)
    nxt = np.where(xi[:-1] @ W.T >= 0, 1, -1)
    np.testing.assert_array_equal(nxt, xi[1:])


def test_flip_changes_exactly_round_level_n_bits():
    xi = random_patterns(SeedTree(0).generator("p"), 5, 40)
    out = sequence_memory.flip(SeedTree(0).generator("f"), xi, 0.25)
    np.testing.assert_array_equal((out != xi).sum(axis=1), 10)


def test_sequence_memory_rnn_replays_a_short_sequence():
    cfg = compose_config(
        "experiment=sequence_memory",
        "threads=1",
        "sequence.N=32",
        "sequence.lengths=[4,8]",
        "hopfield.trials=10",
        "rnn.kinds=[gru]",
        "rnn.hidden=32",
        "rnn.seeds=1",
        "rnn.cues=5",
    )
    ds = sequence_memory.run(sequence_memory.parameters(cfg), SeedTree(0))
    assert int(ds.rnn_exact.sel(noise=0.0).min()) == 1  # GRU replays P = 4 and 8 exactly
    assert float(ds.hop_exact.sel(noise=0.0, length=4).mean()) == 1.0
    assert (
        int(ds.rnn_parameters.sel(kind="gru", hidden=32, N=32))
        == 3 * (32 * 32 * 2 + 64) + 32 * 32 + 32
    )


def test_completion_matched_gru_recalls_at_low_load_and_quantises():
    cfg = compose_config(
        "experiment=completion",
        "threads=1",
        "completion.N=32",
        "completion.P=[3]",
        "completion.noise=[0.0,0.1]",
        "completion.trials=30",
        "hopfield.rules=[hebb]",
        "rnn.kinds=[gru]",
        "rnn.sizes=[N2]",
        "train.steps=600",
    )
    ds = completion.run(completion.parameters(cfg), SeedTree(0))
    assert float(ds.hop_overlap.mean()) > 0.95
    assert float(ds.rnn_overlap.mean()) > 0.95
    assert abs(int(ds.rnn_parameters.item()) - 32 * 32) < 200
    assert int(ds.rnn_bytes_int8.item()) < int(ds.rnn_bytes_float32.item()) / 3
    assert float(ds.rnn_overlap_int8.mean()) > 0.9


@pytest.mark.parametrize(
    ("experiment", "overrides", "script"),
    [
        (
            "sequence_memory",
            [
                "sequence.N=16",
                "sequence.lengths=[2,4]",
                "hopfield.trials=5",
                "rnn.kinds=[rnn]",
                "rnn.hidden=8",
                "rnn.cues=2",
                "train.steps=30",
            ],
            "sequence_memory.py",
        ),
        (
            "completion",
            [
                "completion.N=16",
                "completion.P=[2,3]",
                "completion.noise=[0.0,0.3]",
                "completion.trials=6",
                "hopfield.rules=[hebb]",
                "rnn.kinds=[rnn]",
                "train.steps=30",
            ],
            "completion.py",
        ),
        (
            "gradients",
            [
                "task.lags=[2,3]",
                "task.seeds=2",
                "model.variants=[rnn,lstm]",
                "model.hidden=8",
                "train.budgets=[25,50]",
                "gradients.length=8",
                "explode.steps=10",
                "explode.seeds=1",
                "explode.lag=3",
            ],
            "gradients.py",
        ),
    ],
)
def test_command_and_figure_end_to_end(hopsim_cmd, tmp_path, experiment, overrides, script):
    proc = hopsim_cmd(f"experiment={experiment}", "threads=1", *overrides)
    assert proc.returncode == 0, proc.stderr
    assert experiment in proc.stdout
    ds = load_dataset(tmp_path / "run" / "result.nc")
    assert ds.attrs["experiment"] == experiment
    for name in ds.data_vars:
        assert "long_name" in ds[name].attrs, name
    fig = subprocess.run(
        [sys.executable, str(ROOT / "analysis" / script), str(tmp_path / "run")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fig.returncode == 0, fig.stderr
    for stem in {"gradients": {"gating", "gradients"}}.get(experiment, {experiment}):
        assert (tmp_path / "run" / f"{stem}.png").stat().st_size > 0
    import hopsim  # noqa: F401  (registers ds.hopsim: the same figure from the package)

    stems = {"gradients": {"gating", "gradients"}}.get(experiment, {experiment})
    assert set(ds.hopsim.figures()) == stems


def test_completion_and_sequence_bad_values_stop_with_one_line(hopsim_cmd):
    for args, key in (
        (("experiment=completion", "rnn.sizes=[N3]"), "rnn.sizes"),
        (("experiment=completion", "hopfield.rules=[nope]"), "hopfield.rules"),
        (("experiment=sequence_memory", "sequence.lengths=[1]"), "sequence.lengths"),
        (("experiment=sequence_memory", "rnn.kinds=[lstm,lstm]"), "rnn.kinds"),
    ):
        proc = hopsim_cmd(*args)
        assert proc.returncode == 2 and key in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
