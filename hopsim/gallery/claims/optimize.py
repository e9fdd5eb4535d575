"""The network as an optimiser: exact ground states, the Parisi energy, Hopfield-Tank validity.

Every number comes from :mod:`hopsim.optimize.analysis`, the functions the figures draw.
"""

from __future__ import annotations

import math

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    Result,
    agreement,
    agreement_note,
    all_of,
    claim,
)
from hopsim.optimize import analysis

HT_SET, TUNED_SET, HT_SOLVER = "hopfield_tank_1985", "tuned", "hopfield_tank"


@claim(
    "sk_exact_ground_states",
    "theory (exact enumeration)",
    "Simulated annealing of the network's Ising energy finds the exact ground state of SK "
    "instances: at 1000 sweeps a read ends on the enumerated ground state of every instance "
    "with N <= 24, in at least 90% of the reads",
    "optimize",
)
def _exact(d):
    ds = d["optimize"]
    top = int(ds.sweeps.max())
    p = analysis.success_probability(ds).sel(sweeps=top)
    known = np.isfinite(ds.ground_energy).all("instance")
    p = p.sel(N=ds.N.values[known.values])
    if p.N.size == 0:
        return Result("ground state of every instance", "no size with an exact answer", FAILS)
    parts = []
    for solver in p.solver.values:
        cell = p.sel(solver=solver).values
        parts.append(
            f"{solver}: {100 * np.nanmean(cell):.1f}% of reads, "
            f"{int(np.sum(cell > 0))}/{cell.size} instances"
        )
    sa = p.sel(solver="anneal").values if "anneal" in p.solver.values else None
    if sa is None:
        return Result("anneal", "; ".join(parts), FAILS, "the run has no anneal solver")
    every, mean = bool(np.all(sa > 0)), float(np.mean(sa))
    verdict = HOLDS if every and mean >= 0.9 else CAVEAT if every else FAILS
    note = (
        ""
        if verdict == HOLDS
        else (
            f"every instance solved, but only {100 * mean:.1f}% of the reads"
            if every
            else f"{int(np.sum(sa == 0))} instance(s) never solved"
        )
    )
    sizes = [int(n) for n in p.N.values]
    measured = f"N in {sizes}, {top} sweeps, {ds.read.size} reads: " + "; ".join(parts)
    return Result("100% of instances, >= 90% of reads", measured, verdict, note)


@claim(
    "parisi_energy",
    "theory (Parisi 1980; finite-size form e_N = e_inf + a N^-2/3, Boettcher 2005)",
    "The ground-state energy per spin of the SK model tends to -0.7632 as N grows, with "
    "corrections that fall as a power of N",
    "optimize_parisi",
)
def _parisi(d):
    ds = d["optimize_parisi"]
    table, fit = analysis.parisi(ds)
    if fit is None:
        return Result("-0.7632", f"no fit ({len(table)} sizes)", FAILS, "too few sizes to fit")
    z = fit.deviation()
    measured = (
        f"e_inf = {fit.e_inf:.4f} +/- {fit.e_inf_err:.4f}, omega = {fit.omega:.2f} +/- "
        f"{fit.omega_err:.2f}, chi2/dof = {fit.chi2_dof:.2f} (N = {fit.sizes[0]}-{fit.sizes[-1]}, "
        f"{ds.instance.size} instances, best of {ds.read.size} reads)"
    )
    verdicts, notes = [agreement(z)], [agreement_note(z, why="finite-size extrapolation")]
    rs = analysis.REPLICA_SYMMETRIC_ENERGY
    measured += (
        f"; {abs(fit.e_inf - rs) / fit.e_inf_err:.0f} errors from the replica-symmetric {rs:.4f}"
    )
    if 4 * fit.e_inf_err > abs(rs - analysis.PARISI_ENERGY):
        verdicts.append(INCONCLUSIVE)
        notes.append(
            f"the extrapolation's error ({fit.e_inf_err:.3f}) cannot tell Parisi's value from "
            f"the replica-symmetric {rs:.4f} (more sizes, instances or reads needed)"
        )
    by_budget = [(b, f) for b, f in analysis.parisi_by_budget(ds) if f is not None]
    if len(by_budget) == 2:
        (b0, f0), (b1, f1) = by_budget
        shift = f1.e_inf - f0.e_inf
        measured += f"; e_inf at {b0} sweeps {f0.e_inf:.4f}, at {b1} sweeps {f1.e_inf:.4f}"
        if abs(shift) > f1.e_inf_err:
            verdicts.append(CAVEAT)
            notes.append(
                f"doubling the budget moved e_inf by {shift:+.4f}, more than its error: the "
                "anneal may not have converged (a larger budget still lowers the energy)"
            )
    else:
        verdicts.append(CAVEAT)
        notes.append("one budget only: no evidence that the anneal converged")
    if fit.chi2_dof > 3:
        verdicts.append(CAVEAT)
        notes.append(f"the power law misses the points (chi2/dof = {fit.chi2_dof:.1f})")
    note = "; ".join(n for n in notes if n)
    return Result(f"{analysis.PARISI_ENERGY}", measured, all_of(*verdicts), note)


