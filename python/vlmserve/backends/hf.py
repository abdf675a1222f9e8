"""What the transformers backends (``internvl3``, ``llama_vision``) share.

:class:`TransformersBackend` reads the config, picks the device and dtype, loads the
tokenizer and model from a local directory (never a download), preprocesses images through
the Rust core, runs batched greedy generation and provides the OOM-ladder hooks
(``shrink``, ``reload``, ``cpu_generate``). A subclass says which model class to load,
which core preprocessor to build, and how a batch becomes the model's inputs.

Config keys (besides :data:`~vlmserve.backends.base.LOADER_KEYS`):

``model_path``
    a local directory holding ``config.json``, the weights and the tokenizer (required).
``device``
    ``"auto"`` (default: CUDA when available), ``"cuda"``, ``"cuda:N"`` or ``"cpu"``.
``dtype``
    ``"bfloat16"``, ``"float16"`` or ``"float32"``; default bfloat16 on GPUs that have it,
    float16 on older ones (V100, T4), float32 on the CPU.
``max_new_tokens``
    tokens generated per document (default 1024).
``oom_min_new_tokens``
    the floor ``shrink`` halves ``max_new_tokens`` down to (default 256).
``max_tiles``
    the most image tiles per document (``shrink`` halves it too, for InternVL3).
``schema``
    the fields to ask for: a schema JSON file or text (default: the 25 fields).

>>> from vlmserve.backends import Extractor, get_backend
>>> backend = get_backend("internvl3", {"model_path": "/models/InternVL3-8B-hf"})  # doctest: +SKIP
>>> record = Extractor(backend).process_single_image("invoice.png")  # doctest: +SKIP
>>> record["fields"]["TOTAL_AMOUNT"]  # doctest: +SKIP
'1234.50'
"""

from __future__ import annotations

import gc
import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from vlmserve import cuda
from vlmserve.backends.base import LOADER_KEYS, Backend, Prepared, loader_from, schema_from
from vlmserve.errors import InvalidArgumentError

try:
    import torch
    import transformers
except ImportError as err:  # torch is an optional dependency of vlmserve
    raise ImportError(
        f"the internvl3 and llama_vision backends need torch and transformers ({err}); "
        "install them with: pip install 'vlmserve[hf]'"
    ) from err

__all__ = [
    "DTYPES",
    "TransformersBackend",
    "positive_int",
    "resolve_device",
    "resolve_dtype",
    "to_tensor",
]

logger = logging.getLogger(__name__)

DTYPES = ("bfloat16", "float16", "float32")
"""The model dtypes a config may ask for."""

CONFIG_KEYS = frozenset(
    {"model_path", "device", "dtype", "max_new_tokens", "oom_min_new_tokens", "max_tiles", "schema"}
) | frozenset(LOADER_KEYS)


