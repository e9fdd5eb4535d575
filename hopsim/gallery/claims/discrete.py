"""The discrete network of the source report: energy, state graphs of small networks,
inverses, spurious states, synchronous against asynchronous updates."""

from __future__ import annotations

import math

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    FAILS,
    HOLDS,
    REPORT,
    UNCHECKED,
    Result,
    at_least,
    claim,
    fraction,
    pct,
)


@claim(
    "energy_descends",
    REPORT + " 1.2",
    "The energy E = -1/2 v^T W v + theta^T v never rises under asynchronous updates",
    "recall",
)
def _energy(d):
    ds = d["recall"]
    E = ds.energy.values.reshape(-1, ds.sizes["sweep"])
    rises = np.diff(E, axis=1)
    rises = rises[np.isfinite(rises)]
    worst = float(rises.max()) if rises.size else 0.0
    update = str(ds["update"].values)
    measured = f"largest change between sweeps {worst:+.3g} over {rises.size} steps ({update})"
    if update == "sync":
        return Result("dE <= 0", measured, UNCHECKED, "the run used synchronous updates")
    return Result("dE <= 0 at every update", measured, HOLDS if worst <= 1e-9 else FAILS)


@claim(
    "ode_lyapunov",
    REPORT + " 1.2 (continuous network)",
    "The continuous N-neuron network recalls stored patterns, and its Lyapunov energy never "
    "rises along a trajectory",
    "network_ode",
)
def _ode(d):
    ds = d["network_ode"]
    final = ds.final_overlap.values
    rise = float(ds.energy_max_rise.max())
    E = ds.energy.values
    scale = float(np.nanmax(np.abs(E)))
    mf = float(ds.meanfield_overlap)
    ok_rise = rise <= 1e-6 * max(scale, 1.0)
    ok_m = bool(np.all(final >= mf - 0.02))
    measured = (
        f"final overlaps {final.min():.4f}..{final.max():.4f} (mean field {mf:.4f}); "
        f"largest energy rise {rise:.2g} (|E| up to {scale:.3g}, solver tolerance)"
    )
    return Result(
        f"overlap -> {mf:.4f}, dE/dt <= 0", measured, HOLDS if ok_rise and ok_m else FAILS
    )


def _fixed_labels(ds) -> list[str]:
    return [str(s).split(" (")[0] for s in ds.fixed_point_label.values]


def _cycles(ds) -> list[tuple[str, ...]]:
    """Synchronous cycles (period >= 2) as tuples of state strings like '+-+'."""
    succ = ds.sync_successor.values
    on_cycle = ds.on_sync_cycle.values.astype(bool)
    seen, out = set(), []
    for start in np.nonzero(on_cycle)[0]:
        if start in seen:
            continue
        cycle, k = [], int(start)
        while k not in cycle:
            cycle.append(k)
            k = int(succ[k])
        seen.update(cycle)
        if len(cycle) > 1:
            out.append(tuple(_state(ds.spins.values[c]) for c in cycle))
    return out


def _async_settles(ds) -> bool:
    return bool(np.all(ds.async_reachable.values.sum(axis=1) >= 1))


def _state(v) -> str:
    return "".join("+" if x > 0 else "-" for x in v)


def _small_graph(d, name, pattern, cycle_claimed, energy_claimed=None):
    ds = d[name]
    labels = _fixed_labels(ds)
    fixed = [_state(s) for s, f in zip(ds.spins.values, ds.is_fixed_point.values, strict=True) if f]
    pat = _state(pattern)
    inv = _state(-np.asarray(pattern))
    cycles = _cycles(ds)
    energies = {_state(s): float(e) for s, e in zip(ds.spins.values, ds.energy.values, strict=True)}
    settle = _async_settles(ds)
    ok_fixed = sorted(fixed) == sorted([pat, inv])
    xi = ds.stored_pattern.values.astype(float)

    def report_energy(state: str) -> float:
        # the report's convention: W = sum_mu xi xi^T with W_ii kept, E = -1/2 sum (xi . u)^2
        u = np.array([1.0 if c == "+" else -1.0 for c in state])
        return float(-0.5 * np.sum((xi @ u) ** 2)) + 0.0

    measured = (
        f"fixed points {', '.join(fixed)} ({', '.join(labels)}); synchronous cycles "
        + (", ".join("<->".join(c) for c in cycles) or "none")
        + (
            " with energies "
            + ", ".join(f"{energies[s]:g}" for c in cycles for s in c)
            + " (in the report's convention, W_ii kept and W unscaled: "
            + ", ".join(f"{report_energy(s) + 0.0:g}" for c in cycles for s in c)
            + ")"
            if cycles
            else ""
        )
        + f"; asynchronous: every state reaches a fixed point: {settle}"
    )
    ref = f"fixed points {pat} and {inv}; a synchronous 2-cycle " + "<->".join(cycle_claimed)
    ok_cycle = any(sorted(c) == sorted(cycle_claimed) for c in cycles)
    if energy_claimed is not None:
        ok_cycle &= all(np.isclose(report_energy(s), energy_claimed) for s in cycle_claimed)
    any_cycle = any(len(c) == 2 for c in cycles)
    if ok_fixed and settle and ok_cycle:
        return Result(ref, measured, HOLDS)
    if ok_fixed and settle and any_cycle:
        return Result(
            ref,
            measured,
            CAVEAT,
            "there is a synchronous 2-cycle and asynchronous updates break it, but between "
            "other states than printed (the report's printed weight matrix is not the Hebb "
            "matrix of its pattern)",
        )
    return Result(ref, measured, FAILS)


