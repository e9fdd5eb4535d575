"""Pictures stored and restored (the source report's image memory)."""

from __future__ import annotations

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_TESTED,
    REPORT,
    Result,
    claim,
    fraction,
)


@claim(
    "picture_restored",
    REPORT + " 4.1, figure 13",
    "One stored picture is restored from noise and from occlusion",
    "images",
)
def _picture(d):
    ds = d["images"]
    parts, ok = [], True
    for c in ("noise", "occlude"):
        if c not in ds.corruption.values:
            continue
        cell = ds.sel(corruption=c)
        m = cell.overlap.values.ravel()
        ok &= bool(np.all(m >= 0.999))
        parts.append(
            f"{c} (cue m={float(cell.cue_overlap.values.ravel()[0]):+.2f}): final "
            + "/".join(f"{x:+.3f}" for x in m)
        )
    side = int(ds.side)
    return Result(f"m = 1 ({side} x {side}, sync/async)", "; ".join(parts), HOLDS if ok else FAILS)


@claim(
    "half_inverted",
    REPORT + " 4.1, figure 15",
    "A half-inverted picture: synchronous updates do not settle (oscillation); asynchronous "
    "updates overcome it",
    "images",
)
def _half(d):
    ds = d["images"].sel(corruption="invert_half")
    s = ds.sel(update="sync")
    a = ds.sel(update="async")
    s_cycle = bool(np.all(s.outcome.values == 1))
    a_fixed = bool(np.all(a.outcome.values == 0))
    a_m = a.overlap.values.ravel()
    restored = bool(np.all(a_m >= 0.999))
    inverse = bool(np.all(np.abs(a_m) >= 0.999))
    measured = (
        f"sync: {'2-cycle' if s_cycle else 'settles'} "
        f"(m={float(s.overlap.values.ravel()[0]):+.3f});"
        f" async: {'fixed point' if a_fixed else 'no fixed point'} "
        f"m={', '.join(f'{x:+.3f}' for x in a_m)}"
    )
    ref = "sync oscillates; async ends on the picture"
    if s_cycle and a_fixed and restored:
        return Result(ref, measured, HOLDS)
    if s_cycle and a_fixed and inverse:
        cue = float(a.cue_overlap.values.ravel()[0])
        return Result(
            ref,
            measured,
            CAVEAT,
            f"async ends on the inverse picture; the cue's overlap with the picture is "
            f"{cue:+.3f}, so it is as near the inverse as the picture"
            if abs(cue) < 1e-9
            else f"async ends on the inverse picture; the cue's overlap with the picture is "
            f"{cue:+.3f}",
        )
    return Result(ref, measured, FAILS)


@claim(
    "two_pictures",
    REPORT + " 4.2, figure 17",
    "With two stored 64 x 64 pictures, occluding most of the second one recalls the first",
    "images_two",
)
def _two_pictures(d):
    ds = d["images_two"]
    second = ds.image.values[1]
    first_stored = ds.stored_image.values[0]
    cell = ds.sel(image=second, corruption="occlude")
    m_first = cell.final_overlap.sel(stored_image=first_stored).values
    m_own = cell.final_overlap.sel(stored_image=second).values
    ok = bool(np.all(m_first >= 0.999))
    measured = (
        f"{second} occluded {float(ds.occlude_fraction):.0%} "
        f"(cue m={float(cell.cue_overlap):+.2f}):"
        f" final overlap with {first_stored} "
        + "/".join(f"{x:+.3f}" for x in m_first)
        + f", with {second} "
        + "/".join(f"{x:+.3f}" for x in m_own)
        + " (sync/async)"
    )
    return Result(f"ends on {first_stored}", measured, HOLDS if ok else FAILS)


@claim(
    "image_iterations",
    COMPARISON + " 1.2",
    "High-dimensional data such as images may need hundreds of iterations to settle",
    "images",
    "capacity",
)
def _iterations(d):
    from hopsim.analysis.sweeps import settling_near_capacity
    from hopsim.theory.capacity import ags_critical

    pic = d["images"].sel(update="async")
    alpha_c = ags_critical()[0]
    times = settling_near_capacity(d["capacity"], alpha_c)
    ref = "hundreds of sweeps where memory is loaded (alpha near alpha_c)"
    picture = (
        f"one stored {int(pic.side)}^2-pixel picture (alpha = {1 / int(pic.N):.1e}): at most "
        f"{int(pic.sweeps.values.max())} sweeps"
    )
    if not times:
        return Result(ref, picture, NOT_TESTED, "the capacity run has no load near alpha_c")
    per_N = "; ".join(
        f"N={t.N}: median {t.median:g}, 90% {t.q90:g}, largest {t.largest} of {t.trials}"
        for t in times
    )
    big = times[-1]
    measured = (
        f"{picture}; random patterns at alpha {min(big.loads):g}..{max(big.loads):g} (AGS "
        f"alpha_c = {alpha_c:.3f}), cues with noise, sweeps to the end: {per_N}; at N="
        f"{big.N} {big.at_least} of {big.trials} need >= {big.threshold}, {big.stopped} "
        "stopped by max_sweeps"
    )
    growth = (
        f"the median grows from {times[0].median:g} (N={times[0].N}) to {big.median:g} (N={big.N})"
        if len(times) > 1 and big.median > times[0].median
        else ""
    )
    if big.stopped:
        return Result(
            ref,
            measured,
            INCONCLUSIVE,
            f"{big.stopped} trials reached the run's bound on sweeps: how long they would "
            "take is not measured",
        )
    p, se = fraction(big.at_least, big.trials)
    if big.at_least and p - 2 * se > 0:
        return Result(ref, measured, HOLDS, growth)
    if big.at_least:
        return Result(ref, measured, CAVEAT, f"only {big.at_least} of {big.trials} trials")
    return Result(
        ref,
        measured,
        FAILS,
        f"tens of sweeps at most (largest {big.largest}), not hundreds"
        + (f"; {growth}" if growth else ""),
    )
