"""The inference step: every image of a run sent to one served model through the core's
client (bounded concurrency, retries with backoff, resumable JSONL).

>>> from vlmserve.pipelines.inference import run_inference
>>> run_inference(["a.png"], "out.jsonl", url="http://127.0.0.1:8080", model="internvl3")
... # doctest: +SKIP
{'total': 1, 'done': 1, 'skipped': 0, 'failed': 0, 'seconds': 0.4}
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from vlmserve.client import InferenceClient
from vlmserve.pipelines.steps import check_results, load_records

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
    """Sends each image to the model served at ``url`` through the core client and writes
    one output record per image to ``out`` (JSONL, resumable). Returns the client's
    summary. Raises :class:`vlmserve.FetchError` when the server does not answer, and
    what :func:`~vlmserve.pipelines.steps.check_results` raises when no document succeeded."""
    client = InferenceClient(
        url,
        model,
        protocol=protocol,
        concurrency=concurrency,
        timeout_s=timeout_s,
        retries=retries,
        token=token or None,
    )
    client.ping()
    with tqdm(total=len(images), unit="doc", desc=model, file=sys.stderr) as bar:
        summary = client.run(
            list(images),
            out=os.fspath(out),
            resume=True,
            progress=lambda done, _: bar.update(done - bar.n),
        )
    log.info("%s at %s: %s", model, url, summary)
    check_results(load_records(out), model, url)
    return summary
