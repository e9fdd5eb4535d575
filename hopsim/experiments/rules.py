"""The ``rules`` experiment: learning rules compared on equal terms.

For every rule in ``rules.names``, N in ``network.N`` and load alpha in ``patterns.alpha``
(``P = round(alpha N)``), ``trials`` independent pattern sets are stored (the same sets
for every rule: a paired comparison). For each network:

``stable_fraction``
    the fraction of its stored patterns that are fixed points of the update (one
    synchronous update of the pattern changes no bit);
``overlap``, ``exact_recall``
    the mean final overlap, and the fraction of cues recalled without error, from
    ``rules.cues`` corrupted cues at every ``corruption.level`` (level 0: the pattern);
``basin_noise``
    the largest level up to which every level's mean final overlap is at least
    ``rules.recall_overlap`` (NaN where even level 0 falls short);
``margin``, ``neuron_stable_fraction``
    the mean over neurons of the margin ``min_mu xi_i (h_i - theta_i) / ||J_i||``
    (:mod:`hopsim.learning.stability`), and the fraction of neurons with every stored bit
    stable; beside them Gardner's ``margin_theory`` = kappa_max(P / (N - 1)) and Cover's
    ``separable_theory`` (N, alpha);
``converged_fraction``
    the neurons whose iterative learning (Krauth-Mezard's AdaTron) met its criterion;
    NaN for the closed-form rules.

Per (rule, N): ``exact_capacity``, the largest load up to which all patterns are stable in
at least half the networks, next to the theory (``alpha_exact_theory``,
``alpha_retrieval_theory``). Dataset dims ``rule``, ``N``, ``alpha`` (coordinate ``P``),
``noise``, ``trial``. Figure: ``hopsim-plot RUN_DIR``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim.config import ConfigError, get, get_float, get_int, get_list
from hopsim.dynamics import discrete
from hopsim.experiments._discrete_checks import check_loads
from hopsim.experiments._discrete_config import (
    MAX_UNITS,
    DynamicsSpec,
    NetworkSpec,
    batch_bytes,
    check_network_memory,
    dynamics_spec,
    network_bytes,
    network_spec,
    pattern_bias,
)
from hopsim.learning import get_rule, rule_names
from hopsim.learning.stability import margins, row_norms
from hopsim.patterns import corrupt_one, random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree


@dataclass(frozen=True)
class RulesParams:
    """Everything the rules experiment reads from its config, checked."""

    rules: tuple[NetworkSpec, ...]
    Ns: tuple[int, ...]
    alphas: tuple[float, ...]
    levels: tuple[float, ...]
    bias: float
    cues: int
    recall_overlap: float
    dynamics: DynamicsSpec
    trials: int

    @property
    def names(self) -> tuple[str, ...]:
        """The rules' names, in order."""
        return tuple(spec.learning for spec in self.rules)

    def P(self, N: int, alpha: float) -> int:
        """Patterns stored at (N, alpha): round(alpha N)."""
        return int(round(alpha * N))

    def problem_size(self) -> tuple[int, int]:
        """(largest N, cues per batch): what the thread count is chosen from."""
        return max(self.Ns), min(self.dynamics.batch_size, self.trials * len(self.levels))


def _rule_specs(cfg: DictConfig) -> tuple[NetworkSpec, ...]:
    raw = get(cfg, "rules.names")
    names = raw if isinstance(raw, list) else [raw]
    allowed = "a non-empty list of distinct rules from " + ", ".join(rule_names())
    if not names or any(n not in rule_names() for n in names) or len(set(names)) != len(names):
        raise ConfigError("rules.names", raw, allowed)
    given = get(cfg, "network.learning_options", None) or {}
    if not isinstance(given, dict):
        raise ConfigError("network.learning_options", given, "a mapping of option: value")
    # each rule takes its own options; an option no registered rule has is an error
    known = {k for n in rule_names() for k in get_rule(n).options}
    for key, value in given.items():
        if value is not None and key not in known:
            raise ConfigError(
                f"network.learning_options.{key}",
                value,
                "null: not an option of any learning rule (" + ", ".join(sorted(known)) + ")",
            )
    specs = []
    for name in names:
        options = {k: v for k, v in given.items() if k in get_rule(name).options}
        cfg_rule = {"network": {**_network_block(cfg), "learning": name}}
        cfg_rule["network"]["learning_options"] = options
        from omegaconf import OmegaConf

        specs.append(network_spec(OmegaConf.create(cfg_rule), None, scalar_theta=True))
    return tuple(specs)


