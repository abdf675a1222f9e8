"""Pure PIL + numpy references for the two model pipelines, written from the original
code paths (InternVL's `load_image`/`dynamic_preprocess` with torchvision's ToTensor and
Normalize; HF's Mllama processor steps). The tests compare the Rust core against these
and, where transformers is installed, against HF's own `...ImageProcessorPil` classes."""

from __future__ import annotations

import numpy as np
from PIL import Image

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def internvl_target_ratios(min_num: int, max_num: int) -> list[tuple[int, int]]:
    # The original iterates a *set*, then sorts by tile count (stable): keep that order.
    ratios = {
        (i, j)
        for n in range(min_num, max_num + 1)
        for i in range(1, n + 1)
        for j in range(1, n + 1)
        if min_num <= i * j <= max_num
    }
    return sorted(ratios, key=lambda x: x[0] * x[1])


def internvl_grid(width: int, height: int, min_num=1, max_num=12, image_size=448):
    aspect_ratio = width / height
    best_ratio_diff = float("inf")
    best_ratio = (1, 1)
    area = width * height
    for ratio in internvl_target_ratios(min_num, max_num):
        target_aspect_ratio = ratio[0] / ratio[1]
        ratio_diff = abs(aspect_ratio - target_aspect_ratio)
        if ratio_diff < best_ratio_diff:
            best_ratio_diff = ratio_diff
            best_ratio = ratio
        elif ratio_diff == best_ratio_diff:
            if area > 0.5 * image_size * image_size * ratio[0] * ratio[1]:
                best_ratio = ratio
    return best_ratio


def internvl_tiles(image: Image.Image, min_num=1, max_num=12, image_size=448, use_thumbnail=True):
    cols, rows = internvl_grid(*image.size, min_num=min_num, max_num=max_num, image_size=image_size)
    resized = image.resize((image_size * cols, image_size * rows), Image.Resampling.BICUBIC)
    tiles = []
    for i in range(cols * rows):
        x, y = (i % cols) * image_size, (i // cols) * image_size
        tiles.append(resized.crop((x, y, x + image_size, y + image_size)))
    if use_thumbnail and len(tiles) != 1:
        tiles.append(image.resize((image_size, image_size), Image.Resampling.BICUBIC))
    return tiles


def to_tensor_normalize(tile: Image.Image, mean, std) -> np.ndarray:
    """torchvision ToTensor + Normalize in numpy float32: x / 255, then (x - mean) / std."""
    x = np.asarray(tile, dtype=np.uint8).astype(np.float32) / np.float32(255)
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def internvl_reference(image: Image.Image, max_num=12, use_thumbnail=True) -> np.ndarray:
    image = image.convert("RGB")
    tiles = internvl_tiles(image, max_num=max_num, use_thumbnail=use_thumbnail)
    return np.stack([to_tensor_normalize(t, IMAGENET_MEAN, IMAGENET_STD) for t in tiles])


def hf_internvl_processor(max_patches=12):
    from transformers.models.got_ocr2.image_processing_pil_got_ocr2 import (
        GotOcr2ImageProcessorPil,
    )

    return GotOcr2ImageProcessorPil(
        size={"height": 448, "width": 448},
        crop_to_patches=True,
        min_patches=1,
        max_patches=max_patches,
        image_mean=list(IMAGENET_MEAN),
        image_std=list(IMAGENET_STD),
        resample=Image.Resampling.BICUBIC,
        do_resize=True,
        do_rescale=True,
        rescale_factor=1 / 255,
        do_normalize=True,
        do_convert_rgb=True,
    )


def hf_mllama_processor(max_image_tiles=4):
    from transformers.models.mllama.image_processing_pil_mllama import MllamaImageProcessorPil

    return MllamaImageProcessorPil(
        size={"height": 560, "width": 560},
        max_image_tiles=max_image_tiles,
        image_mean=list(CLIP_MEAN),
        image_std=list(CLIP_STD),
        resample=Image.Resampling.BILINEAR,
        do_resize=True,
        do_rescale=True,
        rescale_factor=1 / 255,
        do_normalize=True,
        do_convert_rgb=True,
        do_pad=True,
    )
