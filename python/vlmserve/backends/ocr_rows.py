"""One priced line of an item table: its description and numbers, the numbers told apart
by what they satisfy (quantity x unit price = line amount), not by where they stand.

>>> from vlmserve.backends.ocr_layout import Line, Segment, Word
>>> words = [Word("2", 10, 10, 20, 30), Word("x", 26, 10, 34, 30), Word("Flat", 40, 10, 80, 30),
...          Word("White", 86, 10, 140, 30), Word("9.00", 400, 10, 450, 30)]
>>> item(parse(Line([Segment(words[:4]), Segment(words[4:])], 0)), shows_amount=True)
('Flat White', '2', '4.50')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from vlmserve.backends.ocr_layout import Line, Segment
from vlmserve.backends.ocr_text import DATE

__all__ = [
    "CENT",
    "MONEY",
    "Row",
    "cents",
    "description",
    "item",
    "line_amount",
    "parse",
    "quantity",
    "solve",
]

CENT = Decimal("0.01")
# A label that names a number: "Ticket No.", "Sale #", "Order ID:", "Ref".
_REFERENCE_LABEL = re.compile(r"(?:\b(?:no|nr|num|number|id|ref|reference)\b\W*|#\W*|:)$", re.I)
# A line's quantity is below this; a longer number is a code or a reference.
_MAX_QTY = 1000
_NUMBER = re.compile(r"^\(?-?\$?(\d[\d,]*(?:\.\d+)?)\)?$")
MONEY = re.compile(r"^\(?-?\$?\d{1,3}(?:,?\d{3})*\.\d{2}\)?$")
# A discount or credit prints its sign: "-$22.70", "$-5.00", "(12.00)".
_NEGATIVE = re.compile(r"^(?:-|\$-|\(\$?[\d,]+\.\d{2}\)$)")
_DIGIT_LOOKALIKES = str.maketrans("iIl|oOsSB", "111100558")
# A quantity printed with its row's description: "2 x Flat White", "3 @", "x2".
_LEADING_QTY = re.compile(
    r"^(\d{1,3}(?:\.\d+)?)\s*(?:[x×*@]\s+|[_—–|]+\s+|\s+(?=[A-Za-z]))", re.IGNORECASE
)
_LEADING_DATE = re.compile(rf"^(?:{DATE.pattern})\s+(?=[A-Za-z])", re.IGNORECASE)
# A till's quantity after the description: "Sticky Tape 18mm x2".
_TRAILING_QTY = re.compile(r"\s+[x×]\s?(\d{1,2})$")
# An item code before the description, with the rule OCR read between them: "X297 = Call",
# "LD-8876 — LED downlight", "M3-2707 Microsoft", "PAR3 - Flea treatment", or a till's
# product number ("7062 CHEDDAR 500G": four digits or more are never a row's quantity).
_LEADING_CODE = re.compile(
    r"^(?:[A-Z][A-Z0-9]{0,3}[-/]?\d{2,}|[A-Z]{3,4}\d{1,3}|\d{4,})[\W_]*\s+(?:[=_—–|-]+\s*)?"
    r"(?=[A-Za-z])"
)
# A quantity and price run into the description: "Sunscreen 200ml 1 @ 15.59", a usage
# line's "968.8 kWh @ $0.3300", "92 days @ $1.3400", "28.41L @ $2.13/L".
_TRAILING_DETAIL = re.compile(
    r"(?:^|\s+|(?=@))(?:(?P<qty>\d[\d,]*(?:\.\d+)?)\s*(?:[a-z]{1,6}\.?\s*)?)?[x×@]\s*"
    r"\$?(?P<price>\d[\d,]*\.\d{2,4})(?:\s*(?:/\s*[a-z]{1,6}|per [a-z]{1,6}|ea(?:ch)?))?$",
    re.IGNORECASE,
)
# Letters OCR reads as their look-alikes: "0J" for "OJ", and a description's capital
# read as its small letter of the same shape ("sticky Date Pudding", "water 600mL").
_ZERO_FOR_O = re.compile(r"\b0(?=[A-Z]{1,3}\b)")
_SAME_SHAPE_SMALL = set("cosuvwxz")
_ONE_UNIT = re.compile(r"\b[Iil|](?=(?:kg|g|ml|L|m|pk)\b)")
_MILLILITRES = re.compile(r"(?<=\d)m[I1|]\b")
_GLUED = re.compile(r"(?<=\d)([x×@])(?=\$?\d|$)", re.IGNORECASE)
# Words between a row's numbers that are not text: "2 x 4.50", "$ 9.00", "Qty 3 x $24.95",
# a till's GST-free mark ("8.16 #"), and the units a quantity is counted in ("77.3 kWh",
# "30 days", "2.5 hrs").
_GLUE = re.compile(
    r"^(?:[x×*@$#^]|aud|ea\.?|each|qty:?|quantity:?|kwh|mj|gb|kg|litres?|days?|nights?|"
    r"hrs?|hours?|units?)$",
    re.IGNORECASE,
)
# A unit price to the tenth of a cent or finer ("$0.2900 per kWh") is money too.
_RATE = re.compile(r"^\$\d+\.\d{3,4}$")


@dataclass
class Row:
    """One priced line: its description, the numbers outside it, and a quantity printed
    with the description ("2 x Flat White")."""

    desc: str
    numbers: list[Decimal]
    moneys: list[Decimal]
    leading_qty: Decimal | None = None
    line: int = -1  # the page line it was read from


def parse(line: Line, run_in: bool = False) -> Row | None:
    """The line as a priced row: None when it carries no amount. With ``run_in``, an
    amount run into the end of a phrase counts ("Sum of section $871.06": under a
    table's header, where no label-and-value line above the table is taken for a row)."""
    numbers: list[Decimal] = []
    moneys: list[Decimal] = []
    text_segments: list[Segment] = []
    for seg in line.segments:
        # "2@4.97" read as one word is "2 @ 4.97".
        words = _cents_joined([part for w in seg.words for part in _GLUED.split(w.text) if part])
        values = [_value(w) for w in words]
        if all(v is not None or _GLUE.match(w) for v, w in zip(values, words)):
            for w, v in zip(words, values):
                if v is not None:
                    is_money = MONEY.match(_fixed(w)) or _RATE.match(_fixed(w))
                    (moneys if is_money else numbers).append(v)
        elif _runs_into(seg, run_in):
            moneys.append(_value(seg.words[-1].text) or Decimal(0))
            text_segments.append(Segment(seg.words[:-1]))
        else:
            detail = _TRAILING_DETAIL.search(seg.text)
            if detail:  # its numbers are the row's: quantity x price = the row's amount
                numbers += [_value(detail["qty"])] if detail["qty"] else []
                moneys.append(_value(detail["price"]))
            text_segments.append(seg)
    desc, leading = description(text_segments), None
    m = _LEADING_QTY.match(desc) or _TRAILING_QTY.search(desc)
    if m:
        leading, desc = Decimal(m.group(1)), (desc[: m.start()] + desc[m.end() :]).strip()
    # A date column run into the description ("11-Dec-2024 Two Bedroom Apartment").
    desc = _LEADING_DATE.sub("", desc)
    desc = _measures_fixed(_TRAILING_DETAIL.sub("", _LEADING_CODE.sub("", desc)))
    # A row whose amounts did not read still has its description and quantity; a number
    # after a word that says "number" is a reference ("Ticket No.  187895"), not an item.
    has_qty = leading is not None or (numbers and not _REFERENCE_LABEL.search(desc))
    if not moneys and not (desc and has_qty):
        return None
    return Row(desc, numbers, moneys, leading, line.index)


def _cents_joined(words: list[str]) -> list[str]:
    """An amount OCR split at its point ("$37 .00") made whole again."""
    out: list[str] = []
    for w in words:
        if out and re.fullmatch(r"\.\d{2}", w) and out[-1][-1:].isdigit():
            out[-1] += w
        else:
            out.append(w)
    return out


def _runs_into(seg: Segment, run_in: bool) -> bool:
    """Whether the phrase ends in an amount that is the line's: with ``run_in``, or when
    the words before it are no text but a misread "2 x" ("3: % $2.73")."""
    if len(seg.words) < 2 or not MONEY.match(_fixed(seg.words[-1].text)):
        return False
    return run_in or not re.search(r"[A-Za-z]{3}", Segment(seg.words[:-1]).text)


def description(segments: list[Segment]) -> str:
    """The phrase with the most letters (an item code beside it has few)."""
    texts = [s.text for s in segments]
    best = max(texts, key=lambda t: sum(c.isalpha() for c in t), default="")
    # Text with no word of 3 letters is a misread number or a stray mark, not a description.
    return best.strip(" |:-") if re.search(r"[A-Za-z]{3}", best) else ""


def _measures_fixed(text: str) -> str:
    """A measure's OCR slips undone: "1" read as a letter before a unit ("Ikg") and "l"
    read as "1" or "I" in "ml" after a number ("500mI")."""
    return _MILLILITRES.sub("ml", _ONE_UNIT.sub("1", text))


def _letters_fixed(text: str) -> str:
    """A description's look-alike letters undone: it starts with a capital unless it is
    all small letters ("flat white" stays, as "Oak shelving" does).

    >>> _letters_fixed("sticky Date Pudding"), _letters_fixed("Fresh 0J")
    ('Sticky Date Pudding', 'Fresh OJ')
    >>> _letters_fixed("flat white"), _letters_fixed("Oak shelving")
    ('flat white', 'Oak shelving')
    """
    text = _ZERO_FOR_O.sub("O", text)
    if text[:1] in _SAME_SHAPE_SMALL and any(c.isupper() for c in text):
        return text[0].upper() + text[1:]
    return text


def _fixed(word: str) -> str:
    """A numeric word with OCR's letter-for-digit slips undone ("i" for 1, "O" for 0)."""
    return word.translate(_DIGIT_LOOKALIKES) if re.search(r"\d", word) else word


def _value(word: str) -> Decimal | None:
    # Stray marks around a number ("~-44.00", "2.") are rule and dot residue.
    m = _NUMBER.match(_fixed(word).strip("~—–_'‘`\"").rstrip(".x×"))
    if not m:
        return None
    try:
        value = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    return -value if _NEGATIVE.match(word) else value


def solve(row: Row) -> tuple[Decimal, Decimal] | None:
    """(quantity, unit price) with quantity x price = an amount of the row, the amount the
    rightmost that works."""
    qtys = [q for q in [row.leading_qty, *row.numbers, *row.moneys] if q is not None and q > 0]
    for ai in range(len(row.moneys) - 1, -1, -1):
        amount = row.moneys[ai]
        for pi, price in enumerate(row.moneys):
            if pi == ai:
                continue
            for q in qtys:
                if q is not price and q is not amount and abs(cents(q * price) - amount) <= CENT:
                    return q, price
    return None


def _ratio(row: Row) -> tuple[Decimal, Decimal] | None:
    """(quantity, price) from a price and an amount alone (the quantity did not read):
    their ratio, when it is a quantity a line shows (a multiple of a quarter)."""
    if len(row.moneys) < 2 or not row.moneys[-2]:
        return None
    price, amount = row.moneys[-2], row.moneys[-1]
    qty = (amount / price * 4).quantize(Decimal(1)) / 4
    ok = 0 < qty <= 1000 and abs(cents(qty * price) - amount) <= CENT
    return (qty.normalize(), price) if ok else None


def quantity(row: Row) -> Decimal | None:
    if row.leading_qty is not None:
        return row.leading_qty
    small = [n for n in row.numbers if n == n.to_integral_value() and 0 < n < _MAX_QTY]
    return small[0] if small else None


def item(row: Row, shows_amount: bool) -> tuple[str, str, str]:
    desc = _letters_fixed(row.desc)
    if not row.moneys:
        return desc, _plain_number(quantity(row) or Decimal(1)), ""
    solved = solve(row) or _ratio(row)
    if solved is None:
        qty = quantity(row) or Decimal(1)
        last = row.moneys[-1]
        price = cents(last / qty) if shows_amount else last
        solved = qty, price
    qty, price = solved
    return desc, _plain_number(qty), f"{price:.2f}"


def line_amount(row: Row, shows_amount: bool) -> Decimal:
    _, qty, price = item(row, shows_amount)
    return cents(Decimal(qty) * Decimal(price or 0))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _plain_number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
