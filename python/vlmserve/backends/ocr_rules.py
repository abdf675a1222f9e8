"""Layout rules: the fields of a business document read off an OCR'd :class:`Page`.

Values come from label synonyms (matched fuzzily) and the value right of or under them,
from patterns (:mod:`~vlmserve.backends.ocr_text`), from the blocks of the page the
parties are printed in (:mod:`~vlmserve.backends.ocr_parties`), the payment details
(:mod:`~vlmserve.backends.ocr_bank`) and the money (:mod:`~vlmserve.backends.ocr_table`).
This module assembles them into fields. Values are returned as printed; the core
normalises them when the answer is parsed (:func:`vlmserve.extract.parse`).

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> page = Page.from_words([Word("Total", 10, 10, 60, 30), Word("$12.50", 300, 10, 370, 30)])
>>> answer(page, ["TOTAL_AMOUNT", "DUE_DATE"])
'TOTAL_AMOUNT: $12.50\\nDUE_DATE: NOT_FOUND'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from vlmserve.backends import ocr_balance, ocr_bank, ocr_dates, ocr_parties, ocr_payer
from vlmserve.backends.ocr_doctype import carries_balance, records_payment
from vlmserve.backends.ocr_items import Table, items
from vlmserve.backends.ocr_layout import Line, Match, Page, Segment, label_key
from vlmserve.backends.ocr_table import starts_with_total, totals
from vlmserve.backends.ocr_text import (
    DATE,
    DUE_LABELS,
    EMAIL,
    ID_WORDS,
    NUMBER_LABELS,
    PAYER_LABELS,
    PHONE,
    STATE_POSTCODE,
    TITLES,
    WEB,
    abns,
    clip,
    contact_like,
    first,
    is_labelled,
)  # fmt: skip
from vlmserve.backends.ocr_values import labelled

__all__ = ["RULES", "Document", "answer"]


@dataclass
class Document:
    """A page and the blocks the rules share (each computed once, on first use)."""

    page: Page

    @cached_property
    def payer_block(self) -> list[Segment]:
        return ocr_payer.payer_block(self)

    @cached_property
    def payer_lines(self) -> set[int]:
        """The payer block's phrases, by identity."""
        return {id(s) for s in self.payer_block}

    @cached_property
    def supplier_name(self) -> Segment | None:
        return ocr_parties.supplier_name(self)

    @cached_property
    def supplier_address(self) -> list[Segment]:
        return ocr_parties.supplier_address(self)

    @cached_property
    def kind(self) -> str | None:
        return _document_type(self)

    @cached_property
    def is_statement(self) -> bool:
        """Titled a statement, or untitled with a balance carried: a closing balance, or
        transactions that move a running balance (content, not title: whether the parties
        are read as a bank and its customer hangs on it)."""
        titled = _title_kind(self.page)
        carried = "closing" in self.totals or carries_balance(self.page)
        return titled == "BANK_STATEMENT" or (titled is None and carried)

    @cached_property
    def table(self) -> Table:
        return items(
            self.page,
            is_stop=starts_with_total,
            is_other=lambda t: is_labelled(t) or bool(DATE.search(t)) or contact_like(t),
        )

    @cached_property
    def totals(self) -> dict[str, str]:
        return totals(self.page, after=self.table.lines.stop)

    def plain_lines(self) -> list[Line]:
        """The lines outside the item table."""
        return [line for line in self.page.lines if line.index not in self.table.lines]

    @cached_property
    def heading(self) -> list[Line]:
        """The supplier's heading: lines above the payer block, the item table or totals,
        and within the top third of the page."""
        limit = self.page.height / 3 if self.page.height else float("inf")
        # Where the first payer label sits (not the block: that needs the supplier's name).
        stops = [line.y0 for _, line, _, _ in self.page.find_labels(PAYER_LABELS)][:1]
        if self.table.lines:
            limit = min(limit, self.page.lines[self.table.lines[0]].y0)
        out = []
        for line in self.page.lines:
            if line.y0 > limit or (stops and line.y0 >= stops[0] - line.height):
                break
            out.append(line)
        return out or self.page.lines[:8]

    def values(
        self, labels: Sequence[str], accept: Callable[[str], bool] = bool, below: bool = True
    ) -> list[Match]:
        """The page's values for ``labels`` (see :meth:`Page.values_of`), never another
        field's label."""
        return self.page.values_of(labels, accept, below, other_label=is_labelled)

    def outside_payer(self, lines: Sequence[Line] | None = None) -> list[Segment]:
        return [
            s
            for line in (lines or self.page.lines)
            for s in line.segments
            if id(s) not in self.payer_lines
        ]


