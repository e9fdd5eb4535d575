"""Figures of the RNN experiments (sequence_memory, completion, gradients) from small synthetic
datasets with the experiments' variables: every line is the dataset's values, the panels and
labels are there, levels are not averaged, and the accessor, ``hopsim-plot`` and the
analysis wrappers draw them without torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from figure_runs import (
    assert_legends_clear,
    close_figures,  # noqa: F401  (autouse)
)

import hopsim  # noqa: F401  (registers ds.hopsim)
from hopsim import figures
from hopsim.analysis import gating
from hopsim.experiments.sequence_memory import longest
from hopsim.figures import completion as fig_completion
from hopsim.figures import gradients as fig_gradients
from hopsim.figures import sequence_memory as fig_sequence
from hopsim.figures.cli import main as hopsim_plot
from hopsim.io import save_dataset

ROOT = Path(__file__).resolve().parents[1]


def _title(ax) -> str:
    return ax.get_title(loc="left") + ax.get_title()


def _lines(ax, prefix: str) -> dict[str, np.ndarray]:
    return {
        str(line.get_gid()): np.asarray(line.get_ydata(), dtype=float)
        for line in ax.get_lines()
        if str(line.get_gid()).startswith(prefix)
    }


def sequence_ds(kinds=("rnn", "gru"), hidden=(8, 16)) -> xr.Dataset:
    rng = np.random.default_rng(0)
    Ns, lengths, noise = [16, 32], [2, 4, 8], [0.0, 0.1]
    hop = (rng.random((2, 3, 2, 6)) < [[[[0.9]], [[0.5]], [[0.1]]]]).astype(np.int8)
    slow = (rng.random((2, 3, 2, 3)) < 0.6).astype(np.int8)
    rnn = (rng.random((len(kinds), len(hidden), 2, 3, 3, 2, 4)) < 0.7).astype(np.int8)
    hop[:, 0], slow[:, 0] = 1, 1  # Hopfield always replays the shortest sequence
    rnn[0, 0, :, :, :, 0, :] = 0  # one model never replays from a clean cue: longest 0
    ds = xr.Dataset(
        {
            "hop_exact": (("N", "length", "noise", "trial"), hop),
            "hop_async_exact": (("N", "length", "noise", "async_trial"), slow),
            "rnn_exact": (("kind", "hidden", "N", "length", "seed", "noise", "cue"), rnn),
            "rnn_parameters": (
                ("kind", "hidden", "N"),
                np.arange(1, len(kinds) * len(hidden) * 2 + 1).reshape(len(kinds), len(hidden), 2)
                * 500,
            ),
            "hop_parameters": (("N",), np.array(Ns) ** 2),
        },
        coords={
            "N": Ns,
            "length": lengths,
            "noise": noise,
            "trial": np.arange(6),
            "async_trial": np.arange(3),
            "kind": list(kinds),
            "hidden": list(hidden),
            "seed": [0, 1, 2],
            "cue": np.arange(4),
        },
        attrs={"experiment": "sequence_memory", "train_noise": 0.1},
    )
    return ds


def completion_ds() -> xr.Dataset:
    rng = np.random.default_rng(1)
    P, noise = [2, 4], [0.0, 0.1, 0.2]
    shape_h, shape_r = (3, 2, 3, 5), (2, 2, 2, 3, 5)
    return xr.Dataset(
        {
            "hop_overlap": (("rule", "P", "noise", "trial"), rng.uniform(0.3, 1, shape_h)),
            "rnn_overlap": (("kind", "size", "P", "noise", "trial"), rng.uniform(0.3, 1, shape_r)),
            "rnn_overlap_int8": (
                ("kind", "size", "P", "noise", "trial"),
                rng.uniform(0.3, 1, shape_r),
            ),
            "rnn_bytes_float32": (("kind", "size", "P"), rng.integers(1000, 5000, (2, 2, 2))),
            "rnn_bytes_int8": (("kind", "size", "P"), rng.integers(200, 1000, (2, 2, 2))),
            "hop_bytes_float32": 4 * 16 * 16,
            "hop_bytes_int8": 16 * 16,
        },
        coords={
            "rule": ["hebb", "pseudo_inverse", "modern"],
            "P": P,
            "alpha": ("P", np.array(P) / 16),
            "noise": noise,
            "trial": np.arange(5),
            "kind": ["gru", "rnn"],
            "size": ["N2", "NP"],
        },
        attrs={
            "experiment": "completion",
            "N": 16,
            "train_noise": 0.1,
            "read_steps": 5,
            "update": "async",
            "modern_beta": 1.0,
        },
    )


def gradients_ds(search: bool = True) -> xr.Dataset:
    """Four models, three lags, four seeds, two budgets; the learning-rate search; two
    explosion seeds of which the unclipped ones blow up at steps 3 and 5."""
    rng = np.random.default_rng(2)
    variants, lags, dist = ["rnn", "gru", "lstm", "lstm_forget1"], [2, 4, 8], np.arange(8)
    grad = np.exp(-rng.uniform(0.2, 1.0, (4, 3, 4, 2, 1)) * dist)
    # solved_step per (variant, lag, seed): -1 never; budgets 100 and 200
    steps = np.array(
        [
            [[25, 50, 75, 100], [50, 150, -1, -1], [-1, -1, -1, -1]],  # rnn
            [[25, 25, 25, 50], [50, 75, 100, 200], [150, 175, -1, -1]],  # gru
            [[25, 50, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, -1]],  # lstm: lag 2 only
            [[25, 25, 50, 50], [75, 125, 150, 175], [-1, -1, -1, -1]],  # needs 200 at lag 4
        ]
    )
    loss = rng.uniform(0.1, 3, (2, 2, 6))
    loss[0, 0, 2:] = np.nan  # first inf/NaN at step 3
    loss[0, 1, 4:] = np.inf
    ds = xr.Dataset(
        {
            "solved_step": (("variant", "lag", "seed"), steps),
            "accuracy": (("variant", "lag", "seed"), rng.uniform(0.1, 1, (4, 3, 4))),
            "learning_rate": (("variant",), np.array([0.003, 0.01, 0.003, 0.001])),
            "grad_h": (("variant", "lag", "seed", "stage", "distance"), grad),
            "grad_c": (("variant", "lag", "seed", "stage", "distance"), 0.5 * grad),
            "explode_loss": (("clipping", "explode_seed", "step"), loss),
            "explode_grad_norm": (
                ("clipping", "explode_seed", "step"),
                np.where(np.isfinite(loss), rng.uniform(0.1, 30, (2, 2, 6)), np.nan),
            ),
            "explode_nonfinite": (("clipping", "explode_seed"), np.array([[4, 2], [0, 0]])),
            "explode_first_nonfinite": (("clipping", "explode_seed"), [[3, 5], [-1, -1]]),
        },
        coords={
            "variant": variants,
            "lag": lags,
            "seed": np.arange(4),
            "stage": ["init", "trained"],
            "distance": dist,
            "clipping": ["none", "clip_grad_norm 1"],
            "explode_seed": [0, 1],
            "step": np.arange(1, 7),
        },
        attrs={
            "experiment": "gradients",
            "explode_radius": 2.0,
            "explode_lag": 4,
            "explode_nonlinearity": "relu",
            "explode_optimizer": "sgd",
            "explode_lr": 0.03,
            "symbols": 8,
            "hidden": 16,
            "success_threshold": 0.99,
            "chance": 0.125,
        },
    )
    ds["solved"] = gating.solved_within(ds.solved_step, [100, 200])
    if search:
        search_steps = np.full((4, 3, 2, 2), -1)
        search_steps[:, 1, 0, :] = 50  # lr 0.003 solves lag 2 for every model
        search_steps[1, 2, :, :] = 75  # the GRU solves everything at 0.01
        ds["search_solved_step"] = (("variant", "search_lr", "search_lag", "search_seed"),
                                    search_steps)  # fmt: skip
        ds["search_accuracy"] = xr.where(ds.search_solved_step >= 0, 1.0, 0.3)
        ds = ds.assign_coords(search_lr=[0.001, 0.003, 0.01], search_lag=[2, 4], search_seed=[0, 1])
        ds.attrs["search_budget"] = 100
    return ds


# --- sequence_memory ----------------------------------------------------------------------


def test_sequence_memory_replay_panels_and_longest_are_the_dataset():
    ds = sequence_ds()
    fig = fig_sequence.figure(ds)
    assert [_title(ax)[:3] for ax in fig.axes] == ["(a)", "(b)", "(c)"]
    for ax, N in zip(fig.axes[:2], ds.N.values, strict=True):
        assert f"N = {int(N)}" in _title(ax)
        assert ax.get_xlabel() == "sequence length P [patterns]"
        lines = _lines(ax, "")
        for level in ds.noise.values:  # every level drawn, none averaged
            np.testing.assert_allclose(
                lines[f"hop:{level:g}"], ds.hop_exact.sel(N=N, noise=level).mean("trial")
            )
            np.testing.assert_allclose(
                lines[f"slow:{level:g}"],
                ds.hop_async_exact.sel(N=N, noise=level).mean("async_trial"),
            )
            for kind in ds.kind.values:
                for H in ds.hidden.values:
                    np.testing.assert_allclose(
                        lines[f"rnn:{kind}:{H}:{level:g}"],
                        ds.rnn_exact.sel(kind=kind, hidden=H, N=N, noise=level).mean(
                            ["seed", "cue"]
                        ),
                    )
    ax = fig.axes[-1]
    assert ax.get_yscale() == "log" and "weights" in ax.get_xlabel()
    lines = _lines(ax, "longest:")
    hop = longest(ds.hop_exact.sel(noise=0.0).mean("trial")).values.astype(float)
    np.testing.assert_allclose(lines["longest:hop"], np.where(hop > 0, hop, np.nan))
    # the model that never replays is drawn on the lower edge, not dropped from a log axis
    assert np.isnan(lines["longest:rnn:8"]).all()
    zeros = [ln for ln in ax.get_lines() if ln.get_gid() == "zero"]
    assert sum(len(ln.get_xdata()) for ln in zeros) == ds.sizes["N"]
    assert_legends_clear(fig)


def test_sequence_memory_too_many_models_ask_for_fix_and_fix_keeps_the_level():
    ds = sequence_ds(kinds=("rnn", "lstm", "gru"), hidden=(8, 16, 32, 48, 64, 96, 128, 256))
    with pytest.raises(figures.FigureError, match="--fix kind=.* or --fix hidden="):
        ds.hopsim.plot()
    fig = ds.hopsim.plot(fix={"hidden": 16})
    gids = {str(ln.get_gid()) for ln in fig.axes[0].get_lines()}
    assert {g.split(":")[2] for g in gids if g.startswith("rnn:")} == {"16"}
    fig = ds.hopsim.plot(fix={"hidden": 16, "noise": 0.1})
    gids = {str(ln.get_gid()) for ln in fig.axes[0].get_lines()}
    assert "hop:0.1" in gids and "hop:0" not in gids
    assert "cue noise 0.1" in _title(fig.axes[-1])
    assert "theory" not in gids  # the theory is for the clean cue only


def test_sequence_memory_coinciding_models_are_told_apart():
    """Issue 18: six RNN curves lay on top of each other at 1.0, blue beside sky blue and
    vermillion beside orange. Now one well-separated colour per kind, one marker per hidden
    size, every model at its own horizontal offset, every other one hollow."""
    ds = sequence_ds(kinds=("rnn", "lstm", "gru"), hidden=(8, 16))
    ds["rnn_exact"][:] = 1  # every model replays everything: the curves coincide
    fig = fig_sequence.figure(ds)
    ax = fig.axes[0]
    looks, xs = set(), set()
    for kind in ds.kind.values:
        for H in ds.hidden.values:
            (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == f"rnn:{kind}:{H}:0"]
            looks.add((line.get_color(), line.get_marker(), str(line.get_mfc())))
            xs.add(round(float(line.get_xdata()[0]), 6))
            assert line.get_color() == fig_sequence.KIND_COLOURS[kind]
            # the offset is small: the point stays within 10% of its length
            np.testing.assert_allclose(line.get_xdata(), ds.length.values, rtol=0.1)
    assert len(looks) == len(xs) == 6  # every model its own look and its own place
    colours = set(fig_sequence.KIND_COLOURS.values())
    confusable = [{"#0072B2", "#56B4E9"}, {"#D55E00", "#E69F00"}]
    assert not any(pair <= colours for pair in confusable)
    assert "side by side" in fig._suptitle.get_text()


def test_sequence_memory_seed_ranges_and_theory_are_drawn():
    from hopsim.theory.sequence import exact_replay, longest_exact

    ds = sequence_ds()
    fig = fig_sequence.figure(ds)
    for ax, N in zip(fig.axes[:2], ds.N.values, strict=True):
        (theory,) = [ln for ln in ax.get_lines() if ln.get_gid() == "theory"]
        np.testing.assert_allclose(
            theory.get_ydata(), [exact_replay(int(N), int(P)) for P in ds.length.values]
        )
        for kind in ds.kind.values:
            for H in ds.hidden.values:
                gid = f"range:rnn:{kind}:{H}:0"
                (bars,) = [c for c in ax.collections if c.get_gid() == gid]
                per_seed = ds.rnn_exact.sel(kind=kind, hidden=H, N=N, noise=0.0).mean("cue")
                segments = bars.get_segments()
                np.testing.assert_allclose([s[0][1] for s in segments], per_seed.min("seed"))
                np.testing.assert_allclose([s[1][1] for s in segments], per_seed.max("seed"))
    ax = fig.axes[-1]
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "longest:theory"]
    expected = [longest_exact(int(N), ds.length.values) for N in ds.N.values]
    np.testing.assert_allclose(line.get_ydata(), np.where(np.array(expected) > 0, expected, np.nan))
    # every Hopfield and RNN point of (c) carries its N
    labels = [t for t in ax.texts if t.get_gid() == "N-label"]
    n_models = 1 + ds.sizes["kind"] * ds.sizes["hidden"]
    assert len(labels) == n_models * ds.sizes["N"]
    assert {t.get_text() for t in labels} == {str(int(N)) for N in ds.N.values}
    assert "3 seeds" in fig._suptitle.get_text()
    assert_legends_clear(fig)


# --- completion ---------------------------------------------------------------------------


def test_completion_panels_are_the_dataset():
    ds = completion_ds()
    fig = fig_completion.figure(ds)
    ax_a, ax_b, ax_c, ax_d = fig.axes
    assert [_title(ax)[:3] for ax in fig.axes] == ["(a)", "(b)", "(c)", "(d)"]
    level = fig_completion.edge_level(ds)
    assert level == 0.1 and "cue noise 0.1" in _title(ax_a)
    a, b = _lines(ax_a, "a:"), _lines(ax_b, "b:")
    assert len(a) == len(b) == 3 + 4  # three Hopfield models, 2 kinds x 2 sizes of RNN
    for m in fig_completion.models(ds):
        np.testing.assert_allclose(
            a[f"a:{m['label']}"], m["overlap"].sel(noise=level).mean("trial")
        )
        np.testing.assert_allclose(b[f"b:{m['label']}"], m["overlap"].sel(P=2).mean("trial"))
    np.testing.assert_allclose(
        a["a:Hopfield hebb (N^2 couplings)"],
        ds.hop_overlap.sel(rule="hebb", noise=0.1).mean("trial"),
    )
    assert ax_a.get_ylim() == ax_b.get_ylim()  # (a) and (b) compare on one scale
    assert ax_a.get_xlabel() == "load P/N" and "cue noise" in ax_b.get_xlabel()
    c = _lines(ax_c, "c:")
    np.testing.assert_allclose(
        c["c:gru:NP"],
        ds.rnn_overlap_int8.sel(kind="gru", size="NP").mean("trial").values.ravel(),
    )
    bars = [p.get_width() for p in ax_d.patches if p.get_gid() == "float32"]
    assert bars[0] == ds.hop_bytes_float32 and len(bars) == 1 + 4
    assert ax_d.get_xlabel() == "weight bytes [B]"
    colours = {ln.get_color() for ln in ax_a.get_lines()}
    assert colours <= set(figures.OKABE_ITO) | {"#000000", "#6E6E6E", "#A8A8A8"}
    assert_legends_clear(fig)


def test_completion_swept_key_it_does_not_draw_needs_fix():
    one = completion_ds()
    ds = xr.concat([one, one], dim=pd.Index([0.01, 0.02], name="lr"))
    ds.attrs.update(one.attrs, sweep_dims="lr")
    with pytest.raises(figures.FigureError, match=r"--fix lr=0.01"):
        ds.hopsim.figures()
    assert set(ds.hopsim.figures(fix={"lr": 0.02})) == {"completion"}


# --- gradients ----------------------------------------------------------------------------


def test_gating_fractions_intervals_and_budget_effect_are_the_analysis_layers():
    ds = gradients_ds()
    fig = fig_gradients.figure(ds)  # the main figure: the lag sweep
    ax_a, ax_b, ax_c, ax_d = fig.axes
    assert [_title(ax)[:3] for ax in fig.axes] == ["(a)", "(b)", "(c)", "(d)"]
    table = gating.solved_table(ds)
    for ax, budget in ((ax_a, 100), (ax_b, 200)):
        assert f"within {budget} steps" in _title(ax) and "4 seeds" in _title(ax)
        lines = _lines(ax, "fraction:")
        assert len(lines) == 4  # every model, none averaged
        xs = {}
        for v in ds.variant.values:
            t = table.sel(variant=v, budget=budget)
            np.testing.assert_allclose(lines[f"fraction:{v}:{budget}"], t.fraction)
            line = next(ln for ln in ax.get_lines() if ln.get_gid() == f"fraction:{v}:{budget}")
            ratio = np.asarray(line.get_xdata()) / ds.lag.values
            assert np.allclose(ratio, ratio[0]) and 0.9 < ratio[0] < 1.1  # at its lag
            xs[v] = ratio[0]
            bars = next(c for c in ax.collections if c.get_gid() == f"interval:{v}:{budget}")
            ends = np.array([[seg[0][1], seg[1][1]] for seg in bars.get_segments()])
            np.testing.assert_allclose(ends[:, 0], t.lower)
            np.testing.assert_allclose(ends[:, 1], t.upper)
        assert len(set(xs.values())) == 4  # spread sideways: no interval hides another
        assert ax.get_xscale() == "log" and "lag" in ax.get_xlabel()
    # 0 of 4 has a Wilson interval reaching 0.49, 4 of 4 one from 0.51
    t = table.sel(variant="lstm", budget=100)
    assert float(t.upper.sel(lag=4)) == pytest.approx(0.4899, abs=1e-3)
    # the budget effect: the longest lag half the seeds solve, "none" drawn at 0
    longest = gating.longest_lag_half(table)
    marks = _lines(ax_c, "longest:")
    for v in ds.variant.values:
        for b in (100, 200):
            want = float(longest.sel(variant=v, budget=b))
            assert marks[f"longest:{v}:{b}"][0] == (0.0 if np.isnan(want) else want)
    assert marks["longest:lstm_forget1:100"][0] == 2 and marks["longest:lstm_forget1:200"][0] == 4
    assert marks["longest:gru:200"][0] == 8 and marks["longest:lstm:200"][0] == 2
    assert "none" in [t.get_text() for t in ax_c.get_yticklabels()]
    # the search: fraction of its cells solved per rate, the chosen rate ringed
    chosen, scores = gating.choose_learning_rate(ds.search_solved_step, ds.search_accuracy, 100)
    assert float(chosen.sel(variant="gru")) == 0.01 and float(chosen.sel(variant="rnn")) == 0.003
    search = _lines(ax_d, "search:")
    for v in ds.variant.values:
        np.testing.assert_allclose(search[f"search:{v}"], scores.solved.sel(variant=v) / 4)
        ring = next(ln for ln in ax_d.get_lines() if ln.get_gid() == f"chosen:{v}")
        assert ring.get_xdata()[0] == pytest.approx(float(chosen.sel(variant=v)), rel=0.2)
    colours = {
        ln.get_color() for ln in ax_a.get_lines() if str(ln.get_gid()).startswith("fraction:")
    }
    markers = {
        ln.get_marker() for ln in ax_a.get_lines() if str(ln.get_gid()).startswith("fraction:")
    }
    assert len(colours) == len(markers) == 4 and colours <= set(figures.OKABE_ITO)
    assert_legends_clear(fig)
    # the CSV beside the figure holds the same numbers
    csv = fig_gradients.tables(ds)["gating.csv"].set_index(["variant", "lag", "budget"])
    for name in ("solved", "fraction", "lower", "upper"):
        got = csv[name].to_xarray().sel(variant=table.variant)  # the CSV sorts the models
        np.testing.assert_allclose(got.transpose(*table[name].dims), table[name], err_msg=name)
    got = csv.longest_lag_half.to_xarray().sel(variant=table.variant).isel(lag=0)
    np.testing.assert_allclose(got.transpose(*longest.dims), longest)
    # without a search the panel says so instead of drawing nothing
    bare = fig_gradients.figure(gradients_ds(search=False))
    assert "no learning-rate search" in bare.axes[3].texts[0].get_text()


def test_gradients_panels_are_the_dataset_and_trained_curves_are_one_lag():
    ds = gradients_ds()
    fig = fig_gradients.figure(ds, kind="gradients")
    ax_a, ax_b, ax_c, ax_d = fig.axes
    assert [_title(ax)[:3] for ax in fig.axes] == ["(a)", "(b)", "(c)", "(d)"]
    a = _lines(ax_a, "")
    for v in ds.variant.values:
        np.testing.assert_allclose(
            a[f"init:{v}"], ds.grad_h.sel(variant=v, stage="init").median(["lag", "seed"])
        )
        # trained at the longest lag only, not a median over models trained at other lags
        np.testing.assert_allclose(
            a[f"trained:{v}"], ds.grad_h.sel(variant=v, stage="trained", lag=8).median("seed")
        )
    assert "lag 8" in _title(ax_a) and ax_a.get_yscale() == "log"
    a2 = _lines(ds.hopsim.plot(kind="gradients", lag=2).axes[0], "trained:")
    np.testing.assert_allclose(
        a2["trained:rnn"], ds.grad_h.sel(variant="rnn", stage="trained", lag=2).median("seed")
    )
    with pytest.raises(figures.FigureError, match="lags are 2, 4, 8"):
        ds.hopsim.plot(kind="gradients", lag=3)
    # (b) the explosions: bars are the fractions, intervals Wilson's, counts on top
    table = gating.explosion_table(ds)
    heights = {str(p.get_gid()): p.get_height() for p in ax_b.patches}
    assert heights == {"exploded:none": 1.0, "exploded:clip_grad_norm 1": 0.0}
    counts = {t.get_gid(): t.get_text() for t in ax_b.texts}
    assert counts == {"exploded_count:none": "2/2", "exploded_count:clip_grad_norm 1": "0/2"}
    assert float(table.lower.sel(clipping="none")) == pytest.approx(0.3424, abs=1e-3)
    assert "relu" in _title(ax_b) and "spectral radius 2" in _title(ax_b)
    for ax, name in ((ax_c, "explode_loss"), (ax_d, "explode_grad_norm")):
        lines = _lines(ax, name)
        assert len(lines) == ds.sizes["clipping"] * ds.sizes["explode_seed"]
        np.testing.assert_allclose(
            lines[f"{name}:none:1"], ds[name].sel(clipping="none", explode_seed=1)
        )
        blowups = _lines(ax, "blowup:")
        assert set(blowups) == {f"blowup:{name}:none:0", f"blowup:{name}:none:1"}
        # the cross sits on the last finite value before the first inf/NaN step
        assert blowups[f"blowup:{name}:none:0"][0] == ds[name].values[0, 0, 1]
        assert blowups[f"blowup:{name}:none:1"][0] == ds[name].values[0, 1, 3]
    assert_legends_clear(fig)


# --- the accessor, hopsim-plot and the wrappers, without torch ----------------------------

DATASETS = {
    "sequence_memory": (sequence_ds, {"sequence_memory"}),
    "completion": (completion_ds, {"completion"}),
    "gradients": (gradients_ds, {"gating", "gradients"}),
}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_accessor_and_hopsim_plot(name, tmp_path):
    make, stems = DATASETS[name]
    ds = make()
    assert set(ds.hopsim.figures()) == stems
    save_dataset(ds, tmp_path / "result.nc")
    paths = hopsim_plot([str(tmp_path), "--format", "png", "--dpi", "50"])
    csv = {"gradients": {"gating.csv"}}.get(name, set())
    assert {p.name for p in paths} == {f"{s}.png" for s in stems} | csv


def test_wrappers_and_hopsim_plot_draw_without_torch(tmp_path):
    for name, (make, _) in DATASETS.items():
        (tmp_path / name).mkdir()
        save_dataset(make(), tmp_path / name / "result.nc")
    code = (
        "import runpy, sys\n"
        "sys.modules['torch'] = None  # any import of torch fails\n"
        "from hopsim.figures.cli import main\n"
        f"for name in {sorted(DATASETS)!r}:\n"
        f"    main([{str(tmp_path)!r} + '/' + name, '--format', 'png', '--dpi', '40'])\n"
        f"    sys.argv = ['x', {str(tmp_path)!r} + '/' + name, '--out', {str(tmp_path)!r} + "
        "'/w' + name, '--format', 'png', '--dpi', '40']\n"
        f"    runpy.run_path({str(ROOT / 'analysis')!r} + '/' + name + '.py', "
        "run_name='__main__')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for name in DATASETS:
        assert (tmp_path / name / f"{name}.png").stat().st_size > 0
        assert (tmp_path / f"w{name}" / f"{name}.png").stat().st_size > 0
