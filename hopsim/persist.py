"""A network as a dataset and back: what :meth:`Network.save` writes, :func:`load_network` reads.

:func:`network_dataset` turns a learned :class:`~hopsim.network.Network` into an
:class:`xarray.Dataset` that holds everything needed to rebuild it bit for bit, and
:func:`network_from_dataset` rebuilds it; :mod:`hopsim.io` writes and reads the file
(NetCDF-4 through h5netcdf, atomically). The dataset:

``patterns`` (pattern, neuron) int8
    the stored patterns;
``thresholds``, ``raw_thresholds`` (neuron) float64; ``threshold_shift`` (neuron)
    the network's thresholds and the rule's own share of them (when it has one);
``J`` (neuron, neuron_j)
    the stored dense couplings in their own dtype (float32, float64, int8, int16), for a
    network in ``dense`` or ``compact`` mode;
``left``, ``right`` (rank, neuron); ``diagonal`` (neuron)
    the rule's factored form ``J = left^T right - diag(diagonal)`` (``right`` only when it
    is not ``left``); ``couplings_J`` the rule's own dense couplings, when it made them;
``state_NAME``
    the arrays of the rule's update state (``Couplings.state``: the pseudo-inverse's
    Cholesky factor and patterns), so a loaded network can still ``add`` and ``remove``;

and attrs ``format`` (``hopsim-network``), ``format_version``, ``rule``, ``options`` and
``info`` (JSON), the coupling facts (``inverse_scale``, ``integer``, ``symmetric``,
``zero_diagonal``, ``max_abs``), ``theta`` (the threshold given, without the rule's; or
``per-neuron``), ``tie``, ``mode``, ``N``, ``P``, ``hopsim_version`` and ``created``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math

import numpy as np
import xarray as xr

FORMAT = "hopsim-network"
FORMAT_VERSION = 1


class NetworkFileError(ValueError):
    """A dataset that is not a saved hopsim network, or an inconsistent one (one line)."""


def network_dataset(net) -> xr.Dataset:
    """Everything that rebuilds ``net`` (a learned Network), as a dataset."""
    from hopsim.io import hopsim_version

    c = net.couplings
    if c is None or net.patterns is None:
        raise NetworkFileError(
            "only a network learned by a rule can be saved (these couplings were given directly)"
        )
    data = {
        "patterns": (("pattern", "neuron"), net.patterns),
        "thresholds": ("neuron", net.thresholds),
        "raw_thresholds": ("neuron", net.raw_thresholds),
    }
    if c.threshold_shift is not None:
        data["threshold_shift"] = ("neuron", c.threshold_shift)
    if net.J is not None:
        data["J"] = (("neuron", "neuron_j"), net.J)
    if c.J is not None:
        data["couplings_J"] = (("neuron", "neuron_j"), c.J)
    if c.lowrank is not None:
        f = c.lowrank
        data["left"] = (("rank", "neuron"), f.left)
        if not f.symmetric:
            data["right"] = (("rank", "neuron"), f.right)
        data["diagonal"] = ("neuron", f.diagonal)
    absent = []
    for name, value in c.state.items():
        if value is None:
            absent.append(name)
        else:
            value = np.asarray(value)
            data[f"state_{name}"] = (tuple(f"state_{name}_{k}" for k in range(value.ndim)), value)
    ds = xr.Dataset(data)
    base = net.thresholds - (0.0 if c.threshold_shift is None else c.threshold_shift)
    uniform = bool(np.all(base == base[0])) if base.size else True
    ds.attrs.update(
        theta=float(base[0]) if uniform and base.size else "per-neuron",
        format=FORMAT,
        format_version=FORMAT_VERSION,
        rule=c.rule,
        options=json.dumps(c.options),
        info=json.dumps(c.info),
        state_none=" ".join(absent),
        inverse_scale=float(c.inverse_scale),
        integer=int(c.integer),
        symmetric=int(c.symmetric),
        zero_diagonal=int(c.zero_diagonal),
        max_abs=float(c.max_abs) if math.isfinite(c.max_abs) else "inf",
        tie=net.tie,
        mode=net.mode,
        N=int(net.N),
        P=int(net.n_patterns),
        hopsim_version=hopsim_version(),
        created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    return ds


def check_header(attrs: dict, where: str) -> None:
    """Refuse a dataset that is not a saved network of this format (NetworkFileError)."""
    if attrs.get("format") != FORMAT:
        raise NetworkFileError(f"{where}: not a saved hopsim network (no format={FORMAT!r})")
    version = attrs.get("format_version")
    if version != FORMAT_VERSION:
        raise NetworkFileError(
            f"{where}: network format version {version!r}; this hopsim reads {FORMAT_VERSION}"
        )


def network_from_dataset(ds: xr.Dataset, where: str = "network"):
    """The :class:`~hopsim.network.Network` ``ds`` describes (:func:`network_dataset`)."""
    from hopsim.learning import get_rule
    from hopsim.learning.base import Couplings, LowRank
    from hopsim.network import Network

    check_header(ds.attrs, where)
    a = ds.attrs
    try:
        get_rule(a["rule"])
        left = ds["left"].values if "left" in ds else None
        lowrank = None
        if left is not None:
            right = ds["right"].values if "right" in ds else left
            lowrank = LowRank(left, right, ds["diagonal"].values)
        c = Couplings(
            rule=str(a["rule"]),
            N=int(a["N"]),
            inverse_scale=float(a["inverse_scale"]),
            integer=bool(a["integer"]),
            symmetric=bool(a["symmetric"]),
            zero_diagonal=bool(a["zero_diagonal"]),
            max_abs=math.inf if a["max_abs"] == "inf" else float(a["max_abs"]),
            J=ds["couplings_J"].values if "couplings_J" in ds else None,
            lowrank=lowrank,
            threshold_shift=ds["threshold_shift"].values if "threshold_shift" in ds else None,
            info=json.loads(a["info"]),
            options=json.loads(a["options"]),
            state=_state(ds),
        )
        J = ds["J"].values if "J" in ds else None
        net = Network(
            c.N,
            c.scale,
            ds["thresholds"].values,
            ds["raw_thresholds"].values,
            str(a["tie"]),
            J=J,
            patterns=np.ascontiguousarray(ds["patterns"].values, dtype=np.int8),
            couplings=c,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise NetworkFileError(f"{where}: an incomplete saved network ({_first(exc)})") from None
    _check_shapes(net, a, where)
    return net


def _state(ds: xr.Dataset) -> dict:
    state = {name: None for name in str(ds.attrs.get("state_none", "")).split()}
    for name in ds.data_vars:
        if name.startswith("state_"):
            state[name[len("state_") :]] = ds[name].values
    return state


def _check_shapes(net, attrs: dict, where: str) -> None:
    N, P = int(attrs["N"]), int(attrs["P"])
    bad = net.patterns.shape != (P, N) or net.thresholds.shape != (N,)
    bad |= net.J is not None and net.J.shape != (N, N)
    f = net.couplings.lowrank
    bad |= f is not None and (f.left.shape[1] != N or f.right.shape != f.left.shape)
    bad |= net.mode != attrs["mode"]
    if bad:
        raise NetworkFileError(f"{where}: a saved network whose arrays do not fit N={N}, P={P}")


def _first(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
