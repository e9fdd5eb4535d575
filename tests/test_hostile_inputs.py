"""Hostile inputs: every bad value stops the command with one line, exit 2, nothing written.

Each case drives the real command (``hopsim.cli.main``, in-process: fast) from an empty
working directory and asserts exit status 2, exactly one stderr line, that it starts with
``hopsim: error:`` and names the key, and that no ``runs/`` directory was created. Cases are
grouped by class of input (non-finite, huge, out of range, wrong type, duplicates, unknown
keys, hydra overrides, shadowed keys, resources, image files); every class covers every
experiment that has such a key (``ls conf/experiment``). A few legitimate edge values must
still run, and a few cases go through a real subprocess.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from hopsim import cli, experiments

ALL = experiments.available()


def run_main(monkeypatch, capsys, tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    """Run ``hopsim *argv`` in-process with ``tmp_path`` as the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["hopsim", *argv])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def _no_run():
    raise AssertionError("the preflight let this config through to the run")


def assert_refused(monkeypatch, capsys, tmp_path, argv, key):
    monkeypatch.setattr(cli, "_hydra_app", _no_run)  # never start the work itself
    code, _, err = run_main(monkeypatch, capsys, tmp_path, *argv)
    lines = err.strip().splitlines()
    assert code == 2, (argv, code, err)
    assert len(lines) == 1, (argv, err)
    assert lines[0].startswith("hopsim: error: "), lines[0]
    assert key in lines[0], (key, lines[0])
    assert not (tmp_path / "runs").exists()
    assert "Traceback" not in err
    return lines[0]


def exp(name: str, *overrides: str) -> tuple[str, ...]:
    return (f"experiment={name}", *overrides)


# --------------------------------------------------------------------------- NaN and inf

NON_FINITE = [
    (exp("recall", "network.theta=nan"), "network.theta"),
    (exp("recall", "network.theta=[nan,0]"), "network.theta"),
    (exp("recall", "corruption.level=inf"), "corruption.level"),
    (exp("capacity", "patterns.alpha=[0.1,nan]"), "patterns.alpha"),
    (exp("mixtures", "patterns.alpha=[0.1,nan]"), "patterns.alpha"),
    (exp("recall", "network.from=nan"), "network.from"),
    (exp("capacity", "corruption.level=[0,inf]"), "corruption.level"),
    (exp("hopfield_temperature", "mc.temperatures=[0.1,inf]"), "mc.temperatures"),
    (exp("hopfield_temperature", "network.theta=-inf"), "network.theta"),
    (exp("state_graph", "network.theta=[0,nan]"), "network.theta"),
    (exp("images", "images.noise_level=nan"), "images.noise_level"),
    (exp("images", "network.theta=nan"), "network.theta"),
    (exp("ising", "lattice.J=nan"), "lattice.J"),
    (exp("ising", "mc.temperatures=[2,nan]"), "mc.temperatures"),
    (exp("bifurcation", "bifurcation.loop_lambda=[1.5,inf]"), "bifurcation.loop_lambda"),
    (exp("bifurcation", "neuron.h=nan"), "neuron.h"),
    (exp("phase_portrait", "phase_portrait.lambdas=[nan]"), "phase_portrait.lambdas"),
    (exp("stimulus", "stimulus.pulses=[[10,15,nan]]"), "stimulus.pulses"),
    (exp("stimulus", "stimulus.pulses=[[10,inf,1]]"), "stimulus.pulses"),
    (exp("stimulus", "stimulus.steps=[[nan,1]]"), "stimulus.steps"),
    (exp("network_ode", "network_ode.t_max=inf"), "network_ode.t_max"),
    (exp("network_ode", "neuron.gain=nan"), "neuron.gain"),
]


@pytest.mark.parametrize(("argv", "key"), NON_FINITE, ids=[" ".join(a) for a, _ in NON_FINITE])
def test_nan_and_inf_are_refused_in_scalars_and_lists(monkeypatch, capsys, tmp_path, argv, key):
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, key)
    assert "finite" in line


