"""The ``hopfield_temperature`` experiment: retrieval at finite temperature (AGS phase diagram).

For each N in ``network.N``, load alpha in ``patterns.alpha`` (``P = max(1, round(alpha
N))`` random patterns, Hebbian couplings ``W = (1/N) sum xi xi^T``) and trial, the
network starts in the first stored pattern and runs single-spin dynamics
(:mod:`hopsim.dynamics.stochastic`) at every temperature of ``mc.temperatures``: one
chain per (N, alpha, T, trial). After ``mc.thermalize`` sweeps the overlap
``m = s . xi_1 / N`` is averaged over ``mc.sweeps`` sweeps, read every ``mc.interval``.
Starting in the pattern probes the retrieval state while it is (meta)stable: the
overlap stays large below the AGS line ``T_M(alpha)`` and falls to O(1/sqrt N) above it.

Dataset: ``overlap`` (time-averaged) and ``overlap_final`` with dims ``N``, ``alpha``,
``temperature``, ``trial``; ``P`` (N, alpha); scalar coordinate ``theta``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get_choice, get_int, get_list
from hopsim.dynamics import stochastic
from hopsim.experiments._discrete_config import (
    MAX_UNITS,
    NetworkSpec,
    check_network_memory,
    network_bytes,
    network_spec,
    pattern_bias,
)
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree


def n_patterns(alpha: float, N: int) -> int:
    """``P = max(1, round(alpha N))``."""
    return max(1, int(round(alpha * N)))


@dataclass(frozen=True)
class TemperatureParams:
    """Everything the hopfield_temperature experiment reads from its config, checked."""

    sizes: tuple[int, ...]
    alphas: tuple[float, ...]
    bias: float
    network: NetworkSpec
    temperatures: tuple[float, ...]
    rule: str
    update: str
    thermalize: int
    sweeps: int
    interval: int
    trials: int


def parameters(cfg: DictConfig) -> TemperatureParams:
    """Read and check every key the hopfield_temperature experiment uses (and its memory)."""
    sizes = tuple(get_list(cfg, "network.N", kind="int", lo=2, hi=MAX_UNITS))
    alphas = tuple(get_list(cfg, "patterns.alpha", lo=0.0, hi=1e6, lo_open=True))
    temps = tuple(get_list(cfg, "mc.temperatures", lo=0.0, hi=1e6))
    sweeps = get_int(cfg, "mc.sweeps", lo=1, hi=10**8)
    interval = get_int(cfg, "mc.interval", lo=1)
    if interval > sweeps:
        raise ConfigError("mc.interval", interval, f"an integer in [1, mc.sweeps={sweeps}]")
    params = TemperatureParams(
        sizes=sizes,
        alphas=alphas,
        bias=pattern_bias(cfg),
        network=network_spec(cfg, None, scalar_theta=True, modes=("dense",)),
        temperatures=temps,
        rule=get_choice(cfg, "mc.rule", stochastic.RULES),
        update=get_choice(cfg, "mc.update", stochastic.UPDATES),
        thermalize=get_int(cfg, "mc.thermalize", lo=0, hi=10**8),
        sweeps=sweeps,
        interval=interval,
        trials=get_int(cfg, "trials", lo=1, hi=10**8),
    )
    for N in sizes:
        P = max(n_patterns(a, N) for a in alphas)
        check_network_memory(params.network, N, P, "network.N", N)
        check_memory("mc.temperatures", list(temps), 40.0 * N * len(temps), "the chains")
    cells = float(len(sizes)) * len(alphas) * len(temps) * params.trials
    check_memory("trials", params.trials, 16.0 * cells, "the results")
    return params


#: Seconds per site update of one chain (CPU time measured at N = 500 and 1000, 13
#: temperatures: ~0.1 us, linear in N) and a sweep's fixed cost (one call over the chains,
#: the overlap reading).
SECONDS_PER_SITE = 1.0e-7
SECONDS_PER_SWEEP = 2.0e-5


def estimate(params: TemperatureParams):
    """The job's :class:`hopsim.resources.Estimate`: the largest network and its chains plus
    the results; every network learned and every chain's sweeps at every temperature."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    spec, temps = params.network, len(params.temperatures)
    memory = max(
        network_bytes(spec, N, max(n_patterns(a, N) for a in params.alphas))
        + 4.0 * N * N  # the sampler's couplings
        + 100.0 * N * temps
        for N in params.sizes
    )
    memory += 16.0 * len(params.sizes) * len(params.alphas) * temps * params.trials
    steps = params.thermalize + params.sweeps
    seconds = _costs.NUMBA_JOB_SECONDS
    for N in params.sizes:
        for alpha in params.alphas:
            one = _costs.network_seconds(spec, N, n_patterns(alpha, N))
            one += steps * (temps * SECONDS_PER_SITE * N + SECONDS_PER_SWEEP)
            seconds += params.trials * one
    drivers = {
        "trials": params.trials,
        "mc.sweeps": params.sweeps,
        "mc.thermalize": params.thermalize,
        "network.N": list(params.sizes),
        "mc.temperatures": list(params.temperatures),
        "patterns.alpha": list(params.alphas),
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the hopfield_temperature experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def run(params: TemperatureParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the scan; see the module docstring for the dataset."""
    sizes, alphas, bias, trials = params.sizes, params.alphas, params.bias, params.trials
    temps = np.asarray(params.temperatures, dtype=np.float64)
    theta, rule, update = float(params.network.theta), params.rule, params.update
    therm, sweeps, interval = params.thermalize, params.sweeps, params.interval
    spec = params.network

    shape = (len(sizes), len(alphas), temps.size, trials)
    overlap = np.full(shape, np.nan)
    final = np.full(shape, np.nan)
    P_used = np.zeros((len(sizes), len(alphas)), dtype=np.int64)
    bar = tqdm(
        total=len(sizes) * len(alphas) * trials,
        desc="hopfield_temperature",
        unit="net",
        disable=not progress,
    )
    for a, N in enumerate(sizes):
        for b, alpha in enumerate(alphas):
            P = n_patterns(alpha, N)
            P_used[a, b] = P
            for k in range(trials):
                xi = random_patterns(seeds.generator("patterns", N, alpha, bias, k), P, N, bias)
                net = spec.build(xi)
                rngs = [seeds.generator("hopfield_mc", N, alpha, float(T), k) for T in temps]
                sampler = stochastic.Sampler(net, rule, update)
                chains = sampler.start(np.broadcast_to(xi[0], (temps.size, N)))
                target = xi[0].astype(np.float64) / N
                for _ in range(therm):
                    sampler.sweep(chains, temps, rngs)
                acc = np.zeros(temps.size)
                count = 0
                for t in range(1, sweeps + 1):
                    sampler.sweep(chains, temps, rngs)
                    if t % interval == 0:
                        acc += chains.states @ target
                        count += 1
                overlap[a, b, :, k] = acc / count
                final[a, b, :, k] = chains.states @ target
                bar.update()
    bar.close()
    ds = _dataset(
        overlap,
        final,
        P_used,
        list(sizes),
        list(alphas),
        temps,
        trials,
        theta,
        rule,
        update,
        therm,
        sweeps,
        interval,
    )
    ds = ds.assign_coords(learning=spec.learning)
    ds["learning"].attrs.update(long_name="learning rule", units="")
    return ds


def _dataset(
    overlap,
    final,
    P_used,
    sizes,
    alphas,
    temps,
    trials,
    theta,
    rule,
    update,
    therm,
    sweeps,
    interval,
) -> xr.Dataset:
    dims = ("N", "alpha", "temperature", "trial")
    data = {
        "overlap": (
            dims,
            overlap,
            {"long_name": "overlap with the cued pattern (time average)", "units": "1"},
        ),
        "overlap_final": (
            dims,
            final,
            {"long_name": "overlap with the cued pattern after the last sweep", "units": "1"},
        ),
        "P": (("N", "alpha"), P_used, {"long_name": "stored patterns P", "units": "1"}),
    }
    coords = {
        "N": ("N", np.asarray(sizes, dtype=np.int64), {"long_name": "neurons N", "units": "1"}),
        "alpha": (
            "alpha",
            np.asarray(alphas, dtype=np.float64),
            {"long_name": "load alpha = P/N", "units": "1"},
        ),
        "temperature": ("temperature", temps, {"long_name": "temperature T", "units": "1"}),
        "trial": ("trial", np.arange(trials), {"long_name": "trial", "units": "1"}),
        "theta": ((), theta, {"long_name": "threshold theta", "units": "1"}),
    }
    attrs = {
        "rule": rule,
        "update": update,
        "thermalize": therm,
        "sweeps": sweeps,
        "interval": interval,
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def summary(ds: xr.Dataset) -> str:
    """One paragraph: the temperature where the mean overlap falls below 1/2, per alpha."""
    from hopsim.theory.ising import ags_temperature

    N = int(ds.N.values.max())
    mean = ds.overlap.sel(N=N).mean("trial")
    T = ds.temperature.values
    parts = []
    for alpha in ds.alpha.values:
        m = mean.sel(alpha=alpha).values
        above = np.flatnonzero(m < 0.5)
        t_half = f"{T[above[0]]:g}" if above.size else f">{T.max():g}"
        parts.append(
            f"alpha={alpha:g}: m<1/2 from T={t_half} (AGS T_M={ags_temperature(alpha):.2f})"
        )
    return (
        f"hopfield_temperature: N in {[int(x) for x in ds.N.values]}, {ds.alpha.size} loads, "
        f"{T.size} temperatures, {ds.trial.size} trials; largest N={N}: " + "; ".join(parts) + "."
    )


#: Its figures are the retrieval phase diagram (:mod:`hopsim.figures.phase_diagram`).
FIGURE = "phase_diagram"
