"""Closed forms to overlay on figures and to test simulations against.

``hopsim.theory.capacity``
    Amit-Gutfreund-Sompolinsky T = 0 retrieval overlap, alpha_c ~ 0.138, one-step error.
``hopsim.theory.ising``
    Onsager/Yang square lattice, the chain's transfer matrix, the AGS finite-T boundary
    T_M(alpha) and the spin-glass line T_g = 1 + sqrt(alpha).
``hopsim.theory.continuous``
    The single-neuron pitchfork and fold points, the mean-field overlap m = tanh(beta m).
``hopsim.theory.gardner``
    The perceptron's maximal margin kappa_max(alpha) and capacity alpha_c(kappa) (Gardner),
    Cover's count of separable dichotomies at finite size.
``hopsim.theory.dense``
    Dense associative memory capacity (Krotov-Hopfield per pattern and all patterns,
    Demircigil's exponential rate, the one-bit-pair limit) and the modern network's
    one-step retrieval bound and global-fixed-point beta (Ramsauer et al.).
``hopsim.theory.palimpsest``
    Palimpsests: the recent patterns retrieved under exponential decay (Mezard, Nadal and
    Toulouse; epsilon_c ~ 2.46, best 0.049 N at epsilon ~ 4.11) and within bounds (Parisi).
"""
