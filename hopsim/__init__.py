"""hopsim: simulate and study Hopfield networks.

Discrete Hopfield networks (learning rules, thresholds, energy, synchronous and
asynchronous updates, capacity), dense associative memories and the modern Hopfield
network, their Ising twin at temperature T, and the continuous single-neuron and network
dynamics; from the ``hopsim`` Hydra command or from Python, written as xarray Datasets.

Store and recall in two calls::

    import hopsim
    xi = hopsim.random_patterns(10, 200, seed=0)
    net = hopsim.store(xi, rule="storkey")
    ds = net.recall(hopsim.corrupt(xi, "flip", 0.1, seed=1), seed=2)

Run any experiment as the command does: ``hopsim.run("capacity", {"network.N": 400})``.
Open a result: ``hopsim.open_result("runs/recall/...")``. Theory curves:
:mod:`hopsim.theory`. Reference: ``docs/api.md``.

The public names below are imported on first use, so ``import hopsim`` stays light (no
xarray, matplotlib, Hydra or torch until a function needs them).
"""

import importlib
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
from hopsim.console import guard_start

guard_start()

from hopsim._accessor import register_when_imported  # noqa: E402 - after the env defaults

register_when_imported()  # ds.hopsim, as soon as xarray is imported

#: public name -> the module that defines it (imported on first use)
_EXPORTS = {
    "store": "hopsim.api",
    "run": "hopsim.api",
    "random_patterns": "hopsim.api",
    "corrupt": "hopsim.api",
    "overlap": "hopsim.patterns",
    "open_result": ("hopsim.io", "load_dataset"),
    "load_network": "hopsim.io",
    "Network": "hopsim.network",
    "DenseNetwork": "hopsim.dense",
    "ParameterError": "hopsim.errors",
    "rule_names": "hopsim.learning",
    "experiments_available": ("hopsim.experiments", "available"),
}
_SUBMODULES = ("theory", "learning", "figures", "analysis", "dynamics", "retrieval")

__all__ = sorted(["__version__", *_EXPORTS, *_SUBMODULES])


def __getattr__(name: str):
    if name == "__version__":
        from hopsim.io import hopsim_version

        value = hopsim_version()
    elif name in _EXPORTS:
        module, attr = (
            _EXPORTS[name] if isinstance(_EXPORTS[name], tuple) else (_EXPORTS[name], name)
        )
        value = getattr(importlib.import_module(module), attr)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"hopsim.{name}")
    else:
        raise AttributeError(f"module 'hopsim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
