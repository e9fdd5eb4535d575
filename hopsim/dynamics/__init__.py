"""Dynamics: discrete (T = 0), stochastic (T > 0), lattice and continuous."""
