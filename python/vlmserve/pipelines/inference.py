"""The inference step: every image of a run sent to one served model through the core's
client (bounded concurrency, retries with backoff, resumable JSONL).

The first image goes alone: a server that is down, refuses the token or does not serve
the model fails the step after the client's retries for that one request, not after
every document has failed the same way.

>>> from vlmserve.pipelines.inference import run_inference
>>> run_inference(["a.png"], "out.jsonl", url="http://127.0.0.1:8080", model="internvl3")
... # doctest: +SKIP
{'total': 1, 'succeeded': 1, 'failed': 0, 'seconds': 0.4}
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

from vlmserve.client import InferenceClient
from vlmserve.pipelines.steps import check_results, load_records, server_failed

__all__ = ["run_inference"]

log = logging.getLogger(__name__)


def run_inference(
    images: Sequence[str],
    out: str | os.PathLike[str],
    *,
    url: str,
    model: str,
    protocol: str = "torchserve",
    token: str | None = None,
    concurrency: int = 8,
    timeout_s: float = 120.0,
    retries: int = 4,
) -> dict[str, Any]:
    """Writes one output record per image to ``out`` (JSONL; a rerun resumes) from the model
    served at ``url``. Returns ``{"total", "succeeded", "failed", "seconds"}``.

    Raises what :func:`~vlmserve.pipelines.steps.check_results` raises: the server did not
    answer the first image, or no image succeeded.
    """
    client = InferenceClient(
        url,
        model,
        protocol=protocol,
        concurrency=concurrency,
        timeout_s=timeout_s,
        retries=retries,
        token=token or None,
    )
    probe = client.run(list(images[:1]), out=out, resume=True)
    records = load_records(out)
    if any(server_failed(r) for r in records):
        check_results([r for r in records if server_failed(r)], model, url)
    rest = client.run(list(images), out=out, resume=True, progress=True)
    records = load_records(out)
    log.info("%s at %s: %s then %s", model, url, probe, rest)
    check_results(records, model, url)
    failed = sum(1 for r in records if r.get("error"))
    return {
        "total": len(records),
        "succeeded": len(records) - failed,
        "failed": failed,
        "seconds": probe["seconds"] + rest["seconds"],
    }
