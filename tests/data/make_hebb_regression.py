"""Regenerate hebb_regression.npz (run from the repo root; only with the code of commit 22bd190)."""

import numpy as np
from hydra import compose, initialize_config_module

from hopsim.experiments import capacity, recall
from hopsim.rng import SeedTree

out = {}
cases = {
    "recall_async": [
        "experiment=recall",
        "network.N=64",
        "patterns.P=6",
        "trials=4",
        "corruption.level=0.2",
    ],
    "recall_sync": [
        "experiment=recall",
        "network.N=48",
        "patterns.P=8",
        "trials=3",
        "dynamics.update=sync",
        "network.theta=0.05",
    ],
    "recall_lowrank": [
        "experiment=recall",
        "network.N=64",
        "patterns.P=9",
        "trials=3",
        "network.mode=lowrank",
        "corruption.level=0.25",
    ],
    "capacity": [
        "experiment=capacity",
        "network.N=[40,60]",
        "patterns.alpha=[0.05,0.15,0.3]",
        "corruption.level=[0,0.1]",
        "trials=6",
    ],
}
for name, ov in cases.items():
    with initialize_config_module("hopsim.conf", version_base="1.3"):
        cfg = compose("config", overrides=ov)
    mod = recall if name.startswith("recall") else capacity
    ds = mod.run(cfg, SeedTree(7))
    for var in ("overlap", "sweeps", "outcome", "relation"):
        out[f"{name}.{var}"] = ds[var].values
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
np.savez_compressed("tests/data/hebb_regression.npz", **out)
print({k: v.shape for k, v in out.items()})
