"""The ``modern`` experiment: retrieval and fixed-point regimes of the modern Hopfield network.

Part 1, random patterns. For each pattern set (``sphere``, ``gaussian``, ``clustered``),
each P (far above the dimension d) and each beta, ``queries`` queries (query q is stored
pattern ``q * (P // queries)`` plus a random vector of norm ``query_noise``) are updated
with ``xi <- X^T softmax(beta X xi)`` until they stop moving, and we record

* ``error`` and ``one_step_error``: the distance to the cued pattern at the fixed point
  and after one update, with ``bound``, Ramsauer et al.'s bound on the one-step error
  (:func:`hopsim.theory.dense.one_step_bound`, from the cued pattern's separation);
* ``regime`` (single, metastable, global; :func:`hopsim.modern.classify`), ``mixture``
  (how many patterns carry 90% of the softmax weight), ``top`` (the heaviest pattern),
  ``retrieved`` (single and top is the cued pattern), ``steps``, ``converged``, and
  ``energy_rise`` (the largest increase of the energy between updates: 0 up to rounding).

The betas where theory puts the regimes are coordinates: ``beta_global = 1/M^2`` (below
it the update is a contraction, so the only fixed point is the global one) and
``beta_retrieval`` per query (above it the one-step bound is below 1e-3 M; inf when the
query is too far from its pattern for the bound to say anything).

Part 2, pictures in grey levels (:func:`hopsim.modern.image_patterns`, no binarisation):
each stored picture is queried masked (the bottom ``mask`` of its rows mid-grey) and
noisy (Gaussian noise of std ``noise`` per pixel); ``picture_query``, ``picture_one_step``
and ``picture_fixed`` hold the pictures, ``picture_error`` the distances to the original.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import DictConfig
from tqdm.auto import tqdm

from hopsim import modern as md
from hopsim.config import ConfigError, get, get_float, get_int, get_list
from hopsim.io import flag_attrs
from hopsim.resources import check_memory
from hopsim.rng import SeedTree
from hopsim.theory import dense as theory

KINDS = ("sphere", "gaussian", "clustered")
QUERY_KINDS = ("masked", "noisy")


@dataclass(frozen=True)
class ModernParams:
    """Everything the modern experiment reads from its config, checked once."""

    kinds: tuple[str, ...]
    d: int
    Ps: tuple[int, ...]
    betas: tuple[float, ...]
    members: int
    cosine: float
    queries: int
    query_noise: float
    max_steps: int
    tol: float
    mass: float
    global_fraction: float
    image_sources: tuple[str, ...]
    image_labels: tuple[str, ...]
    side: int
    image_beta: float
    mask: float
    image_noise: float


def parameters(cfg: DictConfig) -> ModernParams:
    """Read and check every key (one-line ConfigError on an impossible value)."""
    from hopsim.experiments.images import image_labels, image_sources

    raw = get(cfg, "modern.kinds")
    kinds = raw if isinstance(raw, list) else [raw]
    if not kinds or any(k not in KINDS for k in kinds) or len(set(kinds)) != len(kinds):
        allowed = "a non-empty list of distinct values from " + ", ".join(map(repr, KINDS))
        raise ConfigError("modern.kinds", raw, allowed)
    d = get_int(cfg, "modern.d", lo=2, hi=1 << 16)
    Ps = get_list(cfg, "modern.P", kind="int", lo=2)
    members = get_int(cfg, "modern.members", lo=1)
    if "clustered" in kinds:
        for P in Ps:
            if P % members:
                raise ConfigError(
                    "modern.P", get(cfg, "modern.P"), f"multiples of modern.members={members}"
                )
    queries = get_int(cfg, "modern.queries", lo=1)
    if queries > min(Ps):
        raise ConfigError("modern.queries", queries, f"an integer in [1, {min(Ps)}] (min P)")
    sources = image_sources(cfg)
    p = ModernParams(
        kinds=tuple(kinds),
        d=d,
        Ps=tuple(Ps),
        betas=tuple(get_list(cfg, "modern.betas", lo=0.0, lo_open=True)),
        members=members,
        cosine=get_float(cfg, "modern.cosine", lo=0.0, hi=1.0),
        queries=queries,
        query_noise=get_float(cfg, "modern.query_noise", lo=0.0),
        max_steps=get_int(cfg, "modern.max_steps", lo=1, hi=10**6),
        tol=get_float(cfg, "modern.tol", lo=0.0, lo_open=True),
        mass=get_float(cfg, "modern.mass", lo=0.0, hi=1.0, lo_open=True),
        global_fraction=get_float(cfg, "modern.global_fraction", lo=0.0, hi=1.0, lo_open=True),
        image_sources=tuple(sources),
        image_labels=tuple(image_labels(sources)),
        side=get_int(cfg, "images.side", lo=2, hi=512),
        image_beta=get_float(cfg, "images.beta", lo=0.0, lo_open=True),
        mask=get_float(cfg, "images.mask", lo=0.0, hi=1.0),
        image_noise=get_float(cfg, "images.noise", lo=0.0),
    )
    Pmax = max(p.Ps)
    block = min(Pmax, md.block_keys(p.queries))
    # patterns, their Gram rows for the separation (one block), weights of one update
    need = 8.0 * (Pmax * p.d + Pmax * min(Pmax, 4096) + 3 * p.queries * block)
    need += 8.0 * (len(p.kinds) * len(p.Ps) * len(p.betas) * p.queries * (p.max_steps + 12))
    check_memory("modern.P", get(cfg, "modern.P"), need, "the patterns and the updates")
    pictures = len(sources) * p.side**2 * 8.0 * (len(sources) + 8)
    check_memory("images.side", p.side, pictures, "the pictures")
    return p


def validate(cfg: DictConfig) -> None:
    """Check every key the modern experiment reads."""
    parameters(cfg)


#: Seconds of one update per query-pattern pair: the d-long products (per dimension) and
#: the softmax, energy and bookkeeping (per pair); updates a query takes on average (most
#: betas converge in a few, metastable mixtures crawl to ``max_steps``).
SECONDS_PER_QPD = 5.0e-11
SECONDS_PER_QP = 8.0e-9
MEAN_STEPS = 30.0


def estimate(p: ModernParams):
    """The job's :class:`hopsim.resources.Estimate`: the patterns, one block's Gram rows
    and weights, the results, and the pictures; every query's updates at every (kind, P,
    beta), and the pictures' restoration."""
    from hopsim.experiments import _costs
    from hopsim.resources import Estimate

    Pmax, n = max(p.Ps), len(p.image_sources)
    block = min(Pmax, md.block_keys(p.queries))
    # patterns and a copy, the query-pattern products and weights of one update, one
    # cell's trace and every cell's results
    memory = 8.0 * (2 * Pmax * p.d + 2 * p.queries * max(block, Pmax))
    memory += 8.0 * p.queries * (p.max_steps + 12)
    memory += 8.0 * 10 * len(p.kinds) * len(p.Ps) * len(p.betas) * p.queries
    memory = max(memory, n * p.side**2 * 8.0 * (n + 8))
    steps = min(p.max_steps, MEAN_STEPS)
    per_pair = SECONDS_PER_QPD * p.d + SECONDS_PER_QP
    seconds = _costs.SECONDS_PER_JOB
    for P in p.Ps:
        seconds += len(p.kinds) * len(p.betas) * steps * p.queries * P * per_pair
        seconds += len(p.kinds) * p.queries * P * p.d * SECONDS_PER_QPD  # the separations
    pair = SECONDS_PER_QPD * p.side**2 + SECONDS_PER_QP
    seconds += 2 * p.max_steps * n * n * pair + n * n * p.side**2 * SECONDS_PER_QPD
    drivers = {
        "modern.P": list(p.Ps),
        "modern.queries": p.queries,
        "modern.betas": list(p.betas),
        "modern.max_steps": p.max_steps,
        "modern.d": p.d,
        "modern.kinds": list(p.kinds),
        "images.side": p.side,
    }
    return Estimate(memory, seconds, drivers)


