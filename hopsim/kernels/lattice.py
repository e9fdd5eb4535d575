"""numba kernels for Ising lattices: checkerboard single-spin updates and Wolff clusters.

Spins are int8 arrays of +1/-1: shape (L,) for the periodic chain, (L, L) for the
periodic square lattice. ``L`` must be even so that the two checkerboard colours are
independent sets.

Random numbers
--------------
The kernels take one 64-bit ``seed`` drawn by the caller from the chain's numpy
Generator and use the SplitMix64 sequence of that seed, ``x_n = mix(seed + n * GAMMA)``
(Steele, Lea and Flood 2014). Single-spin kernels are *counter based*: the number for
site ``k`` in sweep ``t`` is ``x_{t N + k + 1}``, so results do not depend on the order in
which sites of one colour are visited, nor on the number of threads. Acceptance uses
the top 53 bits, ``u = (x >> 11) 2^-53``, compared exactly with an integer threshold
``floor(p 2^53)`` (see :func:`hopsim.dynamics.lattice.acceptance_table`); no random
number is generated when the acceptance probability is 0 or 1.

Acceptance tables
-----------------
``thr[9 * (s + 1) // 2 + nb + 4]`` for the current spin ``s`` and neighbour sum ``nb``:
``thr == FULL`` always flips, ``thr == 0`` never does.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from hopsim.kernels.random import GAMMA, mix64

FULL = np.uint64(1 << 53)


@njit(cache=True, inline="always")
def _accept(thr, idx, seed, counter):
    t = thr[idx]
    if t == FULL:
        return True
    if t == np.uint64(0):
        return False
    return (mix64(seed + GAMMA * np.uint64(counter)) >> np.uint64(11)) < t


# --------------------------------------------------------------------------- square lattice


@njit(cache=True, inline="always")
def _square_row(spins, x, color, thr, seed, base):
    L = spins.shape[0]
    xu = x - 1 if x > 0 else L - 1
    xd = x + 1 if x < L - 1 else 0
    for y in range((x + color) & 1, L, 2):
        yl = y - 1 if y > 0 else L - 1
        yr = y + 1 if y < L - 1 else 0
        nb = np.int64(spins[xu, y]) + spins[xd, y] + spins[x, yl] + spins[x, yr]
        s = np.int64(spins[x, y])
        if _accept(thr, 9 * ((s + 1) // 2) + nb + 4, seed, base + x * L + y + 1):
            spins[x, y] = -s


@njit(cache=True)
def _square_pass_serial(spins, color, thr, seed, base):
    for x in range(spins.shape[0]):
        _square_row(spins, x, color, thr, seed, base)


@njit(cache=True, parallel=True)
def _square_pass_parallel(spins, color, thr, seed, base):
    for x in prange(spins.shape[0]):
        _square_row(spins, x, color, thr, seed, base)


@njit(cache=True)
def square_measure(spins, J, h):
    """Magnetization and energy per spin of a square lattice."""
    L = spins.shape[0]
    M = 0
    bonds = 0
    for x in range(L):
        xd = x + 1 if x < L - 1 else 0
        for y in range(L):
            yr = y + 1 if y < L - 1 else 0
            s = np.int64(spins[x, y])
            M += s
            bonds += s * (np.int64(spins[xd, y]) + spins[x, yr])
    N = L * L
    return M / N, (-J * bonds - h * M) / N


@njit(cache=True)
def square_checkerboard(spins, thr, seed, sweep0, n_sweeps):
    """``n_sweeps`` checkerboard sweeps in place, serial; sweep numbers from ``sweep0``."""
    N = spins.shape[0] * spins.shape[1]
    for t in range(sweep0, sweep0 + n_sweeps):
        for color in range(2):
            _square_pass_serial(spins, color, thr, seed, t * N)


@njit(cache=True)
def square_checkerboard_threads(spins, thr, seed, sweep0, n_sweeps):
    """As :func:`square_checkerboard`, rows of one colour spread over numba threads.

    Identical results for any thread count (counter-based random numbers).
    """
    N = spins.shape[0] * spins.shape[1]
    for t in range(sweep0, sweep0 + n_sweeps):
        for color in range(2):
            _square_pass_parallel(spins, color, thr, seed, t * N)


@njit(cache=True)
def square_simulate(spins, thr, seed, sweep0, n_meas, interval, J, h, m_out, e_out, threads):
    """Measure ``n_meas`` times, every ``interval`` sweeps; return the next sweep number."""
    t = sweep0
    for k in range(n_meas):
        if threads:
            square_checkerboard_threads(spins, thr, seed, t, interval)
        else:
            square_checkerboard(spins, thr, seed, t, interval)
        t += interval
        m_out[k], e_out[k] = square_measure(spins, J, h)
    return t


# --------------------------------------------------------------------------- chain


@njit(cache=True)
def chain_measure(spins, J, h):
    """Magnetization and energy per spin of a periodic chain."""
    L = spins.shape[0]
    M = 0
    bonds = 0
    for i in range(L):
        s = np.int64(spins[i])
        M += s
        bonds += s * spins[i + 1 if i < L - 1 else 0]
    return M / L, (-J * bonds - h * M) / L


@njit(cache=True)
def chain_checkerboard(spins, thr, seed, sweep0, n_sweeps):
    """``n_sweeps`` sweeps of the periodic chain: even sites, then odd sites."""
    L = spins.shape[0]
    for t in range(sweep0, sweep0 + n_sweeps):
        base = t * L
        for color in range(2):
            for i in range(color, L, 2):
                nb = np.int64(spins[i - 1 if i > 0 else L - 1]) + spins[i + 1 if i < L - 1 else 0]
                s = np.int64(spins[i])
                if _accept(thr, 9 * ((s + 1) // 2) + nb + 4, seed, base + i + 1):
                    spins[i] = -s


@njit(cache=True)
def chain_simulate(spins, thr, seed, sweep0, n_meas, interval, J, h, m_out, e_out):
    """Measure ``n_meas`` times, every ``interval`` sweeps; return the next sweep number."""
    t = sweep0
    for k in range(n_meas):
        chain_checkerboard(spins, thr, seed, t, interval)
        t += interval
        m_out[k], e_out[k] = chain_measure(spins, J, h)
    return t


# --------------------------------------------------------------------------- Wolff


@njit(cache=True)
def _wolff_cluster(spins, padd, seed, counter, stack):
    """Grow and flip one Wolff cluster; return (size, next counter)."""
    L = spins.shape[0]
    N = L * L
    counter += 1
    site = np.int64(mix64(seed + GAMMA * np.uint64(counter)) % np.uint64(N))
    x0, y0 = site // L, site % L
    s = spins[x0, y0]
    spins[x0, y0] = -s
    stack[0] = site
    top = 1
    size = 1
    while top > 0:
        top -= 1
        k = stack[top]
        x, y = k // L, k % L
        for d in range(4):
            if d == 0:
                nx, ny = (x + 1 if x < L - 1 else 0), y
            elif d == 1:
                nx, ny = (x - 1 if x > 0 else L - 1), y
            elif d == 2:
                nx, ny = x, (y + 1 if y < L - 1 else 0)
            else:
                nx, ny = x, (y - 1 if y > 0 else L - 1)
            if spins[nx, ny] == s:
                counter += 1
                if (mix64(seed + GAMMA * np.uint64(counter)) >> np.uint64(11)) < padd:
                    spins[nx, ny] = -s
                    stack[top] = nx * L + ny
                    top += 1
                    size += 1
    return size, counter


@njit(cache=True)
def wolff_sweeps(spins, padd, seed, counter, n_sweeps):
    """Wolff clusters of the square lattice (h = 0) until ``n_sweeps * N`` spins have flipped.

    Used for thermalisation and to learn the mean cluster size: measurements must not be
    taken at this data-dependent stopping time (the last cluster is size-biased), see
    :func:`wolff_simulate`. ``padd = floor((1 - exp(-2 J / T)) 2^53)``.

    Returns
    -------
    (counter, clusters, flipped)
        Next random counter, clusters grown and spins flipped.
    """
    N = spins.shape[0] * spins.shape[1]
    stack = np.empty(N, dtype=np.int64)
    clusters = 0
    flipped = 0
    for _ in range(n_sweeps):
        done = 0
        while done < N:
            size, counter = _wolff_cluster(spins, padd, seed, counter, stack)
            done += size
            clusters += 1
        flipped += done
    return counter, clusters, flipped


@njit(cache=True)
def wolff_simulate(spins, padd, seed, counter, n_meas, clusters_per_meas, J, m_out, e_out):
    """Measure ``n_meas`` times, each after a fixed number of Wolff clusters.

    Returns
    -------
    (counter, flipped)
        Next random counter and spins flipped.
    """
    N = spins.shape[0] * spins.shape[1]
    stack = np.empty(N, dtype=np.int64)
    flipped = 0
    for k in range(n_meas):
        for _ in range(clusters_per_meas):
            size, counter = _wolff_cluster(spins, padd, seed, counter, stack)
            flipped += size
        m_out[k], e_out[k] = square_measure(spins, J, 0.0)
    return counter, flipped
