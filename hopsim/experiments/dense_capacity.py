"""The ``dense_capacity`` experiment: how many patterns a dense associative memory holds.

For each energy (``polyK``: F = x^K, ``rpolyK``: rectified, ``exp``: F = exp(beta x)), each
size N and each P on a grid of multiples of the model's prediction
(:func:`hopsim.theory.dense.krotov_hopfield` for polynomials, ``2^(N/2) + 1`` for exp),
``networks`` independent sets of P random patterns are stored and:

* the first ``checks`` stored patterns of each set are tested as fixed points (no
  single-neuron update changes them): ``fixed_fraction``, the per-pattern criterion of
  the Krotov-Hopfield formula;
* every stored pattern is tested, block by block until one fails: ``all_fixed`` (1 when
  all P are fixed points), the stricter criterion;
* ``trials`` cues with ``round(noise N)`` flipped bits (cue t is pattern t mod P of the
  first set) are run with :func:`hopsim.dynamics.dense.run`: ``overlap`` (final overlap with
  the cued pattern) and ``exact`` (1 when it is recovered without error).

Capacities (where ``fixed_fraction`` and the mean of ``all_fixed`` cross 1/2,
interpolated in log P) are stored as ``capacity_pattern`` and ``capacity_all`` beside the
predictions ``theory_pattern`` and ``theory_all``.

Dataset: dims ``energy``, ``N`` (the union of both size lists; cells a model does not run
are NaN), ``factor`` (grid index; ``P`` and ``P_factor`` are coordinates), ``network``,
``trial``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.analysis.dense import crossing
from hopsim.config import ConfigError, get, get_choice, get_float, get_int, get_list
from hopsim.dense import DenseNetwork, Exponential, Polynomial
from hopsim.dynamics import dense as dense_dynamics
from hopsim.dynamics import discrete
from hopsim.network import TIE_RULES
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.rng import SeedTree
from hopsim.theory import dense as theory

_NAME = re.compile(r"^(r?poly)(\d+)$")
_ALLOWED = (
    "a list of energy names: polyK or rpolyK (integer K >= 2) or exp, e.g. [poly2, poly3, exp]"
)
_BLOCK = 128


def parse_energy(name: str, beta: float = 1.0):
    """``poly3`` -> Polynomial(3), ``rpoly3`` -> rectified, ``exp`` -> Exponential(beta)."""
    if name == "exp":
        return Exponential(beta)
    match = _NAME.match(name) if isinstance(name, str) else None
    if not match or int(match.group(2)) < 2:
        raise ValueError(name)
    return Polynomial(int(match.group(2)), rectified=match.group(1) == "rpoly")


def _energies(cfg: DictConfig) -> list[str]:
    raw = get(cfg, "dense_capacity.energies")
    names = raw if isinstance(raw, list) else [raw]
    if not names or len(set(map(str, names))) != len(names):
        raise ConfigError("dense_capacity.energies", raw, _ALLOWED + " without repeats")
    for name in names:
        try:
            parse_energy(name)
        except ValueError:
            raise ConfigError("dense_capacity.energies", raw, _ALLOWED) from None
    return [str(n) for n in names]


def prediction(energy, N: int) -> tuple[float, float]:
    """(per-pattern, all-patterns) predicted capacity of an energy at size N."""
    if isinstance(energy, Exponential):
        return float(theory.exponential_capacity(N)), float(theory.one_bit_limit(N))
    return float(theory.krotov_hopfield(N, energy.n)), float(theory.all_patterns_fixed(N, energy.n))


def grid(energy, N: int, factors: list[float]) -> np.ndarray:
    """P for each factor: round(factor * prediction), at least 2, at most 2^(N-1)."""
    anchor, _ = prediction(energy, N)
    cap = min(2.0 ** (N - 1), 2.0**62)  # 2^(N-1) distinct patterns; int64 holds the rest
    return np.array([int(round(min(cap, max(2, f * anchor)))) for f in factors], dtype=np.int64)


def _plan(cfg: DictConfig):
    """(energy name, energy, N list, factors, P grid per N) for every energy."""
    beta = float(get(cfg, "dense_capacity.beta"))
    Ns = get_list(cfg, "dense_capacity.N", kind="int", lo=4, hi=4096)
    Ns_exp = get_list(cfg, "dense_capacity.N_exp", kind="int", lo=4, hi=60)
    factors = get_list(cfg, "dense_capacity.factors", lo=0.0, lo_open=True)
    factors_exp = get_list(cfg, "dense_capacity.factors_exp", lo=0.0, lo_open=True)
    plan = []
    for name in _energies(cfg):
        energy = parse_energy(name, beta)
        is_exp = isinstance(energy, Exponential)
        sizes, fac = (Ns_exp, factors_exp) if is_exp else (Ns, factors)
        for N in sizes:  # the model's own size limit (a polynomial's F overflows float64)
            try:
                energy.check_size(N)
            except ValueError as exc:
                raise ConfigError(
                    "dense_capacity.energies",
                    get(cfg, "dense_capacity.energies"),
                    f"{_ALLOWED}, each usable at every N of its sizes ({name}: {exc})",
                ) from None
        plan.append((name, energy, sizes, fac, {N: grid(energy, N, fac) for N in sizes}))
    return plan


@dataclass(frozen=True)
class DenseCapacityParams:
    """Everything the experiment reads from its config, checked once."""

    plan: tuple  # (name, energy, sizes, factors, {N: P grid}) per energy
    networks: int
    checks: int
    trials: int
    noise: float
    tie: str
    update: str
    max_sweeps: int
    beta: float


def parameters(cfg: DictConfig) -> DenseCapacityParams:
    """Read and check every key, and the memory the largest point needs."""
    beta = get_float(cfg, "dense_capacity.beta", lo=0.0, lo_open=True)
    networks = get_int(cfg, "dense_capacity.networks", lo=1)
    checks = get_int(cfg, "dense_capacity.checks", lo=1)
    trials = get_int(cfg, "dense_capacity.trials", lo=1)
    noise = get_float(cfg, "dense_capacity.noise", lo=0.0, hi=1.0)
    tie = get_choice(cfg, "network.tie", TIE_RULES)
    update = get_choice(cfg, "dynamics.update", discrete.UPDATE_RULES)
    max_sweeps = get_int(cfg, "dynamics.max_sweeps", lo=1)
    for key in ("dense_capacity.factors", "dense_capacity.factors_exp"):
        if len(get_list(cfg, key, lo=0.0, lo_open=True)) < 2:
            raise ConfigError(key, get(cfg, key), "at least 2 numbers > 0")
    plan = _plan(cfg)  # its memory and time: estimate(params), checked by the preflight
    return DenseCapacityParams(
        tuple(plan), networks, checks, trials, noise, tie, update, max_sweeps, beta
    )


#: Seconds per pattern-neuron entry N P of a dense energy's work: the fixed-point test of one
#: pattern (every neuron's energy difference over the P overlaps), and one cue's sweep.
SECONDS_PER_CHECK_NP = 1.0e-9
SECONDS_PER_SWEEP_NP = 1.0e-9
#: Sweeps a noisy cue takes (a recall ends in 2-3; a failed one wanders a few more).
MEAN_SWEEPS = 4.0


def estimate(p: DenseCapacityParams):
    """The job's :class:`hopsim.resources.Estimate`: the largest point's patterns and
    overlaps plus the results; every network's fixed-point test (all P patterns while they
    are fixed, at least ``checks``) and every cue's recall."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    biggest, seconds, points = 0.0, _costs.NUMBA_JOB_SECONDS, 0
    for _, _, sizes, factors, grids in p.plan:
        for N in sizes:
            for factor, P in zip(factors, grids[N], strict=True):
                P, points = float(P), points + 1
                biggest = max(biggest, P * N * 13 + 3 * 8 * P * max(_BLOCK, p.trials))
                # all P below the prediction (they are fixed), the first blocks above it
                tested = P if factor <= 1.0 else min(P, _BLOCK * math.ceil(p.checks / _BLOCK))
                seconds += p.networks * (tested * N * P * SECONDS_PER_CHECK_NP + 2e-4)
                sweeps = min(p.max_sweeps, MEAN_SWEEPS)
                seconds += p.trials * (sweeps * N * P * SECONDS_PER_SWEEP_NP + 1e-4)
    results = float(points) * (3 * p.networks + 3 * p.trials) * 8.0
    drivers = {
        "dense_capacity.networks": p.networks,
        "dense_capacity.trials": p.trials,
        "dense_capacity.checks": p.checks,
        "dense_capacity.factors": [list(x[3]) for x in p.plan][0],
        "dense_capacity.N": sorted({N for x in p.plan for N in x[2]}),
        "dense_capacity.energies": [x[0] for x in p.plan],
        "dynamics.max_sweeps": p.max_sweeps,
    }
    return Estimate(biggest + results, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the dense_capacity experiment reads."""
    parameters(cfg)


def _fixed_checks(net: DenseNetwork, checks: int) -> tuple[float, int, int]:
    """(fraction of the first ``checks`` patterns that are fixed, all fixed 1/0, tested)."""
    P = net.n_patterns
    first = min(checks, P)
    flags = []
    tested, failed = 0, False
    while tested < P:
        stop = min(P, tested + _BLOCK)
        flags.append(net.is_fixed_point(net.patterns[tested:stop], block=_BLOCK))
        failed = failed or not flags[-1].all()
        tested = stop
        if failed and tested >= first:
            break
    flags = np.concatenate(flags)
    return float(flags[:first].mean()), int(not failed), tested


def run(p: DenseCapacityParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run every (energy, N, P) point; see the module docstring for the dataset."""
    plan, checks, trials = p.plan, p.checks, p.trials
    all_N = sorted({N for q in plan for N in q[2]})
    shape = (len(plan), len(all_N), max(len(q[3]) for q in plan))
    out = {name: np.full(shape + (p.networks,), np.nan) for name in ("fixed_fraction", "all_fixed")}
    out["tested"] = np.zeros(shape + (p.networks,), dtype=np.int64)
    out.update({name: np.full(shape + (trials,), np.nan) for name in _TRIAL_VARS})
    out["P"] = np.zeros(shape, dtype=np.int64)
    out["P_factor"] = np.full(shape, np.nan)
    out["theory_pattern"] = np.full(shape[:2], np.nan)
    out["theory_all"] = np.full(shape[:2], np.nan)

    work = [(e, N, P) for e, q in enumerate(plan) for N in q[2] for P in q[4][N]]
    bar = tqdm(
        total=float(sum(N * P * (checks + trials) for _, N, P in work)),
        desc="dense_capacity",
        disable=not progress,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
    )
    for e, (name, energy, sizes, factors, grids) in enumerate(plan):
        for N in sizes:
            s = all_N.index(N)
            out["theory_pattern"][e, s], out["theory_all"][e, s] = prediction(energy, N)
            for f, P in enumerate(grids[N]):
                P = int(P)
                bar.set_description_str(f"dense_capacity {name} N={N} P={P}")
                out["P"][e, s, f], out["P_factor"][e, s, f] = P, factors[f]
                cell = {k: out[k][e, s, f] for k in (*_NETWORK_VARS, *_TRIAL_VARS)}
                _point(p, seeds, energy, N, P, cell)
                bar.update(N * P * (checks + trials))
    bar.close()
    return _dataset(p, out, [q[0] for q in plan], all_N)


#: Variables with one value per network, and per recall trial, of each (energy, N, P) point.
_NETWORK_VARS = ("fixed_fraction", "all_fixed", "tested")
_TRIAL_VARS = ("overlap", "sweeps", "outcome")


def _point(p: DenseCapacityParams, seeds: SeedTree, energy, N: int, P: int, cell: dict) -> None:
    """One (energy, N, P) point, written into ``cell`` (views of the run's arrays): the
    fixed-point checks of ``p.networks`` networks, and recall from noisy cues on the first."""
    trials, noise = p.trials, p.noise
    first = None
    for k in range(p.networks):
        xi = random_patterns(seeds.generator("dense patterns", N, P, k), P, N)
        net = DenseNetwork.build(xi, energy, 0.0, p.tie)
        checked = _fixed_checks(net, p.checks)
        cell["fixed_fraction"][k], cell["all_fixed"][k], cell["tested"][k] = checked
        first = net if k == 0 else first
    targets = first.patterns[np.arange(trials) % P]
    k_flip = int(round(noise * N))
    cues = np.stack(
        [
            corrupt_one(t, "flip", noise, seeds.generator("dense cue", N, P, j)) if k_flip else t
            for j, t in enumerate(targets)
        ]
    )
    rngs = [seeds.generator("dense dynamics", N, P, p.update, j) for j in range(trials)]
    traj = dense_dynamics.run(first, cues, p.update, p.max_sweeps, rngs)
    cell["overlap"][:] = np.einsum("bi,bi->b", traj.final, targets.astype(np.int64)) / N
    cell["sweeps"][:], cell["outcome"][:] = traj.sweeps, traj.outcome


def _dataset(p: DenseCapacityParams, out: dict, names: list, all_N: list) -> xr.Dataset:
    """The run's arrays as the labelled dataset, with the crossings and attrs."""
    dims3 = ("energy", "N", "factor")
    ds = xr.Dataset(
        {
            **{k: (dims3 + ("network",), out[k]) for k in _NETWORK_VARS},
            **{k: (dims3 + ("trial",), out[k]) for k in _TRIAL_VARS},
            "theory_pattern": (("energy", "N"), out["theory_pattern"]),
            "theory_all": (("energy", "N"), out["theory_all"]),
        },
        coords={
            "energy": names,
            "N": all_N,
            "factor": np.arange(out["P"].shape[2]),
            "network": np.arange(p.networks),
            "trial": np.arange(p.trials),
            "P": (dims3, out["P"]),
            "P_factor": (dims3, out["P_factor"]),
        },
    )
    ds["exact"] = (ds.overlap == 1).where(ds.overlap.notnull())
    ds["capacity_pattern"] = crossing(ds.fixed_fraction.mean("network"), ds.P)
    ds["capacity_all"] = crossing(ds.all_fixed.mean("network"), ds.P)
    _attrs(ds, p.noise, p.checks, p.update, p.tie, p.beta)
    return ds


ATTRS = {
    "fixed_fraction": ("fraction of tested stored patterns that are fixed points", "1"),
    "all_fixed": ("all stored patterns are fixed points (1) or not (0)", "1"),
    "tested": ("stored patterns tested as fixed points", "1"),
    "overlap": ("final overlap with the cued pattern", "1"),
    "exact": ("cued pattern recovered without error (1/0)", "1"),
    "sweeps": ("sweeps until the end of the trial", "sweep"),
    "theory_pattern": ("predicted capacity, per pattern", "patterns"),
    "theory_all": ("predicted capacity, all patterns fixed", "patterns"),
    "capacity_pattern": ("P where the fixed fraction crosses 1/2", "patterns"),
    "capacity_all": ("P where P(all patterns fixed) crosses 1/2", "patterns"),
    "P": ("stored patterns", "patterns"),
    "P_factor": ("P / predicted per-pattern capacity", "1"),
    "N": ("number of neurons", "1"),
}


def _attrs(ds: xr.Dataset, noise: float, checks: int, update: str, tie: str, beta: float) -> None:
    from hopsim.io import flag_attrs

    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["outcome"].attrs.update(flag_attrs("how the recall ended", discrete.OUTCOMES))
    ds.attrs.update(
        noise=noise,
        checks=checks,
        update=update,
        tie=tie,
        beta=beta,
        theory=(
            "polyK: Krotov & Hopfield 2016 N^(K-1)/(2 (2K-3)!! ln N) per pattern, "
            "/K for all patterns; exp: Demircigil et al. 2017 exp(ln2/2 N)+1 (rate only), "
            "one-bit-pair limit sqrt(2^(N+1)/N) for all patterns"
        ),
    )


def summary(ds: xr.Dataset) -> str:
    """One paragraph: measured capacities next to the predictions."""
    parts = []
    for name in ds.energy.values:
        cells = []
        for N in ds.N.values:
            c = ds.capacity_pattern.sel(energy=name, N=N).item()
            if np.isnan(ds.theory_pattern.sel(energy=name, N=N).item()):
                continue
            t = ds.theory_pattern.sel(energy=name, N=N).item()
            a = ds.capacity_all.sel(energy=name, N=N).item()
            cells.append(f"N={int(N)}: {c:.3g} (theory {t:.3g}), all {a:.3g}")
        parts.append(f"{name}: " + ", ".join(cells))
    return (
        "dense_capacity: per-pattern capacity (fixed fraction = 1/2) and all-fixed capacity; "
        + "; ".join(parts)
        + ". Figure: hopsim-plot RUN_DIR."
    )
