"""Field extraction: the schema, the prompt, parsing a VLM's answer, the output record,
and scoring against ground truth.

The schema is data: :meth:`Schema.default` is the 25-field schema shipped in the package
(``vlmserve/schemas/default.json``); :meth:`Schema.from_json` loads another. Parsing,
normalising and scoring run in the Rust core (``vlmserve._core``).

>>> from vlmserve import extract
>>> schema = extract.Schema.default()
>>> len(schema), schema.fields[0]["name"]
(25, 'DOCUMENT_TYPE')
>>> fields = extract.parse("**DOCUMENT_TYPE:** Tax Invoice\\n- TOTAL_AMOUNT: $1,234.5")
>>> fields["DOCUMENT_TYPE"], fields["TOTAL_AMOUNT"], fields["DUE_DATE"]
('INVOICE', '1234.50', None)
>>> extract.normalize("date", "5 March 2025")
'2025-03-05'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from vlmserve import _core
from vlmserve.errors import InvalidArgumentError

__all__ = [
    "GOOD_AT",
    "PARTIAL_AT",
    "Schema",
    "ScoreReport",
    "abn_valid",
    "normalize",
    "parse",
    "record",
    "score",
]

GOOD_AT: float = _core.EXTRACT_GOOD_AT
"""Share of fields found at or above which a record's quality label is ``"good"``."""
PARTIAL_AT: float = _core.EXTRACT_PARTIAL_AT
"""Share at or above which it is ``"partial"``; below, ``"poor"``."""

PathLike = Union[str, "os.PathLike[str]"]
FieldValue = Union[str, list[str], None]


class Schema:
    """An ordered set of fields, each with a ``kind`` that picks its normal form.

    A schema file is JSON: ``{"name": ..., "fields": [{"name", "kind", "description",
    "values", "synonyms", "digits"}]}``. Kinds: ``text``, ``id`` (``"digits": true`` keeps
    digits only), ``enum`` (``values`` and optional ``synonyms``), ``abn``, ``phone``,
    ``email``, ``url``, ``date``, ``date_range``, ``money``, ``number``, ``bsb``, and
    ``list[<kind>]``.

    Examples
    --------
    >>> schema = Schema.from_json('{"fields": [{"name": "TOTAL", "kind": "money"}]}')
    >>> schema.names
    ['TOTAL']
    >>> "TOTAL: " in schema.prompt()
    True
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.Schema) -> None:
        self._core = core

    @classmethod
    def default(cls) -> Schema:
        """The 25-field business-document schema shipped with vlmserve."""
        return cls(_core.Schema.default())

    @classmethod
    def from_json(cls, source: PathLike) -> Schema:
        """A schema from JSON text or the path of a JSON file.

        Raises :class:`vlmserve.InvalidArgumentError` naming what is wrong.
        """
        text = os.fspath(source)
        if not text.lstrip().startswith("{"):
            try:
                text = Path(text).read_text(encoding="utf-8")
            except OSError as err:
                raise InvalidArgumentError(
                    f"cannot read schema file {text!r}: {err}; pass a path or JSON text"
                ) from err
        return cls(_core.Schema.from_json(text))

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def fields(self) -> list[dict[str, Any]]:
        """``[{"name", "kind", "description", "values"}]`` in schema order."""
        return json.loads(self._core.fields_json())

    @property
    def names(self) -> list[str]:
        """The field names in schema order."""
        return [f["name"] for f in self.fields]

    def prompt(self) -> str:
        """The extraction prompt: one ``FIELD: value`` line per field, NOT_FOUND if absent."""
        return self._core.prompt()

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return repr(self._core)


def _schema(schema: Schema | None) -> Schema:
    return Schema.default() if schema is None else schema


def parse(text: str, schema: Schema | None = None) -> dict[str, FieldValue]:
    """The schema's fields read from a model's raw answer, normalised, in schema order.

    Tolerates markdown, bullets, tables, JSON or JSON-ish answers, values on the line after
    their key and keys spelt ``Invoice Number``. A repeated key keeps its first value that is
    not absent. Absent fields (``NOT_FOUND``, ``N/A``, unreadable values) are ``None``; list
    fields are lists of strings.

    Examples
    --------
    >>> parse('{"LINE_ITEM_PRICES": "$5 | 7.5", "DUE_DATE": "05/03/2025"}')["LINE_ITEM_PRICES"]
    ['5.00', '7.50']
    """
    return json.loads(_schema(schema)._core.parse_json(text))


def normalize(kind: str, value: str) -> FieldValue:
    """``value`` in the normal form of ``kind``; ``None`` when absent or not of that kind.

    Examples
    --------
    >>> normalize("money", "(12.5)"), normalize("phone", "+61 2 9999 1234")
    ('-12.50', '0299991234')
    >>> normalize("list[number]", "1 | 2.50"), normalize("abn", "ACN 004 085 616")
    (['1', '2.5'], None)
    """
    return json.loads(_core.extract_normalize(kind, value))


def abn_valid(abn: str) -> bool:
    """True when ``abn`` is 11 digits (no spaces) with a valid ABN checksum.

    >>> abn_valid("51824753556"), abn_valid("51824753557")
    (True, False)
    """
    return _core.extract_abn_valid(abn)


def _error_pair(error: Any) -> tuple[str, str] | None:
    if error is None:
        return None
    if isinstance(error, BaseException):
        return type(error).__name__, str(error)
    if isinstance(error, Mapping):
        return str(error["type"]), str(error["message"])
    kind, message = error
    return str(kind), str(message)


def record(
    document: str,
    raw_text: str = "",
    *,
    model: str = "",
    schema: Schema | None = None,
    timing_ms: Mapping[str, float] | None = None,
    recovery: Sequence[str] = (),
    error: BaseException | Mapping[str, str] | tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON-serialisable output record of one document (DESIGN.md "Output record").

    ``error`` is an exception, ``{"type", "message"}`` or a ``(type, message)`` pair.

    Examples
    --------
    >>> rec = record("a.png", "TOTAL_AMOUNT: $5", model="internvl3", timing_ms={"generate": 12.0})
    >>> rec["fields"]["TOTAL_AMOUNT"], rec["quality"]
    ('5.00', {'fields_found': 1, 'fields_total': 25, 'label': 'poor'})
    >>> record("b.png", error=MemoryError("out of memory"))["error"]
    {'type': 'MemoryError', 'message': 'out of memory'}
    """
    timing = [(str(k), float(v)) for k, v in (timing_ms or {}).items()]
    out = _schema(schema)._core.record_json(
        document, model, raw_text, timing, [str(t) for t in recovery], _error_pair(error)
    )
    return json.loads(out)


