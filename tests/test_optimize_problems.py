"""Problems of hopsim.optimize: energies against the textbook formulas, exact enumeration
against brute force, Held-Karp against all permutations, the Hopfield-Tank energy written
plainly, random graphs, and G-set files (well-formed and hostile)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp

from hopsim import optimize as opt
from hopsim.optimize import graphs, tsp
from hopsim.optimize.problems import random_states


def all_states(N: int) -> np.ndarray:
    codes = np.arange(2**N)[:, None]
    return np.where((codes >> np.arange(N)) & 1, -1, 1).astype(np.int8)


# --------------------------------------------------------------------------- energies


def test_energy_is_the_ising_hamiltonian_written_plainly():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(7, 7))  # not symmetric, with a diagonal: folded in by create()
    h = rng.normal(size=7)
    problem = opt.from_couplings(A, h, offset=0.5)
    S = random_states(rng, 20, 7)
    for s in S:
        plain = -sum(A[i, j] * s[i] * s[j] for i in range(7) for j in range(7)) / 2
        plain += -float(h @ s) + 0.5
        assert problem.energy(s) == pytest.approx(plain, abs=1e-12)
    assert np.allclose(problem.J, problem.J.T) and np.all(np.diag(problem.J) == 0)


def test_sparse_and_dense_couplings_give_the_same_energies():
    rng = np.random.default_rng(1)
    dense = opt.sk(12, rng)
    sparse = opt.from_couplings(sp.csr_matrix(dense.J))
    S = random_states(rng, 50, 12)
    assert sparse.sparse and not dense.sparse
    np.testing.assert_allclose(sparse.energy(S), dense.energy(S), atol=1e-12)


def test_sk_couplings_have_the_sk_statistics():
    J = opt.sk(400, np.random.default_rng(2)).J
    upper = J[np.triu_indices(400, 1)]
    assert upper.var() * 400 == pytest.approx(1.0, abs=4 * math.sqrt(2 / upper.size) * 1.5)
    assert abs(upper.mean()) < 4 / math.sqrt(upper.size) / math.sqrt(400)
    pm = opt.sk(50, np.random.default_rng(3), "pm1").J
    assert set(np.unique(np.abs(pm[np.triu_indices(50, 1)]))) == {1 / math.sqrt(50)}


def test_maxcut_energy_is_minus_the_cut():
    rng = np.random.default_rng(4)
    edges = graphs.erdos_renyi_edges(9, 4.0, rng)
    w = rng.normal(size=len(edges))
    problem = opt.maxcut(edges, 9, w)
    for s in random_states(rng, 30, 9):
        cut = sum(wk for (i, j), wk in zip(edges, w, strict=True) if s[i] != s[j])
        assert problem.energy(s) == pytest.approx(-cut, abs=1e-12)


def test_qubo_energy_agrees_state_by_state():
    rng = np.random.default_rng(5)
    Q, c = rng.normal(size=(6, 6)), rng.normal(size=6)
    problem = opt.from_qubo(Q, c, 1.25)
    for s in all_states(6):
        x = (1 + s) / 2
        assert problem.energy(s) == pytest.approx(x @ Q @ x + c @ x + 1.25, abs=1e-12)


def test_networkx_graph_gives_the_same_problem_as_its_edges():
    nx = pytest.importorskip("networkx")
    G = nx.random_regular_graph(3, 10, seed=1)
    for a, b in G.edges:
        G[a][b]["weight"] = a + b / 10
    problem = opt.maxcut(G)
    edges = np.array(list(G.edges))
    w = np.array([G[a][b]["weight"] for a, b in G.edges])
    S = random_states(np.random.default_rng(6), 20, 10)
    np.testing.assert_allclose(problem.energy(S), opt.maxcut(edges, 10, w).energy(S))


# --------------------------------------------------------------------------- exact answers


@pytest.mark.parametrize("N", [1, 2, 5, 9, 13])
@pytest.mark.parametrize("fields", [False, True])
def test_gray_code_enumeration_matches_brute_force(N, fields):
    rng = np.random.default_rng(N)
    h = rng.normal(size=N) if fields else None
    problem = opt.from_couplings(opt.sk(N, rng).J, h)
    gs = opt.ground_state(problem)
    lowest, E = opt.brute_force(problem)
    assert gs.energy == pytest.approx(lowest, abs=1e-12)
    assert problem.energy(gs.state) == pytest.approx(lowest, abs=1e-12)
    assert gs.degeneracy == int(np.sum(np.abs(E - lowest) <= gs.tol))


def test_enumeration_counts_a_degenerate_ground_state():
    # +/-1 couplings on a 3-regular graph: integer energies, many ground states
    rng = np.random.default_rng(7)
    problem = opt.random_maxcut(12, rng, "regular", 3, "pm1")
    gs = opt.ground_state(problem)
    lowest, E = opt.brute_force(problem)
    assert gs.energy == lowest
    assert gs.degeneracy == int(np.sum(E == lowest)) and gs.degeneracy >= 2


def test_held_karp_matches_every_permutation():
    rng = np.random.default_rng(8)
    for n in (3, 4, 5, 6, 7):
        d = opt.distances(opt.random_cities(n, rng))
        best = min(tsp.tour_length(d, (0, *p)) for p in itertools.permutations(range(1, n)))
        length, tour = opt.held_karp(d)
        assert length == pytest.approx(best, abs=1e-12)
        assert sorted(tour) == list(range(n)) and tsp.tour_length(d, tour) == pytest.approx(best)


# --------------------------------------------------------------------------- TSP network


def hopfield_tank_energy(V, d, p):
    """Hopfield and Tank's (1985) energy, term by term, over an n x n array V."""
    n = len(d)
    e = 0.0
    for x in range(n):
        for i in range(n):
            for j in range(n):
                if j != i:
                    e += p.A / 2 * V[x, i] * V[x, j]
    for i in range(n):
        for x in range(n):
            for y in range(n):
                if y != x:
                    e += p.B / 2 * V[x, i] * V[y, i]
    e += p.C / 2 * (V.sum() - p.n_tilde) ** 2
    for x in range(n):
        for y in range(n):
            if y != x:
                for i in range(n):
                    e += p.D / 2 * d[x, y] * V[x, i] * (V[y, (i + 1) % n] + V[y, (i - 1) % n])
    return e


