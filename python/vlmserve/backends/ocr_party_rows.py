"""Parties printed as the rows of a table: each row starts with the party's role
("Supplier", "From", "Provider" / "To", "Client", "Recipient"), then its cells (name,
contact, address) side by side, each wrapped over the lines of the row. A word belongs
to the column it starts in, so cells the OCR ran together are told apart, and a cell's
wrapped lines are read together ("Coastal" / "Property Group").

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> def cell(text, x, y):
...     return [Word(w, x + 60 * i, y, x + 60 * i + 50, y + 20) for i, w in enumerate(text.split())]
>>> page = Page.from_words([
...     *cell("From", 10, 10), *cell("Acme", 200, 10), *cell("1 Main St", 500, 10),
...     *cell("Perth WA 6000", 500, 40),
...     *cell("To", 10, 80), *cell("Jo", 200, 80), *cell("2 Side Rd", 500, 80),
...     *cell("Li", 200, 110), *cell("Hobart TAS 7000", 500, 110)])
>>> rows = party_rows(page)
>>> rows["payer"].name.text, rows["payer"].address
('Jo Li', '2 Side Rd, Hobart TAS 7000')
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmserve.backends.ocr_address import assemble
from vlmserve.backends.ocr_layout import Line, Page, Segment, Word
from vlmserve.backends.ocr_text import SUPPLIER_LABELS, address_like, contact_like, is_labelled

__all__ = ["PartyRow", "party_rows"]

SUPPLIER_ROLES = [
    *SUPPLIER_LABELS, "provider", "service provider", "issuer", "contractor", "merchant",
    "payee", "biller",
]  # fmt: skip
PAYER_ROLES = [
    "to", "bill to", "billed to", "invoice to", "invoiced to", "client", "client party",
    "customer", "recipient", "buyer", "payer", "debtor", "sold to", "charge to",
]  # fmt: skip
# Cells right of the role on its line: a name and at least one more (contact, address).
_MIN_CELLS = 2
# Line heights of empty space that end a row's band, and the most lines one may wrap to.
_BAND_GAP = 1.5
_BAND_LINES = 6


@dataclass
class PartyRow:
    """One party's row: its name (wrapped lines joined), its phrases and the text of
    each column (a line of the band each), column by column, top to bottom."""

    role: str
    name: Segment | None
    cells: list[Segment]
    columns: list[list[str]]

    @property
    def address(self) -> str | None:
        """The first column holding an address, its wrapped lines joined."""
        return next(filter(None, map(assemble, self.columns)), None)


@dataclass
class _RoleLine:
    role: str
    line: Line
    name_x: int  # where the first cell after the role starts


def party_rows(page: Page) -> dict[str, PartyRow]:
    """The supplier's and the payer's rows, when the page prints both as rows of one
    table (their roles left-aligned); {} otherwise."""
    found = _role_lines(page)
    if {r.role for r in found} != {"supplier", "payer"}:
        return {}
    columns = _columns(found)
    rows: dict[str, PartyRow] = {}
    for i, role_line in enumerate(found):
        stop = found[i + 1].line.index if i + 1 < len(found) else len(page.lines)
        band = _band(page, role_line.line, stop)
        rows.setdefault(role_line.role, _row(role_line, band, columns))
    return rows


def _role_lines(page: Page) -> list[_RoleLine]:
    """Lines that start with a role label followed by a row of cells, left-aligned with
    the first such line."""
    roles = {**dict.fromkeys(PAYER_ROLES, "payer"), **dict.fromkeys(SUPPLIER_ROLES, "supplier")}
    out: list[_RoleLine] = []
    for label, line, seg, n in page.find_labels(list(roles)):
        if seg is not line.segments[0]:
            continue
        tail = seg.tail(n)
        cells = [*([tail] if tail else []), *line.segments[1:]]
        aligned = not out or abs(seg.x0 - out[0].line.segments[0].x0) <= line.height
        if len(cells) >= _MIN_CELLS and aligned and not is_labelled(cells[0].text):
            out.append(_RoleLine(roles[label], line, cells[0].x0))
    return out


def _columns(found: list[_RoleLine]) -> list[int]:
    """Where the table's cell columns start (the name's first): the cells' left edges on
    the role lines, those within a line height of each other taken as one."""
    edges = sorted(
        {r.name_x for r in found}
        | {s.x0 for r in found for s in r.line.segments if s.x0 > r.name_x}
    )
    tolerance = max(r.line.height for r in found)
    columns: list[int] = []
    for x in edges:
        if not columns or x - columns[-1] > tolerance:
            columns.append(x)
    return columns


def _band(page: Page, first: Line, stop: int) -> list[Line]:
    """The lines a row wraps over: to the next role's line, a gap or a few lines."""
    band = [first]
    for line in page.lines[first.index + 1 : min(stop, first.index + _BAND_LINES)]:
        if line.y0 - band[-1].y1 > _BAND_GAP * line.height:
            break
        band.append(line)
    return band


def _column_of(x: int, columns: list[int], slack: float) -> int:
    """The column a word starting at ``x`` is in (-1: the role's column, left of all)."""
    return max((i for i, start in enumerate(columns) if x >= start - slack), default=-1)


def _row(role_line: _RoleLine, band: list[Line], columns: list[int]) -> PartyRow:
    slack = role_line.line.height
    name: list[Word] = []
    for line in band:
        words = [w for w in line.words if _column_of(w.x0, columns, slack) == 0]
        text = " ".join(w.text for w in words)
        # The name's cell ends where a contact or an address is printed in it.
        if not words or contact_like(text) or address_like(text):
            break
        name += words
    cells = sorted(
        (s for line in band for s in line.segments if s.x1 > columns[0]),
        key=lambda s: (_column_of(s.x0, columns, slack), s.y0),
    )
    texts = [
        [
            text
            for line in band
            if (
                text := " ".join(
                    w.text for w in line.words if _column_of(w.x0, columns, slack) == i
                )
            )
        ]
        for i in range(len(columns))
    ]
    return PartyRow(role_line.role, Segment(name) if name else None, cells, texts)
