"""The exception hierarchy. Every failure a caller can cause raises one of these, with a
message that says what to change. Each also derives from the closest built-in exception, so
``except ValueError`` and friends keep working."""

from __future__ import annotations

__all__ = [
    "VlmServeError",
    "InvalidImageError",
    "ImageTooLargeError",
    "SourceNotAllowedError",
    "UnsupportedFormatError",
    "InvalidArgumentError",
    "FetchError",
    "DeadlineExceededError",
    "QueueFullError",
    "RequestCancelledError",
    "OutOfMemoryError",
    "CudaError",
]


class VlmServeError(Exception):
    """Base class of every vlmserve error."""


class InvalidImageError(VlmServeError, ValueError):
    """The input is not a readable image: empty, truncated, corrupt, bad base64 or data URL."""


class ImageTooLargeError(InvalidImageError):
    """The image has more pixels than ``max_pixels`` allows (decompression-bomb guard)."""


class UnsupportedFormatError(InvalidImageError):
    """The bytes are in a format this build does not decode."""


class SourceNotAllowedError(VlmServeError, PermissionError):
    """A path outside the allowed roots, a URL while URLs are off, or a forbidden address."""


class InvalidArgumentError(VlmServeError, ValueError):
    """An argument is out of range, or an array has the wrong dtype or shape."""


class FetchError(VlmServeError, ConnectionError):
    """Fetching an allowed URL failed: network error, HTTP status, timeout or size cap."""


class DeadlineExceededError(VlmServeError, TimeoutError):
    """The request's deadline passed before it ran; it was answered without running."""


class QueueFullError(VlmServeError, RuntimeError):
    """The batcher's queue is at ``max_queue`` (backpressure): retry later or raise the limit."""


class RequestCancelledError(VlmServeError):
    """The request was cancelled before it ran."""


class OutOfMemoryError(VlmServeError, MemoryError):
    """Memory ran out and every recovery tier (release, split, shrink, reload, CPU) failed."""


class CudaError(VlmServeError, RuntimeError):
    """A CUDA driver call failed."""
