"""The optimize claims follow their data: synthetic datasets that must pass, then perturbed
ones that must not (the claims read quantities no other claim reads)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from hopsim.gallery import claims
from hopsim.gallery.claims import optimize as oc
from hopsim.optimize import analysis


def check(claim_id: str, data: dict):
    (c,) = [c for c in claims.CLAIMS if c.id == claim_id]
    return c.check(data)


def ising_dataset(energy, ground, sizes, sweeps=(1000,), solvers=("anneal",)):
    """An optimize-like dataset from energies (N, instance, solver, sweeps, read)."""
    dims = ("N", "instance", "solver", "sweeps", "read")
    energy = np.asarray(energy, dtype=float)
    best = np.fmin(energy.min(axis=(2, 3, 4)), ground)
    return xr.Dataset(
        {
            "energy": (dims, energy),
            "ground_energy": (("N", "instance"), ground),
            "best_energy": (("N", "instance"), best),
        },
        coords={
            "N": list(sizes),
            "instance": np.arange(energy.shape[1]),
            "solver": list(solvers),
            "sweeps": list(sweeps),
            "read": np.arange(energy.shape[4]),
        },
        attrs={"problem_kind": "sk", "exact_max": 24},
    )


def test_exact_ground_state_claim_follows_the_success_rate():
    rng = np.random.default_rng(0)
    ground = rng.normal(size=(3, 4)) - 10
    energy = np.broadcast_to(ground[:, :, None, None, None], (3, 4, 1, 1, 16)).copy()
    ds = ising_dataset(energy, ground, (12, 16, 20))
    assert check("sk_exact_ground_states", {"optimize": ds}).verdict == claims.HOLDS
    energy[0, 1] += 0.5  # one instance never solved
    ds = ising_dataset(energy, ground, (12, 16, 20))
    assert check("sk_exact_ground_states", {"optimize": ds}).verdict == claims.FAILS
    energy = np.broadcast_to(ground[:, :, None, None, None], (3, 4, 1, 1, 16)).copy()
    energy[..., :4] += 0.5  # every instance solved, but a quarter of the reads miss
    ds = ising_dataset(energy, ground, (12, 16, 20))
    assert check("sk_exact_ground_states", {"optimize": ds}).verdict == claims.CAVEAT


def parisi_dataset(shift=0.0, later=0.0, seed=1):
    """Energies per spin -0.7632 + 0.7 N^(-2/3) + instance noise; ``later`` lowers the larger
    budget's energies at the largest N (an unconverged anneal)."""
    rng = np.random.default_rng(seed)
    sizes = np.array([16, 32, 64, 128, 256, 512, 1024])
    K = 40
    e = -0.7632 + shift + 0.7 * sizes[:, None] ** (-2 / 3)
    e = e + 0.3 * sizes[:, None] ** (-0.8) * rng.normal(size=(sizes.size, K))
    E = (e * sizes[:, None])[:, :, None, None, None] * np.ones((1, 1, 1, 2, 4))
    E[-1, :, :, 1] -= later * sizes[-1]
    ds = ising_dataset(E, np.full((sizes.size, K), np.nan), sizes, sweeps=(4000, 8000))
    return ds


def test_parisi_claim_holds_on_the_parisi_law_and_fails_when_shifted():
    good = check("parisi_energy", {"optimize_parisi": parisi_dataset()})
    assert good.verdict == claims.HOLDS, good
    table, fit = analysis.parisi(parisi_dataset())
    assert abs(fit.omega - 2 / 3) < 4 * fit.omega_err + 0.05
    bad = check("parisi_energy", {"optimize_parisi": parisi_dataset(shift=0.03)})
    assert bad.verdict == claims.FAILS, bad
    unconverged = check("parisi_energy", {"optimize_parisi": parisi_dataset(later=0.01)})
    assert unconverged.verdict != claims.HOLDS and "larger budget" in unconverged.note
    few = parisi_dataset()
    few = few.isel(N=slice(0, 4), instance=slice(0, 4))  # N <= 128, 4 instances: imprecise
    vague = check("parisi_energy", {"optimize_parisi": few})
    assert vague.verdict == claims.INCONCLUSIVE and "replica-symmetric" in vague.note, vague


def tsp_dataset(valid_ht, valid_tuned, ratio_ht, ratio_tuned, K=10, R=20):
    """A TSP dataset with given valid fractions and length ratios of the circuit."""
    rng = np.random.default_rng(2)
    dims = ("N", "instance", "parameter_set", "solver", "sweeps", "read")
    shape = (1, K, 2, 1, 1, R)
    valid = np.zeros(shape, dtype=np.int8)
    length = np.full(shape, np.nan)
    for q, (p, ratio) in enumerate(((valid_ht, ratio_ht), (valid_tuned, ratio_tuned))):
        v = rng.random((K, R)) < p
        valid[0, :, q, 0, 0] = v
        length[0, :, q, 0, 0] = np.where(v, ratio * (1 + 0.02 * rng.random((K, R))), np.nan)
    return xr.Dataset(
        {
            "valid": (dims, valid),
            "length": (dims, length),
            "optimal_length": (("N", "instance"), np.ones((1, K))),
            "random_length": (("N", "instance"), np.full((1, K), 1.8)),
        },
        coords={
            "N": [10],
            "instance": np.arange(K),
            "parameter_set": [oc.HT_SET, oc.TUNED_SET],
            "solver": [oc.HT_SOLVER],
            "sweeps": [10000],
            "read": np.arange(R),
        },
        attrs={"problem_kind": "tsp"},
    )


def test_hopfield_tank_validity_claim_follows_the_valid_fraction():
    few = check("hopfield_tank_validity", {"optimize_tsp": tsp_dataset(0.1, 0.9, 1.2, 1.5)})
    assert few.verdict == claims.HOLDS, few
    most = check("hopfield_tank_validity", {"optimize_tsp": tsp_dataset(0.9, 0.9, 1.2, 1.5)})
    assert most.verdict == claims.FAILS, most


def test_tradeoff_claim_needs_both_more_valid_tours_and_longer_ones():
    ok = check("hopfield_tank_tradeoff", {"optimize_tsp": tsp_dataset(0.1, 0.9, 1.2, 1.5)})
    assert ok.verdict == claims.HOLDS, ok
    shorter = check("hopfield_tank_tradeoff", {"optimize_tsp": tsp_dataset(0.1, 0.9, 1.5, 1.2)})
    assert shorter.verdict == claims.FAILS, shorter
    fewer = check("hopfield_tank_tradeoff", {"optimize_tsp": tsp_dataset(0.9, 0.1, 1.2, 1.5)})
    assert fewer.verdict == claims.FAILS, fewer
