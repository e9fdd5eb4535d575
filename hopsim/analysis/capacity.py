"""alpha_c of the Hebbian network from a ``capacity`` dataset, with a bootstrap error.

The steps, each a function below:

1. **Criterion** (:class:`Criterion`): a trial *retrieves* when, started from a cue with
   corruption level ``noise`` (0: the stored pattern itself), its final overlap with the cued
   pattern is ``m >= threshold`` (0.9 by default). One criterion per cue noise level of the
   dataset (:func:`criteria`).
2. **Transition load per size** (:func:`fit_logistic`): the fraction retrieved against alpha
   is fitted by ``P(alpha) = 1 / (1 + exp((alpha - alpha_1/2) / w))`` (binomial maximum
   likelihood, Newton's method); ``alpha_1/2(N)`` is where it crosses 1/2. Its deviance
   against ``dof = loads - 2`` tests the binomial model: trials of one (N, alpha) share one
   network, so a network-to-network spread would show as a deviance above its dof.
3. **Finite-size law** (:func:`fit_law`): ``alpha_1/2(N) = alpha_inf + a N^(-nu)`` by weighted
   least squares, weights ``1 / se(N)^2`` from the bootstrap; ``nu`` fitted (profiled over
   ``NU_RANGE``), and for comparison fixed at 1/2 and 1/3. ``chi2 / dof`` with ``dof = sizes
   - parameters``.
4. **Bootstrap over trials** (:func:`estimate`): the trials of each (seed, N, alpha) cell are
   resampled with replacement (a binomial draw of the cell's hits at its measured fraction),
   and every fit above is redone on each replicate; errors are half the central 68% interval
   of the replicates (robust to the few replicates whose ``nu`` runs to a bound).
5. **Comparison** (:func:`compare_theory`): with the replica-symmetric ``RS_ALPHA_C`` (Amit,
   Gutfreund and Sompolinsky 1987) and the one-step RSB ``RSB1_ALPHA_C`` (Steffan and Kuhn
   1994), and whether the data could tell them apart.

Datasets from several runs (other sizes, more seeds) combine with :func:`combine`; a ``seed``
dimension (a Hydra sweep over ``seed``) holds independent networks, pooled as more trials.
Figures and claims read the numbers from :class:`CapacityEstimate`; nothing here plots. The
fits themselves are in :mod:`hopsim.analysis.fits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xarray as xr

from hopsim.analysis.fits import NU_RANGE, fit_law, fit_logistic
from hopsim.rng import SeedTree
from hopsim.theory.capacity import ags_critical

#: replica-symmetric alpha_c at T = 0 (Amit, Gutfreund, Sompolinsky 1987): 0.13790...
RS_ALPHA_C = ags_critical()[0]
#: one-step replica-symmetry breaking (Steffan and Kuhn, Z. Phys. B 95, 249 (1994))
RSB1_ALPHA_C = 0.138186
#: the fixed-exponent laws fitted beside the free one
FIXED_NU = {"nu = 1/2": 0.5, "nu = 1/3": 1.0 / 3.0}
FREE = "nu fitted"
#: a size's crossing with a larger bootstrap error is not used in the extrapolation
MAX_STDERR = 0.05
#: central interval of the bootstrap replicates that gives the error (68%: one sigma)
_INTERVAL = (16.0, 84.0)


class CapacityDataError(ValueError):
    """A dataset the capacity analysis cannot use (names the parameter and the value)."""


@dataclass(frozen=True)
class Criterion:
    """When a trial counts as retrieved: final ``m >= threshold`` from cues with ``noise``."""

    noise: float
    threshold: float = 0.9

    @property
    def name(self) -> str:
        """Short label, e.g. ``noise 0, m >= 0.9``."""
        return f"noise {self.noise:g}, m >= {self.threshold:g}"

    def describe(self) -> str:
        """One sentence for tables and notes."""
        start = "the stored pattern" if self.noise == 0 else f"cues with {self.noise:g} noise"
        return f"started from {start}, the fraction ending with m >= {self.threshold:g} is 1/2"


def criteria(ds: xr.Dataset, threshold: float = 0.9) -> list[Criterion]:
    """One criterion per cue noise level of ``ds``, the lowest (the pattern itself) first."""
    check_threshold(threshold)
    return [Criterion(float(q), threshold) for q in np.sort(ds.noise.values)]


def check_threshold(threshold: float) -> None:
    if not isinstance(threshold, (int, float)) or not -1.0 < float(threshold) <= 1.0:
        raise CapacityDataError(
            f"threshold={threshold!r} is not allowed: expected a number in (-1, 1]"
        )


# ------------------------------------------------------------------------------ data


def combine(datasets: Sequence[xr.Dataset]) -> xr.Dataset:
    """Several capacity datasets as one: sizes side by side, loads and seeds on their union.

    A dataset without a ``seed`` dimension gets one from its ``seed`` attribute. Cells a run
    did not compute are NaN (every function here counts only measured trials). Two runs of the
    same N, seed and load are refused: they would count the same network twice.
    """
    if not datasets:
        raise CapacityDataError("datasets=[] is not allowed: expected at least one dataset")
    parts = []
    for k, ds in enumerate(datasets):
        if ds.attrs.get("experiment", "capacity") != "capacity" or "overlap" not in ds:
            raise CapacityDataError(f"datasets[{k}] is not a capacity dataset")
        if "seed" not in ds.dims:
            seed = int(ds.attrs.get("seed", 0))
            ds = ds.expand_dims(seed=[seed])
        parts.append(ds)
    if len(parts) == 1:
        return parts[0]
    seen: set[tuple] = set()
    for k, ds in enumerate(parts):
        cells = {
            (int(s), int(n), round(float(a), 9))
            for s in ds.seed.values
            for n in ds.N.values
            for a in ds.alpha.values
        }
        if seen & cells:
            s, n, a = sorted(seen & cells)[0]
            raise CapacityDataError(
                f"datasets[{k}] repeats seed={s}, N={n}, alpha={a:g} of an earlier dataset"
            )
        seen |= cells
    keep = [v for v in parts[0].data_vars if all(v in p for p in parts)]
    merged = xr.merge(
        [p[keep] for p in parts], join="outer", compat="no_conflicts", combine_attrs="drop"
    )
    merged.attrs = dict(parts[0].attrs)
    return merged


def _seeded(ds: xr.Dataset) -> xr.Dataset:
    return ds if "seed" in ds.dims else ds.expand_dims(seed=[int(ds.attrs.get("seed", 0))])


def trial_outcomes(ds: xr.Dataset, crit: Criterion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per trial, each (seed, N, alpha, trial): retrieved, measured, and the cued pattern."""
    noise = ds.noise.values
    if not np.any(np.isclose(noise, crit.noise)):
        raise CapacityDataError(
            f"noise={crit.noise:g} is not allowed: the dataset's cue noise levels are "
            f"{', '.join(f'{q:g}' for q in noise)}"
        )
    seeded = _seeded(ds)
    m = seeded.overlap.sel(noise=noise[np.isclose(noise, crit.noise)][0])
    m = m.transpose("seed", "N", "alpha", "trial").values
    measured = np.isfinite(m)
    retrieved = measured & (np.nan_to_num(m, nan=-2.0) >= crit.threshold)
    if "cued_pattern" in seeded:
        cued = seeded.cued_pattern.transpose("seed", "N", "alpha", "trial").values
        cued = np.nan_to_num(cued, nan=-1).astype(np.int64)
    else:  # each trial its own pattern
        cued = np.broadcast_to(np.arange(m.shape[-1]), m.shape).copy()
    return retrieved, measured, cued


