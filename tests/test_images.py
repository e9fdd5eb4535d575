"""Pictures as patterns (hopsim.images): reading, binarization, corruption, restoration."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from hopsim import images as im
from hopsim.config import ConfigError
from hopsim.dynamics import discrete
from hopsim.network import Network


def _random_picture(rng, side=24):
    return np.where(rng.random((side, side)) < 0.5, 1, -1).astype(np.int8)


def test_bundled_samples():
    names = im.bundled_names()
    assert len(names) >= 3
    for name in names:
        path = im.resolve_source(name)
        assert path.stat().st_size < 8_000
        with Image.open(path) as img:
            assert img.size == (128, 128)


def test_picture_round_trip():
    pic = _random_picture(np.random.default_rng(0))
    assert np.array_equal(im.from_picture(im.to_picture(pic)), pic)


@pytest.mark.parametrize("suffix", [".png", ".bmp"])
def test_file_round_trip(tmp_path, suffix):
    """A black-and-white picture written and read at its own size comes back unchanged."""
    pic = _random_picture(np.random.default_rng(1), side=32)
    path = tmp_path / f"pic{suffix}"
    im.to_picture(pic).save(path)
    for method in ("mean", "otsu", "dither"):
        assert np.array_equal(im.load_image(str(path), 32, method), pic), method


def test_jpeg_rgba_and_non_square(tmp_path):
    # JPEG of a white picture with a black left half, 60 x 40 (non-square): centre crop
    rgb = np.full((40, 60, 3), 255, dtype=np.uint8)
    rgb[:, :30] = 0
    Image.fromarray(rgb).save(tmp_path / "a.jpg", quality=95)
    pic = im.load_image(str(tmp_path / "a.jpg"), 20)
    assert pic.shape == (20, 20)
    # the centred 40 x 40 square spans columns 10..49: its left half is black
    assert (pic[:, :8] == -1).all() and (pic[:, 12:] == 1).all()
    # transparent pixels count as white
    rgba = np.zeros((16, 16, 4), dtype=np.uint8)
    rgba[:8, :, 3] = 255  # top half opaque black, bottom half transparent
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "t.png")
    pic = im.load_image(str(tmp_path / "t.png"), 16)
    assert (pic[:8] == -1).all() and (pic[8:] == 1).all()


def test_binarize_mean_and_otsu():
    rng = np.random.default_rng(2)
    # two grey populations: 30% at 0.2 +/- 0.05, 70% at 0.7 +/- 0.05
    dark = rng.random((64, 64)) < 0.3
    grey = np.where(dark, 0.2, 0.7) + rng.uniform(-0.05, 0.05, (64, 64))
    t = im.otsu_threshold(grey)
    assert 0.2 < t < 0.65  # anywhere in the gap between the two populations
    assert np.array_equal(im.binarize(grey, "otsu"), np.where(dark, -1, 1))
    # mean threshold: mean grey = 0.55, so the 0.7 population is white, the 0.2 one black
    assert np.array_equal(im.binarize(grey, "mean"), np.where(dark, -1, 1))
    # a skewed image: 95% at 0.1, 5% at 0.9 -> mean 0.14 still splits the two levels
    grey2 = np.where(rng.random((64, 64)) < 0.95, 0.1, 0.9)
    assert np.array_equal(im.binarize(grey2, "otsu"), im.binarize(grey2, "mean"))


@pytest.mark.parametrize("level", [0.1, 0.25, 0.5, 0.8])
def test_dither_keeps_the_mean_grey(level):
    """Floyd-Steinberg on a flat grey: the white fraction equals the grey level."""
    out = im.binarize(np.full((64, 64), level), "dither")
    # the diffused error leaves only through the right and bottom borders: O(1/side)
    assert (out > 0).mean() == pytest.approx(level, abs=2 / 64)
    # and the white pixels are spread out: every 16 x 16 tile has its share
    tiles = (out > 0).reshape(4, 16, 4, 16).mean(axis=(1, 3))
    assert np.all(np.abs(tiles - level) < 0.05)


def test_dither_matches_pillow():
    """Our error diffusion and Pillow's give the same grey level along a gradient."""
    grey = np.tile(np.linspace(0, 1, 64), (64, 1))
    ours = im.binarize(grey, "dither")
    pil = np.asarray(
        Image.fromarray((grey * 255).round().astype(np.uint8)).convert(
            "1", dither=Image.Dither.FLOYDSTEINBERG
        )
    )
    pil = np.where(pil, 1, -1)
    assert abs((ours > 0).mean() - (pil > 0).mean()) < 0.02
    # in bands of 8 columns (errors diffuse sideways), white fractions agree and follow the grey
    ours_band = (ours > 0).reshape(64, 8, 8).mean(axis=(0, 2))
    pil_band = (pil > 0).reshape(64, 8, 8).mean(axis=(0, 2))
    grey_band = grey.reshape(64, 8, 8).mean(axis=(0, 2))
    assert np.max(np.abs(ours_band - pil_band)) < 0.03
    assert np.max(np.abs(ours_band - grey_band)) < 0.03