@pytest.mark.parametrize("n", [3, 4, 5])
def test_tsp_network_energy_is_hopfield_and_tanks(n):
    rng = np.random.default_rng(9)
    d = opt.distances(opt.random_cities(n, rng))
    params = opt.HTParameters(A=3.0, B=5.0, C=2.0, D=7.0, n_tilde=n + 1.5)
    problem = opt.tsp_problem(d, params)
    for s in random_states(rng, 40, n * n):
        V = ((1 + s) / 2).reshape(n, n)
        assert problem.energy(s) == pytest.approx(hopfield_tank_energy(V, d, params), abs=1e-9)


def test_valid_tours_decode_and_have_energy_d_times_length():
    rng = np.random.default_rng(10)
    n = 6
    d = opt.distances(opt.random_cities(n, rng))
    tours = np.array([rng.permutation(n) for _ in range(5)])
    S = tsp.tour_states(tours, n)
    decoded, valid = opt.decode(S, n)
    assert valid.all() and np.array_equal(decoded, tours)
    problem = opt.tsp_problem(d)
    lengths = [opt.tour_length(d, t) for t in tours]
    np.testing.assert_allclose(problem.energy(S), [tsp.valid_energy(L, n) for L in lengths])
    broken = S.copy()
    broken[0, 0] *= -1
    assert not opt.decode(broken, n)[1][0]


def test_hopfield_tank_circuit_is_reproducible_and_decodes_its_states():
    rng = np.random.default_rng(11)
    d = opt.distances(opt.random_cities(6, rng))
    a = opt.hopfield_tank(d, num_reads=6, steps=3000, seed=4)
    b = opt.hopfield_tank(d, num_reads=3, steps=3000, seed=4)
    np.testing.assert_array_equal(a.state.values[:3], b.state.values)
    assert set(np.unique(a.outcome.values)) <= {0, 1, 2}
    np.testing.assert_array_equal(a.outcome.values == 0, opt.decode(a.state.values, 6)[1])


# --------------------------------------------------------------------------- random graphs


