"""Decoded RGB8 against PIL's `exif_transpose(Image.open(b)).convert("RGB")`, per format and
mode. Both sides use libjpeg-turbo for JPEG (Pillow bundles it), so JPEG is exact too."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

import vlmserve
from conftest import document, encode, random_image

LOADER = vlmserve.ImageLoader()


def pil_rgb(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB"))


def assert_same_as_pil(data: bytes) -> None:
    ours, ref = LOADER.load(data), pil_rgb(data)
    assert ours.shape == ref.shape
    diff = np.abs(ours.astype(int) - ref.astype(int))
    assert diff.max() == 0, f"max diff {diff.max()} on {np.count_nonzero(diff)} values"


def _mode_image(mode: str, seed: int) -> Image.Image:
    base = document(157, 203, seed=seed)
    if mode == "RGBA":
        img = base.convert("RGBA")
        img.putalpha(random_image(157, 203, seed).convert("L"))
        return img
    if mode == "LA":
        return _mode_image("RGBA", seed).convert("LA")
    if mode == "I;16":
        arr = np.random.default_rng(seed).integers(0, 1024, (203, 157), dtype=np.uint16)
        return Image.fromarray(arr)  # uint16 -> mode I;16
    if mode == "P":
        return base.convert("P", palette=Image.Palette.ADAPTIVE, colors=50)
    return base.convert(mode)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "I;16"])
def test_png_modes(mode):
    assert_same_as_pil(encode(_mode_image(mode, 1), "PNG"))


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "1"])
def test_bmp_modes(mode):
    assert_same_as_pil(encode(_mode_image(mode, 2), "BMP"))


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "CMYK", "I;16"])
@pytest.mark.parametrize("compression", [None, "tiff_lzw", "tiff_adobe_deflate"])
def test_tiff_modes(mode, compression):
    kwargs = {"compression": compression} if compression else {}
    assert_same_as_pil(encode(_mode_image(mode, 3), "TIFF", **kwargs))


@pytest.mark.parametrize("lossless", [True, False])
def test_webp(lossless):
    assert_same_as_pil(encode(_mode_image("RGB", 4), "WEBP", lossless=lossless, quality=80))
    assert_same_as_pil(encode(_mode_image("RGBA", 5), "WEBP", lossless=lossless, quality=80))


@pytest.mark.parametrize("subsampling", [0, 1, 2])
@pytest.mark.parametrize("quality", [35, 75, 95])
def test_jpeg_color(subsampling, quality):
    img = document(641, 479, seed=quality)
    assert_same_as_pil(encode(img, "JPEG", quality=quality, subsampling=subsampling))


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_jpeg_gray_and_cmyk(mode):
    assert_same_as_pil(encode(document(333, 251, seed=9).convert(mode), "JPEG", quality=85))


def test_jpeg_progressive_and_odd_sizes():
    for w, h in [(1, 1), (1, 97), (97, 1), (17, 33)]:
        assert_same_as_pil(encode(random_image(w, h, seed=w * h), "JPEG", quality=90))
    assert_same_as_pil(encode(document(300, 200), "JPEG", progressive=True))


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_exif_orientation(orientation, fmt):
    img = document(120, 80, seed=orientation)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(img, fmt, exif=exif.tobytes())
    assert_same_as_pil(data)
    expect = pil_rgb(data).shape
    assert LOADER.size(data) == (expect[1], expect[0])


def test_exif_orientation_can_be_ignored():
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(document(120, 80), "PNG", exif=exif.tobytes())
    raw = vlmserve.ImageLoader(exif_orientation=False).load(data)
    assert raw.shape == (80, 120, 3)


def test_alpha_white_matches_alpha_composite():
    img = _mode_image("RGBA", 7)
    white = Image.new("RGBA", img.size, (255, 255, 255, 255))
    ref = np.asarray(Image.alpha_composite(white, img).convert("RGB"))
    ours = vlmserve.ImageLoader(alpha="white").load(encode(img, "PNG"))
    assert np.array_equal(ours, ref)


def test_arrays_convert_like_pil():
    for mode in ["L", "LA", "RGB", "RGBA"]:
        img = _mode_image(mode, 8)
        assert np.array_equal(LOADER.load(np.asarray(img)), np.asarray(img.convert("RGB")))
        assert np.array_equal(LOADER.load(img), np.asarray(img.convert("RGB")))
