"""The backend protocol, and the document extractor every backend runs under.

A backend turns document images into the model's raw answer text. The :class:`Extractor`
does the rest, the same way for every backend: it loads and preprocesses images through
the Rust core (one bad image fails alone), packs them into batches by cost with the core
batcher, runs the backend's ``generate`` through the OOM ladder
(:class:`~vlmserve.ResilientGenerator`) and turns each answer into the output record
(:func:`vlmserve.extract.record`).

>>> from vlmserve.backends import Extractor, get_backend
>>> ex = Extractor(get_backend("ocr"))                      # doctest: +SKIP
>>> ex.process_single_image("invoice.png")["fields"]["TOTAL_AMOUNT"]  # doctest: +SKIP
'1234.50'
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from vlmserve import _core, extract
from vlmserve.batching import Batcher
from vlmserve.preprocess import ImageLike, ImageLoader
from vlmserve.resilience import ResilientGenerator

__all__ = [
    "LOADER_KEYS",
    "Backend",
    "Extractor",
    "Prepared",
    "document_name",
    "loader_from",
    "schema_from",
]

LOADER_KEYS = (
    "allowed_roots",
    "allow_urls",
    "allowed_hosts",
    "allow_private_networks",
    "timeout_s",
    "max_bytes",
    "max_pixels",
    "alpha",
)
"""Backend config keys that go to the backend's :class:`~vlmserve.ImageLoader`."""


def loader_from(config: Mapping[str, Any]) -> ImageLoader:
    """The :class:`~vlmserve.ImageLoader` a backend config asks for (see :data:`LOADER_KEYS`)."""
    return ImageLoader(**{k: config[k] for k in LOADER_KEYS if k in config})


def schema_from(config: Mapping[str, Any]) -> extract.Schema:
    """The schema a backend config names (``schema``: a JSON file's path or JSON text),
    else the default 25 fields. The backend asks for these fields and the
    :class:`Extractor` parses its answers with the same schema."""
    schema = config.get("schema")
    return extract.Schema.default() if schema is None else extract.Schema.from_json(schema)


@dataclass
class Prepared:
    """One image made ready for a backend's ``generate``: its model input and cost."""

    data: Any
    cost: int = 1
    timing_ms: dict[str, float] = field(default_factory=dict)


class Backend:
    """The protocol of a model backend.

    Subclasses set :attr:`name` and implement :meth:`load`, :meth:`prepare` and
    :meth:`generate`. :meth:`cost` defaults to the prepared item's cost. The optional OOM
    ladder hooks are :meth:`shrink`, :meth:`reload` and :meth:`cpu_generate`; a backend
    that has none leaves them ``None``. A backend that reads the ``schema`` config key
    (:func:`schema_from`) sets :attr:`schema`, and its answers are parsed with it.
    """

    name: ClassVar[str] = ""
    schema: extract.Schema | None = None
    shrink: Callable[[dict[str, Any]], Mapping[str, Any] | None] | None = None
    reload: Callable[[], None] | None = None
    cpu_generate: Callable[..., Sequence[Any]] | None = None

    def load(self, config: Mapping[str, Any]) -> None:
        """Loads the model (weights from a local path; never a download)."""
        raise NotImplementedError

    def prepare(self, images: Sequence[Any]) -> list[Prepared | BaseException]:
        """Each image's model input (through the core), or the exception (not raised) that
        makes it unusable, in order."""
        raise NotImplementedError

    def cost(self, item: Prepared) -> int:
        """What an item costs in the batch budget (image tiles, for the VLMs)."""
        return item.cost

    def generate(self, batch: list[Any], **params: Any) -> list[str]:
        """The raw answer text for each item's ``data``, in order."""
        raise NotImplementedError

    def generation_params(self) -> dict[str, Any]:
        """Keyword arguments for :meth:`generate` (what :meth:`shrink` may cheapen)."""
        return {}


def document_name(image: Any, index: int) -> str:
    """A record's ``document``: a path or URL as given, a data URL's media type, and
    ``item-<index>`` for bytes, arrays and base64 (the core tells a string's kind, so a
    name never disagrees with how the image was read)."""
    if isinstance(image, os.PathLike):
        return os.fspath(image)
    if not isinstance(image, str):
        return f"item-{index}"
    kind = _core.source_kind(image)
    if kind == "data_url":
        return image.split(";", 1)[0].strip()
    return f"item-{index}" if kind == "base64" else image


