"""The ``gradients`` experiment: the copy task, the lag sweep's seeding, the learning-rate
search, the explosion runs, the work estimate and bad values."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import compose_config

from hopsim import rnn
from hopsim.analysis import gating
from hopsim.config import ConfigError
from hopsim.experiments import _copytask, gradients
from hopsim.preflight import validate
from hopsim.rng import SeedTree

torch.set_num_threads(1)

SMALL = (
    "experiment=gradients",
    "threads=1",
    "task.validation=256",
    "gradients.length=31",
    "gradients.batch_size=32",
    "explode.seeds=0",
)


def _run(*overrides: str):
    params = gradients.parameters(compose_config(*SMALL, *overrides))
    return gradients.run(params, SeedTree(0))


@pytest.fixture(scope="module")
def copy_run():
    return _run(
        "task.lags=[5]",
        "task.seeds=4",
        "model.variants=[rnn,lstm,gru]",
        "train.lr=0.01",
        "train.budgets=[100,300]",
        "explode.seeds=2",
        "explode.steps=60",
    )


def test_copy_batch_holds_the_symbol_the_flag_and_nothing_between():
    x, y = _copytask.copy_batch(np.random.default_rng(0), 16, 4, 5, False)
    assert x.shape == (16, 5, 6)
    np.testing.assert_array_equal(x[:, 0, :5].argmax(1), y)
    assert (x[:, 1:4] == 0).all() and (x[:, 4, 5] == 1).all() and (x[:, 4, :5] == 0).all()
    xd, _ = _copytask.copy_batch(np.random.default_rng(0), 16, 4, 5, True)
    assert (xd[:, 1:4, :5].sum(-1) == 1).all()  # one distractor symbol per lag step


def test_gated_models_learn_the_copy_task_at_a_short_lag_for_most_seeds(copy_run):
    for variant in ("lstm", "gru"):
        solved = int(copy_run.solved.sel(variant=variant, lag=5, budget=300).sum())
        assert solved >= 3, (variant, solved)


def test_solved_within_a_budget_is_read_off_the_one_longer_run(copy_run):
    step = copy_run.solved_step
    for b in (100, 300):
        np.testing.assert_array_equal(
            copy_run.solved.sel(budget=b), ((step >= 0) & (step <= b)).astype(np.int8)
        )
    # a solved run stopped at its solving evaluation and reached the threshold there
    solved = (step >= 0).values
    assert (copy_run.train_steps.values[solved] == step.values[solved]).all()
    assert (copy_run.accuracy.values[solved] >= 0.99).all()
    assert (copy_run.train_steps.values[~solved] == 300).all()  # no other stop


def test_every_models_gradient_norm_falls_with_the_lag_at_initialisation(copy_run):
    g = copy_run.grad_h.sel(stage="init").mean(["lag", "seed"])
    for variant in copy_run.variant.values:
        row = g.sel(variant=variant).values
        assert row[10] < 0.1 * row[0] and row[30] < 1e-3 * row[0], (variant, row[[0, 10, 30]])
    c = copy_run.grad_c.sel(stage="init", variant="lstm").mean(["lag", "seed"]).values
    assert c[30] < 1e-3 * c[1]


def test_a_cell_is_the_same_whatever_else_the_sweep_holds(copy_run):
    """(variant, lag, seed) keys its own streams: order, other models, lags and seed counts
    do not change it."""
    alone = _run(
        "task.lags=[7,5]",
        "task.seeds=2",
        "model.variants=[gru]",
        "train.lr.gru=0.01",
        "train.budgets=[100,300]",
    )
    for name in ("solved_step", "accuracy", "val_accuracy", "grad_h"):
        a = alone[name].sel(variant="gru", lag=5, seed=[0, 1])
        b = copy_run[name].sel(variant="gru", lag=5, seed=[0, 1])
        np.testing.assert_array_equal(a.values, b.values, err_msg=name)


def test_forget_bias_one_starts_from_the_default_lstm_weights():
    s = _copytask.Setting(8, False, 6, 16, 0.99, 8, None, 5)
    models = {}
    for variant in ("lstm", "lstm_forget1"):
        rnn.seed_torch(SeedTree(0), "copy", _copytask.kind(variant), 5, 0)
        models[variant] = _copytask.build(rnn, variant, s.symbols, s.hidden)
    a, b = (dict(models[v].named_parameters()) for v in ("lstm", "lstm_forget1"))
    for name in a:
        if not name.startswith("rnn.bias"):
            torch.testing.assert_close(a[name], b[name], msg=name)
    forget = (b["rnn.bias_ih_l0"] + b["rnn.bias_hh_l0"])[6:12]
    torch.testing.assert_close(forget, torch.ones(6))


def test_the_search_picks_by_its_rule_and_leaves_the_sweep_as_a_fixed_rate_would():
    common = (
        "task.lags=[4]",
        "task.seeds=2",
        "model.variants=[rnn,gru]",
        "train.budgets=[50,100]",
    )
    searched = _run(
        *common, "task.lr_search=true", "search.lrs=[0.0003,0.01]", "search.lags=[4]",
        "search.seeds=2",
    )  # fmt: skip
    chosen, scores = gating.choose_learning_rate(
        searched.search_solved_step, searched.search_accuracy, 50
    )
    np.testing.assert_array_equal(searched.learning_rate.values, chosen.values)
    assert searched.attrs["lr_source"] == "search" and searched.attrs["search_budget"] == 50
    # at lag 4 within 50 steps lr 0.01 solves more than 0.0003 (which barely moves)
    assert (chosen.values == 0.01).all(), scores.solved.values
    fixed = _run(*common, "train.lr.rnn=0.01", "train.lr.gru=0.01")
    for name in ("solved_step", "accuracy", "grad_h"):
        np.testing.assert_array_equal(searched[name].values, fixed[name].values, err_msg=name)
    # the search's own seed streams: its held-out data are not the sweep's
    a = _copytask.copy_batch(SeedTree(0).generator("lr_search", "validation", 4, 0), 8, 4, 8, 0)
    b = _copytask.copy_batch(SeedTree(0).generator("copy", "validation", 4, 0), 8, 4, 8, 0)
    assert not np.array_equal(a[1], b[1])


def test_sgd_clipping_bounds_each_step_to_lr_times_the_max_norm():
    """With plain SGD a clipped step moves the parameters by exactly lr * min(|g|, clip)."""
    torch.manual_seed(0)
    model = rnn.Recurrent("rnn", 3, 5, 2, nonlinearity="relu")
    model.set_spectral_radius(3.0)
    x, y = torch.randn(4, 30, 3), torch.tensor([0, 1, 0, 1])
    before = torch.cat([p.detach().flatten().clone() for p in model.parameters()])

    def loss_fn(m, x, y):
        return torch.nn.functional.cross_entropy(m(x)[0][:, -1], y)

    calls = []

    def val(m):  # each evaluation "better" than the last, so the stepped model is kept
        calls.append(1)
        return 0.0, float(len(calls))

    hist = rnn.train(
        model, lambda step: (x, y), loss_fn, val, 1, 0.1, clip=0.5,
        eval_every=1, patience=None, optimizer="sgd",
    )  # fmt: skip
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert hist.grad_norm[0] > 0.5
    assert float((after - before).norm()) == pytest.approx(0.1 * 0.5, rel=1e-4)


def test_explosion_runs_explode_without_clipping_and_not_with(copy_run):
    """ReLU SimpleRNN at spectral radius 2, lag 30, SGD lr 0.03 (the defaults): both seeds
    reach an inf/NaN step unclipped within 60 steps; the same runs clipped never do."""
    assert copy_run.explode_loss.sizes == {"clipping": 2, "explode_seed": 2, "step": 60}
    table = gating.explosion_table(copy_run)
    np.testing.assert_array_equal(table.exploded.values, [2, 2 * 0])
    first = copy_run.explode_first_nonfinite.sel(clipping="none").values
    assert (first > 0).all()
    for s, f in enumerate(first):  # finite before, not after
        loss = copy_run.explode_loss.sel(clipping="none", explode_seed=s).values
        assert np.isfinite(loss[: f - 1]).all() and not np.isfinite(loss[f - 1 :]).any()
    assert np.isfinite(copy_run.explode_loss.isel(clipping=1)).all()


def test_work_estimate_counts_what_the_config_asks():
    base = gradients.parameters(compose_config(*SMALL))
    double = gradients.parameters(compose_config(*SMALL, "task.seeds=16"))
    parts, parts2 = gradients._work_parts(base), gradients._work_parts(double)
    assert parts2["train.budgets"] == pytest.approx(2 * parts["train.budgets"])
    assert parts["search.lrs"] == 0.0
    searched = gradients.parameters(compose_config(*SMALL, "task.lr_search=true"))
    assert gradients._work_parts(searched)["search.lrs"] > 0
    assert gradients.work_seconds(base) == pytest.approx(sum(parts.values()))
    # the cost model grows with the lag, the budget and the model size
    cost = _copytask.run_seconds
    assert cost("gru", 50, 1000, 64, 32, 8) > cost("gru", 10, 1000, 64, 32, 8)
    assert cost("gru", 10, 2000, 64, 32, 8) == pytest.approx(2 * cost("gru", 10, 1000, 64, 32, 8))
    assert cost("lstm", 10, 1000, 64, 256, 8) > 5 * cost("lstm", 10, 1000, 64, 32, 8)


def test_progress_shows_the_time_remaining(hopsim_cmd):
    proc = hopsim_cmd(
        *SMALL[:2], "progress=on", "task.lags=[2]", "task.seeds=1", "model.variants=[rnn]",
        "train.budgets=[10]", "train.eval_every=5", "gradients.length=4",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "gradients rnn lag=2 seed=0" in proc.stderr and "<" in proc.stderr


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("model.variants=[rnn,tcn]", "model.variants"),
        ("model.variants=[rnn,rnn]", "model.variants"),
        ("task.lags=[0]", "task.lags"),
        ("task.lags=[5,5]", "task.lags"),
        ("train.lr=0", "train.lr"),
        ("train.lr.gru=nan", "train.lr"),
        ("train.lr.gru=-1", "train.lr.gru"),
        ("+train.lr.tcn=0.1", "train.lr"),
        ("train.lr=fast", "train.lr"),
        ("train.budgets=[1000,1010]", "train.budgets"),
        ("train.budgets=[1000,1000]", "train.budgets"),
        ("train.budgets=[-25]", "train.budgets"),
        ("task.lr_search=maybe", "task.lr_search"),
        ("search.lrs=[0]", "search.lrs"),
        ("search.lrs=[0.01,0.01]", "search.lrs"),
        ("search.lrs=[inf]", "search.lrs"),
        ("search.seeds=0", "search.seeds"),
        ("search.lags=[20.5]", "search.lags"),
        ("explode.nonlinearity=sigmoid", "explode.nonlinearity"),
        ("explode.optimizer=rmsprop", "explode.optimizer"),
        ("explode.radius=-2", "explode.radius"),
        ("explode.lr=1e300", "explode.lr"),
        ("explode.steps=100000000", "explode.steps"),
    ],
)
def test_gradients_bad_values_are_refused_naming_the_key(override, key):
    try:
        cfg = compose_config("experiment=gradients", override)
    except Exception as exc:
        assert key.split(".")[0] in str(exc)
        return
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert err.value.key.startswith(key) and "\n" not in str(err.value), str(err.value)


@pytest.mark.parametrize("override", ["train.budgets=[1000,1010]", "train.lr.gru=nan"])
def test_gradients_bad_values_stop_the_command_with_one_line(hopsim_cmd, override):
    proc = hopsim_cmd("experiment=gradients", override)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and override.split("=")[0].rsplit(".", 1)[0] in lines[0], proc.stderr


def test_a_days_long_run_is_refused_before_any_work():
    from hopsim import experiments

    params = gradients.parameters(compose_config(*SMALL, "task.seeds=1000"))
    with pytest.raises(ConfigError, match=r"^task.seeds=1000 would run for"):
        experiments.check_estimate(gradients, params, given=["task.seeds"])
    assert gradients.work_seconds(params) > 86_400.0