def retrieval_counts(ds: xr.Dataset, crit: Criterion) -> tuple[np.ndarray, np.ndarray]:
    """(hits, total), each (seed, N, alpha): trials retrieved and trials measured per cell."""
    retrieved, measured, _ = trial_outcomes(ds, crit)
    return retrieved.sum(-1).astype(float), measured.sum(-1).astype(float)


def undecided(ds: xr.Dataset, crit: Criterion) -> np.ndarray:
    """Per N: trials stopped by ``max_sweeps`` while still counted retrieved (m >= threshold).

    Such a trial might still leave the pattern; a criterion resting on many is fragile.
    """
    noise = ds.noise.values[np.isclose(ds.noise.values, crit.noise)][0]
    cell = _seeded(ds).sel(noise=noise)
    open_ = (cell.outcome == 2) & (cell.overlap >= crit.threshold)
    return open_.sum(["seed", "alpha", "trial"]).transpose("N").values.astype(int)


# ------------------------------------------------------------------------- estimate


@dataclass(frozen=True)
class SizeTransition:
    """The transition load of one size N under one criterion."""

    N: int
    alpha_half: float
    stderr: float  #: bootstrap (half the central 68% interval), dispersion included
    trial_stderr: float  #: the same from resampling trials alone
    fisher_stderr: float  #: from the logistic fit's curvature (trials independent)
    dispersion: float  #: max(1, deviance / dof): the variance factor of stderr
    width: float
    deviance: float
    dof: int
    loads: int
    trials: int
    undecided: int  #: trials stopped by max_sweeps while still counted retrieved
    note: str  #: why the size is left out of the extrapolation ('' if used)

    @property
    def used(self) -> bool:
        """Does the extrapolation use this size?"""
        return not self.note


