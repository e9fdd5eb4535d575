"""Resource estimates against measured runs: every experiment's ``estimate(params)``.

For each configuration of :data:`CONFIGS` a fresh subprocess composes the job as
``hopsim.run`` does (``threads=1``), asks the experiment for its estimate, then runs it
twice: once timed (CPU and wall time of ``module.run``; the estimate is of one core's CPU
work, which other load does not change; the peak RSS above the RSS before the run,
the peak reset through ``/proc/self/clear_refs``), once under ``tracemalloc`` (the peak of
the Python and numpy allocations: the job's own arrays). The memory ratio compares the
estimate with the tracemalloc peak (torch's allocations escape tracemalloc: for the RNN
experiments, with the RSS peak). Prints a Markdown table (docs/performance.md)::

    nice -n 10 python benchmarks/estimates.py            # every configuration
    nice -n 10 python benchmarks/estimates.py ising rules  # some experiments
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

#: (experiment, overrides): 2-3 per experiment, seconds to about a minute each.
CONFIGS: list[tuple[str, list[str]]] = [
    ("recall", []),
    ("recall", ["network.N=2000", "patterns.P=200", "trials=20"]),
    ("capacity", ["network.N=[500,1000]", "patterns.alpha=[0.05,0.1,0.15,0.3]", "trials=50"]),
    ("capacity", ["network.N=[2000]", "patterns.alpha=[0.1,0.2]", "trials=100"]),
    ("rules", ["network.N=[100,200]", "patterns.alpha=[0.1,0.5,1.0,1.5]", "trials=2"]),
    (
        "rules",
        ["rules.names=[hebb,storkey]", "network.N=[500]", "patterns.alpha=[0.1,0.3]", "trials=1"],
    ),
    ("mixtures", []),
    ("mixtures", ["network.N=2000", "patterns.alpha=[0.01,0.05,0.1]", "trials=20"]),
    ("dense_capacity", ["dense_capacity.networks=2", "dense_capacity.N=[20,40]"]),
    ("dense_capacity", ["dense_capacity.energies=[poly3]", "dense_capacity.N=[40,56]"]),
    ("modern", []),
    ("modern", ["modern.P=[1024,4096]", "modern.betas=[1,8,64]", "modern.queries=128"]),
    ("hopfield_temperature", []),
    ("hopfield_temperature", ["network.N=[1000]", "patterns.alpha=[0.05,0.1]", "trials=1"]),
    ("ising", []),
    ("ising", ["lattice.L=[64]", "mc.algorithm=glauber", "mc.temperatures=[2.0,2.5]"]),
    ("ising", ["lattice.L=[32]", "mc.algorithm=wolff", "mc.sweeps=5000"]),
    ("bifurcation", []),
    ("bifurcation", ["meanfield.N=800", "meanfield.points=21"]),
    ("phase_portrait", []),
    ("phase_portrait", ["phase_portrait.points=1000000"]),
    ("stimulus", []),
    ("stimulus", ["stimulus.t_max=3000"]),
    ("network_ode", []),
    ("network_ode", ["network_ode.N=1500", "network_ode.trials=2"]),
    ("state_graph", []),
    ("state_graph", ["patterns.explicit=null", "network.N=12", "patterns.P=2"]),
    ("state_graph", ["patterns.explicit=null", "network.N=15", "patterns.P=3"]),
    ("images", []),
    ("images", ["images.side=64", "images.paths=[house,moon,smiley]"]),
    ("sequence_memory", ["rnn.kinds=[]"]),
    (
        "sequence_memory",
        [
            "sequence.N=[32]",
            "sequence.lengths=[4,8]",
            "rnn.kinds=[gru]",
            "rnn.hidden=[16]",
            "train.steps=100",
            "hopfield.trials=10",
        ],
    ),  # fmt: skip
    ("completion", ["rnn.kinds=[]"]),
    (
        "completion",
        ["completion.P=[8]", "rnn.kinds=[gru]", "rnn.sizes=[N2]", "train.steps=200"],
    ),
    (
        "gradients",
        [
            "task.lags=[5]",
            "task.seeds=1",
            "model.variants=[rnn,gru]",
            "train.budgets=[100,200]",
            "explode.steps=50",
            "explode.seeds=1",
            "task.validation=128",
        ],
    ),  # fmt: skip
    ("optimize", []),
    ("optimize", ["problem.N=[64,128]", "exact_max=0", "reads=8"]),
    ("online", ["online.N=[64]", "online.streams=1"]),
]

#: Experiments whose arrays are torch tensors (not seen by tracemalloc): when they train an
#: RNN, RSS is the measure.
TORCH = {"sequence_memory", "completion", "gradients"}


def trains(name: str, overrides: list[str]) -> bool:
    """Does this job train an RNN (torch's memory escapes tracemalloc)?"""
    return name in TORCH and "rnn.kinds=[]" not in overrides


def _rss(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def measure(name: str, overrides: list[str]) -> dict:
    """Estimate and run one job in this process; the numbers of one table row."""
    import tracemalloc

    from hopsim import experiments
    from hopsim.api import _checked_config
    from hopsim.parallel import thread_limit
    from hopsim.rng import SeedTree

    cfg = _checked_config(name, [*overrides, "threads=1"], 0)
    module = experiments.load(name)
    params = experiments.prepare(module, cfg)
    cost = experiments.estimate(module, params)
    if trains(name, overrides):
        import torch  # noqa: F401  (its import is not the job's memory)
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    before = _rss("VmRSS")
    with thread_limit(1):
        start, cpu = time.perf_counter(), time.process_time()
        module.run(params, SeedTree(0), progress=False)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rss = max(_rss("VmHWM") - before, 0)
        tracemalloc.start()
        module.run(params, SeedTree(0), progress=False)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "estimated_bytes": cost.memory,
        "estimated_seconds": cost.seconds,
        "rss_bytes": rss,
        "traced_bytes": traced,
        "seconds": seconds,
        "cpu_seconds": cpu,
    }


def _mb(x: float) -> str:
    return f"{x / 1e6:.3g}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1], argv[2:])))
        return 0
    chosen = [c for c in CONFIGS if not argv or c[0] in argv]
    env = dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(
        "| experiment | config | est. MB | measured MB (tracemalloc / RSS) | ratio "
        "| est. s | CPU s (wall) | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, overrides in chosen:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", name, *overrides],
            capture_output=True,
            text=True,
            env=env,
        )
        label = " ".join(overrides) or "(default)"
        if proc.returncode:
            print(f"| {name} | {label} | failed: {proc.stderr.strip().splitlines()[-1]} |")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        used = r["rss_bytes"] if trains(name, overrides) else r["traced_bytes"]
        print(
            f"| {name} | `{label}` | {_mb(r['estimated_bytes'])} | {_mb(r['traced_bytes'])} / "
            f"{_mb(r['rss_bytes'])} | {r['estimated_bytes'] / max(used, 1):.2f} "
            f"| {r['estimated_seconds']:.3g} | {r['cpu_seconds']:.3g} ({r['seconds']:.3g}) "
            f"| {r['estimated_seconds'] / max(r['cpu_seconds'], 1e-9):.2f} |",
            flush=True,
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
