"""The TorchServe handler: document images in, output records out.

TorchServe gives :meth:`ExtractionHandler.handle` a batch of requests; every image of every
request goes through one :class:`~vlmserve.backends.Extractor` call, where the core batcher
packs them by cost. Each request gets its own answer (request bodies: :mod:`.inputs`):

* one image: its output record (DESIGN.md "Output record"), status 200;
* ``{"images": [...]}``: the list of records, in order;
* a failure: the record(s) with ``error`` set, and the status of the first failure
  (400 malformed request, 403 source not allowed, 413 too many pixels, 415 not an image
  format, 422 undecodable image; :func:`.inputs.http_status`). A multi-image request keeps
  its good records next to the failed ones. Other requests in the batch are unaffected.

The handler's settings are the ``handler`` section of the archive's ``model-config.yaml``
(``vlmserve package`` writes it)::

    handler:
      backend: ocr                 # a vlmserve.backends name or "package.module:Class"
      backend_config: {allowed_roots: [/data/scans], allow_urls: false}
      max_batch_size: 8            # documents per backend.generate call
      max_batch_cost: null         # cost budget per call (image tiles for the VLMs)
      schema: null                 # a schema JSON file (default: the 25-field schema)

It reports the batches it forms as TorchServe model metrics (:data:`METRICS`), which
TorchServe serves in Prometheus text when ``metrics_mode=prometheus`` and the metrics are
declared in its ``metrics_config`` (``vlmserve package`` does both).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from vlmserve import extract, metrics
from vlmserve.backends import Extractor, get_backend
from vlmserve.errors import InvalidArgumentError
from vlmserve.serving.inputs import ImageRequest, http_status, parse_body

__all__ = ["METRICS", "ExtractionHandler", "HandlerSettings"]

logger = logging.getLogger(__name__)

METRICS = (
    "vlmserve_torchserve_batches",  # TorchServe batches handled
    "vlmserve_torchserve_batch_requests",  # requests in them: mean batch size = ratio
    "vlmserve_core_batches",  # batches the core batcher handed to the backend
    "vlmserve_core_batch_documents",  # documents in them: mean batch size = ratio
)
"""The counters the handler adds to TorchServe's model metrics (dimensions ModelName, Level).
Their ratios are the mean batch sizes; above 1 means batches of several formed."""


@dataclass(frozen=True)
class HandlerSettings:
    """The ``handler`` section of ``model-config.yaml``.

    >>> HandlerSettings.from_mapping({"backend": "ocr", "max_batch_size": 4}).max_batch_size
    4
    """

    backend: str = "ocr"
    backend_config: Mapping[str, Any] = field(default_factory=dict)
    max_batch_size: int = 8
    max_batch_cost: int | None = None
    schema: str | None = None

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any] | None) -> HandlerSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section or {}) - known)
        if unknown:
            raise InvalidArgumentError(
                f"unknown handler setting(s) {unknown} in model-config.yaml; use {sorted(known)}"
            )
        return cls(**dict(section or {}))


class ExtractionHandler:
    """TorchServe's ``--handler``: ``initialize(context)`` once, ``handle(data, context)``
    per batch. Imports no torch itself (a backend that needs it does)."""

    def __init__(self) -> None:
        self.extractor: Extractor | None = None

    def initialize(self, context: Any) -> None:
        """Builds the backend and the Extractor from the model-config ``handler`` section."""
        settings = HandlerSettings.from_mapping((context.model_yaml_config or {}).get("handler"))
        config = dict(settings.backend_config)
        if settings.schema:  # the backend asks for these fields; the Extractor parses them
            config["schema"] = settings.schema
        backend = get_backend(settings.backend, config)
        self.extractor = Extractor(
            backend,
            max_batch_size=settings.max_batch_size,
            max_batch_cost=settings.max_batch_cost,
        )
        logger.info("vlmserve handler ready: %s, %s", settings, backend.name)

    def handle(self, data: list[Mapping[str, Any]], context: Any) -> list[Any]:
        """One JSON answer per request of the TorchServe batch, in order."""
        assert self.extractor is not None, "initialize() was not called"
        requests = [_parse(idx, request, context) for idx, request in enumerate(data)]
        good = [r for r in requests if isinstance(r, ImageRequest)]
        before = _core_batch_totals()
        records = iter(
            self.extractor.process_image_batch(
                [image for r in good for image in r.images],
                [name for r in good for name in r.names],
            )
            if good
            else []
        )
        answers = [self._answer(idx, r, records, context) for idx, r in enumerate(requests)]
        _report(context, len(data), before)
        return answers

    def _answer(self, idx: int, request: Any, records: Iterator[dict], context: Any) -> Any:
        context.set_response_content_type(idx, "application/json")
        if isinstance(request, BaseException):
            assert self.extractor is not None
            name, model = _request_name(context, idx), self.extractor.backend.name
            context.set_response_status(*http_status(request), idx=idx)
            return extract.record(name, model=model, schema=self.extractor.schema, error=request)
        out = [next(records) for _ in request.images]
        failed = [r["error"]["type"] for r in out if r["error"]]
        if failed:
            context.set_response_status(*http_status(failed[0]), idx=idx)
        return out if request.many else out[0]


def _parse(idx: int, request: Mapping[str, Any], context: Any) -> ImageRequest | Exception:
    """The request's images, named (by the request id where the body gives no name), or the
    error that answers it."""
    try:
        key = next(k for k in _BODY_KEYS if k in request)
    except StopIteration:
        return InvalidArgumentError(
            f"no request body; send the image or JSON as the body or as a form field named "
            f"'data' (got fields {sorted(request)})"
        )
    try:
        parsed = parse_body(request[key], _content_type(context, idx, key))
    except Exception as err:  # noqa: BLE001 - any failure answers this request alone
        return err
    default = _request_name(context, idx)
    many = len(parsed.names) > 1
    names = [
        name if name is not None else (f"{default}/{k}" if many else default)
        for k, name in enumerate(parsed.names)
    ]
    return ImageRequest(parsed.images, names, parsed.many)


_BODY_KEYS = ("body", "data")


def _request_name(context: Any, idx: int) -> str:
    """A record's ``document`` where the request names none: TorchServe's request id."""
    return context.get_request_id(idx) or f"request-{idx}"


def _content_type(context: Any, idx: int, key: str) -> str | None:
    """The content type TorchServe recorded for the body part ``key``."""
    headers = context.get_request_header(idx, key)
    return headers.get("content-type") if isinstance(headers, Mapping) else None


def _core_batch_totals() -> tuple[float, float]:
    """(batches, documents) the core batcher has formed in this process so far, read from
    its ``vlmserve_batch_size`` histogram."""
    samples = {s.name: s.value for s in metrics.BATCH_SIZE.collect()[0].samples}
    return samples["vlmserve_batch_size_count"], samples["vlmserve_batch_size_sum"]


def _report(context: Any, requests: int, before: tuple[float, float]) -> None:
    after = _core_batch_totals()
    values = (1, requests, after[0] - before[0], after[1] - before[1])
    for name, value in zip(METRICS, values):
        context.metrics.add_counter(name, value)
