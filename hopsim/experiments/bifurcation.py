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

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from hopsim import bifurcation as bif
from hopsim.config import ConfigError, get_float, get_int, get_list, most_responsible
from hopsim.dynamics.continuous import Activation
from hopsim.experiments._continuous_config import learning_rule, neuron
from hopsim.learning import learn
from hopsim.patterns import random_patterns
from hopsim.resources import check_memory
from hopsim.rng import SeedTree

# ----------------------------------------------------------------------------- config


@dataclass(frozen=True)
class BifurcationParams:
    """Everything the bifurcation experiment reads from its config, checked."""

    tau: float
    h0: float
    activation: Activation
    lambda_min: float
    lambda_max: float
    points: int
    grid: int
    loop_lambda: tuple[float, ...]
    h_max: float
    h_points: int
    learning: str
    learning_options: tuple[tuple[str, object], ...]
    N: int
    P: int
    beta_min: float
    beta_max: float
    beta_points: int

    @property
    def betas(self) -> np.ndarray:
        """The network gains of the mean-field link."""
        return np.linspace(self.beta_min, self.beta_max, self.beta_points)


def parameters(cfg: DictConfig) -> BifurcationParams:
    """Read and check every key the bifurcation experiment uses (and its memory and work)."""
    tau, h0, F = neuron(cfg)
    learning, options = learning_rule(cfg)
    lo = get_float(cfg, "bifurcation.lambda_min")
    hi = get_float(cfg, "bifurcation.lambda_max")
    if not hi > lo:
        raise ConfigError("bifurcation.lambda_max", hi, f"a number > lambda_min={lo}")
    points = get_int(cfg, "bifurcation.points", lo=2, hi=10_000_000)
    grid = get_int(cfg, "bifurcation.grid", lo=3, hi=100_000)
    loops = get_list(cfg, "bifurcation.loop_lambda", kind="float")
    h_max = get_float(cfg, "bifurcation.h_max", lo=0.0, lo_open=True)
    h_points = get_int(cfg, "bifurcation.h_points", lo=2, hi=10_000_000)
    N = get_int(cfg, "meanfield.N", lo=2, hi=20_000)
    P = get_int(cfg, "meanfield.P", lo=1, hi=N)
    g_lo = get_float(cfg, "meanfield.beta_min", lo=0.0, lo_open=True)
    g_hi = get_float(cfg, "meanfield.beta_max", lo=0.0, lo_open=True)
    if not g_hi > g_lo:
        raise ConfigError("meanfield.beta_max", g_hi, f"a number > beta_min={g_lo}")
    betas = get_int(cfg, "meanfield.points", lo=2, hi=100_000)
    check_resources(points, grid, loops, h_points, N, P, betas, h0 != 0.0)
    return BifurcationParams(
        tau,
        h0,
        F,
        lo,
        hi,
        points,
        grid,
        tuple(loops),
        h_max,
        h_points,
        learning,
        tuple(options.items()),
        N,
        P,
        g_lo,
        g_hi,
        betas,
    )


#: Seconds of one single-neuron fixed-point solve (bracketing on the grid, then Brent; the
#: grid adds ~4 us per 100 points), and per floating-point operation of the network
#: continuation per gain and N^3 (Newton solves and one symmetric eigenproblem, one BLAS
#: thread: ~0.08 s of CPU a gain at N = 800), and the job's fixed cost (0.25 s measured).
SECONDS_PER_SOLVE = 5.5e-5
SECONDS_PER_GAIN_N3 = 1.6e-10
SECONDS_FIXED = 0.25


