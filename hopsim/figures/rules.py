"""Learning-rules figure: stability, retrieval and basins against load, every rule.

``rules``: one column per N (``N = ...`` in each title), three rows (four when the run has
margins) against the load P/N (log axis), one colour and marker per rule:

(a) the fraction of stored patterns that are fixed points, mean over the networks, with
    each rule's exact-storage load from theory as a dashed vertical line in its colour
    (Hebb and covariance 1/(4 ln N), every pattern at once, Storkey 1/sqrt(2 ln N),
    pseudo-inverse 1,
    Krauth-Mezard Gardner's alpha_c(0) = 2);
(b) the mean final overlap from cues with one cue noise (``noise=`` or ``--fix noise=X``,
    default the level nearest 0.1; the levels are never averaged), with the retrieval loads
    from theory dotted (Hebb and covariance 0.138, with errors; pseudo-inverse 1;
    Krauth-Mezard alpha_c(kappa) only for a margin kappa > 0);
(c) the basin size: the largest cue noise up to which every level is still recalled (mean
    overlap >= the run's ``recall_overlap``), median over the networks; a gap where the
    median network does not even recall the stored pattern itself;
(d) when the run has it (``margin``): the mean over neurons of the margin
    ``min_mu xi_i (h_i - theta_i) / ||J_i||``, mean over the networks, with Gardner's maximal
    margin kappa_max(P / (N - 1)) as a grey curve (up to alpha = 2): the bound every rule
    stays under, and that Krauth-Mezard's maximal stability reaches.

``rules_basins``: each rule's basin radius against the load, all sizes N on its panel
(:func:`basins_figure`). ``rules_capacity``: every rule's exact-storage capacity against N on
one log-log plot with its law (:func:`capacity_figure`).

Rules whose curves coincide (covariance is Hebb at bias 0) alternate solid and dashed,
filled and hollow, so neither hides the other; rules sharing a theory load interleave the
dashes of their lines.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from hopsim.analysis.rules import basin_radius, capacity_law, exact_capacity
from hopsim.figures._common import LINE_COLORS, FigureError, axis_label, fmt
from hopsim.gallery.plan import Entry

STEMS = ("rules", "rules_budget", "rules_basins", "rules_capacity")
#: dimensions this figure draws itself; any other swept one needs --fix
OWN_DIMS = ("rule", "N", "alpha", "noise", "budget")
#: own dimensions --fix may choose: the cue noise of row (b), the learning budget, the sizes
#: (``rules_basins`` tells apart up to six on a panel)
FIX_DIMS = ("noise", "budget", "N")

#: colours and markers for rules that do not declare their own (Rule.color, Rule.marker)
EXTRA = (LINE_COLORS[5], LINE_COLORS[4])
EXTRA_MARKERS = ("P", "X", "*")


def rule_styles(rules) -> dict[str, tuple[str, str]]:
    """(colour, marker) of every rule: its own (``Rule.color``, ``Rule.marker``), else the next
    spare one; a :class:`FigureError` past the spare colours."""
    from hopsim.learning import get_rule, rule_names

    out, spare = {}, 0
    for rule in rules:
        rule = str(rule)
        facts = get_rule(rule) if rule in rule_names() else None
        if facts is not None and facts.color is not None:
            out[rule] = (facts.color, facts.marker or "o")
            continue
        if spare >= len(EXTRA):
            raise FigureError(
                f"rules figure: {len(list(rules))} rules, but only {len(EXTRA)} spare colours "
                "can be told apart beside the rules' own; run fewer rules.names"
            )
        out[rule] = (EXTRA[spare], EXTRA_MARKERS[spare])
        spare += 1
    return out


def pick_noise(ds: xr.Dataset, requested: float | None) -> float:
    """The cue noise to draw: the requested one (must exist) or the one nearest 0.1."""
    levels = np.atleast_1d(ds.noise.values).astype(float)
    if requested is None:
        positive = levels[levels > 0]
        pool = positive if positive.size else levels
        return float(pool[np.argmin(np.abs(pool - 0.1))])
    match = np.isclose(levels, float(requested))
    if not match.any():
        raise FigureError(
            f"--noise {fmt(float(requested))}: the run's cue noise levels are "
            f"{', '.join(fmt(v) for v in levels)}"
        )
    return float(levels[match][0])


def _theory_note(ds: xr.Dataset) -> str:
    """Which rules have a retrieval load from theory, and its value (the dotted lines)."""
    parts = []
    for rule in ds.rule.values:
        values = ds.alpha_retrieval_theory.sel(rule=rule).values
        if np.isfinite(values).any():
            parts.append(f"{str(rule).replace('_', ' ')} {fmt(float(np.nanmax(values)))}")
    return ", ".join(parts) or "none"


def figure(ds: xr.Dataset, noise: float | None = None, **_) -> plt.Figure:
    """Draw the rows (module docstring); ``noise`` picks the cue noise of row (b)."""
    ds, budget_text = largest_budget(ds)
    level = pick_noise(ds, noise)
    Ns = ds.N.values
    panels = [
        ds.stable_fraction.mean("trial"),
        ds.overlap.sel(noise=level).mean("trial"),
        basin_radius(ds),
    ]
    rows = ["fixed points", f"recall, cue noise {fmt(level)}", "basin size"]
    if "margin" in ds:
        panels.append(ds.margin.mean("trial"))
        rows.append("margin")
    n_rows = len(panels)
    fig, axes = plt.subplots(
        n_rows,
        len(Ns),
        figsize=(max(4.4 * len(Ns), 11.0), 3.4 * n_rows),  # one column: room for the titles
        sharex=True,
        sharey="row",
        squeeze=False,
    )
    for col, N in enumerate(Ns):
        _draw_column(ds, axes[:, col], N, panels)
        for row in range(n_rows):
            ax = axes[row, col]
            ax.set_title(f"({'abcd'[row]}{col + 1}) N = {int(N)}: {rows[row]}", loc="left")
            ax.set_xscale("log")
            ax.grid(alpha=0.3, which="both")
        axes[-1, col].set_xlabel(axis_label(ds.alpha))
        for row in range(n_rows - 1):
            axes[row, col].tick_params(labelbottom=True)
    _axis_labels(ds, axes, level, panels)
    options = ds.attrs.get("learning_options")
    fig.suptitle(
        f"Learning rules compared ({ds.sizes['trial']} pattern sets per point, "
        f"{ds.attrs['cues_per_network']} cues per network, {ds['update'].item()} updates, "
        f"bias {float(ds['bias']):g})\ntheory lines in the rule's colour; no point "
        "in (c) where the median network does not recall even the stored pattern"
        + (f"\noptions: {options}" if options else "")
        + budget_text,
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.36 / n_rows, 1, 1))
    handles, labels = _legend_entries(ds, axes)
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=3 if len(Ns) > 1 else 2,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
        fontsize=9,
    )
    return fig


def _draw_column(ds: xr.Dataset, axes, N, panels) -> None:
    """One column (one N): every rule's data in every row, its theory lines, Gardner's band."""
    styles = rule_styles(ds.rule.values)
    x = ds.alpha.values
    shared: tuple[dict, dict] = ({}, {})
    for r, rule in enumerate(ds.rule.values):
        c, mk = styles[str(rule)]
        style = dict(color=c, marker=mk, ms=4, lw=1.5, label=str(rule).replace("_", " "))
        if r % 2:  # every other rule hollow and dashed: curves that coincide stay visible
            style.update(ls=(0, (5, 2)), mfc="none", ms=6)
        for row, data in enumerate(panels):
            axes[row].plot(x, data.sel(rule=rule, N=N).values, gid=f"data:{rule}", **style)
        exact = float(ds.alpha_exact_theory.sel(rule=rule, N=N))
        retrieval = float(ds.alpha_retrieval_theory.sel(rule=rule, N=N))
        # rules that share a theory line draw it in interleaved dashes, so none hides
        key = round(exact, 6)
        share = shared[0].get(key, 0)
        shared[0][key] = share + 1
        axes[0].axvline(exact, color=c, ls=(4 * share, (4, 4)), lw=1.2, gid="exact")
        if np.isfinite(retrieval):
            key = round(retrieval, 6)
            share = shared[1].get(key, 0)
            shared[1][key] = share + 1
            axes[1].axvline(retrieval, color=c, ls=(2 * share, (1.5, 2.5)), lw=1.4, gid="retrieval")
    if "margin" in ds:
        theory = ds.margin_theory.sel(N=N).values
        axes[3].plot(x, theory, color="0.75", lw=7, zorder=0, gid="theory")


def _axis_labels(ds: xr.Dataset, axes, level: float, panels) -> None:
    """Row labels and limits (shared across each row)."""
    overlap, basin = panels[1], panels[2]
    axes[0, 0].set_ylabel("stored patterns that are\nfixed points (fraction)")
    axes[1, 0].set_ylabel(f"final overlap m, mean\n(cues with noise {fmt(level)})")
    axes[2, 0].set_ylabel(
        "largest cue noise recalled,\nmedian network "
        f"(mean m >= {float(ds.attrs['recall_overlap']):g})"
    )
    if "margin" in ds:
        axes[3, 0].set_ylabel("margin min_mu xi_i h_i / ||J_i||,\nmean over neurons")
        axes[3, 0].axhline(0.0, color="0.3", lw=0.8)
    axes[0, 0].set_ylim(-0.03, 1.03)
    axes[1, 0].set_ylim(min(-0.05, float(overlap.min()) - 0.05), 1.03)
    top = np.nanmax([float(np.nanmax(ds.noise.values)), float(basin.max())])
    axes[2, 0].set_ylim(-0.01, top * 1.05 + 0.01)


def _legend_entries(ds: xr.Dataset, axes):
    """The rules' handles, then one per theory mark."""
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles += [
        Line2D([], [], color="0.3", ls="--", lw=1),
        Line2D([], [], color="0.3", ls=":", lw=1.4),
    ]
    labels += [
        "(a) theory: every pattern stable",
        f"(b) theory: retrieval load\n({_theory_note(ds)})",
    ]
    if "margin" in ds:
        handles.append(Line2D([], [], color="0.75", lw=7))
        labels.append("(d) Gardner: maximal margin\nkappa_max(P/(N-1))")
    return handles, labels


