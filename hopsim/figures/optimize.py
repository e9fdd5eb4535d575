"""Figures of the ``optimize`` experiment.

Ising kinds (sk, maxcut, gset):

``optimize_energy``
    energy against time: the residual energy per spin of the best state so far,
    ``(E(t) - E_best) / N``, against the sweeps of the largest budget, one panel per solver,
    one line per N (mean over instances and reads; a zero residual, every read at the lowest
    known energy, is drawn at the bottom edge and marked);
``optimize_success``
    success probability (a read ends on the exact ground state) against the budget, one
    panel per solver, one line per N with an exact answer (mean over instances, 95%
    interval); and the time to solution with 99% confidence at each budget;
``optimize_residual``
    residual energy per spin of each solver at the largest budget against N; for SK also
    the lowest energy per spin against N with the fit ``e_inf + a N^(-omega)`` and Parisi's
    -0.7632, and the change of the energy when the budget grows (the evidence that the
    budget suffices).

TSP: ``optimize_tsp`` (valid-tour fraction and length of the valid tours over the Held-Karp
optimum per solver and parameter set, with a random tour's mean length) and
``optimize_tours`` (the cities of the first instance, the optimal tour and the best tour of
each solver and parameter set).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from hopsim.figures._common import (
    LINESTYLES,
    MARKERS,
    FigureError,
    axis_label,
    colors,
    legend_below,
    mean_ci,
    panel,
    plain_ticks,
)
from hopsim.gallery.plan import Entry
from hopsim.optimize import analysis

#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = (
    "N", "instance", "solver", "sweeps", "read", "trace_sweep", "spin", "parameter_set",
    "position", "city", "axis",
)  # fmt: skip
LETTERS = "abcdefghij"


def _log_sizes(ax) -> None:
    """Log x axis of sizes, major ticks as plain numbers, minor ticks unlabelled."""
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    plain_ticks(ax.xaxis)
    ax.xaxis.set_minor_formatter(NullFormatter())


def _size_colors(sizes) -> list:
    """Okabe-Ito for up to 7 sizes, else an ordered colormap (the colorbar names N)."""
    if len(sizes) <= 7:
        return colors(len(sizes))
    cmap = plt.get_cmap("viridis")
    return [cmap(x) for x in np.linspace(0.0, 0.9, len(sizes))]


def _size_legend(fig, axes, sizes, palette, title="N", styled=False) -> None:
    """One legend entry per size (or a colorbar beyond 7); ``styled``: the line styles and
    markers the lines of size k carry (so that coinciding lines stay told apart)."""
    if len(sizes) <= 7:
        handles = [
            plt.Line2D(
                [],
                [],
                color=c,
                ms=4,
                ls=LINESTYLES[k % len(LINESTYLES)] if styled else "-",
                marker=MARKERS[k % len(MARKERS)] if styled else "o",
            )
            for k, c in enumerate(palette)
        ]
        fig.legend(
            handles,
            [f"{title} = {int(n)}" for n in sizes],
            loc="outside lower center",
            ncol=min(7, len(sizes)),
            frameon=False,
            fontsize=8,
        )
    else:
        sm = plt.cm.ScalarMappable(cmap="viridis", norm=plt.Normalize(0, 1 / 0.9))
        bar = fig.colorbar(sm, ax=axes, shrink=0.8, pad=0.01)
        ticks = np.linspace(0, 1, len(sizes))
        bar.set_ticks(ticks[:: max(1, len(sizes) // 7)])
        bar.set_ticklabels([str(int(n)) for n in sizes][:: max(1, len(sizes) // 7)])
        bar.set_label(title)


# --------------------------------------------------------------------------- Ising kinds


def residual_trace(ds: xr.Dataset) -> xr.DataArray:
    """``(E(t) - E_best) / N`` of the best state so far, mean over instances and reads."""
    r = (ds.trace - ds.best_energy) / ds.N
    return r.mean(("instance", "read"))


def energy_figure(ds: xr.Dataset) -> plt.Figure:
    solvers = list(ds.solver.values)
    sizes = ds.N.values
    palette = _size_colors(sizes)
    fig, axes = plt.subplots(
        1,
        len(solvers),
        figsize=(4.2 * len(solvers), 3.8),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    res = residual_trace(ds)
    t = ds.trace_sweep.values
    positive = res.values[res.values > 0]
    floor = positive.min() / 3 if positive.size else 1e-6
    for letter, ax, solver in zip(LETTERS, axes[0], solvers, strict=False):
        for color, N in zip(palette, sizes, strict=True):
            y = res.sel(solver=solver, N=N).values
            ax.plot(t, np.where(y > 0, y, floor), color=color, lw=1.3, gid=f"residual-{N}")
            zero = y <= 0
            if zero.any():
                ax.plot(
                    t[zero],
                    np.full(zero.sum(), floor),
                    ls="none",
                    marker="v",
                    ms=4,
                    color=color,
                    gid=f"solved-{N}",
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(axis_label(ds.trace_sweep))
        panel(ax, letter, str(solver), fontsize=10)
    axes[0, 0].set_ylabel("residual energy per spin (E - E_best)/N [J]")
    fig.suptitle(
        f"Best energy so far against sweeps ({ds.attrs['problem_kind']}, budget "
        f"{int(ds.sweeps.max())}, {ds.read.size} reads x {ds.instance.size} instances);\n"
        "triangles: every read at the lowest known energy E_best",
        fontsize=9,
    )
    _size_legend(fig, axes, sizes, palette)
    return fig


def success_figure(ds: xr.Dataset) -> plt.Figure:
    p = analysis.success_probability(ds)
    exact = [N for N in ds.N.values if np.isfinite(ds.ground_energy.sel(N=N)).all()]
    solvers = list(ds.solver.values)
    fig, axes = plt.subplots(
        2,
        len(solvers),
        figsize=(max(4.2 * len(solvers), 7.0), 6.8),
        squeeze=False,
        sharex=True,
        layout="constrained",
    )
    if not exact:
        for ax in axes.flat:
            ax.text(
                0.5,
                0.5,
                f"no exact ground states (every N > {ds.attrs['exact_max']})",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
        return fig
    palette = _size_colors(exact)
    budgets = ds.sweeps.values
    for c, solver in enumerate(solvers):
        top, bottom = axes[0, c], axes[1, c]
        for k, (color, N) in enumerate(zip(palette, exact, strict=True)):
            style = dict(
                color=color,
                ls=LINESTYLES[k % len(LINESTYLES)],
                marker=MARKERS[k % len(MARKERS)],
                ms=4,
            )
            values = p.sel(solver=solver, N=N).values  # (instance, sweeps)
            mean, half, _ = mean_ci(values, axis=0)
            top.errorbar(
                budgets,
                mean,
                yerr=half,
                capsize=2,
                **style,
                gid=f"success-{N}",
            )
            tts = analysis.time_to_solution(mean, budgets)
            bottom.plot(
                budgets,
                np.where(np.isfinite(tts), tts, np.nan),
                **style,
                gid=f"tts-{N}",
            )
        top.set_ylim(-0.03, 1.03)
        top.set_xscale("log")
        bottom.set_xscale("log")
        bottom.set_yscale("log")
        bottom.set_xlabel(axis_label(ds.sweeps))
        panel(top, LETTERS[c], f"{solver}: success probability", fontsize=10)
        panel(bottom, LETTERS[len(solvers) + c], f"{solver}: time to solution (99%)", fontsize=10)
    axes[0, 0].set_ylabel("P(read ends on the ground state)")
    axes[1, 0].set_ylabel("sweeps x repetitions for 99% [sweeps]")
    fig.suptitle(
        "Against the exact ground state (Gray-code enumeration);\nbars: 95% interval over "
        f"{ds.instance.size} instances; TTS missing where no read succeeded",
        fontsize=9,
    )
    _size_legend(fig, axes, exact, palette, styled=True)
    return fig


def residual_figure(ds: xr.Dataset) -> plt.Figure:
    sk = ds.attrs.get("problem_kind") == "sk" and ds.N.size >= 4
    ncols = 3 if sk else 1
    fig, axes = plt.subplots(
        1, ncols, figsize=(4.6 * ncols, 4.0), squeeze=False, layout="constrained"
    )
    _solver_residuals(axes[0, 0], ds)
    if sk:
        _parisi_panel(axes[0, 1], ds)
        _budget_panel(axes[0, 2], ds)
    return fig


def _solver_residuals(ax, ds: xr.Dataset) -> None:
    """Residual of each solver's best read against the lowest known energy, per budget."""
    sizes = ds.N.values
    palette = colors(ds.solver.size)
    budgets = np.sort(ds.sweeps.values)[-len(LINESTYLES) :]
    for k, (color, solver) in enumerate(zip(palette, ds.solver.values, strict=True)):
        for style, budget in zip(LINESTYLES, budgets[::-1], strict=False):
            e = analysis.energy_estimates(ds, str(solver), int(budget))
            r = (e - ds.best_energy / ds.N).values  # (N, instance)
            mean, half, _ = mean_ci(r, axis=1)
            ax.errorbar(
                sizes,
                mean,
                yerr=half,
                marker=MARKERS[k],
                ms=4,
                capsize=2,
                ls=style,
                color=color,
                label=f"{solver}, {int(budget)} sweeps",
                gid=f"residual-{solver}-{int(budget)}",
            )
    ax.axhline(0.0, color="0.5", lw=0.8)
    _log_sizes(ax)
    ax.set_xlabel(axis_label(ds.N))
    ax.set_ylabel("residual energy per spin [J]")
    panel(ax, "a", f"best of {ds.read.size} reads - lowest known (mean, 95%)", fontsize=9)
    legend_below(ax, ncol=2)


