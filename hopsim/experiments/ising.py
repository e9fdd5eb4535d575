"""The ``ising`` experiment: a temperature scan of the periodic chain or square lattice.

For each size L in ``lattice.L`` and temperature T in ``mc.temperatures`` one Markov
chain is thermalised for ``mc.thermalize`` sweeps, then measured ``mc.sweeps //
mc.interval`` times, every ``mc.interval`` sweeps. With ``mc.anneal`` the temperatures of
one size are visited in list order and each starts from the previous final state;
otherwise each starts from ``mc.start`` (all up, or random).

Dataset: dims ``L`` and ``temperature``; variables ``magnetization``,
``abs_magnetization``, ``energy`` (per spin), ``specific_heat``, ``susceptibility``,
``binder``, each with ``<name>_err`` (means: ``sqrt(2 tau_int var / n)``; the others:
blocked jackknife), plus ``tau_abs_magnetization``, ``tau_energy`` (in measurements) and
``cluster_size`` (Wolff). Scalar coordinates ``J`` and ``h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import (
    ConfigError,
    get_bool,
    get_choice,
    get_float,
    get_int,
    get_list,
)
from hopsim.dynamics import lattice as lat
from hopsim.observables import THERMO_NAMES, thermodynamics
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

VARIABLES = {
    "magnetization": ("magnetization per spin <m>", "1"),
    "abs_magnetization": ("absolute magnetization per spin <|m|>", "1"),
    "energy": ("energy per spin <e>", "J"),
    "specific_heat": ("specific heat per spin C", "k_B"),
    "susceptibility": ("susceptibility per spin chi", "1/J"),
    "binder": ("Binder cumulant U4", "1"),
}


@dataclass(frozen=True)
class IsingParams:
    """Everything the ising experiment reads from its config, checked."""

    kind: str
    sizes: tuple[int, ...]
    J: float
    h: float
    algorithm: str
    temperatures: tuple[float, ...]
    thermalize: int
    sweeps: int
    interval: int
    anneal: bool
    start: str
    threads: bool
    blocks: int


def parameters(cfg: DictConfig) -> IsingParams:
    """Read and check every key the ising experiment uses (and its memory and work)."""
    kind = get_choice(cfg, "lattice.kind", lat.KINDS)
    sizes = get_list(cfg, "lattice.L", kind="int", lo=2)
    if any(L % 2 for L in sizes) or len(set(sizes)) != len(sizes):
        raise ConfigError("lattice.L", sizes, "distinct even integers >= 2 (checkerboard updates)")
    J = get_float(cfg, "lattice.J", lo=-MAX_COUPLING, hi=MAX_COUPLING)
    h = get_float(cfg, "lattice.h", lo=-MAX_COUPLING, hi=MAX_COUPLING)
    algorithm = get_choice(cfg, "mc.algorithm", lat.ALGORITHMS)
    if algorithm == "wolff" and (kind != "square" or h != 0.0 or J <= 0.0):
        raise ConfigError(
            "mc.algorithm",
            algorithm,
            "metropolis or glauber unless lattice.kind=square, "
            "lattice.h=0 and lattice.J>0 (Wolff clusters)",
        )
    temps = get_list(cfg, "mc.temperatures", lo=MIN_TEMPERATURE, hi=MAX_TEMPERATURE)
    therm = get_int(cfg, "mc.thermalize", lo=0)
    sweeps = get_int(cfg, "mc.sweeps", lo=1)
    interval = get_int(cfg, "mc.interval", lo=1)
    if sweeps // interval < 4:
        raise ConfigError("mc.sweeps", sweeps, f"at least 4 measurements (>= {4 * interval})")
    anneal = get_bool(cfg, "mc.anneal")
    start = get_choice(cfg, "mc.start", lat.STARTS)
    threads = get_bool(cfg, "mc.threads")
    blocks = get_int(cfg, "mc.blocks", lo=2)
    if blocks > sweeps // interval:
        raise ConfigError(
            "mc.blocks", blocks, f"at most the number of measurements ({sweeps // interval})"
        )
    check_resources(kind, sizes, temps, therm, sweeps, interval)
    return IsingParams(
        kind,
        tuple(sizes),
        J,
        h,
        algorithm,
        tuple(temps),
        therm,
        sweeps,
        interval,
        anneal,
        start,
        threads,
        blocks,
    )


#: Seconds per spin update (checkerboard Metropolis or heat bath, numba; a Wolff "sweep"
#: flips about N spins in clusters) and per measurement (m, e, their series and errors).
SECONDS_PER_UPDATE = {"metropolis": 6.0e-9, "glauber": 1.0e-8, "wolff": 3.0e-8}
SECONDS_PER_MEASUREMENT = 2.0e-7
#: A sweep's fixed cost (one kernel call per sweep and chain; fitted with the updates on
#: L = 8-64 runs, benchmarks/estimates.py).
SECONDS_PER_SWEEP = 4.0e-6


def estimate(params: IsingParams):
    """The job's :class:`hopsim.resources.Estimate`: the largest lattice and the series of
    one temperature; every spin update of every (L, T) chain and every measurement."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    p = params
    spins = [float(L if p.kind == "chain" else L * L) for L in p.sizes]
    n_meas = p.sweeps // p.interval
    memory = 16.0 * max(spins) + 100.0 * n_meas
    updates = sum(spins) * len(p.temperatures) * (p.thermalize + p.sweeps)
    cells = len(p.sizes) * len(p.temperatures)
    seconds = _costs.NUMBA_JOB_SECONDS + updates * SECONDS_PER_UPDATE[p.algorithm]
    seconds += cells * n_meas * SECONDS_PER_MEASUREMENT
    seconds += cells * (p.thermalize + p.sweeps) * SECONDS_PER_SWEEP
    drivers = {
        "lattice.L": list(p.sizes),
        "mc.sweeps": p.sweeps,
        "mc.thermalize": p.thermalize,
        "mc.temperatures": list(p.temperatures),
        "lattice.kind": p.kind,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the ising experiment reads (see :func:`parameters`)."""
    parameters(cfg)


#: Temperatures (in units of J/k_B) whose Boltzmann factors and 1/T^2 stay finite.
MIN_TEMPERATURE, MAX_TEMPERATURE = 1e-6, 1e6
#: Largest |J| and |h|: energies, their squares and N times them stay finite.
MAX_COUPLING = 1e6


def check_resources(kind, sizes, temps, therm, sweeps, interval) -> None:
    """Refuse a scan whose spins or series do not fit (its time is :func:`estimate`'s)."""
    spins = [float(L if kind == "chain" else L * L) for L in sizes]
    n_meas = sweeps // interval
    # spins (int8) and the Wolff stack/flags, ~16 bytes a spin, of the largest lattice;
    # m and e series and their FFT autocorrelation buffers, ~100 bytes a measurement
    L = max(sizes)
    series = 100.0 * n_meas
    key, value = ("lattice.L", L) if 16.0 * max(spins) >= series else ("mc.sweeps", sweeps)
    check_memory(key, value, 16.0 * max(spins) + series, "the spins and measurements")


def run(params: IsingParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the temperature scan; see the module docstring for the dataset."""
    p = params
    kind, sizes, J, h, algorithm = p.kind, list(p.sizes), p.J, p.h, p.algorithm
    temps = list(p.temperatures)
    therm, sweeps, interval = p.thermalize, p.sweeps, p.interval
    anneal, start, threads, blocks = p.anneal, p.start, p.threads, p.blocks
    n_meas = sweeps // interval

    names = [*THERMO_NAMES, *(f"{n}_err" for n in THERMO_NAMES)]
    names += ["tau_abs_magnetization", "tau_energy", "cluster_size"]
    out = {name: np.full((len(sizes), len(temps)), np.nan) for name in names}
    bar = tqdm(total=len(sizes) * len(temps), desc="ising", unit="T", disable=not progress)
    for a, L in enumerate(sizes):
        lattice = lat.Lattice(kind, L, J, h)
        spins = None
        for b, T in enumerate(temps):
            rng = seeds.generator("ising", kind, L, T)
            if spins is None or not anneal:
                spins = lattice.initial(start, rng)
            series = lat.simulate(
                lattice, spins, T, algorithm, therm, n_meas, interval, rng, threads
            )
            res = thermodynamics(
                series.magnetization, series.energy, lattice.N, T, h == 0.0, n_blocks=blocks
            )
            for name in THERMO_NAMES:
                out[name][a, b], out[f"{name}_err"][a, b] = res[name]
            out["tau_abs_magnetization"][a, b] = res["tau_abs_magnetization"][0]
            out["tau_energy"][a, b] = res["tau_energy"][0]
            out["cluster_size"][a, b] = series.cluster_size
            bar.update()
    bar.close()
    return _dataset(out, sizes, temps, J, h, kind, algorithm, therm, sweeps, interval, anneal)


def _dataset(out, sizes, temps, J, h, kind, algorithm, therm, sweeps, interval, anneal):
    dims = ("L", "temperature")
    data = {}
    for name, (long_name, units) in VARIABLES.items():
        data[name] = (dims, out[name], {"long_name": long_name, "units": units})
        data[f"{name}_err"] = (
            dims,
            out[f"{name}_err"],
            {"long_name": f"standard error of {long_name}", "units": units},
        )
    data["tau_abs_magnetization"] = (
        dims,
        out["tau_abs_magnetization"],
        {"long_name": "integrated autocorrelation time of |m|", "units": "measurements"},
    )
    data["tau_energy"] = (
        dims,
        out["tau_energy"],
        {"long_name": "integrated autocorrelation time of e", "units": "measurements"},
    )
    data["cluster_size"] = (
        dims,
        out["cluster_size"],
        {"long_name": "mean Wolff cluster size", "units": "spins"},
    )
    coords = {
        "L": ("L", np.asarray(sizes, dtype=np.int64), {"long_name": "linear size L", "units": "1"}),
        "temperature": (
            "temperature",
            np.asarray(temps, dtype=np.float64),
            {"long_name": "temperature T", "units": "J/k_B"},
        ),
        "J": ((), J, {"long_name": "coupling J", "units": "J"}),
        "h": ((), h, {"long_name": "field h", "units": "J"}),
    }
    attrs = {
        "lattice_kind": kind,
        "algorithm": algorithm,
        "thermalize": therm,
        "sweeps": sweeps,
        "interval": interval,
        "anneal": int(anneal),
        "susceptibility_formula": "N(<m^2> - <|m|>^2)/T" if h == 0 else "N(<m^2> - <m>^2)/T",
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def summary(ds: xr.Dataset) -> str:
    """One paragraph: sizes, temperatures, and where C and chi peak for the largest L."""
    L = int(ds.L.values.max())
    big = ds.sel(L=L)
    t_chi = float(big.temperature[int(np.nanargmax(big.susceptibility.values))])
    t_c = float(big.temperature[int(np.nanargmax(big.specific_heat.values))])
    T = ds.temperature.values
    text = (
        f"ising: {ds.attrs['lattice_kind']} lattice, {ds.attrs['algorithm']}, "
        f"L in {[int(x) for x in ds.L.values]}, "
        f"{T.size} temperatures in [{T.min():g}, {T.max():g}]. "
        f"Largest L={L}: susceptibility peaks at T={t_chi:g}, specific heat at T={t_c:g}"
    )
    if ds.attrs["lattice_kind"] == "square" and float(ds.h) == 0.0:
        from hopsim.theory.ising import square_tc

        text += f" (Onsager T_c={square_tc(float(ds.J)):.4f})"
    return text + "."
