"""Figures of the ``ising`` experiment: observables against T for each L, with exact curves.

Usage: ``python analysis/ising.py [RUN_DIR_OR_RESULT_NC]`` (default: newest runs/ising).
Writes ``ising_observables.png/.pdf`` (|m|, energy, specific heat, susceptibility,
Binder cumulant, each with its error bars) and ``ising_binder.png/.pdf`` next to the
dataset. Square lattice at h = 0: Onsager's magnetization, energy and specific heat and
the line T = T_c. Chain: the exact finite-L transfer-matrix values of each L.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
import xarray as xr

from hopsim.plotting import axis_label, open_from_cli, report, save_figure
from hopsim.theory import ising as th

PANELS = ("abs_magnetization", "energy", "specific_heat", "susceptibility", "binder")


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
        key = "magnetization" if name == "abs_magnetization" else name
        if key not in ("magnetization", "energy", "specific_heat", "susceptibility"):
            return []
        if name == "abs_magnetization" and h == 0.0:
            return []
        if name == "susceptibility" and h == 0.0:
            return []  # the |m| estimator has no simple closed form
        curves = []
        for L in ds.L.values:
            vals = np.array([th.chain_finite(t, int(L), J, h)[key] for t in T])
            curves.append((f"exact L = {int(L)}", np.abs(vals) if key != name else vals))
        return curves
    return []


def _tc(ds: xr.Dataset) -> float | None:
    if ds.attrs.get("lattice_kind") == "square" and float(ds.h) == 0.0:
        return th.square_tc(float(ds.J))
    return None


def _errorbars_per_size(ax, ds: xr.Dataset, name: str, palette) -> None:
    """One errorbar line of ``name`` (with ``name_err``) against T per lattice size L."""
    for color, L in zip(palette, ds.L.values, strict=True):
        sub = ds.sel(L=L)
        ax.errorbar(
            ds.temperature,
            sub[name],
            yerr=sub[f"{name}_err"],
            fmt="o-",
            ms=3,
            lw=0.8,
            capsize=2,
            color=color,
            label=f"L = {int(L)}",
        )


def plot_observables(ds: xr.Dataset):
    sns.set_theme(style="ticks", context="paper")
    palette = sns.color_palette("viridis", ds.L.size)
    fig, axes = plt.subplots(2, 3, figsize=(12, 7), constrained_layout=True)
    T = ds.temperature.values
    Tf = np.linspace(T.min(), T.max(), 400)
    tc = _tc(ds)
    for ax, name in zip(axes.flat, PANELS, strict=False):
        _errorbars_per_size(ax, ds, name, palette)
        for k, (label, values) in enumerate(_exact_curves(ds, name, Tf)):
            style = "k-" if len(_exact_curves(ds, name, Tf[:1])) == 1 else "--"
            ax.plot(
                Tf,
                values,
                style,
                lw=1.2,
                label=label,
                **({} if style == "k-" else {"color": palette[k]}),
            )
        if tc is not None:
            ax.axvline(tc, color="0.5", ls=":", lw=1)
        ax.set_xlabel(axis_label(ds.temperature))
        ax.set_ylabel(axis_label(ds[name]))
    axes.flat[0].legend(fontsize=7)
    last = axes.flat[-1]
    last.axis("off")
    text = (
        f"{ds.attrs.get('lattice_kind')} lattice, {ds.attrs.get('algorithm')}\n"
        f"J = {float(ds.J):g}, h = {float(ds.h):g}\n"
        f"{ds.attrs.get('sweeps')} sweeps after {ds.attrs.get('thermalize')}"
    )
    if tc is not None:
        text += f"\ndotted: Onsager T_c = {tc:.4f}"
    last.text(0.05, 0.5, text, va="center", fontsize=10)
    return fig


def plot_binder(ds: xr.Dataset):
    sns.set_theme(style="ticks", context="paper")
    palette = sns.color_palette("viridis", ds.L.size)
    fig, ax = plt.subplots(figsize=(5, 4), constrained_layout=True)
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
    ax.set_xlabel(axis_label(ds.temperature))
    ax.set_ylabel(axis_label(ds.binder))
    ax.legend(fontsize=8)
    ax.set_title("Binder cumulants cross at T_c")
    return fig


def main(argv: list[str] | None = None) -> list:
    """Draw the figures for one dataset; return the written paths."""
    ds, out_dir = open_from_cli("ising", __doc__.splitlines()[0], argv)
    paths = save_figure(plot_observables(ds), out_dir, "ising_observables")
    paths += save_figure(plot_binder(ds), out_dir, "ising_binder")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
