"""Memory over time: palimpsests against their theory, Hebb's blackout, RNNs learning online."""

from __future__ import annotations

import math

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_TESTED,
    Result,
    agreement,
    agreement_note,
    claim,
    fraction,
    pct,
)

#: Exponents of the finite-size law alpha(N) = alpha_inf + b N^-x the fit is also made with,
#: to state how much the extrapolation depends on the form chosen (1/sqrt(N))
OTHER_EXPONENTS = (1 / 3, 2 / 3)


def _extrapolated(ds, rule: str):
    """(learner, value, theory, fit table, spread of the other exponents) at the optimum."""
    from hopsim.analysis.online import (
        finite_size_fit,
        nearest_optimum,
        retrievable_mean,
        theory_capacity,
    )

    label = nearest_optimum(ds, rule)
    if label is None:
        return None
    mean = retrievable_mean(ds).sel(checkpoint=ds.checkpoint.values[-1], noise=ds.noise.values[0])
    a, se = mean.alpha.sel(learner=label), mean.stderr.sel(learner=label)
    fit = finite_size_fit(a, se)
    others = []
    ok = np.isfinite(a.values)
    if ok.sum() >= 2:
        w = 1 / np.fmax(np.nan_to_num(se.values, nan=1.0), 1.0 / a.N.values)
        for x in OTHER_EXPONENTS:
            p = np.polyfit(a.N.values[ok].astype(float) ** -x, a.values[ok], 1, w=w[ok])
            others.append(float(p[1]))
    theory = float(theory_capacity(ds).sel(learner=label))
    return label, float(ds.value.sel(learner=label)), theory, fit, others


def _capacity_result(ds, rule: str, reference: str) -> Result:
    got = _extrapolated(ds, rule)
    if got is None:
        return Result(reference, "", NOT_TESTED, f"the run has no {rule} learner")
    label, value, theory, fit, others = got
    est, se = float(fit.alpha.iloc[-1]), float(fit.stderr.iloc[-1])
    sizes = ", ".join(
        f"N={int(r.N)}: {r.alpha:.4f}" for r in fit.itertuples() if math.isfinite(r.N)
    )
    measured = f"{label}: alpha = {est:.4f} +/- {se:.4f} at N = inf (1/sqrt(N) fit of {sizes})"
    spread = (
        "with N^-1/3 or N^-2/3 instead of 1/sqrt(N): " + ", ".join(f"{o:.4f}" for o in others)
        if others
        else ""
    )
    if not math.isfinite(se) or len(fit) < 4:
        return Result(reference, measured, INCONCLUSIVE, "fewer than three sizes N: no fit error")
    z = (est - theory) / se
    note = "; ".join(x for x in (agreement_note(z), spread) if x)
    return Result(f"{theory:.4f} (mean field) at {value:g}", measured, agreement(z), note)


@claim(
    "palimpsest_decay",
    "theory (Mezard, Nadal and Toulouse 1986; Nadal, Toulouse, Changeux and Dehaene 1986)",
    "With exponential decay of the couplings at the best rate (epsilon ~ 4.1), the most recent "
    "~0.05 N patterns are retrieved, however long the stream",
    "online_optimum",
)
def _decay(d):
    return _capacity_result(d["online_optimum"], "hebb_decay", "0.049 at epsilon 4.108")


@claim(
    "palimpsest_bounds",
    "theory (Parisi 1986; mean field with static noise)",
    "Learning within bounds keeps a similar fraction, ~0.04 N recent patterns, at the best bound",
    "online_optimum",
)
def _bounds(d):
    return _capacity_result(d["online_optimum"], "hebb_bounded", "0.040 at A 0.355")


def _tested_fraction(ds, learner: str, checkpoint, N) -> tuple[int, int]:
    from hopsim.analysis.online import retrieved

    r = retrieved(ds).sel(learner=learner, checkpoint=checkpoint, N=N, noise=ds.noise.values[0])
    return int(r.sum()), int(r.notnull().sum())


