"""hopsim's front door in Python: store patterns, make cues, run any experiment.

Two calls store and recall (the peers' shape, with the command's guarantees)::

    import hopsim
    xi = hopsim.random_patterns(10, 200, seed=0)          # (P, N) int8 +/-1
    net = hopsim.store(xi, rule="storkey")               # any registered rule
    ds = net.recall(hopsim.corrupt(xi, "flip", 0.1, seed=1), seed=2)   # xarray.Dataset

and one call runs any experiment as the ``hopsim`` command does, without Hydra in the
user's code::

    ds = hopsim.run("capacity", {"network.N": [200, 400]}, seed=0)

Every function validates its arguments and raises :class:`hopsim.errors.ParameterError`
(a ``ValueError``) naming the parameter; :func:`run` raises the command's one-line errors
(naming the config key) as ``ValueError`` too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hopsim.errors import ParameterError, check_choice
from hopsim.patterns import CORRUPTIONS, as_states, corrupt_known, cue_kind
from hopsim.rng import SeedTree

__all__ = ["corrupt", "random_patterns", "run", "store"]

#: Most units (P x N entries) a pattern or cue array made here may have: 8 GB of int8.
MAX_ENTRIES = 8 * 10**9


def store(
    patterns,
    rule: str = "hebb",
    *,
    theta: float | Sequence[float] = 0.0,
    tie: str = "plus",
    mode: str = "auto",
    energy: str | None = None,
    **options: Any,
):
    """A network that stores ``patterns``: the first of the two calls.

    Parameters
    ----------
    patterns : array_like
        (P, N) (or (N,) for one pattern) of +1/-1.
    rule : str or hopsim.learning.Rule
        A registered learning rule (:func:`hopsim.learning.rule_names`: ``hebb``,
        ``storkey``, ``pseudo_inverse``, ``covariance``, ``krauth_mezard``, ...).
    theta : float or sequence of float
        One threshold for every neuron, or one per neuron (the rule's own threshold, e.g.
        the covariance rule's, is added).
    tie : {"plus", "keep"}
        A neuron whose field equals its threshold becomes +1, or keeps its value.
    mode : {"auto", "dense", "compact", "lowrank"}
        Coupling storage; ``auto`` takes the fastest the rule allows that fits in a quarter
        of free memory (results do not depend on it).
    energy : {"quadratic", "polynomial", "exponential"}, optional
        Build a dense associative memory with this energy instead (its options, ``n``,
        ``rectified``, ``beta``, are passed as keywords); ``rule`` must then be ``hebb``.
    **options
        The rule's options (e.g. ``zero_diagonal=True`` for ``pseudo_inverse``), each
        checked by the rule.

    Returns
    -------
    hopsim.network.Network or hopsim.dense.DenseNetwork
        Call :meth:`~hopsim.retrieval.Recalls.recall` on it.

    Examples
    --------
    >>> import hopsim
    >>> net = hopsim.store([[1, -1, 1, -1], [1, 1, -1, -1]])
    >>> net.N, net.n_patterns
    (4, 2)
    """
    from hopsim.learning import get_rule
    from hopsim.network import MODES, Network

    xi = as_states(patterns, "patterns")
    if energy is not None:
        return _dense_memory(xi, rule, energy, theta, tie, mode, options)
    rule = get_rule(rule)
    check_choice("mode", mode, MODES)
    return Network.learned(xi, rule, options, _theta(theta), tie, mode)


def _dense_memory(xi, rule, energy, theta, tie, mode, options):
    from hopsim.dense import DenseNetwork, make_energy

    if str(rule) != "hebb":
        raise ParameterError(
            "rule", rule, "'hebb' with energy= (a dense energy is a function of the overlaps)"
        )
    if mode not in ("auto", "lowrank"):
        raise ParameterError("mode", mode, "'auto' or 'lowrank' with energy= (overlaps only)")
    return DenseNetwork.build(xi, make_energy(energy, **options), _theta(theta), tie)


def _theta(theta):
    return theta if np.ndim(theta) == 0 else np.asarray(theta)


def _count(name: str, value: Any, lo: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ParameterError(name, value, f"an integer >= {lo}")
    return int(value)


def _seed_tree(seed: Any) -> SeedTree:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError("seed", seed, "an integer >= 0")
    return SeedTree(int(seed))


def random_patterns(P: int, N: int, *, bias: float = 0.0, seed: int = 0) -> np.ndarray:
    """``P`` random patterns of ``N`` units with ``P(+1) = (1 + bias) / 2``.

    The same patterns as every experiment's ``patterns`` stream at this seed (``hopsim
    network.N=N patterns.P=P patterns.bias=bias seed=seed`` stores exactly these).

    Returns
    -------
    numpy.ndarray
        (P, N) int8 of +1/-1.
    """
    from hopsim.patterns import random_patterns as draw

    P, N = _count("P", P), _count("N", N)
    if isinstance(bias, bool) or not isinstance(bias, (int, float, np.number)):
        raise ParameterError("bias", bias, "a number in (-1, 1)")
    if float(P) * float(N) > MAX_ENTRIES:
        raise ParameterError("P", P, f"P x N <= {MAX_ENTRIES:.0e} entries (8 GB) with N={N}")
    bias = float(bias)
    return draw(_seed_tree(seed).generator("patterns", N, P, bias), P, N, bias)


def corrupt(
    patterns,
    kind: str = "flip",
    level: float = 0.1,
    *,
    seed: int = 0,
    trials: int = 1,
    known: bool = False,
):
    """Corrupted copies of ``patterns``: ``trials`` cues per pattern, pattern by pattern.

    Cue ``(mu, k)`` (pattern mu, trial k; row ``mu * trials + k``) is drawn from its own
    stream, the one the ``recall`` experiment uses for it, so ``hopsim experiment=recall``
    with ``corruption.kind=kind corruption.level=level trials=trials seed=seed`` starts
    from exactly these cues.

    Parameters
    ----------
    patterns : array_like
        (P, N) +/-1.
    kind : {"flip", "occlude", "invert", "invert_part", "occlude_clamped"}
        ``flip``: exactly round(level N) distinct bits flipped; ``occlude``: a contiguous
        block of round(level N) units set to -1; ``invert``: every bit flipped;
        ``invert_part``: a contiguous block flipped; ``occlude_clamped``: ``occlude``'s
        very cues (the same stream), meant to be recalled with the visible units clamped.
    level : float
        Fraction of units, in [0, 1].
    seed : int
    trials : int
        Cues per pattern.
    known : bool
        Also return the units each corruption left alone, (P * trials, N) bool: the
        ``clamp`` of a partial cue (``net.recall(cues, clamp=known)``).

    Returns
    -------
    numpy.ndarray
        (P * trials, N) int8, or ``(cues, known)`` with ``known=True``.

    Examples
    --------
    >>> import hopsim
    >>> xi = hopsim.random_patterns(4, 100, seed=0)
    >>> cues, visible = hopsim.corrupt(xi, "occlude", 0.6, seed=1, known=True)
    >>> ds = hopsim.store(xi).recall(cues, clamp=visible, seed=2)
    >>> int(ds.clamped[0])
    40
    """
    xi = as_states(patterns, "patterns")
    check_choice("kind", kind, CORRUPTIONS)
    if (
        isinstance(level, bool)
        or not isinstance(level, (int, float, np.number))
        or not 0.0 <= float(level) <= 1.0
    ):
        raise ParameterError("level", level, "a number in [0, 1]")
    trials = _count("trials", trials)
    P, N = xi.shape
    if float(P) * trials * N > MAX_ENTRIES:
        raise ParameterError("trials", trials, f"P x trials x N <= {MAX_ENTRIES:.0e} entries")
    if not isinstance(known, (bool, np.bool_)):
        raise ParameterError("known", known, "true or false")
    seeds, level = _seed_tree(seed), float(level)
    out = np.empty((P * trials, N), dtype=np.int8)
    untouched = np.empty((P * trials, N), dtype=bool)
    for mu in range(P):
        for k in range(trials):
            rng = seeds.generator("cue", N, P, cue_kind(kind), level, mu, k)
            out[mu * trials + k], untouched[mu * trials + k] = corrupt_known(
                xi[mu], kind, level, rng
            )
    return (out, untouched) if known else out


# ----------------------------------------------------------------------------- experiments


def _override_list(overrides) -> list[str]:
    """``{"network.N": 200}`` or ``["network.N=200"]`` as Hydra override strings."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{key}={_hydra_value(value)}" for key, value in overrides.items()]
    if isinstance(overrides, str) or not all(isinstance(o, str) for o in overrides):
        raise ParameterError(
            "overrides", overrides, 'a dict {"key": value} or a list of "key=value" strings'
        )
    return list(overrides)


