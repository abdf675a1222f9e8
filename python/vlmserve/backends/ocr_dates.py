"""The dates of a document and what each one is: when it was issued, when it falls due,
or the period a statement covers.

A date's role comes from the words that name it, wherever a printer puts them: before it
in its phrase ("Tax point: 02/07/2024"), in the phrase to its left, or in a header cell
over it. Words are read by meaning ("Terms due", "Settle by", "Pay before" all say due),
not matched against one layout's labels.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_rules import Document
>>> words = "Issued: 2/07/2024 Settle by: 9/07/2024".split()
>>> doc = Document(Page.from_words([Word(w, 10 + 90 * i, 10, 80 + 90 * i, 30)
...                                 for i, w in enumerate(words)]))
>>> invoice_date(doc), due_date(doc)
('2/07/2024', '9/07/2024')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vlmserve.backends.ocr_layout import Line, Page, Segment
from vlmserve.backends.ocr_text import DATE
from vlmserve.backends.ocr_values import Labelled, labelled, trailing_label
from vlmserve.extract import normalize

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["dated", "due_date", "invoice_date", "statement_range"]

# Stems that say a date is when payment falls due ("Due", "Payable", "Settle by",
# "Deadline", "Expires"), and the words that make "Pay"/"Payment" say it ("Pay before").
_DUE_STEMS = ("due", "payabl", "settl", "deadlin", "expir", "overdue")
_PAY_WORDS = {"pay", "payment", "remit", "remittance"}
_BY_WORDS = {"by", "before", "until", "on", "within", "required", "expected"}
# Words that say a date bounds a period rather than dating the document.
_PERIOD_WORDS = {
    "period", "from", "to", "covering", "covered", "between", "opening", "closing", "start",
    "starting", "end", "ending", "begin", "beginning", "until", "through", "thru",
}  # fmt: skip
_START_WORDS = {"from", "opening", "start", "starting", "begin", "beginning"}
# What joins the two dates of a span: "1 May 2025 - 31 May 2025", "01/05/25 to 31/05/25".
_JOINER = r"(?:-|\u2013|\u2014|to|until|till|through|thru)"
DATE_SPAN = re.compile(rf"({DATE.pattern})\s*{_JOINER}\s*({DATE.pattern})", re.IGNORECASE)
# A phrase that ends in a date and a joiner: the span goes on in the phrase under it.
_OPEN_SPAN = re.compile(rf"({DATE.pattern})\s*{_JOINER}\s*$", re.IGNORECASE)


def dated(page: Page, lines: list[Line] | None = None) -> list[Labelled]:
    """Every date on ``lines`` (default: the page) with its label, in reading order."""
    return labelled(page, DATE, lines)


def role(label: str) -> str | None:
    """What a date's label says it is: "due", "period", "issue" (any other label) or None.

    >>> role("terms due"), role("pay before"), role("tax point"), role("covering")
    ('due', 'due', 'issue', 'period')
    """
    words = label.split()
    if not words:
        return None
    if any(w.startswith(_DUE_STEMS) for w in words) or (
        _PAY_WORDS & set(words) and _BY_WORDS & set(words)
    ):
        return "due"
    if _PERIOD_WORDS & set(words):
        return "period"
    return "issue"


def invoice_date(doc: Document) -> str | None:
    """The first date labelled as the document's (not due, not a period bound), else the
    first unlabelled one outside the item table."""
    if doc.kind == "BANK_STATEMENT":
        return None  # a statement has a period (and transaction dates), not an issue date
    dates = dated(doc.page, doc.plain_lines())
    for wanted in ("issue", None):
        found = next((d for d in dates if role(d.label) == wanted), None)
        if found:
            return found.text
    return None


def due_date(doc: Document) -> str | None:
    """The first date labelled due that is not before the issue date (a due date never
    is; an earlier one is another field's). A statement has one when it asks for payment
    (a credit card's "Payment due date")."""
    issued = invoice_date(doc)
    floor = normalize("date", issued) if issued else None
    for d in dated(doc.page, doc.plain_lines()):
        iso = d.iso
        if role(d.label) == "due" and iso and not (isinstance(floor, str) and iso < floor):
            return d.text
    return None


def statement_range(doc: Document) -> str | None:
    """A span of two dates in one phrase or carried onto the phrase under it; else a
    start date and an end date labelled apart ("From ..." and "To ..."). On a page that is
    no statement, only a span labelled as a period counts."""
    statement = doc.kind == "BANK_STATEMENT"
    for line in doc.page.lines:
        for seg in line.segments:
            span = _span(doc.page, line, seg)
            label = trailing_label(seg.text.split(span[0])[0]) if span else ""
            if span and (statement or role(label) == "period"):
                return f"{span[0]} to {span[1]}"
    if statement:
        return _bounds(dated(doc.page, doc.plain_lines()))
    return None


def _span(page: Page, line: Line, seg: Segment) -> tuple[str, str] | None:
    whole = DATE_SPAN.search(seg.text)
    if whole:
        return whole.group(1), whole.group(2)
    opened = _OPEN_SPAN.search(seg.text)
    if opened:
        for _, under in page.under(line, seg, 1):
            closing = DATE.match(under.text.strip())
            if closing:
                return opened.group(1), closing.group(0)
    return None


def _bounds(dates: list[Labelled]) -> str | None:
    """A start-labelled date and a later period-labelled one."""
    starts = [d for d in dates if set(d.label.split()) & _START_WORDS and d.iso]
    for start in starts:
        for end in dates:
            if role(end.label) == "period" and end is not start and (end.iso or "") > start.iso:
                return f"{start.text} to {end.text}"
    return None
