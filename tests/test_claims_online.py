"""The online claims follow the data they read: synthetic online datasets in which the
palimpsests' capacities, Hebb's blackout and the RNN's count are set by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from hopsim.gallery.claims import CLAIMS, FAILS, HOLDS, INCONCLUSIVE, NOT_TESTED


def _check(claim_id, data):
    return next(c for c in CLAIMS if c.id == claim_id).check(data)


def synthetic(counts: dict, Ns=(200, 500, 1000, 2000), checkpoints=(1.0,), streams=4, rules=None):
    """An online dataset whose learner ``label`` retrieves exactly the newest
    ``counts[label](N, checkpoint, stream)`` patterns (overlap 1), none older (overlap 0.1);
    every age up to 0.2 N tested (stride 1)."""
    labels = list(counts)
    rules = rules or {}
    slots = int(0.2 * max(Ns))
    overlap = np.full((len(labels), len(Ns), len(checkpoints), 1, streams, slots), np.nan)
    ages = np.full((len(Ns), slots), -1)
    for n, N in enumerate(Ns):
        span = int(0.2 * N)
        ages[n, :span] = np.arange(span)
        for c, t in enumerate(checkpoints):
            stored = max(1, round(t * N))
            for a, label in enumerate(labels):
                for s in range(streams):
                    k = counts[label](N, t, s)
                    tested = min(span, stored)
                    overlap[a, n, c, 0, s, :tested] = np.where(np.arange(tested) < k, 1.0, 0.1)
    value = [float(x.split("=")[1]) if "=" in x else math.nan for x in labels]
    family = ["rnn" if x.startswith("gru") else "hopfield" for x in labels]
    rule = [rules.get(x, x.split(" ")[0]) for x in labels]
    return xr.Dataset(
        {"overlap": (("learner", "N", "checkpoint", "noise", "stream", "slot"), overlap)},
        coords={
            "learner": labels,
            "family": ("learner", family),
            "rule": ("learner", rule),
            "option": ("learner", ["" for _ in labels]),
            "value": ("learner", value),
            "N": list(Ns),
            "checkpoint": list(checkpoints),
            "noise": [0.0],
            "stream": np.arange(streams),
            "slot": np.arange(slots),
            "stored": (
                ("N", "checkpoint"),
                [[max(1, round(t * N)) for t in checkpoints] for N in Ns],
            ),
            "age": (("N", "slot"), ages),
            "stride": ("N", np.ones(len(Ns), dtype=int)),
            "threshold": 0.9,
        },
        attrs={"train_steps": 100, "train_lr": 0.003},
    )


def _capacity(alpha_inf: float, b: float):
    # stream s alternates one pattern above and below: a spread of one pattern
    return lambda N, t, s: round((alpha_inf + b / math.sqrt(N)) * N) + (1 if s % 2 else -1)


@pytest.mark.parametrize(
    ("claim_id", "label", "theory"),
    [
        ("palimpsest_decay", "hebb_decay epsilon=4.108", 0.0490),
        ("palimpsest_bounds", "hebb_bounded bound=0.355", 0.0405),
    ],
)
def test_capacity_claims_follow_the_extrapolation(claim_id, label, theory):
    ds = synthetic({label: _capacity(theory, 0.3)})
    result = _check(claim_id, {"online_optimum": ds})
    assert result.verdict == HOLDS, result
    off = synthetic({label: _capacity(theory + 0.01, 0.3)})
    assert _check(claim_id, {"online_optimum": off}).verdict == FAILS
    one = synthetic({label: _capacity(theory, 0.3)}, Ns=(500, 1000))
    assert _check(claim_id, {"online_optimum": one}).verdict == INCONCLUSIVE
    other = synthetic({"hebb": lambda N, t, s: 0})
    assert _check(claim_id, {"online_optimum": other}).verdict == NOT_TESTED


def test_blackout_claim_follows_hebbs_retrieval():
    def hebb(N, t, s):
        return round(t * N) if t < 0.138 else 0

    def decay(N, t, s):
        return round(min(t, 0.05) * N)

    checkpoints = (0.1, 0.4, 1.0)
    counts = {"hebb": hebb, "hebb_decay epsilon=4.108": decay}
    ds = synthetic(counts, Ns=(1000,), checkpoints=checkpoints)
    assert _check("hebb_blackout", {"online": ds}).verdict == HOLDS
    lit = synthetic(
        {**counts, "hebb": lambda N, t, s: round(min(t, 0.1) * N)},
        Ns=(1000,),
        checkpoints=checkpoints,
    )
    assert _check("hebb_blackout", {"online": lit}).verdict == FAILS
    early = synthetic(counts, Ns=(1000,), checkpoints=(0.1,))
    assert _check("hebb_blackout", {"online": early}).verdict == NOT_TESTED


@pytest.mark.parametrize(("gru", "verdict"), [(12, HOLDS), (3, FAILS), (6, INCONCLUSIVE)])
def test_rnn_claim_compares_the_best_of_each_side_beyond_the_spread(gru, verdict):
    counts = {
        "hebb_decay epsilon=4.108": lambda N, t, s: 6 + (s % 2),
        "gru N2": lambda N, t, s: gru + (s % 2),
    }
    ds = synthetic(counts, Ns=(64,), streams=4)
    result = _check("rnn_online", {"online_rnn": ds})
    assert result.verdict == verdict, result
    assert "best RNN gru N2" in result.measured
    assert (
        _check("rnn_online", {"online_rnn": synthetic({"hebb": lambda *a: 1}, Ns=(64,))}).verdict
        == NOT_TESTED
    )
