"""A client for a model server that is already running: send document images, get output
records back.

The requests run in the Rust core (``vlmserve._core``): bounded concurrency, a per-request
timeout, retries with exponential backoff and jitter on connection errors, timeouts, 429
and 5xx (honouring ``Retry-After``), none on other 4xx. Each input ends as exactly one
output record: the server's, or an error record (every field ``None``, ``error`` set to
``{"type", "message", "status"}``).

Protocols
---------
``torchserve``
    ``POST {url}/predictions/{model}`` with the raw image bytes; the body is the record.
``kserve-v1``
    ``POST {url}/v1/models/{model}:predict`` with ``{"instances": [{"image": {"b64"}}]}``.
``kserve-v2``
    ``POST {url}/v2/models/{model}/infer`` with a BYTES input ``image`` (base64).
``openai``
    ``POST {url}/v1/chat/completions`` with the schema's prompt and the image as a data
    URL; the reply text is parsed into a record here (:func:`vlmserve.extract.record`).

Examples
--------
>>> from vlmserve.client import InferenceClient
>>> client = InferenceClient("http://127.0.0.1:8080", "internvl3", concurrency=8)
>>> client.ping()                                            # doctest: +SKIP
True
>>> client.run(["a.png", "b.png"], out="results.jsonl")      # doctest: +SKIP
{'total': 2, 'done': 2, 'skipped': 0, 'failed': 0, 'seconds': 0.41}
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from typing import Any, Callable, Union

from tqdm.auto import tqdm

from vlmserve import _core
from vlmserve.errors import InvalidArgumentError
from vlmserve.extract import Schema

__all__ = ["PROTOCOLS", "InferenceClient"]

logger = logging.getLogger(__name__)

PROTOCOLS = ("torchserve", "kserve-v1", "kserve-v2", "openai")
"""The protocols :class:`InferenceClient` speaks."""

PathLike = Union[str, "os.PathLike[str]"]
Progress = Union[Callable[[int, int], Any], bool, None]


class InferenceClient:
    """Sends document images to one model on one server.

    Parameters
    ----------
    url
        The server's base URL, ``http://`` or ``https://`` (loopback and private addresses
        are fine: this is your own server).
    model
        The name the server serves the model under (for ``openai``, the ``model`` field).
    protocol
        One of :data:`PROTOCOLS`.
    concurrency
        Requests in flight at once.
    timeout_s
        Limit per request, connect to last byte.
    retries
        Tries after the first one, for failures that may pass.
    backoff_s
        The first wait between tries; it doubles per retry, plus up to as much again of
        random jitter.
    token
        Sent as ``Authorization: Bearer <token>``: TorchServe's inference key, or a bearer
        token for the server.
    schema
        The fields to extract (for ``openai``, the prompt and the parser); the default
        25-field schema when ``None``.

    Raises :class:`vlmserve.InvalidArgumentError` for an argument out of range.
    """

    def __init__(
        self,
        url: str,
        model: str,
        protocol: str = "torchserve",
        concurrency: int = 8,
        timeout_s: float = 120.0,
        retries: int = 4,
        backoff_s: float = 0.5,
        token: str | None = None,
        *,
        schema: Schema | None = None,
    ) -> None:
        for name, value in (("concurrency", concurrency), ("retries", retries)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidArgumentError(f"{name} is {value!r}; pass a whole number >= 0")
        schema = Schema.default() if schema is None else schema
        self._core = _core.InferenceClient(
            url,
            model,
            protocol,
            concurrency,
            float(timeout_s),
            retries,
            float(backoff_s),
            token,
            schema._core,
        )
        self._shown = f"InferenceClient({url!r}, {model!r}, protocol={protocol!r})"

    def ping(self) -> bool:
        """True when the server answers its health endpoint (TorchServe ``GET /ping``, KServe
        model readiness, OpenAI ``GET /v1/models``).

        Raises :class:`vlmserve.FetchError` naming the URL when it is down or not ready.
        """
        return self._core.ping()

    def run(
        self,
        paths: Iterable[PathLike],
        out: PathLike = "results.jsonl",
        resume: bool = True,
        progress: Progress = None,
    ) -> dict[str, Any]:
        """Sends every image in ``paths``, appending each record to the JSONL file ``out`` as
        it arrives (one line per document, in the order they finish).

        With ``resume``, documents whose latest line in ``out`` is a success are skipped
        (those that ended in an error are tried again); without, ``out`` starts empty.
        ``progress`` is a ``progress(finished, total)`` callback, called at most every
        ~100 ms, or ``True`` for a tqdm bar. Ctrl-C stops the run within ~100 ms; the
        records already written stay.

        Returns ``{"total", "done", "skipped", "failed", "seconds"}``, where ``done`` and
        ``failed`` count this run's success and error records.
        """
        callback, bar = _progress(progress)
        try:
            total, done, skipped, failed, seconds = self._core.run(
                _documents(paths), os.fspath(out), bool(resume), callback
            )
        finally:
            if bar is not None:
                bar.close()
        summary = {
            "total": total,
            "done": done,
            "skipped": skipped,
            "failed": failed,
            "seconds": seconds,
        }
        logger.info("%s: %s -> %s", self._shown, summary, os.fspath(out))
        return summary

    def infer(self, paths: Iterable[PathLike], progress: Progress = None) -> list[dict[str, Any]]:
        """The output records of ``paths``, in input order; nothing is written."""
        callback, bar = _progress(progress)
        try:
            return json.loads(self._core.infer(_documents(paths), callback))
        finally:
            if bar is not None:
                bar.close()

    def __repr__(self) -> str:
        return self._shown


def _documents(paths: Iterable[PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        raise InvalidArgumentError(
            "paths is a single path; pass a list of image paths (e.g. [path])"
        )
    return [os.fspath(p) for p in paths]


def _progress(progress: Progress) -> tuple[Callable[[int, int], Any] | None, Any]:
    """The callback for the core, and the tqdm bar to close when ``progress`` is ``True``."""
    if progress is not True:
        return (progress or None), None
    bar = tqdm(unit="doc", desc="infer")

    def update(finished: int, total: int) -> None:
        bar.total = total
        bar.update(finished - bar.n)

    return update, bar
