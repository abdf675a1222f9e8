"""Image preprocessing for InternVL3 and Llama-3.2-Vision, matching the Hugging Face
processors (``GotOcr2ImageProcessorPil`` with ``crop_to_patches=True``, and
``MllamaImageProcessorPil``) bit for bit, several times faster.

Images may be given as bytes, a ``str`` (file path, ``http(s)://`` URL, base64 or a
``data:image/...;base64,`` URL), a :class:`pathlib.Path`, a ``uint8`` numpy array
(HxW, HxWx3, HxWx4) or a PIL image. Paths and URLs go through an :class:`ImageLoader`
policy: paths must lie under ``allowed_roots`` and URLs are off unless enabled.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from vlmserve import _core
from vlmserve.errors import VlmServeError

ImageLike = Any
"""bytes | str | os.PathLike | numpy.ndarray | PIL.Image.Image"""

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)

# PIL modes whose pixels the core converts itself; others go through PIL's own convert.
_DIRECT_PIL_MODES = {"RGB", "RGBA", "L", "LA"}


class ImageLoader:
    """Where images may come from, and how they are decoded.

    Args:
        allowed_roots: directories whose files may be read (after resolving ``..`` and
            symlinks). ``None`` means the current working directory; ``[]`` refuses paths.
        allow_urls: fetch ``http(s)://`` URLs. Off by default.
        allowed_hosts: if given, the only hosts URLs may name.
        allow_private_networks: allow URLs that resolve to loopback, private, link-local or
            cloud-metadata addresses (refused by default: SSRF guard).
        timeout_s, max_bytes, max_redirects: limits for a fetch (``max_bytes`` also caps
            files and inline bytes).
        max_pixels: refuse larger images before decoding them (PIL's default bomb limit).
        alpha: ``"drop"`` (as PIL ``convert("RGB")`` and the HF processors) or ``"white"``
            (composite on white).
        exif_orientation: apply the EXIF orientation tag (as ``ImageOps.exif_transpose``).

    >>> loader = ImageLoader(allowed_roots=["/data/scans"])
    >>> loader.load("/data/scans/invoice.jpg").shape   # doctest: +SKIP
    (1754, 1240, 3)
    """

    def __init__(
        self,
        *,
        allowed_roots: Sequence[str | os.PathLike] | None = None,
        allow_urls: bool = False,
        allowed_hosts: Sequence[str] = (),
        allow_private_networks: bool = False,
        timeout_s: float = 10.0,
        max_bytes: int = 50 << 20,
        max_redirects: int = 3,
        max_pixels: int = 89_478_485,
        alpha: str = "drop",
        exif_orientation: bool = True,
    ) -> None:
        roots = [os.getcwd()] if allowed_roots is None else [os.fspath(r) for r in allowed_roots]
        self._inner = _core.ImageLoader(
            allowed_roots=roots,
            allow_urls=allow_urls,
            allowed_hosts=list(allowed_hosts),
            allow_private_networks=allow_private_networks,
            timeout_s=timeout_s,
            max_bytes=max_bytes,
            max_redirects=max_redirects,
            max_pixels=max_pixels,
            alpha=alpha,
            exif_orientation=exif_orientation,
        )

    def load(self, image: ImageLike) -> np.ndarray:
        """Decode one image to an ``(H, W, 3)`` uint8 array, like PIL ``convert("RGB")``."""
        return self._inner.load(_coerce(image))

    def size(self, image: ImageLike) -> tuple[int, int]:
        """``(width, height)`` after EXIF orientation, read from the header alone."""
        return self._inner.size(_coerce(image))

    def __repr__(self) -> str:
        return repr(self._inner)


def _coerce(image: ImageLike) -> Any:
    """Hands PIL images over as arrays (no encode round trip) and makes arrays contiguous."""
    if type(image).__module__.startswith("PIL.") and hasattr(image, "mode"):
        if image.mode not in _DIRECT_PIL_MODES:
            image = image.convert("RGB")
        return np.asarray(image)
    if isinstance(image, np.ndarray) and not image.flags.c_contiguous:
        return np.ascontiguousarray(image)
    return image


def _as_list(images: ImageLike | Sequence[ImageLike]) -> list[Any]:
    if isinstance(images, (list, tuple)):
        return [_coerce(i) for i in images]
    return [_coerce(images)]


def _bfloat16_view(array: np.ndarray, dtype: str) -> np.ndarray:
    """bfloat16 leaves the core as uint16 bit patterns; view them as ml_dtypes' bfloat16
    when that package is installed (torch: ``torch.from_numpy(a).view(torch.bfloat16)``)."""
    if dtype != "bfloat16":
        return array
    try:
        import ml_dtypes
    except ImportError:
        return array
    return array.view(ml_dtypes.bfloat16)


class _Preprocessor:
    """What both pipelines share: plans, and per-image processing that isolates failures."""

    loader: ImageLoader
    dtype: str
    _pipeline: Any

    def _record(self, flat: np.ndarray, plan: _core.TilePlan) -> dict[str, Any]:
        raise NotImplementedError

    def process_each(self, images: Sequence[ImageLike]) -> list[dict[str, Any] | VlmServeError]:
        """Preprocess each image on its own, in parallel: a dict per good image (with its
        ``plan``), the exception instance (not raised) per bad one, so one bad input never
        costs the others."""
        return [
            item if isinstance(item, BaseException) else self._record(*item)
            for item in self._pipeline.process_each(_as_list(images))
        ]

    def plan(self, image: ImageLike) -> _core.TilePlan:
        """The :class:`TilePlan` (grid, tiles, vision tokens) from the header alone."""
        return self._pipeline.plan(_coerce(image))

    def plan_for_size(self, width: int, height: int) -> _core.TilePlan:
        """The :class:`TilePlan` of an image of this size (after EXIF orientation)."""
        return self._pipeline.plan_for_size(width, height)


class InternVL3Preprocessor(_Preprocessor):
    """InternVL3 image preprocessing: dynamic 448-px tiling plus a thumbnail.

    The grid is the one whose aspect ratio is closest to the image's (InternVL's
    ``dynamic_preprocess``), the image is resized to it with Pillow-exact bicubic
    resampling, cut into tiles, and normalised with ImageNet mean/std.

    Args:
        tile_size: tile side in pixels.
        min_tiles, max_tiles: bounds on the grid's tile count.
        use_thumbnail: add a whole-image tile when there is more than one tile.
        mean, std: normalisation per channel.
        resample: ``"bicubic"`` (reference) or another PIL filter name.
        dtype: ``"float32"``, ``"float16"`` or ``"bfloat16"``.
        loader: an :class:`ImageLoader` (default: paths under the working directory).

    >>> pre = InternVL3Preprocessor(max_tiles=6)
    >>> out = pre(["page1.png", "page2.jpg"])    # doctest: +SKIP
    >>> out["pixel_values"].shape                 # doctest: +SKIP
    (12, 3, 448, 448)
    >>> out["num_patches"]                        # doctest: +SKIP
    [7, 5]
    """

    def __init__(
        self,
        *,
        tile_size: int = 448,
        min_tiles: int = 1,
        max_tiles: int = 12,
        use_thumbnail: bool = True,
        mean: Sequence[float] = IMAGENET_MEAN,
        std: Sequence[float] = IMAGENET_STD,
        resample: str = "bicubic",
        dtype: str = "float32",
        loader: ImageLoader | None = None,
    ) -> None:
        self.loader = loader or ImageLoader()
        self.dtype = dtype
        self._pipeline = _core.InternVL3Pipeline(
            tile_size=tile_size,
            min_tiles=min_tiles,
            max_tiles=max_tiles,
            use_thumbnail=use_thumbnail,
            mean=tuple(mean),
            std=tuple(std),
            resample=resample,
            dtype=dtype,
            loader=self.loader._inner,
        )

    def __call__(self, images: ImageLike | Sequence[ImageLike]) -> dict[str, Any]:
        """Preprocess one image or a list. Returns ``{"pixel_values": (sum of tiles, 3,
        448, 448) array, "num_patches": tiles per image}``, as HF's processor does. Raises
        the first failing image's error (with its index); see :meth:`process_each`."""
        pixel_values, num_patches = self._pipeline.process(_as_list(images))
        return {
            "pixel_values": _bfloat16_view(pixel_values, self.dtype),
            "num_patches": num_patches,
        }

    def _record(self, flat: np.ndarray, plan: _core.TilePlan) -> dict[str, Any]:
        ts = plan.tile_size
        return {
            "pixel_values": _bfloat16_view(flat.reshape(plan.num_tiles, 3, ts, ts), self.dtype),
            "num_patches": [plan.num_tiles],
            "plan": plan,
        }


