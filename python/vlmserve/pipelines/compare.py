"""Comparing the models of one run: quality labels, processing time, and how often two
models give the same (normalised) value for a field.

Records carry normal forms already (the core normalises while parsing), so two values
agree when they are equal.

>>> a = [{"document": "x.png", "fields": {"TOTAL": "5.00", "GST": None},
...       "quality": {"label": "poor"}, "timing_ms": {"total": 12.0}, "error": None}]
>>> b = [{**a[0], "fields": {"TOTAL": "5.00", "GST": "0.50"}}]
>>> out = aggregate({"internvl3": a, "llama_vision": b})
>>> out["agreement"]["overall"], out["agreement"]["per_field"]["GST"]["agreement"]
(0.5, 0.0)
>>> aggregate({"internvl3": a})["agreement"]
>>> aggregate({"internvl3": a})["agreement_note"]
'not applicable: only internvl3 ran (agreement compares two models)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["QUALITY_LABELS", "aggregate", "agreement", "metrics_of", "timing_stats", "total_ms"]

QUALITY_LABELS = ("good", "partial", "poor", "error")

Record = Mapping[str, Any]


def aggregate(results: Mapping[str, Sequence[Record]]) -> dict[str, Any]:
    """Per-model summaries and, for exactly two models, their agreement.

    Returns ``{"models", "per_model": {model: {"documents", "errors", "quality",
    "timing_ms", "times_ms"}}, "agreement": dict | None, "agreement_note": str}``.
    """
    models = list(results)
    per_model = {m: _summary(results[m]) for m in models}
    if len(models) == 2:
        pair = agreement(results[models[0]], results[models[1]])
        note = f"{models[0]} vs {models[1]}"
    else:
        pair = None
        ran = f"only {models[0]} ran" if len(models) == 1 else f"{len(models)} models ran"
        note = f"not applicable: {ran} (agreement compares two models)"
    return {"models": models, "per_model": per_model, "agreement": pair, "agreement_note": note}


def metrics_of(summary: Mapping[str, Any]) -> dict[str, float]:
    """Flat ``{name: number}`` of :func:`aggregate`'s result, for KFP ``Metrics``; values
    that do not apply (no agreement with one model, no timings) are left out, not zeroed."""
    out: dict[str, float] = {}
    for model, s in summary["per_model"].items():
        out[f"{model}_documents"] = s["documents"]
        out.update({f"{model}_{label}": n for label, n in s["quality"].items()})
        out.update({f"{model}_{k}_ms": v for k, v in s["timing_ms"].items() if k != "count"})
    if summary["agreement"] is not None:
        out["agreement"] = summary["agreement"]["overall"]
        out["agreement_found"] = summary["agreement"]["overall_found"]
    return {k: v for k, v in out.items() if v is not None}


def _summary(records: Sequence[Record]) -> dict[str, Any]:
    quality = dict.fromkeys(QUALITY_LABELS, 0)
    for rec in records:
        quality["error" if rec.get("error") else rec["quality"]["label"]] += 1
    times = [total_ms(r) for r in records if not r.get("error")]
    return {
        "documents": len(records),
        "errors": quality["error"],
        "quality": quality,
        "timing_ms": timing_stats(times),
        "times_ms": times,
    }


def total_ms(record: Record) -> float:
    """A record's processing time: its ``total`` timing, else the sum of its stages."""
    timing = record.get("timing_ms") or {}
    return float(timing["total"]) if "total" in timing else float(sum(timing.values()))


def timing_stats(times_ms: Sequence[float]) -> dict[str, float | None]:
    """``{"count", "mean", "median", "p95", "max"}``; ``None`` values when there are none.

    >>> timing_stats([10.0, 20.0, 30.0])["median"]
    20.0
    """
    if not times_ms:
        return {"count": 0, "mean": None, "median": None, "p95": None, "max": None}
    t = np.asarray(times_ms, dtype=np.float64)
    return {
        "count": int(t.size),
        "mean": float(t.mean()),
        "median": float(np.median(t)),
        "p95": float(np.percentile(t, 95)),
        "max": float(t.max()),
    }


def agreement(a: Sequence[Record], b: Sequence[Record]) -> dict[str, Any]:
    """How often two models' records of the same documents hold equal field values.

    Documents are matched on ``document``; those missing from one side or failed on
    either are listed under ``not_compared``. ``overall`` counts every field cell (both
    absent agrees); ``overall_found`` only cells where at least one model found a value.
    """
    by_doc = {r["document"]: r for r in b}
    per_doc: dict[str, dict[str, Any]] = {}
    per_field: dict[str, list[int]] = {}
    found = [0, 0]
    not_compared = []
    for rec in a:
        other = by_doc.get(rec["document"])
        if other is None or rec.get("error") or other.get("error"):
            not_compared.append(rec["document"])
            continue
        agreed = 0
        for field, value in rec["fields"].items():
            same = value == other["fields"].get(field)
            agreed += same
            tally = per_field.setdefault(field, [0, 0])
            tally[0] += same
            tally[1] += 1
            if value is not None or other["fields"].get(field) is not None:
                found[0] += same
                found[1] += 1
        per_doc[rec["document"]] = _share(agreed, len(rec["fields"]))
    seen = {r["document"] for r in a}
    not_compared += [d for d in by_doc if d not in seen]
    cells = [sum(t[i] for t in per_field.values()) for i in (0, 1)]
    return {
        "overall": _share(*cells)["agreement"],
        "overall_found": _share(*found)["agreement"],
        "per_field": {f: _share(*t) for f, t in per_field.items()},
        "per_document": per_doc,
        "not_compared": not_compared,
    }


def _share(agreed: int, compared: int) -> dict[str, Any]:
    return {
        "agreed": agreed,
        "compared": compared,
        "agreement": agreed / compared if compared else None,
    }
