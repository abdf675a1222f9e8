"""The ``internvl3`` backend: InternVL3 (``InternVLForConditionalGeneration``, the ``-hf``
checkpoints) through transformers.

Images are tiled by the core (:class:`~vlmserve.InternVL3Preprocessor`: 448-px tiles plus a
thumbnail); a batch is the tiles of all its documents concatenated, and each document's
prompt carries ``<img>`` + ``<IMG_CONTEXT>`` x (tokens per tile x its tiles) + ``</img>``
in place of its image, as ``InternVLProcessor`` writes it.

>>> from vlmserve.backends import Extractor, get_backend
>>> backend = get_backend("internvl3", {"model_path": "/models/InternVL3-2B-hf",
...                                     "max_tiles": 6})        # doctest: +SKIP
>>> Extractor(backend).process_single_image("receipt.jpg")["quality"]  # doctest: +SKIP
{'fields_found': 9, 'fields_total': 25, 'label': 'partial'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from vlmserve.backends.base import Prepared
from vlmserve.backends.hf import TransformersBackend, positive_int, to_tensor
from vlmserve.errors import InvalidArgumentError
from vlmserve.preprocess import ImageLoader, InternVL3Preprocessor

__all__ = ["InternVL3Backend", "image_tokens_per_tile"]


def image_tokens_per_tile(config: Any) -> int:
    """How many ``<IMG_CONTEXT>`` tokens one tile becomes: the vision tower's patches,
    shrunk by the pixel shuffle (256 for InternVL3: (448 / 14)^2 x 0.5^2)."""
    vision = config.vision_config
    side = _square(vision.image_size, "image_size") // _square(vision.patch_size, "patch_size")
    return int(side * side * config.downsample_ratio**2)


def _square(size: Any, what: str) -> int:
    height, width = (size, size) if isinstance(size, int) else size
    if height != width:
        raise InvalidArgumentError(f"vision_config.{what}={size!r}: only square tiles are served")
    return int(height)


class InternVL3Backend(TransformersBackend):
    """InternVL3 on transformers; see :mod:`vlmserve.backends.hf` for the config keys
    (``max_tiles`` default 12)."""

    name = "internvl3"
    model_class = "InternVLForConditionalGeneration"
    model_type = "internvl"

    def _preprocessor(self, config: Mapping[str, Any], loader: ImageLoader) -> Any:
        tok = self.tokenizer
        self.image_token = getattr(tok, "context_image_token", "<IMG_CONTEXT>")
        self.image_start = getattr(tok, "start_image_token", "<img>")
        self.image_end = getattr(tok, "end_image_token", "</img>")
        expected = self.model.config.image_token_id
        if tok.convert_tokens_to_ids(self.image_token) != expected:
            raise InvalidArgumentError(
                f"the tokenizer in {self.model_path} maps {self.image_token} to "
                f"{tok.convert_tokens_to_ids(self.image_token)}, the model expects "
                f"{expected}; pass a model directory whose tokenizer belongs to the model"
            )
        self.image_tokens_per_tile = image_tokens_per_tile(self.model.config)
        self.chat = self.chat_text(self.image_token)
        self.max_tiles = positive_int(config, "max_tiles", 12)
        self._retilers: dict[int, InternVL3Preprocessor] = {}
        self._loader = loader
        return self._tiler(self.max_tiles)

    def _tiler(self, max_tiles: int) -> InternVL3Preprocessor:
        return InternVL3Preprocessor(
            tile_size=_square(self.model.config.vision_config.image_size, "image_size"),
            max_tiles=max_tiles,
            dtype=self.dtype,
            loader=self._loader,
        )

    def prepare(self, images: Sequence[Any]) -> list[Prepared | BaseException]:
        """As the base class, keeping each image's source so that :meth:`shrink`'s lower
        ``max_tiles`` can re-tile it."""
        return [
            p if isinstance(p, BaseException) else replace(p, data={**p.data, "source": image})
            for p, image in zip(super().prepare(images), images)
        ]

    def generation_params(self) -> dict[str, Any]:
        return {**super().generation_params(), "max_tiles": self.max_tiles}

    def shrink_floors(self) -> dict[str, int]:
        return {**super().shrink_floors(), "max_tiles": 1}

    def within(self, item: dict[str, Any], max_tiles: int) -> dict[str, Any]:
        """The item, re-tiled by the core to at most ``max_tiles`` tiles if it has more
        (the whole page on fewer, larger-scaled tiles: less memory, less detail)."""
        plan = item["plan"]
        if plan.num_tiles - plan.thumbnail <= max_tiles:  # max_tiles counts the grid only
            return item
        if max_tiles not in self._retilers:
            self._retilers[max_tiles] = self._tiler(max_tiles)
        (retiled,) = self._retilers[max_tiles].process_each([item["source"]])
        if isinstance(retiled, BaseException):
            raise retiled
        return retiled

    def text_for(self, num_tiles: int) -> str:
        """A document's prompt: the chat text with its image expanded to context tokens."""
        context = self.image_token * (self.image_tokens_per_tile * num_tiles)
        return self.chat.replace(self.image_token, self.image_start + context + self.image_end)

    def _model_inputs(
        self, batch: list[dict[str, Any]], device: str, *, max_tiles: int
    ) -> dict[str, Any]:
        batch = [self.within(d, max_tiles) for d in batch]
        inputs = self.tokenize([self.text_for(d["num_patches"][0]) for d in batch], device)
        pixel_values = np.concatenate([d["pixel_values"] for d in batch])
        return {**inputs, "pixel_values": to_tensor(pixel_values, self.dtype, device)}
