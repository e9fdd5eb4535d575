"""Figures of the ``ising`` experiment: observables against T for each L, with exact curves.

``ising_observables``: (a) <|m|>, (b) energy per spin, (c) specific heat, (d) susceptibility,
(e) Binder cumulant, each with its error bars. Square lattice at h = 0: Onsager's
magnetization, energy and specific heat and the line T = T_c. Chain: the exact finite-L
values of each L (one line style per L: they often coincide); on the <|m|> panel that is
the exact <|m|> of the ring (from the distribution of the magnetization,
:func:`hopsim.theory.ising.chain_abs_magnetization`), the quantity the simulation
measures, not |<m>|.
``ising_binder``: the Binder cumulant; "cross at T_c" only for the square lattice at
h = 0 (a chain has no transition at T > 0); the legend sits under the axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import LINESTYLES, MARKERS, axis_label, colors, legend_below, panel
from hopsim.theory import ising as th
from hopsim.theory.ising import chain_abs_magnetization  # noqa: F401 (also used as fig.chain_...)

PANELS = ("abs_magnetization", "energy", "specific_heat", "susceptibility", "binder")
STEMS = ("ising_observables", "ising_binder")
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
        curves = []
        for L in ds.L.values:
            if name == "abs_magnetization":
                vals = np.array([chain_abs_magnetization(t, int(L), J, h) for t in T])
            elif name in ("energy", "specific_heat") or (name == "susceptibility" and h != 0.0):
                vals = np.array([th.chain_finite(t, int(L), J, h)[name] for t in T])
            else:
                return []  # chi at h = 0 uses <|m|>: no simple closed form
            curves.append((f"exact L = {int(L)}", vals))
        return curves
    return []


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


def figure(ds: xr.Dataset, kind: str = "observables", **_) -> plt.Figure:
    if kind == "binder":
        return binder_figure(ds)
    return observables_figure(ds)


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    return {"ising_observables": observables_figure(ds), "ising_binder": binder_figure(ds)}
