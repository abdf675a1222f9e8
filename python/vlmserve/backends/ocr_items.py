"""Line items on an OCR'd page, read by arithmetic rather than by column headings.

The item rows are the lines between a header row (or, with none, the first line of a run
of priced lines) and the first totals line. In each row the numbers are told apart by
what they satisfy, not where they stand: quantity x unit price = line amount. So columns
may come in any order, with extra columns (an item code, GST per row), and till-style
rows read the same ("2 x Flat White  9.00", "Flat White  2 @ 4.50  9.00", a description
over its "2 x $4.50  $9.00" line). A row with one amount and a quantity is told to be a
line total or a unit price by which of the two sums makes the subtotal.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> row = [Word("A12", 10, 10, 50, 30), Word("Tap", 200, 10, 250, 30),
...        Word("$9.00", 500, 10, 560, 30), Word("2", 700, 10, 712, 30),
...        Word("$18.00", 900, 10, 970, 30), Word("Total", 10, 50, 80, 70),
...        Word("$18.00", 900, 50, 970, 70)]
>>> items(Page.from_words(row), lambda t: t.startswith("Total"), lambda t: False).rows
[('Tap', '2', '9.00')]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from vlmserve.backends.ocr_layout import Line, Page, label_key
from vlmserve.backends.ocr_rows import (
    CENT,
    MONEY,
    Row,
    cents,
    description,
    item,
    line_amount,
    parse,
    quantity,
    solve,
)

__all__ = ["HEADER_WORDS", "Table", "items"]

HEADER_WORDS = {
    "description": "desc", "item": "desc", "items": "desc", "details": "desc",
    "product": "desc", "service": "desc", "services": "desc", "particulars": "desc",
    "activity": "desc", "goods": "desc", "procedure": "desc", "treatment": "desc",
    "work": "desc", "task": "desc", "material": "desc", "materials": "desc",
    "article": "desc", "code": "code", "sku": "code", "#": "code", "stock": "code",
    "part": "code", "uom": "code",
    "qty": "qty", "quantity": "qty", "units": "qty", "hours": "qty", "hrs": "qty",
    "count": "qty", "ordered": "qty", "supplied": "qty", "shipped": "qty",
    "price": "price", "rate": "price", "each": "price", "unit": "price", "cost": "price",
    "fee": "price", "ex": "price",
    "amount": "amount", "total": "amount", "value": "amount", "ext": "amount",
    "extended": "amount", "extension": "amount", "subtotal": "amount", "line": "amount",
    "gst": "gst", "tax": "gst", "aud": "amount", "inc": "amount",
    # A statement's transaction table: found so that it is not taken for anything else.
    "date": "date", "debit": "debit", "credit": "credit", "balance": "balance",
    "withdrawals": "debit", "deposits": "credit",
}  # fmt: skip
_TRANSACTION_KINDS = {"debit", "credit", "balance"}
# Kinds that make a row of header words an item or transaction table's header.
_TABLE_KINDS = {"desc", "price", "amount", "debit", "credit", "balance"}
_NUMBER_KINDS = {"qty", "price", "amount", "debit", "credit", "balance"}
# An item's attribute on a line of its own: "Colour: Sage", "Size: M", "Serial No: 8812".
_ATTRIBUTE = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+)?\.?:\s*\S")
# A till's count of the items over it ("Item count", "No. of items", "Items sold").
_COUNT_LABEL = re.compile(
    r"^(?:(?:no\.?|number|total|qty)\s+of\s+items|(?:total\s+)?items?(?:\s+(?:count|sold))?"
    r"|[it]tem\s+count|item\s+qty)\W*$",
    re.IGNORECASE,
)
# A line under a till's item that only identifies it ("PLU 53986", a barcode) or notes
# what was saved on it ("SPECIAL - SAVE $3.50"): no item, no part of its name.
_ITEM_NOTE = re.compile(
    r"^(?:(?:PLU|SKU|EAN|UPC|APN|barcode)\W*\d{3,}|\d{8,14}"
    r"|(?:special\W+)?(?:you\s+)?sav(?:e|ed|ing)\b\W*\$?\d[\d,]*\.\d{2})$",
    re.IGNORECASE,
)


@dataclass
class Table:
    """The item table: ``(description, quantity, unit price)`` per row, and the page lines
    it spans (header included)."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    lines: range = range(0)