@claim(
    "two_node_anti",
    REPORT + " 3.1, figure 7",
    "2 neurons storing [-1, 1]: the pattern and its inverse are fixed points under both "
    "updates; synchronously the two energy-0 states [-1,-1] and [1,1] oscillate; "
    "asynchronous updates break the oscillation",
    "state_graph_2",
)
def _two_anti(d):
    return _small_graph(d, "state_graph_2", [-1, 1], ("--", "++"), energy_claimed=0.0)


@claim(
    "two_node_same",
    REPORT + " 3.1, figure 8",
    "2 neurons storing [1, 1]: the mirror image of figure 7 ([1,-1] and [-1,1] oscillate)",
    "state_graph_2b",
)
def _two_same(d):
    return _small_graph(d, "state_graph_2b", [1, 1], ("+-", "-+"))


@claim(
    "three_node",
    REPORT + " 3.2, figure 9",
    "3 neurons storing [-1, 1, 1]: pattern and inverse are fixed points; synchronously "
    "[1,1,1] and [1,-1,1] oscillate; asynchronous updates remove the oscillation",
    "state_graph_3",
)
def _three(d):
    return _small_graph(d, "state_graph_3", [-1, 1, 1], ("+++", "+-+"))


@claim(
    "three_node_two_patterns",
    REPORT + " 3.2, figure 10",
    "3 neurons storing [1,1,1] and [1,1,-1]: the fixed points are [1,1,1] and [-1,-1,1]; the "
    "inverses have the lowest energy too but are not stable (the tie rule at the threshold)",
    "state_graph_3b",
)
def _three_two(d):
    ds = d["state_graph_3b"]
    fixed = sorted(
        _state(s) for s, f in zip(ds.spins.values, ds.is_fixed_point.values, strict=True) if f
    )
    E = {_state(s): float(e) for s, e in zip(ds.spins.values, ds.energy.values, strict=True)}
    emin = min(E.values())
    lowest = sorted(s for s, e in E.items() if np.isclose(e, emin))
    claimed = sorted(["+++", "--+"])
    unstable_lowest = [s for s in lowest if s not in fixed]
    ok = fixed == claimed and bool(unstable_lowest)
    measured = (
        f"fixed points {', '.join(fixed)}; lowest energy {emin:g} at {', '.join(lowest)} "
        f"(of which not fixed: {', '.join(unstable_lowest) or 'none'})"
    )
    return Result("fixed points +++ and --+", measured, HOLDS if ok else FAILS)


@claim(
    "inverse_attractor",
    REPORT + " 1.4",
    "Z2 symmetry: with theta = 0 the inverse of a stored state is remembered too "
    "(attractors come in pairs), so an inverted picture stays inverted",
    "state_graph_2",
    "state_graph_3",
    "images",
)
def _inverse(d):
    pairs = []
    for name in ("state_graph_2", "state_graph_3"):
        labels = _fixed_labels(d[name])
        pairs.append("inverse 0" in labels and "pattern 0" in labels)
    ds = d["images"]
    inv = ds.sel(corruption="invert")
    m = inv.overlap.values
    still = bool(np.all(np.isclose(m, -1.0)))
    measured = (
        f"pattern and inverse both fixed in the 2- and 3-neuron graphs: {all(pairs)}; "
        f"inverted picture, final overlap {', '.join(f'{x:+.3f}' for x in m.ravel())}"
    )
    return Result("inverse fixed; m = -1 stays", measured, HOLDS if all(pairs) and still else FAILS)