# --------------------------------------------------------------------------- huge numbers

HUGE = [
    (exp("recall", "network.theta=1e308"), "network.theta"),
    (exp("capacity", "patterns.alpha=[1e308]"), "patterns.alpha"),
    (exp("hopfield_temperature", "mc.temperatures=[1e308]"), "mc.temperatures"),
    (exp("ising", "mc.temperatures=[1e308]"), "mc.temperatures"),
    (exp("ising", "lattice.J=1e308"), "lattice.J"),
    (exp("ising", "lattice.h=-1e300"), "lattice.h"),
    (exp("bifurcation", "bifurcation.lambda_max=1e300"), "bifurcation.lambda_max"),
    (exp("phase_portrait", "phase_portrait.v_max=1e200"), "phase_portrait.v_max"),
    (exp("stimulus", "stimulus.t_max=1e300"), "stimulus.t_max"),
    (exp("stimulus", "stimulus.pulses=[[10,15,1e300]]"), "stimulus.pulses"),
    (exp("network_ode", "neuron.gain=1e300"), "neuron.gain"),
    (exp("images", "images.max_sweeps=100000000000000000000"), "images.max_sweeps"),
    (("seed=18446744073709551616",), "seed"),
    (exp("ising", "seed=9223372036854775808"), "seed"),
]


