"""The parties of a document: who issued it (the supplier: name, ABN, address, phone,
website) and who pays it (the payer: name, address, phone, email).

A party is a *block*: a name with the lines printed under it in its column. The payer's
block is labelled ("Bill To", "Customer", ...) or, unlabelled, a name over an address that
is not the supplier's (a window envelope). The supplier is the party with the ABN: named
after "From", else the most prominent name over or left of its ABN, else the heading's.
Addresses are found by their shape (street number and name, or STATE and postcode), so
whatever is not the payer's is the supplier's, wherever on the page it is printed.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_rules import Document
>>> words = [Word("Acme", 10, 10, 90, 50), Word("Bill", 10, 80, 50, 100),
...          Word("To:", 56, 80, 86, 100), Word("Jo", 10, 110, 40, 130),
...          Word("Li", 46, 110, 70, 130)]
>>> doc = Document(Page.from_words(words))
>>> supplier_name(doc).text
'Acme'
>>> payer_part("name")(doc)
'Jo Li'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from vlmserve.backends.ocr_address import assemble
from vlmserve.backends.ocr_layout import Line, Segment, label_key
from vlmserve.backends.ocr_party_rows import party_rows
from vlmserve.backends.ocr_payer import mend_email
from vlmserve.backends.ocr_payer_labels import role_words_only
from vlmserve.backends.ocr_supplier import supplier_name, web_sites
from vlmserve.backends.ocr_text import (
    ABN_DIGITS,
    ABN_LABELS,
    ADDRESS_LABELS,
    DATE,
    EMAIL,
    PHONE,
    PHONE_LABELS,
    STATE_POSTCODE,
    TITLE_PHRASE,
    abns,
    address_like,
    address_of,
    clip,
    contact_like,
    first,
    is_labelled,
    unlabel,
)  # fmt: skip

# A form's address cell label read into its value's phrase ("Suburb = Perth WA 6000").
_ADDRESS_CELL_LABEL = re.compile(
    r"^(?:(?:postal|street|delivery)\s+)?(?:address|addr|locality|suburb|town|city)\b\W*\s*",
    re.IGNORECASE,
)

# Line heights of empty space that separate two blocks stacked in one column.
_BLOCK_GAP = 1.5

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = [
    "business_abn", "business_address", "business_phone", "payer_email",
    "payer_part", "supplier_address", "supplier_name", "website",
]  # fmt: skip


def supplier_address(doc: Document) -> list[Segment]:
    """Address phrases stacked under the supplier's name (a tagline may sit between)."""
    name = doc.supplier_name
    if name is None:
        return []
    line = next(ln for ln in doc.page.lines if name.words[0] in ln.words)
    out: list[Segment] = []
    last_y1 = name.y1
    for under_line, seg in doc.page.under(line, name, limit=5):
        if seg.x0 >= name.x1:
            continue  # right of the name (a title block's label), not under it
        # A blank line's gap starts another block (a window envelope's under a heading).
        if under_line.y0 - last_y1 > _BLOCK_GAP * under_line.height:
            break
        if address_like(seg.text):
            out.append(seg)
        # A document title ("Everyday Account Statement") ends the issuer's heading: the
        # address under it is the addressee's.
        elif (
            out or is_labelled(seg.text) or contact_like(seg.text) or TITLE_PHRASE.search(seg.text)
        ):
            break
        last_y1 = under_line.y1
    return out


def business_abn(doc: Document) -> str | None:
    labelled = [
        a
        for m in doc.values(ABN_LABELS, accept=lambda t: bool(abns(t)))
        for a in abns(m.value.text)
    ]
    anywhere = [a for s in doc.outside_payer() for a in abns(s.text)]
    return (labelled or anywhere or [None])[0]


def business_address(doc: Document) -> str | None:
    """In the supplier's row of a table of the parties, else after an "Address" label
    outside the payer's block, else under the supplier's name, else the one address on
    the page that is not the payer's."""
    row = party_rows(doc.page).get("supplier")
    if row:
        return row.address
    labelled = doc.values(ADDRESS_LABELS, accept=address_like)
    # An address labelled in the payer's block (a form's "Address" cell) is the payer's.
    labelled = [
        m
        for m in labelled
        if not {id(m.segment), id(m.value)} & doc.payer_lines and not _payer_owns(doc, m.value)
    ]
    if labelled:
        value = labelled[0].value
        more = [address_of(s.text) for _, s in doc.page.under(_line_of(doc, value), value, 2)]
        return ", ".join([clip(value.text), *filter(None, more)])
    under_name = ", ".join(filter(None, (address_of(s.text) for s in doc.supplier_address)))
    if under_name:
        return under_name
    others = [a for seg, a in _addresses(doc, skip=doc.payer_lines) if not _payer_owns(doc, seg)]
    return others[0] if len(others) == 1 else None


def _line_of(doc: Document, seg: Segment) -> Line:
    return next(line for line in doc.page.lines if seg.words[0] in line.words)


