"""What a scanner or a phone does to a page, and the file it ends up in.

About one page in four is "born digital" (exported straight to PNG or a high-quality JPEG,
no scan effects); the rest get a slight rotation, blur, uneven lighting, paper tint, sensor
noise, sometimes greyscale, and a JPEG quality between 60 and 95.

>>> import random
>>> from PIL import Image
>>> data, suffix = finish(Image.new("RGB", (200, 300), "white"), random.Random(0))
>>> suffix in {"jpg", "png"}, data[:2] in {b"\\xff\\xd8", b"\\x89P"}
(True, True)
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter


def scan(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a flatbed scan: rotated up to 1.5 degrees, blurred, lit unevenly, tinted
    and noisy. Numpy noise is seeded from ``rng``, so the result is deterministic."""
    noise = np.random.default_rng(rng.getrandbits(64))
    white = rng.randrange(240, 256)  # paper: a warm white, blue lowest
    tint = (white, white - rng.randrange(0, 5), white - rng.randrange(3, 12))
    image = image.rotate(rng.uniform(-1.5, 1.5), Image.Resampling.BICUBIC, fillcolor=tint)
    if rng.random() < 0.6:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    h, w = image.height, image.width
    pixels = np.asarray(image, dtype=np.float32)
    # Uneven lighting: brightness falls off linearly along a random direction by up to 18 %.
    angle, depth = rng.uniform(0, 2 * np.pi), rng.uniform(0.0, 0.18)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (np.cos(angle) * xs / w + np.sin(angle) * ys / h + 1) / 2
    pixels = pixels * (1 - depth * ramp)[..., None] * (np.array(tint, np.float32) / 255)
    pixels += noise.normal(0, rng.uniform(2.0, 7.0), pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def finish(image: Image.Image, rng: random.Random) -> tuple[bytes, str]:
    """The page's file bytes and suffix (``jpg``/``png``), scanned or born digital."""
    digital = rng.random() < 0.25
    if not digital:
        image = scan(image, rng)
    if rng.random() < 0.25:
        image = image.convert("L")
    out = io.BytesIO()
    if digital and rng.random() < 0.5:
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    quality = rng.randrange(85, 96) if digital else rng.randrange(60, 96)
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue(), "jpg"