class MllamaPreprocessor(_Preprocessor):
    """Llama-3.2-Vision (Mllama) image preprocessing: up to ``max_image_tiles`` 560-px
    tiles on the best canvas, aspect-ratio ids and mask, CLIP mean/std.

    Takes images as HF does: one image (a batch of one sample with one image), a list of
    images (ONE sample with several images), or a list of lists (a batch of samples).

    >>> pre = MllamaPreprocessor()
    >>> out = pre([["receipt.jpg"], ["statement.png"]])   # doctest: +SKIP
    >>> out["pixel_values"].shape                          # doctest: +SKIP
    (2, 1, 4, 3, 560, 560)
    """

    def __init__(
        self,
        *,
        tile_size: int = 560,
        max_image_tiles: int = 4,
        mean: Sequence[float] = CLIP_MEAN,
        std: Sequence[float] = CLIP_STD,
        resample: str = "bilinear",
        dtype: str = "float32",
        loader: ImageLoader | None = None,
    ) -> None:
        self.loader = loader or ImageLoader()
        self.dtype = dtype
        self.max_image_tiles = max_image_tiles
        self._pipeline = _core.MllamaPipeline(
            tile_size=tile_size,
            max_image_tiles=max_image_tiles,
            mean=tuple(mean),
            std=tuple(std),
            resample=resample,
            dtype=dtype,
            loader=self.loader._inner,
        )

    def __call__(self, images: Any) -> dict[str, Any]:
        """Returns ``pixel_values`` (batch, max_images, max_tiles, 3, 560, 560),
        ``aspect_ratio_ids`` (batch, max_images) int64, ``aspect_ratio_mask``
        (batch, max_images, max_tiles) int64 and ``num_tiles`` (list of lists)."""
        if not isinstance(images, (list, tuple)):
            samples = [[images]]
        elif images and all(isinstance(s, (list, tuple)) for s in images):
            samples = [list(s) for s in images]
        else:
            samples = [list(images)]
        samples = [[_coerce(i) for i in s] for s in samples]
        pixel_values, ids, mask, num_tiles = self._pipeline.process(samples)
        return {
            "pixel_values": _bfloat16_view(pixel_values, self.dtype),
            "aspect_ratio_ids": ids,
            "aspect_ratio_mask": mask,
            "num_tiles": num_tiles,
        }

    def _record(self, flat: np.ndarray, plan: _core.TilePlan) -> dict[str, Any]:
        """One image as its own one-image sample, shaped as HF returns it."""
        ts, tiles = plan.tile_size, self.max_image_tiles
        mask = np.zeros((1, 1, tiles), dtype=np.int64)
        mask[0, 0, : plan.num_tiles] = 1
        return {
            "pixel_values": _bfloat16_view(flat.reshape(1, 1, tiles, 3, ts, ts), self.dtype),
            "aspect_ratio_ids": np.array([[plan.aspect_ratio_id]], dtype=np.int64),
            "aspect_ratio_mask": mask,
            "num_tiles": [[plan.num_tiles]],
            "plan": plan,
        }