@dataclass(frozen=True)
class Extrapolation:
    """One finite-size law fitted to the transition loads, with bootstrap intervals."""

    law: str  #: ``FREE`` or a key of ``FIXED_NU``
    alpha_inf: float
    amplitude: float
    nu: float
    chi2: float
    dof: int
    alpha_inf_ci: tuple[float, float]  #: central 68% interval of the replicates
    nu_ci: tuple[float, float]
    nu_ci95: tuple[float, float]
    at_bound: float  #: fraction of replicates whose fitted nu sits on a bound of NU_RANGE

    @property
    def stderr(self) -> float:
        """Half the 68% bootstrap interval of alpha_inf."""
        return 0.5 * (self.alpha_inf_ci[1] - self.alpha_inf_ci[0])

    @property
    def chi2_dof(self) -> float:
        """chi^2 per degree of freedom (NaN with none)."""
        return self.chi2 / self.dof if self.dof > 0 else float("nan")

    def predict(self, N) -> np.ndarray:
        """alpha_1/2 of the law at sizes ``N``."""
        return self.alpha_inf + self.amplitude * np.asarray(N, dtype=float) ** -self.nu


@dataclass(frozen=True)
class CapacityEstimate:
    """Everything the capacity figure and claims read about one criterion."""

    criterion: Criterion
    sizes: tuple[SizeTransition, ...]  #: the sizes with trials at the criterion's noise
    laws: dict[str, Extrapolation]  #: ``FREE`` first, then the fixed exponents
    replicates: int
    problems: tuple[str, ...] = field(default=())
    #: the fitted-exponent law without the smallest used size (None below 5 sizes)
    without_smallest: Extrapolation | None = None

    @property
    def best(self) -> Extrapolation | None:
        """The law with the fitted exponent (None when too few sizes)."""
        return self.laws.get(FREE)

    @property
    def systematic(self) -> float:
        """How far alpha_inf moves when the smallest size is left out (the fit range's
        share of the error; NaN without enough sizes). It holds statistical noise too, so it
        is an upper estimate of the corrections the law leaves out."""
        if self.best is None or self.without_smallest is None:
            return float("nan")
        return abs(self.without_smallest.alpha_inf - self.best.alpha_inf)

    @property
    def total_stderr(self) -> float:
        """Bootstrap error and the fit-range systematic in quadrature (the bootstrap error
        alone when the systematic cannot be measured)."""
        if self.best is None:
            return float("nan")
        syst = self.systematic
        return float(np.hypot(self.best.stderr, syst if np.isfinite(syst) else 0.0))

    @property
    def reliable(self) -> bool:
        """Is there an extrapolation the data support (see ``problems``)?"""
        return self.best is not None and not self.problems

    @property
    def used(self) -> tuple[SizeTransition, ...]:
        """The sizes the extrapolation uses."""
        return tuple(s for s in self.sizes if s.used)

    def table(self) -> pd.DataFrame:
        """One row per size, then one per law (``N = inf``), for CSVs and docs.

        ``stderr`` is the bootstrap error; ``chi2_dof`` the logistic deviance per dof for a
        size, chi^2/dof for a law; ``fit_range`` the fitted law's :attr:`systematic`."""
        rows = [
            {
                "criterion": self.criterion.name,
                "N": float(s.N),
                "law": "",
                "alpha": s.alpha_half,
                "stderr": s.stderr,
                "nu": np.nan,
                "chi2_dof": s.deviance / s.dof if s.dof > 0 else np.nan,
                "fit_range": np.nan,
                "note": s.note,
            }
            for s in self.sizes
        ]
        for law in self.laws.values() or [None]:
            rows.append(
                {
                    "criterion": self.criterion.name,
                    "N": np.inf,
                    "law": law.law if law else "",
                    "alpha": law.alpha_inf if law else np.nan,
                    "stderr": law.stderr if law else np.nan,
                    "nu": law.nu if law else np.nan,
                    "chi2_dof": law.chi2_dof if law else np.nan,
                    "fit_range": self.systematic if law and law.law == FREE else np.nan,
                    "note": "; ".join(self.problems),
                }
            )
        return pd.DataFrame(rows)


