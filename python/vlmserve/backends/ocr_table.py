"""Money on an OCR'd page: the totals block and the line-item table.

Totals are read right of (or under) their labels and checked against each other: when
subtotal + GST = total holds for some choice of candidates, that choice wins. Line items
are the rows between a header row (description / quantity / price / amount, in any order
and wording) and the first totals line, cut into columns at the header's x-positions.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> page = Page.from_words([Word("Total", 10, 10, 60, 30), Word("$12.50", 300, 10, 370, 30)])
>>> totals(page)
{'total': '$12.50'}
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from vlmserve.backends.ocr_layout import Line, Page, Word, label_key

__all__ = ["MONEY", "Table", "line_items", "totals"]

MONEY = re.compile(
    r"(?<![\d.,])\(?-?\$?\s?-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}\)?(?:\s?(?:CR|DR)\b)?(?![\d,]*\d)",
    re.IGNORECASE,
)
NUMBER = re.compile(r"^\(?-?\$?\d[\d,]*(?:\.\d+)?\)?$")
_DIGIT_LOOKALIKES = str.maketrans("iIl|oOsSB", "111100558")

TOTAL_LABELS = {
    "subtotal": [
        "subtotal", "sub total", "total ex gst", "total excl gst", "total excluding gst",
        "amount ex gst", "net total", "net amount", "total before gst", "total before tax",
        "subtotal ex gst", "amount before gst", "total exc gst", "sub total ex gst",
    ],
    "gst": [
        "gst", "gst 10%", "gst 10", "tax", "gst amount", "total gst", "gst included",
        "includes gst", "incl gst", "gst incl", "vat", "plus gst", "add gst", "tax 10%",
        "total includes gst", "total tax", "gst @ 10%", "10% gst",
    ],
    "total": [
        "total", "total amount", "amount due", "total due", "balance due", "total inc gst",
        "total incl gst", "grand total", "amount payable", "total payable", "total aud",
        "amount paid", "total paid", "invoice total", "total including gst", "total to pay",
    ],
    "closing": [
        "closing balance", "balance at end", "closing", "ending balance", "new balance",
        "balance carried forward", "final balance", "closing bal", "balance at close",
    ],
}  # fmt: skip
_KIND_OF = {label_key(lab): kind for kind, labs in TOTAL_LABELS.items() for lab in labs}

HEADER_WORDS = {
    "description": "desc", "item": "desc", "items": "desc", "details": "desc",
    "product": "desc", "service": "desc", "services": "desc", "particulars": "desc",
    "activity": "desc", "goods": "desc",
    "qty": "qty", "quantity": "qty", "units": "qty", "hours": "qty", "hrs": "qty",
    "count": "qty",
    "price": "price", "rate": "price", "each": "price", "unit": "price", "cost": "price",
    "fee": "price",
    "amount": "amount", "total": "amount", "value": "amount", "ext": "amount",
    "extended": "amount", "subtotal": "amount",
    # A statement's transaction table: found so that it is not taken for anything else.
    "date": "date", "debit": "debit", "credit": "credit", "balance": "balance",
    "withdrawals": "debit", "deposits": "credit",
}  # fmt: skip
_TRANSACTION_KINDS = {"debit", "credit", "balance"}


def _amount(text: str) -> Decimal | None:
    m = MONEY.search(text)
    if not m:
        return None
    raw = m.group(0)
    digits = re.sub(r"[^\d.]", "", raw)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if "-" in raw or "(" in raw or raw.upper().endswith("DR") else value


def _candidates(page: Page) -> dict[str, list[tuple[Decimal, str]]]:
    found: dict[str, list[tuple[Decimal, str]]] = {k: [] for k in TOTAL_LABELS}
    for label, line, seg, n in page.find_labels(list(_KIND_OF)):
        kind = _KIND_OF[label_key(label)]
        rest = seg.tail(n)
        right = [s.text for s in line.segments if s.x0 >= seg.x1]
        texts = ([rest.text] if rest else []) + right
        moneys = [m.group(0) for t in texts for m in MONEY.finditer(t)]
        if not moneys:
            moneys = [
                m.group(0) for _, s in page.under(line, seg, 1) for m in MONEY.finditer(s.text)
            ]
        if moneys:
            # The rightmost amount: a line may carry a rate ("GST 10%") or a count first.
            found[kind].append((_amount(moneys[-1]) or Decimal(0), moneys[-1]))
    return found


def totals(page: Page) -> dict[str, str]:
    """``{"subtotal", "gst", "total", "closing"}`` amounts as printed, those found."""
    found = _candidates(page)
    out: dict[str, str] = {}
    subs, gsts, tots = found["subtotal"], found["gst"], found["total"]
    if tots:
        total = max(tots, key=lambda c: c[0])
        # "Total includes GST $4.50": a total-labelled amount that is 1/11 of the total.
        gsts = gsts or [c for c in tots if c[0] < total[0] and abs(c[0] * 11 - total[0]) < 0.06]
        consistent = [
            (s, g, t)
            for t in tots
            for s in subs
            for g in gsts
            if abs(s[0] + g[0] - t[0]) < Decimal("0.011")
        ]
        if consistent:
            s, g, total = max(consistent, key=lambda c: c[2][0])
            out.update(subtotal=s[1], gst=g[1])
        out["total"] = total[1]
    for kind in ("subtotal", "gst"):
        if kind not in out and (subs if kind == "subtotal" else gsts):
            out[kind] = (subs if kind == "subtotal" else gsts)[0][1]
    if found["closing"]:
        out["closing"] = found["closing"][-1][1]
    return out


def _header(line: Line) -> list[tuple[str, int, int]] | None:
    """The columns of a header row (class, x0, x1), or None when ``line`` is not one."""
    columns: list[tuple[str, int, int]] = []
    for seg in line.segments:
        for i, word in enumerate(seg.words):
            kind = HEADER_WORDS.get(label_key(word.text))
            if kind is None and i == 0:
                kind = "?"
            if kind is None or (columns and i > 0 and columns[-1][0] in (kind, "?")):
                # A header of several words ("Unit Price", "Line Total") is one column.
                prev = columns[-1]
                columns[-1] = (kind if prev[0] == "?" and kind else prev[0], prev[1], word.x1)
                continue
            columns.append((kind, word.x0, word.x1))
    kinds = [c[0] for c in columns if c[0] != "?"]
    if (
        len(set(kinds)) >= 2
        and ("desc" in kinds or "amount" in kinds)
        and len(kinds) >= len(columns) - 1
    ):
        return columns
    return None


def _cells(words: list[Word], columns: list[tuple[str, int, int]]) -> dict[str, str]:
    """Words of a row by column: a word goes where its centre falls between the column
    boundaries (midway between headers; a text column reaches up to the next header, as
    text is left-aligned and numbers are right-aligned)."""
    bounds = [
        b[1] - 1.5 * _h(words) if a[0] == "desc" else (a[2] + b[1]) / 2
        for a, b in zip(columns, columns[1:])
    ]
    cells: dict[str, list[str]] = {}
    for word in words:
        centre = (word.x0 + word.x1) / 2
        kind = columns[sum(centre >= b for b in bounds)][0]
        cells.setdefault(kind, []).append(word.text)
    return {k: " ".join(v) for k, v in cells.items()}


def _h(words: list[Word]) -> float:
    return sorted(w.height for w in words)[len(words) // 2]


@dataclass
class Table:
    """The item table: ``(description, quantity, price)`` per row (price: the unit price
    column, else the amount) and the page lines it spans (header included)."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    lines: range = range(0)


