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
from vlmserve.backends.ocr_payer_labels import (
    NAME_NOUNS,
    form_rows,
    names_role,
    payer_labels,
    role_words_only,
)
from vlmserve.backends.ocr_table import starts_with_total
from vlmserve.backends.ocr_text import (
    DATE,
    HEADING_NOUNS,
    ID_WORDS,
    METHOD_WORDS,
    STATE_POSTCODE,
    TITLE_PHRASE,
    abns,
    address_like,
    clip,
    contact_like,
    ends_block,
    plain,
    starts_with_label,
    unlabel,
)

# Nouns that make a payer label another field's label ("Member number", "Statement for
# period").
_OTHER_FIELD_NOUNS = ID_WORDS | {"code", "period"}
# Nouns a role word only qualifies ("Customer copy" of a card slip, "Client signature",
# "Customer service"): the phrase is a compound noun, not a label and its value.
_QUALIFIED_NOUNS = {
    "copy", "copies", "signature", "signed", "service", "services", "care", "support",
    "declaration", "acknowledgement", "feedback", "satisfaction", "portal", "login",
    "payment", "payments", "deposit", "refund",
}  # fmt: skip
# A column header offering two roles ("Payee / payer", "To or from"), not a label.
_ALTERNATIVES = re.compile(r"^[\w-]+\s*(?:/|\bor\b)\s*[\w-]+$", re.IGNORECASE)
# A name too short to tell apart ("Jo") is never matched against the ABN holder's; the
# lines walked up from an ABN to the top of its block.
_MIN_NAME_CHARS = 4
_ABN_BLOCK_LINES = 6

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["mend_email", "payer_block"]

# OCR sets an e-mail's "@" apart now and then ("office @acme.com.au"), and the word after
# a dot in its local part ("ruby. wilson@bigpond.com").
_AT_GAP = re.compile(r"\s*@\s*")
_DOT_GAP = re.compile(r"(?<=\w)\.\s+(?=[\w.+-]+@)")


def mend_email(text: str) -> str:
    """The text with an e-mail address the OCR split put back together.

    >>> mend_email("Em: ruby. wilson @bigpond.com")
    'Em: ruby.wilson@bigpond.com'
    """
    return _DOT_GAP.sub(".", _AT_GAP.sub("@", text))


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
    for line, seg, n in payer_labels(doc.page):
        # "Customer Receipt" is a title and "To pay" a total, not a payer's label.
        rest = seg.tail(n)
        if (rest and TITLE_PHRASE.search(rest.text)) or starts_with_total(seg.text):
            continue
        # "Payee / payer", "From or to": a column of either party of each transaction.
        if _ALTERNATIVES.match(seg.text):
            continue
        # "Member number", "Customer No." label an identifier, not the party; "Name of
        # Bank" names a bank, "Name of party" the party.
        if rest and set(label_key(rest.text).split()[:2]) & _OTHER_FIELD_NOUNS:
            continue  # "Customer account no"
        if rest and _first_key(rest.text) in _QUALIFIED_NOUNS:
            continue
        if rest and _first_key(rest.text) == "of" and not names_role(rest.text):
            continue
        in_phrase = _in_phrase(seg, n)
        start = in_phrase or _cell_right(doc, line, seg)
        # A form's cell: the party's other cells are the rows under it ("Postal address",
        # "Locality", "Mobile"), each labelled in the label's column.
        rows = form_rows(doc.page, line, seg, start) if start and not in_phrase else []
        block = [start, *rows] if start else []
        for below_line, below in [] if rows else doc.page.under(line, start or seg, limit=6):
            # The block ends where another field's label starts a phrase in its column
            # or left of it (a label further right belongs to another block).
            if any(ends_block(s.text) for s in below_line.segments if s.x0 <= below.x0):
                break
            block.append(below)
        # "Account Name: <the supplier>" is where to pay, not who pays; "Charged to:
        # Visa" is how.
        if block and _names_party(block[0].text) and not _is_supplier(doc, block[0], block):
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
        and not role_words_only(text)
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
    # The name as printed again, one OCR slip apart or not ("lronbark Constructions").
    for _, line, seg, n in doc.page.find_labels([clip(block[0].text)]):
        if seg is not block[0] and n == len(seg.words):
            details = _stacked_details(doc, line, seg)
            if any(address_like(s.text) for s in details):
                return [block[0], *details]
    return block


def _stacked_details(doc: Document, line: Line, seg: Segment) -> list[Segment]:
    """The address and contact phrases stacked under a party's name (a street's type
    wrapped onto a line of its own among them)."""
    out = []
    for _, below in doc.page.under(line, seg, limit=5):
        text = mend_email(below.text)
        wrapped = STREET_TYPE.search(text) and len(text.split()) <= 2
        if ends_block(text) or not (address_like(text) or contact_like(text) or wrapped):
            break
        out.append(below)
    return out


def _in_phrase(seg: Segment, n: int) -> Segment | None:
    """The words after the label in its own phrase ("Bill To: Jo Li"), unless they only
    say the label heads a block ("Client details") or are punctuation ("Holder(s)")."""
    head = seg.tail(n)
    # "Customer - Sold to", "Sold to account": the label goes on.
    if head is None or label_key(head.text) in HEADING_NOUNS | NAME_NOUNS:
        return None
    if role_words_only(head.text):
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


def _is_supplier(doc: Document, seg: Segment, block: list[Segment]) -> bool:
    """The phrase names the supplier ("Name on account: Acme Pty Ltd"): the name found as
    the supplier's, or one printed elsewhere with an ABN (the payer's block may print the
    payer's own)."""
    name = doc.supplier_name
    key = label_key(unlabel(seg.text))
    if name is not None and label_key(name.text) in key:
        return True
    return _holds_abn(doc, key, skip={id(s) for s in block})


def _holds_abn(doc: Document, key: str, skip: set[int]) -> bool:
    """Whether a party named ``key`` is printed with an ABN outside ``skip``: in the ABN's
    phrase ("Acme Pty Ltd - ABN 51 ..."), the phrase left of it, or heading the block
    stacked over it."""
    if len(key) < _MIN_NAME_CHARS:
        return False
    for line in doc.page.lines:
        for i, seg in enumerate(line.segments):
            if id(seg) in skip or not abns(seg.text):
                continue
            left = line.segments[i - 1 : i] if i else []
            if key in label_key(seg.text) or any(label_key(s.text) == key for s in left):
                return True
            over = doc.page.above(line, seg)
            for _ in range(_ABN_BLOCK_LINES):
                if over is None or id(over[1]) in skip:
                    break
                if label_key(unlabel(over[1].text)) == key:
                    return True
                over = doc.page.above(*over)
    return False


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
            block = [over[1], seg, *rest]
            # A block with an ABN, or whose name is printed with one, is the issuer's.
            if any(abns(s.text) for s in block) or _holds_abn(doc, label_key(over[1].text), set()):
                continue
            if whole and STATE_POSTCODE.search(whole):
                return block
    return []
