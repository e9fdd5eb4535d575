"""The continuous network's Lyapunov check, shared by its figure and the claims table."""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["largest_energy_rise"]


def largest_energy_rise(ds: xr.Dataset) -> tuple[float, float]:
    """The largest rise of the energy per neuron between samples, and the energy's scale.

    From a ``network_ode`` dataset: ``max(energy_max_rise) / N`` (the Lyapunov energy must
    not rise: only the solver's tolerance may show) and ``max |E| / N``, the scale that rise
    is compared with.
    """
    N = ds.sizes["unit"]
    rise = float(np.nanmax(ds.energy_max_rise.values)) / N
    scale = float(np.nanmax(np.abs(ds.energy.values))) / N
    return rise, scale
