"""The ``bifurcation`` experiment: fixed points of the single neuron and of the network.

Single neuron ``tau dv/dt = -v + F(h + lambda v)`` (:mod:`hopsim.bifurcation`):

- over a lambda grid at the constant input ``neuron.h``: the fixed point on each branch
  (``lower``, ``middle``, ``upper``; NaN where the branch does not exist), its eigenvalue and
  stability; the pitchfork ``lambda_c`` (grid estimate and refined value, at h = 0); the
  fold points ``h_fold`` bounding the bistable window ``|h| < h_fold``;
- for each of ``bifurcation.loop_lambda``: the fixed points over an ``h`` grid, i.e. the
  hysteresis loop, with its folds.

Network (the mean-field link): Hebbian ``W`` for ``meanfield.P`` random patterns of
``meanfield.N`` units; the retrieval fixed point of ``v = tanh(beta W v)`` followed from high
to low gain ``beta``; its overlap ``m`` with the pattern, and the trivial state ``v = 0``.
The overlap obeys ``m ~ tanh(beta m)`` and meets ``m = 0`` in a pitchfork at
``beta_c = 1 / lambda_max(W)``, which tends to 1 as ``P/N -> 0``.

Dataset: dims ``lambda``, ``branch``, ``loop_lambda``, ``h``, ``beta``; variables ``v``,
``stable``, ``eigenvalue``, ``n_fixed_points``, ``h_fold``, ``v_fold``, ``lambda_c``,
``lambda_c_grid``, ``loop_v``, ``loop_stable``, ``loop_h_fold``, ``loop_v_fold``, ``network_m``,
``network_stable``, ``network_eigenvalue``, ``network_converged``, ``network_beta_c``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from threadpoolctl import threadpool_limits

from hopsim import bifurcation as bif
from hopsim.config import ConfigError, get_float, get_int, get_list
from hopsim.experiments._continuous_config import neuron
from hopsim.learning import hebb
from hopsim.patterns import random_patterns
from hopsim.rng import SeedTree

# ----------------------------------------------------------------------------- config


def validate(cfg: DictConfig) -> None:
    """Check every key the bifurcation experiment reads."""
    neuron(cfg)
    lo = get_float(cfg, "bifurcation.lambda_min")
    hi = get_float(cfg, "bifurcation.lambda_max")
    if not hi > lo:
        raise ConfigError("bifurcation.lambda_max", hi, f"a number > lambda_min={lo}")
    get_int(cfg, "bifurcation.points", lo=2, hi=10_000_000)
    get_int(cfg, "bifurcation.grid", lo=3, hi=100_000)
    get_list(cfg, "bifurcation.loop_lambda", kind="float")
    get_float(cfg, "bifurcation.h_max", lo=0.0, lo_open=True)
    get_int(cfg, "bifurcation.h_points", lo=2, hi=10_000_000)
    get_int(cfg, "meanfield.N", lo=2, hi=20_000)
    N = int(cfg.meanfield.N)
    get_int(cfg, "meanfield.P", lo=1, hi=N)
    g_lo = get_float(cfg, "meanfield.beta_min", lo=0.0, lo_open=True)
    g_hi = get_float(cfg, "meanfield.beta_max", lo=0.0, lo_open=True)
    if not g_hi > g_lo:
        raise ConfigError("meanfield.beta_max", g_hi, f"a number > beta_min={g_lo}")
    get_int(cfg, "meanfield.points", lo=2, hi=100_000)


# ----------------------------------------------------------------------------- run


def run(cfg: DictConfig, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the bifurcation analysis; see the module docstring for the dataset."""
    tau, h0, F = neuron(cfg)
    grid = int(cfg.bifurcation.grid)
    lams = np.linspace(
        float(cfg.bifurcation.lambda_min),
        float(cfg.bifurcation.lambda_max),
        int(cfg.bifurcation.points),
    )
    scan = bif.diagram(lams, h0, tau, F, grid)
    counts0 = scan.count if h0 == 0.0 else bif.diagram(lams, 0.0, tau, F, grid).count
    fork = bif.pitchfork(lams, counts0, F)
    h_fold, v_fold = bif.fold_points(lams, F)

    loop_lams = np.asarray(get_list(cfg, "bifurcation.loop_lambda", kind="float"))
    hs = np.linspace(
        -float(cfg.bifurcation.h_max), float(cfg.bifurcation.h_max), int(cfg.bifurcation.h_points)
    )
    loop_v = np.empty((loop_lams.size, hs.size, 3))
    loop_stable = np.empty((loop_lams.size, hs.size, 3), dtype=np.int8)
    for q, lam in enumerate(loop_lams):
        d = bif.diagram(lam, hs, tau, F, grid)
        loop_v[q], loop_stable[q] = d.v, d.stable
    loop_h_fold, loop_v_fold = bif.fold_points(loop_lams, F)

    net = network_branches(cfg, seeds, F.name, tau)
    ds = xr.Dataset(
        {
            "v": (("lambda", "branch"), scan.v),
            "stable": (("lambda", "branch"), scan.stable),
            "eigenvalue": (("lambda", "branch"), scan.eigenvalue),
            "n_fixed_points": ("lambda", scan.count.astype(np.int8)),
            "h_fold": ("lambda", h_fold),
            "v_fold": ("lambda", v_fold),
            "lambda_c": ((), fork.lam),
            "lambda_c_grid": ((), fork.lam_grid),
            "loop_v": (("loop_lambda", "h", "branch"), loop_v),
            "loop_stable": (("loop_lambda", "h", "branch"), loop_stable),
            "loop_h_fold": ("loop_lambda", loop_h_fold),
            "loop_v_fold": ("loop_lambda", loop_v_fold),
            **net,
        },
        coords={
            "lambda": lams,
            "branch": list(bif.BRANCHES),
            "loop_lambda": loop_lams,
            "h": hs,
            "beta": np.linspace(
                float(cfg.meanfield.beta_min),
                float(cfg.meanfield.beta_max),
                int(cfg.meanfield.points),
            ),
            "tau": tau,
            "h0": h0,
            "gain": F.gain,
            "activation": F.name,
            "N": int(cfg.meanfield.N),
            "P": int(cfg.meanfield.P),
        },
    )
    _attrs(ds, F)
    return ds