def _parisi_panel(ax, ds: xr.Dataset) -> None:
    table, fit = analysis.parisi(ds)
    ax.errorbar(
        table.N,
        table.energy,
        yerr=table.error,
        fmt="o",
        ms=4,
        capsize=2,
        color="#0072B2",
        label="lowest energy found (mean over instances)",
        gid="parisi",
    )
    ax.axhline(analysis.PARISI_ENERGY, color="k", ls=":", lw=1, label="Parisi -0.7632")
    if fit is not None:
        grid = np.geomspace(table.N.min(), table.N.max() * 4, 200)
        ax.plot(
            grid,
            fit.curve(grid),
            color="#D55E00",
            lw=1.2,
            gid="parisi-fit",
            label=(
                f"fit: e_inf = {fit.e_inf:.4f} +/- {fit.e_inf_err:.4f}, "
                f"omega = {fit.omega:.2f} +/- {fit.omega_err:.2f}, chi2/dof = {fit.chi2_dof:.2f}"
            ),
        )
    _log_sizes(ax)
    ax.set_xlabel(axis_label(ds.N))
    ax.set_ylabel("ground-state energy per spin [J]")
    panel(ax, "b", "SK: e_N = e_inf + a N^-omega", fontsize=9)
    legend_below(ax, ncol=1)


