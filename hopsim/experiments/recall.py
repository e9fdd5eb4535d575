"""The ``recall`` experiment: store P patterns, cue each with corrupted versions, recall.

Dataset: dims ``pattern``, ``trial``, ``sweep``; variables ``overlap``, ``bit_error``,
``sweeps``, ``outcome``, ``recalled``, ``relation``, ``cue_overlap``, ``energy``;
run parameters (N, P, alpha, noise, theta, update, corruption, ...) as scalar
coordinates so a sweep turns them into dimensions.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import (
    ConfigError,
    get,
    get_choice,
    get_float,
    get_int,
)
from hopsim.dynamics import discrete
from hopsim.io import flag_attrs
from hopsim.learning import LEARNING_RULES
from hopsim.network import MODES, TIE_RULES, Network, choose_mode
from hopsim.patterns import CORRUPTIONS, corrupt, random_patterns
from hopsim.rng import SeedTree

# ----------------------------------------------------------------------------- config


def network_size_and_load(cfg: DictConfig) -> tuple[int, int]:
    """(N, P) from ``network.N``, ``patterns.P`` / ``patterns.alpha`` / ``patterns.explicit``."""
    explicit = get(cfg, "patterns.explicit", None)
    if explicit is not None:
        xi = explicit_patterns(explicit)
        return xi.shape[1], xi.shape[0]
    N = get_int(cfg, "network.N", lo=1)
    if get(cfg, "patterns.alpha", None) is not None:
        alpha = get_float(cfg, "patterns.alpha", lo=0.0)
        return N, int(round(alpha * N))
    return N, get_int(cfg, "patterns.P", lo=0)


def explicit_patterns(value) -> np.ndarray:
    """Validate ``patterns.explicit`` (a list of equal-length +/-1 lists) as (P, N) int8."""
    allowed = "a non-empty list of equal-length lists of +1/-1"
    if not isinstance(value, list) or not value:
        raise ConfigError("patterns.explicit", value, allowed)
    rows = [r if isinstance(r, list) else None for r in value]
    if any(r is None or not r for r in rows) or len({len(r) for r in rows}) != 1:
        raise ConfigError("patterns.explicit", value, allowed)
    if any(x not in (1, -1) or isinstance(x, bool) for r in rows for x in r):
        raise ConfigError("patterns.explicit", value, allowed)
    return np.array(rows, dtype=np.int8)


def thresholds(cfg: DictConfig, N: int) -> float | np.ndarray:
    """``network.theta``: one number, or a list of N numbers."""
    raw = get(cfg, "network.theta")
    if isinstance(raw, list):
        allowed = f"a number or a list of N={N} numbers"
        if len(raw) != N or any(
            isinstance(x, bool) or not isinstance(x, (int, float)) for x in raw
        ):
            raise ConfigError("network.theta", raw, allowed)
        return np.asarray(raw, dtype=np.float64)
    return get_float(cfg, "network.theta")


def validate(cfg: DictConfig) -> None:
    """Check every key the recall experiment reads."""
    N, P = network_size_and_load(cfg)
    thresholds(cfg, N)
    get_choice(cfg, "network.tie", TIE_RULES)
    get_choice(cfg, "network.learning", LEARNING_RULES)
    get_choice(cfg, "network.mode", MODES)
    get_float(cfg, "patterns.bias", lo=-1.0, hi=1.0)
    if abs(float(get(cfg, "patterns.bias"))) >= 1.0:
        raise ConfigError("patterns.bias", get(cfg, "patterns.bias"), "a number in (-1, 1)")
    get_choice(cfg, "corruption.kind", CORRUPTIONS)
    get_float(cfg, "corruption.level", lo=0.0, hi=1.0)
    get_choice(cfg, "dynamics.update", discrete.UPDATE_RULES)
    get_int(cfg, "dynamics.max_sweeps", lo=1)
    get_int(cfg, "dynamics.batch_size", lo=1)
    get_int(cfg, "trials", lo=1)
    if P == 0:
        raise ConfigError(
            "patterns.P", P, "at least 1 pattern to recall (P >= 1, or alpha >= 0.5/N)"
        )


# ----------------------------------------------------------------------------- run


def stored_patterns(cfg: DictConfig, seeds: SeedTree, N: int, P: int) -> np.ndarray:
    """The stored patterns: explicit ones, or random ones from the ("patterns", N, P) stream."""
    explicit = get(cfg, "patterns.explicit", None)
    if explicit is not None:
        return explicit_patterns(explicit)
    bias = float(get(cfg, "patterns.bias"))
    return random_patterns(seeds.generator("patterns", N, P, bias), P, N, bias)


def run(cfg: DictConfig, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the recall experiment; see the module docstring for the dataset."""
    N, P = network_size_and_load(cfg)
    theta = thresholds(cfg, N)
    kind, level = str(cfg.corruption.kind), float(cfg.corruption.level)
    update, max_sweeps = str(get(cfg, "dynamics.update")), int(cfg.dynamics.max_sweeps)
    trials, batch = int(cfg.trials), int(cfg.dynamics.batch_size)
    xi = stored_patterns(cfg, seeds, N, P)
    mode = choose_mode(N, P, str(cfg.network.mode))
    net = Network.hebbian(xi, theta, str(cfg.network.tie), mode=mode)

    # Trial (mu, k) has its own streams for the cue and for the update order.
    keys = [(mu, k) for mu in range(P) for k in range(trials)]
    out = _allocate(len(keys), N, max_sweeps)
    bar = tqdm(total=len(keys), desc="recall", unit="cue", disable=not progress)
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        idx = slice(start, start + len(chunk))
        cue_rngs = [seeds.generator("cue", N, P, kind, level, mu, k) for mu, k in chunk]
        dyn_rngs = [seeds.generator("dynamics", N, P, update, mu, k) for mu, k in chunk]
        targets = xi[[mu for mu, _ in chunk]]
        cues = corrupt(targets, kind, level, cue_rngs)
        traj = discrete.run(net, cues, update, max_sweeps, dyn_rngs)
        m = np.einsum("bi,bi->b", traj.final.astype(np.float64), targets) / N
        out["overlap"][idx] = m
        out["bit_error"][idx] = np.mean(traj.final != targets, axis=1)
        out["cue_overlap"][idx] = np.einsum("bi,bi->b", cues.astype(np.float64), targets) / N
        out["sweeps"][idx] = traj.sweeps
        out["outcome"][idx] = traj.outcome
        out["cycle_length"][idx] = traj.cycle_length
        out["recalled"][idx], out["relation"][idx] = discrete.recall_relation(traj.final, xi)
        out["energy"][idx] = traj.energy
        bar.update(len(chunk))
    bar.close()
    out["energy"] = out["energy"][:, : int(out["sweeps"].max()) + 1]  # drop all-NaN tail
    return _dataset(out, P, trials, cfg, N, theta, mode, net)


