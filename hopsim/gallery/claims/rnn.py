"""Hopfield networks against trained RNNs (the first source document)."""

from __future__ import annotations

import numpy as np

from hopsim.analysis import gating
from hopsim.gallery.claims._base import (
    CAVEAT,
    COMPARISON,
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    NOT_TESTED,
    UNCHECKED,
    Result,
    claim,
)


def _closed_form(kind: str, inputs: int, hidden: int, outputs: int) -> int:
    # written out again on purpose, not hopsim.rnn.closed_form_parameters: the claim checks
    # the counts measured from the models against an independent formula (and hopsim.rnn
    # needs torch)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    return gates * (hidden * inputs + hidden * hidden + 2 * hidden) + outputs * hidden + outputs


@claim(
    "parameter_counts",
    COMPARISON + " 2.2",
    "A Hopfield network needs O(N^2) weights, an RNN O(H^2 + H I): the trained models' "
    "parameter counts equal g (H I + H^2 + 2H) + O H + O and the Hopfield count N^2",
    "sequence_memory",
)
def _params(d):
    ds = d["sequence_memory"]
    mismatches, n = 0, 0
    for kind in ds.kind.values:
        for H in ds.hidden.values:
            for N in ds.N.values:
                got = int(ds.rnn_parameters.sel(kind=kind, hidden=H, N=N))
                n += 1
                mismatches += got != _closed_form(str(kind), int(N), int(H), int(N))
    hop_ok = bool(np.all(ds.hop_parameters.values == ds.N.values.astype(np.int64) ** 2))
    examples = ", ".join(
        f"{k} H={int(h)}: {int(ds.rnn_parameters.sel(kind=k, hidden=h, N=ds.N.values[-1]))}"
        for k in ds.kind.values
        for h in ds.hidden.values[-1:]
    )
    measured = (
        f"{n - mismatches} of {n} RNN counts equal the closed form; Hopfield N^2: {hop_ok} "
        f"(N={int(ds.N.values[-1])}: {examples})"
    )
    return Result("closed forms", measured, HOLDS if mismatches == 0 and hop_ok and n else FAILS)


@claim(
    "sequence_replay",
    COMPARISON + " 2.1; issue 11",
    "RNNs model sequences (h_t = f(W_hh h_(t-1) + W_xh x_t)); the Hopfield temporal-"
    "association rule replays a short sequence exactly but fails past its capacity, and a "
    "trained RNN replays longer ones",
    "sequence_memory",
)
def _sequences(d):
    from hopsim.experiments.sequence_memory import longest

    ds = d["sequence_memory"]
    clean = float(ds.noise.values[0])
    hop = longest(ds.hop_exact.sel(noise=clean).mean("trial"))
    lengths = ds.length.values
    parts, ok_hop, ok_rnn = [], True, True
    for N in ds.N.values:
        h = int(hop.sel(N=N))
        best = 0
        if ds.sizes.get("seed", 0) and ds.sizes.get("kind", 0):
            rate = ds.rnn_exact.sel(N=N, noise=clean).mean(["seed", "cue"])
            best = int(longest(rate).max())
        parts.append(f"N={int(N)}: Hopfield {h}, best RNN {best} (lengths up to {lengths.max()})")
        ok_hop &= 0 < h < lengths.max()
        ok_rnn &= best > h
    return Result(
        "Hopfield short but finite; RNN longer",
        "longest replayed exactly (half the trials, clean cue): " + "; ".join(parts),
        HOLDS if ok_hop and ok_rnn else CAVEAT if ok_hop else FAILS,
    )


@claim(
    "vanishing_gradients",
    COMPARISON + " 1.3 and 3.3; issue 11",
    "Gradients vanish over long lags: ||dL_T/dh_t|| falls with T - t",
    "gradients",
)
def _vanishing(d):
    ds = d["gradients"]
    ratio = gating.init_gradient_ratio(ds)
    far = int(ds.distance.values.max())
    parts = [f"{v}: {float(ratio.sel(variant=v)):.1e}" for v in ds.variant.values]
    ok = bool((ratio < 1e-2).all())
    return Result(
        "falls with the lag",
        f"at initialisation, ||dL/dh|| at distance {far} / distance 0: " + ", ".join(parts),
        HOLDS if ok else FAILS,
    )


# ------------------------------------------------------------------ gating, per architecture


def _lags_text(lags) -> str:
    return ", ".join(str(lag) for lag in lags)


def _pairs_text(pairs) -> str:
    """``[(budget, lag), ...]`` as ``"lag 50 (1000 steps), lag 20 (2000 steps)"``."""
    return ", ".join(f"lag {lag} ({budget} steps)" for budget, lag in pairs)