def _budget_panel(ax, ds: xr.Dataset) -> None:
    solver = "anneal" if "anneal" in ds.solver.values else str(ds.solver.values[0])
    change = analysis.budget_change(ds, solver)
    if change.empty:
        ax.text(0.5, 0.5, "one budget: no comparison", ha="center", transform=ax.transAxes)
    else:
        ax.errorbar(
            change.N,
            change.change,
            yerr=change.error,
            fmt="s",
            ms=4,
            capsize=2,
            color="#009E73",
            gid="budget-change",
            label=f"{solver}: e({change['to'].iloc[0]}) - e({change['from'].iloc[0]})",
        )
        ax.axhline(0.0, color="k", lw=0.8)
        legend_below(ax, ncol=1)
    _log_sizes(ax)
    ax.set_xlabel(axis_label(ds.N))
    ax.set_ylabel("change of the energy per spin [J]")
    panel(ax, "c", "larger budget: lower energy?", fontsize=9)


# --------------------------------------------------------------------------- TSP


def tsp_figure(ds: xr.Dataset) -> plt.Figure:
    top = int(ds.sweeps.max())
    table = analysis.tsp_table(ds.sel(sweeps=top))
    sizes = sorted(set(table.N))
    fig, axes = plt.subplots(
        len(sizes), 2, figsize=(10, 3.6 * len(sizes)), squeeze=False, layout="constrained"
    )
    sets = list(ds.parameter_set.values)
    palette = colors(len(sets))
    solvers = list(ds.solver.values)
    x = np.arange(len(solvers))
    width = 0.8 / len(sets)
    for row, N in enumerate(sizes):
        left, right = axes[row]
        for q, (color, ps) in enumerate(zip(palette, sets, strict=True)):
            sub = table[(table.N == N) & (table.parameter_set == ps)].set_index("solver")
            sub = sub.loc[solvers]
            offset = x - 0.4 + width * (q + 0.5)
            left.bar(
                offset,
                sub.valid_fraction,
                width,
                yerr=sub.valid_error,
                color=color,
                capsize=2,
                label=str(ps),
                gid=f"valid-{ps}",
            )
            right.bar(
                offset,
                sub.length_ratio,
                width,
                yerr=sub.ratio_error,
                color=color,
                capsize=2,
                label=str(ps),
                gid=f"ratio-{ps}",
            )
        random_ratio = float(table[table.N == N].random_ratio.iloc[0])
        right.axhline(
            random_ratio,
            color="k",
            ls=":",
            lw=1,
            label=f"random tour ({random_ratio:.2f})",
            gid="random-ratio",
        )
        right.axhline(1.0, color="0.5", lw=0.8)
        for ax in (left, right):
            ax.set_xticks(x, solvers, fontsize=8)
        left.set_ylim(0, 1.05)
        left.set_ylabel("fraction of reads on a valid tour")
        right.set_ylabel("length / optimal length")
        panel(left, LETTERS[2 * row], f"n = {N} cities: valid tours", fontsize=10)
        panel(right, LETTERS[2 * row + 1], f"n = {N}: valid tours' length", fontsize=10)
        legend_below(right, ncol=3)
    fig.suptitle(
        f"Hopfield-Tank TSP at {top} sweeps / Euler steps: {ds.instance.size} instances x "
        f"{ds.read.size} reads; optimum by Held-Karp; bars: one standard error",
        fontsize=9,
    )
    return fig