def items(page: Page, is_stop: Callable[[str], bool], is_other: Callable[[str], bool]) -> Table:
    """The page's item table (``is_stop`` tells a totals line, ``is_other`` a line that
    belongs to something else: a label, a date, an address). Items printed in sections,
    each under its own header, are the rows of them all. A statement's transaction table
    (debit / credit / balance columns) spans its lines but has no items."""
    sections: list[Table] = []
    for header in (ln for ln in page.lines if _header_kinds(ln)):
        if sections and header.index < sections[-1].lines.stop:
            continue  # the second line of a header taken with its first
        kinds = _header_kinds(header)
        lines = _run_down(page, header.index + 1, is_stop)
        span = range(header.index, header.index + 1 + len(lines))
        # A ledger's columns; a folio's "Qty | Rate | Debit" are an item table's.
        if _TRANSACTION_KINDS & kinds and not kinds & {"qty", "price"}:
            return Table([], span)
        if "debit" in kinds:
            kinds = kinds - {"debit"} | {"amount"}
        table = _table(lines, kinds, page, is_stop, span)
        if table.rows:
            sections.append(table)
    if sections:
        rows = [row for table in sections for row in table.rows]
        return Table(rows, range(sections[0].lines.start, sections[-1].lines.stop))
    lines = _run_up(page, is_stop, is_other)
    return (
        _table(lines, set(), page, is_stop, range(lines[0].index, lines[-1].index + 1))
        if lines
        else Table()
    )


def _table(
    lines: list[Line], kinds: set[str], page: Page, is_stop: Callable[[str], bool], span: range
) -> Table:
    rows = _rows(lines, run_in=bool(kinds))
    if not rows:
        return Table()
    if "gst" in kinds:
        rows = [_without_gst(row) for row in rows]
    printed = _printed_totals(page, is_stop)
    shows_amount = _shows_line_amounts(rows, kinds, printed)
    k = _sum_row(rows, shows_amount)
    if k is not None:  # the table ends at its sum; what follows is not the table's
        rows, span = rows[:k], range(span.start, rows[k].line + 1)
    rows = _summed_rows(rows, shows_amount, printed)
    return Table([item(row, shows_amount) for row in rows], span)


def _without_gst(row: Row) -> Row:
    """The row less its GST column's figure: a tenth of its amount (an eleventh of a
    GST-inclusive one), which would otherwise read as a price for ten units (unless the
    row prints that quantity)."""
    amount = max(row.moneys, default=Decimal(0))
    if quantity(row) in (10, 11):
        return row
    gst = {cents(amount / 10), cents(amount / 11)}
    kept = [m for m in row.moneys if m not in gst or m == amount]
    return Row(row.desc, row.numbers, kept, row.leading_qty, row.line) if amount else row


def _summed_rows(rows: list[Row], shows_amount: bool, printed: set[Decimal]) -> list[Row]:
    """The rows whose amounts make a printed total: when all of them do not but the last
    few do, the rows before are something else priced above the items (an account's
    "Last bill  $131.09 / Payment received  -$131.09")."""
    amounts = [line_amount(row, shows_amount) for row in rows]
    if sum(amounts) in printed:
        return rows
    start = next((i for i in range(1, len(rows) - 1) if sum(amounts[i:]) in printed), 0)
    return rows[start:]


def _sum_row(rows: list[Row], shows_amount: bool) -> int | None:
    """The first row that sums or counts the rows above it: a line with one amount, no
    quantity, that equals the sum of the line amounts above it is a (section) subtotal,
    whatever its label says. One row above it must differ from it by having a quantity.
    A line with no amount whose number is how many rows or units are above it ("8
    line(s)", "Items 12") is the table's count."""
    total, units = Decimal(0), Decimal(0)
    for k, row in enumerate(rows):
        is_sum = len(row.moneys) == 1 and not row.numbers and row.leading_qty is None
        if k and is_sum and abs(row.moneys[0] - total) <= CENT:
            if k > 1 or quantity(rows[0]) is not None or len(rows[0].moneys) > 1:
                return k
        if k > 1 and not row.moneys and quantity(row) in (k, units):
            return k
        total += line_amount(row, shows_amount)
        units += quantity(row) or 1
    return None


def _word_kind(word: str) -> str | None:
    """The column a header word names; a cell word may name two columns' worth ("Qty/Hrs",
    "Rate/hr"): its first known part."""
    return next((k for part in label_key(word).split() if (k := _part_kind(part, word))), None)