def network_branches(cfg: DictConfig, seeds: SeedTree, activation: str, tau: float) -> dict:
    """Retrieval and trivial fixed points of the Hebbian network over the gain ``beta``."""
    N, P = int(cfg.meanfield.N), int(cfg.meanfield.P)
    betas = np.linspace(
        float(cfg.meanfield.beta_min), float(cfg.meanfield.beta_max), int(cfg.meanfield.points)
    )
    xi = random_patterns(seeds.generator("patterns", N, P, 0.0), P, N, 0.0)
    W = hebb(xi)
    # follow the retrieval state of pattern 0 from the highest gain down;
    # small dense solves: one BLAS thread avoids busy-waiting threads (see ARCHITECTURE.md)
    with threadpool_limits(limits=1, user_api="blas"):
        top = float(np.linalg.eigvalsh(W)[-1])
        branch = bif.continue_in_gain(W, betas[::-1], 0.99 * xi[0], activation, 0.0, tau)
    order = slice(None, None, -1)
    v = branch.v[order]
    m = v @ xi[0].astype(np.float64) / N
    exists = np.max(np.abs(v), axis=1) > 1e-7
    m_out = np.full((betas.size, 3), np.nan)
    m_out[:, 2] = np.where(exists, m, np.nan)
    m_out[:, 0] = -m_out[:, 2]  # v -> -v is a symmetry of the network
    m_out[:, 1] = 0.0
    eig = np.full((betas.size, 3), np.nan)
    eig[:, 2] = np.where(exists, branch.max_eigenvalue[order], np.nan)
    eig[:, 0] = eig[:, 2]
    # at v = 0, F'(0) = beta for every activation: Jacobian (beta W - I) / tau
    eig[:, 1] = (betas * top - 1.0) / tau
    return {
        "network_m": (("beta", "branch"), m_out),
        "network_eigenvalue": (("beta", "branch"), eig),
        "network_stable": (("beta", "branch"), (eig < 0).astype(np.int8)),
        "network_converged": ("beta", branch.converged[order].astype(np.int8)),
        "network_beta_c": ((), 1.0 / top),
    }