def estimate(params: BifurcationParams):
    """The job's :class:`hopsim.resources.Estimate`: the network's matrices and branch plus
    the single neuron's fixed points; every solve and every gain's continuation."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    p = params
    solves = p.points * (2 if p.h0 != 0.0 else 1) + len(p.loop_lambda) * p.h_points
    N = float(p.N)
    # W, the Newton Jacobian and its LU (3.1 N^2 doubles measured at N = 800); the branch
    memory = 8.0 * (3.5 * N * N + p.beta_points * N + p.P * N) + solves * 100.0 + 64.0 * p.grid
    seconds = _costs.SECONDS_PER_JOB + SECONDS_FIXED
    seconds += solves * SECONDS_PER_SOLVE * (1 + p.grid / 1500)
    seconds += p.beta_points * N**3 * SECONDS_PER_GAIN_N3
    drivers = {
        "meanfield.N": p.N,
        "bifurcation.points": p.points,
        "bifurcation.h_points": p.h_points,
        "bifurcation.grid": p.grid,
        "meanfield.points": p.beta_points,
        "bifurcation.loop_lambda": list(p.loop_lambda),
    }
    return Estimate(memory, seconds, drivers)


def validate(cfg: DictConfig) -> None:
    """Check every key the bifurcation experiment reads (see :func:`parameters`)."""
    parameters(cfg)


def check_resources(points, grid, loops, h_points, N, P, betas, shifted) -> None:
    """Refuse a scan whose arrays do not fit (its time is :func:`estimate`'s)."""
    solves = points * (2 if shifted else 1) + len(loops) * h_points
    key, value = most_responsible(
        {
            "bifurcation.points": (points, 301),
            "bifurcation.h_points": (h_points, 301),
            "bifurcation.loop_lambda": (len(loops), 3),
        }
    )
    value = loops if key == "bifurcation.loop_lambda" else value
    # kept per sample: v, eigenvalue, stable, counts (~100 bytes); one solve's grid at a time
    per_point = 100.0
    # network: W, the Newton Jacobian and its LU, eigh's workspace; the branch (betas, N)
    net_bytes = 8.0 * (5 * N * N + betas * N + P * N)
    mem_key, mem_value = ("meanfield.N", N) if net_bytes > solves * per_point else (key, value)
    nbytes = net_bytes + solves * per_point + 64.0 * grid
    check_memory(mem_key, mem_value, nbytes, "the fixed points")


# ----------------------------------------------------------------------------- run


def run(params: BifurcationParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run the bifurcation analysis; see the module docstring for the dataset."""
    tau, h0, F = params.tau, params.h0, params.activation
    grid = params.grid
    lams = np.linspace(params.lambda_min, params.lambda_max, params.points)
    loop_lams = np.asarray(params.loop_lambda)
    h_points = params.h_points
    total = lams.size * (1 if h0 == 0.0 else 2) + loop_lams.size * h_points
    bar = tqdm(total=total, desc="bifurcation", unit="solve", disable=not progress)
    scan = _diagram(lams, h0, tau, F, grid, bar)
    counts0 = scan.count if h0 == 0.0 else _diagram(lams, 0.0, tau, F, grid, bar).count
    fork = bif.pitchfork(lams, counts0, F)
    h_fold, v_fold = bif.fold_points(lams, F)

    hs = np.linspace(-params.h_max, params.h_max, h_points)
    loop_v = np.empty((loop_lams.size, hs.size, 3))
    loop_stable = np.empty((loop_lams.size, hs.size, 3), dtype=np.int8)
    for q, lam in enumerate(loop_lams):
        d = _diagram(np.full(hs.size, lam), hs, tau, F, grid, bar)
        loop_v[q], loop_stable[q] = d.v, d.stable
    bar.close()
    loop_h_fold, loop_v_fold = bif.fold_points(loop_lams, F)

    net = network_branches(params, seeds, F.name, tau)
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
            "beta": params.betas,
            "tau": tau,
            "h0": h0,
            "gain": F.gain,
            "activation": F.name,
            "N": params.N,
            "P": params.P,
            "learning": params.learning,
        },
    )
    _attrs(ds, F)
    return ds


def _diagram(lams, hs, tau, F, grid, bar, chunk: int = 20_000) -> bif.Diagram:
    """:func:`hopsim.bifurcation.diagram` in chunks, advancing the progress ``bar``."""
    lams, hs = np.broadcast_arrays(np.atleast_1d(lams), np.atleast_1d(hs))
    parts = []
    for a in range(0, lams.size, chunk):
        parts.append(bif.diagram(lams[a : a + chunk], hs[a : a + chunk], tau, F, grid))
        bar.update(lams[a : a + chunk].size)
    return bif.Diagram(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))


_FIELDS = ("v", "eigenvalue", "stable", "count")


def network_branches(
    params: BifurcationParams, seeds: SeedTree, activation: str, tau: float
) -> dict:
    """Retrieval and trivial fixed points of the Hebbian network over the gain ``beta``."""
    N, P = params.N, params.P
    betas = params.betas
    xi = random_patterns(seeds.generator("patterns", N, P, 0.0), P, N, 0.0)
    W = learn(params.learning, xi, dict(params.learning_options)).weights()
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
        # W = 0 (e.g. two orthogonal patterns of N = 2): v = 0 never loses stability
        "network_beta_c": ((), 1.0 / top if top > 0 else np.inf),
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
    "learning": ("learning rule of W (mean-field link)", ""),
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
