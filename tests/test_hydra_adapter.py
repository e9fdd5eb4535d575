"""The one private function of Hydra hopsim uses (``hopsim._hydra_adapter``).

If a Hydra release renames it, changes its parameters or what it does, these tests fail
with a message that says so: the preflight's fast path (:class:`hopsim.composition.
JobConfigs`) must then be adapted in ``hopsim/_hydra_adapter.py`` alone.
"""

from __future__ import annotations

import importlib
import inspect

import hydra
import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from hopsim import _hydra_adapter

CHANGED = (
    f"hydra-core {hydra.__version__} changed {_hydra_adapter.PRIVATE}, which "
    "hopsim/_hydra_adapter.py relies on: adapt apply_overrides there"
)


def _private():
    module_name, cls_name, method = _hydra_adapter.PRIVATE.rsplit(".", 2)
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
        return getattr(cls, method)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{CHANGED} (it is gone: {exc})")


def test_the_private_function_keeps_its_name_and_parameters():
    function = _private()
    parameters = tuple(inspect.signature(function).parameters)
    assert parameters == _hydra_adapter.PARAMETERS, f"{CHANGED} (parameters {parameters})"


def test_it_sets_adds_force_adds_and_deletes_values_in_order():
    cfg = OmegaConf.create({"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2]})
    texts = ["a=5", "b.c=7", "+b.new=x", "++e=[3]", "~b.d", "a=6"]
    parsed = [OverridesParser.create().parse_override(t) for t in texts]
    try:
        _hydra_adapter.apply_overrides(parsed, cfg)
    except Exception as exc:
        pytest.fail(f"{CHANGED} ({type(exc).__name__}: {exc})")
    got = OmegaConf.to_container(cfg)
    assert got == {"a": 6, "b": {"c": 7, "new": "x"}, "e": [3]}, f"{CHANGED} (gave {got})"


def test_an_unknown_key_is_refused_as_hydra_refuses_it():
    cfg = OmegaConf.create({"a": 1})
    OmegaConf.set_struct(cfg, True)
    parsed = [OverridesParser.create().parse_override("nope=1")]
    with pytest.raises(Exception, match="nope"):
        _hydra_adapter.apply_overrides(parsed, cfg)
