"""The ``llama_vision`` backend: Llama-3.2-Vision (``MllamaForConditionalGeneration``)
through transformers.

Images are tiled by the core (:class:`~vlmserve.MllamaPreprocessor`: up to 4 tiles of
560 px on the best canvas, with aspect-ratio ids and mask). Each document is its own
one-image sample: ``pixel_values`` (batch, 1, tiles, 3, 560, 560). The prompt holds one
``<|image|>`` token, and the cross-attention mask (which text tokens see which tiles) is
built from the token ids and tile counts by ``MllamaProcessor``'s own helpers.

>>> from vlmserve.backends import Extractor, get_backend
>>> backend = get_backend("llama_vision",
...                       {"model_path": "/models/Llama-3.2-11B-Vision-Instruct"})  # doctest: +SKIP
>>> record = Extractor(backend).process_single_image("statement.png")  # doctest: +SKIP
>>> record["fields"]["BANK_NAME"]  # doctest: +SKIP
'Commonwealth Bank'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from transformers.models.mllama.processing_mllama import (
    build_string_from_input,
    convert_sparse_cross_attention_mask_to_dense,
    get_cross_attention_token_mask,
)

from vlmserve.backends.hf import TransformersBackend, to_tensor
from vlmserve.errors import InvalidArgumentError
from vlmserve.preprocess import ImageLoader, MllamaPreprocessor

__all__ = ["LlamaVisionBackend"]


class LlamaVisionBackend(TransformersBackend):
    """Llama-3.2-Vision on transformers; see :mod:`vlmserve.backends.hf` for the config
    keys (``max_tiles``, if given, must be the model's ``max_num_tiles``)."""

    name = "llama_vision"
    model_class = "MllamaForConditionalGeneration"
    model_type = "mllama"

    def _preprocessor(self, config: Mapping[str, Any], loader: ImageLoader) -> Any:
        vision = self.model.config.vision_config
        self.max_tiles = vision.max_num_tiles
        if config.get("max_tiles", self.max_tiles) != self.max_tiles:
            # The aspect-ratio ids index the model's own table of canvases, which is fixed
            # by max_num_tiles: another tile limit would give ids of a different table.
            raise InvalidArgumentError(
                f"max_tiles={config['max_tiles']!r}, but this model was trained with "
                f"max_num_tiles={self.max_tiles}; leave max_tiles out or pass {self.max_tiles}"
            )
        tok = self.tokenizer
        self.image_token = getattr(tok, "image_token", "<|image|>")
        self.image_token_id = tok.convert_tokens_to_ids(self.image_token)
        if self.image_token_id != self.model.config.image_token_id:
            raise InvalidArgumentError(
                f"the tokenizer in {self.model_path} maps {self.image_token} to "
                f"{self.image_token_id}, the model expects {self.model.config.image_token_id}; "
                "pass a model directory whose tokenizer belongs to the model"
            )
        self.chat = build_string_from_input(
            self.chat_text(self.image_token), tok.bos_token, self.image_token
        )
        return MllamaPreprocessor(
            tile_size=vision.image_size,
            max_image_tiles=self.max_tiles,
            dtype=self.dtype,
            loader=loader,
        )

    def _model_inputs(self, batch: list[dict[str, Any]], device: str) -> dict[str, Any]:
        inputs = self.tokenize([self.chat] * len(batch), device)
        ids = inputs["input_ids"].tolist()
        cross_attention_mask = convert_sparse_cross_attention_mask_to_dense(
            [get_cross_attention_token_mask(row, self.image_token_id) for row in ids],
            num_tiles=[d["num_tiles"][0] for d in batch],
            max_num_tiles=self.max_tiles,
            length=len(ids[0]),
        )

        def stacked(key: str) -> np.ndarray:
            return np.concatenate([d[key] for d in batch])

        return {
            **inputs,
            "pixel_values": to_tensor(stacked("pixel_values"), self.dtype, device),
            "aspect_ratio_ids": torch.from_numpy(stacked("aspect_ratio_ids")).to(device),
            "aspect_ratio_mask": torch.from_numpy(stacked("aspect_ratio_mask")).to(device),
            "cross_attention_mask": torch.from_numpy(cross_attention_mask).to(device),
        }
