"""Exhaustive state-transition graphs of small discrete Hopfield networks (N <= 16).

Every one of the ``2**N`` states is enumerated, so the synchronous map, the
asynchronous transition graph, the fixed points, the cycles of the synchronous map and
the basins of attraction are exact, not sampled.

State codes
-----------
A state is named by an integer ``code`` in ``[0, 2**N)``. Neuron ``i`` is ``+1`` when
bit ``N - 1 - i`` of the code is set and ``-1`` otherwise, so the code reads as the
binary number ``s_0 s_1 ... s_{N-1}`` with ``-1 -> 0`` and ``+1 -> 1`` (neuron 0 is the
most significant bit). For N = 2: code 0 is ``[-1, -1]``, 1 is ``[-1, +1]``, 2 is
``[+1, -1]`` and 3 is ``[+1, +1]``.

Transitions
-----------
Both maps use :meth:`hopsim.network.Network.threshold_update`, so thresholds and the
tie rule (``plus``: +1 at the threshold; ``keep``: the old value) are those of the
network.

``sync``
    One successor per state: every neuron updated from the same old state.
``async``
    Each state leads to the states one single-neuron update reaches: for neuron ``i``,
    the state with neuron ``i`` replaced by its update (the state itself when neuron
    ``i`` does not change). Random-order asynchronous dynamics can follow any path of
    this graph, so the fixed points it can end in from a state are exactly the fixed
    points reachable from that state in the graph.

A fixed point (no neuron changes) is the same for both maps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, product

import numpy as np

from hopsim.errors import ParameterError
from hopsim.network import Network

MAX_N = 16
CLASSES = ("pattern", "inverse", "mixture", "spurious", "cycle")
MAX_MIXTURE_CANDIDATES = 200_000


# --------------------------------------------------------------------------- codes


def _weights(N: int) -> np.ndarray:
    """Bit value of each neuron: neuron i -> 2**(N - 1 - i)."""
    return (1 << np.arange(N - 1, -1, -1, dtype=np.int64)).astype(np.int64)


def codes_to_spins(codes: np.ndarray | int, N: int) -> np.ndarray:
    """+/-1 vectors of state codes.

    Parameters
    ----------
    codes : int or numpy.ndarray
        Integer codes in ``[0, 2**N)``.
    N : int
        Number of neurons.

    Returns
    -------
    numpy.ndarray
        Shape ``codes.shape + (N,)``, int8; neuron 0 is the most significant bit.
    """
    codes = np.asarray(codes, dtype=np.int64)
    bits = (codes[..., None] & _weights(N)) != 0
    return np.where(bits, 1, -1).astype(np.int8)


def spins_to_codes(states: np.ndarray) -> np.ndarray:
    """Integer codes of +/-1 states (..., N); inverse of :func:`codes_to_spins`."""
    states = np.asarray(states)
    N = states.shape[-1]
    return ((states > 0).astype(np.int64) * _weights(N)).sum(axis=-1)


def all_states(N: int) -> np.ndarray:
    """All ``2**N`` states in code order, shape (2**N, N), int8."""
    _check_size(N)
    return codes_to_spins(np.arange(2**N, dtype=np.int64), N)


def spin_string(state: np.ndarray) -> str:
    """A state as a string of ``+`` and ``-`` (neuron 0 first), e.g. ``"+-+"``."""
    return "".join("+" if s > 0 else "-" for s in np.asarray(state).ravel())


def _check_size(N: int) -> None:
    if not 1 <= N <= MAX_N:
        raise ParameterError("N", N, f"an integer in [1, {MAX_N}]")


# --------------------------------------------------------------------------- maps


def sync_map(net: Network) -> np.ndarray:
    """Synchronous successor of every state: (2**N,) int64 codes."""
    S = all_states(net.N)
    return spins_to_codes(net.threshold_update(net.raw_fields(S), S))


def async_successors(net: Network) -> np.ndarray:
    """State after updating one neuron, for every state and neuron.

    Returns
    -------
    numpy.ndarray
        (2**N, N) int64: entry ``[c, i]`` is the code after neuron ``i`` of state ``c``
        is updated (``c`` itself when that neuron keeps its value).
    """
    S = all_states(net.N)
    new = net.threshold_update(net.raw_fields(S), S)
    codes = np.arange(S.shape[0], dtype=np.int64)[:, None]
    flips = new != S
    return np.where(flips, codes ^ _weights(net.N)[None, :], codes)


def energies(net: Network) -> np.ndarray:
    """Energy ``-1/2 s^T W s + theta^T s`` of every state, (2**N,) float64."""
    return net.energy(all_states(net.N))


# --------------------------------------------------------------------------- sync attractors


def _doublings(n_states: int) -> int:
    """Number of squarings so that 2**k exceeds every transient and cycle length."""
    return max(1, int(n_states).bit_length())


def sync_attractors(successor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attractors of a map on ``n`` states (vectorised, repeated squaring).

    Parameters
    ----------
    successor : numpy.ndarray
        (n,) int64 image of each state.

    Returns
    -------
    attractor_id : numpy.ndarray
        (n,) the smallest code on the cycle each state ends in (its attractor's name).
    on_cycle : numpy.ndarray
        (n,) bool: the state lies on a cycle (a fixed point is a cycle of length 1).
    steps : numpy.ndarray
        (n,) number of map steps until the state first lies on its cycle.
    """
    f = np.asarray(successor, dtype=np.int64)
    n = f.size
    k = _doublings(n)
    g = f.copy()  # g = f^(2^j)
    for _ in range(k):
        g = g[g]
    # f^(2^k) with 2^k > n maps every state onto its cycle; its image is the set of
    # cyclic states (f permutes them).
    on_cycle = np.zeros(n, dtype=bool)
    on_cycle[g] = True
    # minimum over the orbit of f: m_j(x) = min_{t < 2^j} f^t(x)
    m = np.arange(n, dtype=np.int64)
    h = f.copy()
    for _ in range(k):
        m = np.minimum(m, m[h])
        h = h[h]
    attractor_id = m[g]
    # steps to reach the cycle: iterate until on the cycle (transients are short)
    steps = np.zeros(n, dtype=np.int64)
    x = np.arange(n, dtype=np.int64)
    moving = ~on_cycle[x]
    while moving.any():
        steps[moving] += 1
        x[moving] = f[x[moving]]
        moving = ~on_cycle[x]
    return attractor_id, on_cycle, steps


