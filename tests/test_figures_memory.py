"""The clamping figure of a recall sweep: its lines are the completion fractions and basins
of hopsim.analysis.clamping, and it is drawn for a sweep over both occlusion kinds only."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from figure_runs import assert_legends_clear, close_figures  # noqa: F401  (autouse)

sys.path.insert(0, str(Path(__file__).parent))
from test_claims_memory import _clamping_sweep

from hopsim.analysis.clamping import clamping_gain, completion, has_clamping_sweep
from hopsim.figures import clamping


def _sweep():
    ds = _clamping_sweep((0.5, 0.3, 0.3), (0.7, 0.7, 0.9))
    return ds.assign_coords(N=500, update="async")


def test_the_clamping_figure_draws_the_completions_and_the_gain():
    ds = _sweep()
    assert has_clamping_sweep(ds)
    assert not has_clamping_sweep(ds.sel(corruption=["occlude"]))
    fig = clamping.figure(ds)
    ax_c, ax_b, ax_g = fig.axes
    c = completion(ds)
    for alpha in ds.alpha.values:
        for kind in ("occlude", "occlude_clamped"):
            line = next(
                x for x in ax_c.get_lines() if x.get_gid() == f"completion {kind} {alpha:g}"
            )
            np.testing.assert_array_equal(
                line.get_ydata(), c.fraction.sel(alpha=alpha, corruption=kind)
            )
    table = clamping_gain(ds)
    basin = next(x for x in ax_b.get_lines() if x.get_gid() == "basin occlude_clamped")
    np.testing.assert_allclose(basin.get_ydata(), table.clamped)
    gain = next(x for x in ax_g.get_lines() if x.get_gid() == "gain")
    np.testing.assert_allclose(gain.get_ydata(), table.gain[~table.censored])
    censored = next(x for x in ax_g.get_lines() if x.get_gid() == "gain censored")
    np.testing.assert_allclose(censored.get_ydata(), table.gain[table.censored])
    assert_legends_clear(fig)