def estimate(
    ds: xr.Dataset,
    crit: Criterion | None = None,
    replicates: int = 400,
    seed: int = 0,
    min_N: int = 0,
) -> CapacityEstimate:
    """Transition loads per N, the finite-size laws and their bootstrap errors (module doc).

    Parameters
    ----------
    ds : a capacity dataset (or several, :func:`combine`).
    crit : the criterion; default the lowest cue noise with m >= 0.9.
    replicates : bootstrap replicates (>= 20).
    seed : root of the bootstrap's random stream (a :class:`hopsim.rng.SeedTree`).
    min_N : sizes below this are fitted per size but left out of the extrapolation.
    """
    crit = crit or criteria(ds)[0]
    check_threshold(crit.threshold)
    if not isinstance(replicates, int) or isinstance(replicates, bool) or replicates < 20:
        raise CapacityDataError(
            f"replicates={replicates!r} is not allowed: expected an integer >= 20"
        )
    retrieved, measured, cued = trial_outcomes(ds, crit)
    alpha, Ns = ds.alpha.values.astype(float), ds.N.values.astype(int)
    open_ = undecided(ds, crit)
    sizes, reps = [], []
    for j, N in enumerate(Ns):
        if not measured[:, j].any():  # this size never ran this criterion's cue noise
            continue
        rng = SeedTree(seed).generator("capacity_bootstrap", crit.noise, crit.threshold, int(N))
        cells = (retrieved[:, j], measured[:, j], cued[:, j])
        size, rep = transition(alpha, *cells, replicates, rng, int(N), int(open_[j]))
        if not size.note and N < min_N:
            size = replace(size, note=f"below min_N={min_N}")
        sizes.append(size)
        reps.append(rep)
    use = [j for j, s in enumerate(sizes) if s.used]
    problems = [f"N={s.N}: {s.note}" for s in sizes if s.note and s.N >= min_N]
    laws: dict[str, Extrapolation] = {}
    drop = None
    if len(use) >= 4:
        laws = _laws(sizes, use, np.stack([reps[j] for j in use], 1))
        if len(use) >= 5:
            rest = use[1:]
            drop = _laws(sizes, rest, np.stack([reps[j] for j in rest], 1), (FREE,))[FREE]
        if laws[FREE].at_bound > 0.1:
            problems.append(
                f"the fitted exponent sits on a bound of {NU_RANGE} in "
                f"{100 * laws[FREE].at_bound:.0f}% of the bootstrap replicates"
            )
    else:
        problems.append(f"{len(use)} usable sizes: a 3-parameter law needs at least 4")
    return CapacityEstimate(crit, tuple(sizes), laws, replicates, tuple(problems), drop)


