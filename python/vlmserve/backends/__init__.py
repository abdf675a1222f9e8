"""Model backends: ``ocr`` (the CPU default), ``internvl3`` and ``llama_vision``.

:func:`get_backend` builds and loads one by name (or ``"package.module:Class"`` for your
own :class:`Backend`); :class:`Extractor` runs any of them over document images.

>>> from vlmserve.backends import Extractor, get_backend
>>> with Extractor(get_backend("ocr")) as ex:              # doctest: +SKIP
...     records = ex.process_image_batch(["a.png", "b.jpg"])
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from vlmserve.backends.base import (
    Backend,
    Extractor,
    Prepared,
    document_name,
    loader_from,
    schema_from,
)
from vlmserve.errors import InvalidArgumentError

__all__ = [
    "BACKENDS",
    "Backend",
    "Extractor",
    "Prepared",
    "document_name",
    "get_backend",
    "loader_from",
    "schema_from",
]

BACKENDS: dict[str, str] = {
    "ocr": "vlmserve.backends.ocr:OcrBackend",
    "internvl3": "vlmserve.backends.internvl3:InternVL3Backend",
    "llama_vision": "vlmserve.backends.llama_vision:LlamaVisionBackend",
}
"""Built-in backend names and the classes they load (imported only when asked for)."""


def get_backend(name: str, config: Mapping[str, Any] | None = None) -> Backend:
    """A loaded backend: a name from :data:`BACKENDS` or ``"package.module:Class"``."""
    target = BACKENDS.get(name, name)
    module_name, _, class_name = target.partition(":")
    if not class_name:
        raise InvalidArgumentError(
            f"unknown backend {name!r}; use one of {sorted(BACKENDS)} or 'package.module:Class'"
        )
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as err:
        raise InvalidArgumentError(f"cannot load backend {name!r} ({target}): {err}") from err
    backend = cls()
    backend.load(dict(config or {}))
    return backend
