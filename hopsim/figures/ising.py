"""Figures of the ``ising`` experiment: observables against T for each L, with exact curves.

``ising_observables``: (a) <|m|>, (b) energy per spin, (c) specific heat, (d) susceptibility,
(e) Binder cumulant, each with its error bars. Square lattice at h = 0: Onsager's
magnetization, energy and specific heat and the line T = T_c. Chain: the exact finite-L
values of each L (one line style per L: they often coincide); on the <|m|> panel that is
the exact <|m|> of the ring (from the distribution of the magnetization,
:func:`hopsim.theory.ising.chain_abs_magnetization`), the quantity the simulation
measures, not |<m>|.
``ising_binder``: the Binder cumulant; "cross at T_c" only for the square lattice at
h = 0 (a chain has no transition at T > 0; its exact U4 of each L is drawn, from the ring's
exact magnetization distribution, :func:`hopsim.theory.ising.chain_binder`); the legend sits
under the axes.
``ising_autocorrelation``: the integrated autocorrelation times of |m| and e (the stored
``tau_*``, converted to sweeps) against T per L, and for the square lattice with single-spin
flips their growth with L at T_c against the dynamic exponent z (see
:func:`autocorrelation_figure`).
The chain's susceptibility at h = 0 is the exact ``L (<m^2> - <|m|>^2) / T``
the simulation estimates (:func:`hopsim.theory.ising.chain_abs_susceptibility`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import LINESTYLES, MARKERS, axis_label, colors, legend_below, panel
from hopsim.gallery.plan import Entry
from hopsim.theory import ising as th
from hopsim.theory.ising import chain_abs_magnetization

PANELS = ("abs_magnetization", "energy", "specific_heat", "susceptibility", "binder")
STEMS = ("ising_observables", "ising_binder", "ising_autocorrelation")
#: dynamic exponent of single-spin-flip dynamics of the 2D Ising model at T_c, tau ~ L^z
#: (Nightingale and Bloete 1996, Phys. Rev. Lett. 76, 4548: z = 2.1665 +/- 0.0012)
Z_SINGLE_SPIN = 2.1665
TAU_NAMES = ("tau_abs_magnetization", "tau_energy")
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("L", "temperature")


def _exact_curves(ds: xr.Dataset, name: str, T: np.ndarray) -> list[tuple[str, np.ndarray]]:
    kind, J, h = ds.attrs.get("lattice_kind"), float(ds.J), float(ds.h)
    if kind == "square" and h == 0.0:
        exact = {
            "abs_magnetization": th.square_magnetization(T, J),
            "energy": th.square_energy(T, J),
            "specific_heat": th.square_specific_heat(T, J),
        }
        return [("exact (L = inf)", exact[name])] if name in exact else []
    if kind == "chain":
        exact = _chain_exact(name, J, h)
        if exact is None:
            return []
        return [
            (f"exact L = {int(L)}", np.array([exact(t, int(L)) for t in T])) for L in ds.L.values
        ]
    return []


def _chain_exact(name: str, J: float, h: float):
    """The ring's exact value of what the simulation measures as ``name``, as f(T, L).

    <|m|>, U4 and (at h = 0, where the simulation uses <|m|>) chi come from the exact
    magnetization distribution; the energy, C and chi in a field from the transfer matrix.
    """
    if name == "abs_magnetization":
        return lambda t, L: chain_abs_magnetization(t, L, J, h)
    if name == "binder":
        return lambda t, L: th.chain_binder(t, L, J, h)
    if name == "susceptibility" and h == 0.0:
        return lambda t, L: th.chain_abs_susceptibility(t, L, J, h)
    if name in ("energy", "specific_heat", "susceptibility"):
        return lambda t, L: th.chain_finite(t, L, J, h)[name]
    return None


def _tc(ds: xr.Dataset) -> float | None:
    if ds.attrs.get("lattice_kind") == "square" and float(ds.h) == 0.0:
        return th.square_tc(float(ds.J))
    return None


def _errorbars_per_size(ax, ds: xr.Dataset, name: str, palette) -> None:
    for k, (color, L) in enumerate(zip(palette, ds.L.values, strict=True)):
        sub = ds.sel(L=L)
        ax.errorbar(
            ds.temperature,
            sub[name],
            yerr=sub[f"{name}_err"],
            fmt=MARKERS[k % len(MARKERS)],
            ls="none",
            ms=4,
            capsize=2,
            color=color,
            label=f"L = {int(L)} (simulation)",
        )


def observables_figure(ds: xr.Dataset) -> plt.Figure:
    palette = colors(ds.L.size)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5), constrained_layout=True)
    T = ds.temperature.values
    Tf = np.linspace(T.min(), T.max(), 200 if ds.attrs.get("lattice_kind") == "chain" else 400)
    tc = _tc(ds)
    for letter, ax, name in zip("abcde", axes.flat, PANELS, strict=False):
        _errorbars_per_size(ax, ds, name, palette)
        curves = _exact_curves(ds, name, Tf)
        for k, (label, values) in enumerate(curves):
            color = "k" if len(curves) == 1 else palette[k]
            # the exact values of different L often coincide (energy, C, chi of the chain):
            # one line style per L, so a later curve cannot hide an earlier one
            ls = LINESTYLES[k % len(LINESTYLES)]
            ax.plot(Tf, values, ls=ls, lw=1.2, color=color, label=label, gid="exact")
        if tc is not None:
            ax.axvline(tc, color="0.5", ls=":", lw=1)
        ax.set_xlabel(axis_label(ds.temperature))
        ax.set_ylabel(axis_label(ds[name]))
        panel(ax, letter, axis_label(ds[name]).split(" [")[0], fontsize=10)
    last = axes.flat[-1]
    handles, labels = [], []
    for ax in axes.flat[:5]:
        for hd, lb in zip(*ax.get_legend_handles_labels(), strict=True):
            if lb not in labels:
                handles.append(hd)
                labels.append(lb)
    last.axis("off")
    last.legend(handles, labels, loc="upper left", fontsize=8, frameon=False)
    text = (
        f"{ds.attrs.get('lattice_kind')} lattice, {ds.attrs.get('algorithm')}\n"
        f"J = {float(ds.J):g}, h = {float(ds.h):g}\n"
        f"{ds.attrs.get('sweeps')} sweeps after {ds.attrs.get('thermalize')}"
    )
    if tc is not None:
        text += f"\ndotted: Onsager T_c = {tc:.4f}"
    elif ds.attrs.get("lattice_kind") == "chain":
        text += "\nlines: exact values of the finite ring\n(a) is the exact <|m|>, not |<m>|"
    last.text(0.0, 0.05, text, va="bottom", fontsize=9, transform=last.transAxes)
    return fig


def binder_figure(ds: xr.Dataset) -> plt.Figure:
    palette = colors(ds.L.size)
    fig, ax = plt.subplots(figsize=(5.5, 4.2), constrained_layout=True)
    _errorbars_per_size(ax, ds, "binder", palette)
    T = ds.temperature.values
    Tf = np.linspace(T.min(), T.max(), 200)
    for k, (label, values) in enumerate(_exact_curves(ds, "binder", Tf)):
        ls = LINESTYLES[k % len(LINESTYLES)]
        ax.plot(Tf, values, ls=ls, lw=1.2, color=palette[k], label=label, gid="exact")
    tc = _tc(ds)
    if tc is not None:
        ax.axvline(tc, color="k", ls=":", lw=1, label=f"T_c = {tc:.4f}")
        ax.set_xlim(tc - 0.25, tc + 0.25)
        window = ds.binder.where(abs(ds.temperature - tc) <= 0.25)
        lo, hi = float(window.min()), float(window.max())
        if np.isfinite(lo) and hi > lo:
            pad = 0.1 * (hi - lo)
            ax.set_ylim(lo - pad, hi + pad)
        title = "Binder cumulants of different L cross at T_c"
    elif ds.attrs.get("lattice_kind") == "chain":
        title = "Binder cumulant (1D chain: no transition at T > 0)"
    else:
        title = f"Binder cumulant at h = {float(ds.h):g} (field: no sharp crossing)"
    ax.set_xlabel(axis_label(ds.temperature))
    ax.set_ylabel(axis_label(ds.binder))
    legend_below(ax, ncol=2)  # under the axes: it can cover no error bar
    ax.set_title(title, fontsize=10)
    return fig


def tau_sweeps(ds: xr.Dataset, name: str) -> xr.DataArray:
    """An integrated autocorrelation time in sweeps (the dataset stores it in measurements,
    one every ``interval`` sweeps)."""
    return ds[name] * int(ds.attrs.get("interval", 1))


def autocorrelation_figure(ds: xr.Dataset) -> plt.Figure:
    """(a), (b) the integrated autocorrelation times of |m| and e against T, one marker and
    colour per L, log scale, in sweeps; the dotted line is where fewer than 50 independent
    measurements remain (tau = sweeps / 100). (c), square lattice with single-spin flips at
    h = 0 and two sizes or more: tau at the temperature nearest T_c against L, with the slope
    of L^z (z = 2.1665, Nightingale and Bloete 1996) drawn through the largest L."""
    palette = colors(ds.L.size)
    tc = _tc(ds)
    scaling = tc is not None and ds.L.size >= 2 and ds.attrs.get("algorithm") != "wolff"
    fig, axes = plt.subplots(
        1, 3 if scaling else 2, figsize=(15 if scaling else 10.5, 4.4), constrained_layout=True
    )
    sweeps = int(ds.attrs.get("sweeps", 0))
    for letter, ax, name in zip("ab", axes, TAU_NAMES, strict=False):
        what = "|m|" if name == "tau_abs_magnetization" else "e"
        for k, (colour, L) in enumerate(zip(palette, ds.L.values, strict=True)):
            ax.plot(
                ds.temperature.values,
                tau_sweeps(ds, name).sel(L=L).values,
                marker=MARKERS[k % len(MARKERS)],
                ms=4,
                lw=1,
                color=colour,
                label=f"L = {int(L)}",
                gid=f"{name}:{int(L)}",
            )
        if sweeps:
            few = sweeps / 100
            ax.axhline(few, color="0.4", ls=":", lw=1, gid="few_samples")
            ax.text(
                float(ds.temperature.values.max()),
                few * 1.15,
                "above: fewer than 50 independent measurements",
                fontsize=8,
                color="0.3",
                ha="right",
                bbox={"fc": "white", "ec": "none", "pad": 1},
                gid="few_samples_text",
            )
        if tc is not None:
            ax.axvline(tc, color="0.5", ls="--", lw=1, label=f"T_c = {tc:.4f}")
        ax.set_yscale("log")
        values = tau_sweeps(ds, name).values
        values = values[np.isfinite(values) & (values > 0)]
        low = float(values.min()) / 1.5 if values.size else 0.1
        high = max(float(values.max()) if values.size else 1.0, sweeps / 100 if sweeps else 1.0)
        ax.set_ylim(low, high * 2.5)
        ax.set_xlabel(axis_label(ds.temperature))
        ax.set_ylabel(f"integrated autocorrelation time of {what} [sweeps]")
        panel(ax, letter, f"autocorrelation time of {what}", fontsize=10)
        legend_below(ax, ncol=4)
    if scaling:
        _tau_scaling(axes[2], ds, tc, palette)
    fig.suptitle(
        f"{ds.attrs.get('lattice_kind')} lattice, {ds.attrs.get('algorithm')}, J = "
        f"{float(ds.J):g}, h = {float(ds.h):g}: {sweeps} sweeps measured every "
        f"{int(ds.attrs.get('interval', 1))} after {ds.attrs.get('thermalize')}",
        fontsize=10,
    )
    return fig


def _tau_scaling(ax, ds: xr.Dataset, tc: float, palette) -> None:
    """(c): tau at the temperature nearest T_c against L, log-log, with the L^z slope."""
    T = float(ds.temperature.values[np.argmin(np.abs(ds.temperature.values - tc))])
    L = ds.L.values.astype(float)
    for k, (name, what) in enumerate(zip(TAU_NAMES, ("|m|", "e"), strict=True)):
        tau = tau_sweeps(ds, name).sel(temperature=T).values
        ax.loglog(
            L,
            tau,
            MARKERS[k],
            ms=6,
            color="k",
            mfc="k" if k == 0 else "none",
            ls="none",
            label=f"tau of {what}",
            gid=f"scaling:{name}",
        )
        guide = tau[-1] * (L / L[-1]) ** Z_SINGLE_SPIN
        ax.loglog(
            L,
            guide,
            color="0.5",
            ls="--" if k == 0 else ":",
            lw=1,
            label=(
                f"slope z = {Z_SINGLE_SPIN:g} (Nightingale and Bloete 1996) through L = "
                f"{int(L[-1])}"
                if k == 0
                else None
            ),
            gid=f"guide:{name}",
        )
    ax.set_xticks(L, [str(int(x)) for x in L])
    ax.minorticks_off()
    ax.set_xlabel("linear size L")
    ax.set_ylabel("integrated autocorrelation time [sweeps]")
    panel(ax, "c", f"at T = {T:g} (nearest T_c): tau ~ L^z", fontsize=10)
    legend_below(ax, ncol=2)


def figure(ds: xr.Dataset, kind: str = "observables", **_) -> plt.Figure:
    if kind == "binder":
        return binder_figure(ds)
    if kind == "autocorrelation":
        return autocorrelation_figure(ds)
    return observables_figure(ds)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {
        "ising_observables": observables_figure(ds),
        "ising_binder": binder_figure(ds),
        "ising_autocorrelation": autocorrelation_figure(ds),
    }


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 70
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "ising",
        title="Square-lattice Ising model",
        why="Metropolis Monte Carlo of the 2D Ising model against Onsager's exact solution.",
        overrides=("experiment=ising",),
    ),
    Entry(
        "ising_chain",
        title="Ising chain in a field",
        why="The 1D chain, which has an exact solution at every size (transfer matrix) and no "
        "phase transition.",
        overrides=(
            "experiment=ising",
            "lattice.kind=chain",
            "lattice.L=[16,64]",
            "lattice.h=0.2",
            "mc.temperatures=[0.5,1,1.5,2,3]",
        ),
        quick=(
            "experiment=ising",
            "lattice.kind=chain",
            "lattice.L=[16,64]",
            "lattice.h=0.2",
            "mc.temperatures=[0.5,1,1.5,2,3]",
            "mc.sweeps=4000",
            "mc.thermalize=400",
            "mc.blocks=10",
        ),
    ),
)
