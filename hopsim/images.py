"""Pictures as +/-1 patterns: load, grey, resize, binarize, corrupt, and back.

Convention: a pixel brighter than the threshold is ``+1`` (white), a darker one is
``-1`` (black). An image of side ``L`` is a pattern of ``N = L * L`` neurons in
row-major order (neuron ``r * L + c`` is the pixel in row ``r``, column ``c``).

Bundled sample images (``hopsim/data/*.png``, 128 x 128 grey, drawn by
``hopsim/data/make_samples.py`` and free to ship) are named by their file stem:
see :func:`bundled_names`.
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from hopsim.config import ConfigError
from hopsim.patterns import corrupt_one

BINARIZE_METHODS = ("mean", "otsu", "dither")
IMAGE_CORRUPTIONS = ("noise", "occlude", "invert", "invert_half", "occlude_clamped")
DATA_PACKAGE = "hopsim.data"


# --------------------------------------------------------------------------- sources


def bundled_names() -> list[str]:
    """Names of the sample images that ship with hopsim (file stems, sorted)."""
    folder = resources.files(DATA_PACKAGE)
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".png"))


def resolve_source(source: str, key: str = "images.paths") -> Path:
    """Path of an image given as a bundled name or a file path.

    Raises
    ------
    ConfigError
        One line naming ``key`` and ``source`` when it is neither a bundled name nor an
        existing file.
    """
    if not isinstance(source, str) or not source:
        raise ConfigError(key, source, _allowed())
    if source in bundled_names():
        return Path(str(resources.files(DATA_PACKAGE) / f"{source}.png"))
    path = Path(source).expanduser()
    if not path.is_file():
        raise ConfigError(key, source, _allowed(f"no such file: {path}"))
    return path


def _allowed(reason: str = "") -> str:
    text = "a readable PNG/JPEG file or a bundled image (" + ", ".join(bundled_names()) + ")"
    return f"{text}; {reason}" if reason else text


#: Largest picture accepted, in pixels (a 8000 x 8000 photograph; 256 MB as RGBA).
MAX_PIXELS = 64_000_000

#: What Pillow raises on a broken, truncated or hostile file.
_DECODE_ERRORS = (
    OSError,
    UnidentifiedImageError,
    SyntaxError,
    ValueError,
    EOFError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def check_readable(source: str, key: str = "images.paths") -> Path:
    """Resolve ``source`` and check that Pillow decodes all of it (ConfigError otherwise).

    The header is read first: a picture of more than :data:`MAX_PIXELS` pixels (e.g. a
    decompression bomb, a small file that claims a huge size) is refused before any pixel
    is decoded. Then every pixel is decoded, so a truncated or corrupt file is refused
    here and not at run time.
    """
    path = resolve_source(source, key)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    reason = f"{width} x {height} pixels; at most {MAX_PIXELS} pixels"
                    raise ConfigError(key, source, _allowed(reason))
                img.verify()
            with Image.open(path) as img:
                img.load()
    except ConfigError:
        raise
    except _DECODE_ERRORS as exc:
        raise ConfigError(key, source, _allowed(f"unreadable image ({_reason(exc)})")) from None
    return path


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- grey levels


def load_grey(source: str | Path, side: int, key: str = "images.paths") -> np.ndarray:
    """Read an image as grey levels in [0, 1], cropped to a centred square, side x side.

    Transparent pixels are put on white first; non-square images lose the borders of
    their longer side (centre crop), then the square is resampled with a Lanczos filter.

    Returns
    -------
    numpy.ndarray
        (side, side) float64, 0 black and 1 white.
    """
    path = check_readable(str(source), key) if not isinstance(source, Path) else source
    try:
        with Image.open(path) as img:
            img.load()
            if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
                rgba = img.convert("RGBA")
                background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                img = Image.alpha_composite(background, rgba)
            grey = ImageOps.fit(img.convert("L"), (side, side), Image.Resampling.LANCZOS)
    except _DECODE_ERRORS as exc:
        reason = _reason(exc)
        raise ConfigError(key, str(source), _allowed(f"unreadable image ({reason})")) from None
    return np.asarray(grey, dtype=np.float64) / 255.0


def otsu_threshold(grey: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold: the grey level that maximises the between-class variance.

    Parameters
    ----------
    grey : numpy.ndarray
        Grey levels in [0, 1].
    bins : int
        Histogram bins over [0, 1].

    Returns
    -------
    float
        Threshold t; pixels ``> t`` are the bright class. For a single-level image the
        threshold is that level (everything dark), consistent with ``> t``.
    """
    hist, edges = np.histogram(np.ravel(grey), bins=bins, range=(0.0, 1.0))
    p = hist.astype(np.float64) / max(hist.sum(), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)  # weight of the dark class (bins <= k)
    mu0 = np.cumsum(p * centres)
    mu_total = mu0[-1]
    w1 = 1.0 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu_total * w0 - mu0) ** 2 / (w0 * w1)
    between = np.where((w0 > 0) & (w1 > 0), between, -1.0)
    if between.max() < 0:
        return float(np.max(grey))
    # the best split falls between bin k and k + 1: threshold at bin k's upper edge
    k = int(np.argmax(between))
    return float(np.nextafter(edges[k + 1], 0.0))  # so that "> t" puts bin k + 1 up


