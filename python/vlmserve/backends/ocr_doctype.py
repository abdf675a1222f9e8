"""What kind of document a page's content says it is, title aside.

A statement is a ledger: each transaction moves a running balance by its own amount, so
the balance column (each row's rightmost amount) steps by an amount printed in the row
(oldest first) or in the row above (newest first). No invoice's item table does that row
after row, whatever its layout or wording. A receipt records a payment made: it says how
it was paid and leaves nothing owing, whatever its title calls the sale (an order
confirmation, a tax invoice).

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> rows = [("Opening", "100.00"), ("Rent", "-40.00", "60.00"), ("Pay", "+25.50", "85.50"),
...         ("Food", "-5.50", "80.00"), ("Fee", "2.00", "78.00")]
>>> carries_balance(Page.from_words([Word(t, 10 + 200 * i, 40 * r, 150 + 200 * i, 40 * r + 20)
...                                  for r, row in enumerate(rows) for i, t in enumerate(row)]))
True
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from vlmserve.backends.ocr_layout import Page
from vlmserve.backends.ocr_table import MONEY

__all__ = ["carries_balance", "records_payment"]

# Steps of a running balance that show a ledger: one or two could be chance (two items at
# one price), three in a row are not.
_LEDGER_STEPS = 3
_CENT = Decimal("0.005")
# How a payment made is told: the means it was paid by, a card's last digits, a tender.
_PAID = re.compile(
    r"\bpaid\s+(by|with|via|using)\b|\bending(\s+in)?\W*\d{4}\b|"
    r"\bpayment\s+(approved|accepted)\b|\bamount\s+paid\b|\btendered\b",
    re.IGNORECASE,
)
# How an amount still owed is told: due, owing or payable, a date to pay by.
_OWED = re.compile(
    r"\b(amount|balance|total)\s+(now\s+)?(due|owing|payable)\b|\bdue\s+(date|by|on)\b|"
    r"\bplease\s+pay\b|\bpay\s+by\b",
    re.IGNORECASE,
)


def carries_balance(page: Page) -> bool:
    """Whether the page's amounts run as a ledger: lines with two amounts or more, whose
    last amount (the balance) differs from the previous such line's by another amount of
    the line (the transaction), at least ``_LEDGER_STEPS`` times."""
    steps = 0
    previous: list[Decimal] = []
    for line in page.lines:
        amounts = [a for a in map(_magnitude, MONEY.findall(line.text)) if a is not None]
        if not amounts:
            continue
        if previous:
            step = abs(amounts[-1] - previous[-1])
            moves = amounts[:-1] + previous[:-1]  # this row's (oldest first) or the last's
            steps += any(abs(step - a) < _CENT for a in moves)
        previous = amounts
    return steps >= _LEDGER_STEPS


def records_payment(page: Page) -> bool:
    """Whether the page records a payment made: it says how it was paid and nothing on it
    is owed.

    >>> from vlmserve.backends.ocr_layout import Word
    >>> def page(*lines):
    ...     rows = [(r, i, w) for r, line in enumerate(lines) for i, w in enumerate(line.split())]
    ...     return Page.from_words([Word(w, 10 + 90 * i, 40 * r, 90 + 90 * i, 40 * r + 20)
    ...                             for r, i, w in rows])
    >>> records_payment(page("Order total $40.00", "Paid by Visa ending 4242"))
    True
    >>> records_payment(page("Total $40.00", "Paid via bank transfer", "Due date 1/2/2025"))
    False
    """
    text = "\n".join(line.text for line in page.lines)
    return bool(_PAID.search(text)) and not _OWED.search(text)


def _magnitude(text: str) -> Decimal | None:
    """An amount's value, its sign dropped (a balance may print as "CR" or "DR")."""
    try:
        return Decimal(re.sub(r"[^\d.]", "", text))
    except InvalidOperation:
        return None
