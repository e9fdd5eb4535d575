"""hopsim.rnn: parameter counts, seeded training, the unrolled pass, quantised bytes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from hopsim import rnn
from hopsim.experiments import gradients
from hopsim.rng import SeedTree

torch.set_num_threads(1)


@pytest.mark.parametrize("kind", rnn.KINDS)
@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(1, 1, 1), (9, 32, 8), (64, 13, 64)])
def test_parameter_count_equals_closed_form(kind, inputs, hidden, outputs):
    model = rnn.Recurrent(kind, inputs, hidden, outputs)
    g = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    expected = g * (hidden * inputs + hidden**2 + 2 * hidden) + outputs * hidden + outputs
    assert (
        rnn.count_parameters(model)
        == expected
        == rnn.closed_form_parameters(kind, inputs, hidden, outputs)
    )


@pytest.mark.parametrize("kind", rnn.KINDS)
def test_hidden_for_parameters_is_the_nearest_size(kind):
    N = 64
    H = rnn.hidden_for_parameters(kind, N, N, N * N)
    best = min(range(1, 200), key=lambda h: abs(rnn.closed_form_parameters(kind, N, h, N) - N * N))
    assert H == best


@pytest.mark.parametrize("kind", rnn.KINDS)
def test_unrolled_pass_equals_the_fused_module(kind):
    torch.manual_seed(0)
    model = rnn.Recurrent(kind, 5, 7, 3)
    x = torch.randn(4, 6, 5)
    fused, _ = model(x)
    stepwise, hs, cs = model.unrolled(x)
    torch.testing.assert_close(fused, stepwise)
    assert len(hs) == 6 and len(cs) == (6 if kind == "lstm" else 0)


def _train_once(seed: int):
    seeds = SeedTree(seed)
    rnn.seed_torch(seeds, "test")
    model = rnn.Recurrent("gru", 5, 8, 4)
    data = seeds.generator("data")
    xv, yv = gradients.copy_batch(seeds.generator("val"), 64, 3, 4, False)
    xv, yv = rnn.to_tensor(xv), torch.from_numpy(yv)

    def batch(step):
        x, y = gradients.copy_batch(data, 16, 3, 4, False)
        return rnn.to_tensor(x), torch.from_numpy(y)

    def loss_fn(m, x, y):
        return torch.nn.functional.cross_entropy(m(x)[0][:, -1], y)

    def val(m):
        logits = m(xv)[0][:, -1]
        return float(torch.nn.functional.cross_entropy(logits, yv)), float(
            (logits.argmax(1) == yv).float().mean()
        )

    hist = rnn.train(model, batch, loss_fn, val, 40, 0.01, clip=1.0, eval_every=10, patience=3)
    return hist, [p.detach().clone() for p in model.parameters()]


def test_training_is_deterministic_for_a_seed():
    h1, p1 = _train_once(3)
    h2, p2 = _train_once(3)
    h3, _ = _train_once(4)
    assert h1.loss == h2.loss and h1.val_metric == h2.val_metric and h1.steps == h2.steps
    for a, b in zip(p1, p2, strict=True):
        assert torch.equal(a, b)
    assert h1.loss != h3.loss


def test_early_stop_restores_the_best_evaluation():
    hist, _ = _train_once(3)
    assert hist.steps <= 40 and len(hist.loss) == hist.steps
    assert hist.best_step in hist.eval_step


@pytest.mark.parametrize("kind", rnn.KINDS)
def test_quantisation_shrinks_the_bytes_as_computed(kind):
    I, H, O = 64, 26, 64
    model = rnn.Recurrent(kind, I, H, O)
    q = rnn.quantize(model)
    assert rnn.tensor_bytes(model) == rnn.closed_form_bytes(kind, I, H, O, int8=False)
    assert rnn.tensor_bytes(q) == rnn.closed_form_bytes(kind, I, H, O, int8=True)
    assert rnn.tensor_bytes(q) < rnn.tensor_bytes(model)
    assert rnn.serialized_bytes(q) < rnn.serialized_bytes(model)
    if kind != "rnn":  # gated layers go to int8: close to 4x fewer weight bytes
        assert rnn.tensor_bytes(model) / rnn.tensor_bytes(q) > 3.0
    x = torch.randn(8, 5, I)
    with torch.no_grad():  # int8 weights: answers close to the float model's
        diff = (model(x)[0] - q(x)[0]).abs().max()
    assert float(diff) < 0.1


def test_forget_bias_and_spectral_radius():
    torch.manual_seed(0)
    model = rnn.Recurrent("lstm", 3, 6, 2)
    model.set_forget_bias(1.0)
    b = model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0
    torch.testing.assert_close(b[6:12], torch.ones(6))
    simple = rnn.Recurrent("rnn", 3, 6, 2)
    simple.set_spectral_radius(3.0)
    rho = torch.linalg.eigvals(simple.rnn.weight_hh_l0.detach()).abs().max()
    assert float(rho) == pytest.approx(3.0, rel=1e-5)


def test_rnn_experiment_without_torch_stops_with_one_line(tmp_path):
    # hide torch from the child process: the preflight must say what to install, exit 2
    code = (
        "import sys, importlib.util as u; real = u.find_spec;"
        "u.find_spec = lambda n, *a, **k: None if n == 'torch' else real(n, *a, **k);"
        "sys.argv = ['hopsim', 'experiment=gradients', 'hydra.run.dir=" + str(tmp_path) + "'];"
        "from hopsim.cli import main; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install -e '.[rnn]'" in lines[0], proc.stderr
    assert not (tmp_path / "result.nc").exists()