def _title_kind(page: Page) -> str | None:
    """The kind named by the page's most prominent title phrase, if it has one."""
    best: tuple[float, str] | None = None
    for line in page.lines:
        for seg in line.segments:
            words = label_key(seg.text).split()
            kinds = [TITLES[w] for w in words if w in TITLES]
            # A title has no value (digits) or "Label:" in its phrase.
            if kinds and len(words) <= 7 and not re.search(r"[\d:#]", seg.text):
                size = seg.size - line.index * 0.01  # the tallest, then the topmost
                if best is None or size > best[0]:
                    best = (size, kinds[0])
    return best[1] if best else None


def _document_type(doc: Document) -> str | None:
    """The title's kind, else what the content says: a balance carried is a statement's,
    a payment recorded with nothing owed a receipt's, a payer to bill, a due date or an
    invoice number an invoice's, a bare total a receipt's."""
    if doc.is_statement:
        return "BANK_STATEMENT"
    kind = _title_kind(doc.page)
    if kind != "BANK_STATEMENT" and records_payment(doc.page):
        return "RECEIPT"
    billed = bool(doc.payer_block) or bool(_labelled(DUE_LABELS, DATE)(doc))
    if kind is None:
        said = {w for line in doc.page.lines for w in label_key(line.text).split()}
        if billed or "invoice" in said:
            return "INVOICE"
        return "RECEIPT" if "total" in doc.totals else None
    # A till docket titled "Tax Invoice" is a receipt: paid on the spot, so it has no
    # payer to bill and no due date.
    if kind == "INVOICE" and not billed:
        return "RECEIPT"
    return kind


def _labelled(
    labels: list[str], pattern: re.Pattern[str] | None, text: bool = False
) -> Callable[[Document], str | None]:
    """The value after the first of ``labels`` that matches ``pattern`` (or any text)."""

    def accept(value: str) -> bool:
        return bool(pattern.search(value)) if pattern else bool(value) and not is_labelled(value)

    def rule(doc: Document) -> str | None:
        for m in doc.values(labels, accept=accept):
            return (
                clip(m.value.text)
                if text
                else first(pattern, m.value.text)
                if pattern
                else clip(m.value.text)
            )
        return None

    return rule


# An amount is no document's number ("Invoice total  $353.74").
MONEY_VALUE = re.compile(r"^\$?\d[\d,]*\.\d{2}$")
ID = re.compile(r"(?<![\w/])(?=[A-Z0-9/#-]*\d)[A-Z0-9][A-Z0-9/#-]*[A-Z0-9]\b|\b\d\b", re.IGNORECASE)


def _invoice_number(doc: Document) -> str | None:
    """After a number label; else an id whose label names a document's number anywhere
    ("Document #: A92846 = ...", a "Document #" header cell). A statement has none."""
    if doc.kind == "BANK_STATEMENT":
        return None
    for m in sorted(doc.values(NUMBER_LABELS, accept=_id_shaped), key=_by_noun):
        # A noun alone is a title ("TAX INVOICE - RECEIPT") unless its number is run into
        # it or right of it: what is under a title is another field.
        if set(m.label.split()) & _NUMBER_WORDS or m.value.y0 < m.line.y1:
            return first(ID, clip(m.value.text))
    for v in labelled(doc.page, ID):
        words = set(v.label.split())
        if words & _DOCUMENT_NOUNS and words & _NUMBER_WORDS and not DATE.search(v.text):
            return v.text
    return None


def _by_noun(m: Match) -> int:
    """Labels equally specific, the document's own number first ("Tax Inv. No."), then
    an order's or a docket's it fills ("Order #"), then a bare "No." (a column's)."""
    words = set(m.label.split())
    return 2 if words <= _NUMBER_WORDS else int(bool(words & _SECONDARY_NOUNS))