@dataclass
class _Outcome:
    text: str | None
    error: BaseException | None
    tiers: list[str]
    generate_ms: float


class Extractor:
    """Document images in, output records out, for any :class:`Backend`.

    Args:
        backend: a loaded backend.
        schema: the fields to parse from the answers (default: the backend's
            :attr:`Backend.schema`, else the 25-field schema).
        max_batch_size: most documents per ``generate`` call.
        max_batch_cost: cost budget per call (``None``: none); the OOM ladder lowers it
            when it learns a smaller safe cost.
        max_delay_ms: how long a batch waits to fill (requests arriving from several
            threads, as in a server).

    The returned records follow DESIGN.md's "Output record"; an image that cannot be read
    gets a record whose ``error`` says why, and the others are unaffected.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        schema: extract.Schema | None = None,
        max_batch_size: int = 8,
        max_batch_cost: int | None = None,
        max_delay_ms: float = 5.0,
    ) -> None:
        self.backend = backend
        if schema is None:
            schema = backend.schema if backend.schema is not None else extract.Schema.default()
        self.schema = schema
        self.batcher: Batcher[Prepared, _Outcome] = Batcher(
            self._run_batch,
            max_batch_size=max_batch_size,
            max_batch_cost=max_batch_cost,
            max_delay_ms=max_delay_ms,
        )
        self.generator = ResilientGenerator(
            backend.generate,
            shrink=backend.shrink,
            reload=backend.reload,
            cpu_generate=backend.cpu_generate,
            on_limit=self.batcher.set_max_batch_cost,
        )

    def _run_batch(self, items: list[Prepared]) -> list[_Outcome]:
        start = time.perf_counter()
        result = self.generator(
            [p.data for p in items],
            costs=[self.backend.cost(p) for p in items],
            **self.backend.generation_params(),
        )
        per_item_ms = (time.perf_counter() - start) * 1e3 / max(len(items), 1)
        return [
            _Outcome(
                None if isinstance(out, BaseException) else out,
                out if isinstance(out, BaseException) else None,
                result.tiers,
                per_item_ms,
            )
            for out in result.outputs
        ]

    def process_image_batch(
        self, images: Sequence[ImageLike], names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """One output record per image, in order (the seed's processor API)."""
        images = list(images)
        names = list(names) if names is not None else None
        if names is not None and len(names) != len(images):
            raise ValueError(f"got {len(names)} names for {len(images)} images; pass one each")
        start = time.perf_counter()
        prepared = self.backend.prepare(images)
        good = [i for i, p in enumerate(prepared) if isinstance(p, Prepared)]
        outcomes = self.batcher.run_many(
            [prepared[i] for i in good], costs=[self.backend.cost(prepared[i]) for i in good]
        )
        by_index = dict(zip(good, outcomes))
        total_ms = (time.perf_counter() - start) * 1e3
        return [
            self._record(
                names[i] if names else document_name(images[i], i),
                prepared[i],
                by_index.get(i),
                total_ms / max(len(images), 1),
            )
            for i in range(len(images))
        ]

    def process_single_image(self, image: ImageLike, name: str | None = None) -> dict[str, Any]:
        """The output record of one image."""
        return self.process_image_batch([image], None if name is None else [name])[0]

    def _record(
        self,
        document: str,
        prepared: Prepared | BaseException,
        outcome: _Outcome | None,
        total_ms: float,
    ) -> dict[str, Any]:
        model = self.backend.name
        if isinstance(prepared, BaseException):
            return extract.record(document, model=model, schema=self.schema, error=prepared)
        assert outcome is not None
        timing = {**prepared.timing_ms, "generate": outcome.generate_ms, "total": total_ms}
        return extract.record(
            document,
            outcome.text or "",
            model=model,
            schema=self.schema,
            timing_ms=timing,
            recovery=outcome.tiers,
            error=outcome.error,
        )

    def close(self) -> None:
        """Stops the batcher's worker thread."""
        self.batcher.close()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
