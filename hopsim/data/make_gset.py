"""Write the edge-list example that ships with hopsim (``python -m hopsim.data.make_gset``).

``torus8_pm1.gset``: Max-Cut of the periodic 8 x 8 grid (64 nodes, 128 edges) with weights
+1 or -1 with probability 1/2 (seed 0), in the rudy / G-set format, like G-set's toroidal
graphs G48-G50 at a size a reader can check by eye.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopsim.optimize.graphs import edge_weights, torus_edges
from hopsim.optimize.gset import write_gset
from hopsim.optimize.problems import maxcut


def main() -> None:
    edges = torus_edges(8)
    weights = edge_weights("pm1", len(edges), np.random.default_rng(0))
    write_gset(Path(__file__).with_name("torus8_pm1.gset"), maxcut(edges, 64, weights))


if __name__ == "__main__":
    main()