@claim(
    "hebb_blackout",
    "theory (Amit, Gutfreund and Sompolinsky 1987); issue 19",
    "Hebb's network streamed past alpha_c ~ 0.138 retrieves almost nothing, new or old, while "
    "a palimpsest keeps its most recent patterns",
    "online",
)
def _blackout(d):
    from hopsim.analysis.online import nearest_optimum, retrievable_mean
    from hopsim.theory.capacity import ags_critical

    ds = d["online"]
    alpha_c = ags_critical()[0]
    if "hebb" not in ds.learner.values:
        return Result("~0 past 0.138 N", "", NOT_TESTED, "the run streams no Hebb network")
    N = ds.N.values[-1]
    before = [c for c in ds.checkpoint.values if c < 0.8 * alpha_c]
    after = [c for c in ds.checkpoint.values if c > 2 * alpha_c]
    if not before or not after:
        return Result(
            "~0 past 0.138 N", "", NOT_TESTED, "no checkpoint well before and past 0.138 N"
        )
    k0, n0 = _tested_fraction(ds, "hebb", before[-1], N)
    pooled = [_tested_fraction(ds, "hebb", c, N) for c in after]
    k1, n1 = sum(k for k, _ in pooled), sum(n for _, n in pooled)
    kept = [x for x in (nearest_optimum(ds, r) for r in ("hebb_decay", "hebb_bounded")) if x]
    mean = retrievable_mean(ds).sel(N=N, checkpoint=after[-1], noise=ds.noise.values[0])
    pal = {x: float(mean.alpha.sel(learner=x)) for x in kept}
    measured = (
        f"N={int(N)}: Hebb retrieves {pct(k0, n0)} of the tested ages at {float(before[-1]):g} N "
        f"streamed, {pct(k1, n1)} at {', '.join(f'{float(c):g}' for c in after)} N; there "
        + (", ".join(f"{x} keeps {a:.3f} N" for x, a in pal.items()) or "no palimpsest ran")
    )
    p0, se0 = fraction(k0, n0)
    p1, se1 = fraction(k1, n1)
    # "almost nothing": fewer than a tenth of the tested ages (Hebb retrieves them all below
    # alpha_c); no hit: the rule of three's 95% bound 3/n, else two standard errors
    works = p0 - 2 * se0 > 0.9 or (k0 == n0 and 3 / n0 < 0.1)
    dark = (3 / n1 < 0.1) if k1 == 0 else (p1 + 2 * se1 < 0.1)
    keeps = all(a > 0.02 for a in pal.values())
    if works and dark and keeps and pal:
        return Result("< 10% past 0.138 N; palimpsests > 0.02 N", measured, HOLDS)
    if works and dark:
        return Result(
            "< 10% past 0.138 N; palimpsests > 0.02 N",
            measured,
            CAVEAT,
            "the blackout holds; " + ("no palimpsest ran" if not pal else "a palimpsest lost all"),
        )
    return Result("< 10% past 0.138 N; palimpsests > 0.02 N", measured, FAILS)


def _per_stream(ds, learner: str, noise):
    from hopsim.analysis.online import retrievable

    a = retrievable(ds).sel(learner=learner, checkpoint=ds.checkpoint.values[-1], noise=noise)
    return (a * a.N).isel(N=-1).values  # patterns, per stream


@claim(
    "rnn_online",
    COMPARISON + " 3.2",
    "RNNs are the recommended choice when online learning or incremental training is needed",
    "online_rnn",
)
def _rnn_online(d):
    ds = d["online_rnn"]
    rnns = [str(x) for x, f in zip(ds.learner.values, ds.family.values, strict=True) if f == "rnn"]
    hops = [str(x) for x, f in zip(ds.learner.values, ds.family.values, strict=True) if f != "rnn"]
    if not rnns or not hops:
        return Result("RNN > Hopfield online", "", NOT_TESTED, "the run needs an RNN and a rule")
    parts, verdicts = [], []
    for noise in ds.noise.values:
        counts = {x: _per_stream(ds, x, noise) for x in rnns + hops}
        mean = {x: float(np.mean(v)) for x, v in counts.items()}
        se = {
            x: float(np.std(v, ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.nan
            for x, v in counts.items()
        }
        rnn = max(rnns, key=mean.get)
        hop = max(hops, key=mean.get)
        spread = 2 * math.hypot(se[rnn], se[hop])
        gap = mean[rnn] - mean[hop]
        parts.append(
            f"noise {float(noise):g}: best RNN {rnn} {mean[rnn]:.1f} +/- {se[rnn]:.1f}, best "
            f"Hopfield {hop} {mean[hop]:.1f} +/- {se[hop]:.1f} recent patterns"
        )
        if not math.isfinite(spread):
            verdicts.append(INCONCLUSIVE)
        elif gap > max(spread, 1.0):
            verdicts.append(HOLDS)
        elif -gap > max(spread, 1.0):
            verdicts.append(FAILS)
        else:
            verdicts.append(INCONCLUSIVE)
    N = int(ds.N.values[-1])
    measured = (
        f"N={N}, {ds.sizes['stream']} streams of {float(ds.checkpoint.values[-1]):g} N patterns, "
        f"patterns retrieved at the end (m >= {float(ds.threshold):g}): " + "; ".join(parts)
    )
    if all(v == FAILS for v in verdicts):
        verdict = FAILS
    elif all(v == HOLDS for v in verdicts):
        verdict = HOLDS
    else:
        verdict = INCONCLUSIVE
    note = (
        f"equal parameter budgets (~N^2 = {N * N}); the RNN fine-tuned on each new batch "
        f"({ds.attrs.get('train_steps')} Adam steps, lr {ds.attrs.get('train_lr')}), no replay; "
        "the Hopfield rules learn each pattern once"
    )
    return Result("RNN retrieves more recent patterns", measured, verdict, note)
