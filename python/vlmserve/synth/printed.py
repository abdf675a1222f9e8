"""How values look on paper: the real-world spellings a document prints, one style per
document (a document does not switch date format halfway down the page).

>>> import datetime
>>> from decimal import Decimal
>>> style = Style(date_format="{d} %B %Y", money_symbol=True, bsb_separator="-")
>>> style.date(datetime.date(2025, 3, 5)), style.money(Decimal("1234.5")), abn("51824753556")
('5 March 2025', '$1,234.50', '51 824 753 556')
>>> style.bsb("062000"), quantity(Decimal("1.50"))
('062-000', '1.5')
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

# strftime patterns; "{d}" is the day without a leading zero (strftime's %-d is not portable).
DATE_FORMATS = ["%d/%m/%Y", "{d} %B %Y", "%d-%b-%Y", "%Y-%m-%d", "{d} %b %Y"]


@dataclass(frozen=True)
class Style:
    """The printing choices of one document."""

    date_format: str
    money_symbol: bool
    bsb_separator: str

    @classmethod
    def draw(cls, rng: random.Random) -> Style:
        return cls(rng.choice(DATE_FORMATS), rng.random() < 0.6, rng.choice(["-", " "]))

    def date(self, day: datetime.date, short: bool = False) -> str:
        """The date as this document prints it; ``short`` abbreviates the month name (for
        narrow table columns)."""
        pattern = self.date_format.replace("%B", "%b") if short else self.date_format
        return day.strftime(pattern.replace("{d}", str(day.day)))

    def money(self, amount: Decimal, symbol: bool | None = None) -> str:
        """``$1,234.50``; without the ``$`` when the document's tables omit it."""
        sign = "-" if amount < 0 else ""
        dollar = "$" if (self.money_symbol if symbol is None else symbol) else ""
        return f"{sign}{dollar}{abs(amount):,.2f}"

    def bsb(self, digits: str) -> str:
        return f"{digits[:3]}{self.bsb_separator}{digits[3:]}"


def abn(digits: str) -> str:
    """The ABN as the ATO prints it: 2-3-3-3."""
    return f"{digits[:2]} {digits[2:5]} {digits[5:8]} {digits[8:]}"


def quantity(q: Decimal) -> str:
    """``2`` or ``1.5``: no trailing zeros (what the normal form of a number is too)."""
    text = f"{q:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def account(digits: str, grouped: bool) -> str:
    """An account number, in groups of 3 or 4 digits when ``grouped`` (``1234 5678``)."""
    if not grouped:
        return digits
    size = 4 if len(digits) % 4 == 0 else 3
    return " ".join(digits[i : i + size] for i in range(0, len(digits), size))
