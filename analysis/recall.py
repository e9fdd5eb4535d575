"""Figures of a recall run or sweep: final overlap against the swept keys, energy per sweep.

Usage::

    python analysis/recall.py [RUN_OR_SWEEP_DIR | result.nc]

Writes ``recall_overlap.{png,pdf}`` and ``recall_energy.{png,pdf}`` next to the dataset.
Without a path it uses the newest ``runs/recall`` result.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns
import xarray as xr

from hopsim.plotting import axis_label, open_from_cli, report, save_figure

TRIAL_DIMS = ("pattern", "trial", "sweep")


def swept_dims(ds: xr.Dataset) -> list[str]:
    """Dimensions that come from a sweep (everything but pattern, trial, sweep, unit)."""
    return [d for d in ds["overlap"].dims if d not in TRIAL_DIMS + ("unit",)]


def _layout(ds: xr.Dataset) -> dict:
    """x, hue, col, row for seaborn from the swept dims; noise on x when it is swept."""
    dims = swept_dims(ds)
    if "noise" in dims:
        dims.remove("noise")
        dims.insert(0, "noise")
    names = ["x", "hue", "col", "row"]
    return dict(zip(names, dims, strict=False))


def overlap_figure(ds: xr.Dataset):
    """Mean final overlap (95% CI over cues) against the first swept key."""
    layout = _layout(ds)
    df = ds["overlap"].to_dataframe().reset_index().dropna(subset=["overlap"])
    if "x" not in layout:  # a single run: the distribution over cues at its noise level
        df["noise"] = float(ds["noise"])
        grid = sns.catplot(data=df, x="noise", y="overlap", kind="box", height=3.5, aspect=1.2)
        grid.set_axis_labels(axis_label(ds["noise"]), axis_label(ds["overlap"]))
    else:
        grid = sns.relplot(
            data=df,
            y="overlap",
            kind="line",
            marker="o",
            errorbar=("ci", 95),
            height=3.2,
            aspect=1.25,
            facet_kws={"margin_titles": True},
            **layout,
        )
        grid.set_axis_labels(axis_label(ds[layout["x"]]), axis_label(ds["overlap"]))
    grid.set(ylim=(-1.05, 1.05))
    grid.figure.suptitle(_title(ds), y=1.02, fontsize=9)
    return grid.figure


def energy_figure(ds: xr.Dataset):
    """Energy after each sweep, held at its final value once a trial ended (mean and SD)."""
    energy = hold_last(ds["energy"], "sweep")
    per_neuron = energy / ds["N"]
    per_neuron.name = "energy_per_neuron"
    df = per_neuron.to_dataframe().reset_index().dropna(subset=["energy_per_neuron"])
    layout = _layout(ds)
    layout.pop("x", None)
    hue = layout.pop("hue", None) or (swept_dims(ds)[0] if swept_dims(ds) else None)
    grid = sns.relplot(
        data=df,
        x="sweep",
        y="energy_per_neuron",
        hue=hue,
        kind="line",
        errorbar="sd",
        height=3.2,
        aspect=1.25,
        facet_kws={"margin_titles": True},
        **{k: v for k, v in layout.items() if v != hue},
    )
    grid.set_axis_labels("sweep", "energy per neuron E/N")
    grid.figure.suptitle(_title(ds), y=1.02, fontsize=9)
    return grid.figure


def hold_last(da: xr.DataArray, dim: str) -> xr.DataArray:
    """Forward-fill NaN along ``dim`` (a trial's energy stays at its final value)."""
    da = da.transpose(..., dim)
    arr = da.values
    idx = np.where(np.isnan(arr), 0, np.arange(arr.shape[-1]))
    np.maximum.accumulate(idx, axis=-1, out=idx)
    return da.copy(data=np.take_along_axis(arr, idx, axis=-1))


def _title(ds: xr.Dataset) -> str:
    fixed = [
        f"{name}={ds[name].item()}"
        for name in ("N", "P", "update", "corruption", "noise", "theta")
        if name in ds.coords and ds[name].ndim == 0
    ]
    return "recall: " + ", ".join(fixed)


def main(argv: list[str] | None = None) -> list:
    """Draw both figures; return the written paths."""
    ds, out_dir = open_from_cli("recall", __doc__.splitlines()[0], argv)
    paths = save_figure(overlap_figure(ds), out_dir, "recall_overlap")
    paths += save_figure(energy_figure(ds), out_dir, "recall_energy")
    report(paths)
    return paths


if __name__ == "__main__":
    main()
