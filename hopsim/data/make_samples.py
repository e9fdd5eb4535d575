"""Draw the sample images that ship with hopsim (``python -m hopsim.data.make_samples``).

All pictures are drawn here with Pillow's ImageDraw (rectangles, ellipses,
arcs, polygons), so hopsim may ship them freely. They are 128 x 128 grey PNGs of a few KB:

``smiley``   a black smiling face on white (mostly white)
``letter``   a large black letter "H" in a frame (mostly white)
``house``    a house with roof, door, windows and a dark ground (about half dark)
``moon``     a white crescent moon and stars in a black sky (mostly black)
``sphere``   a shaded grey sphere on a grey gradient (for comparing binarizations)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SIDE = 128
WHITE, BLACK = 255, 0


def smiley() -> Image.Image:
    """A smiling face."""
    img = Image.new("L", (SIDE, SIDE), WHITE)
    d = ImageDraw.Draw(img)
    d.ellipse((10, 10, 117, 117), outline=BLACK, width=8)
    d.ellipse((38, 36, 54, 58), fill=BLACK)
    d.ellipse((74, 36, 90, 58), fill=BLACK)
    d.arc((32, 46, 96, 100), start=20, end=160, fill=BLACK, width=8)
    return img


def letter() -> Image.Image:
    """A large letter H in a frame."""
    img = Image.new("L", (SIDE, SIDE), WHITE)
    d = ImageDraw.Draw(img)
    d.rectangle((4, 4, 123, 123), outline=BLACK, width=6)
    d.rectangle((30, 24, 48, 103), fill=BLACK)  # left stem
    d.rectangle((80, 24, 98, 103), fill=BLACK)  # right stem
    d.rectangle((48, 56, 80, 71), fill=BLACK)  # bar
    return img


def house() -> Image.Image:
    """A house with a roof, door and windows on dark ground."""
    img = Image.new("L", (SIDE, SIDE), WHITE)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 100, 127, 127), fill=BLACK)  # ground
    d.polygon([(14, 58), (64, 14), (114, 58)], fill=BLACK)  # roof
    d.rectangle((24, 58, 104, 100), outline=BLACK, width=5)  # walls
    d.rectangle((56, 70, 74, 100), fill=BLACK)  # door
    d.rectangle((32, 66, 48, 82), fill=BLACK)  # windows
    d.rectangle((82, 66, 98, 82), fill=BLACK)
    d.rectangle((86, 20, 96, 44), fill=BLACK)  # chimney
    return img


def moon() -> Image.Image:
    """A crescent moon and stars in a black sky."""
    img = Image.new("L", (SIDE, SIDE), BLACK)
    d = ImageDraw.Draw(img)
    d.ellipse((30, 20, 110, 100), fill=WHITE)
    d.ellipse((50, 10, 126, 86), fill=BLACK)
    for x, y, r in [(16, 16, 3), (104, 100, 3), (20, 110, 2), (118, 30, 2), (70, 116, 2)]:
        d.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return img


def sphere() -> Image.Image:
    """A shaded sphere lit from the upper left on a gradient background."""
    y, x = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64)
    background = 0.35 + 0.4 * x / (SIDE - 1)
    u, v = (x - 64) / 46, (y - 64) / 46
    inside = u**2 + v**2 <= 1
    w = np.sqrt(np.clip(1 - u**2 - v**2, 0, 1))
    light = np.array([-0.5, -0.5, 0.7]) / np.linalg.norm([-0.5, -0.5, 0.7])
    shade = np.clip(u * light[0] + v * light[1] + w * light[2], 0, 1)
    grey = np.where(inside, 0.08 + 0.9 * shade, background)
    levels = np.round(grey * 15) * 17  # 16 grey levels keep the PNG small
    return Image.fromarray(levels.astype(np.uint8), mode="L")


SAMPLES = {"smiley": smiley, "letter": letter, "house": house, "moon": moon, "sphere": sphere}


def main(folder: str | Path | None = None) -> list[Path]:
    """Write every sample as ``<name>.png`` into ``folder`` (default: this package)."""
    folder = Path(folder) if folder else Path(__file__).resolve().parent
    paths = []
    for name, draw in SAMPLES.items():
        path = folder / f"{name}.png"
        draw().save(path, optimize=True)
        paths.append(path)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return paths


if __name__ == "__main__":
    main()
