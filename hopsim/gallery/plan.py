"""What the gallery runs: one entry per experiment on its defaults, plus the source's cases.

Each :class:`Entry` is one ``hopsim`` command line. ``overrides`` are the command's arguments
in the full gallery (an experiment's defaults need none); ``quick`` replaces them under
``--quick`` with sizes small enough for CI. The entries that are not plain defaults reproduce
a case of a source document (the 2- and 3-node networks, the two-picture memory, a chain in a
field, synchronous against asynchronous recall) and say so in ``why``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    """One gallery run: a ``hopsim`` command and why the gallery makes it."""

    name: str  #: folder and anchor name, unique
    title: str  #: heading on the page
    why: str  #: one sentence: what the run shows
    overrides: tuple[str, ...] = ()  #: arguments of the full run
    quick: tuple[str, ...] | None = None  #: arguments under --quick (None: same as overrides)
    multirun: bool = False  #: run with ``-m`` (a sweep, merged into one dataset)
    needs: tuple[str, ...] = field(default=())  #: optional modules the run needs (e.g. torch)

    def arguments(self, quick: bool) -> tuple[str, ...]:
        """The command's arguments (``-m`` first for a sweep)."""
        args = self.overrides if not quick or self.quick is None else self.quick
        return (("-m",) if self.multirun else ()) + args


def _e(name: str, **kwargs) -> Entry:
    return Entry(name=name, **kwargs)


