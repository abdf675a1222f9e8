"""Shared fixtures: document-like images generated on the fly (no downloads)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


def document(width: int, height: int, seed: int = 0) -> Image.Image:
    """A page: title, text lines, a ruled table, a grey gradient band and scan noise."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), (250, 250, 247))
    draw = ImageDraw.Draw(img)
    scale = max(min(width, height) / 1000, 0.05)
    big, small = _font(max(int(40 * scale), 6)), _font(max(int(18 * scale), 5))
    draw.text(
        (int(60 * scale), int(50 * scale)), "TAX INVOICE  #INV-20931", fill=(20, 20, 60), font=big
    )
    y = int(140 * scale)
    line_h = max(int(30 * scale), 2)
    words = ["Acme", "Plumbing", "Pty", "Ltd", "ABN", "51 824 753 556", "$1,234.50", "GST", "Qty"]
    while y < height * 0.55:
        text = " ".join(rng.choice(words, size=6))
        draw.text((int(60 * scale), y), text, fill=(10, 10, 10), font=small)
        y += line_h
    top = int(height * 0.6)
    for i in range(6):
        yy = top + i * max(line_h, 1)
        draw.line(
            [(int(50 * scale), yy), (width - int(50 * scale), yy)], fill=(90, 90, 90), width=1
        )
    band = np.linspace(40, 220, width, dtype=np.float64)[None, :, None]
    arr = np.asarray(img).astype(np.float64)
    h0, h1 = int(height * 0.85), int(height * 0.95)
    arr[h0:h1] = 0.5 * arr[h0:h1] + 0.5 * band
    arr += rng.normal(0, 4, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def random_image(width: int, height: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


# Sizes that stress the grid choice and the resampler: strips, odd primes, near-tile.
ODD_SIZES = [(1, 4000), (4000, 1), (447, 449), (449, 447), (1, 1), (3, 2), (896, 1344), (1023, 767)]
PAGE_SIZES = [(1240, 1754), (1024, 768), (500, 3000), (2000, 600), (300, 200)]


@pytest.fixture(scope="session")
def pages() -> list[Image.Image]:
    return [document(w, h, seed=i) for i, (w, h) in enumerate(PAGE_SIZES)]


@pytest.fixture
def kfp_local(tmp_path, monkeypatch) -> Path:
    """kfp.local running each task as a subprocess of this Python (no venv, no pip install:
    build components with ``package=None``); the tasks import the vlmserve under test. Returns
    the pipeline root, under ``tmp_path``."""
    local = pytest.importorskip("kfp.local")
    import vlmserve

    here = str(Path(vlmserve.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [here, os.getenv("PYTHONPATH")])))
    root = tmp_path / "pipeline_root"
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(root))
    return root
