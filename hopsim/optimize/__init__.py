"""Hopfield networks as optimisers: Ising / QUBO / Max-Cut ground states and the TSP.

Problems (:mod:`~hopsim.optimize.problems`, :mod:`~hopsim.optimize.graphs`,
:mod:`~hopsim.optimize.gset`, :mod:`~hopsim.optimize.tsp`) are
:class:`IsingProblem` objects, ``E(s) = -1/2 s^T J s - h^T s + offset`` with dense or sparse
couplings. Solvers (:mod:`~hopsim.optimize.solvers`) are built from hopsim's dynamics:
simulated annealing (:func:`anneal`), zero-temperature descent (:func:`descend`), mean-field
annealing (:func:`mean_field_anneal`) and Hopfield and Tank's analogue circuit for the TSP
(:func:`hopfield_tank`); each returns an xarray Dataset with one row per read. Exact answers
for small instances: :func:`ground_state` (enumeration, N <= 28) and :func:`held_karp`.

Example::

    from hopsim import optimize as opt
    problem = opt.sk(64, np.random.default_rng(1))
    ds = opt.anneal(problem, num_reads=16, sweeps=2000, seed=0)
    ds.energy.min().item() / problem.N   # -0.680 for this instance (N -> inf: -0.7632)
"""

from hopsim.optimize.exact import GroundState, brute_force, ground_state
from hopsim.optimize.graphs import erdos_renyi_edges, random_maxcut, regular_edges
from hopsim.optimize.gset import GsetError, read_gset, write_gset
from hopsim.optimize.problems import (
    IsingProblem,
    ProblemError,
    from_couplings,
    from_networkx,
    from_qubo,
    maxcut,
    sk,
)
from hopsim.optimize.solvers import (
    SOLVERS,
    Schedule,
    anneal,
    default_beta_range,
    descend,
    mean_field_anneal,
    solve,
)
from hopsim.optimize.tsp import (
    HOPFIELD_TANK,
    HTParameters,
    decode,
    distances,
    held_karp,
    hopfield_tank,
    random_cities,
    tour_length,
    tsp_problem,
)

__all__ = [
    "HOPFIELD_TANK",
    "SOLVERS",
    "GroundState",
    "GsetError",
    "HTParameters",
    "IsingProblem",
    "ProblemError",
    "Schedule",
    "anneal",
    "brute_force",
    "decode",
    "default_beta_range",
    "descend",
    "distances",
    "erdos_renyi_edges",
    "from_couplings",
    "from_networkx",
    "from_qubo",
    "ground_state",
    "held_karp",
    "hopfield_tank",
    "maxcut",
    "mean_field_anneal",
    "random_cities",
    "random_maxcut",
    "read_gset",
    "regular_edges",
    "sk",
    "solve",
    "tour_length",
    "tsp_problem",
    "write_gset",
]