def _network_block(cfg: DictConfig) -> dict:
    block = get(cfg, "network")
    return {k: block[k] for k in ("theta", "tie", "mode") if k in block}


def parameters(cfg: DictConfig) -> RulesParams:
    """Read and check every key the rules experiment uses (and its memory)."""
    Ns = tuple(get_list(cfg, "network.N", kind="int", lo=2, hi=MAX_UNITS))
    get_int(cfg, "patterns.P", lo=0, hi=MAX_UNITS)
    if get(cfg, "patterns.alpha", None) is None:
        raise ConfigError("patterns.alpha", None, "a load or a list of loads (numbers > 0)")
    alphas = tuple(get_list(cfg, "patterns.alpha", lo=0.0, hi=1e4, lo_open=True))
    levels = tuple(get_list(cfg, "corruption.level", lo=0.0, hi=1.0))
    if get(cfg, "corruption.kind") != "flip":
        raise ConfigError("corruption.kind", get(cfg, "corruption.kind"), "'flip'")
    if get(cfg, "patterns.explicit", None) is not None:
        raise ConfigError(
            "patterns.explicit",
            get(cfg, "patterns.explicit"),
            "null (rules stores random patterns)",
        )
    if get(cfg, "network.energy", None) is not None:
        raise ConfigError(
            "network.energy", get(cfg, "network.energy"), "null (rules compares learning rules)"
        )
    params = RulesParams(
        rules=_rule_specs(cfg),
        Ns=Ns,
        alphas=alphas,
        levels=levels,
        bias=pattern_bias(cfg),
        cues=get_int(cfg, "rules.cues", lo=1, hi=10**6),
        recall_overlap=get_float(cfg, "rules.recall_overlap", lo=0.0, hi=1.0, lo_open=True),
        dynamics=dynamics_spec(cfg),
        trials=get_int(cfg, "trials", lo=1, hi=10**6),
    )
    check_loads(list(Ns), list(alphas))  # no cell may store nothing (it would be all NaN)
    for spec in params.rules:
        for N in Ns:
            check_network_memory(spec, N, max(params.P(N, a) for a in alphas), "network.N", N)
    cells = float(len(params.rules)) * len(Ns) * len(alphas) * len(levels) * params.trials
    check_memory("trials", params.trials, 40.0 * cells, "the results")
    batch = min(params.dynamics.batch_size, params.cues * len(levels))
    check_memory(
        "rules.cues",
        params.cues,
        batch_bytes(max(Ns), batch, params.dynamics.max_sweeps),
        "a batch of cues",
    )
    return params


