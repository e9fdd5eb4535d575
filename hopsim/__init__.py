"""hopsim: simulate and study Hopfield networks.

Discrete Hopfield networks (Hebbian memory, thresholds, energy, synchronous and
asynchronous updates), their Ising twin at temperature T, and the continuous
single-neuron and network dynamics, driven from the ``hopsim`` Hydra command and
written as xarray Datasets.
"""

import os

# OpenBLAS threads busy-wait ~0.1 s after each call by default; that time is stolen from the
# numba kernels that run right after the field products (measured: the first asynchronous
# sweep at N = 5000 took 36-47 ms instead of 23-25 ms). Only effective when hopsim is
# imported before numpy, as the hopsim command does; a value set by the user wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

from hopsim.io import hopsim_version  # noqa: E402

__version__ = hopsim_version()
__all__ = ["__version__"]