ENTRIES: tuple[Entry, ...] = (
    _e(
        "recall",
        title="Recall (the default run)",
        why="The quick start's command: 10 patterns in 200 neurons, cues with 10% flipped bits.",
    ),
    _e(
        "recall_energy",
        title="The energy after every single-neuron update",
        why="The source report's Lyapunov argument checked update by update: a loaded network "
        "(alpha = 0.12, 30% of the bits flipped) whose first 8 cues are replayed one neuron "
        "at a time, the energy computed from scratch after each update.",
        overrides=(
            "experiment=recall",
            "network.N=200",
            "patterns.P=24",
            "corruption.level=0.3",
            "trials=2",
            "record.update_energy=8",
        ),
    ),
    _e(
        "recall_updates",
        title="Synchronous against asynchronous recall",
        why="The source report (section 2): asynchronous updates give stronger attractors, "
        "synchronous ones oscillate.",
        overrides=(
            "experiment=recall",
            "dynamics.update=sync,async",
            "patterns.P=24",
            "corruption.level=0.2",
            "trials=20",
        ),
        multirun=True,
    ),
    _e(
        "recall_biased",
        title="Biased patterns: Hebb against covariance",
        why="Patterns with P(+1) = 0.8: Hebb collapses onto the mean pattern, the covariance "
        "rule (with its threshold) recalls them.",
        overrides=(
            "experiment=recall",
            "network.learning=hebb,covariance",
            "patterns.bias=0.6",
            "network.N=400",
            "patterns.P=20",
        ),
        multirun=True,
    ),
    _e(
        "capacity",
        title="Capacity against theory",
        why="Final overlap against the load P/N for five sizes, with the AGS curve and the "
        "finite-size estimate of alpha_c; N = 200 with 100 patterns is the first source "
        "document's error-rate case.",
        overrides=("experiment=capacity",),
        quick=(
            "experiment=capacity",
            "network.N=[200,400]",
            "patterns.alpha=[0.04,0.08,0.1,0.12,0.13,0.14,0.15,0.16,0.18,0.2,0.3,0.5]",
            "trials=40",
        ),
    ),
    _e(
        "rules",
        title="Learning rules compared",
        why="Hebb, Storkey, pseudo-inverse, covariance and Krauth-Mezard on the same pattern "
        "sets: exact storage and basins against each rule's theory.",
        overrides=("experiment=rules",),
        quick=(
            "experiment=rules",
            "network.N=[100]",
            "patterns.alpha=[0.04,0.08,0.1,0.14,0.2,0.25,0.3,0.4,0.6,0.9,0.95,1.0,1.2,1.6,2.0]",
            "corruption.level=[0,0.1,0.2]",
            "trials=2",
        ),
    ),
    _e(
        "rules_budget",
        title="Krauth-Mezard storage against the learning budget",
        why="Gardner's alpha_c = 2 is reached only as the learning time diverges: the load "
        "where half the neurons store every bit, for AdaTron budgets of 10, 100 and 1000 "
        "sweeps, against Cover's exact count at finite N.",
        overrides=(
            "experiment=rules",
            "rules.names=[krauth_mezard]",
            "network.N=[100,200]",
            "patterns.alpha=[1.0,1.4,1.6,1.8,1.9,2.0,2.2]",
            "corruption.level=[0]",
            "rules.cues=1",
            "trials=3",
            "network.learning_options.budget=10,100,1000",
        ),
        quick=(
            "experiment=rules",
            "rules.names=[krauth_mezard]",
            "network.N=[100]",
            "patterns.alpha=[1.0,1.4,1.6,1.8,1.9,2.0]",
            "corruption.level=[0]",
            "rules.cues=1",
            "trials=3",
            "network.learning_options.budget=10,100,1000",
        ),
        multirun=True,
    ),
    _e(
        "dense_capacity",
        title="Dense associative memories",
        why="Capacity of F(x) = x^n (n = 2, 3, 4) and F = exp against N, with the "
        "Krotov-Hopfield and Demircigil predictions.",
        overrides=("experiment=dense_capacity",),
    ),
    _e(
        "modern",
        title="Modern continuous Hopfield network",
        why="The softmax update: its three fixed-point regimes against beta, the one-step "
        "error against Ramsauer et al.'s bound, and grey-level pictures.",
        overrides=("experiment=modern",),
    ),
    _e(
        "hopfield_temperature",
        title="Retrieval at finite temperature",
        why="Glauber dynamics at temperature T: the Amit-Gutfreund-Sompolinsky phase diagram.",
        overrides=("experiment=hopfield_temperature",),
    ),
    _e(
        "ising",
        title="Square-lattice Ising model",
        why="Metropolis Monte Carlo of the 2D Ising model against Onsager's exact solution.",
        overrides=("experiment=ising",),
    ),
    _e(
        "ising_chain",
        title="Ising chain in a field",
        why="The 1D chain, which has an exact solution at every size (transfer matrix) and no "
        "phase transition.",
        overrides=(
            "experiment=ising",
            "lattice.kind=chain",
            "lattice.L=[16,64]",
            "lattice.h=0.2",
            "mc.temperatures=[0.5,1,1.5,2,3]",
        ),
        quick=(
            "experiment=ising",
            "lattice.kind=chain",
            "lattice.L=[16,64]",
            "lattice.h=0.2",
            "mc.temperatures=[0.5,1,1.5,2,3]",
            "mc.sweeps=4000",
            "mc.thermalize=400",
            "mc.blocks=10",
        ),
    ),
    _e(
        "bifurcation",
        title="Single-neuron pitchfork",
        why="Fixed points of tau dv/dt = -v + tanh(h + lambda v) against lambda, the fold "
        "points of the hysteresis loops, and the network's own pitchfork.",
        overrides=("experiment=bifurcation",),
    ),
    _e(
        "phase_portrait",
        title="Single-neuron phase lines",
        why="dv/dt against v for five self-couplings (the source report's figure 2).",
        overrides=("experiment=phase_portrait",),
    ),
    _e(
        "stimulus",
        title="One-bit memory under pulses",
        why="Input pulses flip the stored bit, which holds at rest (the source report's figure 3).",
        overrides=("experiment=stimulus",),
    ),
    _e(
        "network_ode",
        title="Continuous N-neuron network",
        why="The report's N-neuron ODE recalling stored patterns, with its Lyapunov energy.",
        overrides=("experiment=network_ode",),
    ),
    _e(
        "state_graph_2",
        title="2 neurons storing [-1, 1]",
        why="The source report's figure 7: every state and its successors.",
        overrides=("experiment=state_graph", "patterns.explicit=[[-1,1]]"),
    ),
    _e(
        "state_graph_2b",
        title="2 neurons storing [1, 1]",
        why="The source report's figure 8.",
        overrides=("experiment=state_graph", "patterns.explicit=[[1,1]]"),
    ),
    _e(
        "state_graph_3",
        title="3 neurons storing [-1, 1, 1]",
        why="The source report's figure 9.",
        overrides=("experiment=state_graph", "patterns.explicit=[[-1,1,1]]"),
    ),
    _e(
        "state_graph_3b",
        title="3 neurons storing [1, 1, 1] and [1, 1, -1]",
        why="The source report's figure 10: the tie rule breaks the pairing of a pattern and "
        "its inverse.",
        overrides=("experiment=state_graph", "patterns.explicit=[[1,1,1],[1,1,-1]]"),
    ),
    _e(
        "state_graph_16",
        title="16 neurons, 3 random patterns",
        why="All 65536 states: the fixed points include mixtures and spurious states "
        "(the source report's figure 5).",
        overrides=(
            "experiment=state_graph",
            "patterns.explicit=null",
            "network.N=16",
            "patterns.P=3",
        ),
    ),
    _e(
        "images",
        title="One picture",
        why="The source report's section 4.1: one 128 x 128 picture restored from noise, "
        "occlusion, full and half inversion.",
        overrides=("experiment=images",),
    ),
    _e(
        "images_two",
        title="Two pictures",
        why="The source report's section 4.2: two 64 x 64 pictures; heavy occlusion of the "
        "second recalls the first.",
        overrides=(
            "experiment=images",
            "images.paths=[house,letter]",
            "images.side=64",
            "images.occlude_fraction=0.7",
        ),
    ),
    _e(
        "images_clamped",
        title="Occluded pictures: unknown against clamped",
        why="Issue 19: five pictures, the bottom half painted black; restored with the black "
        "rows free to change (occlude) and with the visible rows clamped (occlude_clamped).",
        overrides=(
            "experiment=images",
            "images.paths=[smiley,house,moon,letter,sphere]",
            "images.side=64",
            "images.corruptions=[occlude,occlude_clamped]",
            "images.occlude_fraction=0.5",
        ),
        quick=(
            "experiment=images",
            "images.paths=[smiley,house,moon,letter,sphere]",
            "images.side=32",
            "images.corruptions=[occlude,occlude_clamped]",
            "images.occlude_fraction=0.5",
            "images.updates=[async]",
        ),
    ),
    _e(
        "recall_clamping",
        title="The basin gain of clamping against load",
        why="Issue 19: the occluded fraction half the cues are completed from, with the occluded "
        "block unknown and with the visible part clamped, on the same cues, at five loads.",
        overrides=(
            "experiment=recall",
            "network.N=500",
            "patterns.alpha=0.02,0.05,0.08,0.11,0.14",
            "corruption.kind=occlude,occlude_clamped",
            "corruption.level=0.3,0.4,0.5,0.6,0.7,0.8,0.9",
            "trials=4",
        ),
        quick=(
            "experiment=recall",
            "network.N=200",
            "patterns.alpha=0.05,0.14",
            "corruption.kind=occlude,occlude_clamped",
            "corruption.level=0.3,0.5,0.7,0.9",
            "trials=2",
        ),
        multirun=True,
    ),
    _e(
        "mixtures",
        title="Patterns, mixtures and spurious states against load",
        why="AGS (1985): symmetric 3- and 5-mixtures have overlaps 1/2 and 3/8 and energies -3/8 "
        "and -45/128 per neuron above the patterns' -1/2, and 3-mixtures are stable up to "
        "alpha ~ 0.03; measured at three sizes from every kind of start.",
        overrides=("experiment=mixtures", "network.N=[500,1000,2000]", "trials=100"),
        quick=(
            "experiment=mixtures",
            "network.N=[300]",
            "patterns.alpha=[0.01,0.02,0.03,0.04,0.06,0.1,0.2]",
            "trials=20",
        ),
    ),
    _e(
        "optimize",
        title="The network as an optimiser: exact SK ground states",
        why="The network's energy is an Ising Hamiltonian (the second source document): "
        "annealing, the network's own zero-temperature descent and mean-field annealing "
        "against the enumerated ground states of SK instances, N = 8 to 24.",
        overrides=("experiment=optimize",),
        quick=("experiment=optimize", "problem.N=[8,12,16]", "problem.instances=4", "reads=16"),
    ),
    _e(
        "optimize_parisi",
        title="SK ground-state energy against N: Parisi's -0.7632",
        why="Annealed ground-state energies per spin of SK instances from N = 16 to 1024, the "
        "finite-size fit e_N = e_inf + a N^-omega (omega fitted) against Parisi's solution, "
        "and the check that doubling the budget changes nothing.",
        overrides=(
            "experiment=optimize",
            "problem.N=[16,24,32,48,64,96,128,192,256,384,512,768,1024]",
            "problem.instances=32",
            "solvers=[anneal]",
            "reads=8",
            "schedule.sweeps=[4000,8000]",
        ),
        quick=(
            "experiment=optimize",
            "problem.N=[16,24,32,48,64,96,128]",
            "problem.instances=8",
            "solvers=[anneal]",
            "reads=8",
            "schedule.sweeps=[500,1000]",
        ),
    ),
    _e(
        "optimize_tsp",
        title="Hopfield and Tank's travelling salesman against Wilson and Pawley",
        why="The first source document's optimisation use: Hopfield and Tank's 10-city "
        "network with their parameters and with tuned ones, the analogue circuit against "
        "annealing, descent and mean field on the same energy, tours against Held-Karp.",
        overrides=(
            "experiment=optimize",
            "problem.kind=tsp",
            "problem.N=[10]",
            "problem.instances=20",
            "solvers=[hopfield_tank,anneal,descent,mean_field]",
            "schedule.sweeps=[1000,10000]",
        ),
        quick=(
            "experiment=optimize",
            "problem.kind=tsp",
            "problem.N=[10]",
            "problem.instances=4",
            "reads=16",
            "solvers=[hopfield_tank,anneal,descent,mean_field]",
            "schedule.sweeps=[2000]",
        ),
    ),
    _e(
        "optimize_maxcut",
        title="Max-Cut on random 3-regular graphs with +/-1 weights",
        why="Sparse couplings: the solvers against enumerated maximum cuts up to N = 24, and "
        "their residuals at N = 200 and 2000.",
        overrides=(
            "experiment=optimize",
            "problem.kind=maxcut",
            "problem.weights=pm1",
            "problem.N=[12,16,20,24,200,2000]",
        ),
        quick=(
            "experiment=optimize",
            "problem.kind=maxcut",
            "problem.weights=pm1",
            "problem.N=[12,16,200]",
            "problem.instances=4",
            "reads=16",
        ),
    ),
    _e(
        "sequence_memory",
        title="Sequences: Hopfield against RNNs",
        why="The first source document's claim that RNNs model sequences: the longest sequence "
        "replayed exactly by the temporal-association rule and by trained RNNs.",
        overrides=("experiment=sequence_memory",),
        quick=(
            "experiment=sequence_memory",
            "sequence.N=[32]",
            "sequence.lengths=[2,4,8,16,32]",
            "hopfield.trials=10",
            "hopfield.slow_synapse.trials=4",
            "rnn.kinds=[gru]",
            "rnn.hidden=[32]",
            "train.steps=150",
        ),
        needs=("torch",),
    ),
    _e(
        "completion",
        title="Pattern completion: Hopfield against RNNs",
        why="Recall from corrupted cues by Hopfield rules and by GRUs/SimpleRNNs at equal "
        "parameter counts, with int8 quantisation.",
        overrides=("experiment=completion",),
        quick=(
            "experiment=completion",
            "completion.N=32",
            "completion.P=[2,4,8]",
            "completion.noise=[0,0.2,0.4]",
            "completion.trials=20",
            "rnn.kinds=[gru]",
            "train.steps=200",
        ),
        needs=("torch",),
    ),
    _e(
        "online",
        title="Memory over time: the blackout and the palimpsests",
        why="Patterns streamed one at a time: Hebb's network retrieves nothing past 0.138 N, "
        "exponential decay and learning within bounds keep the most recent ~0.05 N, against "
        "their theory over the forgetting rate.",
        overrides=("experiment=online", "online.streams=3"),
        quick=(
            "experiment=online",
            "online.N=[100,200]",
            "online.options.hebb_decay.epsilon=[3.0,4.108,6.0]",
            "online.options.hebb_bounded.bound=[0.25,0.355,0.5]",
            "online.checkpoints=[0.1,0.3,1.0]",
            "online.ages=40",
        ),
    ),
    _e(
        "online_optimum",
        title="Palimpsests at their best against theory, N = 200 to 2000",
        why="The capacity at the theory's best decay rate and bound, extrapolated in 1/sqrt(N) "
        "to compare with the mean-field 0.049 N and 0.040 N.",
        overrides=(
            "experiment=online",
            "online.N=[200,500,1000,2000]",
            "online.rules=[hebb_decay,hebb_bounded]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[1.0]",
            "online.max_age=0.12",
            "online.ages=240",
            "online.streams=6",
        ),
        quick=(
            "experiment=online",
            "online.N=[100,200,400]",
            "online.rules=[hebb_decay,hebb_bounded]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[1.0]",
            "online.max_age=0.15",
            "online.streams=4",
        ),
    ),
    _e(
        "online_rnn",
        title="Online learning: Hopfield palimpsests against a GRU",
        why="The first source document (3.2) recommends RNNs for online learning: the same "
        "stream learnt by the palimpsests and by a GRU of the completion run's size (~N^2 "
        "parameters), fine-tuned on each new pattern; retrieval of old and new patterns.",
        overrides=(
            "experiment=online",
            "online.N=[64]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[0.25,0.5,1.0]",
            "online.max_age=1.0",
            "online.noise=[0,0.1,0.2]",
            "online.streams=3",
            "rnn.kinds=[gru]",
        ),
        quick=(
            "experiment=online",
            "online.N=[24]",
            "online.options.hebb_decay.epsilon=[4.108]",
            "online.options.hebb_bounded.bound=[0.355]",
            "online.checkpoints=[0.5,1.0]",
            "online.max_age=1.0",
            "online.noise=[0,0.1]",
            "online.streams=2",
            "rnn.kinds=[gru]",
            "train.steps=10",
        ),
        needs=("torch",),
    ),
    _e(
        "gradients",
        title="Which RNNs learn long lags; vanishing and exploding gradients",
        why="Copy-task success against the lag for SimpleRNN, GRU and LSTM (forget-gate bias "
        "0 and 1) at one training budget, over seeds, with intervals; ||dL_T/dh_t|| against "
        "the lag; clip_grad_norm where unclipped training explodes.",
        overrides=("experiment=gradients",),
        quick=(
            "experiment=gradients",
            "task.lags=[5,20]",
            "task.seeds=3",
            "train.budgets=[100,200]",
            "gradients.length=31",
            "explode.steps=60",
            "explode.seeds=6",
        ),
        needs=("torch",),
    ),
)


def entry(name: str) -> Entry:
    """The entry called ``name``."""
    for e in ENTRIES:
        if e.name == name:
            return e
    raise KeyError(name)
