"""Capacity: the finite-size estimate of alpha_c, AGS theory, error rates at N = 200."""

from __future__ import annotations

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    HOLDS,
    UNCHECKED,
    Result,
    agreement,
    agreement_note,
    all_of,
    at_least,
    claim,
    fraction,
    pct,
)


def _capacity_estimate(ds):
    from hopsim.figures.capacity import finite_size_estimate

    table = finite_size_estimate(ds)
    est = table.iloc[-1]
    return float(est.alpha_half), float(est.stderr), str(est.note), table


@claim(
    "capacity_ags",
    "theory (Amit, Gutfreund and Sompolinsky 1985)",
    "Hebbian retrieval breaks down at alpha_c = P/N = 0.138 for large N",
    "capacity",
)
def _ags(d):
    from hopsim.theory.capacity import ags_critical

    a, se, note, table = _capacity_estimate(d["capacity"])
    ref = ags_critical()[0]
    sizes = ", ".join(
        f"N={int(r.N)}: {r.alpha_half:.3f}" for r in table.itertuples() if np.isfinite(r.N)
    )
    measured = f"alpha_c = {a:.3f} +/- {se:.3f} (1/sqrt(N) extrapolation of {sizes})"
    if note:
        return Result(f"{ref:.4f}", measured, CAVEAT, f"estimate {note}")
    z = (a - ref) / se if se > 0 else np.inf
    return Result(f"{ref:.4f}", measured, agreement(z), agreement_note(z))


@claim(
    "capacity_015",
    COMPARISON + " 1.1",
    "The capacity is about 0.15 N patterns (Amit's model)",
    "capacity",
)
def _015(d):
    from hopsim.theory.capacity import ags_critical

    a, se, note, _ = _capacity_estimate(d["capacity"])
    ags = ags_critical()[0]
    measured = f"alpha_c = {a:.3f} +/- {se:.3f}"
    if note:
        return Result("0.15", measured, CAVEAT, f"estimate {note}")
    z = (a - 0.15) / se if se > 0 else np.inf
    v = agreement(z)
    if v != HOLDS and abs(a - ags) <= 2 * se:
        return Result(
            "0.15",
            measured,
            CAVEAT,
            f"the measurement matches AGS's {ags:.3f}; 0.15 is a rounded value",
        )
    return Result("0.15", measured, v, agreement_note(z))


@claim(
    "error_n200_p100",
    COMPARISON + " 1.1",
    "Storing 100 patterns in N = 200 neurons gives an error rate above 30%",
    "capacity",
)
def _n200(d):
    ds = d["capacity"]
    if 200 not in ds.N.values or not np.any(np.isclose(ds.alpha.values, 0.5)):
        return Result("> 30%", "", UNCHECKED, "the run has no N = 200, alpha = 0.5 point")
    cell = ds.sel(N=200).sel(alpha=0.5, method="nearest")
    parts, verdicts = [], []
    for noise in cell.noise.values:
        c = cell.sel(noise=noise)
        failed = int((c.bit_error > 0).sum())
        n = int(c.bit_error.notnull().sum())
        bits = float(c.bit_error.mean())
        parts.append(
            f"noise {noise:g}: recalls with errors {pct(failed, n)}, bit errors {100 * bits:.1f}%"
        )
        verdicts.append(at_least(*fraction(failed, n), 0.30))
    return Result(
        "> 30% of recalls wrong",
        "; ".join(parts),
        all_of(*verdicts),
        "the error rate is that of whole recalls; the fraction of wrong bits is lower",
    )


@claim(
    "one_step_error",
    "theory (one-step signal-to-noise)",
    "The fraction of bits a stored pattern loses in one update is Phi(-1/sqrt(alpha))",
    "capacity",
)
def _one_step(d):
    from hopsim.theory.capacity import one_step_error

    ds = d["capacity"]
    N = ds.N.values.max()
    e = ds.one_step_error.sel(N=N)
    mean = e.mean("trial").values
    theory = one_step_error(ds.alpha.values)
    # the larger of the binomial error under the theory over N bits x trials (for rare
    # events, where the sample spread of a handful of flipped bits understates it) and the
    # spread between cues (the crosstalk variance itself varies from cue to cue)
    bits = N * e.sizes["trial"]
    sample = e.std("trial", ddof=1).values / np.sqrt(e.sizes["trial"])
    se = np.maximum(np.sqrt(theory * (1 - theory) / bits), sample)
    z = (mean - theory) / np.maximum(se, 1.0 / bits)
    worst = int(np.argmax(np.abs(z)))
    measured = (
        f"N={int(N)}: largest deviation {mean[worst] - theory[worst]:+.2g} "
        f"(measured {mean[worst]:.3g}, theory {theory[worst]:.3g}) "
        f"({z[worst]:+.1f} standard errors) at alpha = {ds.alpha.values[worst]:g} "
        f"over {len(mean)} loads"
    )
    # with many loads, |z| up to ~3 is expected by chance
    note = agreement_note(z[worst], 3.0, 5.0)
    return Result("Phi(-1/sqrt(alpha))", measured, agreement(z[worst], 3.0, 5.0), note)
