"""DRAFT of the rewritten Krauth-Mezard claim (issue 18, claim 30), waiting for the split of
``hopsim/gallery/claims.py`` into ``hopsim/gallery/claims/``.

Not registered: nothing imports this module yet. When the split lands, move
:func:`krauth_mezard_check` into the learning-rules family module, register it with
``@claim("rule_krauth_mezard", "issue 9 (learning rules)", STATEMENT, "rules",
"rules_budget")`` in place of ``_rule_claim("krauth_mezard", ...)``, and add the gallery
entry :data:`BUDGET_ENTRY` to ``hopsim/gallery/plan.py``.

What the claim says, and what is checked. "Perceptron learning of maximal stability stores up
to alpha = 2 (Gardner's bound)". Gardner's alpha_c(0) = 2 is an N -> infinity bound at zero
margin, and the learning time diverges as alpha -> 2, so a finite budget stopping at 1.2-1.4
does not contradict it. Two things are measured instead:

1. *Maximal stability*: at every load of the ``rules`` run where every neuron's margin is
   certified (``converged_fraction == 1``), the mean margin lies within the measured
   finite-size error of Gardner's kappa_max(P / (N - 1)), which goes to 0 at alpha = 2.
   Tolerance ``FINITE_SIZE / N + 3`` standard errors over the pattern sets;
   ``FINITE_SIZE = 2.5`` from the measured gaps +0.2/N to +1.94/N at N = 100-500,
   alpha = 0.25-1.5 (5 pattern sets each, docs/learning_rules.md).
2. *Storage approaching 2 as the budget grows*: in the ``rules_budget`` run (a sweep over
   ``network.learning_options.budget``), the load at which half the neurons store every one
   of their bits, ``alpha_half``, against Cover's exact finite-N value (half of the
   dichotomies of P = 2 (N - 1) points are separable: alpha_half = 2 (N - 1) / N, 1.98 at
   N = 100). No learner can beat Cover (checked: the stored fraction never exceeds Cover's
   by more than 3 standard errors); ``alpha_half`` must grow with the budget; it holds when
   the largest budget brings it within the grid step around Cover's value, and holds with a caveat
   (approached, not reached: the learning time diverges) when it grows but stays short.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hopsim.gallery.claims import CAVEAT, FAILS, HOLDS, UNCHECKED, Result, all_of

STATEMENT = (
    "Perceptron learning of maximal stability reaches Gardner's maximal margin kappa_max(alpha) "
    "and stores up to alpha = 2 (Gardner's bound), approached as the learning budget grows"
)

#: Finite-size tolerance of the mean margin, in units of 1/N (measured gaps <= 1.94 / N).
FINITE_SIZE = 2.5

#: The gallery run the storage part reads (to add to hopsim/gallery/plan.py).
BUDGET_ENTRY = {
    "name": "rules_budget",
    "title": "Krauth-Mezard storage against the learning budget",
    "overrides": (
        "experiment=rules",
        "rules.names=[krauth_mezard]",
        "network.N=[100,200]",
        "patterns.alpha=[1.0,1.4,1.6,1.8,1.9,2.0,2.2]",
        "corruption.level=[0]",
        "rules.cues=1",
        "trials=3",
        "network.learning_options.budget=10,100,1000",
    ),
    "quick": (
        "experiment=rules",
        "rules.names=[krauth_mezard]",
        "network.N=[100]",
        "patterns.alpha=[1.0,1.4,1.6,1.8,1.9,2.0,2.2]",
        "corruption.level=[0]",
        "rules.cues=1",
        "trials=3",
        "network.learning_options.budget=10,100,1000",
    ),
    "multirun": True,
}


def margin_check(ds: xr.Dataset) -> tuple[str, str]:
    """(verdict, measured text): Krauth-Mezard's mean margin against kappa_max per load."""
    km = ds.sel(rule="krauth_mezard")
    parts, verdicts = [], []
    for N in km.N.values:
        cells = []
        for alpha in np.sort(km.alpha.values):
            cell = km.sel(N=N, alpha=alpha)
            theory = float(cell.margin_theory)
            if not math.isfinite(theory) or not bool((cell.converged_fraction == 1).all()):
                continue
            m = cell.margin.values
            se = float(m.std(ddof=1) / math.sqrt(m.size)) if m.size > 1 else 0.0
            gap = float(m.mean()) - theory
            ok = abs(gap) <= FINITE_SIZE / float(N) + 3 * se
            verdicts.append(HOLDS if ok else FAILS)
            cells.append(f"{alpha:g}: {m.mean():.3f} vs {theory:.3f}" + ("" if ok else " (off)"))
        if cells:
            parts.append(f"N={int(N)} " + ", ".join(cells))
    if not verdicts:
        return UNCHECKED, "no load with every neuron's margin certified"
    text = "mean margin vs kappa_max(P/(N-1)): " + "; ".join(parts)
    return all_of(*verdicts), text


