"""The ``optimize`` experiment: dataset contract, exact answers, reproducibility, the command,
and every bad value of its keys refused in one line before any work."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import xarray as xr
from conftest import compose_config
from test_hostile_inputs import assert_refused, exp

from hopsim import experiments
from hopsim import optimize as opt
from hopsim.experiments import optimize as experiment
from hopsim.optimize import analysis, tsp
from hopsim.rng import SeedTree

QUICK = ("problem.instances=2", "reads=8", "trace_points=6")


def run(*overrides: str, seed: int = 0) -> xr.Dataset:
    cfg = compose_config("experiment=optimize", *overrides)
    return experiment.run(experiments.prepare(experiment, cfg), SeedTree(seed))


@pytest.fixture(scope="module")
def sk_run():
    return run("problem.N=[6,9]", "schedule.sweeps=[5,300]", *QUICK)


def test_dataset_contract_and_exact_ground_states(sk_run):
    ds = sk_run
    assert ds.energy.dims == ("N", "instance", "solver", "sweeps", "read")
    for name in [*ds.data_vars, *ds.coords]:
        assert "long_name" in ds[name].attrs and "units" in ds[name].attrs, name
    for N in (6, 9):
        for k in ds.instance.values:
            problem = opt.sk(N, SeedTree(0).generator("instance", "sk", "gaussian", N, int(k)))
            lowest, _ = opt.brute_force(problem)
            assert float(ds.ground_energy.sel(N=N, instance=k)) == pytest.approx(lowest)
    assert np.all(ds.energy >= ds.ground_energy - 1e-9)
    assert np.all(ds.best_energy <= ds.energy.min(("solver", "sweeps", "read")) + 1e-12)
    success = analysis.success_probability(ds).sel(sweeps=300)
    assert float(success.sel(solver="anneal").min()) > 0.5
    assert float(success.sel(solver="descent").min()) > 0.5


def test_same_seed_same_dataset_other_seed_other_reads(sk_run):
    again = run("problem.N=[6,9]", "schedule.sweeps=[5,300]", *QUICK)
    xr.testing.assert_identical(sk_run.drop_vars("seconds"), again.drop_vars("seconds"))
    other = run("problem.N=[6,9]", "schedule.sweeps=[5,300]", *QUICK, seed=1)
    assert not np.array_equal(other.energy.values, sk_run.energy.values)


def test_instances_do_not_depend_on_the_other_sizes_or_the_first_index(sk_run):
    alone = run("problem.N=[9]", "schedule.sweeps=[5,300]", *QUICK)
    np.testing.assert_array_equal(alone.energy.sel(N=9).values, sk_run.energy.sel(N=9).values)
    shifted = run(
        "problem.N=[9]",
        "schedule.sweeps=[5,300]",
        "problem.first_instance=1",
        "problem.instances=1",
        "reads=8",
        "trace_points=6",
    )
    np.testing.assert_array_equal(
        shifted.ground_energy.values[0], sk_run.ground_energy.sel(N=9, instance=[1]).values
    )


def test_maxcut_and_gset_runs_agree_on_the_same_graph(tmp_path):
    ds = run(
        "problem.kind=maxcut",
        "problem.N=[12]",
        "problem.instances=1",
        "reads=4",
        "schedule.sweeps=[200]",
        "problem.weights=pm1",
    )
    rng = SeedTree(0).generator("instance", "maxcut", "regular", 3.0, "pm1", 12, 0)
    problem = opt.random_maxcut(12, rng, "regular", 3, "pm1")
    path = opt.write_gset(tmp_path / "g12.txt", problem)
    from_file = run("problem.kind=gset", f"problem.path={path}", "reads=4", "schedule.sweeps=[200]")
    assert from_file.ground_energy.item() == ds.ground_energy.item()
    assert ds.ground_energy.item() == pytest.approx(opt.brute_force(problem)[0])


def test_tsp_run_against_held_karp_and_all_permutations():
    ds = run(
        "problem.kind=tsp",
        "problem.N=[5,6]",
        "problem.instances=2",
        "reads=6",
        "solvers=[hopfield_tank,descent]",
        "schedule.sweeps=[300]",
        "trace_points=4",
        "tsp.parameter_sets=[tuned]",
    )
    for n, k in itertools.product((5, 6), (0, 1)):
        xy = ds.cities.sel(N=n, instance=k).values[:n]
        d = opt.distances(xy)
        best = min(tsp.tour_length(d, (0, *p)) for p in itertools.permutations(range(1, n)))
        assert float(ds.optimal_length.sel(N=n, instance=k)) == pytest.approx(best)
        lengths = ds.length.sel(N=n, instance=k).values
        assert np.all(lengths[np.isfinite(lengths)] >= best - 1e-12)
    assert set(np.unique(ds.outcome.values)) <= {0, 1, 2}
    np.testing.assert_array_equal(ds.valid == 1, ds.outcome == 0)
    table = analysis.tsp_table(ds)
    assert set(table.solver) == {"hopfield_tank", "descent"} and len(table) == 4


def test_command_writes_a_dataset_and_its_figures(hopsim_cmd, tmp_path):
    done = hopsim_cmd("experiment=optimize", "problem.N=[6]", "schedule.sweeps=[20]", *QUICK)
    assert done.returncode == 0, done.stderr
    assert "optimize: sk" in done.stdout
    from hopsim.io import load_dataset

    ds = load_dataset(tmp_path / "run" / "result.nc")
    paths = ds.hopsim.save(tmp_path / "figs", formats=("png",))
    assert paths and all(p.stat().st_size > 0 for p in paths)


# --------------------------------------------------------------------------- bad values

BAD = [
    (exp("optimize", "problem.kind=spinglass"), "problem.kind"),
    (exp("optimize", "problem.N=[8,nan]"), "problem.N"),
    (exp("optimize", "problem.N=[8,8]"), "problem.N"),
    (exp("optimize", "problem.N=1000000000"), "problem.N"),
    (exp("optimize", "problem.N=[40000]"), "problem.N"),
    (exp("optimize", "problem.N=[1]"), "problem.N"),
    (exp("optimize", "problem.N=-4"), "problem.N"),
    (exp("optimize", "problem.N=eight"), "problem.N"),
    (exp("optimize", "problem.kind=tsp", "problem.N=[2]"), "problem.N"),
    (exp("optimize", "problem.kind=tsp", "problem.N=[65]"), "problem.N"),
    (exp("optimize", "problem.kind=maxcut", "problem.N=[9]", "problem.degree=3"), "problem.degree"),
    (exp("optimize", "problem.kind=maxcut", "problem.degree=inf"), "problem.degree"),
    (exp("optimize", "problem.kind=maxcut", "problem.degree=-3"), "problem.degree"),
    (
        exp("optimize", "problem.kind=maxcut", "problem.graph=erdos_renyi", "problem.degree=30"),
        "problem.degree",
    ),
    (exp("optimize", "problem.kind=maxcut", "problem.weights=gaussian"), "problem.weights"),
    (exp("optimize", "problem.couplings=cauchy"), "problem.couplings"),
    (exp("optimize", "problem.instances=0"), "problem.instances"),
    (exp("optimize", "problem.first_instance=-1"), "problem.first_instance"),
    (exp("optimize", "problem.kind=gset"), "problem.path"),
    (exp("optimize", "problem.kind=gset", "problem.path=/nonexistent/g.txt"), "problem.path"),
    (exp("optimize", "solvers=[anneal,anneal]"), "solvers"),
    (exp("optimize", "solvers=[hopfield_tank]"), "solvers"),
    (exp("optimize", "solvers=[]"), "solvers"),
    (exp("optimize", "solvers=tabu"), "solvers"),
    (exp("optimize", "reads=0"), "reads"),
    (exp("optimize", "reads=2.5"), "reads"),
    (exp("optimize", "schedule.sweeps=[0]"), "schedule.sweeps"),
    (exp("optimize", "schedule.sweeps=[100,100]"), "schedule.sweeps"),
    (exp("optimize", "schedule.sweeps=[1000000000000]"), "schedule.sweeps"),
    (exp("optimize", "schedule.beta_min=-1"), "schedule.beta_min"),
    (exp("optimize", "schedule.beta_min=0"), "schedule.beta_min"),
    (exp("optimize", "schedule.beta_max=nan"), "schedule.beta_max"),
    (exp("optimize", "schedule.beta_min=3", "schedule.beta_max=1"), "schedule.beta_max"),
    (exp("optimize", "schedule.sweeps_per_beta=0"), "schedule.sweeps_per_beta"),
    (exp("optimize", "schedule.kind=cosine"), "schedule.kind"),
    (exp("optimize", "schedule.rule=gibbs"), "schedule.rule"),
    (exp("optimize", "schedule.order=backwards"), "schedule.order"),
    (exp("optimize", "exact_max=40"), "exact_max"),
    (exp("optimize", "trace_points=0"), "trace_points"),
    (exp("optimize", "problem.kind=tsp", "tsp.parameter_sets=[nope]"), "tsp.parameter_sets"),
    (exp("optimize", "problem.kind=tsp", "tsp.parameter_sets=[tuned,tuned]"), "tsp.parameter_sets"),
    (exp("optimize", "problem.kind=tsp", "tsp.tuned.D=-1"), "tsp.tuned.D"),
    (exp("optimize", "problem.kind=tsp", "tsp.tuned.dt=0"), "tsp.tuned.dt"),
    (exp("optimize", "problem.kind=tsp", "tsp.tuned.u0=nan"), "tsp.tuned.u0"),
    (
        exp("optimize", "problem.N=[8]", "problem.instances=1000000", "reads=1000000"),
        "problem.instances",
    ),
    (exp("optimize", "reads=10000000"), "reads"),
]


@pytest.mark.parametrize(("argv", "key"), BAD, ids=[" ".join(a[1:]) for a, _ in BAD])
def test_bad_values_are_refused_in_one_line(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("3 1\n1 2 nan\n", "not finite"),
        ("2 1\n1 3 1\n", "outside"),
        ("x\n", "'n m'"),
        ("1000000000 0\n", "n=1000000000"),
    ],
)
def test_malformed_gset_file_is_refused_naming_the_key_file_and_line(
    monkeypatch, capsys, tmp_path, text, reason
):
    path = tmp_path / "bad.gset"
    path.write_text(text)
    line = assert_refused(
        monkeypatch,
        capsys,
        tmp_path,
        exp("optimize", "problem.kind=gset", f"problem.path={path}"),
        "problem.path",
    )
    assert reason in line and "line 1" in line or "line 2" in line


def test_a_sweep_over_solvers_and_budgets_passes_the_preflight(monkeypatch, capsys, tmp_path):
    from test_hostile_inputs import run_main

    from hopsim import cli

    monkeypatch.setattr(cli, "_hydra_app", lambda: None)
    code, _, err = run_main(
        monkeypatch,
        capsys,
        tmp_path,
        "-m",
        "experiment=optimize",
        "solvers=[anneal],[descent]",
        "schedule.sweeps=[10],[100]",
        "problem.N=[8],[12]",
    )
    assert code == 0, err