def figures(ds: xr.Dataset, noise: float | None = None, **_) -> dict[str, plt.Figure]:
    """``rules``; with a sweep over ``network.learning_options.budget`` also
    ``rules_budget`` (:func:`budget_figure`); ``rules_basins`` (:func:`basins_figure`, when
    the run has more than one cue noise level) and ``rules_capacity``
    (:func:`capacity_figure`)."""
    out = {"rules": figure(ds, noise)}
    if "budget" in ds.dims:
        out["rules_budget"] = budget_figure(ds)
    if ds.sizes.get("noise", 1) > 1:  # one cue noise level: no radius to measure
        out["rules_basins"] = basins_figure(ds)
    out["rules_capacity"] = capacity_figure(ds)
    return out


def largest_budget(ds: xr.Dataset) -> tuple[xr.Dataset, str]:
    """The run at its largest learning budget, and the words that say so (a budget sweep
    is never averaged: the main figure draws its largest budget and its title says it)."""
    if "budget" not in ds.dims:
        return ds, ""
    top = float(ds.budget.max())
    return ds.sel(budget=top), f"\nKrauth-Mezard budget {fmt(top)} sweeps (the sweep's largest)"


def budget_figure(ds: xr.Dataset) -> plt.Figure:
    """Krauth-Mezard storage against the learning budget, one column per N.

    The fraction of neurons with every stored bit stable (mean over the networks), one line
    per budget, against the load, with Cover's exact probability that a neuron's P bits are
    separable at all (``separable_theory``, grey band): no learner can lie above it, and a
    learner of maximal stability approaches it as its budget grows.
    """
    if "krauth_mezard" not in ds.rule.values or "neuron_stable_fraction" not in ds:
        raise FigureError("rules_budget figure: the run has no krauth_mezard storage data")
    km = ds.sel(rule="krauth_mezard").sortby("budget")
    Ns, x = ds.N.values, ds.alpha.values
    size = (max(4.6 * len(Ns), 9.0), 4.6)
    fig, axes = plt.subplots(1, len(Ns), figsize=size, sharey=True, squeeze=False)
    shades = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, km.sizes["budget"]))
    for col, N in enumerate(Ns):
        ax = axes[0, col]
        cover = km.separable_theory.sel(N=N)
        cover = cover.isel(budget=0) if "budget" in cover.dims else cover
        ax.plot(x, cover.values, color="0.75", lw=7, zorder=0, gid="theory", label="Cover")
        for k, b in enumerate(km.budget.values):
            frac = km.neuron_stable_fraction.sel(N=N, budget=b).mean("trial").values
            label = f"budget {fmt(float(b))} sweeps"
            style = dict(color=shades[k], marker="os^Dv"[k % 5], ms=5, lw=1.5, label=label)
            ax.plot(x, frac, gid=f"budget:{fmt(float(b))}", **style)
        ax.set_title(f"(a{col + 1}) N = {int(N)}: neurons storing every bit", loc="left")
        ax.set_xlabel(axis_label(ds.alpha))
        ax.set_ylim(-0.03, 1.03)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("neurons with every stored bit stable\n(fraction, mean over networks)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    labels[0] = "Cover: P(bits separable), finite N"
    fig.suptitle(
        f"Krauth-Mezard storage against the learning budget ({ds.sizes['trial']} pattern sets "
        "per point)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.2 if len(Ns) == 1 else 0.12, 1, 1))
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=min(2 if len(Ns) == 1 else 4, len(labels)),
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
        fontsize=9,
    )
    return fig


#: how each size N is drawn in ``rules_basins`` (the colour stays the rule's): line style and
#: width, marker, its size and fill. Markers nest (large hollow, smaller hollow, small filled)
#: and widths fall, so sizes whose curves coincide stay told apart.
SIZE_STYLES = (
    dict(ls="-", lw=2.6, marker="o", ms=9, filled=False),
    dict(ls="--", lw=1.6, marker="s", ms=6, filled=False),
    dict(ls=":", lw=1.2, marker="^", ms=4, filled=True),
    dict(ls="-.", lw=0.9, marker="D", ms=3, filled=True),
    dict(ls=(0, (5, 1, 1, 1, 1, 1)), lw=0.8, marker="v", ms=3, filled=True),
    dict(ls=(0, (1, 3)), lw=0.8, marker="P", ms=3, filled=True),
)


def basins_figure(ds: xr.Dataset) -> plt.Figure:
    """``rules_basins``: each rule's basin radius against the load, every N on its panel.

    One panel per rule (its colour as in ``rules``), the sizes N as nested markers and line
    styles (:data:`SIZE_STYLES`): :func:`hopsim.analysis.rules.basin_radius`, the largest cue
    noise up to which every level is recalled (mean overlap >= the run's ``recall_overlap``),
    median network, against P/N (log axis). Grey vertical lines: the rule's exact-storage
    load (dashed) and retrieval load (dotted) from theory at the largest N; a gap where the
    median network does not recall even the stored pattern.
    """
    ds, budget_text = largest_budget(ds)
    rules = [str(r) for r in ds.rule.values]
    Ns = ds.N.values
    if len(Ns) > len(SIZE_STYLES):
        raise FigureError(
            f"rules_basins figure: {len(Ns)} sizes N, but only {len(SIZE_STYLES)} line styles; "
            "draw fewer sizes with --fix N=..."
        )
    ncol = min(len(rules), 3)
    nrow = -(-len(rules) // ncol)
    fig, axes = plt.subplots(
        nrow,
        ncol,
        figsize=(max(4.4 * ncol, 10.0), 3.7 * nrow + 1.0),  # room for the title
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    basin = basin_radius(ds)
    styles = rule_styles(rules)
    for k, (ax, rule) in enumerate(zip(axes.flat, rules, strict=False)):
        _basin_panel(ax, ds, basin.sel(rule=rule), rule, styles[rule][0], "abcdefghij"[k])
    for ax in list(axes.flat)[len(rules) :]:
        ax.set_axis_off()
    _basin_axes(ds, axes, len(rules), ncol)
    fig.suptitle(
        f"Basin radius against the load, every rule ({ds.sizes['trial']} pattern sets per "
        f"point, cue noise levels {', '.join(fmt(v) for v in ds.noise.values)}; recalled: mean "
        f"final overlap >= {float(ds.attrs['recall_overlap']):g}, median network)\nsizes N nest "
        "their markers where their curves coincide; grey: the rule's exact-storage load "
        f"(dashed) and retrieval load (dotted) from theory at N = {int(Ns.max())}" + budget_text,
        fontsize=11,
    )
    return fig


def _basin_panel(ax, ds: xr.Dataset, basin: xr.DataArray, rule: str, colour, letter) -> None:
    """One rule's panel of ``rules_basins``: every N, the rule's theory loads."""
    x = ds.alpha.values
    for j, N in enumerate(ds.N.values):
        st = SIZE_STYLES[j]
        ax.plot(
            x,
            basin.sel(N=N).values,
            ls=st["ls"],
            lw=st["lw"],
            marker=st["marker"],
            ms=st["ms"],
            mfc=colour if st["filled"] else "none",
            mew=1.3,
            color=colour,
            label=f"N = {int(N)}",
            gid=f"basin:{rule}:{int(N)}",
        )
    big = ds.N.values.max()
    exact = float(ds.alpha_exact_theory.sel(rule=rule, N=big))
    retrieval = float(ds.alpha_retrieval_theory.sel(rule=rule, N=big))
    ax.axvline(exact, color="0.45", ls="--", lw=1, gid="exact")
    if np.isfinite(retrieval):
        ax.axvline(retrieval, color="0.45", ls=":", lw=1.4, gid="retrieval")
    ax.set_xscale("log")
    ax.grid(alpha=0.3, which="both")
    ax.set_title(f"({letter}) {rule.replace('_', ' ')}", loc="left", color=colour)
    ax.legend(fontsize=8, loc="upper right", frameon=False)


def _basin_axes(ds: xr.Dataset, axes, n_rules: int, ncol: int) -> None:
    """Shared limits, load ticks and axis labels of ``rules_basins``."""
    x = ds.alpha.values
    top = float(np.nanmax(ds.noise.values))
    ticks = [t for t in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0) if x.min() <= t <= x.max()]
    for k, ax in enumerate(list(axes.flat)[:n_rules]):
        if k + ncol >= n_rules:  # nothing drawn below it: its own load axis
            ax.tick_params(labelbottom=True)
            ax.set_xlabel(axis_label(ds.alpha))
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.set_xticks([], minor=True)
        ax.set_ylim(-0.015, top * 1.12 + 0.015)  # room above the top level for the legend
    for ax in axes[:, 0]:
        ax.set_ylabel("basin radius [fraction of bits flipped]\nlargest cue noise recalled")


def capacity_figure(ds: xr.Dataset) -> plt.Figure:
    """``rules_capacity``: every rule's exact-storage capacity against N, log-log, with its law.

    Points: the measured capacity in patterns (:func:`hopsim.analysis.rules.exact_capacity`:
    the largest load of the grid with every pattern stable in at least half the networks,
    times N); the bar reaches up to the next load of the grid (the capacity lies in
    between); a downward arrow at the grid's smallest load where even that failed.
    Lines: the rule's law for the same quantity (:func:`hopsim.analysis.rules.capacity_law`:
    Hebb and covariance N/(4 ln N), Storkey N/sqrt(2 ln N), pseudo-inverse N, Krauth-Mezard
    2N), over the sizes run; rules sharing a law (Hebb, covariance) interleave its dashes.
    With Hebb or covariance run, a grey dotted line: the same criterion at finite N
    (:func:`hopsim.theory.capacity.all_patterns_load`), which N/(4 ln N) approaches only like
    1/ln N. Rules whose points share an N sit side by side.
    """
    from matplotlib.legend_handler import HandlerTuple

    ds, budget_text = largest_budget(ds)
    styles = rule_styles(ds.rule.values)
    cap = exact_capacity(ds)
    Ns = ds.N.values.astype(float)
    fig, ax = plt.subplots(figsize=(8.6, 5.6), layout="constrained")
    span = np.geomspace(Ns.min() / 1.3, Ns.max() * 1.3, 60)
    handles, labels, laws = [], [], {}
    for r, rule in enumerate(ds.rule.values):
        rule = str(rule)
        share = laws.setdefault(round(float(capacity_law(rule, [100.0])[0]), 6), [])
        share.append(rule)
        offset = 1.0 + 0.025 * (r - (ds.sizes["rule"] - 1) / 2)  # rules side by side at one N
        handles.append(
            _capacity_rule(ax, cap.sel(rule=rule), rule, styles[rule], (r, offset), span, share)
        )
        labels.append(f"{rule.replace('_', ' ')}: measured, law")
    handles += _finite_hebb(ax, ds.rule.values, span)
    labels += ["Hebb, every pattern stable, at\nfinite N (binomial crosstalk)"] * (
        len(handles) - len(labels)
    )
    if np.isnan(cap.alpha.values).any():
        handles.append(Line2D([], [], ls="none", marker=r"$\downarrow$", color="0.3", ms=10))
        labels.append("below the grid's smallest load")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(Ns, [str(int(n)) for n in Ns])
    ax.minorticks_off()
    ax.set_xlabel("N [neurons]")
    ax.set_ylabel(
        "patterns stored with every one stable [patterns]\n"
        "(half the networks; bar: up to the next load)"
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(
        handles,
        labels,
        handler_map={tuple: HandlerTuple(ndivide=None)},
        fontsize=8.5,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    ax.set_title(
        f"Exact-storage capacity against N, every rule ({ds.sizes['trial']} pattern sets per "
        f"load)\npoints: measured; lines: each rule's law in its colour{budget_text}",
        fontsize=11,
        loc="left",
    )
    return fig


def _capacity_rule(ax, cap: xr.Dataset, rule: str, style, place, span, share) -> tuple:
    """One rule of ``rules_capacity``: measured points with their grid bars, and its law;
    returns its legend handle (marker, law line). ``share``: the rules drawn so far with the
    same law (this one last), whose dashes this law interleaves; ``place``: the rule's index
    and its horizontal offset factor."""
    colour, marker = style
    r, offset = place
    Ns = cap.N.values.astype(float)
    low, high = cap.patterns.values, cap.patterns_next.values
    ok = np.isfinite(low)
    hollow = r % 2 == 1
    bars = ax.errorbar(
        Ns[ok] * offset,
        low[ok],
        yerr=[np.zeros(int(ok.sum())), np.where(np.isfinite(high[ok]), high[ok] - low[ok], 0.0)],
        fmt=marker,
        ms=6,
        capsize=3,
        color=colour,
        mfc="none" if hollow else colour,
    )
    bars.lines[0].set_gid(f"capacity:{rule}")  # the points (not their caps)
    if (~ok).any():  # even the smallest load failed: below the grid
        ax.plot(
            Ns[~ok] * offset,
            high[~ok],
            ls="none",
            marker=r"$\downarrow$",
            ms=10,
            color=colour,
            gid=f"below:{rule}",
        )
    k = len(share) - 1
    ls = "-" if k == 0 else (3 * k, (3, 3 * len(share) - 3))
    (law,) = ax.plot(span, capacity_law(rule, span), color=colour, lw=1.4, ls=ls, gid=f"law:{rule}")
    return (bars.lines[0], law)


def _finite_hebb(ax, rules, span) -> list:
    """Hebb's every-pattern criterion at finite N (grey dotted), when Hebb or covariance ran."""
    from hopsim.theory.capacity import all_patterns_load

    if not {"hebb", "covariance"} & {str(r) for r in rules}:
        return []
    sizes = np.unique(np.round(span).astype(int))
    (line,) = ax.plot(
        sizes,
        [all_patterns_load(int(n)) * n for n in sizes],
        color="0.45",
        ls=":",
        lw=1.6,
        gid="finite:hebb",
    )
    return [line]


#: Where this family's runs go on the gallery page (:mod:`hopsim.gallery.plan`).
GALLERY_ORDER = 30
#: The gallery's runs that this module draws.
GALLERY = (
    Entry(
        "rules",
        title="Learning rules compared",
        why="Hebb, Storkey, pseudo-inverse, covariance and Krauth-Mezard on the same pattern "
        "sets: exact storage and basins against each rule's theory.",
        overrides=("experiment=rules",),
        quick=(
            "experiment=rules",
            "network.N=[100]",
            "patterns.alpha=[0.04,0.08,0.1,0.14,0.2,0.25,0.3,0.4,0.6,0.9,0.95,1.0,1.2,1.6,2.0]",
            "corruption.level=[0,0.1,0.2]",
            "trials=2",
        ),
    ),
    Entry(
        "rules_budget",
        title="Krauth-Mezard storage against the learning budget",
        why="Gardner's alpha_c = 2 is reached only as the learning time diverges: the load "
        "where half the neurons store every bit, for AdaTron budgets of 10, 100 and 1000 "
        "sweeps, against Cover's exact count at finite N.",
        overrides=(
            "experiment=rules",
            "rules.names=[krauth_mezard]",
            "network.N=[100,200]",
            "patterns.alpha=[1.0,1.4,1.6,1.8,1.9,2.0,2.2]",
            "corruption.level=[0]",
            "rules.cues=1",
            "trials=3",
            "network.learning_options.budget=10,100,1000",
        ),
        quick=(
            "experiment=rules",
            "rules.names=[krauth_mezard]",
            "network.N=[100]",
            "patterns.alpha=[1.0,1.4,1.6,1.8,1.9,2.0]",
            "corruption.level=[0]",
            "rules.cues=1",
            "trials=3",
            "network.learning_options.budget=10,100,1000",
        ),
        multirun=True,
    ),
)