def _valid(ds, parameter_set: str):
    """Valid-tour fraction and its error (over instances) and the length ratio, or None."""
    if parameter_set not in ds.parameter_set.values or HT_SOLVER not in ds.solver.values:
        return None
    top = int(ds.sweeps.max())
    cell = ds.sel(parameter_set=parameter_set, solver=HT_SOLVER, sweeps=top)
    per_instance = cell.valid.mean("read").values.ravel()
    p = float(per_instance.mean())
    se = float(per_instance.std(ddof=1) / math.sqrt(per_instance.size))
    se = max(se, math.sqrt(max(p * (1 - p), 0.0) / cell.valid.size))  # at least binomial
    row = analysis.tsp_table(ds.sel(sweeps=top))
    row = row[(row.parameter_set == parameter_set) & (row.solver == HT_SOLVER)].iloc[0]
    return p, se, row.length_ratio, row.ratio_error, row.random_ratio


@claim(
    "hopfield_tank_validity",
    "Wilson and Pawley (1988), against Hopfield and Tank (1985)",
    "With Hopfield and Tank's parameters (A = B = D = 500, C = 200, n_tilde = 15, u0 = 0.02) "
    "most runs of the analogue network on random 10-city problems do not end on a valid tour "
    "(Hopfield and Tank had reported most runs valid on their instance)",
    "optimize_tsp",
)
def _ht_validity(d):
    ds = d["optimize_tsp"]
    found = _valid(ds, HT_SET)
    if found is None:
        return Result("< 50% valid", "the run has no Hopfield-Tank circuit with that set", FAILS)
    p, se, ratio, ratio_se, random_ratio = found
    measured = (
        f"{100 * p:.1f}% +/- {100 * se:.1f}% valid ({ds.instance.size} instances x "
        f"{ds.read.size} reads, n = {int(ds.N.values[0])}); valid tours {ratio:.3f} +/- "
        f"{ratio_se:.3f} x the optimum (a random tour: {random_ratio:.2f} x)"
    )
    if p + 2 * se < 0.5:
        return Result("most runs invalid (< 50% valid)", measured, HOLDS)
    if p - 2 * se > 0.5:
        return Result("most runs invalid (< 50% valid)", measured, FAILS)
    return Result(
        "most runs invalid (< 50% valid)",
        measured,
        INCONCLUSIVE,
        "the valid fraction is within two standard errors of one half",
    )


@claim(
    "hopfield_tank_tradeoff",
    "Wilson and Pawley (1988)",
    "Parameters that make the analogue network end on valid tours make its tours longer: "
    "with C and D lowered (the tuned set) more runs are valid than with Hopfield and Tank's "
    "parameters, and the valid tours are longer",
    "optimize_tsp",
)
def _ht_tradeoff(d):
    ds = d["optimize_tsp"]
    ht, tuned = _valid(ds, HT_SET), _valid(ds, TUNED_SET)
    if ht is None or tuned is None:
        return Result("valid up, length up", "the run lacks one of the two sets", FAILS)
    dp = tuned[0] - ht[0]
    dp_se = math.hypot(tuned[1], ht[1])
    dl = tuned[2] - ht[2]
    dl_se = math.hypot(tuned[3], ht[3]) if np.isfinite(ht[3]) else math.nan
    measured = (
        f"valid: {100 * ht[0]:.1f}% -> {100 * tuned[0]:.1f}% ({100 * dp:+.1f} +/- "
        f"{100 * dp_se:.1f} points); length / optimum: {ht[2]:.3f} -> {tuned[2]:.3f} "
        f"({dl:+.3f} +/- {dl_se:.3f})"
    )
    if not np.isfinite(dl_se):
        return Result(
            "valid up, length up",
            measured,
            INCONCLUSIVE,
            "too few valid tours with Hopfield and Tank's set to compare lengths",
        )
    verdicts = []
    for delta, err in ((dp, dp_se), (dl, dl_se)):
        verdicts.append(HOLDS if delta > 2 * err else FAILS if delta < -2 * err else INCONCLUSIVE)
    return Result("valid up, length up", measured, all_of(*verdicts))
