"""Perceptron learning of maximal stability (Krauth and Mezard 1987), by AdaTron.

Stability. Every neuron i is a perceptron on the other N - 1 neurons. Its stability on
stored pattern mu and its margin are::

    Delta_i^mu = xi_i^mu sum_{j != i} J_ij xi_j^mu / ||J_i||,    kappa_i = min_mu Delta_i^mu,

with ``||J_i||^2 = sum_{j != i} J_ij^2`` (the self-coupling is excluded, and zero here). At
zero threshold pattern mu is a fixed point when every ``Delta_i^mu > 0``; the margin
measures how many bits a cue may get wrong and still be pulled back, so larger margins give
larger basins. Gardner (1988) computed the largest margin couplings can have at load
alpha, ``kappa_max(alpha)`` (:mod:`hopsim.theory.gardner`: 1.73 at alpha = 0.25, 0.47 at 1,
0 at alpha_c = 2), with the per-neuron load ``P / (N - 1)`` as N -> infinity.

Two targets (option ``kappa``):

``kappa = None`` (default): maximal stability
    every neuron gets the couplings of largest margin (Krauth and Mezard's optimal
    perceptron), to a certified relative precision ``tolerance``.
``kappa = K >= 0``: a fixed margin
    learning stops at the first couplings whose margin reaches K (strictly positive at
    K = 0: a plain zero-margin perceptron); where K exceeds the neuron's maximal
    stability it ends at the maximal stability, and does not count as converged.

Algorithm. AdaTron (Anlauf and Biehl 1989), over-relaxed
(:func:`hopsim.kernels.learning.adatron`): exact coordinate descent on the dual of
``min ||J_i||^2`` subject to ``xi_i^mu h_i^mu >= 1``, with ``J_ij = sum_mu c_imu xi_i^mu
xi_j^mu`` and embedding strengths ``c_imu >= 0``. It converges whenever the patterns are
separable (alpha < 2). After every sweep over the patterns the kernel brackets the maximal
margin: the reached margin from below, ``||J_i|| / sum_mu c_imu`` from above (no couplings
can beat it), and a neuron stops when the bracket's relative width is below
``tolerance`` (or its fixed margin is reached), or when ``budget`` sweeps are spent. A
sweep costs O(P^2) per neuron; the sweeps needed grow as alpha nears 2 (about 20 at
alpha = 0.5, 40 at 1, 160 at 1.5 for tolerance 1e-3, N = 200-500), and past alpha = 2
every neuron spends its whole budget.

Couplings. ``W_ij = J_ij / ||J_i||``: every row has unit norm, so the field of neuron i on a
stored pattern, ``xi_i^mu h_i^mu``, is its stability ``Delta_i^mu``; thresholds are in the
same units. Real and asymmetric, in factored form ``W = L^T xi - diag(d)`` with
``L_mu,i = c_imu xi_i^mu / ||J_i||``: dense and low-rank storage, not compact.

What asymmetry costs: ``W_ij != W_ji``, so there is no energy function (the ``energy``
hopsim reports is ``-1/2 s^T W s`` all the same, but it may rise), and asynchronous
dynamics may end on cycles as well as fixed points; the ``outcome`` and ``cycle_length``
variables report them.
"""

from __future__ import annotations

import math

import numpy as np

from hopsim.learning.base import (
    Couplings,
    LowRank,
    Option,
    Rule,
    check_number,
    register,
)
from hopsim.learning.stability import margins
from hopsim.theory.gardner import alpha_c

#: AdaTron's relaxation factor (it converges for 0 < RELAX < 2): at N = 200-500 and
#: tolerance 1e-3, 1.5 takes 0.4-0.5x the sweeps of the plain step 1 at alpha = 1-1.5 and
#: 1.2-1.3x at alpha <= 0.5, where every load converges in 10-25 sweeps anyway.
RELAX = 1.5