def estimate(params: RulesParams):
    """The job's :class:`hopsim.resources.Estimate`: the largest network, the results and
    one batch of cues; every rule's network learned, checked and recalled from ``rules.cues``
    cues per level, for every (N, alpha, trial)."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    dyn, T, C, L = params.dynamics, params.trials, params.cues, len(params.levels)
    memory = max(
        network_bytes(spec, N, max(params.P(N, a) for a in params.alphas))
        for spec in params.rules
        for N in params.Ns
    )
    cells = float(len(params.rules)) * len(params.Ns) * len(params.alphas) * T
    memory += cells * (L * 16.0 + 40.0) + 2.0 * max(params.Ns) * C * L
    memory += batch_bytes(max(params.Ns), min(dyn.batch_size, C * L), dyn.max_sweeps)
    seconds = _costs.NUMBA_JOB_SECONDS
    for N in params.Ns:
        for alpha in params.alphas:
            P = params.P(N, alpha)
            if not P:
                continue
            seconds += T * C * L * _costs.SECONDS_PER_CUE  # the cues, shared by the rules
            for spec in params.rules:
                one = _costs.network_seconds(spec, N, P) + 2.0 * N * N * P * 1e-10  # margins
                one += _costs.spec_recall_seconds(spec, N, P, float(C) * L, dyn, 1.0e-9)
                seconds += T * one
    drivers = {
        "rules.cues": C,
        "trials": T,
        "network.N": list(params.Ns),
        "patterns.alpha": list(params.alphas),
        "rules.names": list(params.names),
        "corruption.level": list(params.levels),
        "network.learning_options.budget": next(
            (s.options.get("budget") for s in params.rules if s.learning == "krauth_mezard"), None
        ),
        "dynamics.max_sweeps": dyn.max_sweeps,
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the rules experiment reads (see :func:`parameters`)."""
    parameters(cfg)


# ----------------------------------------------------------------------------- run


