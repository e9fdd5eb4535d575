"""hopsim: simulate and study Hopfield networks.

Discrete Hopfield networks (Hebbian memory, thresholds, energy, synchronous and
asynchronous updates), their Ising twin at temperature T, and the continuous
single-neuron and network dynamics, driven from the ``hopsim`` Hydra command and
written as xarray Datasets.
"""

from hopsim.io import hopsim_version

__version__ = hopsim_version()
__all__ = ["__version__"]