def make_patterns(p: ModernParams, kind: str, P: int, rng: np.random.Generator) -> np.ndarray:
    """The stored patterns (P, d) of one set."""
    if kind == "sphere":
        return md.sphere_patterns(rng, P, p.d)
    if kind == "gaussian":
        return md.gaussian_patterns(rng, P, p.d)
    X, _ = md.clustered_patterns(rng, P // p.members, p.members, p.d, p.cosine)
    return X


def _separation(X: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Delta_i of the given patterns (Gram rows in one product, no (P, P) matrix)."""
    G = X[rows] @ X.T
    own = G[np.arange(rows.size), rows].copy()
    G[np.arange(rows.size), rows] = -np.inf
    return own - G.max(axis=1)


def run(p: ModernParams, seeds: SeedTree, progress: bool = False) -> xr.Dataset:
    """Run both parts from the checked parameters; see the module docstring."""
    K, Pn, Bn, Q = len(p.kinds), len(p.Ps), len(p.betas), p.queries
    shape = (K, Pn, Bn, Q)
    out = {n: np.full(shape, np.nan) for n in ("error", "one_step_error", "bound", "energy_rise")}
    for n in ("regime", "mixture", "top", "steps", "converged", "target"):
        out[n] = np.full(shape, -1, dtype=np.int64)
    cue_distance = np.full((K, Pn, Q), np.nan)
    beta_global = np.full((K, Pn), np.nan)
    beta_retrieval = np.full((K, Pn, Q), np.nan)
    norm_max = np.full((K, Pn), np.nan)
    bar = tqdm(total=K * Pn * Bn + 1, desc="modern", disable=not progress)
    for a, kind in enumerate(p.kinds):
        for b, P in enumerate(p.Ps):
            X = make_patterns(p, kind, P, seeds.generator("modern patterns", kind, P, p.d))
            M = float(np.sqrt(np.max(np.einsum("pd,pd->p", X, X))))
            targets = np.arange(Q) * (P // Q)
            noise = seeds.generator("modern queries", kind, P, p.d).standard_normal((Q, p.d))
            noise *= p.query_noise / np.linalg.norm(noise, axis=1, keepdims=True)
            queries = X[targets] + noise
            dist = np.linalg.norm(queries - X[targets], axis=1)
            delta = _separation(X, targets)
            cue_distance[a, b] = dist
            norm_max[a, b] = M
            beta_global[a, b] = theory.global_beta(M)
            beta_retrieval[a, b] = [
                theory.retrieval_beta(dl, M, P, ds) for dl, ds in zip(delta, dist, strict=True)
            ]
            for c, beta in enumerate(p.betas):
                bar.set_description_str(f"modern {kind} P={P} beta={beta:g}")
                r = md.iterate(X, queries, beta, p.max_steps, p.tol)
                regime, k, top = md.classify(X, r.final, beta, p.mass, p.global_fraction)
                cell = (a, b, c)
                out["error"][cell] = np.linalg.norm(r.final - X[targets], axis=1)
                out["one_step_error"][cell] = np.linalg.norm(r.one_step - X[targets], axis=1)
                out["bound"][cell] = theory.one_step_bound(beta, delta, M, dist, P)
                out["energy_rise"][cell] = np.nanmax(np.diff(r.energy, axis=1), axis=1)
                out["regime"][cell], out["mixture"][cell], out["top"][cell] = regime, k, top
                out["steps"][cell], out["converged"][cell] = r.steps, r.converged
                out["target"][cell] = targets
                bar.update(1)
    pictures = _pictures(p, seeds)
    bar.update(1)
    bar.close()
    return _dataset(p, out, cue_distance, beta_global, beta_retrieval, norm_max, pictures)


def _pictures(p: ModernParams, seeds: SeedTree) -> dict[str, np.ndarray]:
    """Store the pictures in grey levels; restore them from masked and noisy queries."""
    X = md.image_patterns(list(p.image_sources), p.side)
    n, side = X.shape[0], p.side
    masked = X.reshape(n, side, side).copy()
    masked[:, side - int(round(p.mask * side)) :, :] = 0.0
    rng = seeds.generator("modern picture noise", side, p.image_noise)
    noisy = X + p.image_noise / side * rng.standard_normal(X.shape)  # pixel std image_noise
    Qs = np.stack([masked.reshape(n, -1), noisy])  # (query kind, image, d)
    one, fixed, regime, top = [], [], [], []
    for Qk in Qs:
        r = md.iterate(X, Qk, p.image_beta, p.max_steps, p.tol)
        reg, _, tp = md.classify(X, r.final, p.image_beta, p.mass, p.global_fraction)
        one.append(r.one_step)
        fixed.append(r.final)
        regime.append(reg)
        top.append(tp)
    shape = (len(QUERY_KINDS), n, side, side)
    return {
        "original": X.reshape(n, side, side),
        "query": Qs.reshape(shape),
        "one_step": np.stack(one).reshape(shape),
        "fixed": np.stack(fixed).reshape(shape),
        "regime": np.stack(regime),
        "top": np.stack(top),
        "delta": theory.separation(X),
    }


ATTRS = {
    "error": ("distance of the fixed point to the cued pattern", "1"),
    "one_step_error": ("distance after one update to the cued pattern", "1"),
    "bound": ("Ramsauer et al. bound on the one-step distance", "1"),
    "energy_rise": ("largest energy increase between updates", "1"),
    "mixture": ("patterns carrying the softmax mass", "patterns"),
    "top": ("pattern with the largest softmax weight", "1"),
    "steps": ("updates until the query stopped moving", "updates"),
    "converged": ("query stopped moving within max_steps (1/0)", "1"),
    "target": ("index of the cued pattern", "1"),
    "retrieved": ("single-pattern fixed point at the cued pattern (1/0)", "1"),
    "cue_distance": ("distance of the query to the cued pattern", "1"),
    "beta_global": ("1/M^2: below it the only fixed point is the global one", "1"),
    "beta_retrieval": ("beta above which the one-step bound on this query is below 1e-3 M", "1"),
    "pattern_norm_max": ("largest pattern norm M", "1"),
    "beta": ("inverse temperature beta", "1"),
    "P": ("stored patterns", "patterns"),
}


def _dataset(p, out, cue_distance, beta_global, beta_retrieval, norm_max, pictures):
    dims = ("kind", "P", "beta", "query")
    ds = xr.Dataset(
        {name: (dims, arr) for name, arr in out.items()},
        coords={
            "kind": list(p.kinds),
            "P": list(p.Ps),
            "beta": list(p.betas),
            "query": np.arange(p.queries),
        },
    )
    ds["regime"] = ds.regime.astype(np.int8)
    ds["retrieved"] = ((ds.regime == md.SINGLE) & (ds.top == ds.target)).astype(np.int8)
    ds["cue_distance"] = (("kind", "P", "query"), cue_distance)
    ds["beta_global"] = (("kind", "P"), beta_global)
    ds["beta_retrieval"] = (("kind", "P", "query"), beta_retrieval)
    ds["pattern_norm_max"] = (("kind", "P"), norm_max)
    pic = ("query_kind", "image", "row", "col")
    ds = ds.assign_coords(
        query_kind=list(QUERY_KINDS),
        image=list(p.image_labels),
        row=np.arange(p.side),
        col=np.arange(p.side),
    )
    ds["picture"] = (("image", "row", "col"), pictures["original"])
    for name in ("query", "one_step", "fixed"):
        ds[f"picture_{name}"] = (pic, pictures[name])
    ds["picture_regime"] = (("query_kind", "image"), pictures["regime"].astype(np.int8))
    ds["picture_top"] = (("query_kind", "image"), pictures["top"])
    ds["picture_separation"] = (("image",), pictures["delta"])
    for name in ("query", "one_step", "fixed"):
        diff = ds[f"picture_{name}"] - ds.picture
        ds[f"picture_error_{name}"] = np.sqrt((diff**2).sum(("row", "col")))
        ds[f"picture_error_{name}"].attrs.update(
            long_name=f"distance of the {name.replace('_', ' ')} picture to the original",
            units="1",
        )
    for name, (long_name, units) in ATTRS.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    for name in ("regime", "picture_regime"):
        ds[name].attrs.update(flag_attrs("fixed-point regime", md.REGIMES))
    ds["picture"].attrs.update(long_name="stored picture, (2 grey - 1) / side", units="1")
    ds.attrs.update(
        d=p.d,
        members=p.members,
        cosine=p.cosine,
        query_noise=p.query_noise,
        mass=p.mass,
        global_fraction=p.global_fraction,
        image_beta=p.image_beta,
        mask=p.mask,
        image_noise=p.image_noise,
    )
    return ds


def summary(ds: xr.Dataset) -> str:
    """One paragraph: regimes against beta for each pattern set, and the pictures."""
    parts = []
    for kind in ds.kind.values:
        reg = ds.regime.sel(kind=kind)
        cells = []
        for beta in ds.beta.values:
            r = reg.sel(beta=beta).values.ravel()
            counts = np.bincount(r[r >= 0], minlength=3) / r.size
            label = md.REGIMES[int(np.argmax(counts))]
            cells.append(f"{beta:g}:{label}")
        bg = float(ds.beta_global.sel(kind=kind).min())
        br = float(ds.beta_retrieval.sel(kind=kind).median())
        parts.append(
            f"{kind} (theory: global below {bg:.3g}, retrieval above {br:.3g} (median query)): "
            + " ".join(cells)
        )
    ok = int(
        ((ds.picture_regime == md.SINGLE) & (ds.picture_top == np.arange(ds.sizes["image"]))).sum()
    )
    return (
        f"modern: d={ds.attrs['d']}, P={list(map(int, ds.P.values))}, most common regime per "
        f"beta; " + "; ".join(parts) + f". Pictures: {ok}/{ds.picture_regime.size} queries end "
        f"on their own picture. Figure: hopsim-plot RUN_DIR."
    )