def _id_shaped(text: str) -> bool:
    """A phrase that may be a document's number: an id, not a value of another kind
    (a date, an ABN, an e-mail or web address, a phone printed in groups, an address's
    postcode: "Melbourne VIC 3000" printed right of a label whose number is stacked under
    it). One token like "131937" is an id even if it could be dialled."""
    value = clip(text)
    grouped_phone = any(" " in m.group(0).strip() for m in PHONE.finditer(value))
    return bool(ID.search(value)) and not (
        MONEY_VALUE.match(value)
        or DATE.search(value)
        or abns(value)
        or EMAIL.search(value)
        or WEB.search(value)
        or grouped_phone
        or STATE_POSTCODE.search(value)
    )


# A document's number is labelled by what it numbers and a word that says "number".
_DOCUMENT_NOUNS = {
    "invoice", "inv", "document", "doc", "receipt", "bill", "docket", "tax", "ticket",
    "transaction", "trans", "txn", "sale", "folio", "voucher",
}  # fmt: skip
_NUMBER_WORDS = ID_WORDS | {"nbr"}
_SECONDARY_NOUNS = {"order", "docket"}


def _items(part: int) -> Callable[[Document], list[str] | None]:
    def rule(doc: Document) -> list[str] | None:
        if doc.kind == "BANK_STATEMENT":
            return None  # its transactions are not items
        column = [row[part] for row in doc.table.rows]
        return column if any(column) else None

    return rule


def _total(kind: str) -> Callable[[Document], str | None]:
    def rule(doc: Document) -> str | None:
        # A statement's "Total Credits" is no invoice total; its balance is its only sum.
        if doc.kind == "BANK_STATEMENT":
            return None
        return doc.totals.get(kind)

    return rule


_log = logging.getLogger(__name__)

RULES: dict[str, Callable[[Document], str | list[str] | None]] = {
    "DOCUMENT_TYPE": _document_type,
    "SUPPLIER_NAME": lambda doc: doc.supplier_name and clip(doc.supplier_name.text),
    "BUSINESS_ABN": ocr_parties.business_abn,
    "BUSINESS_ADDRESS": ocr_parties.business_address,
    "BUSINESS_PHONE": ocr_parties.business_phone,
    "SUPPLIER_WEBSITE": ocr_parties.website,
    "PAYER_NAME": ocr_parties.payer_part("name"),
    "PAYER_ADDRESS": ocr_parties.payer_part("address"),
    "PAYER_PHONE": ocr_parties.payer_part("phone"),
    "PAYER_EMAIL": ocr_parties.payer_email,
    "INVOICE_NUMBER": _invoice_number,
    "INVOICE_DATE": ocr_dates.invoice_date,
    "DUE_DATE": ocr_dates.due_date,
    "LINE_ITEM_DESCRIPTIONS": _items(0),
    "LINE_ITEM_QUANTITIES": _items(1),
    "LINE_ITEM_PRICES": _items(2),
    "SUBTOTAL_AMOUNT": _total("subtotal"),
    "GST_AMOUNT": _total("gst"),
    "TOTAL_AMOUNT": _total("total"),
    "PAYMENT_METHOD": ocr_bank.payment_method,
    "BANK_NAME": ocr_bank.bank_name,
    "BANK_BSB_NUMBER": ocr_bank.bsb,
    "BANK_ACCOUNT_NUMBER": ocr_bank.account_number,
    "STATEMENT_DATE_RANGE": ocr_dates.statement_range,
    "CLOSING_BALANCE": ocr_balance.closing_balance,
}
"""The rule that reads each field of the default schema; other fields are NOT_FOUND."""


def answer(page: Page, names: Sequence[str]) -> str:
    """The ``FIELD: value`` text for ``names`` (``NOT_FOUND`` when absent, lists
    ``|``-separated), as a VLM prompted with the schema would answer."""
    doc = Document(page)
    out = []
    for name in names:
        value = _read(doc, name)
        if isinstance(value, list):
            value = " | ".join(v or "NOT_FOUND" for v in value)
        out.append(f"{name}: {value or 'NOT_FOUND'}")
    return "\n".join(out)


def _read(doc: Document, name: str) -> str | list[str] | None:
    """One field's value. A rule that trips on a page no rule foresaw loses its field, not
    the page's other fields (the fault is logged with its trace)."""
    rule = RULES.get(name)
    try:
        return rule(doc) if rule else None
    except Exception:
        _log.warning("the %s rule failed on this page; it reads NOT_FOUND", name, exc_info=True)
        return None