def _allocate(B: int, N: int, max_sweeps: int) -> dict[str, np.ndarray]:
    return {
        "overlap": np.empty(B),
        "bit_error": np.empty(B),
        "cue_overlap": np.empty(B),
        "sweeps": np.empty(B, dtype=np.int32),
        "outcome": np.empty(B, dtype=np.int8),
        "cycle_length": np.empty(B, dtype=np.int32),
        "recalled": np.empty(B, dtype=np.int32),
        "relation": np.empty(B, dtype=np.int8),
        "energy": np.empty((B, max_sweeps + 1)),
    }


VARIABLE_ATTRS = {
    "overlap": ("final overlap with the cued pattern", "1"),
    "bit_error": ("fraction of wrong bits", "1"),
    "cue_overlap": ("overlap of the corrupted cue with its pattern", "1"),
    "sweeps": ("sweeps until the end of the trial", "sweep"),
    "cycle_length": ("length of the limit cycle (0: none)", "sweep"),
    "recalled": ("index of the stored pattern recalled or inverted (-1: none)", "1"),
    "energy": ("energy after each sweep", "1"),
}


def _dataset(out, P, trials, cfg, N, theta, mode, net) -> xr.Dataset:
    shape = (P, trials)
    data = {}
    for name, array in out.items():
        dims = ("pattern", "trial", "sweep") if name == "energy" else ("pattern", "trial")
        data[name] = (dims, array.reshape(shape + array.shape[1:]))
    ds = xr.Dataset(
        data,
        coords={
            "pattern": np.arange(P),
            "trial": np.arange(trials),
            "sweep": np.arange(out["energy"].shape[1]),
        },
    )
    for name, (long_name, units) in VARIABLE_ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["outcome"].attrs.update(flag_attrs("how the trial ended", discrete.OUTCOMES))
    ds["relation"].attrs.update(flag_attrs("final state's relation to memory", discrete.RELATIONS))
    theta_scalar = float(theta) if np.ndim(theta) == 0 else float("nan")
    scalar_coords = {
        "N": (N, "number of neurons", "1"),
        "P": (P, "number of stored patterns", "1"),
        "alpha": (_alpha(cfg, N, P), "load P/N (as requested when patterns.alpha is set)", "1"),
        "noise": (float(cfg.corruption.level), "corruption level", "1"),
        "theta": (theta_scalar, "threshold (NaN: one per neuron)", "1"),
        "update": (str(get(cfg, "dynamics.update")), "update rule", ""),
        "corruption": (str(cfg.corruption.kind), "corruption kind", ""),
        "tie": (str(cfg.network.tie), "tie rule", ""),
        "bias": (float(cfg.patterns.bias), "pattern bias a, P(+1) = (1 + a)/2", "1"),
    }
    for name, (value, long_name, units) in scalar_coords.items():
        ds = ds.assign_coords({name: value})
        ds[name].attrs.update(long_name=long_name, units=units)
    ds["pattern"].attrs.update(long_name="stored pattern", units="1")
    ds["trial"].attrs.update(long_name="trial", units="1")
    ds["sweep"].attrs.update(long_name="sweep", units="1")
    ds.attrs.update(network_mode=mode, max_sweeps=int(cfg.dynamics.max_sweeps))
    if np.ndim(theta) == 1:
        ds["threshold"] = ("unit", np.asarray(theta))
        ds["threshold"].attrs.update(long_name="threshold per neuron", units="1")
    return ds


