"""`vlmserve.resize` against Pillow 13.0's `Image.resize`: bit-exact for every filter, both
pass orders (Pillow 13 runs the vertical pass first on strong height reductions), up- and
downscales and degenerate sizes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import vlmserve
from conftest import document, random_image

FILTERS = {
    "nearest": Image.Resampling.NEAREST,
    "box": Image.Resampling.BOX,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}


def _check(img: Image.Image, size: tuple[int, int], name: str) -> None:
    ours = vlmserve.resize(np.asarray(img), size, name)
    ref = np.asarray(img.resize(size, FILTERS[name]))
    assert ours.shape == ref.shape
    diff = np.abs(ours.astype(int) - ref.astype(int))
    assert diff.max() == 0, f"{img.size}->{size} {name}: max diff {diff.max()}"


@pytest.mark.parametrize("name", FILTERS)
def test_random_sizes(name):
    rng = np.random.default_rng(hash(name) % 2**32)
    for _ in range(40):
        w, h, ow, oh = (int(v) for v in rng.integers(1, 300, 4))
        _check(random_image(w, h, seed=w + h), (ow, oh), name)


@pytest.mark.parametrize("name", ["bicubic", "bilinear", "lanczos"])
def test_vertical_first_cases(name):
    # H shrinks by more than twice the width change: Pillow 13 resamples vertically first.
    img = document(500, 3000, seed=2)
    for size in [(560, 2240), (480, 900), (500, 100), (300, 1000)]:
        _check(img, size, name)


def test_document_scale_factors():
    img = document(1240, 1754, seed=4)
    for size in [(896, 1344), (448, 448), (1344, 1792), (560, 792), (13, 4000)]:
        _check(img, size, "bicubic")


def test_same_size_is_a_copy():
    img = random_image(31, 17)
    _check(img, (31, 17), "bicubic")


def test_bad_sizes_raise():
    arr = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(vlmserve.InvalidArgumentError, match="size"):
        vlmserve.resize(arr, (0, 3))
    with pytest.raises(vlmserve.InvalidArgumentError, match="resample"):
        vlmserve.resize(arr, (2, 2), "cubic")