# --------------------------------------------------------------------------- async reachability


def async_reachable(succ: np.ndarray, fixed_codes: np.ndarray) -> np.ndarray:
    """Which fixed points each state can reach through single-neuron updates.

    Parameters
    ----------
    succ : numpy.ndarray
        (n, N) successors from :func:`async_successors`.
    fixed_codes : numpy.ndarray
        (F,) codes of the fixed points.

    Returns
    -------
    numpy.ndarray
        (n, F) bool; entry ``[c, f]`` is True when fixed point ``f`` is reachable from
        state ``c`` (a fixed point reaches itself only).

    Notes
    -----
    Bit sets of 64 fixed points per uint64 word are propagated backwards along the
    edges, ``R[c] |= R[succ[c, i]]``, until nothing changes: at most the length of the
    longest path, which is short because every move lowers the energy (or, at a tie,
    raises the number of +1 neurons) in a network with symmetric couplings.
    """
    n, _ = succ.shape
    F = fixed_codes.size
    words = max(1, (F + 63) // 64)
    R = np.zeros((n, words), dtype=np.uint64)
    idx = np.arange(F)
    np.bitwise_or.at(
        R, (fixed_codes, idx // 64), np.left_shift(np.uint64(1), (idx % 64).astype(np.uint64))
    )
    while True:
        new = R.copy()
        for i in range(succ.shape[1]):
            new |= R[succ[:, i]]
        if np.array_equal(new, R):
            break
        R = new
    bits = np.zeros((n, F), dtype=bool)
    for f in range(F):
        bits[:, f] = (R[:, f // 64] >> np.uint64(f % 64)) & np.uint64(1) != 0
    return bits


# --------------------------------------------------------------------------- classification


def mixture_candidates(
    patterns: np.ndarray, max_candidates: int = MAX_MIXTURE_CANDIDATES
) -> tuple[np.ndarray, list[str], int]:
    """Mixture states ``sgn(sum_k e_k xi_{mu_k})`` over odd sets of 3, 5, ... patterns.

    Every odd subset of the patterns (size >= 3) with every choice of signs ``e_k``
    is formed, order by order, while the total stays within ``max_candidates``.
    ``sgn`` gives +1 at 0 (the +1 tie convention); a sum of an odd number of +/-1 is
    never 0, so the convention does not matter here.

    Returns
    -------
    states : numpy.ndarray
        (M, N) int8 mixture states.
    names : list of str
        e.g. ``"0+1-2"`` (pattern indices with their signs).
    max_order : int
        Largest number of patterns mixed (0 when none could be formed).
    """
    xi = np.asarray(patterns, dtype=np.int64)
    P, N = xi.shape
    states, names, total, max_order = [], [], 0, 0
    for order in range(3, P + 1, 2):
        subsets = list(combinations(range(P), order))
        signs = np.array(list(product((1, -1), repeat=order - 1)), dtype=np.int64)
        count = len(subsets) * len(signs)
        if total + count > max_candidates:
            break
        total += count
        max_order = order
        for sub in subsets:
            block = xi[list(sub)]  # (order, N)
            sums = block[0][None, :] + signs @ block[1:]
            states.append(np.where(sums >= 0, 1, -1).astype(np.int8))
            for sg in signs:
                parts = [str(sub[0])] + [
                    ("+" if e > 0 else "-") + str(mu) for e, mu in zip(sg, sub[1:], strict=True)
                ]
                names.append("".join(parts))
    if not states:
        return np.zeros((0, N), dtype=np.int8), [], 0
    return np.concatenate(states), names, max_order


def classify_state(
    state: np.ndarray, patterns: np.ndarray, mixtures: tuple[np.ndarray, list[str]] | None = None
) -> tuple[str, str]:
    """Relation of one state to the stored patterns.

    Returns
    -------
    (kind, detail) : tuple of str
        kind is ``pattern``, ``inverse``, ``mixture`` or ``spurious``; detail is the
        pattern index (``"0"``), the mixture (``"0+1-2"``) or ``""``. An exact pattern
        wins over an inverse, which wins over a mixture.
    """
    s = np.asarray(state, dtype=np.int8)
    xi = np.asarray(patterns, dtype=np.int8)
    if xi.shape[0]:
        same = np.all(xi == s, axis=1)
        if same.any():
            return "pattern", str(int(np.argmax(same)))
        opposite = np.all(xi == -s, axis=1)
        if opposite.any():
            return "inverse", str(int(np.argmax(opposite)))
    if mixtures is not None and mixtures[0].shape[0]:
        hit = np.all(mixtures[0] == s, axis=1)
        if hit.any():
            return "mixture", mixtures[1][int(np.argmax(hit))]
    return "spurious", ""


# --------------------------------------------------------------------------- the graph


@dataclass
class StateGraph:
    """Everything about the state space of one network.

    Attributes
    ----------
    N : int
    spins : numpy.ndarray
        (2**N, N) int8 states in code order.
    energy : numpy.ndarray
        (2**N,) energies.
    sync_successor : numpy.ndarray
        (2**N,) code of the synchronous successor.
    async_successor : numpy.ndarray
        (2**N, N) code after updating neuron i.
    is_fixed_point : numpy.ndarray
        (2**N,) bool.
    attractor_id : numpy.ndarray
        (2**N,) smallest code on the synchronous cycle the state ends in.
    on_cycle : numpy.ndarray
        (2**N,) bool: the state is on a synchronous cycle (fixed points included).
    sync_steps : numpy.ndarray
        (2**N,) synchronous steps before the state reaches its attractor.
    attractors : numpy.ndarray
        (A,) attractor ids (sorted).
    attractor_states : list of numpy.ndarray
        Codes on each attractor's cycle in the order the map visits them, from the id.
    attractor_labels : list of str
        One readable, unique label per attractor, e.g. ``"pattern 0 (-+)"``,
        ``"cycle (--)<->(++)"``.
    attractor_kind : list of str
        ``pattern``, ``inverse``, ``mixture``, ``spurious`` (fixed points) or ``cycle``.
    basin_size : numpy.ndarray
        (A,) number of states whose synchronous orbit ends in each attractor.
    fixed_points : numpy.ndarray
        (F,) codes of the fixed points.
    reachable : numpy.ndarray
        (2**N, F) bool, fixed points reachable by asynchronous updates.
    mixture_order : int
        Largest mixture order checked in the classification.
    """

    N: int
    spins: np.ndarray
    energy: np.ndarray
    sync_successor: np.ndarray
    async_successor: np.ndarray
    is_fixed_point: np.ndarray
    attractor_id: np.ndarray
    on_cycle: np.ndarray
    sync_steps: np.ndarray
    attractors: np.ndarray
    attractor_states: list = field(default_factory=list)
    attractor_labels: list = field(default_factory=list)
    attractor_kind: list = field(default_factory=list)
    basin_size: np.ndarray | None = None
    fixed_points: np.ndarray | None = None
    reachable: np.ndarray | None = None
    mixture_order: int = 0

    @property
    def attractor_index(self) -> np.ndarray:
        """(2**N,) position of each state's synchronous attractor in ``attractors``."""
        return np.searchsorted(self.attractors, self.attractor_id)

    def fixed_point_labels(self) -> list[str]:
        """Labels of the fixed points, in the order of ``fixed_points``."""
        lookup = dict(zip(self.attractors.tolist(), self.attractor_labels, strict=True))
        return [lookup[int(c)] for c in self.fixed_points]


def analyse(net: Network, patterns: np.ndarray | None = None) -> StateGraph:
    """Build the exact state graph of a network with N <= 16 neurons.

    Parameters
    ----------
    net : Network
        Couplings, thresholds and tie rule.
    patterns : numpy.ndarray, optional
        (P, N) stored patterns used to classify the attractors (default: the network's).

    Returns
    -------
    StateGraph
    """
    N = net.N
    _check_size(N)
    if patterns is None:
        patterns = net.patterns if net.patterns is not None else np.zeros((0, N), np.int8)
    patterns = np.asarray(patterns, dtype=np.int8)
    spins = all_states(N)
    energy = net.energy(spins)
    sync = sync_map(net)
    asyn = async_successors(net)
    codes = np.arange(spins.shape[0], dtype=np.int64)
    is_fixed = sync == codes
    attractor_id, on_cycle, steps = sync_attractors(sync)
    attractors = np.unique(attractor_id)
    counts = np.bincount(np.searchsorted(attractors, attractor_id), minlength=attractors.size)

    mix_states, mix_names, mix_order = mixture_candidates(patterns)
    mixtures = (mix_states, mix_names)
    cycles, labels, kinds = [], [], []
    for a in attractors:
        orbit = [int(a)]
        while int(sync[orbit[-1]]) != orbit[0]:
            orbit.append(int(sync[orbit[-1]]))
        cycles.append(np.array(orbit, dtype=np.int64))
        if len(orbit) == 1:
            kind, detail = classify_state(spins[a], patterns, mixtures)
            text = {"pattern": f"pattern {detail}", "inverse": f"inverse {detail}"}.get(kind)
            if kind == "mixture":
                text = f"mixture {detail}"
            elif kind == "spurious":
                text = "spurious"
            labels.append(f"{text} ({spin_string(spins[a])})")
        else:
            kind = "cycle"
            labels.append("cycle " + "<->".join(f"({spin_string(spins[c])})" for c in orbit))
        kinds.append(kind)

    fixed_points = codes[is_fixed]
    reachable = async_reachable(asyn, fixed_points)
    return StateGraph(
        N=N,
        spins=spins,
        energy=energy,
        sync_successor=sync,
        async_successor=asyn,
        is_fixed_point=is_fixed,
        attractor_id=attractor_id,
        on_cycle=on_cycle,
        sync_steps=steps,
        attractors=attractors,
        attractor_states=cycles,
        attractor_labels=labels,
        attractor_kind=kinds,
        basin_size=counts,
        fixed_points=fixed_points,
        reachable=reachable,
        mixture_order=mix_order,
    )
