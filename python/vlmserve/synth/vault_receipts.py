"""The receipt layout of the vault split (see :mod:`vlmserve.synth`): a cafe's,
restaurant's or fuel station's tax invoice from a thermal printer, set on a grid of
fixed-width characters the way a POS printer does it: the venue's details centred, the
table or order number, each item as "2 Flat White 9.00" (a fuel line with its litres and
price per litre under it), the totals with the GST the total includes, and the card
terminal's lines (card type, masked number, purchase, approval) or the cash and change.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("receipt", random.Random(4), "hospitality")
>>> thermal(doc, Labels(random.Random(4), "vault"), random.Random(4)).width in (576, 640)
True
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import pools
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FONT_FAMILIES, MONO_FAMILIES, PAGE_FAMILIES, Page, labelled
from vlmserve.synth.printed import abn, quantity

WIDTHS = (576, 640)
M = 24
CARDS = {"EFTPOS": "EFTPOS SAVINGS", "VISA": "VISA CREDIT", "Mastercard": "MASTERCARD DEBIT"}


class _Roll:
    """A thermal printer's line buffer: ``cols`` characters a line, each line drawn at the
    left margin (monospaced) or as its left and right parts (proportional)."""

    def __init__(self, page: Page, mono: bool) -> None:
        self.page, self.mono, self.y = page, mono, M
        self.cols = (page.width - 2 * M) // page.measure("0")

    def line(self, text: str = "", *, bold=False, scale=1.0, centre=False) -> None:
        x = self.page.width // 2 if centre else M
        room = self.page.width - 2 * M
        self.y = self.page.text(x, self.y, text, bold=bold, scale=scale,
                                align="m" if centre else "l", room=room)  # fmt: skip

    def pair(self, left: str, right: str, *, bold=False, scale=1.0) -> None:
        """``left`` and ``right`` on one line, padded apart to the full width."""
        cols = math.floor(self.cols / scale)
        if self.mono and len(left) + len(right) < cols:
            self.line(left + " " * (cols - len(left) - len(right)) + right, bold=bold, scale=scale)
            return
        right_w = self.page.measure(right, scale, bold)
        room = self.page.width - 2 * M - right_w - self.page.body
        self.page.text(self.page.width - M, self.y, right, align="r", bold=bold, scale=scale)
        self.y = self.page.text(M, self.y, left, bold=bold, scale=scale, room=room)

    def rule(self, char: str = "-") -> None:
        self.line(char * ((self.page.width - 2 * M) // self.page.measure(char)))


def _tender(roll: _Roll, doc: Document, labels: Labels, rng: random.Random) -> None:
    money, method = doc.style.money, doc.payment_method
    roll.pair(labelled(labels("paid_by"), method), money(doc.total, True), bold=True)
    if method == "Cash":
        notes = [n for n in (10, 20, 50, 100) if n >= doc.total]
        given = Decimal(notes[0] if notes else 50 * math.ceil(doc.total / 50))
        roll.pair("CASH", money(given, True))
        roll.pair("CHANGE", money(given - doc.total, True))
        return
    roll.rule("=")
    roll.line("CUSTOMER COPY", centre=True)
    roll.line(CARDS.get(method, method.upper()))
    roll.pair("CARD", f"XXXX XXXX XXXX {rng.randrange(10000):04d}")
    roll.pair("ENTRY", rng.choice(["CONTACTLESS", "CHIP", "TAP"]))
    roll.pair(f"TERMINAL {rng.randrange(10**7, 10**8)}", f"STAN {rng.randrange(10**6):06d}")
    roll.pair("PURCHASE AUD", money(doc.total, True))
    roll.pair("APPROVED", f"AUTH {rng.randrange(10**6):06d}", bold=True)


def thermal(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Vault. The venue's name (large), address, phone, website (some) and ABN centred; the
    title; the table or order number and covers (some), the receipt number, date and time,
    who served (some); each item as quantity, description and amount (a fuel's litres and
    price a litre on the next line; "@ $4.50" under a multiple, some); the subtotal and GST
    (when shown), the total, the GST it includes (when the subtotal is not shown); a note that
    no surcharge applies (some); the tender and the card slip or cash and change; thanks."""
    mono = rng.random() < 0.7
    family = FONT_FAMILIES[rng.choice(MONO_FAMILIES if mono else PAGE_FAMILIES)]
    page = Page((rng.choice(WIDTHS), 3200), family, rng.randrange(23, 26))
    roll, s, money, style = _Roll(page, mono), doc.supplier, doc.style.money, doc.style
    for line in page.joined(s.name.split(), " ", round((page.width - 2 * M) / 1.3)):
        roll.line(line, bold=True, scale=1.3, centre=True)
    head = [s.street, s.locality, labelled(labels("phone"), s.phone)]
    head += [f"www.{s.website}"] if s.website else []
    head.append(labelled(labels("abn"), abn(s.abn)))
    for line in head:
        roll.line(line, centre=True)
    roll.y += page.body // 2
    roll.line(labels("receipt_title").upper(), bold=True, scale=1.1, centre=True)
    roll.rule()
    fuel = any(i.description in pools.FUELS for i in doc.items)
    if fuel:
        roll.pair(f"Pump {rng.randrange(1, 13)}", f"Register {rng.randrange(1, 4)}")
    elif rng.random() < 0.6:
        covers = f"Covers {rng.randrange(1, 7)}" if rng.random() < 0.5 else ""
        roll.pair(f"{labels('table')} {rng.randrange(1, 45)}", covers, bold=True)
    else:
        roll.line(f"{labels('order')} {rng.randrange(1, 200)}", bold=True, scale=1.2)
    roll.pair(labels("receipt_number"), doc.number)
    time = f"{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}"
    roll.pair(labels("receipt_date"), f"{style.date(doc.issued, short=True)} {time}")
    if rng.random() < 0.5:
        roll.pair("Served by", rng.choice(pools.FIRST_NAMES))
    roll.rule()
    each = rng.random() < 0.5
    for item in doc.items:
        amount = money(item.amount, False)
        if item.description in pools.FUELS:
            roll.pair(item.description, amount)
            roll.line(f"  {quantity(item.quantity)}L @ ${item.price}/L")
            continue
        roll.pair(f"{quantity(item.quantity)} {item.description}", amount)
        if each and item.quantity != 1:
            roll.line(f"    @ {money(item.price, True)}")
    roll.rule()
    if doc.shows_subtotal:
        roll.pair(labels("subtotal"), money(doc.subtotal, True))
        roll.pair(labels("gst"), money(doc.gst, True))
    roll.pair(labels("receipt_total"), money(doc.total, True), bold=True, scale=1.3)
    if not doc.shows_subtotal:
        roll.pair(labels("gst_included"), money(doc.gst, True))
    if rng.random() < 0.4:
        roll.line("No surcharge on card payments", centre=True)
    roll.rule()
    _tender(roll, doc, labels, rng)
    roll.y += page.body
    thanks = "THANK YOU - DRIVE SAFELY" if fuel else "THANK YOU, PLEASE COME AGAIN"
    roll.line(thanks, centre=True)
    page.crop(roll.y + 2 * M)
    return page.image