def _hydra_value(value: Any) -> str:
    """A Python value in Hydra's override grammar (lists in brackets, strings quoted)."""
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_hydra_value(v) for v in value) + "]"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    return repr(value)


def run(
    experiment: str,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
    *,
    seed: int = 0,
    progress: bool = False,
):
    """Run one experiment as ``hopsim experiment=NAME ... seed=SEED`` does; return its dataset.

    The config is composed from the same files with the same overrides and passes the same
    checks as the command's preflight (a bad value raises ``ValueError`` with the command's
    one-line message, naming the key); the dataset equals the one the command writes, but
    for the measured wall times and the ``created`` stamp. Nothing is written to disk.

    Parameters
    ----------
    experiment : str
        One of :func:`hopsim.experiments.available`.
    overrides : dict or list of str, optional
        ``{"network.N": 400, "patterns.alpha": 0.1}`` or ``["network.N=400", ...]``; one
        value per key (a sweep runs from the command, ``hopsim -m ...``).
    seed : int
        The run's seed (the config key ``seed``).
    progress : bool
        Show the experiment's progress bars.

    Returns
    -------
    xarray.Dataset

    Examples
    --------
    >>> import hopsim
    >>> ds = hopsim.run("recall", {"network.N": 100, "trials": 2}, seed=1)
    >>> int(ds.N), ds.attrs["experiment"]
    (100, 'recall')
    """
    from hopsim import experiments, preflight
    from hopsim.config import to_yaml
    from hopsim.io import provenance_attrs
    from hopsim.parallel import thread_limit, threads_for_params

    if not isinstance(experiment, str) or experiment not in experiments.available():
        raise ParameterError(
            "experiment", experiment, "one of " + ", ".join(experiments.available())
        )
    _seed_tree(seed)
    given = _override_list(overrides)
    cfg = _checked_config(experiment, given, int(seed))
    module = experiments.load(experiment)
    params = experiments.prepare(module, cfg)
    preflight.check_cost(module, params, cfg, given)  # too large, or past a day: as the command
    threads = threads_for_params(params, cfg.get("threads", "auto"), None)
    with thread_limit(threads):  # as many threads as the command would take (key threads)
        ds = module.run(params, SeedTree(int(seed)), progress=bool(progress))
    command = [f"experiment={experiment}", *given, f"seed={int(seed)}"]  # as the command says it
    ds.attrs.update(provenance_attrs(experiment, int(seed), to_yaml(cfg), command))
    ds.attrs["summary"] = module.summary(ds)
    return ds