@pytest.mark.parametrize(("argv", "key"), HUGE, ids=[" ".join(a) for a, _ in HUGE])
def test_huge_numbers_are_refused_before_they_overflow(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


# --------------------------------------------------------------------------- out of range

OUT_OF_RANGE = [
    (("seed=-1",), "seed"),
    (("threads=0",), "threads"),
    (exp("recall", "network.N=0"), "network.N"),
    (exp("capacity", "network.N=[100,-5]"), "network.N"),
    (exp("hopfield_temperature", "mc.temperatures=[-1]"), "mc.temperatures"),
    (exp("state_graph", "patterns.bias=1"), "patterns.bias"),
    (exp("images", "images.side=1"), "images.side"),
    (exp("ising", "lattice.L=[7]"), "lattice.L"),
    (exp("ising", "mc.temperatures=[0]"), "mc.temperatures"),
    (exp("ising", "mc.temperatures=[1e-300]"), "mc.temperatures"),
    (exp("ising", "mc.blocks=1000", "mc.sweeps=100"), "mc.blocks"),
    (exp("bifurcation", "meanfield.P=0"), "meanfield.P"),
    (exp("bifurcation", "neuron.tau=-1"), "neuron.tau"),
    (exp("phase_portrait", "phase_portrait.points=1"), "phase_portrait.points"),
    (exp("stimulus", "stimulus.pulses=[[200,210,1]]"), "stimulus.pulses"),
    (exp("stimulus", "stimulus.pulses=[[15,10,1]]"), "stimulus.pulses"),
    (exp("stimulus", "neuron.tau=1e-300"), "neuron.tau"),
    (exp("network_ode", "network_ode.N=1", "network_ode.P=1"), "network_ode.N"),
    (exp("network_ode", "network_ode.amplitude=1"), "network_ode.amplitude"),
]


@pytest.mark.parametrize(("argv", "key"), OUT_OF_RANGE, ids=[" ".join(a) for a, _ in OUT_OF_RANGE])
def test_out_of_range_values_are_refused(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


# --------------------------------------------------------------------------- wrong type

WRONG_TYPE = [
    (("seed=abc",), "seed"),
    (("progress=maybe",), "progress"),
    (exp("recall", "trials=1.5"), "trials"),
    (exp("capacity", "network.N=[a,b]"), "network.N"),
    (exp("mixtures", "mixtures.starts=[1]"), "mixtures.starts"),
    (exp("mixtures", "mixtures.starts=blend"), "mixtures.starts"),
    (exp("recall", "network.from=[a.nc]"), "network.from"),
    (exp("capacity", "network.from=3"), "network.from"),
    (exp("recall", "corruption.kind=occlude_clamp"), "corruption.kind"),
    (exp("hopfield_temperature", "mc.rule=fast"), "mc.rule"),
    (exp("state_graph", "patterns.explicit=[[1,2]]"), "patterns.explicit"),
    (exp("images", "images.paths=[1]"), "images.paths"),
    (exp("ising", "mc.anneal=3"), "mc.anneal"),
    (exp("bifurcation", "bifurcation.points=many"), "bifurcation.points"),
    (exp("phase_portrait", "neuron.activation=relu"), "neuron.activation"),
    (exp("stimulus", "stimulus.pulses=[[10,15]]"), "stimulus.pulses"),
    (exp("stimulus", "stimulus.pulses=[[10,15,true]]"), "stimulus.pulses"),
    (exp("network_ode", "solver.method=Euler"), "solver.method"),
]


@pytest.mark.parametrize(("argv", "key"), WRONG_TYPE, ids=[" ".join(a) for a, _ in WRONG_TYPE])
def test_values_of_the_wrong_type_are_refused(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


# --------------------------------------------------------------------------- duplicates

DUPLICATES = [
    (exp("capacity", "network.N=[100,100]"), "network.N"),
    (exp("mixtures", "mixtures.starts=[pattern,pattern]"), "mixtures.starts"),
    (exp("mixtures", "patterns.alpha=[0.1,0.1]"), "patterns.alpha"),
    (exp("capacity", "patterns.alpha=[0.1,0.1]"), "patterns.alpha"),
    (exp("capacity", "corruption.level=[0,0.1,0]"), "corruption.level"),
    (exp("hopfield_temperature", "network.N=[100,100]"), "network.N"),
    (exp("hopfield_temperature", "mc.temperatures=[0.5,0.5]"), "mc.temperatures"),
    (exp("ising", "lattice.L=[8,8]"), "lattice.L"),
    (exp("ising", "mc.temperatures=[2,2.0]"), "mc.temperatures"),
    (exp("bifurcation", "bifurcation.loop_lambda=[2,2]"), "bifurcation.loop_lambda"),
    (exp("phase_portrait", "phase_portrait.lambdas=[1,1]"), "phase_portrait.lambdas"),
    (exp("images", "images.updates=[sync,sync]"), "images.updates"),
]


@pytest.mark.parametrize(("argv", "key"), DUPLICATES, ids=[" ".join(a) for a, _ in DUPLICATES])
def test_duplicate_coordinate_values_are_refused(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


# --------------------------------------------------------------------------- unknown keys


@pytest.mark.parametrize("name", ALL)
def test_an_added_key_the_experiment_does_not_read_is_refused(monkeypatch, capsys, tmp_path, name):
    line = assert_refused(monkeypatch, capsys, tmp_path, exp(name, "+foo=1"), "+foo=1")
    assert "unknown key" in line


ADDITIONS = [
    (("+network.NN=3",), "+network.NN=3"),
    (exp("capacity", "++network.NN=3"), "++network.NN=3"),
    (exp("ising", "+network=hopfield"), "+network=hopfield"),
    (exp("ising", "+mc.foo.bar=1"), "+mc.foo.bar=1"),
    (exp("stimulus", "+solver.max_step=1"), "+solver.max_step=1"),
]


@pytest.mark.parametrize(("argv", "key"), ADDITIONS, ids=[" ".join(a) for a, _ in ADDITIONS])
def test_added_keys_and_groups_are_refused(monkeypatch, capsys, tmp_path, argv, key):
    assert "unknown key" in assert_refused(monkeypatch, capsys, tmp_path, argv, key)


BLAME = [
    (exp("ising", "lattice.L=[8]", "mc.temperature=2"), "mc.temperature=2"),
    (exp("ising", "mc.temperature=2", "lattice.L=[8]"), "mc.temperature=2"),
    (("lattice.L=[8]", "experiment=ising", "mc.temperature=2"), "mc.temperature=2"),
    (exp("stimulus", "neuron.tau=2", "stimulus.pulse=1"), "stimulus.pulse=1"),
    (exp("network_ode", "network_ode.N=50", "network.N=5"), "network.N=5"),
    (exp("capacity", "network.N=[50]", "dynamics.updat=sync"), "dynamics.updat=sync"),
    (("-m", "experiment=ising,recall", "lattice.L=[8]"), "lattice.L=[8]"),
]


@pytest.mark.parametrize(("argv", "key"), BLAME, ids=[" ".join(a) for a, _ in BLAME])
def test_the_wrong_override_is_named(monkeypatch, capsys, tmp_path, argv, key):
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, key)
    good = [a for a in argv if a != key and not a.startswith("experiment=")]
    assert not any(line.startswith(f"hopsim: error: {g}") for g in good), line


# --------------------------------------------------------------------------- hydra overrides

HYDRA = [
    (("-m", "hydra/launcher=nosuch"), "hydra/launcher"),
    (("hydra/launcher=nosuch",), "hydra/launcher"),
    (("hydra.nosuch=1",), "hydra.nosuch"),
    (("-m", "hydra/launcher=joblib", "hydra.launcher.nosuch=2"), "hydra.launcher.nosuch"),
    (("-m", "hydra.launcher.partition=x"), "hydra.launcher.partition"),
    (exp("ising", "-m", "hydra/launcher=joblib", "mc.sweeps=100,-1"), "mc.sweeps"),
    (("-m", "hydra/launcher=slurm", "hydra.launcher.mem_gb=abc"), "hydra.launcher.mem_gb"),
    (("-m", "hydra/launcher=slurm", "hydra.launcher.cpus_per_task=0"), "cpus_per_task"),
    (("-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=0"), "hydra.launcher.n_jobs"),
    (("hydra.job.chdir=maybe",), "hydra.job.chdir"),
    (("experiment=nosuch",), "experiment"),
    (("network=nosuch",), "network"),
    (exp("ising", "network=hopfield"), "network=hopfield"),
]


@pytest.mark.parametrize(("argv", "key"), HYDRA, ids=[" ".join(a) for a, _ in HYDRA])
def test_hydra_overrides_and_group_choices_are_checked(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


# --------------------------------------------------------------------------- sweeps and others

SWEEPS = [
    (("-m", "network.N=10,nan"), "network.N"),
    (exp("ising", "-m", "lattice.J=1,1e308"), "lattice.J"),
    (exp("stimulus", "-m", "stimulus.t_max=100,1e11"), "stimulus.t_max"),
    (exp("phase_portrait", "-m", "seed=0,-3"), "seed"),
    (exp("recall", "-m", "network.from=a.nc,b.nc"), "network.from"),
    (exp("mixtures", "-m", "trials=2,0"), "trials"),
    (exp("network_ode", "network_ode.N=${nosuch}"), "network_ode.N"),
]


@pytest.mark.parametrize(("argv", "key"), SWEEPS, ids=[" ".join(a) for a, _ in SWEEPS])
def test_every_swept_value_and_interpolation_is_checked(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


COMMAND_LINE = [
    (("network.N=10,20",), "network.N=10,20"),
    (exp("ising", "mc.sweeps=range(100,300,100)"), "mc.sweeps=range(100,300,100)"),
    (("experiment=ising,recall",), "experiment=ising,recall"),
    (("~trials",), "~trials"),
    (("~network",), "~network"),
    (("--config-name", "nosuch"), "--config-name"),
    (("-cp", "/nonexistent"), "-cp"),
    (("network.N",), "network.N"),
    (("network.N=[1,",), "[1,"),
    (("+experiment=ising",), "+experiment=ising"),
    (("trials=${trials}",), "trials"),
    # issue 21: an unparseable value names its key; a sweep lists each value once
    (("network.learning=$(touch x)",), "network.learning"),
    (("network.N=[1,2",), "network.N"),
    (("-m", "network.N=100,100"), "network.N=100,100"),
    (("-m", "network.N=100,200,100"), "network.N=100,200,100"),
    (("-m", "corruption.level=0.1,0.10"), "corruption.level"),
    (("-m", "patterns.P=[2,3],[2,3]"), "patterns.P"),
    (exp("ising", "-m", "lattice.L=[4],[8],[4]"), "lattice.L"),
    # job folders outside the sweep folder, or where the merge does not look
    (("-m", "network.N=20,30", "hydra.sweep.subdir=../escaped_${hydra.job.num}"), "subdir"),
    (("-m", "network.N=20,30", "hydra.sweep.subdir=/tmp/x_${hydra.job.num}"), "subdir"),
    (("-m", "network.N=20,30", "hydra.sweep.subdir=."), "hydra.sweep.subdir"),
    (("-m", "network.N=20,30", "hydra.sweep.subdir=job_${hydra.job.num}"), "subdir"),
    (("-m", "network.N=20,30", "hydra.sweep.subdir=0"), "hydra.sweep.subdir"),
]


@pytest.mark.parametrize(("argv", "key"), COMMAND_LINE, ids=[" ".join(a) for a, _ in COMMAND_LINE])
def test_malformed_command_lines_are_refused(monkeypatch, capsys, tmp_path, argv, key):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


def test_the_job_number_as_subdir_and_distinct_values_still_run(monkeypatch, capsys, tmp_path):
    argv = ("-m", "network.N=20,30", "patterns.P=2", "trials=2", "progress=off")
    argv += (f"hydra.sweep.dir={tmp_path}/sweep", "hydra.sweep.subdir=${hydra.job.num}")
    code, out, err = run_main(monkeypatch, capsys, tmp_path, *argv)
    assert code == 0, err
    assert (tmp_path / "sweep" / "1" / "result.nc").exists() and "merged 2 jobs" in out
    assert not (tmp_path / "x").exists()  # nothing ran a shell


# --------------------------------------------------------------------------- shadowed keys

SHADOWED = [
    (("patterns.alpha=0.1", "patterns.P=-5"), "patterns.P"),
    (("patterns.alpha=0.1", "patterns.P=nan"), "patterns.P"),
    (("patterns.explicit=[[1,-1,1]]", "patterns.alpha=-1"), "patterns.alpha"),
    (exp("state_graph", "network.N=-3"), "network.N"),
    (exp("state_graph", "patterns.P=-1"), "patterns.P"),
    (exp("capacity", "patterns.P=-1"), "patterns.P"),
    (exp("hopfield_temperature", "patterns.P=1.5"), "patterns.P"),
]


@pytest.mark.parametrize(("argv", "key"), SHADOWED, ids=[" ".join(a) for a, _ in SHADOWED])
def test_keys_overridden_by_another_key_are_still_validated(
    monkeypatch, capsys, tmp_path, argv, key
):
    assert_refused(monkeypatch, capsys, tmp_path, argv, key)


# --------------------------------------------------------------------------- resources
# Memory is refused while the config is read; a run estimated beyond a day is refused by the
# preflight's check of the experiment's estimate (tests/test_estimates.py at the Python level).

LAMS = "[" + ",".join(str(0.1 * k) for k in range(1, 101)) + "]"
RESOURCES = [
    (exp("ising", "lattice.L=[1000000]"), "lattice.L", "needs ~"),
    (exp("ising", "lattice.kind=chain", "lattice.L=[1000000000000]"), "lattice.L", "needs ~"),
    (exp("ising", "mc.sweeps=100000000000"), "mc.sweeps", "needs ~"),
    (
        exp("phase_portrait", "phase_portrait.points=10000000", f"phase_portrait.lambdas={LAMS}"),
        "phase_portrait.points",
        "needs ~",
    ),
    (exp("stimulus", "stimulus.t_max=1e11"), "stimulus.t_max", "time constants"),
    (exp("stimulus", "neuron.tau=1e-6", "stimulus.t_max=1e6"), "stimulus.t_max", "time"),
    (exp("network_ode", "network_ode.N=100000"), "network_ode.N", "needs ~"),
    (exp("network_ode", "network_ode.trials=1000000000"), "network_ode.trials", "needs ~"),
]


@pytest.mark.parametrize(
    ("argv", "key", "what"), RESOURCES, ids=[" ".join(a) for a, _, _ in RESOURCES]
)
def test_configs_beyond_memory_or_time_are_refused(monkeypatch, capsys, tmp_path, argv, key, what):
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, key)
    assert what in line
    if "needs ~" in line:
        assert "available" in line


# --------------------------------------------------------------------------- image files


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A tiny PNG whose header claims ``width x height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _truncated_jpeg(path: Path) -> None:
    from PIL import Image

    full = path.with_name("full.jpg")
    Image.new("L", (200, 150), 100).save(full, quality=90)
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("maker", "name"),
    [
        (_truncated_jpeg, "truncated.jpg"),
        (lambda p: _png_header_only(p, 100_000, 100_000), "bomb.png"),
        (lambda p: _png_header_only(p, 9_000, 9_000), "huge.png"),
        (lambda p: p.write_bytes(b"not an image"), "text.png"),
    ],
    ids=["truncated-jpeg", "decompression-bomb", "over-64M-pixels", "not-an-image"],
)
def test_broken_and_hostile_image_files_are_refused(monkeypatch, capsys, tmp_path, maker, name):
    files = tmp_path / "files"
    files.mkdir()
    maker(files / name)
    argv = exp("images", f"images.paths=[{files / name}]", "images.side=16")
    line = assert_refused(monkeypatch, capsys, tmp_path, argv, "images.paths")
    assert name in line


# --------------------------------------------------------------------------- subprocess


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        (("network.theta=[nan,0]",), "network.theta"),
        (exp("ising", "lattice.L=[8]", "mc.temperature=2"), "mc.temperature=2"),
        (("-m", "hydra/launcher=nosuch"), "hydra/launcher"),
    ],
)
def test_the_real_command_prints_one_line_and_exits_2(tmp_path, argv, key):
    proc = subprocess.run(
        [sys.executable, "-m", "hopsim", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hopsim: error: ") and key in lines[0]
    assert not (tmp_path / "runs").exists()


# --------------------------------------------------------------------------- legitimate edges

LEGITIMATE = [
    exp(
        "phase_portrait",
        "phase_portrait.points=2",
        "phase_portrait.lambdas=0.5",
        "seed=9223372036854775807",
    ),
    exp(
        "stimulus",
        "stimulus.t_max=20",
        "stimulus.points=2",
        "stimulus.pulses=[[0,5,1],[10,1e12,-1]]",
        "solver.rtol=0.1",
    ),
    exp(
        "ising",
        "lattice.kind=chain",
        "lattice.L=[2,4]",
        "mc.temperatures=[1e-6,1e6]",
        "lattice.J=-1e6",
        "mc.thermalize=0",
        "mc.sweeps=4",
        "mc.blocks=4",
    ),
    exp(
        "bifurcation",
        "bifurcation.points=2",
        "bifurcation.h_points=2",
        "bifurcation.loop_lambda=2",
        "meanfield.N=2",
        "meanfield.points=2",
    ),
    exp(
        "network_ode",
        "network_ode.N=2",
        "network_ode.P=2",
        "network_ode.trials=1",
        "network_ode.points=2",
        "network_ode.t_max=1e-9",
    ),
]


@pytest.mark.parametrize("argv", LEGITIMATE, ids=[a[0] for a in LEGITIMATE])
def test_legitimate_edge_values_still_run(monkeypatch, capsys, tmp_path, argv):
    code, out, err = run_main(
        monkeypatch, capsys, tmp_path, *argv, "progress=off", f"hydra.run.dir={tmp_path}/out"
    )
    assert code == 0, err
    assert (tmp_path / "out" / "result.nc").exists(), out
