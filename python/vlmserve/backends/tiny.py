"""Tiny, randomly initialised model directories of the real model classes, for tests and
for trying the transformers backends without weights.

:func:`tiny_model` writes what ``save_pretrained`` writes for a real checkpoint: the
config of the real class (``InternVLForConditionalGeneration`` or
``MllamaForConditionalGeneration``) with tiny widths and depths but the real tile sizes
(448 / 560 px, so the core's preprocessing shapes are the real ones), random weights, and
a byte-level BPE tokenizer trained here on the extraction prompt, with the model's special
tokens and a chat template of the model's form. Its answers are noise: it exercises the
wiring, not the extraction.

>>> from vlmserve.backends.tiny import tiny_model
>>> path = tiny_model("internvl3", "/tmp/tiny-internvl3")      # doctest: +SKIP
>>> get_backend("internvl3", {"model_path": path, "device": "cpu"})  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from vlmserve import extract
from vlmserve.errors import InvalidArgumentError

__all__ = ["KINDS", "tiny_model"]

# One message per turn; images render as the token each model's processor looks for.
_QWEN_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n"
    "{% if m.content is string %}{{ m.content }}{% else %}{% for c in m.content %}"
    "{% if c.type == 'image' %}<IMG_CONTEXT>\n{% else %}{{ c.text }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_LLAMA_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n"
    "{% if m.content is string %}{{ m.content }}{% else %}{% for c in m.content %}"
    "{% if c.type == 'image' %}<|image|>{% else %}{{ c.text }}{% endif %}"
    "{% endfor %}{% endif %}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)

_TOKENIZERS: dict[str, dict[str, Any]] = {
    "internvl3": {
        "specials": [
            "<|endoftext|>",
            "<|im_start|>",
            "<|im_end|>",
            "<img>",
            "</img>",
            "<IMG_CONTEXT>",
            "<video>",
        ],
        "roles": {
            "eos_token": "<|im_end|>",
            "pad_token": "<|endoftext|>",
            "start_image_token": "<img>",
            "end_image_token": "</img>",
            "context_image_token": "<IMG_CONTEXT>",
            "video_token": "<video>",
        },
        "chat_template": _QWEN_TEMPLATE,
    },
    "llama_vision": {
        "specials": [
            "<|begin_of_text|>",
            "<|end_of_text|>",
            "<|eot_id|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|finetune_right_pad_id|>",
            "<|image|>",
            "<|python_tag|>",
        ],
        "roles": {
            "bos_token": "<|begin_of_text|>",
            "eos_token": "<|eot_id|>",
            "pad_token": "<|finetune_right_pad_id|>",
            "image_token": "<|image|>",
        },
        "chat_template": _LLAMA_TEMPLATE,
    },
}

KINDS = tuple(_TOKENIZERS)
"""The backend names :func:`tiny_model` builds for."""

_VOCAB_SIZE = 1024
_TEXT = {
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "max_position_embeddings": 8192,
}


def _tokenizer(kind: str) -> transformers.PreTrainedTokenizerFast:
    """A byte-level BPE (any text encodes) trained on the extraction prompt, so the prompt
    takes few tokens."""
    spec = _TOKENIZERS[kind]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=_VOCAB_SIZE,
        special_tokens=spec["specials"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator([extract.Schema.default().prompt()], trainer)
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, chat_template=spec["chat_template"], **spec["roles"]
    )


def _config(kind: str, tok: transformers.PreTrainedTokenizerFast) -> Any:
    ids = {
        "eos_token_id": tok.eos_token_id,
        "pad_token_id": tok.pad_token_id,
        "bos_token_id": tok.bos_token_id,
        "vocab_size": len(tok),
    }
    if kind == "internvl3":
        return transformers.InternVLConfig(
            vision_config={
                "hidden_size": 32,
                "intermediate_size": 64,
                "num_hidden_layers": 1,
                "num_attention_heads": 2,
                "image_size": 448,
                "patch_size": 56,
            },
            text_config={"model_type": "qwen2", "num_hidden_layers": 1, **_TEXT, **ids},
            image_token_id=tok.context_image_token_id,
            image_seq_length=16,  # (448 / 56)^2 patches x 0.5^2 after the pixel shuffle
        )
    return transformers.MllamaConfig(
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_global_layers": 1,
            "attention_heads": 2,
            "image_size": 560,
            "patch_size": 56,
            "max_num_tiles": 4,
            "intermediate_layers_indices": [0],
            "vision_output_dim": 64,
        },  # hidden x (1 + intermediate layers)
        text_config={"num_hidden_layers": 2, "cross_attention_layers": [1], **_TEXT, **ids},
        image_token_index=tok.image_token_id,
    )


def tiny_model(kind: str, path: str | os.PathLike[str], *, seed: int = 0) -> Path:
    """Writes a tiny random model of backend ``kind`` (``"internvl3"`` or
    ``"llama_vision"``) with its tokenizer to the directory ``path``; returns the path.

    Deterministic for a given ``seed``. Takes a few seconds and about 2 MB.
    """
    if kind not in _TOKENIZERS:
        raise InvalidArgumentError(f"kind={kind!r}; pass one of {list(KINDS)}")
    tok = _tokenizer(kind)
    config = _config(kind, tok)
    cls = {
        "internvl3": transformers.InternVLForConditionalGeneration,
        "llama_vision": transformers.MllamaForConditionalGeneration,
    }[kind]
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = cls(config)
    with torch.no_grad():
        for name, param in model.named_parameters():
            # Mllama's cross-attention and tile-position gates start at 0 (a trained model has
            # opened them): open them, or the image would not reach the text at all.
            if name.endswith("gate") and not param.any():
                param.fill_(1.0)
    model.generation_config.pad_token_id = tok.pad_token_id
    out = Path(path)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