def floyd_steinberg(grey: np.ndarray) -> np.ndarray:
    """Floyd-Steinberg error diffusion of grey levels in [0, 1] to +/-1.

    Each pixel (rows top to bottom, columns left to right) becomes white when its
    grey level plus the diffused error is >= 1/2; the error goes 7/16 right, 3/16
    down-left, 5/16 down and 1/16 down-right. The mean of the result follows the
    mean grey level.
    """
    g = np.array(grey, dtype=np.float64, copy=True)
    rows, cols = g.shape
    out = np.empty((rows, cols), dtype=np.int8)
    for r in range(rows):
        row = g[r]
        below = g[r + 1] if r + 1 < rows else None
        for c in range(cols):
            white = row[c] >= 0.5
            out[r, c] = 1 if white else -1
            err = row[c] - (1.0 if white else 0.0)
            if c + 1 < cols:
                row[c + 1] += err * 7 / 16
            if below is not None:
                if c > 0:
                    below[c - 1] += err * 3 / 16
                below[c] += err * 5 / 16
                if c + 1 < cols:
                    below[c + 1] += err * 1 / 16
    return out


def binarize(grey: np.ndarray, method: str = "mean") -> np.ndarray:
    """Grey levels in [0, 1] to a +/-1 picture.

    Parameters
    ----------
    grey : numpy.ndarray
        (rows, cols) grey levels.
    method : {"mean", "otsu", "dither"}
        ``mean``: +1 where the level is above the image's mean level; ``otsu``: above
        Otsu's threshold; ``dither``: Floyd-Steinberg error diffusion.

    Returns
    -------
    numpy.ndarray
        (rows, cols) int8 of +1 (white) and -1 (black).
    """
    if method == "mean":
        return np.where(grey > grey.mean(), 1, -1).astype(np.int8)
    if method == "otsu":
        return np.where(grey > otsu_threshold(grey), 1, -1).astype(np.int8)
    if method == "dither":
        return floyd_steinberg(grey)
    raise ValueError(
        f"images.binarize={method!r} is not allowed: expected one of {BINARIZE_METHODS}"
    )


def load_image(
    source: str, side: int, method: str = "mean", key: str = "images.paths"
) -> np.ndarray:
    """Read, grey, crop, resize and binarize one image: (side, side) int8 +/-1."""
    return binarize(load_grey(source, side, key), method)


def to_picture(spins: np.ndarray) -> Image.Image:
    """A +/-1 picture (rows, cols) as a black-and-white Pillow image (+1 white)."""
    pixels = np.where(np.asarray(spins) > 0, 255, 0).astype(np.uint8)
    return Image.fromarray(pixels, mode="L")


def from_picture(picture: Image.Image) -> np.ndarray:
    """Inverse of :func:`to_picture`: pixels >= 128 give +1."""
    return np.where(np.asarray(picture.convert("L")) >= 128, 1, -1).astype(np.int8)


# --------------------------------------------------------------------------- corruption


def known_pixels(shape: tuple[int, int], kind: str, level: float) -> np.ndarray | None:
    """The pixels a corrupted picture still knows and holds (clamps) while it is restored:
    the visible rows of ``occlude_clamped``; None for the kinds that clamp nothing."""
    if kind != "occlude_clamped":
        return None
    rows = shape[0]
    known = np.ones(shape, dtype=bool)
    k = int(round(level * rows))
    if k:
        known[rows - k :] = False
    return known


def corrupt_image(
    picture: np.ndarray, kind: str, level: float, rng: np.random.Generator | None = None
) -> np.ndarray:
    """A corrupted copy of a +/-1 picture (rows, cols).

    Parameters
    ----------
    kind : {"noise", "occlude", "invert", "invert_half", "occlude_clamped"}
        ``noise``: exactly round(level N) pixels chosen at random are flipped (needs
        ``rng``). ``occlude``: the bottom round(level * rows) rows are painted black
        (-1). ``invert``: every pixel is flipped. ``invert_half``: the top half of the
        rows (rows // 2 of them) is flipped; ``level`` is not used. ``occlude_clamped``:
        ``occlude``'s picture, restored with the visible rows clamped (:func:`known_pixels`).
    level : float
        Fraction in [0, 1] (noise, occlude).
    rng : numpy.random.Generator, optional
        The stream for ``noise``.
    """
    img = np.array(picture, dtype=np.int8, copy=True)
    rows = img.shape[0]
    if kind == "noise":
        if rng is None:
            raise ValueError("noise corruption needs a random generator")
        return corrupt_one(img.ravel(), "flip", level, rng).reshape(img.shape)
    if kind in ("occlude", "occlude_clamped"):
        k = int(round(level * rows))
        if k:
            img[rows - k :] = -1
        return img
    if kind == "invert":
        return -img
    if kind == "invert_half":
        img[: rows // 2] = -img[: rows // 2]
        return img
    raise ValueError(f"corruption {kind!r} is not allowed: expected one of {IMAGE_CORRUPTIONS}")
