"""AGS capacity theory against published numbers and its own equations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import erf

from hopsim.theory.capacity import ags_critical, ags_overlap, one_step_error


def test_critical_load_and_overlap_match_published_values():
    alpha_c, m_c = ags_critical()
    # AGS 1987: alpha_c = 0.138 (0.1379), m = 0.967 at alpha_c
    assert alpha_c == pytest.approx(0.1379, abs=1e-4)
    assert m_c == pytest.approx(0.967, abs=1e-3)


def test_overlap_solves_the_fixed_point_equations():
    for alpha in (0.06, 0.1, 0.13):  # below ~0.05, m = 1 to double precision
        m = ags_overlap(alpha)
        # invert m = erf(y) and check sqrt(2 alpha) = erf(y)/y - 2/sqrt(pi) exp(-y^2)
        from scipy.special import erfinv

        y = erfinv(m)
        lhs = np.sqrt(2 * alpha)
        rhs = erf(y) / y - 2 / np.sqrt(np.pi) * np.exp(-y * y)
        assert lhs == pytest.approx(rhs, abs=1e-7)


def test_overlap_shape():
    alpha_c, m_c = ags_critical()
    m = ags_overlap(np.array([0.0, 0.05, 0.1, alpha_c - 1e-9, alpha_c + 1e-3, 0.2]))
    assert m[0] == 1.0
    assert 1 > m[1] > m[2] > m[3] >= m_c - 1e-6
    assert np.isnan(m[4]) and np.isnan(m[5])
    # published: retrieval errors (1 - m)/2 stay below 1.5-1.6% up to alpha_c
    assert (1 - m[3]) / 2 == pytest.approx(0.0163, abs=5e-4)


def test_one_step_error():
    assert one_step_error(0.0) == 0.0
    # Hertz, Krogh & Palmer table 2.1: P_error = 0.001 at alpha = 0.105, 0.01 at 0.185
    assert one_step_error(0.105) == pytest.approx(0.001, rel=0.05)
    assert one_step_error(0.185) == pytest.approx(0.01, rel=0.05)
    assert one_step_error(0.61) == pytest.approx(0.1, rel=0.03)