@claim(
    "spurious_states",
    REPORT + " 1.4, figure 5; " + COMPARISON + " 1.1-1.2",
    "Besides the stored patterns and their inverses the energy has other local minima "
    "(spurious attractors) that capture cues and give wrong recalls",
    "state_graph_16",
    "capacity",
)
def _spurious(d):
    sg = d["state_graph_16"]
    labels = _fixed_labels(sg)
    other = [s for s in labels if not s.startswith(("pattern", "inverse"))]
    cap = d["capacity"]
    N = int(cap.N.values.max())
    start = cap.sel(N=N, noise=cap.noise.values.min())  # cues that are the stored pattern
    high = start.sel(alpha=start.alpha.values[start.alpha.values >= 0.2])
    low = start.sel(alpha=start.alpha.values[start.alpha.values <= 0.05])

    def captured(cells):
        away = (cells.overlap.values < 0.5) & (cells.relation.values == 2)
        return int(np.sum(away)), int(np.sum(np.isfinite(cells.overlap.values)))

    k, n = captured(high)
    k0, n0 = captured(low)
    p, se = fraction(k, n)
    measured = (
        f"N=16, P=3: {len(other)} of {len(labels)} fixed points are neither a pattern nor an "
        f"inverse ({', '.join(sorted(set(other)))}); N={N}, recall started at the stored "
        f"pattern itself: at alpha >= 0.2 {pct(k, n)} end on another state with overlap "
        f"< 0.5, at alpha <= 0.05 {pct(k0, n0)}"
    )
    verdict = HOLDS if other and at_least(p, se, 0.0) == HOLDS else FAILS
    return Result("spurious fixed points exist", measured, verdict)


@claim(
    "sync_vs_async",
    REPORT + " 2 and 5",
    "Asynchronous updates give stronger attractors; synchronous updates oscillate more easily",
    "recall_updates",
)
def _sync_async(d):
    ds = d["recall_updates"]
    sync, asy = ds.sel(update="sync"), ds.sel(update="async")
    cyc_s = int(np.sum(sync.outcome.values == 1))
    cyc_a = int(np.sum(asy.outcome.values == 1))
    n_s, n_a = int(sync.outcome.size), int(asy.outcome.size)
    m_s, m_a = sync.overlap.values.ravel(), asy.overlap.values.ravel()
    diff = float(m_a.mean() - m_s.mean())
    se = float(np.sqrt(m_a.var(ddof=1) / m_a.size + m_s.var(ddof=1) / m_s.size))
    ps, ses = fraction(cyc_s, n_s)
    pa, sea = fraction(cyc_a, n_a)
    oscillates = ps - pa > 2 * math.hypot(ses, sea) or (cyc_a == 0 and cyc_s > 0)
    stronger = diff > -2 * se
    measured = (
        f"cycles: sync {pct(cyc_s, n_s)}, async {pct(cyc_a, n_a)}; mean final overlap "
        f"async - sync = {diff:+.4f} +/- {se:.4f} (N={int(ds.N)}, P={int(ds.P)}, "
        f"noise {float(ds.noise):g})"
    )
    if oscillates and stronger and diff > 2 * se:
        return Result("more cycles sync; higher overlap async", measured, HOLDS)
    if oscillates:
        return Result(
            "more cycles sync; higher overlap async",
            measured,
            CAVEAT,
            "only synchronous updates oscillate (async ones cannot: the energy descends), "
            "but asynchronous recall is not measurably better"
            + (" (here it is worse)" if diff < -2 * se else ""),
        )
    return Result("more cycles sync; higher overlap async", measured, FAILS)


@claim(
    "bigger_is_better",
    REPORT + " 3.2",
    "The more neurons, the better the memory: the number of patterns recalled grows with N",
    "capacity",
)
def _bigger(d):
    ds = d["capacity"]
    m = ds.overlap.sel(noise=ds.noise.values.min())
    good = (m > 0.9).mean("trial")
    P_max = []
    for N in ds.N.values:
        ok = ds.alpha.values[good.sel(N=N).values >= 0.5]
        P_max.append(int(round(ok.max() * N)) if ok.size else 0)
    grows = all(b > a for a, b in zip(P_max, P_max[1:], strict=False))
    measured = ", ".join(f"N={int(N)}: P={p}" for N, p in zip(ds.N.values, P_max, strict=True))
    return Result(
        "P recalled grows with N",
        "largest P with half the cues recalled (m > 0.9): " + measured,
        HOLDS if grows and len(P_max) > 1 else FAILS,
    )
