"""vlmserve: fast, robust serving of vision-language models for document field extraction.

The heavy lifting runs in a Rust core (``vlmserve._core``); this package gives it a
Python face.

>>> import vlmserve
>>> pre = vlmserve.InternVL3Preprocessor(max_tiles=12)
>>> out = pre("invoice.jpg")                       # doctest: +SKIP
>>> out["pixel_values"].shape, out["num_patches"]  # doctest: +SKIP
((7, 3, 448, 448), [7])
"""

from vlmserve import cuda, extract
from vlmserve._core import TilePlan, __version__, resize
from vlmserve.batching import BatchedFunction, Batcher, Ticket, batch
from vlmserve.errors import (
    CudaError,
    DeadlineExceededError,
    FetchError,
    ImageTooLargeError,
    InvalidArgumentError,
    InvalidImageError,
    OutOfMemoryError,
    QueueFullError,
    RequestCancelledError,
    SourceNotAllowedError,
    UnsupportedFormatError,
    VlmServeError,
)
from vlmserve.preprocess import ImageLoader, InternVL3Preprocessor, MllamaPreprocessor
from vlmserve.resilience import GenerationResult, ResilientGenerator

__all__ = [
    "BatchedFunction",
    "Batcher",
    "CudaError",
    "DeadlineExceededError",
    "FetchError",
    "GenerationResult",
    "ImageLoader",
    "ImageTooLargeError",
    "InternVL3Preprocessor",
    "InvalidArgumentError",
    "InvalidImageError",
    "MllamaPreprocessor",
    "OutOfMemoryError",
    "QueueFullError",
    "RequestCancelledError",
    "ResilientGenerator",
    "SourceNotAllowedError",
    "Ticket",
    "TilePlan",
    "UnsupportedFormatError",
    "VlmServeError",
    "__version__",
    "cuda",
    "extract",
    "batch",
    "resize",
]