def run(params: RulesParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Store, test and recall for every (rule, N, alpha, trial); see the module docstring."""
    R, n_N, A = len(params.rules), len(params.Ns), len(params.alphas)
    L, T, C = len(params.levels), params.trials, params.cues
    dyn, bias = params.dynamics, params.bias
    stable = np.full((R, n_N, A, T), np.nan)
    overlap = np.full((R, n_N, A, L, T), np.nan)
    exact = np.full((R, n_N, A, L, T), np.nan)
    learn_s = np.full((R, n_N, A, T), np.nan)
    margin = np.full((R, n_N, A, T), np.nan)
    neuron_stable = np.full((R, n_N, A, T), np.nan)
    converged = np.full((R, n_N, A, T), np.nan)
    P_grid = np.array([[params.P(N, a) for a in params.alphas] for N in params.Ns])
    points = [(j, a, t) for j in range(n_N) for a in range(A) for t in range(T)]
    work = {(j, a): params.Ns[j] * max(1, P_grid[j, a]) for j in range(n_N) for a in range(A)}
    bar = tqdm(
        total=float(sum(work[j, a] for j, a, _ in points)) * R,
        desc="rules",
        disable=not progress,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
    )
    import time

    for j, a, t in points:
        N, P = params.Ns[j], int(P_grid[j, a])
        if P == 0:
            bar.update(work[j, a] * R)
            continue
        xi = random_patterns(seeds.generator("rules_patterns", N, P, bias, t), P, N, bias)
        cued = np.arange(C) % P
        cells = [(k, c) for k in range(L) for c in range(C)]
        cues = np.stack(
            [
                corrupt_one(
                    xi[cued[c]],
                    "flip",
                    params.levels[k],
                    seeds.generator("rules_cue", N, P, params.levels[k], t, c),
                )
                for k, c in cells
            ]
        )
        targets = xi[[cued[c] for _, c in cells]]
        for r, spec in enumerate(params.rules):
            bar.set_description_str(f"rules {spec.learning} N={N} alpha={params.alphas[a]:g}")
            started = time.perf_counter()
            net = spec.build(xi)
            learn_s[r, j, a, t] = time.perf_counter() - started
            fields = net.raw_fields(xi)
            after = net.threshold_update(fields, xi)
            stable[r, j, a, t] = float(np.mean(np.all(after == xi, axis=1)))
            kappa = margins(fields, xi, row_norms(net), net.raw_thresholds)
            margin[r, j, a, t] = float(np.nanmean(kappa)) if np.isfinite(kappa).any() else np.nan
            neuron_stable[r, j, a, t] = float(np.mean(np.all(after == xi, axis=0)))
            converged[r, j, a, t] = net.couplings.info.get("converged_fraction", np.nan)
            m = np.empty(len(cells))
            ok = np.empty(len(cells), dtype=bool)
            for start in range(0, len(cells), dyn.batch_size):
                idx = slice(start, start + dyn.batch_size)
                chunk = cells[idx]
                rngs = [
                    seeds.generator("rules_dynamics", spec.learning, N, P, params.levels[k], t, c)
                    for k, c in chunk
                ]
                final = discrete.run(net, cues[idx], dyn.update, dyn.max_sweeps, rngs).final
                m[idx] = np.einsum("bi,bi->b", final.astype(np.float64), targets[idx]) / N
                ok[idx] = np.all(final == targets[idx], axis=1)
            overlap[r, j, a, :, t] = m.reshape(L, C).mean(axis=1)
            exact[r, j, a, :, t] = ok.reshape(L, C).mean(axis=1)
            bar.update(work[j, a])
    bar.close()
    per_network = {
        "stable_fraction": stable,
        "learning_time": learn_s,
        "margin": margin,
        "neuron_stable_fraction": neuron_stable,
        "converged_fraction": converged,
    }
    return _dataset(params, per_network, overlap, exact, P_grid)


def basin_noise(overlap: np.ndarray, levels: np.ndarray, threshold: float) -> np.ndarray:
    """Largest level up to which every level's overlap is >= threshold (last axis: levels).

    ``levels`` must be sorted; NaN where even the first level falls short or is NaN.
    """
    good = np.nan_to_num(overlap, nan=-np.inf) >= threshold
    upto = np.cumprod(good, axis=-1).sum(axis=-1)  # number of leading good levels
    out = np.where(upto > 0, levels[np.maximum(upto - 1, 0)], np.nan)
    return out


def exact_capacity(stable: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """Largest load up to which all patterns are stable in at least half the networks.

    ``stable`` has the trials on its last axis and the loads (sorted) before them; NaN
    where even the smallest load fails.
    """
    all_stable = np.nan_to_num(stable, nan=0.0) == 1.0
    half = all_stable.mean(axis=-1) >= 0.5  # (..., alpha)
    upto = np.cumprod(half, axis=-1).sum(axis=-1)
    return np.where(upto > 0, alphas[np.maximum(upto - 1, 0)], np.nan)


def theory(name: str, N: int, options: dict) -> tuple[float, float]:
    """(exact-storage load, retrieval load) the literature predicts for a rule at N: the
    rule's own :meth:`~hopsim.learning.Rule.loads`."""
    return get_rule(name).loads(N, options)


def _attrs(recall_overlap: float) -> dict[str, tuple[str, str]]:
    """(long_name, units) of every variable and coordinate."""
    return {
        "stable_fraction": ("fraction of stored patterns that are fixed points", "1"),
        "overlap": ("mean final overlap with the cued pattern", "1"),
        "exact_recall": ("fraction of cues recalled without error", "1"),
        "basin_noise": (f"largest cue noise with mean final overlap >= {recall_overlap:g}", "1"),
        "learning_time": ("wall time to form the couplings", "s"),
        "margin": (
            "mean over neurons of the margin min_mu xi_i (h_i - theta_i) / ||J_i|| "
            "(self-coupling excluded from the norm)",
            "1",
        ),
        "neuron_stable_fraction": ("fraction of neurons with every stored bit stable", "1"),
        "converged_fraction": (
            "fraction of neurons whose iterative learning met its criterion (NaN: closed form)",
            "1",
        ),
        "exact_capacity": (
            "largest load with every pattern stable in at least half the networks",
            "1",
        ),
        "alpha_exact_theory": ("load of exact storage predicted by theory", "1"),
        "alpha_retrieval_theory": (
            "retrieval load from theory (Hebb: with errors; Krauth-Mezard: margin kappa)",
            "1",
        ),
        "margin_theory": (
            "Gardner's maximal margin kappa_max(P / (N - 1)), N -> infinity (NaN past 2)",
            "1",
        ),
        "separable_theory": (
            "Cover's probability that a neuron's P bits are linearly separable "
            "(N - 1 inputs, general position)",
            "1",
        ),
        "rule": ("learning rule", ""),
        "N": ("number of neurons", "1"),
        "alpha": ("load P/N", "1"),
        "noise": ("fraction of cue bits flipped", "1"),
        "trial": ("independent pattern set", "1"),
        "P": ("stored patterns round(alpha N)", "1"),
    }


def _dataset(params, per_network, overlap, exact, P_grid) -> xr.Dataset:
    from hopsim.theory.gardner import cover_separable, kappa_max

    dims = ("rule", "N", "alpha")
    alphas = np.asarray(params.alphas)
    order = np.argsort(alphas)
    levels = np.asarray(params.levels)
    level_order = np.argsort(levels)
    basin = basin_noise(
        np.moveaxis(overlap, 3, -1)[..., level_order], levels[level_order], params.recall_overlap
    )  # (rule, N, alpha, trial)
    cap = np.empty((len(params.rules), len(params.Ns)))
    cap[...] = exact_capacity(per_network["stable_fraction"][:, :, order], alphas[order])
    theo = np.array([[theory(s.learning, N, s.options) for N in params.Ns] for s in params.rules])
    inputs = np.array(params.Ns)[:, None] - 1
    data = {name: (dims + ("trial",), value) for name, value in per_network.items()}
    data.update(
        overlap=(dims + ("noise", "trial"), overlap),
        exact_recall=(dims + ("noise", "trial"), exact),
        basin_noise=(dims + ("trial",), basin),
        exact_capacity=(("rule", "N"), cap),
        alpha_exact_theory=(("rule", "N"), theo[..., 0]),
        alpha_retrieval_theory=(("rule", "N"), theo[..., 1]),
        margin_theory=(("N", "alpha"), kappa_max(P_grid / inputs)),
        separable_theory=(("N", "alpha"), cover_separable(P_grid, inputs)),
    )
    ds = xr.Dataset(
        data,
        coords={
            "rule": list(params.names),
            "N": list(params.Ns),
            "alpha": list(params.alphas),
            "noise": list(params.levels),
            "trial": np.arange(params.trials),
            "P": (("N", "alpha"), P_grid),
        },
    )
    for name, (long_name, units) in _attrs(params.recall_overlap).items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds = ds.assign_coords(update=params.dynamics.update, bias=params.bias)
    ds["update"].attrs.update(long_name="update rule", units="")
    ds["bias"].attrs.update(long_name="pattern bias a, P(+1) = (1 + a)/2", units="1")
    ds.attrs.update(
        cues_per_network=params.cues,
        recall_overlap=params.recall_overlap,
        learning_options="; ".join(
            f"{spec.learning}: {_options_text(spec.options)}"
            for spec in params.rules
            if _options_text(spec.options)
        ),
    )
    return ds


def _options_text(options: dict) -> str:
    """``kappa=0, budget=20`` for the options that are set (None: the rule's default)."""
    return ", ".join(
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
        for k, v in options.items()
        if v is not None
    )


# ----------------------------------------------------------------------------- summary


def summary(ds: xr.Dataset) -> str:
    """One paragraph: each rule's measured exact-storage capacity against theory."""
    parts = []
    for rule in ds.rule.values:
        cells = []
        for N in ds.N.values:
            cap = float(ds.exact_capacity.sel(rule=rule, N=N))
            theo = float(ds.alpha_exact_theory.sel(rule=rule, N=N))
            t_learn = float(ds.learning_time.sel(rule=rule, N=N).mean())
            cells.append(f"N={int(N)} {cap:.3g} (theory {theo:.3g}, {1e3 * t_learn:.0f} ms)")
        parts.append(f"{rule}: " + ", ".join(cells))
    return (
        f"rules: {ds.sizes['rule']} rules, N={list(map(int, ds.N.values))}, "
        f"{ds.sizes['alpha']} loads {float(ds.alpha.min()):g}..{float(ds.alpha.max()):g}, "
        f"{ds.sizes['trial']} networks per point. Largest load with every pattern stable "
        "(in half the networks): " + "; ".join(parts) + ". Figure: hopsim-plot RUN_DIR."
    )
