"""The Ising twin: Binder crossing, Onsager, the chain, the melting of retrieval."""

from __future__ import annotations

import numpy as np

from hopsim.gallery.claims._base import (
    CAVEAT,
    FAILS,
    HOLDS,
    UNCHECKED,
    Result,
    agreement,
    agreement_note,
    all_of,
    claim,
)


def _binder_crossing(ds):
    """T where U4 of the two largest sizes cross, with its error; None if they do not."""
    Ls = np.sort(ds.L.values)[-2:]
    T = ds.temperature.values
    u1, u2 = ds.binder.sel(L=Ls[0]).values, ds.binder.sel(L=Ls[1]).values
    e1, e2 = ds.binder_err.sel(L=Ls[0]).values, ds.binder_err.sel(L=Ls[1]).values
    diff = u2 - u1
    for i in range(len(T) - 1):
        if diff[i] > 0 >= diff[i + 1]:
            t = T[i] + (T[i + 1] - T[i]) * diff[i] / (diff[i] - diff[i + 1])
            slope = abs(diff[i] - diff[i + 1]) / (T[i + 1] - T[i])
            err = float(np.hypot(np.hypot(e1[i], e2[i]), np.hypot(e1[i + 1], e2[i + 1])))
            return float(t), err / slope, (int(Ls[0]), int(Ls[1]))
    return None


@claim(
    "onsager_tc",
    "theory (Onsager 1944)",
    "The square-lattice Ising model orders at T_c = 2 / ln(1 + sqrt 2) = 2.2692 J",
    "ising",
)
def _tc(d):
    from hopsim.theory.ising import square_tc

    ds = d["ising"]
    tc = square_tc(float(ds.J))
    found = _binder_crossing(ds)
    if found is None:
        return Result(f"{tc:.4f}", "the Binder cumulants do not cross", FAILS)
    t, err, (a, b) = found
    measured = f"Binder crossing of L = {a} and {b}: T = {t:.3f} +/- {err:.3f}"
    z = (t - tc) / max(err, 1e-3)
    why = "the crossing of small lattices is shifted by corrections to scaling"
    return Result(f"{tc:.4f}", measured, agreement(z), agreement_note(z, why=why))


def _z_table(sim, err, exact):
    z = (sim - exact) / np.maximum(err, 1e-12)
    return z, int(np.argmax(np.abs(z)))


@claim(
    "onsager_curves",
    "theory (Onsager 1944, Yang 1952)",
    "Away from T_c the energy per spin and the spontaneous magnetization equal the exact "
    "infinite-lattice values",
    "ising",
)
def _onsager(d):
    from hopsim.theory.ising import square_energy, square_magnetization, square_tc

    ds = d["ising"]
    L = int(ds.L.values.max())
    big = ds.sel(L=L)
    T = big.temperature.values
    tc = square_tc(float(ds.J))
    away = np.abs(T - tc) >= 0.15  # finite-size effects at L >= 16 are below the errors here
    parts, worst = [], 0.0
    for name, err, exact in (
        ("energy", "energy_err", square_energy(T[away], float(ds.J))),
        ("abs_magnetization", "abs_magnetization_err", square_magnetization(T[away], float(ds.J))),
    ):
        sim, e = big[name].values[away], big[err].values[away]
        keep = (T[away] < tc) if name == "abs_magnetization" else np.ones_like(sim, bool)
        z, i = _z_table(sim[keep], e[keep], exact[keep])
        worst = max(worst, abs(float(z[i])))
        parts.append(
            f"{name.replace('abs_', '|')}{'|' if 'abs' in name else ''}: largest deviation "
            f"{sim[keep][i] - exact[keep][i]:+.4f} ({z[i]:+.1f} sigma) at T = {T[away][keep][i]:g}"
        )
    return Result(
        "exact E(T), M(T)",
        f"L = {L}, {int(away.sum())} temperatures with |T - T_c| >= 0.15: " + "; ".join(parts),
        agreement(worst, 3.0, 5.0),
        agreement_note(worst, 3.0, 5.0, "finite-size or autocorrelation effects"),
    )


@claim(
    "chain_exact",
    "theory (1D Ising, transfer matrix)",
    "The periodic chain in a field has no transition; <|m|> and the energy equal the exact "
    "finite-chain values at every L and T",
    "ising_chain",
)
def _chain(d):
    from hopsim.theory.ising import chain_abs_magnetization, chain_finite

    ds = d["ising_chain"]
    J, h = float(ds.J), float(ds.h)
    zs = []
    for L in ds.L.values:
        for T in ds.temperature.values:
            c = ds.sel(L=L, temperature=T)
            exact_m = chain_abs_magnetization(float(T), int(L), J, h)
            exact_e = chain_finite(float(T), int(L), J, h)["energy"]
            err_m = max(float(c.abs_magnetization_err), 1e-12)
            zs.append(float((c.abs_magnetization - exact_m) / err_m))
            zs.append(float((c.energy - exact_e) / max(float(c.energy_err), 1e-12)))
    zs = np.array(zs)
    measured = (
        f"{len(zs)} values (L = {', '.join(str(int(x)) for x in ds.L.values)}; h = {h:g}): "
        f"largest deviation {np.abs(zs).max():.1f} sigma, "
        f"{np.mean(np.abs(zs) <= 2):.0%} within 2 sigma"
    )
    z = float(np.abs(zs).max())
    return Result("exact <|m|>, E", measured, agreement(z, 3.0, 5.0), agreement_note(z, 3.0, 5.0))


@claim(
    "ags_melting",
    "theory (Amit, Gutfreund and Sompolinsky 1987)",
    "At load alpha the retrieval state melts at the AGS temperature T_M(alpha)",
    "hopfield_temperature",
)
def _melting(d):
    from hopsim.theory.ising import ags_temperature

    ds = d["hopfield_temperature"]
    N = ds.N.values.max()
    m = ds.overlap.sel(N=N).mean("trial")
    T = ds.temperature.values
    parts, verdicts = [], []
    for alpha in ds.alpha.values:
        tm = ags_temperature(float(alpha))
        if tm <= 0:
            continue  # above alpha_c(0): no retrieval state to melt
        row = m.sel(alpha=alpha).values
        below = np.nonzero(row < 0.5)[0]
        if below.size == 0:
            parts.append(f"alpha={alpha:g}: m > 1/2 up to T={T[-1]:g} (AGS {tm:.2f})")
            verdicts.append(FAILS if T[-1] > tm + 0.2 else CAVEAT)
            continue
        k = int(below[0])
        lo, hi = (T[k - 1] if k > 0 else 0.0), T[k]
        step = hi - lo
        parts.append(f"alpha={alpha:g}: {lo:g} < T_M <= {hi:g} (AGS {tm:.2f})")
        if lo - 1e-9 <= tm <= hi + 1e-9:
            verdicts.append(HOLDS)
        elif lo - step - 1e-9 <= tm <= hi + step + 1e-9:
            verdicts.append(CAVEAT)
        else:
            verdicts.append(FAILS)
    if not verdicts:
        return Result("T_M(alpha)", "no load below alpha_c", UNCHECKED)
    verdict = all_of(*verdicts)
    note = (
        f"N = {int(N)}: finite-size and finite-time shifts of about one temperature step"
        if verdict == CAVEAT
        else ""
    )
    return Result("T_M(alpha) (AGS)", "; ".join(parts), verdict, note)