def _checked_config(experiment: str, given: list[str], seed: int):
    """The job's config, composed and checked as the command's preflight does."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    from hopsim import composition, preflight

    for text in given:
        key = composition.override_key(text)
        if key in ("experiment", "seed") or key.startswith("hydra"):
            raise ParameterError(
                "overrides",
                text,
                f"keys of the experiment's config ({key} is an argument "
                "of run() or belongs to the command)"
                if not key.startswith("hydra")
                else "keys of the experiment's config (hydra.* belongs to the command)",
            )
    job = [f"experiment={experiment}", *given, f"seed={seed}"]
    try:
        parsed = OverridesParser.create().parse_overrides(job)
    except OverrideParseException as exc:
        raise ParameterError(
            "overrides", given, f"Hydra overrides ({composition.one_line(exc)})"
        ) from None
    for text, ov in zip(job, parsed, strict=True):
        if ov.is_sweep_override():
            raise ParameterError(
                "overrides", text, "one value per key (a sweep runs from the command: hopsim -m)"
            )
    try:
        cfg = composition.composed(job, None)
        preflight.check_resolvable(cfg)
        preflight.check_additions(cfg, job)
    except composition.Refused as exc:
        raise RunConfigError(str(exc)) from None
    preflight.validate(cfg)  # a ConfigError names the key, as the command's message does
    return cfg


class RunConfigError(ValueError):
    """:func:`run` refused the config: the command's one-line message, naming the key."""
