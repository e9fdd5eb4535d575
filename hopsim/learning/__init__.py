"""Learning rules: patterns -> couplings, found by their config name.

``network.learning=NAME`` (with ``network.learning_options.*``) picks one in every
experiment that stores patterns. Registered rules:

``hebb``
    ``W = xi^T xi / N`` (default): :mod:`hopsim.learning.hebbian`.
``storkey``
    incremental and local, higher capacity: :mod:`hopsim.learning.storkey`.
``pseudo_inverse``
    projection onto the patterns' span: :mod:`hopsim.learning.projection`.
``covariance``
    deviations from the mean activity, for biased patterns: :mod:`hopsim.learning.covariance`.
``krauth_mezard``
    perceptron of maximal stability, asymmetric: :mod:`hopsim.learning.perceptron`.
``hebb_decay``, ``hebb_bounded``
    palimpsests that forget the oldest patterns (exponential decay, learning within
    bounds): :mod:`hopsim.learning.palimpsest`.

To add a rule, write a module with a ``learn_NAME(patterns, **options) -> Couplings`` and
``register(Rule(...))``, and import it below (docs/extending.md).
"""

# isort: off
# registration order is the order of rule_names(): Hebb first, the default
from hopsim.learning import hebbian  # noqa: F401
from hopsim.learning import storkey  # noqa: F401
from hopsim.learning import projection  # noqa: F401
from hopsim.learning import covariance  # noqa: F401
from hopsim.learning import perceptron  # noqa: F401
from hopsim.learning import palimpsest  # noqa: F401

# isort: on
from hopsim.learning.base import (
    Couplings,
    LowRank,
    Option,
    Rule,
    get_rule,
    learn,
    register,
    rule_names,
    weights,
)
from hopsim.learning.hebbian import hebb, hebb_integer

LEARNING_RULES = rule_names()

__all__ = [
    "Couplings",
    "LEARNING_RULES",
    "LowRank",
    "Option",
    "Rule",
    "get_rule",
    "hebb",
    "hebb_integer",
    "learn",
    "register",
    "rule_names",
    "weights",
]