def tours_figure(ds: xr.Dataset) -> plt.Figure:
    N = int(ds.N.values[0])
    k = ds.instance.values[0]
    sub = ds.sel(N=N, instance=k)
    xy = sub.cities.values[:N]
    sets, solvers = list(ds.parameter_set.values), list(ds.solver.values)
    ncols = 1 + len(solvers)
    fig, axes = plt.subplots(
        len(sets),
        ncols,
        figsize=(2.6 * ncols, 2.7 * len(sets)),
        squeeze=False,
        layout="constrained",
    )
    optimal = sub.optimal_tour.values[:N]
    L_opt = float(sub.optimal_length)
    for q, ps in enumerate(sets):
        _draw_tour(axes[q, 0], xy, optimal, "k", f"optimal: {L_opt:.3f}", gid="optimal-tour")
        for c, solver in enumerate(solvers):
            tour = sub.best_tour.sel(parameter_set=ps, solver=solver).values[:N]
            ax = axes[q, c + 1]
            if tour[0] < 0:
                ax.scatter(xy[:, 0], xy[:, 1], s=12, color="k")
                ax.set_title(f"{ps}\n{solver}: no valid tour", fontsize=8)
                ax.set_aspect("equal")
                ax.set_xticks([])
                ax.set_yticks([])
                continue
            length = float(np.sum(np.linalg.norm(xy[tour] - xy[np.roll(tour, -1)], axis=1)))
            _draw_tour(
                ax,
                xy,
                tour,
                colors(ncols)[c + 1 if c + 1 < 7 else 0],
                f"{ps}\n{solver}: {length:.3f} (x{length / L_opt:.3f})",
                gid=f"tour-{ps}-{solver}",
            )
    fig.suptitle(
        f"Best valid tours, instance {int(k)}, n = {N} (length in unit-square units)", fontsize=9
    )
    return fig


def _draw_tour(ax, xy, tour, color, title, gid) -> None:
    closed = np.append(tour, tour[0])
    ax.plot(xy[closed, 0], xy[closed, 1], color=color, lw=1.3, marker="o", ms=4, gid=gid)
    ax.set_title(title, fontsize=8)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


# --------------------------------------------------------------------------- entry points


def figures(ds: xr.Dataset, **_) -> dict[str, plt.Figure]:
    """Every figure of an optimize dataset, keyed by file stem."""
    if ds.attrs.get("problem_kind") == "tsp":
        return {"optimize_tsp": tsp_figure(ds), "optimize_tours": tours_figure(ds)}
    return {
        "optimize_energy": energy_figure(ds),
        "optimize_success": success_figure(ds),
        "optimize_residual": residual_figure(ds),
    }