def _part_kind(part: str, word: str) -> str | None:
    """The column a part of a header word names, also when cut short with a point to a
    stem of four letters or more ("Quan." for quantity, "Descr." for description)."""
    if part in HEADER_WORDS or not word.endswith(".") or len(part) < 4:
        return HEADER_WORDS.get(part)
    return next((kind for full, kind in HEADER_WORDS.items() if full.startswith(part)), None)


def _header_kinds(line: Line) -> set[str]:
    """The column kinds of a header row (empty when ``line`` is not one): two kinds or
    more besides GST (a "Total inc. GST" label names two), mostly header words, no amounts."""
    kinds = [_word_kind(w.text) for w in line.words if label_key(w.text)]
    named = {k for k in kinds if k}
    # A header has a column of numbers ("# denotes GST-free item" names none).
    if len(named - {"gst"}) < 2 or not named & _NUMBER_KINDS:
        return set()
    if any(MONEY.match(w.text) for w in line.words):
        return set()
    # Mostly header words or, as a cell may say more ("Description of work", "Seats"),
    # three cells or more, mostly holding one, a description's among them.
    cells = [any(_word_kind(w.text) for w in s.words) for s in line.segments]
    by_cell = len(cells) >= 3 and sum(cells) >= 0.6 * len(cells) and "desc" in named
    return named if by_cell or sum(k is not None for k in kinds) >= 0.6 * len(kinds) else set()


def _run_down(page: Page, first: int, is_stop: Callable[[str], bool]) -> list[Line]:
    """The lines from ``first`` down to the totals (or a gap, or another header)."""
    out: list[Line] = []
    for k, line in enumerate(page.lines[first:], first):
        if out and line.y0 - out[-1].y1 > 3 * line.height:
            break
        # A line of words alone right under the header is the header's second line
        # ("charged (AUD)" under "Fee GST"), not the totals: a totals line has its amount.
        wordy = not re.search(r"\d", line.text)
        if not (wordy and not out) and (_totals_line(line, is_stop) or _header_kinds(line)):
            break
        # Words alone over the next header are its section's title ("Parts Supplied").
        below = page.lines[k + 1] if k + 1 < len(page.lines) else None
        if out and wordy and below is not None and _header_kinds(below):
            break
        out.append(line)
    return out


def _totals_line(line: Line, is_stop: Callable[[str], bool]) -> bool:
    """A totals line: its first phrase is a total's label, or a later one is with no
    number left of it (totals right of a footnote: "Paid via: EFTPOS | GST | $44.94"; an
    item's "4 | 50.00 | GST Free | 200.00" is a row)."""
    for i, seg in enumerate(line.segments):
        if i and re.search(r"\d", line.segments[i - 1].text):
            return False
        if is_stop(seg.text):
            return True
    return False


def _names_a_total(line: Line) -> bool:
    """Whether the line's label ends in "total" ("Merchandise subtotal", "Order Total"):
    English puts the head noun last, so the line is a total of some kind."""
    words = label_key(line.segments[0].text).replace("sub total", "subtotal").split()
    return bool(words) and words[-1] in {"total", "subtotal"}


def _run_up(
    page: Page, is_stop: Callable[[str], bool], is_other: Callable[[str], bool]
) -> list[Line]:
    """With no header: the lines over the first totals line that follows a priced line,
    up to a label, a date or a gap."""
    ends = (ln for ln in page.lines if is_stop(ln.segments[0].text) or _names_a_total(ln))
    for end in (ln.index for ln in ends):
        start = end
        while start > 0:
            above, below = page.lines[start - 1], page.lines[start]
            # Whitespace often sets the totals apart from the items: only a gap between
            # two item lines ends the run, and not one over a priced line (an order
            # may print each item as a block of its own).
            gap = start < end and below.y0 - above.y1 > 3 * below.height and not _moneys(above)
            if is_other(above.text) or gap:
                break
            start -= 1
        lines = page.lines[start:end]
        if any(_moneys(ln) for ln in lines):
            return lines
    return []