def _longer_lags(ds, better: str, worse: str, reference: str) -> Result:
    """``better`` learns longer lags than ``worse``: at each budget (both models get the
    same), the 95% Wilson intervals of the fraction solved at each lag.

    Holds when ``better``'s interval lies wholly above ``worse``'s at some (budget, lag) and
    never the other way round; does not hold in the reverse case; inconclusive when the
    intervals overlap everywhere (or each model is ahead somewhere).
    """
    missing = [v for v in (better, worse) if v not in ds.variant.values]
    if missing:
        return Result(reference, "", UNCHECKED, f"the run has no {', '.join(missing)}")
    table = gating.solved_table(ds)
    above, below, parts = [], [], []
    for budget in (int(b) for b in ds.budget.values):
        o = gating.compare(table, better, worse, budget)
        above += [(budget, lag) for lag in o.above]
        below += [(budget, lag) for lag in o.below]
        parts.append(
            f"within {budget} steps {better} {gating.counts_text(table, better, budget)}, "
            f"{worse} {gating.counts_text(table, worse, budget)}"
        )
    n = ds.sizes["seed"]
    measured = (
        f"seeds solved at lags {_lags_text(int(v) for v in ds.lag.values)}: "
        + "; ".join(parts)
        + f"; longest lag half the seeds solve: {better} {gating.longest_text(table, better)}; "
        f"{worse} {gating.longest_text(table, worse)}"
    )
    if above and not below:
        note = f"95% Wilson intervals of {n} seeds disjoint at {_pairs_text(above)}"
        return Result(reference, measured, HOLDS, note)
    if below and not above:
        note = f"{worse} solves more often, intervals disjoint at {_pairs_text(below)}"
        return Result(reference, measured, FAILS, note)
    if above and below:
        note = f"mixed: {better} ahead at {_pairs_text(above)}, behind at {_pairs_text(below)}"
        return Result(reference, measured, INCONCLUSIVE, note)
    note = (
        f"the 95% Wilson intervals of {n} seeds overlap at every lag and budget: the "
        "difference, if any, is within the seed-to-seed spread"
    )
    return Result(reference, measured, INCONCLUSIVE, note)


@claim(
    "gating_gru",
    COMPARISON + " 3.3 (Cho et al. 2014); issue 18",
    "Use a GRU for long dependencies: a GRU learns longer lags than a SimpleRNN, "
    "at the same training budget",
    "gradients",
)
def _gating_gru(d):
    return _longer_lags(d["gradients"], "gru", "rnn", "GRU > SimpleRNN")


@claim(
    "gating_lstm",
    COMPARISON + " 3.3 (Hochreiter and Schmidhuber 1997); issue 18",
    "Use an LSTM for long dependencies: an LSTM as PyTorch initialises it (forget-gate "
    "biases near 0) learns longer lags than a SimpleRNN, at the same training budget",
    "gradients",
)
def _gating_lstm(d):
    return _longer_lags(d["gradients"], "lstm", "rnn", "LSTM > SimpleRNN")


@claim(
    "gating_lstm_forget1",
    COMPARISON + " 3.3 (Gers et al. 2000); issue 18",
    "An LSTM with forget-gate bias 1 learns longer lags than a SimpleRNN, at the same "
    "training budget",
    "gradients",
)
def _gating_lstm_forget1(d):
    return _longer_lags(d["gradients"], "lstm_forget1", "rnn", "LSTM (forget bias 1) > SimpleRNN")


@claim(
    "forget_bias",
    "Jozefowicz et al. 2015; issue 18",
    "A forget-gate bias of 1 lets an LSTM learn longer lags than PyTorch's default "
    "initialisation (biases uniform in +/-1/sqrt(H): the forget gate starts near 1/2, so the "
    "cell state about halves each step)",
    "gradients",
)
def _forget_bias(d):
    return _longer_lags(d["gradients"], "lstm_forget1", "lstm", "bias 1 > bias 0")


@claim(
    "lag_limit",
    "issue 18",
    "Within the training budget every model has a lag it cannot learn: at the longest lag "
    "no model is solved by half its seeds",
    "gradients",
)
def _lag_limit(d):
    ds = d["gradients"]
    table = gating.solved_table(ds)
    budget = int(ds.budget.values[-1])
    lag = int(ds.lag.values.max())
    t = table.sel(lag=lag, budget=budget)
    parts = [
        f"{v} {int(t.solved.sel(variant=v))}/{int(t.seeds.sel(variant=v))} "
        f"[{float(t.lower.sel(variant=v)):.2f}, {float(t.upper.sel(variant=v)):.2f}]"
        for v in ds.variant.values
    ]
    measured = f"seeds solved at lag {lag} within {budget} steps (95% Wilson): " + ", ".join(parts)
    reference = "below half for every model"
    if bool((t.upper < 0.5).all()):
        return Result(reference, measured, HOLDS)
    over = [str(v) for v in ds.variant.values if float(t.lower.sel(variant=v)) > 0.5]
    if over:
        return Result(reference, measured, FAILS, f"{', '.join(over)} solve(s) lag {lag}")
    return Result(
        reference,
        measured,
        INCONCLUSIVE,
        "some interval contains 1/2: too few seeds to tell whether half of them solve it",
    )


