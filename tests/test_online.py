"""The online experiment: layout, the blackout, palimpsest capacities against theory with
their measured finite-size shift, reproducibility, the RNN learner, hostile config values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import compose_config
from test_hostile_inputs import assert_refused, exp

from hopsim.analysis.online import (
    retrievable,
    retrievable_mean,
    retrieval_by_age,
    retrieved,
    theory_capacity,
    theory_retrievable,
)
from hopsim.experiments import online
from hopsim.rng import SeedTree

O = "online"

SMALL = (
    "online.N=[60,80]",
    "online.rules=[hebb,storkey,hebb_decay,hebb_bounded]",
    "online.options.hebb_decay.epsilon=[3.0,4.108]",
    "online.options.hebb_bounded.bound=[0.355]",
    "online.checkpoints=[0.1,0.5]",
    "online.max_age=0.3",
    "online.ages=10",
    "online.streams=2",
)


def _run(*overrides, seed=0):
    cfg = compose_config("experiment=online", *overrides)
    return online.run(online.parameters(cfg), SeedTree(seed))


def test_layout_and_contract():
    ds = _run(*SMALL)
    assert ds.overlap.dims == ("learner", "N", "checkpoint", "noise", "stream", "slot")
    assert list(ds.learner.values) == [
        "hebb",
        "storkey",
        "hebb_decay epsilon=3",
        "hebb_decay epsilon=4.108",
        "hebb_bounded bound=0.355",
    ]
    assert list(ds.value.values[2:]) == [3.0, 4.108, 0.355] and np.isnan(ds.value.values[:2]).all()
    for name in list(ds.data_vars) + list(ds.coords):
        assert {"long_name", "units"} <= set(ds[name].attrs), name
    # N = 80: ages 0..23 (0.3 N) in 10 slots of stride 3; 8 and 40 patterns stored
    assert int(ds.stride.sel(N=80)) == 3 and list(ds.age.sel(N=80).values[:3]) == [0, 3, 6]
    assert list(ds.stored.sel(N=80).values) == [8, 40]
    ages = ds.age.sel(N=80).values
    early = ds.overlap.sel(N=80, checkpoint=0.1)
    assert early.isel(slot=np.flatnonzero(ages >= 8)).isnull().all()  # not stored yet
    assert early.isel(slot=np.flatnonzero((ages >= 0) & (ages < 8))).notnull().all()
    # 6 and 8 patterns: Hebb and Storkey retrieve them all from the patterns themselves, a
    # palimpsest at least its newest (its capacity is ~0.05 N, 3 or 4 patterns)
    hit = retrieved(ds).sel(checkpoint=0.1)
    assert float(hit.sel(learner=["hebb", "storkey"]).mean()) == 1.0
    assert float(hit.isel(slot=0).mean()) == 1.0
    assert (ds.parameters == ds.N**2).all()
    assert "hebb_decay epsilon=4.108" in online.summary(ds)


def test_retrievable_counts_what_was_retrieved():
    ds = _run(*SMALL)
    alpha = retrievable(ds)
    hits = retrieved(ds).sel(N=80, learner="hebb", checkpoint=0.5, noise=0.0, stream=0)
    assert float(alpha.sel(N=80, learner="hebb", checkpoint=0.5, noise=0.0, stream=0)) == (
        float(hits.sum()) * 3 / 80
    )
    by_age = retrieval_by_age(ds)
    assert (
        float(by_age.fraction.sel(N=60, checkpoint=0.1, learner="hebb").isel(noise=0, slot=0)) == 1
    )
    th = theory_retrievable(ds)
    # Hebb: everything up to 0.138 N, nothing beyond; a palimpsest: its capacity
    assert float(th.sel(learner="hebb", N=60, checkpoint=0.1)) == pytest.approx(6 / 60)
    assert float(th.sel(learner="hebb", N=60, checkpoint=0.5)) == 0.0
    cap = float(theory_capacity(ds).sel(learner="hebb_decay epsilon=4.108"))
    assert cap == pytest.approx(0.049, abs=1e-3)
    assert float(th.sel(learner="hebb_decay epsilon=4.108", N=80, checkpoint=0.5)) == cap
    assert th.sel(learner="storkey").isnull().all()


def test_hebbs_stream_blacks_out_past_alpha_c():
    """AGS: retrieval up to 0.138 N patterns, then almost none, new or old."""
    ds = _run(
        "online.N=[300]",
        "online.rules=[hebb,hebb_decay]",
        "online.options.hebb_decay.epsilon=[4.108]",
        "online.checkpoints=[0.05,0.1,0.3,0.6]",
        "online.max_age=0.6",
        "online.ages=60",
    )
    r = retrieved(ds).isel(N=0, noise=0)
    frac = r.sum(["slot", "stream"]) / r.notnull().sum(["slot", "stream"])
    hebb = frac.sel(learner="hebb").values
    assert hebb[0] == 1.0 and hebb[1] == 1.0  # 15 and 30 patterns: all retrieved
    assert hebb[2] <= 0.02 and hebb[3] <= 0.02  # 90 and 180: the blackout (2 x 60 ages tested)
    # the palimpsest keeps its most recent patterns through the same stream
    alpha = retrievable_mean(ds).alpha.isel(N=0, noise=0)
    assert float(alpha.sel(learner="hebb_decay epsilon=4.108", checkpoint=0.6)) > 0.04


#: alpha(N) = alpha_theory + b / sqrt(N): b measured on N = 200, 500, 1000, 2000 (6 streams
#: each, seed 1; docs/memory_over_time.md), where the weighted 1/sqrt(N) fit gives
#: 0.0481 +/- 0.0014 (decay) and 0.0413 +/- 0.0012 (bounds) at N = inf
FINITE_SIZE_SLOPE = {"hebb_decay": 0.298, "hebb_bounded": 0.225}


def test_palimpsest_capacity_at_the_optimum_follows_theory_plus_its_finite_size_shift():
    N = 400
    ds = _run(
        f"online.N=[{N}]",
        "online.rules=[hebb_decay,hebb_bounded]",
        "online.options.hebb_decay.epsilon=[4.108]",
        "online.options.hebb_bounded.bound=[0.355]",
        "online.checkpoints=[1.0]",
        "online.max_age=0.15",
        "online.ages=60",
        "online.streams=4",
        seed=3,
    )
    mean = retrievable_mean(ds).isel(N=0, checkpoint=0, noise=0)
    theory = theory_capacity(ds)
    for label in ds.learner.values:
        rule = str(ds.rule.sel(learner=label).item())
        expected = float(theory.sel(learner=label)) + FINITE_SIZE_SLOPE[rule] / math.sqrt(N)
        se = max(float(mean.stderr.sel(learner=label)), 1.0 / N)
        # 4 standard errors of the 4 streams, and the slope's own error (~0.05) / sqrt(N)
        assert float(mean.alpha.sel(learner=label)) == pytest.approx(
            expected, abs=4 * se + 0.05 / math.sqrt(N)
        ), label


def test_same_seed_same_numbers_and_results_do_not_depend_on_batching_or_checkpoints():
    base = ("online.N=[50]", "online.rules=[hebb_decay,hebb_bounded]", "online.noise=[0,0.2]")
    a = _run(*base, "online.checkpoints=[0.2,0.6]")
    b = _run(*base, "online.checkpoints=[0.2,0.6]", "dynamics.batch_size=3")
    np.testing.assert_array_equal(a.overlap.values, b.overlap.values)
    c = _run(*base, "online.checkpoints=[0.2]")  # a shorter stream is a prefix of the longer
    np.testing.assert_array_equal(
        a.overlap.sel(checkpoint=0.2).values, c.overlap.sel(checkpoint=0.2).values
    )
    d = _run(*base, "online.checkpoints=[0.2,0.6]", seed=1)
    assert not np.array_equal(np.nan_to_num(a.overlap.values), np.nan_to_num(d.overlap.values))


def test_rnn_learner_is_fine_tuned_online_and_reproducible():
    pytest.importorskip("torch")
    over = (
        "online.N=[16]",
        "online.rules=[hebb_decay]",
        "online.options.hebb_decay.epsilon=[4.108]",
        "rnn.kinds=[gru]",
        "online.checkpoints=[0.5,1.0]",
        "online.max_age=1.0",
        "train.steps=5",
        "online.streams=1",
        "threads=1",
    )
    a, b = _run(*over, "rnn.sizes=[N2,NP]"), _run(*over, "rnn.sizes=[N2]")
    # the same seed, the same numbers; a learner's numbers do not depend on the others
    np.testing.assert_array_equal(a.overlap.values[:2], b.overlap.values)
    assert list(a.learner.values) == ["hebb_decay epsilon=4.108", "gru N2", "gru NP"]
    assert list(a.family.values) == ["hopfield", "rnn", "rnn"]
    from hopsim import rnn

    for size, budget in (("N2", 256), ("NP", 256)):
        H = rnn.hidden_for_parameters("gru", 16, 16, budget)
        assert int(a.parameters.sel(learner=f"gru {size}", N=16)) == (
            rnn.closed_form_parameters("gru", 16, H, 16)
        )
    got = a.overlap.sel(learner="gru N2")
    assert got.sel(checkpoint=1.0).notnull().sum() == 16  # every age answered at the end
    assert np.isfinite(got.sel(checkpoint=1.0)).all()
    assert a.attrs["train_steps"] == 5


# ----------------------------------------------------------------------------- bad input

NAN, INF = math.nan, math.inf
#: (key, value): every key of the experiment with NaN, inf, negative, huge, the wrong type,
#: duplicates (checked on a composed config, changed in place: no Hydra compose per case)
HOSTILE = [
    ("online.N", NAN),
    ("online.N", [200, INF]),
    ("online.N", -5),
    ("online.N", 1),
    ("online.N", [200, 200]),
    ("online.N", "abc"),
    ("online.N", 10**7),
    ("online.N", [90_000]),  # the couplings do not fit in memory
    ("online.rules", ["hebb", "hebb"]),
    ("online.rules", ["hebbb"]),
    ("online.rules", 3),
    ("online.rules", []),
    ("online.options", 3),
    ("online.options.hebb_decay", 4.0),
    ("online.options.hebb_decay.epsilon", NAN),
    ("online.options.hebb_decay.epsilon", [3, INF]),
    ("online.options.hebb_decay.epsilon", -1),
    ("online.options.hebb_decay.epsilon", 1e9),
    ("online.options.hebb_decay.epsilon", [3, 3]),
    ("online.options.hebb_decay.epsilon", []),
    ("online.options.hebb_decay.epsilon", "x"),
    ("online.options.hebb_decay.epsilon", True),
    ("online.options.hebb_bounded.bound", 0),
    ("online.options.hebb_bounded.bound", [0.3, -0.1]),
    ("online.options.hebb_bounded.kappa", 1),
    ("online.options.nosuch", {"x": 1}),
    ("online.checkpoints", [0.1, NAN]),
    ("online.checkpoints", 0),
    ("online.checkpoints", [0.1, 0.1]),
    ("online.checkpoints", 1e6),
    ("online.checkpoints", "end"),
    ("online.max_age", INF),
    ("online.max_age", 0),
    ("online.max_age", -0.1),
    ("online.ages", 0),
    ("online.ages", 2.5),
    ("online.ages", 10**12),
    ("online.noise", [0, 1.5]),
    ("online.noise", [0.1, 0.1]),
    ("online.noise", NAN),
    ("online.threshold", 0),
    ("online.threshold", NAN),
    ("online.threshold", 1.5),
    ("online.threshold", "yes"),
    ("online.streams", 0),
    ("online.streams", 10**30),
    ("online.streams", 1.5),
    ("rnn.kinds", ["gru", "gru"]),
    ("rnn.kinds", ["transformer"]),
    ("rnn.sizes", ["N3"]),
    ("rnn.sizes", []),
    ("rnn.batch", 0),
    ("rnn.steps", -1),
    ("rnn.train_noise", 2),
    ("train.steps", 0),
    ("train.lr", 0),
    ("train.lr", NAN),
    ("train.clip", -1),
    ("train.batch_size", 0),
    ("dynamics.max_sweeps", 0),
]


@pytest.fixture(scope="module")
def base_cfg():
    return compose_config("experiment=online")


@pytest.mark.parametrize(("key", "value"), HOSTILE)
def test_hostile_values_are_refused_naming_the_key(base_cfg, key, value):
    from omegaconf import OmegaConf

    from hopsim.config import ConfigError

    cfg = OmegaConf.create(OmegaConf.to_container(base_cfg))
    OmegaConf.update(cfg, key, value, force_add=True)
    with pytest.raises(ConfigError) as info:
        online.parameters(cfg)
    assert str(info.value).startswith(key), (key, str(info.value))


def test_runs_beyond_a_day_are_refused(base_cfg):
    from omegaconf import OmegaConf

    from hopsim import experiments
    from hopsim.resources import ResourceError

    for key, value, extra in (
        ("online.streams", 1000, {"online.N": [5000]}),
        ("train.steps", 10**6, {"rnn.kinds": ["gru"], "online.N": [64]}),
    ):
        cfg = OmegaConf.create(OmegaConf.to_container(base_cfg))
        for k, v in {key: value, **extra}.items():
            OmegaConf.update(cfg, k, v)
        params = online.parameters(cfg)
        with pytest.raises(ResourceError, match=f"^{key}=.* would run for"):
            experiments.check_estimate(online, params, given=[key])


COMMAND = [
    (exp(O, "online.N=[200,inf]"), "online.N"),
    (exp(O, "online.options.hebb_decay.epsilon=[3,3]"), "online.options.hebb_decay.epsilon"),
    (exp(O, "+online.options.hebb_bounded.kappa=1"), "online.options.hebb_bounded.kappa"),
    (exp(O, "online.N=90000"), "online.N"),
]


@pytest.mark.parametrize(("argv", "key"), COMMAND)
def test_the_command_refuses_in_one_line(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


def test_a_sweep_over_a_key_merges(hopsim_cmd, tmp_path):
    from hopsim.io import load_dataset

    res = hopsim_cmd(
        "experiment=online",
        "online.N=[40]",
        "online.threshold=0.8,0.9",
        "online.rules=[hebb,hebb_decay]",
        "online.options.hebb_decay.epsilon=[4.108]",
        "online.checkpoints=[0.1,0.4]",
        "online.streams=1",
        multirun=True,
    )
    assert res.returncode == 0, res.stderr
    ds = load_dataset(tmp_path / "sweep" / "result.nc")
    assert "threshold" in ds.dims and list(ds.threshold.values) == [0.8, 0.9]
    # the same overlaps, judged against either threshold
    np.testing.assert_array_equal(
        ds.overlap.sel(threshold=0.8).values, ds.overlap.sel(threshold=0.9).values
    )
    hit = retrieved(ds)
    hits = hit.sum([d for d in hit.dims if d != "threshold"])
    assert float(hits.sel(threshold=0.8)) >= float(hits.sel(threshold=0.9))