_ATTRS = {
    "v": ("fixed point v* on the branch (NaN: branch absent)", "1"),
    "stable": ("fixed point is stable (1) or unstable/absent (0)", "1"),
    "eigenvalue": ("linear stability eigenvalue (-1 + lambda F'(h + lambda v*)) / tau", "1/a.u."),
    "n_fixed_points": ("number of fixed points", "1"),
    "h_fold": ("fold (saddle-node) input: bistable for |h| < h_fold (NaN: no fold)", "1"),
    "v_fold": ("fixed point at the fold h = -h_fold", "1"),
    "lambda_c": ("pitchfork self-coupling at h = 0, refined", "1"),
    "lambda_c_grid": ("pitchfork self-coupling: first grid value with 3 fixed points", "1"),
    "loop_v": ("fixed point v* over the input h (hysteresis loop)", "1"),
    "loop_stable": ("fixed point over h is stable (1) or unstable/absent (0)", "1"),
    "loop_h_fold": ("fold input h_fold for the loop lambda", "1"),
    "loop_v_fold": ("fixed point at the fold h = -h_fold (-v_fold at h = +h_fold)", "1"),
    "network_m": ("network fixed point: overlap m with the pattern", "1"),
    "network_eigenvalue": ("largest eigenvalue of the network Jacobian", "1/a.u."),
    "network_stable": ("network fixed point is stable (1) or unstable/absent (0)", "1"),
    "network_converged": ("Newton continuation converged (1) or not (0)", "1"),
    "network_beta_c": ("network pitchfork gain 1/lambda_max(W)", "1"),
    "lambda": ("self-coupling lambda", "1"),
    "branch": ("fixed-point branch", ""),
    "loop_lambda": ("self-coupling lambda of the hysteresis loop", "1"),
    "h": ("constant input h", "1"),
    "beta": ("network gain beta", "1"),
    "tau": ("time constant tau", "a.u."),
    "h0": ("constant input h of the lambda scan", "1"),
    "gain": ("neuron gain F'(0)", "1"),
    "activation": ("activation function F", ""),
    "N": ("network size (mean-field link)", "1"),
    "P": ("stored patterns (mean-field link)", "1"),
}


def _attrs(ds: xr.Dataset, F) -> None:
    for name, (long_name, units) in _ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs["activation_formula"] = F.formula
    ds.attrs["lambda_c_theory"] = 1.0 / F.gain
    ds.attrs["branch_convention"] = (
        "lower < middle < upper; a single fixed point is 'middle' at h = 0, 'upper' for h > 0, "
        "'lower' for h < 0; network branches: upper = retrieval (m > 0), lower = its mirror "
        "image -v, middle = the trivial state v = 0"
    )


def summary(ds: xr.Dataset) -> str:
    """One paragraph: pitchfork, folds, network pitchfork."""
    lam = ds["lambda"].values
    parts = [
        f"Single neuron ({ds.attrs['activation_formula']}, h={float(ds.h0):g}): "
        f"{lam.size} lambda values in [{lam[0]:g}, {lam[-1]:g}]; "
        f"pitchfork at lambda_c={float(ds.lambda_c):.9g} (grid {float(ds.lambda_c_grid):.6g}, "
        f"theory {ds.attrs['lambda_c_theory']:g})."
    ]
    for q, lq in enumerate(ds.loop_lambda.values):
        parts.append(f"lambda={lq:g}: bistable for |h| < {float(ds.loop_h_fold[q]):.6g}.")
    upper = ds.network_m.sel(branch="upper")
    m_top = float(upper[-1]) if np.isfinite(upper[-1]) else float("nan")
    parts.append(
        f"Network N={int(ds.N)}, P={int(ds.P)}: retrieval branch m={m_top:.4f} at "
        f"beta={float(ds.beta[-1]):g}, pitchfork at beta_c=1/lambda_max(W)="
        f"{float(ds.network_beta_c):.4f} (mean field: 1)."
    )
    return " ".join(parts)
