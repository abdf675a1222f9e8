"""What kind of document a page's content says it is, title aside.

A statement is a ledger: each transaction moves a running balance by its own amount, so
the balance column (each row's rightmost amount) steps by an amount printed in the row.
No invoice's item table does that row after row, whatever its layout or wording.

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

__all__ = ["carries_balance"]

# Steps of a running balance that show a ledger: one or two could be chance (two items at
# one price), three in a row are not.
_LEDGER_STEPS = 3
_CENT = Decimal("0.005")


def carries_balance(page: Page) -> bool:
    """Whether the page's amounts run as a ledger: lines with two amounts or more, whose
    last amount (the balance) differs from the previous such line's by another amount of
    the line (the transaction), at least ``_LEDGER_STEPS`` times."""
    steps = 0
    previous: Decimal | None = None
    for line in page.lines:
        amounts = [a for a in map(_magnitude, MONEY.findall(line.text)) if a is not None]
        if not amounts:
            continue
        balance = amounts[-1]
        moved = previous is not None and any(
            abs(abs(balance - previous) - a) < _CENT for a in amounts[:-1]
        )
        steps += moved
        previous = balance
    return steps >= _LEDGER_STEPS


def _magnitude(text: str) -> Decimal | None:
    """An amount's value, its sign dropped (a balance may print as "CR" or "DR")."""
    try:
        return Decimal(re.sub(r"[^\d.]", "", text))
    except InvalidOperation:
        return None