def learn_krauth_mezard(
    patterns: np.ndarray,
    kappa: float | None = None,
    budget: float = 1000.0,
    tolerance: float = 1e-3,
) -> Couplings:
    """Couplings of maximal stability (``kappa=None``) or of margin ``kappa``.

    Parameters
    ----------
    patterns : numpy.ndarray
        (P, N) +/-1.
    kappa : float or None
        None: maximal stability. A number >= 0: stop once every pattern has this margin
        (or at the maximal stability, when that is smaller).
    budget : float
        AdaTron sweeps allowed per neuron (a sweep visits the P patterns once); a neuron
        that runs out keeps what it reached (``info["converged_fraction"]``).
    tolerance : float
        Relative width of the certified bracket ``[reached, largest possible]`` margin at
        which a neuron counts as converged.

    Returns
    -------
    Couplings
        Unit-norm rows (``W = J``, scale 1). ``info`` (dataset attrs ``learning_*``):
        ``algorithm``, ``target``, ``kappa`` (NaN: maximal), ``criterion``, ``tolerance``,
        ``budget_sweeps``, ``sweeps_mean``, ``sweeps_max``, ``converged_fraction`` (the
        neurons that met the criterion), ``margin_mean`` and ``margin_min`` (the margins
        reached, :mod:`hopsim.learning.stability`), ``margin_gap_max`` (the largest
        certified relative gap to the maximal margin), ``stable_neuron_fraction`` (neurons
        with every stored bit stable, margin > 0).
    """
    X = np.ascontiguousarray(patterns, dtype=np.int8)
    P, N = X.shape
    C = np.zeros((N, P))
    sweeps = np.zeros(N, dtype=np.int64)
    if P and N > 1:
        sweeps = _run_adatron(X, kappa, budget, tolerance, C)
    E, norm = _stabilities(X, C)
    lower, upper = _bracket(X, E, norm, C)
    scale = np.where(norm > 0, 1.0 / np.where(norm > 0, norm, 1.0), 0.0)
    left = np.ascontiguousarray((C * X.T * scale[:, None]).T)  # (P, N): c_imu xi_i^mu / |J_i|
    info = _info(kappa, budget, tolerance, sweeps, lower, upper, P, N)
    return Couplings(
        rule="krauth_mezard",
        N=N,
        inverse_scale=1.0,
        integer=False,
        symmetric=False,
        zero_diagonal=True,
        max_abs=1.0,  # unit rows
        lowrank=LowRank(left, X, C.sum(axis=1) * scale),
        info=info,
    )


def _run_adatron(X: np.ndarray, kappa, budget: float, tolerance: float, C: np.ndarray):
    """Fill ``C`` with AdaTron's embedding strengths; return the sweeps of every neuron."""
    from hopsim.kernels.learning import adatron

    P, N = X.shape
    Xf = X.astype(np.float64)
    G = Xf @ Xf.T  # exact integers
    F = np.zeros((N, P))
    lower, upper = np.empty(N), np.empty(N)
    sweeps = np.zeros(N, dtype=np.int64)
    target = -math.inf if kappa is None else float(kappa)
    max_sweeps = int(math.ceil(budget))
    adatron(np.ascontiguousarray(Xf.T), G, target, tolerance, max_sweeps, RELAX, C, F, lower,
            upper, sweeps)  # fmt: skip
    return sweeps


def _stabilities(X: np.ndarray, C: np.ndarray):
    """Exact unnormalised stabilities ``xi_i^mu h_i^mu`` (N, P) and row norms ``||J_i||``.

    ``J_i = sum_mu c_imu xi_i^mu xi^mu - (sum_mu c_imu) e_i`` (no self-coupling), so
    ``xi_i^mu J_i . xi^mu = xi_i^mu ((c_i xi_i) G)_mu - sum_nu c_inu`` and
    ``||J_i||^2 = c_i . E_i``: one (N, P) x (P, P) product.
    """
    Xf = X.astype(np.float64)
    A = C * Xf.T
    E = Xf.T * (A @ (Xf @ Xf.T)) - C.sum(axis=1)[:, None]
    norm = np.sqrt(np.maximum(np.einsum("ip,ip->i", C, E), 0.0))
    return E, norm


