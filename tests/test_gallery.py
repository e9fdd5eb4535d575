"""The gallery: ``hopsim-gallery --quick`` end to end, and claims whose verdicts follow the data."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hopsim.gallery import claims as claims_module
from hopsim.gallery import cli, report
from hopsim.gallery.claims import CAVEAT, CLAIMS, FAILS, HOLDS, UNCHECKED, VERDICTS
from hopsim.gallery.plan import ENTRIES, Entry

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def gallery_command() -> list[str]:
    exe = Path(sys.executable).parent / "hopsim-gallery"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("hopsim-gallery")
    return [found] if found else [sys.executable, "-m", "hopsim.gallery.cli"]


@pytest.fixture(scope="module")
def quick_gallery(tmp_path_factory):
    """One ``hopsim-gallery --quick`` run through the console script (about 1.5 minutes)."""
    out = tmp_path_factory.mktemp("gallery")
    proc = subprocess.run(
        [*gallery_command(), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    path = out / "gallery.json"
    manifest = json.loads(path.read_text()) if path.exists() else None
    return out, proc, manifest


# ------------------------------------------------------------------- the plan and registry


def test_claim_ids_unique_and_needs_known():
    names = {e.name for e in ENTRIES}
    assert len(names) == len(ENTRIES)
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids))
    for c in CLAIMS:
        assert c.needs, c.id
        assert set(c.needs) <= names, (c.id, set(c.needs) - names)


def test_every_experiment_is_in_the_gallery():
    conf = Path(__file__).resolve().parents[1] / "conf" / "experiment"
    experiments = {p.stem for p in conf.glob("*.yaml")}
    covered = set()
    for e in ENTRIES:
        chosen = [a.split("=", 1)[1] for a in e.overrides if a.startswith("experiment=")]
        covered.update(chosen or ["recall"])  # no experiment= runs the default, recall
    assert experiments <= covered, experiments - covered


def test_register_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        claims_module.claim(CLAIMS[0].id, "x", "y", "recall")(lambda d: None)


def test_missing_runs_are_not_checked_with_the_reason():
    rows = claims_module.evaluate({}, {"capacity": "exit status 2: error: bad key"})
    assert len(rows) == len(CLAIMS)
    assert all(r.verdict == UNCHECKED for _, r in rows)
    cap = next(r for c, r in rows if c.id == "capacity_ags")
    assert "exit status 2: error: bad key" in cap.note


def test_a_crashing_check_is_reported_not_hidden(monkeypatch):
    broken = claims_module.Claim("broken", "test", "s", ("recall",), lambda d: 1 / 0)
    ((c, r),) = claims_module.evaluate({"recall": object()}, claims=[broken])
    assert r.verdict == UNCHECKED and r.note.startswith("check error: ZeroDivisionError")


def test_helpers():
    p, se = claims_module.fraction(30, 100)
    assert p == 0.3 and se == pytest.approx(np.sqrt(0.21 / 100))
    assert claims_module.at_least(0.5, 0.05, 0.3) == HOLDS
    assert claims_module.at_least(0.35, 0.05, 0.3) == CAVEAT
    assert claims_module.at_least(0.1, 0.05, 0.3) == FAILS
    assert claims_module.agreement(1.9) == HOLDS
    assert claims_module.agreement(-3.0) == CAVEAT
    assert claims_module.agreement(4.5) == FAILS
    assert claims_module.all_of(HOLDS, CAVEAT, HOLDS) == CAVEAT
    assert claims_module.all_of(HOLDS, FAILS, CAVEAT) == FAILS


def test_report_escapes_html(tmp_path):
    c = claims_module.Claim("x", "<b>src</b>", "a < b & c", ("recall",), lambda d: None)
    r = claims_module.Result("<ref>", "m | n", HOLDS, "")
    header = {
        "command": "hopsim-gallery",
        "date": "d",
        "version": "v",
        "mode": "full",
        "wall": "1 s",
        "machine": "m",
    }
    page = report.index_html([(c, r)], [], header, tmp_path)
    assert "a &lt; b &amp; c" in page and "<b>src</b>" not in page
    md = report.claims_markdown([(c, r)], [], header)
    assert "m \\| n" in md


def test_atomic_write_leaves_no_temporary(tmp_path):
    from hopsim.io import write_text_atomic

    write_text_atomic(tmp_path / "a.txt", "one")
    write_text_atomic(tmp_path / "a.txt", "two")
    assert (tmp_path / "a.txt").read_text() == "two"
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_failed_run_fails_the_command_and_is_on_the_page(tmp_path, monkeypatch, capsys):
    bad = Entry("bad", "A bad run", "Fails on purpose.", overrides=("experiment=nonexistent",))
    good = next(e for e in ENTRIES if e.name == "state_graph_2")
    monkeypatch.setattr(cli, "ENTRIES", (good, bad))
    status = cli.main(["--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert "error: bad: exit status 2" in err
    manifest = json.loads((tmp_path / "gallery.json").read_text())
    runs = {r["name"]: r for r in manifest["runs"]}
    assert runs["state_graph_2"]["status"] == "ok" and runs["state_graph_2"]["figures"]
    assert runs["bad"]["status"] == "failed" and "experiment" in runs["bad"]["reason"]
    page = (tmp_path / "index.html").read_text()
    assert "failed: exit status 2" in page
    verdicts = {c["id"]: c["verdict"] for c in manifest["claims"]}
    assert verdicts["two_node_anti"] == HOLDS
    assert verdicts["capacity_ags"] == UNCHECKED


def test_bad_out_folder_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["--out", str(blocker / "sub"), "--only", "recall"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --out")


# ------------------------------------------------------------------- the quick gallery, in CI


def test_quick_gallery_succeeds(quick_gallery):
    out, proc, manifest = quick_gallery
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert manifest is not None
    assert (out / "index.html").stat().st_size > 0
    assert (out / "claims.md").stat().st_size > 0


def test_quick_gallery_runs_every_entry_and_draws_its_figures(quick_gallery):
    out, _, manifest = quick_gallery
    runs = {r["name"]: r for r in manifest["runs"]}
    assert list(runs) == [e.name for e in ENTRIES]
    for name, r in runs.items():
        assert r["status"] == "ok", (name, r["reason"])
        assert r["figures"], name
        for rel in r["figures"]:
            data = (out / rel).read_bytes()
            assert data[:8] == PNG_MAGIC and len(data) > 5000, rel
    page = (out / "index.html").read_text()
    sources = set(re.findall(r'<img src="([^"]+)"', page))
    assert sources == {rel for r in runs.values() for rel in r["figures"]}
    for e in ENTRIES:
        assert f'id="{e.name}"' in page
        assert e.title.replace("&", "&amp;") in page


def test_quick_gallery_figures_are_the_registry_figures(quick_gallery):
    """Every figure hopsim.figures draws for a dataset is on the page (spot check)."""
    from hopsim import figures
    from hopsim.io import load_dataset, resolve_result_path

    out, _, manifest = quick_gallery
    runs = {r["name"]: r for r in manifest["runs"]}
    for name in ("images_two", "recall_updates", "ising"):
        ds = load_dataset(resolve_result_path(out / "runs" / name))
        figs = figures.figures(ds)
        stems = {Path(p).stem for p in runs[name]["figures"]}
        assert stems == set(figs), name
        import matplotlib.pyplot as plt

        for f in figs.values():
            plt.close(f)


def test_quick_gallery_checks_every_claim(quick_gallery):
    out, _, manifest = quick_gallery
    rows = manifest["claims"]
    assert [c["id"] for c in rows] == [c.id for c in CLAIMS]
    md = (out / "claims.md").read_text()
    page = (out / "index.html").read_text()
    for i, c in enumerate(rows, 1):
        assert c["verdict"] in VERDICTS
        assert c["verdict"] != UNCHECKED, (c["id"], c["note"])
        assert c["measured"] and c["reference"], c["id"]
        if c["verdict"] == CAVEAT:
            assert c["note"], f"{c['id']}: a caveat must say what it is"
        assert f"| {i} | " in md
        assert f'id="claim-{c["id"]}"' in page
    # the exact small-network results hold whatever the sizes
    verdicts = {c["id"]: c["verdict"] for c in rows}
    for exact in ("two_node_anti", "two_node_same", "three_node_two_patterns", "folds"):
        assert verdicts[exact] == HOLDS, exact


def test_quick_gallery_commands_are_the_real_ones(quick_gallery):
    out, _, manifest = quick_gallery
    for r in manifest["runs"]:
        log = (out / "logs" / f"{r['name']}.log").read_text()
        first = log.splitlines()[0]
        assert first.startswith("$ ") and "hopsim" in first
        assert r["command"].startswith("hopsim")
        args = r["command"].split()[1:]
        assert all(a in first for a in args)


# ------------------------------------------------------- verdicts follow the data they read


def _datasets(out: Path, *names):
    from hopsim.io import load_dataset, resolve_result_path

    return {n: load_dataset(resolve_result_path(out / "runs" / n)) for n in names}


def _check(claim_id, data):
    return next(c for c in CLAIMS if c.id == claim_id).check(data)


def test_energy_claim_fails_when_the_energy_rises(quick_gallery):
    out, _, _ = quick_gallery
    data = _datasets(out, "recall")
    assert _check("energy_descends", data).verdict == HOLDS
    ds = data["recall"].copy(deep=True)
    E = ds.energy.values
    E[0, 0, 1] = E[0, 0, 0] + 1.0
    assert _check("energy_descends", {"recall": ds}).verdict == FAILS


@pytest.mark.parametrize(
    "rnn, gru, verdict",
    [(2, 1, CAVEAT), (1, 2, CAVEAT), (4, 0, FAILS), (0, 4, HOLDS)],
)
def test_gating_claim_fails_only_beyond_the_seed_spread(rnn, gru, verdict):
    """One seed either way (it changes with the CPU's torch kernels) is no finding."""
    import xarray as xr

    success = np.zeros((2, 1, 4), dtype=np.int8)
    success[0, 0, :rnn] = 1
    success[1, 0, :gru] = 1
    ds = xr.Dataset(
        {"success": (("variant", "lag", "seed"), success)},
        coords={"variant": ["rnn", "gru"], "lag": [40], "seed": np.arange(4)},
    )
    result = _check("gating_helps", {"gradients": ds})
    assert result.verdict == verdict, result
    assert f"rnn {rnn}/4, gru {gru}/4" in result.measured


def test_two_picture_claim_follows_the_final_overlap(quick_gallery):
    out, _, _ = quick_gallery
    data = _datasets(out, "images_two")
    assert _check("two_pictures", data).verdict == HOLDS
    ds = data["images_two"].copy(deep=True)
    ds["final_overlap"][:] = 0.2
    assert _check("two_pictures", {"images_two": ds}).verdict == FAILS


def test_state_graph_claim_follows_the_fixed_points(quick_gallery):
    out, _, _ = quick_gallery
    data = _datasets(out, "state_graph_2")
    ds = data["state_graph_2"].copy(deep=True)
    ds["is_fixed_point"][:] = 0
    assert _check("two_node_anti", {"state_graph_2": ds}).verdict == FAILS


def test_n200_claim_follows_the_error_rate(quick_gallery):
    out, _, _ = quick_gallery
    data = _datasets(out, "capacity")
    assert _check("error_n200_p100", data).verdict == HOLDS
    ds = data["capacity"].copy(deep=True)
    ds["bit_error"][:] = 0.0
    assert _check("error_n200_p100", {"capacity": ds}).verdict == FAILS


@pytest.mark.parametrize(
    "argv",
    [["--only", "nosuch"], ["--quick", "extra"], ["--out"], ["--out", ""], ["--out", " "]],
)
def test_bad_arguments_are_one_line(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty --out must not write into the current folder
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hopsim-gallery: error:")
    assert not list(tmp_path.iterdir())
