"""A statement's closing balance: the amount its label says closes the period, wherever
the label is ("End balance", "Current balance: $97.26" run on after other totals, "New
balance" in a summary line), else the running balance of its last transaction.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_rules import Document
>>> words = "Previous balance: $10.00 Paid in: $5.00 New balance: $15.00".split()
>>> doc = Document(Page.from_words([Word(w, 10 + 90 * i, 10, 80 + 90 * i, 30)
...                                 for i, w in enumerate(words)]))
>>> closing_balance(doc)
'$15.00'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vlmserve.backends.ocr_layout import Page
from vlmserve.backends.ocr_table import MONEY
from vlmserve.backends.ocr_text import DATE
from vlmserve.backends.ocr_values import labelled
from vlmserve.extract import normalize

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["closes", "closing_balance", "running_balance"]

# Words that say a balance is the one the period ends on, or the one it starts from.
_CLOSING_WORDS = {"closing", "close", "end", "ending", "final", "new", "current", "carried", "cf"}
_OPENING_WORDS = {"opening", "open", "start", "starting", "previous", "prior", "brought", "bf"}


def closes(label: str) -> bool:
    """The label names a balance the period ends on.

    >>> closes("end balance"), closes("balance at close"), closes("opening balance b f")
    (True, True, False)
    """
    words = set(label.replace("c f", "cf").replace("b f", "bf").split())
    balance = any(w.startswith("bal") for w in words)
    return balance and bool(words & _CLOSING_WORDS) and not words & _OPENING_WORDS


def closing_balance(doc: Document) -> str | None:
    """A closing-balance label's amount (the last one: a summary closes the page), else
    a statement's running balance (an invoice's dated item rows have no balance)."""
    if "closing" in doc.totals:
        return doc.totals["closing"]
    found = [m.text for m in labelled(doc.page, MONEY) if closes(m.label)]
    if found:
        return found[-1]
    return running_balance(doc.page) if doc.kind == "BANK_STATEMENT" else None


def running_balance(page: Page) -> str | None:
    """The balance after the latest transaction: a transaction row is a line with a date
    and two amounts or more, its balance the rightmost (the last of a day's rows when
    the statement runs forward, the first when it runs backward).

    >>> from vlmserve.backends.ocr_layout import Word
    >>> rows = [("01/05/2025", "-5.00", "95.00"), ("03/05/2025", "20.00", "115.00")]
    >>> running_balance(Page.from_words([Word(t, 10 + 200 * i, 40 * r, 150 + 200 * i, 40 * r + 20)
    ...                                  for r, row in enumerate(rows) for i, t in enumerate(row)]))
    '115.00'
    """
    rows = []
    day = None  # a date on a line of its own heads the day's rows under it
    for line in page.lines:
        # The row's own date is its last: a side panel's may share its line, on its left.
        when = DATE.findall(line.text)
        amounts = MONEY.findall(line.text)
        iso = normalize("date", when[-1]) if when else None
        if when and not amounts and DATE.sub("", line.text).strip(" ,-") == "":
            day = iso
        iso = iso if when else day
        if isinstance(iso, str) and len(amounts) >= 2:
            rows.append((iso, amounts[-1].strip()))
    if len(rows) < 2:
        return None
    forward = rows[0][0] <= rows[-1][0]
    latest = max(iso for iso, _ in rows)
    last = [balance for iso, balance in rows if iso == latest]
    return last[-1] if forward else last[0]