def _bracket(X: np.ndarray, E: np.ndarray, norm: np.ndarray, C: np.ndarray):
    """(reached margin, largest possible margin ``||J_i|| / sum_mu c_imu``) per neuron;
    NaN where nothing was learned."""
    lower = margins((X.T * E).T, X, norm)  # J_ii = 0: the field is xi_i^mu E_i^mu
    total = C.sum(axis=1)
    ok = (norm > 0) & (total > 0)
    upper = np.where(ok, norm / np.where(ok, total, 1.0), np.nan)
    return lower, upper


def _info(kappa, budget, tolerance, sweeps, lower, upper, P: int, N: int) -> dict:
    """The diagnostics stored as ``learning_*`` dataset attrs (numbers and strings only)."""
    if kappa is None:
        reached = (upper - lower) <= tolerance * upper
        target = "maximal stability"
    else:
        reached = (lower >= kappa) & (lower > 0)
        target = f"fixed margin {float(kappa):g}"
    if P == 0:
        reached = np.ones(N, dtype=bool)
    finite = lower[np.isfinite(lower)]
    gap = 1.0 - lower / upper
    return {
        "algorithm": f"AdaTron (Anlauf and Biehl 1989), relaxation {RELAX:g}",
        "target": target,
        "kappa": math.nan if kappa is None else float(kappa),
        "criterion": "relative width of the certified margin bracket <= tolerance"
        + ("" if kappa is None else ", or margin >= kappa"),
        "tolerance": float(tolerance),
        "budget_sweeps": int(math.ceil(budget)),
        "sweeps_mean": float(sweeps.mean()) if N else 0.0,
        "sweeps_max": int(sweeps.max(initial=0)),
        "converged_fraction": float(np.mean(reached)) if N else 1.0,
        "margin_mean": float(finite.mean()) if finite.size else math.nan,
        "margin_min": float(finite.min()) if finite.size else math.nan,
        "margin_gap_max": float(np.nanmax(gap)) if np.isfinite(gap).any() else math.nan,
        "stable_neuron_fraction": float(np.mean(lower > 0)) if N and P else 1.0,
    }


def learning_bytes(N: int, P: int, **_) -> float:
    """Peak bytes of :func:`learn_krauth_mezard` beyond the patterns: 48 N P + 8 P^2.

    Measured with tracemalloc at N = 200-800, alpha = 0.5-1.5: 40-44 N P + ~0.6 P^2 (the
    embedding strengths, the fields, ``xi xi^T``, the exact recomputation and the factors).
    """
    return 48.0 * float(N) * float(P) + 8.0 * float(P) * float(P)


KRAUTH_MEZARD = register(
    Rule(
        name="krauth_mezard",
        learn=learn_krauth_mezard,
        options={
            "kappa": Option(
                None,
                check_number(0.0, 10.0, optional=True),
                "null: maximal stability; a number: stop once every pattern has this margin",
            ),
            "budget": Option(
                1000.0, check_number(1.0, 1e7), "AdaTron sweeps per neuron (P updates each)"
            ),
            "tolerance": Option(
                1e-3,
                check_number(1e-9, 0.5),
                "relative width of the certified margin bracket that counts as converged",
            ),
        },
        integer=False,
        symmetric=False,
        lowrank=True,
        capacity=lambda N: float(alpha_c(0.0)) * N,
        capacity_text="alpha_c(kappa) (Gardner 1988): 2 at kappa = 0; margin kappa_max(alpha)",
        summary="Krauth-Mezard: perceptron of maximal stability by AdaTron (asymmetric)",
        learning_bytes=learning_bytes,
    )
)