def line_items(
    page: Page, is_stop: Callable[[str], bool], is_other: Callable[[str], bool]
) -> Table:
    """The first item table on the page. A statement's transaction table (debit / credit /
    balance columns) spans its lines but has no items. With no header row, the items are
    the listed lines over the totals (as on a till receipt); ``is_stop`` tells a totals
    line, ``is_other`` a line that belongs to something else (a label, a date)."""
    for i, line in enumerate(page.lines):
        columns = _header(line)
        if columns:
            rows, used = _rows(page.lines[i + 1 :], columns, is_stop)
            if _TRANSACTION_KINDS & {c[0] for c in columns}:
                rows = []
            return Table(rows, range(i, i + 1 + used))
    return _listed(page, is_stop, is_other)


QTY_TIMES_PRICE = re.compile(r"^(\d+(?:\.\d+)?)\s*[x×@*]\s*\$?(\d[\d,]*\.\d{2})", re.IGNORECASE)
LEADING_QTY = re.compile(r"^(\d{1,3})\s+(?=[A-Za-z])")


def _listed(page: Page, is_stop: Callable[[str], bool], is_other: Callable[[str], bool]) -> Table:
    """Items listed over the first totals line with no header: "Desc / 2 x 4.50  9.00",
    "Desc  9.00", "2 Desc  4.50  9.00"."""
    end = next((ln.index for ln in page.lines if is_stop(ln.segments[0].text)), None)
    if end is None:
        return Table()
    start = end
    while start > 0:
        above, below = page.lines[start - 1], page.lines[start]
        if is_other(above.text) or below.y0 - above.y1 > 3 * below.height:
            break
        start -= 1
    rows: list[tuple[str, str, str]] = []
    pending = ""
    for line in page.lines[start:end]:
        text = line.text
        moneys = MONEY.findall(text)
        times = QTY_TIMES_PRICE.search(text)
        if times and pending:
            rows.append((pending, times.group(1), times.group(2)))
            pending = ""
        elif moneys and MONEY.search(line.segments[0].text) is None:
            qty = LEADING_QTY.match(text)
            desc = line.segments[0].text[qty.end() if qty else 0 :].strip()
            count = qty.group(1) if qty else "1"
            price = moneys[-2] if len(moneys) > 1 else _each(moneys[-1], count)
            rows.append((f"{pending} {desc}".strip(), count, price))
            pending = ""
        elif not moneys:
            pending = f"{pending} {text}".strip()
    return Table(rows, range(start, end)) if rows else Table()


