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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from vlmserve.backends.ocr_layout import Line, Page, Segment, label_key

__all__ = ["HEADER_WORDS", "Table", "items"]

HEADER_WORDS = {
    "description": "desc", "item": "desc", "items": "desc", "details": "desc",
    "product": "desc", "service": "desc", "services": "desc", "particulars": "desc",
    "activity": "desc", "goods": "desc", "code": "code", "sku": "code", "#": "code",
    "qty": "qty", "quantity": "qty", "units": "qty", "hours": "qty", "hrs": "qty",
    "count": "qty",
    "price": "price", "rate": "price", "each": "price", "unit": "price", "cost": "price",
    "fee": "price", "ex": "price",
    "amount": "amount", "total": "amount", "value": "amount", "ext": "amount",
    "extended": "amount", "subtotal": "amount", "line": "amount", "gst": "gst", "tax": "gst",
    "aud": "amount", "inc": "amount",
    # A statement's transaction table: found so that it is not taken for anything else.
    "date": "date", "debit": "debit", "credit": "credit", "balance": "balance",
    "withdrawals": "debit", "deposits": "credit",
}  # fmt: skip
_TRANSACTION_KINDS = {"debit", "credit", "balance"}
CENT = Decimal("0.01")
_NUMBER = re.compile(r"^\(?-?\$?(\d[\d,]*(?:\.\d+)?)\)?$")
_MONEY = re.compile(r"^\(?-?\$?\d{1,3}(?:,?\d{3})*\.\d{2}\)?$")
_DIGIT_LOOKALIKES = str.maketrans("iIl|oOsSB", "111100558")
# A quantity printed with its row's description: "2 x Flat White", "3 @", "x2".
_LEADING_QTY = re.compile(
    r"^(\d{1,3}(?:\.\d+)?)\s*(?:[x×*@]\s+|[_—–|]+\s+|\s+(?=[A-Za-z]))", re.IGNORECASE
)
# An item code before the description, with the rule OCR read between them: "X297 = Call",
# or a till's product number ("7062 CHEDDAR 500G": four digits or more are never a row's
# quantity).
_LEADING_CODE = re.compile(r"^(?:[A-Z]{1,3}\d{2,}|\d{4,})\W*\s+(?:[=_—–|-]+\s+)?(?=[A-Za-z])")
# A quantity and price run into the description by OCR: "Sunscreen 200ml 1 @ 15.59".
_TRAILING_PRICE = re.compile(
    r"(?:\s*@|\s+(?:\d+(?:\.\d+)?\s*)?[x×@])\s*\$?\d[\d,]*\.\d{2}$", re.IGNORECASE
)
_GLUED = re.compile(r"(?<=\d)([x×@])(?=\$?\d)", re.IGNORECASE)
# Words between a row's numbers that are not text: "2 x 4.50", "$ 9.00".
_GLUE = re.compile(r"^(?:[x×*@$]|aud|ea\.?|each)$", re.IGNORECASE)
# Kinds that make a row of header words an item or transaction table's header.
_TABLE_KINDS = {"desc", "price", "amount", "debit", "credit", "balance"}


