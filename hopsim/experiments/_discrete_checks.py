"""Checks shared by the discrete experiments (recall, capacity, images, state_graph,
hopfield_temperature): keys a precedence rule may ignore, and loads that store nothing.

:func:`check_shadowed_keys` runs for every experiment in the CLI preflight
(:func:`hopsim.preflight.validate_common`); the others are for the experiments' ``validate``.
"""

from __future__ import annotations

from omegaconf import DictConfig

from hopsim.config import ConfigError, get, get_float, get_int, get_list


def check_shadowed_keys(cfg: DictConfig) -> None:
    """Validate the keys another key can take precedence over, whatever the precedence.

    ``patterns.P`` is ignored when ``patterns.alpha`` is set, and ``patterns.P``,
    ``patterns.alpha`` and ``network.N`` when ``patterns.explicit`` is set. An impossible
    value is still an error: ``patterns.alpha=0.1 patterns.P=-5`` is refused. Each key is
    checked only when present and not null; a scalar or a list of distinct values.
    """
    for key, kind, lo in (
        ("network.N", "int", 1),
        ("patterns.P", "int", 0),
        ("patterns.alpha", "float", 0.0),
    ):
        value = get(cfg, key, None)
        if isinstance(value, list):
            get_list(cfg, key, kind=kind, lo=lo)
        elif value is not None:
            (get_int if kind == "int" else get_float)(cfg, key, lo=lo)


#: the experiments that probe a saved network (``network.from``)
SAVED_NETWORK_EXPERIMENTS = ("recall", "capacity", "mixtures")


def check_saved_network_key(cfg: DictConfig) -> None:
    """``network.from`` is read by recall, capacity and mixtures only: elsewhere it is refused
    (it would be silently ignored). Their own checks read the file (``network_spec``)."""
    source = get(cfg, "network.from", None)
    experiment = str(get(cfg, "experiment", ""))
    if source is not None and experiment not in SAVED_NETWORK_EXPERIMENTS:
        raise ConfigError(
            "network.from",
            source,
            f"null for experiment={experiment} (a saved network is probed by "
            f"{', '.join(SAVED_NETWORK_EXPERIMENTS)})",
        )


def check_loads(sizes: list[int], alphas: list[float], key: str = "patterns.alpha") -> None:
    """Refuse a load that stores no pattern: ``P = round(alpha N) = 0`` for some N.

    Parameters
    ----------
    sizes : list of int
        The values of ``network.N``.
    alphas : list of float
        The values of ``patterns.alpha``.
    key : str
        The key named in the error.
    """
    for alpha in alphas:
        for N in sizes:
            if round(alpha * N) < 1:
                raise ConfigError(
                    key,
                    alpha,
                    f"a load that stores at least one pattern: P = round(alpha N) = 0 for "
                    f"network.N={N}; alpha >= {0.5 / N:.3g}",
                )