def _payer_owns(doc: Document, seg: Segment) -> bool:
    """Whether the party printed nearest above ``seg`` (in any column: a key/value grid
    puts a party's cells side by side) is the payer: its block or its name printed
    again. An address belongs to the name it is filed under, wherever on the page."""
    payer = [s for s in doc.payer_block if not address_like(s.text)][:1]
    if not payer:
        return False

    here = _line_of(doc, seg).index

    def nearest(names: list[Segment]) -> tuple[int, int] | None:
        """The closest line (on or above ``seg``'s) with one of ``names``, then the
        closest column."""
        keys = {label_key(unlabel(n.text)) for n in names}
        tops = [
            (line.index, -abs(s.x0 - seg.x0))
            for line in doc.page.lines[: here + 1]
            for s in line.segments
            if any(s is n for n in names) or label_key(s.text) in keys
        ]
        return max(tops, default=None)

    supplier = nearest([doc.supplier_name] if doc.supplier_name else [])
    mine = nearest(payer)
    return mine is not None and (supplier is None or mine > supplier)


def _addresses(doc: Document, skip: set[int]) -> Iterator[tuple[Segment, str]]:
    """Whole addresses outside ``skip`` and the item table, with their first phrase: a
    street phrase with the locality phrase stacked under it joined into one ("1 Main St"
    / "Perth WA 6000")."""
    used: set[int] = set(skip)
    for line in doc.plain_lines():
        for seg in line.segments:
            found = address_of(seg.text) if id(seg) not in used else None
            if found is None:
                continue
            used.add(id(seg))
            parts = [found]
            if not STATE_POSTCODE.search(found):
                for _, under in doc.page.under(line, seg, limit=1):
                    more = address_of(under.text)
                    if more and STATE_POSTCODE.search(more) and id(under) not in used:
                        parts.append(more)
                        used.add(id(under))
            yield seg, ", ".join(parts)


def _phone_in(segments: Sequence[Segment]) -> str | None:
    for seg in segments:
        text = re.sub(r"(?i)\bfax\b.*", "", seg.text)
        # An ABN's digits hold phone-like runs ("27 001 242 437"), and so do dates
        # ("08 01 2026"): both are taken out, the phone beside them stays.
        text = ABN_DIGITS.sub(lambda m: " " if abns(m.group(0)) else m.group(0), text)
        found = first(PHONE, DATE.sub(" ", text))
        if found and not abns(found):
            return found
    return None


def business_phone(doc: Document) -> str | None:
    """A labelled phone outside the payer's block, else one in the heading, else any phone
    outside the payer's block (a footer's "Call us 13 22 21")."""
    labelled = doc.values(PHONE_LABELS, accept=lambda t: bool(PHONE.search(t)))
    labelled = [
        m.value
        for m in labelled
        if id(m.value) not in doc.payer_lines and id(m.segment) not in doc.payer_lines
    ]
    return (
        _phone_in(labelled)
        or _phone_in(doc.outside_payer(doc.heading))
        or _phone_in([s for ln in doc.plain_lines() for s in doc.outside_payer([ln])])
    )


def website(doc: Document) -> str | None:
    sites = (site for seg in doc.outside_payer() for site in web_sites(seg.text))
    return next(sites, None)


def payer_part(kind: str) -> Callable[[Document], str | None]:
    """A part of the payer block: its name (first plain line), address, phone or email."""

    def rule(doc: Document) -> str | None:
        # A form's leader or dash read as text is no part of the value ("_ Jo Li").
        block = [re.sub(r"^[\W_]+", "", clip(_unrole(unlabel(s.text)))) for s in doc.payer_block]
        if kind == "name":
            names = [t for t in block if not contact_like(t) and not address_like(t)]
            return names[0] if names else None
        if kind == "address":
            row = party_rows(doc.page).get("payer")
            cells = [_ADDRESS_CELL_LABEL.sub("", t) for t in block[1:]]
            return (row and row.address) or assemble(cells) or _filed_under_payer(doc)
        if kind == "phone":
            return _phone_in(doc.payer_block)
        return _email_in(doc.payer_block)

    return rule


def _unrole(text: str) -> str:
    """The text after a leading label made of role words ("Patient Name: Jo Li",
    "Client: Jo Li"): the role a page names its payer by is no part of the name."""
    head, colon, rest = text.partition(":")
    return rest.strip() if colon and rest.strip() and role_words_only(head) else text


def _filed_under_payer(doc: Document) -> str | None:
    """An address outside the payer's block that is filed under the payer (a grid's
    "Address" cell, the payer's name over its address elsewhere on the page)."""
    taken = {id(s) for s in doc.supplier_address} | doc.payer_lines
    for seg, address in _addresses(doc, skip=taken):
        if _payer_owns(doc, seg):
            return address
    return None


def _email_in(segments: Sequence[Segment]) -> str | None:
    emails = [first(EMAIL, mend_email(s.text)) for s in segments]
    return next((e for e in emails if e), None)


def payer_email(doc: Document) -> str | None:
    """In the payer's block, else an email outside the heading that is not at the
    supplier's web domain."""
    in_block = payer_part("email")(doc)
    if in_block:
        return in_block
    site = (website(doc) or "").lower().removeprefix("www.")
    for seg in doc.outside_payer():
        found = first(EMAIL, mend_email(seg.text))
        if found and not (site and found.lower().endswith(site.split("/")[0])):
            in_heading = any(seg in line.segments for line in doc.heading)
            if not in_heading:
                return found
    return None