@dataclass
class Table:
    """The item table: ``(description, quantity, unit price)`` per row, and the page lines
    it spans (header included)."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    lines: range = range(0)


@dataclass
class _Row:
    """One priced line: its description, the numbers outside it, and a quantity printed
    with the description ("2 x Flat White")."""

    desc: str
    numbers: list[Decimal]
    moneys: list[Decimal]
    leading_qty: Decimal | None = None


def items(page: Page, is_stop: Callable[[str], bool], is_other: Callable[[str], bool]) -> Table:
    """The first item table on the page (``is_stop`` tells a totals line, ``is_other`` a
    line that belongs to something else: a label, a date, an address). A statement's
    transaction table (debit / credit / balance columns) spans its lines but has no
    items."""
    for header in (ln for ln in page.lines if _header_kinds(ln)):
        kinds = _header_kinds(header)
        lines = _run_down(page, header.index + 1, is_stop)
        span = range(header.index, header.index + 1 + len(lines))
        if _TRANSACTION_KINDS & kinds:
            return Table([], span)
        table = _table(lines, kinds, page, is_stop, span)
        if table.rows:
            return table
    lines = _run_up(page, is_stop, is_other)
    return (
        _table(lines, set(), page, is_stop, range(lines[0].index, lines[-1].index + 1))
        if lines
        else Table()
    )


def _table(
    lines: list[Line], kinds: set[str], page: Page, is_stop: Callable[[str], bool], span: range
) -> Table:
    rows = _rows(lines)
    if not rows:
        return Table()
    shows_amount = _shows_line_amounts(rows, kinds, page, is_stop)
    return Table([_item(row, shows_amount) for row in rows], span)


def _header_kinds(line: Line) -> set[str]:
    """The column kinds of a header row (empty when ``line`` is not one): two kinds or
    more, mostly header words, no amounts."""
    words = [label_key(w.text) for w in line.words]
    kinds = [HEADER_WORDS.get(w) for w in words if w]
    named = {k for k in kinds if k}
    if len(named) < 2 or not named & _TABLE_KINDS or any(_MONEY.match(w.text) for w in line.words):
        return set()
    return named if sum(k is not None for k in kinds) >= 0.6 * len(kinds) else set()


def _run_down(page: Page, first: int, is_stop: Callable[[str], bool]) -> list[Line]:
    """The lines from ``first`` down to the totals (or a gap, or another header)."""
    out: list[Line] = []
    for line in page.lines[first:]:
        if out and line.y0 - out[-1].y1 > 3 * line.height:
            break
        if is_stop(line.segments[0].text) or _header_kinds(line):
            break
        out.append(line)
    return out


def _run_up(
    page: Page, is_stop: Callable[[str], bool], is_other: Callable[[str], bool]
) -> list[Line]:
    """With no header: the lines over the first totals line that follows a priced line,
    up to a label, a date or a gap."""
    for end in (ln.index for ln in page.lines if is_stop(ln.segments[0].text)):
        start = end
        while start > 0:
            above, below = page.lines[start - 1], page.lines[start]
            if is_other(above.text) or below.y0 - above.y1 > 3 * below.height:
                break
            start -= 1
        lines = page.lines[start:end]
        if any(_moneys(ln) for ln in lines):
            return lines
    return []


def _rows(lines: list[Line]) -> list[_Row]:
    """Priced rows; a line of text alone is the description of the numbers line under it
    (till style) or, when rows carry their own text, the wrapped tail of the row above."""
    rows: list[_Row] = []
    pending: list[str] = []
    for line in lines:
        row = _parse(line)
        if row is None:
            text = _description(line.segments)
            if rows and rows[-1].desc and not _numbers_only_after(lines, line):
                rows[-1].desc = f"{rows[-1].desc} {text}".strip()
            elif text:
                pending.append(text)
            continue
        if pending and (row.leading_qty is not None or not _wordy(row.desc)):
            row.desc = " ".join(pending[-2:])  # the row is the "2 x 4.50" line under them
        elif not row.desc and rows and _takes_detail(rows[-1], row):
            continue
        pending = []
        rows.append(row)
    return [r for r in rows if r.desc]


def _takes_detail(row: _Row, detail: _Row) -> bool:
    """Whether a numbers-only line is the "2 @ 4.50 ea" detail of the priced row above
    it: their numbers solve together (quantity x price = the row's amount). If so, the
    row takes them."""
    numbers, moneys = [*detail.numbers, *row.numbers], [*detail.moneys, *row.moneys]
    merged = _Row(row.desc, numbers, moneys, row.leading_qty)
    if not row.moneys or _solve(merged) is None:
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
    row = _parse(lines[i + 1])
    return row is not None and not row.desc


def _parse(line: Line) -> _Row | None:
    """The line as a priced row: None when it carries no amount."""
    numbers: list[Decimal] = []
    moneys: list[Decimal] = []
    text_segments: list[Segment] = []
    for seg in line.segments:
        # "2@4.97" read as one word is "2 @ 4.97".
        words = [part for w in seg.words for part in _GLUED.split(w.text) if part]
        values = [_value(w) for w in words]
        if all(v is not None or _GLUE.match(w) for v, w in zip(values, words)):
            for w, v in zip(words, values):
                if v is not None:
                    (moneys if _MONEY.match(_fixed(w)) else numbers).append(v)
        else:
            text_segments.append(seg)
    desc, leading = _description(text_segments), None
    m = _LEADING_QTY.match(desc)
    if m:
        leading, desc = Decimal(m.group(1)), desc[m.end() :].strip()
    desc = _TRAILING_PRICE.sub("", _LEADING_CODE.sub("", desc))
    # A row whose amounts did not read still has its description and quantity.
    if not moneys and not (desc and (numbers or leading is not None)):
        return None
    return _Row(desc, numbers, moneys, leading)


def _description(segments: list[Segment]) -> str:
    """The phrase with the most letters (an item code beside it has few)."""
    texts = [s.text for s in segments]
    best = max(texts, key=lambda t: sum(c.isalpha() for c in t), default="")
    # Text with no word of 3 letters is a misread number or a stray mark, not a description.
    return best.strip(" |:-") if re.search(r"[A-Za-z]{3}", best) else ""


def _fixed(word: str) -> str:
    """A numeric word with OCR's letter-for-digit slips undone ("i" for 1, "O" for 0)."""
    return word.translate(_DIGIT_LOOKALIKES) if re.search(r"\d", word) else word


def _value(word: str) -> Decimal | None:
    # Stray marks around a number ("~-44.00", "2.") are rule and dot residue.
    m = _NUMBER.match(_fixed(word).strip("~—–_'‘`\"").rstrip(".x×"))
    if not m:
        return None
    try:
        return Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None


def _moneys(line: Line) -> list[Decimal]:
    row = _parse(line)
    return row.moneys if row else []


def _solve(row: _Row) -> tuple[Decimal, Decimal] | None:
    """(quantity, unit price) with quantity x price = an amount of the row, the amount the
    rightmost that works."""
    qtys = [q for q in [row.leading_qty, *row.numbers, *row.moneys] if q is not None and q > 0]
    for ai in range(len(row.moneys) - 1, -1, -1):
        amount = row.moneys[ai]
        for pi, price in enumerate(row.moneys):
            if pi == ai:
                continue
            for q in qtys:
                if q is not price and q is not amount and abs(_cents(q * price) - amount) <= CENT:
                    return q, price
    return None


def _ratio(row: _Row) -> tuple[Decimal, Decimal] | None:
    """(quantity, price) from a price and an amount alone (the quantity did not read):
    their ratio, when it is a quantity a line shows (a multiple of a quarter)."""
    if len(row.moneys) < 2 or not row.moneys[-2]:
        return None
    price, amount = row.moneys[-2], row.moneys[-1]
    qty = (amount / price * 4).quantize(Decimal(1)) / 4
    ok = 0 < qty <= 1000 and abs(_cents(qty * price) - amount) <= CENT
    return (qty.normalize(), price) if ok else None


def _shows_line_amounts(
    rows: list[_Row], kinds: set[str], page: Page, is_stop: Callable[[str], bool]
) -> bool:
    """Whether a row's lone amount is the line total (else a unit price): the header says
    so, else the sum of amounts or of quantity x price matches a total on the page."""
    if "amount" in kinds and "price" not in kinds:
        return True
    if "price" in kinds and "amount" not in kinds:
        return False
    totals = {v for ln in page.lines if is_stop(ln.text) for v in _moneys(ln)}
    # A receipt may print only the total and the GST in it: their difference is the sum.
    printed = totals | {a - b for a in totals for b in totals if a > b}
    priced = [r for r in rows if r.moneys]
    as_amounts = sum(r.moneys[-1] for r in priced)
    as_prices = sum(_cents(r.moneys[-1] * (_quantity(r) or 1)) for r in priced)
    return not (as_prices in printed and as_amounts not in printed)


def _quantity(row: _Row) -> Decimal | None:
    if row.leading_qty is not None:
        return row.leading_qty
    small = [n for n in row.numbers if n == n.to_integral_value() and 0 < n < 1000]
    return small[0] if small else None


def _item(row: _Row, shows_amount: bool) -> tuple[str, str, str]:
    if not row.moneys:
        return row.desc, _plain_number(_quantity(row) or Decimal(1)), ""
    solved = _solve(row) or _ratio(row)
    if solved is None:
        qty = _quantity(row) or Decimal(1)
        last = row.moneys[-1]
        price = _cents(last / qty) if shows_amount else last
        solved = qty, price
    qty, price = solved
    return row.desc, _plain_number(qty), f"{price:.2f}"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _plain_number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