def test_corruptions():
    rng = np.random.default_rng(3)
    pic = _random_picture(rng, side=20)
    N = pic.size
    noisy = im.corrupt_image(pic, "noise", 0.3, np.random.default_rng(4))
    assert np.sum(noisy != pic) == round(0.3 * N)
    occluded = im.corrupt_image(pic, "occlude", 0.25)
    assert (occluded[15:] == -1).all() and np.array_equal(occluded[:15], pic[:15])
    assert np.array_equal(im.corrupt_image(pic, "invert", 1.0), -pic)
    half = im.corrupt_image(pic, "invert_half", 0.5)
    assert np.array_equal(half[:10], -pic[:10]) and np.array_equal(half[10:], pic[10:])
    assert np.sum(half * pic) == 0  # overlap exactly 0
    assert np.array_equal(im.corrupt_image(pic, "occlude", 0.0), pic)
    with pytest.raises(ValueError):
        im.corrupt_image(pic, "smudge", 0.1)


def test_missing_and_unreadable_paths(tmp_path):
    with pytest.raises(ConfigError) as err:
        im.check_readable(str(tmp_path / "nope.png"), "images.paths[1]")
    text = str(err.value)
    assert "\n" not in text and "images.paths[1]" in text and "nope.png" in text
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    with pytest.raises(ConfigError, match="unreadable image") as err:
        im.load_image(str(bad), 16)
    assert "\n" not in str(err.value) and "bad.png" in str(err.value)


@pytest.mark.parametrize("update", ["sync", "async"])
def test_restore_64_from_30_percent_noise(update):
    """Two stored 64 x 64 pictures; 30% noise on one is fully repaired, in low-rank mode."""
    pics = np.stack([im.load_image(n, 64) for n in ("house", "letter")]).reshape(2, -1)
    net = Network.hebbian(pics, mode="lowrank")
    cue = im.corrupt_image(pics[0].reshape(64, 64), "noise", 0.3, np.random.default_rng(5))
    cue = cue.reshape(1, -1)
    assert np.mean(cue == pics[0]) == pytest.approx(0.7, abs=1e-3)
    traj = discrete.run(net, cue, update, 20, [np.random.default_rng(6)])
    assert np.array_equal(traj.final[0], pics[0])
    assert traj.outcome[0] == discrete.FIXED_POINT


def test_inverted_picture_is_stable_and_half_inverted_oscillates():
    """One stored picture: its inverse is a fixed point; half inverted, sync flips s -> -s."""
    pic = im.load_image("smiley", 32).reshape(1, -1)
    net = Network.hebbian(pic, mode="lowrank")
    inv = discrete.run(net, -pic, "sync", 5)
    assert inv.outcome[0] == discrete.FIXED_POINT and inv.sweeps[0] == 0
    half = im.corrupt_image(pic.reshape(32, 32), "invert_half", 0.5).reshape(1, -1)
    sync = discrete.run(net, half, "sync", 10, record_states=True)
    assert sync.outcome[0] == discrete.CYCLE and sync.cycle_length[0] == 2
    assert np.array_equal(sync.states[0, 1], -half[0])
    asyn = discrete.run(net, half, "async", 10, [np.random.default_rng(0)])
    assert abs(int(asyn.final[0].astype(int) @ pic[0])) == pic.size  # the picture or its inverse


def test_a_relative_picture_path_is_read_from_the_starting_folder_with_chdir(tmp_path, hopsim_cmd):
    """``hydra.job.chdir=true`` runs the job in its own folder; the picture named relative to
    the folder the command was started in is still found (and stored as an absolute path)."""
    import xarray as xr

    Image.fromarray((np.arange(64).reshape(8, 8) * 4).astype(np.uint8)).save(tmp_path / "p.png")
    proc = hopsim_cmd(
        "experiment=images",
        "images.paths=[p.png]",
        "images.side=8",
        "images.corruptions=[noise]",
        "images.updates=[sync]",
        "hydra.job.chdir=true",
        "progress=off",
    )
    assert proc.returncode == 0, proc.stderr
    with xr.open_dataset(tmp_path / "run" / "result.nc", engine="h5netcdf") as ds:
        assert list(ds.source.values) == [str(tmp_path / "p.png")]
        assert list(ds.image.values) == ["p"]
