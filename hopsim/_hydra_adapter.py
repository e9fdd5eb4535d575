"""The one place hopsim uses a private function of Hydra.

Hydra composes a job from its group choices and then applies its value overrides to the
composed config (``ConfigLoaderImpl._apply_overrides_to_config``, private). The preflight
(:class:`hopsim.composition.JobConfigs`) composes each combination of group choices once
and applies each job's values to a copy with that same function, so the configs it checks
are the ones Hydra runs. ``tests/test_hydra_adapter.py`` fails with a clear message if a
Hydra release renames or changes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from omegaconf import DictConfig

#: The private method used, and the parameters it is called with.
PRIVATE = "hydra._internal.config_loader_impl.ConfigLoaderImpl._apply_overrides_to_config"
PARAMETERS = ("overrides", "cfg")


def apply_overrides(overrides: Sequence[object], cfg: DictConfig) -> None:
    """Apply Hydra's parsed value overrides to ``cfg`` in place, in order, as Hydra does.

    Parameters
    ----------
    overrides : sequence of hydra.core.override_parser.types.Override
        Parsed overrides (``OverridesParser.parse_override``) that set, add (``+``),
        force-add (``++``) or delete (``~``) values; no group choices.
    cfg : DictConfig
        The composed config, changed in place.
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    ConfigLoaderImpl._apply_overrides_to_config(list(overrides), cfg)