def _rows(lines: list[Line], run_in: bool) -> list[Row]:
    """Priced rows; a line of text alone is the description of the numbers line under it
    (till style) or, when rows carry their own text, the wrapped tail of the row above."""
    rows: list[Row] = []
    pending: list[str] = []
    priced: Line | None = None  # the line of the last row
    for line in lines:
        if _ITEM_NOTE.match(line.text):
            continue
        row = parse(line, run_in)
        if row and not row.moneys and _COUNT_LABEL.match(row.desc):
            continue  # "Item count  8": how many, not an item
        if row and not row.moneys and priced and _wraps_priced(line, priced, rows[-1], lines):
            row = None  # "1 surface" under "Adhesive restoration -": no row of its own
        if row is None:
            text = description(line.segments)
            if _ATTRIBUTE.match(text):
                continue  # "Colour: Sage" under an item: what it is, not its name
            if priced and rows[-1].desc and _wraps(line, priced, lines):
                rows[-1].desc = f"{rows[-1].desc} {text}".strip()
            elif text:
                pending.append(text)
            continue
        if pending and not _wordy(row.desc):
            # The row is the "2 x 4.50" line under them; a row with words of its own keeps
            # them ("1 Garlic Bread  10.43" under "Served by  Daniel").
            row.desc = " ".join(pending[-2:])
        elif not row.desc and rows and _takes_detail(rows[-1], row):
            continue
        pending = []
        rows.append(row)
        priced = line
    return [r for r in rows if r.desc]


def _wraps(line: Line, priced: Line, lines: list[Line]) -> bool:
    """Whether a text line is the wrapped tail of the priced row above: it stays in the
    text column, left of the row's amounts (a line across the page is a rule or a note),
    and the line under it is not a numbers-only line it describes."""
    return line.segments[-1].x1 < priced.segments[-1].x0 and not _numbers_only_after(lines, line)


def _wraps_priced(line: Line, priced: Line, above: Row, lines: list[Line]) -> bool:
    """Whether a line of one phrase with a number in it ("1 surface") is the wrapped tail
    of the priced row above rather than a row whose amounts did not read: it starts where
    the row's description starts (a row or a count line starts at the row's edge)."""
    if not above.desc:
        return False  # a row of numbers only has no description to wrap
    first = above.desc.split()[0]
    start = next((w.x0 for w in priced.words if w.text.startswith(first)), priced.words[0].x0)
    aligned = abs(line.segments[0].x0 - start) <= 2 * line.height
    return (
        len(line.segments) == 1 and bool(above.moneys) and aligned and _wraps(line, priced, lines)
    )


def _takes_detail(row: Row, detail: Row) -> bool:
    """Whether a numbers-only line is the "2 @ 4.50 ea" detail of the priced row above
    it: their numbers solve together (quantity x price = the row's amount). If so, the
    row takes them."""
    numbers, moneys = [*detail.numbers, *row.numbers], [*detail.moneys, *row.moneys]
    merged = Row(row.desc, numbers, moneys, row.leading_qty)
    if not row.moneys or solve(merged) is None:
        return False
    row.numbers, row.moneys = merged.numbers, merged.moneys
    return True


def _wordy(text: str) -> bool:
    """Text with a word of 4 letters or more: a description, not a misread number."""
    return re.search(r"[A-Za-z]{4}", text) is not None


def _numbers_only_after(lines: list[Line], line: Line) -> bool:
    """Whether the line under ``line`` is priced but has no text of its own."""
    i = lines.index(line)
    if i + 1 >= len(lines):
        return False
    row = parse(lines[i + 1])
    return row is not None and not row.desc


def _moneys(line: Line) -> list[Decimal]:
    row = parse(line)
    return row.moneys if row else []


def _printed_totals(page: Page, is_stop: Callable[[str], bool]) -> set[Decimal]:
    """The amounts of the page's totals lines, and their differences: a receipt may print
    only the total and the GST in it."""
    totals = {v for ln in page.lines if is_stop(ln.text) for v in _moneys(ln)}
    return totals | {a - b for a in totals for b in totals if a > b}


def _shows_line_amounts(rows: list[Row], kinds: set[str], printed: set[Decimal]) -> bool:
    """Whether a row's lone amount is the line total (else a unit price): the header says
    so, else the sum of amounts or of quantity x price matches a total on the page."""
    if "amount" in kinds and "price" not in kinds:
        return True
    if "price" in kinds and "amount" not in kinds:
        return False
    priced = [r for r in rows if r.moneys]
    as_amounts = sum(r.moneys[-1] for r in priced)
    as_prices = sum(cents(r.moneys[-1] * (quantity(r) or 1)) for r in priced)
    return not (as_prices in printed and as_amounts not in printed)