def resolve_device(device: str = "auto") -> str:
    """The torch device for a config's ``device``.

    >>> resolve_device("cpu")
    'cpu'
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device != "cpu" and not re.fullmatch(r"cuda(:[0-9]+)?", device):
        raise InvalidArgumentError(f"device={device!r}; pass 'auto', 'cuda', 'cuda:N' or 'cpu'")
    if device != "cpu" and not torch.cuda.is_available():
        raise InvalidArgumentError(
            f"device={device!r} but torch sees no CUDA device; pass device='cpu' or 'auto'"
        )
    return device


def resolve_dtype(dtype: str | None, capability: tuple[int, int] | None) -> str:
    """The dtype to load the model in, for a GPU of compute ``capability`` (``None``: the
    CPU): the one asked for, except that bfloat16 becomes float16 on GPUs without it
    (capability below 8.0: V100, T4). ``None`` picks the best the device has.

    >>> resolve_dtype(None, None), resolve_dtype(None, (9, 0)), resolve_dtype("bfloat16", (7, 0))
    ('float32', 'bfloat16', 'float16')
    """
    if dtype is not None and dtype not in DTYPES:
        raise InvalidArgumentError(f"dtype={dtype!r}; pass one of {list(DTYPES)}")
    if capability is None:
        return dtype or "float32"
    if dtype in (None, "bfloat16") and capability < (8, 0):
        if dtype == "bfloat16":
            logger.warning(
                "this GPU has no bfloat16 (compute capability %s); using float16", capability
            )
        return "float16"
    return dtype or "bfloat16"


def _capability(device: str) -> tuple[int, int] | None:
    """The compute capability of a CUDA ``device`` (``None`` for the CPU), read through the
    core's driver inventory, which leaves torch's CUDA uninitialised."""
    if device == "cpu":
        return None
    index = int(device[5:]) if device[5:] else 0
    info = next((d for d in cuda.devices() if d.index == index), None)
    if info is None:  # the core found no libcuda torch can use: ask torch (initialises CUDA)
        return tuple(torch.cuda.get_device_capability(index))
    return info.compute_capability


def to_tensor(array: np.ndarray, dtype: str, device: str) -> torch.Tensor:
    """A core output array as a tensor of ``dtype`` on ``device`` (bfloat16 arrives as
    uint16 bit patterns, or ml_dtypes' bfloat16, and is reinterpreted, not converted).

    >>> to_tensor(np.zeros((2, 3), np.float32), "float32", "cpu").shape
    torch.Size([2, 3])
    """
    if dtype == "bfloat16":
        return torch.from_numpy(array.view(np.uint16)).view(torch.bfloat16).to(device)
    return torch.from_numpy(array).to(device)


def _model_path(config: Mapping[str, Any]) -> str:
    path = config.get("model_path")
    if not path:
        raise InvalidArgumentError(
            "pass model_path: a local directory with the model's config.json, weights and "
            "tokenizer (the backend never downloads; fetch the weights beforehand)"
        )
    path = os.fspath(path)
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise InvalidArgumentError(
            f"model_path={path!r} is not a model directory (no config.json there); pass the "
            "local directory that save_pretrained or a hub snapshot wrote"
        )
    return path


def positive_int(config: Mapping[str, Any], key: str, default: int) -> int:
    """``config[key]`` (or ``default``), checked to be a whole number >= 1.

    >>> positive_int({"max_tiles": 6}, "max_tiles", 12), positive_int({}, "max_tiles", 12)
    (6, 12)
    """
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"{key}={value!r}; pass a whole number >= 1")
    return value


class TransformersBackend(Backend):
    """A transformers vision-language model behind the :class:`Backend` protocol.

    Subclasses set :attr:`model_class` and implement :meth:`_preprocessor` and
    :meth:`_model_inputs`.
    """

    model_class: ClassVar[str] = ""
    """The transformers class to load, e.g. ``"InternVLForConditionalGeneration"``."""
    model_type: ClassVar[str] = ""
    """The ``model_type`` its ``config.json`` must name, e.g. ``"internvl"``."""

    def load(self, config: Mapping[str, Any]) -> None:
        unknown = sorted(set(config) - CONFIG_KEYS)
        if unknown:
            raise InvalidArgumentError(
                f"unknown {self.name} config keys {unknown}; use some of {sorted(CONFIG_KEYS)}"
            )
        self.model_path = _model_path(config)
        self.device = resolve_device(str(config.get("device", "auto")))
        if self.device != "cpu":
            # torch reads it once, when it initialises CUDA (is_available does not).
            cuda.apply_allocator_config()
        self.dtype = resolve_dtype(config.get("dtype"), _capability(self.device))
        self.max_new_tokens = positive_int(config, "max_new_tokens", 1024)
        self.oom_min_new_tokens = positive_int(config, "oom_min_new_tokens", 256)
        self.config = transformers.AutoConfig.from_pretrained(
            self.model_path, local_files_only=True
        )
        if self.config.model_type != self.model_type:
            raise InvalidArgumentError(
                f"model_path={self.model_path!r} holds a {self.config.model_type!r} model; the "
                f"{self.name} backend serves {self.model_type!r} models ({self.model_class})"
            )
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(
            self.model_path, local_files_only=True, padding_side="left"
        )
        if self.tokenizer.pad_token is None:  # padding a batch needs one; it is masked out
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = self._load_model()
        self.schema = schema_from(config)
        self.prompt = self.schema.prompt()
        self.preprocessor = self._preprocessor(config, loader_from(config))

    def _load_model(self) -> Any:
        cls = getattr(transformers, self.model_class)
        start = time.perf_counter()
        model = cls.from_pretrained(
            self.model_path,
            config=self.config,
            dtype=getattr(torch, self.dtype),
            local_files_only=True,
        )
        # Loaded on the host, then moved: loading straight onto the GPU (device_map) would
        # need accelerate.
        model = model.to(self.device).eval()
        logger.info(
            "loaded %s from %s on %s as %s in %.1f s",
            self.model_class,
            self.model_path,
            self.device,
            self.dtype,
            time.perf_counter() - start,
        )
        return model

    def _preprocessor(self, config: Mapping[str, Any], loader: Any) -> Any:
        """The core preprocessor (``process_each``) matching the model's vision config."""
        raise NotImplementedError

    def _model_inputs(
        self, batch: list[dict[str, Any]], device: str, **limits: Any
    ) -> dict[str, Any]:
        """The keyword arguments of ``model.generate`` for a batch of prepared images;
        ``limits`` are the subclass's own :meth:`generation_params` (e.g. ``max_tiles``)."""
        raise NotImplementedError

    def chat_text(self, image_token: str) -> str:
        """The extraction prompt with one image, rendered by the model's chat template
        (``image_token`` first, as each model's processor does, when there is none)."""
        if not self.tokenizer.chat_template:
            return f"{image_token}\n{self.prompt}"
        content = [{"type": "image"}, {"type": "text", "text": self.prompt}]
        text = self.tokenizer.apply_chat_template(
            [{"role": "user", "content": content}], add_generation_prompt=True, tokenize=False
        )
        if text.count(image_token) != 1:
            raise InvalidArgumentError(
                f"the chat template in {self.model_path} renders {text.count(image_token)} "
                f"{image_token} tokens for one image; give the model directory the template "
                "its processor ships (chat_template.jinja)"
            )
        return text

    def tokenize(self, texts: Sequence[str], device: str) -> dict[str, torch.Tensor]:
        """Token ids and attention mask, left-padded (generation appends on the right);
        no special tokens added: the chat template already wrote them."""
        encoded = self.tokenizer(
            list(texts), padding=True, add_special_tokens=False, return_tensors="pt"
        )
        return {k: v.to(device) for k, v in encoded.items()}

    def prepare(self, images: Sequence[Any]) -> list[Prepared | BaseException]:
        start = time.perf_counter()
        results = self.preprocessor.process_each(images)
        # process_each runs the images in parallel: each gets an equal share of the wall time.
        per_image_ms = (time.perf_counter() - start) * 1e3 / max(len(results), 1)
        return [
            r
            if isinstance(r, BaseException)
            else Prepared(r, cost=r["plan"].num_tiles, timing_ms={"preprocess": per_image_ms})
            for r in results
        ]

    def generation_params(self) -> dict[str, Any]:
        """``max_new_tokens``, plus what a subclass lets :meth:`shrink` lower."""
        return {"max_new_tokens": self.max_new_tokens}

    def shrink_floors(self) -> dict[str, int]:
        """The parameters :meth:`shrink` halves, each with the value it stops at."""
        return {"max_new_tokens": self.oom_min_new_tokens}

    def shrink(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """Halves each parameter of :meth:`shrink_floors` down to its floor (a call's GPU
        memory grows with both); ``None`` once every one is there."""
        floors = self.shrink_floors()
        smaller = {k: max(floors[k], v // 2) if k in floors else v for k, v in params.items()}
        return None if smaller == params else smaller

    def generate(self, batch: list[Any], **params: Any) -> list[str]:
        return self._generate(batch, self.device, **params)

    def _generate(
        self, batch: list[Any], device: str, *, max_new_tokens: int, **limits: Any
    ) -> list[str]:
        inputs = self._model_inputs(batch, device, **limits)
        with torch.inference_mode():
            out = self.model.generate(
                **inputs,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        new_tokens = out[:, inputs["input_ids"].shape[1] :]
        return self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)

    def reload(self) -> None:
        """Drops the model, empties the CUDA cache, and loads it again (a fresh allocator
        layout when fragmentation, not size, was the problem)."""
        self.model = None
        gc.collect()
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()
        self.model = self._load_model()

    def cpu_generate(self, batch: list[Any], **params: Any) -> list[str]:
        """Generates on the CPU: moves the model there for this batch and back after, so
        one oversized batch does not leave every later one on the CPU."""
        if self.device == "cpu":
            return self._generate(batch, "cpu", **params)
        self.model.to("cpu")
        torch.cuda.empty_cache()
        try:
            return self._generate(batch, "cpu", **params)
        finally:
            self.model.to(self.device)