# ------------------------------------------------------------------ clipping


@claim(
    "clipping",
    COMPARISON + " 3.3 (Pascanu et al. 2013); issue 11",
    "clip_grad_norm prevents exploding gradients in training: runs that blow up "
    "(an inf or NaN loss or gradient) without clipping do not with it",
    "gradients",
)
def _clipping(d):
    ds = d["gradients"]
    if not ds.sizes.get("explode_seed", 0):
        return Result("no inf/NaN with clipping", "", NOT_TESTED, "no explosion runs")
    table = gating.explosion_table(ds)
    none, clip = (table.isel(clipping=i) for i in (0, -1))
    acc = ds.explode_accuracy.mean("explode_seed").values
    labels = [str(c) for c in ds.clipping.values]
    setting = (
        f"SimpleRNN ({ds.attrs.get('explode_nonlinearity')}) at spectral radius "
        f"{ds.attrs.get('explode_radius')}, lag {ds.attrs.get('explode_lag')}, "
        f"{ds.attrs.get('explode_optimizer')} lr {ds.attrs.get('explode_lr')}"
    )
    measured = (
        f"{setting}: runs with an inf/NaN step "
        + ", ".join(
            f"{lab} {int(t.exploded)}/{int(t.seeds)} [{float(t.lower):.2f}, {float(t.upper):.2f}]"
            for lab, t in zip(labels, (none, clip), strict=True)
        )
        + "; mean final accuracy "
        + ", ".join(f"{lab} {x:.2f}" for lab, x in zip(labels, acc, strict=True))
    )
    reference = "no inf/NaN with clipping"
    if int(none.exploded) == 0:
        return Result(
            reference,
            measured,
            NOT_TESTED,
            "no run exploded without clipping: there was nothing for clipping to prevent",
        )
    separated = float(clip.upper) < float(none.lower)
    if int(clip.exploded) == 0:
        if separated:
            return Result(reference, measured, HOLDS)
        return Result(
            reference,
            measured,
            INCONCLUSIVE,
            "none exploded with clipping, but too few exploded without it to tell the two "
            "apart (95% Wilson intervals overlap)",
        )
    if separated:
        return Result(reference, measured, CAVEAT, "clipping made explosions rarer, not absent")
    return Result(reference, measured, FAILS, "clipped runs exploded about as often")


@claim(
    "int8",
    COMPARISON + " 3.3",
    "Quantising RNN weights to 8-bit integers cuts their memory without hurting accuracy",
    "completion",
)
def _int8(d):
    ds = d["completion"]
    ratio = (ds.rnn_bytes_int8 / ds.rnn_bytes_float32).values
    delta = np.abs(ds.rnn_overlap_int8 - ds.rnn_overlap).mean("trial").max().item()
    measured = (
        f"bytes int8 / float32 {np.nanmin(ratio):.2f}..{np.nanmax(ratio):.2f}; largest change "
        f"of a mean overlap {delta:.3f}"
    )
    ok = np.nanmax(ratio) < 1 and delta <= 0.05
    return Result("fewer bytes, same accuracy", measured, HOLDS if ok else FAILS)


@claim(
    "choose_hopfield",
    COMPARISON + " 3.1",
    "For small networks and static pattern repair a Hopfield network does the job without "
    "training: it recalls as well as an RNN of the same parameter count",
    "completion",
)
def _choose(d):
    ds = d["completion"]
    train_noise = float(ds.attrs.get("train_noise", 0.2))
    noises = ds.noise.values[ds.noise.values <= train_noise + 1e-9]
    size = str(ds["size"].values[0])
    hop = ds.hop_overlap.sel(noise=noises).mean(["noise", "trial"])  # (rule, P)
    rnn = ds.rnn_overlap.sel(noise=noises, size=size).mean(["noise", "trial"]).max("kind")
    parts, gaps = [], []
    for P in ds.P.values:
        h = hop.sel(P=P)
        best = str(h.rule.values[int(np.argmax(h.values))])
        m_h, m_r = float(h.max()), float(rnn.sel(P=P))
        gaps.append(m_h - m_r)
        parts.append(f"P={int(P)}: {best} {m_h:.3f} vs RNN {m_r:.3f}")
    t_rnn = float(ds.rnn_train_time.sel(size=size).max())
    t_hop = float(ds.hop_learn_time.max())
    measured = (
        f"N={ds.attrs.get('N')}, mean overlap over cue noise <= {noises.max():g} (the RNNs' "
        f"training range), best Hopfield rule against the best RNN at ~N^2 parameters: "
        + "; ".join(parts)
        + f"; learning takes {t_hop * 1e3:.2g} ms, training up to {t_rnn:.2g} s"
    )
    worst = min(gaps)
    if worst >= -0.02:
        return Result("as good, no training", measured, HOLDS)
    return Result(
        "as good, no training",
        measured,
        CAVEAT if worst >= -0.1 else FAILS,
        "the trained RNN recalls better at some loads",
    )
