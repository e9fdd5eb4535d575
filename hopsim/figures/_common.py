"""Shared pieces of the figure modules: palette, labels, panel letters, swept-key handling."""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

#: Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
#: Yellow (#F0E442) is left out of lines on white: it is the one hue that vanishes there.
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (fills only)
)
LINE_COLORS = OKABE_ITO[:7]
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", ":", "-.")


class FigureError(ValueError):
    """The dataset cannot be drawn as asked (one line, meant for the user)."""


def colors(n: int) -> list[str]:
    """``n`` line colours from the Okabe-Ito palette (an error beyond 7: use facets)."""
    if n > len(LINE_COLORS):
        raise FigureError(
            f"{n} lines of one colour code, but only {len(LINE_COLORS)} colours can be told "
            "apart; select fewer values"
        )
    return list(LINE_COLORS[:n])


def axis_label(da: xr.DataArray | xr.Variable, fallback: str = "") -> str:
    """``long_name [units]`` of a variable or coordinate (units omitted when "1")."""
    name = da.attrs.get("long_name", getattr(da, "name", None) or fallback)
    units = da.attrs.get("units", "")
    return f"{name} [{units}]" if units and units != "1" else str(name)


def panel(ax, letter: str, title: str, **kw) -> None:
    """Title ``(letter) title``: the letter every caption refers to."""
    ax.set_title(f"({letter}) {title}", loc=kw.pop("loc", "left"), **kw)


def fmt(value) -> str:
    """Short text of a coordinate value."""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    if isinstance(value, bytes):
        return value.decode()
    return str(value)


def plain_ticks(axis) -> None:
    """Label the major ticks of a log ``axis`` as plain numbers: 2, 4, 8 rather than 2^1, 2^2,
    2^3, and 1/16, 1/4 below one rather than 0.0625 (a new formatter per axis: matplotlib
    formatters are not to be shared)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: tick_label(value)))


def tick_label(value: float) -> str:
    """``1/k`` for a value below one whose inverse is a whole number, else ``f"{value:g}"``."""
    if 0 < value < 1 and abs(1 / value - round(1 / value)) < 1e-9:
        return f"1/{round(1 / value):d}"
    return f"{value:g}"


def parse_fix(fix: dict | list | tuple | str | None) -> dict[str, str]:
    """``{"theta": "0"}`` from a dict, ``"theta=0"`` or a list of such strings."""
    if not fix:
        return {}
    if isinstance(fix, dict):
        return {str(k): v for k, v in fix.items()}
    if isinstance(fix, str):
        fix = [fix]
    out = {}
    for item in fix:
        key, sep, value = str(item).partition("=")
        if not sep or not key:
            raise FigureError(f"--fix {item!r}: expected KEY=VALUE, e.g. --fix theta=0")
        out[key.strip()] = value.strip()
    return out


def select_fixed(
    ds: xr.Dataset, fix, allowed: list[str], also: list[str] | tuple = ()
) -> tuple[xr.Dataset, list[str]]:
    """Select ``fix`` (dim -> value) on ``ds``; return it and the ``dim=value`` texts.

    ``allowed`` are the swept dimensions (a selected one is dropped), ``also`` dimensions of
    the experiment's own that the figure lets ``fix`` choose (``FIX_DIMS``; they stay, with
    the one value chosen, so the figure draws it as it draws every value). Values are
    matched against the coordinate as text or as a number; an unknown key or a value the
    dimension does not hold is a :class:`FigureError` naming what it holds.
    """
    fixed = []
    also = [d for d in also if d not in allowed]
    for key, value in parse_fix(fix).items():
        if key not in allowed and key not in also:
            extra = f"; --fix also takes: {', '.join(also)}" if also else ""
            raise FigureError(
                f"--fix {key}=...: {key!r} is not a swept dimension here "
                f"(swept: {', '.join(allowed) or 'none'}{extra})"
            )
        coord = ds[key].values
        match = [i for i, c in enumerate(coord) if _same(c, value)]
        if not match:
            raise FigureError(
                f"--fix {key}={value}: {key} holds {', '.join(fmt(c) for c in coord)}"
            )
        ds = ds.isel({key: [match[0]] if key in also else match[0]})
        fixed.append(f"{key}={fmt(coord[match[0]])}")
    return ds, fixed


def _same(coord, value) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return bool(np.isclose(float(coord), float(value)))
        except (TypeError, ValueError):
            return False
    text = str(value)
    if fmt(coord) == text or str(coord) == text:
        return True
    try:
        return bool(np.isclose(float(coord), float(text)))
    except (TypeError, ValueError):
        return False


def setting(ds: xr.Dataset, name: str, attr: str | None = None):
    """A run setting: the scalar coordinate ``name`` a sweep left after ``--fix`` (the value
    the drawn cell ran with), else the attr ``attr`` (default ``name``)."""
    if name in ds.coords and ds[name].ndim == 0:
        value = ds[name].item()
        return value.decode() if isinstance(value, bytes) else value
    return ds.attrs[attr or name]


def facet_grid(dims: list[str], ds: xr.Dataset) -> list[dict]:
    """Every combination of the values of ``dims`` as a list of ``{dim: index}``."""
    return [
        dict(zip(dims, idx, strict=True))
        for idx in itertools.product(*(range(ds.sizes[d]) for d in dims))
    ]


def mean_ci(values: np.ndarray, axis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, half-width of the normal 95% interval, and count over ``axis`` (NaN ignored)."""
    n = np.sum(np.isfinite(values), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(values, axis=axis)
        sd = np.nanstd(values, axis=axis, ddof=1)
        half = 1.96 * sd / np.sqrt(n)
    half = np.where(n > 1, half, 0.0)
    return mean, half, n


def boxes_overlap_points(bbox, points_display: np.ndarray) -> int:
    """How many display-coordinate points fall inside ``bbox`` (a matplotlib Bbox)."""
    p = np.asarray(points_display, dtype=float).reshape(-1, 2)
    p = p[np.all(np.isfinite(p), axis=1)]
    inside = (
        (p[:, 0] >= bbox.x0) & (p[:, 0] <= bbox.x1) & (p[:, 1] >= bbox.y0) & (p[:, 1] <= bbox.y1)
    )
    return int(inside.sum())


def legend_below(ax, ncol: int = 3, **kw):
    """A legend under the axes, outside the data area (it can cover no data)."""
    return ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=ncol,
        frameon=False,
        fontsize=kw.pop("fontsize", 8),
        **kw,
    )