def _alpha(cfg: DictConfig, N: int, P: int) -> float:
    """The requested load when ``patterns.alpha`` is set (so sweeps index by it), else P/N."""
    requested = get(cfg, "patterns.alpha", None)
    if requested is not None and get(cfg, "patterns.explicit", None) is None:
        return float(requested)
    return P / N


# ----------------------------------------------------------------------------- summary


def summary(ds: xr.Dataset) -> str:
    """One paragraph: parameters, mean overlap, exact recalls, outcomes, sweeps."""
    n = int(ds.overlap.size)
    m = ds.overlap.values.ravel()
    outcomes = ds.outcome.values.ravel()
    counts = ", ".join(
        f"{name} {int(np.sum(outcomes == code))}"
        for code, name in enumerate(discrete.OUTCOMES)
        if np.any(outcomes == code)
    )
    exact = int(np.sum(ds.bit_error.values == 0))
    sem = m.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
    inverse = int(np.sum(ds.relation.values == 1))
    spurious = int(np.sum(ds.relation.values == 2))
    theta = float(ds.theta)
    theta_text = "per-neuron" if np.isnan(theta) else f"{theta:g}"
    return (
        f"recall: N={int(ds.N)} P={int(ds.P)} (alpha={float(ds.alpha):.3f}), "
        f"update={ds['update'].item()}, corruption={ds['corruption'].item()} "
        f"level={float(ds.noise):g}, theta={theta_text}, tie={ds['tie'].item()}. "
        f"{n} trials: mean final overlap {m.mean():.3f} +/- {sem:.3f} "
        f"(cue {float(ds.cue_overlap.mean()):.3f}), exact recall {exact}/{n}, "
        f"ended on an inverse {inverse}, spurious {spurious}; outcomes: {counts}; "
        f"mean sweeps {float(ds.sweeps.mean()):.2f}."
    )