def _each(amount: str, count: str) -> str:
    """The unit price of ``count`` items costing ``amount`` together."""
    total, n = _amount(amount), Decimal(count)
    return amount if total is None or n == 0 else f"{total / n:.2f}"


def _number_cell(text: str) -> str:
    """A numeric cell with OCR's letter-for-digit slips undone ("i" for 1, "O" for 0),
    when that makes it a number; else as read."""
    fixed = text.replace(" ", "").translate(_DIGIT_LOOKALIKES)
    return fixed if NUMBER.match(fixed) else text


def _rows(
    lines: list[Line], columns: list[tuple[str, int, int]], is_stop: Callable[[str], bool]
) -> tuple[list[tuple[str, str, str]], int]:
    rows: list[dict[str, str]] = []
    last_y1, used = None, 0
    for line in lines:
        if last_y1 is not None and line.y0 - last_y1 > 3 * line.height:
            break
        if is_stop(line.segments[0].text) or _header(line):
            break
        cells = {
            k: v if k == "desc" else _number_cell(v) for k, v in _cells(line.words, columns).items()
        }
        if any(k != "desc" and NUMBER.match(v) for k, v in cells.items()) or not rows:
            rows.append(cells)
        else:  # a description wrapped onto a second line
            rows[-1]["desc"] = f"{rows[-1].get('desc', '')} {cells.get('desc', '')}".strip()
        last_y1, used = line.y1, used + 1
    items = [
        (r.get("desc", ""), r.get("qty", ""), r.get("price") or r.get("amount", ""))
        for r in rows
        if r.get("desc")
    ]
    return items, used