def transition(alpha, retrieved, measured, cued, replicates, rng, N: int, open_: int = 0):
    """One size's transition load and its bootstrap replicates (R,), dispersion included.

    ``retrieved``, ``measured``, ``cued`` are (seed, alpha, trial). The replicates come from
    :func:`resample`; their spread about the point fit is scaled by ``sqrt(dispersion)``,
    ``dispersion = max(1, deviance / dof)`` of the point fit (quasi-binomial): the trials of
    one network are not independent of its other trials, and a network-to-network spread of
    the fraction retrieved shows as a deviance above its dof, which resampling trials alone
    would miss.
    """
    hits, total = retrieved.sum((0, 2)).astype(float), measured.sum((0, 2)).astype(float)
    fit = fit_logistic(alpha, hits, total)
    drawn = fit_logistic(alpha, *resample(retrieved, measured, cued, replicates, rng))
    a_half, loads = float(fit.alpha_half[0]), int((total > 0).sum())
    dof = loads - 2
    deviance = float(fit.deviance[0])
    dispersion = max(1.0, deviance / dof) if dof > 0 and np.isfinite(deviance) else 1.0
    reps = a_half + np.sqrt(dispersion) * (drawn.alpha_half - a_half)
    trial_se = float(_spread(drawn.alpha_half))
    size = SizeTransition(
        N=N,
        alpha_half=a_half,
        stderr=trial_se * np.sqrt(dispersion),
        trial_stderr=trial_se,
        fisher_stderr=float(fit.fisher_stderr[0]),
        dispersion=dispersion,
        width=float(fit.width[0]),
        deviance=deviance,
        dof=dof,
        loads=loads,
        trials=int(total.sum()),
        undecided=open_,
        note=_size_note(alpha, hits, total, a_half, trial_se * np.sqrt(dispersion))
        or (
            "no load inside the transition: the fraction jumps from 1 to 0"
            if fit.separated[0]
            else ""
        ),
    )
    return size, reps


def _size_note(alpha, hits, total, a_half: float, se: float) -> str:
    """Why a size cannot enter the extrapolation ('' when it can)."""
    measured = total > 0
    frac = hits[measured] / total[measured]
    if measured.sum() < 4:
        return f"only {measured.sum()} loads"
    if not (frac.max() > 0.5 > frac.min()):
        return "the fraction retrieved does not cross 1/2 within the loads"
    inside = alpha[measured].min() <= a_half <= alpha[measured].max()
    if not np.isfinite(se) or se > MAX_STDERR or not inside:
        return f"bootstrap error {se:.2g}"
    return ""


def resample(retrieved, measured, cued, replicates: int, rng: np.random.Generator):
    """Bootstrap replicates of one size's counts: ``(hits, total)``, each (R, alpha).

    ``retrieved``, ``measured``, ``cued`` are (seed, alpha, trial). In each (seed, alpha) cell
    the cued patterns are drawn with replacement, each with all its trials (trials that cue
    the same pattern of the same network are not independent); when every trial cues its
    own pattern this is a binomial draw at the cell's measured fraction.
    """
    S, A, _ = retrieved.shape
    hits, total = np.zeros((replicates, A)), np.zeros((replicates, A))
    for s in range(S):
        for a in range(A):
            ok = measured[s, a]
            if not ok.any():
                continue
            _, cluster = np.unique(cued[s, a, ok], return_inverse=True)
            h = np.bincount(cluster, weights=retrieved[s, a, ok])
            n = np.bincount(cluster).astype(float)
            K = len(n)
            if np.all(n == 1):
                hits[:, a] += rng.binomial(K, h.sum() / K, size=replicates)
                total[:, a] += K
            else:
                counts = rng.multinomial(K, np.full(K, 1.0 / K), size=replicates)
                hits[:, a] += counts @ h
                total[:, a] += counts @ n
    return hits, total


def _spread(values: np.ndarray, axis: int = 0) -> np.ndarray:
    lo, hi = np.nanpercentile(values, _INTERVAL, axis=axis)
    return 0.5 * (hi - lo)