def test_pair_index_map_covers_every_pair_once():
    N = 9
    pairs = graphs._pairs_from_index(np.arange(N * (N - 1) // 2), N)
    assert [tuple(p) for p in pairs] == list(itertools.combinations(range(N), 2))


def test_random_regular_graph_is_simple_and_regular():
    edges = graphs.regular_edges(500, 4, np.random.default_rng(12))
    assert len(edges) == 1000 and np.all(edges[:, 0] < edges[:, 1])
    assert np.all(np.bincount(edges.ravel(), minlength=500) == 4)
    assert len({tuple(e) for e in edges}) == 1000


def test_erdos_renyi_mean_degree():
    edges = graphs.erdos_renyi_edges(2000, 5.0, np.random.default_rng(13))
    m_expected = 5.0 * 2000 / 2
    assert abs(len(edges) - m_expected) < 4 * math.sqrt(m_expected)
    assert len({tuple(e) for e in edges}) == len(edges) and np.all(edges[:, 0] < edges[:, 1])


# --------------------------------------------------------------------------- G-set files


def test_gset_round_trip(tmp_path):
    problem = opt.random_maxcut(30, np.random.default_rng(14), "regular", 3, "pm1")
    path = opt.write_gset(tmp_path / "g.txt", problem)
    again = opt.read_gset(path)
    S = random_states(np.random.default_rng(15), 10, 30)
    np.testing.assert_allclose(again.energy(S), problem.energy(S))
    assert again.sparse and again.info["edges"] == 45


def test_bundled_example_is_the_weighted_torus():
    problem = opt.read_gset("torus8_pm1")
    assert problem.N == 64 and problem.info["edges"] == 128
    edges = graphs.torus_edges(8)
    assert np.all(np.bincount(edges.ravel(), minlength=64) == 4)
    w = -2 * problem.J.toarray()[edges[:, 0], edges[:, 1]]
    assert set(np.unique(w)) == {-1.0, 1.0}


def test_gset_file_with_blank_lines_and_two_columns(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("\n3 3\n1 2\n\n2 3 2.5\n1 3 -1\n\n")
    problem = opt.read_gset(path)
    assert problem.N == 3 and problem.info["total_weight"] == 2.5
    assert problem.energy(np.array([1, -1, 1])) == pytest.approx(-(1 + 2.5))


HOSTILE = [
    ("", "empty file"),
    ("3\n", "expected 'n m'"),
    ("a 3\n", "node count n 'a' is not an integer"),
    ("3 x\n", "edge count m 'x'"),
    ("0 0\n", "n=0"),
    ("1000000000 1\n1 2 1\n", "n=1000000000"),
    ("3 5\n", "m=5"),
    ("3 1\n1 4 1\n", "node 4 outside 1..3"),
    ("3 1\n0 2 1\n", "node 0 outside 1..3"),
    ("3 1\n2 2 1\n", "self-loop"),
    ("3 1\n1 2 nan\n", "not finite"),
    ("3 1\n1 2 inf\n", "not finite"),
    ("3 1\n1 2 heavy\n", "weight 'heavy' is not a number"),
    ("3 1\n1.5 2 1\n", "node '1.5' is not an integer"),
    ("3 1\n1 2 1 9\n", "4 fields"),
    ("3 2\n1 2 1\n", "1 edges, but the header says m=2"),
    ("3 1\n1 2 1\n2 3 1\n", "more edges than the header's m=1"),
    ("3 2\n1 2 1\n2 1 3\n", "edge 1 2 given again (first on line 2)"),
]


@pytest.mark.parametrize(("text", "reason"), HOSTILE, ids=[r for _, r in HOSTILE])
def test_malformed_gset_files_are_refused_in_one_line(tmp_path, text, reason):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(opt.GsetError) as info:
        opt.read_gset(path)
    message = str(info.value)
    assert reason in message and str(path) in message and "\n" not in message


def test_missing_binary_and_directory_gset_paths_are_refused(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    for path, reason in [
        (tmp_path / "nope.txt", "no such file"),
        (tmp_path / "bin.txt", "not a text file"),
        (tmp_path, "not a file"),
    ]:
        with pytest.raises(opt.GsetError, match=reason):
            opt.read_gset(path)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: opt.from_couplings([[0, np.nan], [np.nan, 0]]), "NaN"),
        (lambda: opt.from_couplings(np.zeros((2, 3))), "(N, N)"),
        (lambda: opt.from_couplings(np.zeros((2, 2)), [1.0, np.inf]), "fields"),
        (lambda: opt.sk(10**9, np.random.default_rng(0)), "N=1000000000"),
        (lambda: opt.sk(40_000, np.random.default_rng(0)), "needs"),
        (lambda: opt.sk(0, np.random.default_rng(0)), "N=0"),
        (lambda: opt.sk(10, np.random.default_rng(0), "cauchy"), "couplings"),
        (lambda: opt.maxcut([[0, 0]], 2), "self-loop"),
        (lambda: opt.maxcut([[0, 1], [1, 0]], 2), "twice"),
        (lambda: opt.maxcut([[0, 1]], 2, [np.nan]), "NaN"),
        (lambda: opt.maxcut([[0, 5]], 3), "outside"),
        (lambda: opt.random_cities(2, np.random.default_rng(0)), "cities=2"),
        (lambda: opt.distances([[0, 0], [1, 1]]), "cities=2"),
        (lambda: opt.distances([[0, 0], [1, np.nan], [2, 2]]), "NaN"),
        (lambda: tsp.check_distances(-np.ones((3, 3)) + np.eye(3)), "negative"),
        (lambda: opt.held_karp(opt.distances(np.random.default_rng(0).random((17, 2)))), "17"),
        (lambda: opt.HTParameters(D=-1.0), "D=-1.0"),
        (lambda: opt.HTParameters(dt=float("nan")), "dt=nan"),
        (lambda: opt.ground_state(opt.sk(29, np.random.default_rng(0))), "N=29"),
        (lambda: opt.Schedule(10, 2.0, 1.0), "beta_max"),
        (lambda: graphs.regular_edges(5, 3, np.random.default_rng(0)), "degree=3"),
    ],
)
def test_bad_problem_inputs_raise_one_line_value_errors(call, needle):
    with pytest.raises(ValueError) as info:
        call()
    assert needle in str(info.value) and "\n" not in str(info.value)