def figure(ds: xr.Dataset, kind: str | None = None, **_) -> plt.Figure:
    """The main figure (``kind``: energy, success, residual, tsp, tours)."""
    if ds.attrs.get("problem_kind") == "tsp":
        kind = kind or "tsp"
    kind = kind or "success"
    makers = {
        "energy": energy_figure,
        "success": success_figure,
        "residual": residual_figure,
        "tsp": tsp_figure,
        "tours": tours_figure,
    }
    if kind not in makers:
        raise FigureError(f"kind={kind!r}: expected one of {', '.join(makers)}")
    return makers[kind](ds)


def tables(ds: xr.Dataset, **_) -> dict:
    """CSV tables: the TSP table, or the Parisi fit and the size means (SK)."""
    import pandas as pd

    if ds.attrs.get("problem_kind") == "tsp":
        return {"optimize_tsp.csv": analysis.tsp_table(ds.sel(sweeps=int(ds.sweeps.max())))}
    out = {"optimize_sizes.csv": analysis.size_means(ds)}
    if ds.attrs.get("problem_kind") == "sk" and ds.N.size >= 4:
        _, fit = analysis.parisi(ds)
        if fit is None:
            return out
        out["optimize_parisi_fit.csv"] = pd.DataFrame(
            [{**fit.__dict__, "chi2_dof": fit.chi2_dof, "sizes": " ".join(map(str, fit.sizes))}]
        )
    return out


__all__ = ["LINESTYLES", "figure", "figures", "tables"]


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 150
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "optimize",
        title="The network as an optimiser: exact SK ground states",
        why="The network's energy is an Ising Hamiltonian (the second source document): "
        "annealing, the network's own zero-temperature descent and mean-field annealing "
        "against the enumerated ground states of SK instances, N = 8 to 24.",
        overrides=("experiment=optimize",),
        quick=("experiment=optimize", "problem.N=[8,12,16]", "problem.instances=4", "reads=16"),
    ),
    Entry(
        "optimize_parisi",
        title="SK ground-state energy against N: Parisi's -0.7632",
        why="Annealed ground-state energies per spin of SK instances from N = 16 to 1024, the "
        "finite-size fit e_N = e_inf + a N^-omega (omega fitted) against Parisi's solution, "
        "and the check that doubling the budget changes nothing.",
        overrides=(
            "experiment=optimize",
            "problem.N=[16,24,32,48,64,96,128,192,256,384,512,768,1024]",
            "problem.instances=32",
            "solvers=[anneal]",
            "reads=8",
            "schedule.sweeps=[4000,8000]",
        ),
        quick=(
            "experiment=optimize",
            "problem.N=[16,24,32,48,64,96,128]",
            "problem.instances=8",
            "solvers=[anneal]",
            "reads=8",
            "schedule.sweeps=[500,1000]",
        ),
    ),
    Entry(
        "optimize_tsp",
        title="Hopfield and Tank's travelling salesman against Wilson and Pawley",
        why="The first source document's optimisation use: Hopfield and Tank's 10-city "
        "network with their parameters and with tuned ones, the analogue circuit against "
        "annealing, descent and mean field on the same energy, tours against Held-Karp.",
        overrides=(
            "experiment=optimize",
            "problem.kind=tsp",
            "problem.N=[10]",
            "problem.instances=20",
            "solvers=[hopfield_tank,anneal,descent,mean_field]",
            "schedule.sweeps=[1000,10000]",
        ),
        quick=(
            "experiment=optimize",
            "problem.kind=tsp",
            "problem.N=[10]",
            "problem.instances=4",
            "reads=16",
            "solvers=[hopfield_tank,anneal,descent,mean_field]",
            "schedule.sweeps=[2000]",
        ),
    ),
    Entry(
        "optimize_maxcut",
        title="Max-Cut on random 3-regular graphs with +/-1 weights",
        why="Sparse couplings: the solvers against enumerated maximum cuts up to N = 24, and "
        "their residuals at N = 200 and 2000.",
        overrides=(
            "experiment=optimize",
            "problem.kind=maxcut",
            "problem.weights=pm1",
            "problem.N=[12,16,20,24,200,2000]",
        ),
        quick=(
            "experiment=optimize",
            "problem.kind=maxcut",
            "problem.weights=pm1",
            "problem.N=[12,16,200]",
            "problem.instances=4",
            "reads=16",
        ),
    ),
)
