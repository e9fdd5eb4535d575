"""Modern Hopfield network: attention identity, monotone energy, the three regimes, bound."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import compose_config

from hopsim import modern as md
from hopsim.config import ConfigError
from hopsim.experiments import modern as experiment
from hopsim.rng import SeedTree
from hopsim.theory import dense as theory


def _softmax_plain(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def test_update_equals_softmax_formula_written_plainly():
    rng = np.random.default_rng(0)
    X = md.gaussian_patterns(rng, 50, 8)
    Q = rng.standard_normal((5, 8))
    beta = 3.0
    new = md.update(X, Q, beta)
    for b in range(5):  # xi_new = X^T softmax(beta X xi), one query at a time, no BLAS tricks
        p = _softmax_plain([beta * sum(X[i, k] * Q[b, k] for k in range(8)) for i in range(50)])
        expected = [sum(p[i] * X[i, k] for i in range(50)) for k in range(8)]
        np.testing.assert_allclose(new[b], expected, rtol=1e-12, atol=1e-14)


def test_attention_identity_and_blocked_keys():
    rng = np.random.default_rng(1)
    K = rng.standard_normal((300, 16)) / 4
    Q = rng.standard_normal((7, 16))
    # one update with stored patterns as keys and values = softmax(beta Q K^T) V
    np.testing.assert_allclose(md.update(K, Q, 2.0), md.attention(Q, K, K, 2.0), rtol=1e-12)
    # keys in blocks with a running log-sum-exp give the same result, even at large beta
    for beta in (0.5, 2.0, 200.0):
        np.testing.assert_allclose(
            md.update(K, Q, beta, block=64), md.update(K, Q, beta), rtol=1e-10, atol=1e-14
        )
    _, lse_blocked = md._step(K, Q, 2.0, block=37)
    np.testing.assert_allclose(lse_blocked, md.lse(2.0, Q @ K.T), rtol=1e-12)


def test_energy_is_ramsauer_formula():
    rng = np.random.default_rng(2)
    X = md.sphere_patterns(rng, 20, 5, radius=2.0)
    xi = rng.standard_normal((1, 5))
    beta = 0.7
    z = X @ xi[0]
    expected = (
        -math.log(sum(math.exp(beta * v) for v in z)) / beta
        + 0.5 * float(xi[0] @ xi[0])
        + math.log(20) / beta
        + 0.5 * 4.0
    )
    assert md.energy(X, xi, beta)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("kind", ["sphere", "gaussian", "clustered", "images"])
@pytest.mark.parametrize("beta", [0.3, 4.0, 30.0, 300.0])
def test_energy_never_increases_along_the_update(kind, beta):
    rng = np.random.default_rng(3)
    if kind == "sphere":
        X = md.sphere_patterns(rng, 400, 16)
    elif kind == "gaussian":
        X = md.gaussian_patterns(rng, 400, 16)
    elif kind == "clustered":
        X, _ = md.clustered_patterns(rng, 8, 50, 16, 0.9)
    else:
        X = md.image_patterns(["house", "letter", "moon", "smiley", "sphere"], 16)
    Q = X[rng.integers(0, X.shape[0], 24)] + 0.3 * rng.standard_normal((24, X.shape[1])) / 4
    r = md.iterate(X, Q, beta, max_steps=60)
    rises = np.diff(r.energy, axis=1)
    scale = np.nanmax(np.abs(r.energy))
    assert np.nanmax(rises) <= 1e-12 * max(scale, 1.0)
    assert np.isfinite(r.energy[:, 0]).all()


def _sphere_setup(P=1024, d=64, noise=0.05, queries=48, seed=4):
    rng = np.random.default_rng(seed)
    X = md.sphere_patterns(rng, P, d)
    targets = np.arange(queries) * (P // queries)
    u = rng.standard_normal((queries, d))
    Q = X[targets] + noise * u / np.linalg.norm(u, axis=1, keepdims=True)
    return X, Q, targets


def test_small_beta_reaches_the_global_fixed_point():
    X, Q, _ = _sphere_setup()
    beta = 0.5 * theory.global_beta(1.0)  # contraction: one fixed point, the global average
    r = md.iterate(X, Q, beta, 200)
    regime, k, _ = md.classify(X, r.final, beta)
    assert (regime == md.GLOBAL).all() and r.converged.all()
    np.testing.assert_allclose(
        r.final, np.broadcast_to(r.final[0], r.final.shape), atol=1e-9
    )  # all queries, one point
    assert np.linalg.norm(r.final[0] - md.update(X, r.final[:1], beta)[0]) < 1e-9


def test_large_beta_retrieves_single_patterns_within_the_bound():
    X, Q, targets = _sphere_setup()
    delta = theory.separation(X)[targets]
    dist = np.linalg.norm(Q - X[targets], axis=1)
    pairs = zip(delta, dist, strict=True)
    beta = max(theory.retrieval_beta(dl, 1.0, X.shape[0], ds) for dl, ds in pairs)
    assert math.isfinite(beta)
    r = md.iterate(X, Q, beta, 100)
    regime, k, top = md.classify(X, r.final, beta)
    assert (regime == md.SINGLE).all() and (top == targets).all()
    one = np.linalg.norm(r.one_step - X[targets], axis=1)
    bound = theory.one_step_bound(beta, delta, 1.0, dist, X.shape[0])
    assert (one <= bound).all() and (bound <= 1e-3 + 1e-15).all()
    # random sphere patterns: no metastable mixture at any beta in between
    for b in (2.0, 8.0, 16.0):
        regime, _, _ = md.classify(X, md.iterate(X, Q, b, 200).final, b)
        assert not (regime == md.METASTABLE).any(), b


def test_one_step_bound_holds_for_every_query_and_beta():
    X, Q, targets = _sphere_setup(P=256, d=32, noise=0.2)
    delta = theory.separation(X)[targets]
    dist = np.linalg.norm(Q - X[targets], axis=1)
    for beta in (1.0, 10.0, 100.0, 1000.0):
        one = np.linalg.norm(md.update(X, Q, beta) - X[targets], axis=1)
        assert (one <= theory.one_step_bound(beta, delta, 1.0, dist, 256) + 1e-12).all()


def test_clustered_patterns_give_metastable_mixtures():
    rng = np.random.default_rng(5)
    members = 32
    X, label = md.clustered_patterns(rng, 16, members, 64, 0.9)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0)
    targets = np.arange(0, X.shape[0], 17)
    Q = X[targets] + 0.02 * rng.standard_normal((targets.size, 64))
    beta = 16.0  # above the clusters' separation (~1), below the members' (~0.19)
    r = md.iterate(X, Q, beta, 300)
    regime, k, top = md.classify(X, r.final, beta)
    assert (regime == md.METASTABLE).all()
    assert ((k >= 2) & (k <= members)).all()
    assert (label[top] == label[targets]).all()  # the mixture is the query's own cluster


def test_experiment_layout_pictures_and_figures(tmp_path):
    cfg = compose_config(
        "experiment=modern",
        "modern.P=[128,256]",
        "modern.betas=[0.5,16,256]",
        "modern.queries=16",
        "modern.members=32",
        "images.side=16",
    )
    ds = experiment.run(experiment.parameters(cfg), SeedTree(0))
    assert ds.error.dims == ("kind", "P", "beta", "query")
    assert (ds.one_step_error <= ds.bound + 1e-12).all()
    assert float(ds.energy_rise.max()) <= 1e-12
    assert (ds.regime.sel(beta=0.5) == md.GLOBAL).all()
    assert (ds.retrieved.sel(kind="sphere", beta=256) == 1).all()
    assert (ds.regime.sel(kind="clustered", beta=16) == md.METASTABLE).all()
    assert ds.picture_fixed.dims == ("query_kind", "image", "row", "col")
    assert (ds.picture_top == np.arange(ds.sizes["image"])).all()
    assert "modern:" in experiment.summary(ds)
    _figure_script(ds, tmp_path)


def _figure_script(ds, tmp_path):
    import importlib.util
    import pathlib

    from hopsim.io import save_dataset

    ds = ds.copy()
    ds.attrs.update(experiment="modern")
    save_dataset(ds, tmp_path / "result.nc")
    path = pathlib.Path(__file__).parents[1] / "analysis" / "modern.py"
    spec = importlib.util.spec_from_file_location("modern_fig", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = module.main([str(tmp_path)])
    assert {p.name for p in paths} == {
        "modern.png",
        "modern.pdf",
        "modern_pictures.png",
        "modern_pictures.pdf",
    }


@pytest.mark.parametrize(
    "override, key",
    [
        ("modern.kinds=[cube]", "modern.kinds"),
        ("modern.P=[100]", "modern.P"),
        ("modern.betas=[0]", "modern.betas"),
        ("modern.queries=10000", "modern.queries"),
        ("images.paths=[nothing_here]", "images.paths"),
        ("modern.P=[1000000000]", "modern.P"),
    ],
)
def test_config_errors_are_one_line(override, key):
    cfg = compose_config("experiment=modern", override)
    with pytest.raises(ConfigError) as info:
        experiment.validate(cfg)
    assert key in str(info.value) and "\n" not in str(info.value)