class ScoreReport:
    """What :func:`score` found.

    Attributes
    ----------
    overall : dict
        ``accuracy`` (correct field cells / scored cells over matched documents),
        ``correct``, ``total``, ``documents``, ``mean_document_accuracy``.
    per_field : dict
        ``{FIELD: {"kind", "correct", "total", "accuracy", "mean_f1", "similarity"}}``;
        ``mean_f1`` for list fields (``accuracy`` counts F1 == 1), ``similarity`` for text.
    per_document : dict
        ``{document: {"correct", "total", "accuracy"}}`` in truth order.
    similarity : dict
        ``{FIELD: mean similarity}`` for text fields.
    missing : dict
        ``not_in_predictions``, ``not_in_truth`` and ``duplicates`` (names).
    """

    __slots__ = ("_data", "_table")

    def __init__(self, data: dict[str, Any], table: str) -> None:
        self._data = data
        self._table = table

    @property
    def overall(self) -> dict[str, Any]:
        return self._data["overall"]

    @property
    def per_field(self) -> dict[str, dict[str, Any]]:
        return self._data["per_field"]

    @property
    def per_document(self) -> dict[str, dict[str, Any]]:
        return self._data["per_document"]

    @property
    def similarity(self) -> dict[str, float]:
        return self._data["similarity"]

    @property
    def missing(self) -> dict[str, list[str]]:
        return self._data["missing"]

    def to_dict(self) -> dict[str, Any]:
        """The whole report as plain JSON-serialisable data (a copy)."""
        return json.loads(json.dumps(self._data))

    def table(self) -> str:
        """A text table: per-field accuracy, F1 and similarity, then the overall line."""
        return self._table

    def __repr__(self) -> str:
        o = self.overall
        return f"ScoreReport(accuracy={o['accuracy']:.3f}, documents={o['documents']})"


def score(
    predictions: PathLike | Iterable[Mapping[str, Any]],
    truth_csv: PathLike,
    schema: Schema | None = None,
) -> ScoreReport:
    """Scores output records against a ground-truth CSV (FIELDS.md).

    ``predictions`` is a JSONL file of output records or an iterable of record dicts (each
    needs ``document`` and ``fields``). Documents are matched on base name; unmatched ones
    are listed in :attr:`ScoreReport.missing`. A CSV without ``image_file`` or a field's
    column raises :class:`vlmserve.InvalidArgumentError` naming the columns.

    Examples
    --------
    >>> report = score("predictions.jsonl", "truth.csv")  # doctest: +SKIP
    >>> print(report.table())                              # doctest: +SKIP
    """
    core = _schema(schema)._core
    truth = os.fspath(truth_csv)
    if isinstance(predictions, (str, os.PathLike)):
        data, table = _core.extract_score(core, truth, predictions_path=os.fspath(predictions))
    else:
        lines = "\n".join(json.dumps(dict(r)) for r in predictions)
        data, table = _core.extract_score(core, truth, predictions_jsonl=lines)
    return ScoreReport(json.loads(data), table)
