"""The payer's block: the party that is not the issuer, found the way a reader finds it.

A payer label ("Bill To", "Customer", "Name" in a form, ...) either *heads a column* (the
party is stacked under it: "INVOICED TO" over "Lucas Murphy") or *labels a cell* (the
value is right of it: a form's "Name | Isla Campbell"). Which one it is shows under the
label: a value under it means a column, another label (or nothing) means a form's label
column. Unlabelled, the payer is a name over an address that is not the supplier's (a
window envelope).

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_rules import Document
>>> words = [Word("Acme", 10, 10, 90, 50),
...          Word("BILL", 10, 80, 60, 100), Word("TO", 66, 80, 90, 100),
...          Word("SHIP", 400, 80, 450, 100), Word("TO", 456, 80, 480, 100),
...          Word("Jo", 10, 110, 40, 130), Word("Li", 46, 110, 70, 130),
...          Word("Jo", 400, 110, 430, 130), Word("Li", 436, 110, 460, 130)]
>>> [s.text for s in payer_block(Document(Page.from_words(words)))]
['Jo Li']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vlmserve.backends.ocr_address import STREET_TYPE, assemble
from vlmserve.backends.ocr_layout import Line, Segment, label_key
from vlmserve.backends.ocr_party_rows import party_rows
from vlmserve.backends.ocr_table import starts_with_total
from vlmserve.backends.ocr_text import (
    DATE,
    HEADING_NOUNS,
    METHOD_WORDS,
    PAYER_LABELS,
    STATE_POSTCODE,
    TITLE_PHRASE,
    address_like,
    contact_like,
    ends_block,
    plain,
    starts_with_label,
    unlabel,
)

# Nouns that end a payer label ("Member name", "Client party"): its value is beside or
# under it, not in it; and nouns that make it another field's label ("Member number",
# "Statement for period").
_NAME_NOUNS = {"name", "names", "party", "parties"}
_OTHER_FIELD_NOUNS = {"number", "no", "num", "id", "#", "ref", "reference", "code", "period"}

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["payer_block"]


def payer_block(doc: Document) -> list[Segment]:
    """The payer's block: its row in a table of the parties, else labelled ("Bill To" and
    the like), else a name over an address that is not the supplier's."""
    row = party_rows(doc.page).get("payer")
    if row and row.name:
        return [row.name, *row.cells]
    return _labelled_payer(doc) or _unlabelled_payer(doc)


def _labelled_payer(doc: Document) -> list[Segment]:
    """The value of the first payer label (in its phrase, right of it in a form, or
    heading the column under it) and the phrases stacked under that value."""
    for _, line, seg, n in doc.page.find_labels(PAYER_LABELS):
        # "Customer Receipt" is a title and "To pay" a total, not a payer's label.
        rest = seg.tail(n)
        if (rest and TITLE_PHRASE.search(rest.text)) or starts_with_total(seg.text):
            continue
        # "Member number", "Customer No." label an identifier, not the party.
        if rest and _first_key(rest.text) in _OTHER_FIELD_NOUNS:
            continue
        start = _in_phrase(seg, n) or _cell_right(doc, line, seg)
        block = [start] if start else []
        for below_line, below in doc.page.under(line, start or seg, limit=6):
            # The block ends where another field's label starts a phrase in its column
            # or left of it (a label further right belongs to another block).
            if any(ends_block(s.text) for s in below_line.segments if s.x0 <= below.x0):
                break
            block.append(below)
        # "Account Name: <the supplier>" is where to pay, not who pays; "Charged to:
        # Visa" is how.
        if block and _names_party(block[0].text) and not _is_supplier(doc, block[0]):
            return _with_address(doc, block)
    return []


def _first_key(text: str) -> str:
    return (label_key(text).split() or [""])[0]


def _names_party(text: str) -> bool:
    """Whether a label's value may be a party's name: words, not a number, an amount, a
    date, a payment method or another field's label ("Document #")."""
    key = label_key(text)
    return (
        bool(re.search(r"[A-Za-z]{2}", text))
        and "#" not in text
        and not DATE.search(text)
        and not re.search(r"\d\.\d\d\b", text)
        and not any(key == m or key.startswith(f"{m} ") for m in METHOD_WORDS)
    )


def _with_address(doc: Document, block: list[Segment]) -> list[Segment]:
    """A block that is only a name (a remittance slip's "Client: Jo Li") is the payer's
    block printed in full elsewhere when the page prints that name again over an
    address (a window envelope)."""
    if any(address_like(s.text) for s in block):
        return block
    key = label_key(block[0].text)
    for line in doc.page.lines:
        for seg in line.segments:
            if seg is not block[0] and label_key(seg.text) == key:
                details = _stacked_details(doc, line, seg)
                if any(address_like(s.text) for s in details):
                    return [seg, *details]
    return block


def _stacked_details(doc: Document, line: Line, seg: Segment) -> list[Segment]:
    """The address and contact phrases stacked under a party's name (a street's type
    wrapped onto a line of its own among them)."""
    out = []
    for _, below in doc.page.under(line, seg, limit=5):
        text = below.text
        wrapped = STREET_TYPE.search(text) and len(text.split()) <= 2
        if ends_block(text) or not (address_like(text) or contact_like(text) or wrapped):
            break
        out.append(below)
    return out


def _in_phrase(seg: Segment, n: int) -> Segment | None:
    """The words after the label in its own phrase ("Bill To: Jo Li"), unless they only
    say the label heads a block ("Client details") or are punctuation ("Holder(s)")."""
    head = seg.tail(n)
    if head is None or label_key(head.text) in HEADING_NOUNS | _NAME_NOUNS:
        return None
    # "Name of party": the label goes on.
    if _first_key(head.text) == "of":
        return None
    return head if re.search(r"[A-Za-z]{2}", head.text) else None


def _cell_right(doc: Document, line: Line, seg: Segment) -> Segment | None:
    """The phrase right of a label that labels a cell: one whose own column (the phrase
    under it) is not a value. A label with a value under it heads a column, and the phrase
    right of it heads the next column ("BILL TO | SHIP TO")."""
    right = [s for s in line.segments if s.x0 >= seg.x1][:1]
    if not right or starts_with_label(right[0].text) or TITLE_PHRASE.search(right[0].text):
        return None
    under = doc.page.under(line, seg, limit=1)
    if under and under[0][1].x1 <= right[0].x0 and not starts_with_label(under[0][1].text):
        return None
    return right[0]


def _is_supplier(doc: Document, seg: Segment) -> bool:
    """The phrase names the supplier ("Name on account: Acme Pty Ltd")."""
    name = doc.supplier_name
    return name is not None and label_key(name.text) in label_key(unlabel(seg.text))


def _unlabelled_payer(doc: Document) -> list[Segment]:
    """A name over a whole address (street and "Suburb STATE postcode") that is not the
    supplier's: a window-envelope block, wherever the page prints it."""
    taken = {id(s) for s in doc.supplier_address}
    supplier = label_key(doc.supplier_name.text) if doc.supplier_name else None
    for line in doc.page.lines:
        for seg in line.segments:
            if id(seg) in taken or not address_like(seg.text):
                continue
            over = doc.page.above(line, seg)
            if over is None or not plain(over[1].text) or label_key(over[1].text) == supplier:
                continue
            rest = _stacked_details(doc, line, seg)
            whole = assemble([seg.text, *(s.text for s in rest)])
            if whole and STATE_POSTCODE.search(whole):
                return [over[1], seg, *rest]
    return []