def _laws(sizes, use, reps, which=None) -> dict[str, Extrapolation]:
    """Fit every law (or those named in ``which``) to the sizes ``use`` and to each
    bootstrap replicate ``reps`` (R, S)."""
    N = np.array([sizes[j].N for j in use], dtype=float)
    y = np.array([sizes[j].alpha_half for j in use])
    se = np.array([sizes[j].stderr for j in use])
    se = np.maximum(se, 1e-6)
    laws = {}
    for law, nu in [(FREE, None), *FIXED_NU.items()]:
        if which is not None and law not in which:
            continue
        inf, amp, nu_hat, chi2 = fit_law(N, y, se, nu)
        b_inf, _, b_nu, _ = fit_law(N, reps, se, nu)
        on_bound = np.isclose(b_nu, NU_RANGE[0]) | np.isclose(b_nu, NU_RANGE[1])
        laws[law] = Extrapolation(
            law=law,
            alpha_inf=float(inf[0]),
            amplitude=float(amp[0]),
            nu=float(nu_hat[0]),
            chi2=float(chi2[0]),
            dof=len(use) - (3 if nu is None else 2),
            alpha_inf_ci=tuple(float(v) for v in np.percentile(b_inf, _INTERVAL)),
            nu_ci=tuple(float(v) for v in np.percentile(b_nu, _INTERVAL)),
            nu_ci95=tuple(float(v) for v in np.percentile(b_nu, (2.5, 97.5))),
            at_bound=float(on_bound.mean()) if nu is None else 0.0,
        )
    return laws


# ------------------------------------------------------------------------ comparison


@dataclass(frozen=True)
class TheoryComparison:
    """The fitted limit against RS and 1RSB theory, in bootstrap standard errors."""

    z_rs: float
    z_rsb1: float
    separable: bool  #: could an error this size tell RS from 1RSB (gap > 2 errors)?
    text: str


def compare_theory(law: Extrapolation) -> TheoryComparison:
    """How far ``law``'s alpha_inf lies from RS 0.1379 and 1RSB 0.1382, and whether the
    bootstrap error could separate the two (it must be below half their 0.0003 gap)."""
    se = law.stderr
    z_rs = (law.alpha_inf - RS_ALPHA_C) / se if se > 0 else np.inf
    z_rsb = (law.alpha_inf - RSB1_ALPHA_C) / se if se > 0 else np.inf
    gap = RSB1_ALPHA_C - RS_ALPHA_C
    separable = se < gap / 2
    text = (
        f"alpha_inf = {law.alpha_inf:.4f} +/- {se:.4f} is {z_rs:+.1f} errors from RS "
        f"{RS_ALPHA_C:.4f} and {z_rsb:+.1f} from 1RSB {RSB1_ALPHA_C:.4f}"
    )
    if not separable:
        text += (
            f"; the data cannot separate them: their gap {gap:.4f} is "
            f"{gap / se:.2g} errors (it needs an error below {gap / 2:.5f}, "
            f"about {(2 * se / gap) ** 2:.0f} times the trials)"
        )
    return TheoryComparison(float(z_rs), float(z_rsb), separable, text)


def exponent_text(est: CapacityEstimate) -> str:
    """Can the data tell the exponents 1/2 and 1/3 apart? chi^2 and the bootstrap interval."""
    free = est.best
    if free is None:
        return "no extrapolation"
    parts = [
        f"nu = {free.nu:.2f} (68% [{free.nu_ci[0]:.2f}, {free.nu_ci[1]:.2f}], "
        f"95% [{free.nu_ci95[0]:.2f}, {free.nu_ci95[1]:.2f}])"
    ]
    for law, nu in FIXED_NU.items():
        fixed = est.laws[law]
        inside = free.nu_ci95[0] <= nu <= free.nu_ci95[1]
        parts.append(
            f"{law}: alpha_inf = {fixed.alpha_inf:.4f} +/- {fixed.stderr:.4f}, "
            f"chi2/dof = {fixed.chi2_dof:.2f} ({'inside' if inside else 'outside'} the 95% "
            "interval of nu)"
        )
    return "; ".join(parts)


def estimate_text(est: CapacityEstimate) -> str:
    """The one text of the fitted-exponent estimate, shared by figure, CSV and claims."""
    free = est.best
    if free is None:
        return f"{est.criterion.name}: no extrapolation -- unreliable: {'; '.join(est.problems)}"
    syst = est.systematic
    text = (
        f"alpha_c = {free.alpha_inf:.4f} +/- {free.stderr:.4f} (bootstrap)"
        + (f" +/- {syst:.4f} (fit range)" if np.isfinite(syst) else "")
        + f" with nu = {free.nu:.2f}, chi2/dof = {free.chi2:.1f}/{free.dof}, "
        f"N = {min(s.N for s in est.used)}..{max(s.N for s in est.used)}"
    )
    return text + (f" -- unreliable: {'; '.join(est.problems)}" if est.problems else "")