def half_load(alphas: np.ndarray, fraction: np.ndarray) -> float:
    """Load where ``fraction`` (decreasing in alpha) first falls below 1/2, interpolated
    linearly between grid points; NaN when it never does, -inf when it starts below."""
    below = np.nonzero(fraction < 0.5)[0]
    if below.size == 0:
        return math.nan
    k = int(below[0])
    if k == 0:
        return -math.inf
    a0, a1, f0, f1 = alphas[k - 1], alphas[k], fraction[k - 1], fraction[k]
    return float(a0 + (f0 - 0.5) * (a1 - a0) / (f0 - f1))


def _grid_step(alphas: np.ndarray, value: float) -> float:
    """Spacing of the load grid around ``value`` (inf when it is off the grid)."""
    k = int(np.searchsorted(alphas, value))
    if not math.isfinite(value) or k == 0 or k >= alphas.size:
        return math.inf
    return float(alphas[k] - alphas[k - 1])


def storage_check(ds: xr.Dataset | None) -> tuple[str, str, str]:
    """(verdict, measured text, note): the half-storage load against the budget and Cover."""
    if ds is None or "budget" not in ds.dims or ds.sizes["budget"] < 2:
        return UNCHECKED, "", "storage against the budget not checked: no budget sweep"
    km = ds.sel(rule="krauth_mezard").sortby("alpha").sortby("budget")
    alphas = km.alpha.values
    budgets = km.budget.values
    parts, verdicts, notes = [], [], []
    for N in km.N.values:
        cell = km.sel(N=N)
        cover = cell.separable_theory  # the same for every budget
        cover = (cover.isel(budget=0) if "budget" in cover.dims else cover).values
        f = cell.neuron_stable_fraction.mean("trial").transpose("budget", "alpha").values
        se = cell.neuron_stable_fraction.std("trial").transpose("budget", "alpha").values
        se = se / math.sqrt(cell.sizes["trial"]) + 1.0 / (float(N) * cell.sizes["trial"])
        beats_cover = bool(np.any(f > cover[None, :] + 3 * se))
        halves = [half_load(alphas, row) for row in f]
        target = half_load(alphas, cover)
        step = _grid_step(alphas, target)
        if not math.isfinite(step):
            return (
                UNCHECKED,
                "",
                f"N={int(N)}: Cover's alpha_half {target:.3g} is off the load grid",
            )
        grows = all(b >= a - 1e-12 for a, b in zip(halves, halves[1:], strict=False))
        grows = grows and halves[-1] > halves[0]
        reached = abs(halves[-1] - target) <= step
        verdicts.append(FAILS if beats_cover or not grows else HOLDS if reached else CAVEAT)
        pairs = ", ".join(f"{b:g}: {h:.3g}" for b, h in zip(budgets, halves, strict=True))
        parts.append(f"N={int(N)} alpha_half by budget {pairs} (Cover {target:.3g})")
        if beats_cover:
            notes.append(f"N={int(N)}: more neurons stable than Cover allows")
        elif grows and not reached:
            conv = cell.converged_fraction.mean("trial").transpose("budget", "alpha")
            near = conv.sel(alpha=alphas[np.argmin(np.abs(alphas - target))]).values
            notes.append(
                f"N={int(N)}: approached, not reached: the certified neurons at alpha "
                f"{alphas[np.argmin(np.abs(alphas - target))]:g} grow "
                + " -> ".join(f"{v:.2f}" for v in near)
                + " with the budget (the learning time diverges at alpha = 2)"
            )
    return all_of(*verdicts), "; ".join(parts), "; ".join(notes)


def krauth_mezard_check(d) -> Result:
    """The claim's verdict from the ``rules`` run and, when present, ``rules_budget``."""
    ds = d["rules"]
    reference = "kappa_max(alpha) (Gardner 1988) and alpha_c = 2; Cover's count at finite N"
    if "krauth_mezard" not in ds.rule.values:
        return Result(reference, "", UNCHECKED, "krauth_mezard not in rules.names")
    margin_verdict, margin_text = margin_check(ds)
    storage_verdict, storage_text, note = storage_check(d.get("rules_budget"))
    measured = "; ".join(t for t in (margin_text, storage_text) if t)
    if margin_verdict == UNCHECKED:
        return Result(reference, measured, UNCHECKED, "no certified margin to compare")
    if storage_verdict == UNCHECKED:
        verdict = FAILS if margin_verdict == FAILS else CAVEAT
        return Result(reference, measured, verdict, note)
    return Result(reference, measured, all_of(margin_verdict, storage_verdict), note)
