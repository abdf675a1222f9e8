"""The run's report: one self-contained HTML page (inline SVG charts, inline CSS) and a
Markdown summary with the same tables.

>>> from vlmserve.pipelines import report
>>> html, md = report.build(evaluations, comparison, discovery)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from vlmserve.pipelines.charts import bar_chart, histogram

__all__ = ["WORST", "Table", "build", "tables"]

WORST = 10
"""How many of the lowest-scoring documents the report lists per model."""

Table = tuple[str, list[str], list[list[str]]]
"""``(title, headers, rows)``: rendered to both HTML and Markdown."""

_CSS = """body{font-family:sans-serif;margin:2em;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 8px}
th{background:#f3f3f3}td.n{text-align:right}h2{border-bottom:1px solid #ddd}
.note{color:#666}"""


def build(
    evaluations: Mapping[str, Mapping[str, Any] | None],
    comparison: Mapping[str, Any],
    discovery: Mapping[str, Any] | None = None,
    *,
    title: str = "Document extraction report",
) -> tuple[str, str]:
    """``(html, markdown)`` of a run.

    ``evaluations`` maps each model to its :func:`vlmserve.pipelines.steps.evaluate`
    result, or ``None`` when no ground truth was given; ``comparison`` is
    :func:`vlmserve.pipelines.compare.aggregate`'s result; ``discovery`` is
    :func:`vlmserve.pipelines.steps.discover_images`' result (its rejected files are listed).
    """
    found = tables(evaluations, comparison, discovery)
    charts = _charts(evaluations, comparison)
    html = [
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>",
        f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>",
    ]
    html += [f"<p class='note'>{escape(line)}</p>" for line in _notes(evaluations, comparison)]
    html += [f"<figure>{svg}</figure>" for svg in charts]
    html += [_html_table(t) for t in found]
    html.append("</body></html>")
    md = [f"# {title}", ""] + [f"_{line}_\n" for line in _notes(evaluations, comparison)]
    md += [_md_table(t) for t in found]
    return "\n".join(html), "\n".join(md)


def _notes(evaluations: Mapping[str, Any], comparison: Mapping[str, Any]) -> list[str]:
    pair, note = comparison["agreement"], comparison["agreement_note"]
    if pair is None:
        notes = [f"Model agreement: {note}."]
    else:
        notes = [
            f"Model agreement, {note}: {_pct(pair['overall'])} of field values agree"
            f" ({_pct(pair['overall_found'])} where either model found a value)."
        ]
    unscored = [m for m, e in evaluations.items() if e is None]
    if unscored:
        notes.append(f"No ground truth given: accuracy not computed for {', '.join(unscored)}.")
    return notes


def _charts(evaluations: Mapping[str, Any], comparison: Mapping[str, Any]) -> list[str]:
    scored = {m: e for m, e in evaluations.items() if e is not None}
    out = []
    if scored:
        fields = list(next(iter(scored.values()))["per_field"])
        series = {m: [e["per_field"][f]["accuracy"] for f in fields] for m, e in scored.items()}
        out.append(bar_chart(fields, series, title="Accuracy per field"))
        overall = {m: [e["overall"]["accuracy"]] for m, e in scored.items()}
        out.append(bar_chart(["overall"], overall, title="Model comparison: overall accuracy"))
    pair = comparison["agreement"]
    if pair is not None:
        fields = list(pair["per_field"])
        share = [pair["per_field"][f]["agreement"] for f in fields]
        out.append(bar_chart(fields, {comparison["agreement_note"]: share}, title="Agreement"))
    times = {m: s["times_ms"] for m, s in comparison["per_model"].items()}
    out.append(histogram(times, title="Processing time per document"))
    return out


def tables(
    evaluations: Mapping[str, Mapping[str, Any] | None],
    comparison: Mapping[str, Any],
    discovery: Mapping[str, Any] | None = None,
) -> list[Table]:
    """The report's tables: models, worst documents per model, rejected and unmatched files."""
    out = [_models_table(evaluations, comparison)]
    for model, evaluation in evaluations.items():
        if evaluation is not None:
            out.append(_worst_table(model, evaluation))
            missing = [(k, d) for k, docs in evaluation["missing"].items() for d in docs]
            if missing:
                rows = [[_name(d), k.replace("_", " ")] for k, d in missing]
                out.append((f"{model}: documents not scored", ["document", "why"], rows))
    if discovery and discovery["rejected"]:
        rows = [[_name(r["path"]), f"{r['type']}: {r['message']}"] for r in discovery["rejected"]]
        out.append(("Images rejected before inference", ["file", "reason"], rows))
    return out


def _models_table(evaluations: Mapping[str, Any], comparison: Mapping[str, Any]) -> Table:
    headers = ["model", "documents", "errors", "good", "partial", "poor", "accuracy"]
    headers += ["mean ms", "median ms", "p95 ms"]
    rows = []
    for model, s in comparison["per_model"].items():
        evaluation = evaluations.get(model)
        accuracy = evaluation["overall"]["accuracy"] if evaluation else None
        q, t = s["quality"], s["timing_ms"]
        rows.append(
            [model, str(s["documents"]), str(s["errors"]), str(q["good"]), str(q["partial"])]
            + [str(q["poor"]), _pct(accuracy)]
            + [_ms(t[k]) for k in ("mean", "median", "p95")]
        )
    return ("Models", headers, rows)


def _worst_table(model: str, evaluation: Mapping[str, Any]) -> Table:
    docs = sorted(evaluation["per_document"].items(), key=lambda kv: kv[1]["accuracy"])
    rows = [
        [_name(d), _pct(s["accuracy"]), f"{s['correct']}/{s['total']}"] for d, s in docs[:WORST]
    ]
    return (f"{model}: worst documents by accuracy", ["image", "accuracy", "fields"], rows)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def _ms(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms:.0f}"


def _html_table(table: Table) -> str:
    title, headers, rows = table
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = (
        "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
        or f"<tr><td colspan='{len(headers)}' class='note'>none</td></tr>"
    )
    return f"<h2>{escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def _cell(text: str) -> str:
    numeric = text[:1].isdigit() or text == "n/a"
    return f"<td{' class=n' if numeric else ''}>{escape(text)}</td>"


def _md_table(table: Table) -> str:
    title, headers, rows = table
    lines = [f"## {title}", "", _md_row(headers), _md_row(["---"] * len(headers))]
    lines += [_md_row(r) for r in rows] or ["_none_"]
    return "\n".join(lines) + "\n"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