# ------------------------------------------------------------ what the figures also show


def convergence(ds: xr.Dataset, noise: float, threshold: float = 0.9) -> pd.DataFrame:
    """Time to convergence per (N, alpha) from cues with ``noise`` (seeds pooled).

    Columns ``N``, ``alpha``, ``trials``; for the trials that ended on a fixed point with
    ``m >= threshold`` (``retrieved_*``) and with ``m < threshold`` (``failed_*``) the median
    and quartiles of their sweeps (``*_median``, ``*_q25``, ``*_q75``, NaN with fewer than 5
    such trials); ``not_converged``, the fraction stopped by ``max_sweeps``. Cells without
    trials are left out.
    """
    cell = _seeded(ds).sel(noise=ds.noise.values[np.isclose(ds.noise.values, noise)][0])
    order = ("N", "alpha", "seed", "trial")
    sweeps = cell.sweeps.transpose(*order).values
    outcome = cell.outcome.transpose(*order).values
    overlap = cell.overlap.transpose(*order).values
    rows = []
    for i, N in enumerate(ds.N.values):
        for j, a in enumerate(ds.alpha.values):
            s, o, m = sweeps[i, j].ravel(), outcome[i, j].ravel(), overlap[i, j].ravel()
            measured = np.isfinite(s)
            if not measured.any():
                continue
            row = {"N": int(N), "alpha": float(a), "trials": int(measured.sum())}
            fixed = measured & (o == 0)
            for name, group in (("retrieved", m >= threshold), ("failed", m < threshold)):
                x = s[fixed & group]
                q = np.percentile(x, [25, 50, 75]) if x.size >= 5 else [np.nan] * 3
                row.update({f"{name}_q25": q[0], f"{name}_median": q[1], f"{name}_q75": q[2]})
            row["not_converged"] = float(np.mean(o[measured] == 2))
            rows.append(row)
    return pd.DataFrame(rows)


def loads_near(ds: xr.Dataset, N: int, alpha_half: float, count: int = 3) -> np.ndarray:
    """The ``count`` measured loads of size ``N`` nearest ``alpha_half``, in increasing order."""
    m = _seeded(ds).overlap.sel(N=N)
    measured = np.isfinite(m).any([d for d in m.dims if d != "alpha"]).values
    loads = ds.alpha.values[measured]
    nearest = np.argsort(np.abs(loads - alpha_half), kind="stable")[:count]
    return np.sort(loads[nearest])


def final_overlaps(ds: xr.Dataset, N: int, alpha: float, noise: float) -> np.ndarray:
    """Every measured final overlap of one (N, alpha, noise) cell, seeds pooled."""
    cell = _seeded(ds).overlap.sel(N=N, alpha=alpha, noise=noise)
    values = cell.values.ravel()
    return values[np.isfinite(values)]


@dataclass(frozen=True)
class ErrorRate:
    """The first source document's case: recall errors at one (N, alpha) for one cue noise."""

    noise: float
    failed: int  #: recalls that end with at least one wrong bit
    trials: int
    bit_error: float  #: mean fraction of wrong bits


def error_rate(ds: xr.Dataset, N: int = 200, alpha: float = 0.5) -> list[ErrorRate] | None:
    """Recall errors at (N, alpha) per cue noise; None when the run has no such point."""
    if N not in ds.N.values or not np.any(np.isclose(ds.alpha.values, alpha)):
        return None
    cell = _seeded(ds).sel(N=N).sel(alpha=alpha, method="nearest")
    out = []
    for noise in cell.noise.values:
        bits = cell.bit_error.sel(noise=noise).values.ravel()
        bits = bits[np.isfinite(bits)]
        failed = int(np.sum(bits > 0))
        out.append(ErrorRate(float(noise), failed, int(bits.size), float(bits.mean())))
    return out
