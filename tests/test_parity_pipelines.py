"""The InternVL3 and Mllama pipelines against the PIL+numpy references and HF's processors.
Pillow's resampling is deterministic fixed-point arithmetic, so the bar is bit-exact."""

from __future__ import annotations

import numpy as np
import pytest

import vlmserve
from conftest import ODD_SIZES, document, random_image
from reference import (
    hf_internvl_processor,
    hf_mllama_processor,
    internvl_grid,
    internvl_reference,
)

transformers = pytest.importorskip("transformers")


def _assert_identical(ours: np.ndarray, ref: np.ndarray) -> None:
    assert ours.shape == ref.shape
    assert ours.dtype == ref.dtype
    diff = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
    assert diff.max() == 0.0, f"max abs diff {diff.max()}, {np.count_nonzero(diff)} values differ"


def test_internvl3_grid_matches_original_for_many_sizes():
    rng = np.random.default_rng(7)
    sizes = [tuple(s) for s in rng.integers(1, 5000, size=(3000, 2))] + ODD_SIZES
    sizes += [(n * 448, m * 448) for n in range(1, 13) for m in range(1, 13)]
    pre = vlmserve.InternVL3Preprocessor()
    for w, h in sizes:
        assert pre.plan_for_size(int(w), int(h)).grid == internvl_grid(int(w), int(h)), (w, h)


@pytest.mark.parametrize("max_num", [12, 6, 1])
def test_internvl3_matches_original_and_hf_on_pages(pages, max_num):
    pre = vlmserve.InternVL3Preprocessor(max_tiles=max_num)
    hf = hf_internvl_processor(max_patches=max_num)
    for page in pages:
        ours = pre(page)
        ref = internvl_reference(page, max_num=max_num)
        _assert_identical(ours["pixel_values"], ref)
        hf_out = hf(page, return_tensors="np")
        _assert_identical(ours["pixel_values"], hf_out["pixel_values"])
        assert ours["num_patches"] == list(hf_out["num_patches"])


@pytest.mark.parametrize("size", ODD_SIZES)
def test_internvl3_odd_sizes(size):
    img = random_image(*size, seed=size[0] * 7 + size[1])
    ours = vlmserve.InternVL3Preprocessor()(img)
    _assert_identical(ours["pixel_values"], internvl_reference(img))


def test_internvl3_batch_equals_singles(pages):
    pre = vlmserve.InternVL3Preprocessor()
    batch = pre(pages)
    singles = [pre(p) for p in pages]
    assert batch["num_patches"] == [s["num_patches"][0] for s in singles]
    _assert_identical(batch["pixel_values"], np.concatenate([s["pixel_values"] for s in singles]))


@pytest.mark.parametrize("size", ODD_SIZES + [(1240, 1754), (500, 3000), (300, 200), (2000, 600)])
def test_mllama_matches_hf(size):
    img = document(*size, seed=3) if min(size) > 50 else random_image(*size, seed=1)
    ours = vlmserve.MllamaPreprocessor()(img)
    ref = hf_mllama_processor()(img, return_tensors="np")
    _assert_identical(ours["pixel_values"], ref["pixel_values"])
    assert np.array_equal(ours["aspect_ratio_ids"], ref["aspect_ratio_ids"])
    assert ours["aspect_ratio_ids"].dtype == ref["aspect_ratio_ids"].dtype
    assert np.array_equal(ours["aspect_ratio_mask"], ref["aspect_ratio_mask"])
    assert ours["num_tiles"] == ref["num_tiles"]


def test_mllama_nested_batch_matches_hf(pages):
    samples = [[pages[0]], [pages[1], pages[2]], [pages[3]]]
    ours = vlmserve.MllamaPreprocessor()(samples)
    ref = hf_mllama_processor()(samples, return_tensors="np")
    _assert_identical(ours["pixel_values"], ref["pixel_values"])
    assert np.array_equal(ours["aspect_ratio_ids"], ref["aspect_ratio_ids"])
    assert np.array_equal(ours["aspect_ratio_mask"], ref["aspect_ratio_mask"])
    assert ours["num_tiles"] == ref["num_tiles"]


def test_mllama_padding_and_unused_tiles(pages):
    out = vlmserve.MllamaPreprocessor()(pages[4])  # 300x200: one tile, padded below
    pv = out["pixel_values"][0, 0]
    assert np.all(pv[1:] == 0), "unused tiles must stay exactly zero"
    pad = pv[0, :, -1, :]  # last row of the first tile is padding
    expect = -np.asarray([0.48145466, 0.4578275, 0.40821073], np.float32) / np.asarray(
        [0.26862954, 0.26130258, 0.27577711], np.float32
    )
    assert np.array_equal(pad, np.broadcast_to(expect[:, None], pad.shape))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_dtypes_round_the_float32_result(pages, dtype):
    f32 = vlmserve.InternVL3Preprocessor()(pages[1])["pixel_values"]
    half = vlmserve.InternVL3Preprocessor(dtype=dtype)(pages[1])["pixel_values"]
    if dtype == "float16":
        assert np.array_equal(half, f32.astype(np.float16))
    else:
        bits = half.view(np.uint16).astype(np.uint32) << 16
        back = bits.view(np.float32)
        assert np.max(np.abs(back - f32)) <= np.max(np.abs(f32)) * 2**-8


def test_process_each_isolates_bad_items(pages):
    pre = vlmserve.InternVL3Preprocessor()
    out = pre.process_each([pages[4], b"not an image", pages[1]])
    assert isinstance(out[1], vlmserve.InvalidImageError)
    assert "image 1" in str(out[1])
    _assert_identical(out[0]["pixel_values"], pre(pages[4])["pixel_values"])
    _assert_identical(out[2]["pixel_values"], pre(pages[1])["pixel_values"])
    m = vlmserve.MllamaPreprocessor().process_each([b"", pages[4]])
    assert isinstance(m[0], vlmserve.InvalidImageError)
    _assert_identical(m[1]["pixel_values"], vlmserve.MllamaPreprocessor()(pages[4])["pixel_values"])


def test_plan_reads_header_only_and_matches_process(tmp_path, pages):
    path = tmp_path / "page.png"
    pages[0].save(path)
    pre = vlmserve.InternVL3Preprocessor(loader=vlmserve.ImageLoader(allowed_roots=[tmp_path]))
    plan = pre.plan(path)
    assert plan.image_size == pages[0].size
    assert plan.num_tiles == pre(path)["num_patches"][0]
    assert plan.cost == plan.num_tiles and plan.vision_tokens == 256 * plan.num_tiles


def test_pil_modes_are_converted_like_pil():
    base = document(640, 480, seed=5)
    pre = vlmserve.InternVL3Preprocessor()
    for mode in ["L", "P", "CMYK", "RGBA", "LA", "1", "I;16"]:
        img = base.convert(mode) if mode != "I;16" else base.convert("L").convert("I;16")
        _assert_identical(pre(img)["pixel_values"], internvl_reference(img))
