"""The single-neuron memory of the source report (section 1.1): pitchfork, folds, phase
lines, pulses, the continuous network's energy."""

from __future__ import annotations

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    FAILS,
    HOLDS,
    REPORT,
    Result,
    claim,
)


@claim(
    "pitchfork",
    REPORT + " 1.1",
    "tau dv/dt = -v + tanh(lambda v): one fixed point v = 0 for lambda < 1, three for "
    "lambda > 1 (outer two stable, v = 0 unstable): a supercritical pitchfork at lambda = 1",
    "bifurcation",
)
def _pitchfork(d):
    ds = d["bifurcation"]
    lam = ds["lambda"].values
    lc_theory = float(ds.attrs.get("lambda_c_theory", 1.0))
    count = ds.n_fixed_points.values
    below, above = lam < lc_theory - 1e-9, lam > lc_theory + 1e-9
    ok_count = bool(np.all(count[below] == 1) and np.all(count[above] == 3))
    stable = ds.stable.values  # (lambda, branch): branch 0 lower, 1 middle, 2 upper
    ok_stab = bool(np.all(stable[above][:, [0, 2]] == 1) and np.all(stable[above][:, 1] == 0))
    first = int(np.argmax(above))
    from hopsim.theory.continuous import small_amplitude_branch

    v_up = float(ds.v.values[first, 2])
    v_law = float(small_amplitude_branch(lam[first], float(ds.gain)))
    grid_c = float(ds.lambda_c_grid)
    step = float(np.diff(lam).min())
    measured = (
        f"lambda_c = {float(ds.lambda_c):.6f} (first grid value with three fixed points "
        f"{grid_c:.3g}, step {step:.2g}); counts 1 below / 3 above: {ok_count}; outer "
        f"branches stable, middle unstable: {ok_stab}; v = {v_up:.4f} at lambda = "
        f"{lam[first]:.3g} against sqrt(3 (lambda - 1)) law {v_law:.4f}"
    )
    supercritical = abs(v_up - v_law) <= 0.05 * abs(v_law) + 1e-3
    ok = ok_count and ok_stab and supercritical and abs(grid_c - lc_theory) <= step + 1e-9
    return Result(f"lambda_c = {lc_theory:g}", measured, HOLDS if ok else FAILS)


@claim(
    "folds",
    "theory (tanh fold points)",
    "For lambda > 1 the hysteresis loop v(h) folds at |h| = lambda v* - artanh(v*), "
    "v* = sqrt(1 - 1/lambda): pulses beyond it flip the stored bit",
    "bifurcation",
)
def _folds(d):
    from hopsim.theory.continuous import fold_points_tanh

    ds = d["bifurcation"]
    lam = ds.loop_lambda.values
    h_exact, _ = fold_points_tanh(lam, float(ds.gain))
    h = ds.loop_h_fold.values
    rel = float(np.max(np.abs(h - h_exact) / np.abs(h_exact)))
    pairs = ", ".join(f"{a:g}: {b:.6f}" for a, b in zip(lam, h, strict=True))
    ref = ", ".join(f"{a:g}: {b:.6f}" for a, b in zip(lam, h_exact, strict=True))
    return Result(
        f"h_fold(lambda) {ref}",
        f"{pairs} (largest relative difference {rel:.1e})",
        HOLDS if rel < 1e-6 else FAILS,
    )


@claim(
    "phase_lines",
    REPORT + " 1.1, figure 2",
    "Phase lines: v = 0 is the only (stable) fixed point for lambda <= 1; for lambda > 1 two "
    "stable fixed points near +/-1 and an unstable one at 0",
    "phase_portrait",
)
def _phase_lines(d):
    ds = d["phase_portrait"]
    parts, ok, near_one = [], True, []
    for lam in ds["lambda"].values:
        fp = ds.fixed_point.sel({"lambda": lam}).values
        st = ds.stable.sel({"lambda": lam}).values
        have = ~np.isnan(fp)
        roots = fp[have]
        if lam * float(ds.gain) <= 1:
            good = len(roots) == 1 and abs(roots[0]) < 1e-9 and st[have][0] == 1
        else:
            good = len(roots) == 3 and list(st[have]) == [1, 0, 1] and abs(roots[1]) < 1e-9
            near_one.append(float(np.max(np.abs(roots))))
        ok &= bool(good)
        parts.append(f"lambda={lam:g}: " + " ".join(f"{r:+.3f}" for r in roots))
    note = ""
    if near_one and min(near_one) < 0.95:
        note = (
            f"'near +/-1' only for large lambda: the stable states are +/-{min(near_one):.3f} "
            f"at the smallest bistable lambda"
        )
    verdict = (CAVEAT if note else HOLDS) if ok else FAILS
    return Result("1 root for lambda <= 1, 3 for lambda > 1", "; ".join(parts), verdict, note)


@claim(
    "one_bit_memory",
    REPORT + " 1.1, figure 3",
    "For lambda > 1 the neuron holds one bit: a pulse stronger than the fold flips it to the "
    "pulse's sign, a weaker one leaves it, and it holds without input",
    "stimulus",
)
def _one_bit(d):
    ds = d["stimulus"]
    fold = float(ds.h_fold)
    bits = ds.bit_after.values
    amps = ds.pulse_amplitude.values
    v0 = ds.v.values[0]
    expected, bit = [], int(np.sign(v0)) or -1
    for a in amps:
        if abs(a) > fold:
            bit = int(np.sign(a))
        expected.append(bit)
    ok = bool(np.array_equal(bits, expected)) and int(ds.solver_status) >= 0
    measured = "bits after the pulses " + " ".join(
        f"{a:+g}->{b:+d}" for a, b in zip(amps, bits, strict=True)
    )
    return Result(
        f"fold |h| = {fold:.4f}; expected " + " ".join(f"{b:+d}" for b in expected),
        measured,
        HOLDS if ok else FAILS,
    )
