"""What each pipeline component does, as plain functions: importable and testable without
KFP. The components in :mod:`vlmserve.pipelines.components` only move artifacts in and out.

>>> from vlmserve.pipelines import steps
>>> steps.plan_models("both", "http://127.0.0.1:8080")  # doctest: +NORMALIZE_WHITESPACE
[{'model': 'internvl3', 'url': 'http://127.0.0.1:8080'},
 {'model': 'llama_vision', 'url': 'http://127.0.0.1:8080'}]
>>> found = steps.discover_images("examples/documents")  # doctest: +SKIP
>>> len(found["images"]), found["rejected"]              # doctest: +SKIP
(12, [])
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from vlmserve import extract
from vlmserve.errors import FetchError, InvalidArgumentError, VlmServeError
from vlmserve.preprocess import ImageLoader

__all__ = [
    "DEFAULT_FORMATS",
    "BOTH",
    "check_results",
    "discover_images",
    "evaluate",
    "load_records",
    "plan_models",
    "read_json",
    "server_failed",
    "write_json",
]

log = logging.getLogger(__name__)

DEFAULT_FORMATS = ("jpg", "jpeg", "png", "tif", "tiff", "bmp", "webp")
BOTH = ("internvl3", "llama_vision")
"""The models ``model_choice="both"`` runs, in this order."""


def plan_models(
    model_choice: str, torchserve_url: str, urls: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """``[{"model", "url"}]`` for each model ``model_choice`` names.

    ``"both"`` means internvl3 and llama_vision; otherwise one served model name, or
    several separated by commas. ``urls`` overrides the endpoint per model (an empty value
    keeps ``torchserve_url``).

    >>> plan_models("llama_vision", "http://ts:8080", {"llama_vision": "http://llama:8080"})
    [{'model': 'llama_vision', 'url': 'http://llama:8080'}]
    >>> [p["model"] for p in plan_models("extractor, extractor_v2", "http://ts:8080")]
    ['extractor', 'extractor_v2']
    """
    names = BOTH if model_choice.strip() == "both" else _names(model_choice)
    overrides = {k: v for k, v in (urls or {}).items() if v}
    plan = [{"model": m, "url": overrides.get(m, torchserve_url)} for m in names]
    for step in plan:
        if not step["url"].startswith(("http://", "https://")):
            raise InvalidArgumentError(
                f"the URL for model {step['model']!r} is {step['url']!r}; "
                "pass an http:// or https:// inference address"
            )
    return plan


def _names(model_choice: str) -> list[str]:
    names = [n.strip() for n in model_choice.split(",") if n.strip()]
    if not names or len(set(names)) < len(names):
        raise InvalidArgumentError(
            f"model_choice is {model_choice!r}; pass 'internvl3', 'llama_vision', 'both', "
            "or served model names separated by commas (each once)"
        )
    return names


def discover_images(
    data_path: str | os.PathLike[str],
    *,
    recursive: bool = True,
    formats: Iterable[str] = DEFAULT_FORMATS,
) -> dict[str, Any]:
    """The images under ``data_path``, sorted, each checked by its header in the core.

    Returns ``{"data_path", "images": [paths], "rejected": [{"path", "type", "message"}],
    "ignored": files with other suffixes}``. A missing or empty folder, or one whose every
    candidate is unreadable, raises :class:`vlmserve.InvalidArgumentError`: an empty run
    would only hide the mistake.
    """
    root = Path(data_path).expanduser()
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        raise InvalidArgumentError(f"data_path {str(root)!r} {what}; pass the folder of images")
    suffixes = {"." + f.strip().lower().lstrip(".") for f in formats if f.strip()}
    if not suffixes:
        raise InvalidArgumentError("formats is empty; pass image suffixes such as 'jpg,png'")
    files = sorted(p for p in (root.rglob("*") if recursive else root.iterdir()) if p.is_file())
    candidates = [p for p in files if p.suffix.lower() in suffixes]
    if not candidates:
        raise InvalidArgumentError(
            f"no {'/'.join(sorted(suffixes))} files in {str(root)!r}"
            f"{' or its subfolders' if recursive else ''} ({len(files)} other files); "
            "check data_path and formats"
        )
    loader = ImageLoader(allowed_roots=[root.resolve()])
    images, rejected = [], []
    for path in candidates:
        try:
            loader.size(path)
            images.append(str(path))
        except VlmServeError as err:
            log.warning("rejected %s: %s", path, err)
            rejected.append({"path": str(path), "type": type(err).__name__, "message": str(err)})
    if not images:
        raise InvalidArgumentError(
            f"none of the {len(candidates)} files in {str(root)!r} is a readable image "
            f"(first: {rejected[0]['path']}: {rejected[0]['message']})"
        )
    return {
        "data_path": str(root),
        "images": images,
        "rejected": rejected,
        "ignored": len(files) - len(candidates),
    }


def load_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The output records of a JSONL file; for a document written twice (a resumed run),
    the last record."""
    latest: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                rec = json.loads(line)
                latest.pop(rec["document"], None)
                latest[rec["document"]] = rec
    return list(latest.values())


def server_failed(record: Mapping[str, Any]) -> bool:
    """True when a record's error is the server's or the setup's, not the document's: no
    HTTP answer, refused credentials, a model not served, overload or a server error."""
    error = record.get("error")
    if not error:
        return False
    status = error.get("status")
    return status is None or status in (401, 403, 404, 429) or status >= 500


def check_results(records: Sequence[Mapping[str, Any]], model: str, url: str) -> None:
    """Raises when no document succeeded: a model that is not served (every answer a 404),
    or every request failing. Some failures are kept: they are error records, counted."""
    errors = [r["error"] for r in records if r.get("error")]
    if not records or len(errors) < len(records):
        return
    if all(e.get("status") == 404 for e in errors):
        raise InvalidArgumentError(
            f"model {model!r} is not served at {url} (every request got 404); "
            "pass a model_choice the server registers, or register the model"
        )
    raise FetchError(
        f"no document succeeded for model {model!r} at {url} ({len(records)} tried); "
        f"first error: {errors[0].get('type')}: {errors[0].get('message')}"
    )


def evaluate(
    results: str | os.PathLike[str], ground_truth: str | os.PathLike[str]
) -> dict[str, Any]:
    """The core scorer's report of ``results`` (JSONL) against ``ground_truth`` (CSV), with
    its text table under ``"table"``. A CSV without the schema's columns raises the core's
    :class:`vlmserve.InvalidArgumentError`."""
    report = extract.score(results, ground_truth)
    return {**report.to_dict(), "table": report.table()}


def metrics_of(evaluation: Mapping[str, Any]) -> dict[str, float]:
    """Flat ``{name: number}`` of an evaluation, for KFP ``Metrics.log_metric``."""
    overall = evaluation["overall"]
    out = {
        "accuracy": overall["accuracy"],
        "mean_document_accuracy": overall["mean_document_accuracy"],
        "documents": overall["documents"],
    }
    out.update({f"accuracy_{f}": v["accuracy"] for f, v in evaluation["per_field"].items()})
    return {k: v for k, v in out.items() if v is not None}


def write_json(data: Any, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(json.dumps(data, indent=1, sort_keys=False), encoding="utf-8")


def read_json(path: str | os.PathLike[str]) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))
