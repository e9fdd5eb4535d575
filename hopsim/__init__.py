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
# numba's OpenMP layer (GNU libgomp) spins ~300,000 rounds before an idle or waiting thread
# sleeps; on a shared machine that spinning takes the core from the thread it waits for
# (measured with two busy processes on 2 cores, N = 2000, 16 cues, 2 threads: 446 ms
# spinning, 72 ms passive). Passive threads sleep at once; a wake-up costs ~10 us per
# parallel loop. Read when numba first runs a parallel loop; a value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# The commands (hopsim, hopsim-plot, hopsim-gallery): Ctrl-C while the modules below load
# (a second or more) is one line and exit 130, not an import's traceback (a Python session
# importing hopsim keeps its own Ctrl-C)
from hopsim.console import guard_start  # noqa: E402

guard_start()

# hopsim.figures registers the ``ds.hopsim`` dataset accessor (matplotlib loads on drawing)
import hopsim.figures  # noqa: E402,F401
from hopsim.io import hopsim_version  # noqa: E402

__version__ = hopsim_version()
__all__ = ["__version__"]
