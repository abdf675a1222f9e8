"""The receipt layout of the sealed split (see :mod:`vlmserve.synth`): a point-of-sale app's
printed receipt (Square / Lightspeed style) on a narrow roll in a proportional font, every
line centred or spread from margin to margin: a logo, the store's details, the amount paid
large, the sale's details, the items, the totals, the card or cash details and a barcode.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("receipt", random.Random(4))
>>> pos(doc, Labels(random.Random(4), "sealed"), random.Random(4)).width in (576, 640)
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
from vlmserve.synth.page import FAINT, FONT_FAMILIES, INK, PAGE_FAMILIES, Page, labelled
from vlmserve.synth.printed import abn, quantity
from vlmserve.synth.sealed_invoices import ACCENTS, logo

WIDTHS = (576, 640)  # 80 mm rolls printed at 203 dpi, and at a little more
M = 28


def _spread(page: Page, y: int, left: str, right: str, **kw) -> int:
    """``left`` at the left margin and ``right`` at the right one, on one line."""
    page.text(page.width - M, y, right, align="r", **kw)
    room = page.width - 2 * M - page.measure(right, kw.get("scale", 1.0), kw.get("bold", False))
    return page.text(M, y, left, room=room - page.body, **kw)


def _dotted(page: Page, y: int) -> int:
    """A dotted separator across the roll."""
    y += page.body // 3
    for x in range(M, page.width - M, 10):
        page.draw.ellipse([x, y, x + 3, y + 3], fill=FAINT)
    return y + page.body // 2 + 4


def _tender(page: Page, doc: Document, labels: Labels, y: int, rng: random.Random) -> int:
    """The method, then a card's masked number, entry mode and approval, or cash and change."""
    money, method = doc.style.money, doc.payment_method
    y = _spread(page, y, labels("paid_by"), method, bold=True)
    if method == "Cash":
        notes = [n for n in (5, 10, 20, 50, 100) if n >= doc.total]
        given = Decimal(notes[0] if notes else 50 * math.ceil(doc.total / 50))
        y = _spread(page, y, "Cash tendered", money(given, True))
        return _spread(page, y, "Change", money(given - doc.total, True))
    card = f"{'•••• ' * rng.choice([1, 3])}{rng.randrange(10000):04d}"
    y = _spread(page, y, "Card", card, fill=FAINT)
    y = _spread(page, y, "Entry", rng.choice(["Contactless", "Chip", "Tap"]), fill=FAINT)
    y = _spread(page, y, "Auth code", f"{rng.randrange(10**6):06d}", fill=FAINT)
    return page.text(page.width // 2, y, "APPROVED", bold=True, align="m")


def _barcode(page: Page, y: int, number: str, rng: random.Random) -> int:
    """A barcode-like strip of bars over the receipt number."""
    x, x1, height = M + 40, page.width - M - 40, round(page.body * 2.4)
    while x < x1:
        w = rng.choice([2, 2, 3, 5])
        page.draw.rectangle([x, y, x + w - 1, y + height], fill=INK)
        x += w + rng.choice([2, 3, 4])
    return page.text(page.width // 2, y + height + 4, number, align="m", scale=0.85)


def pos(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Sealed. A logo (some), the store's name, address, phone, website (some) and ABN
    centred; the amount paid large under them; the title; date and time, receipt number and
    who served (some), spread; each item with its amount at the right and "2 x $4.50" under
    a line of more than one; the subtotal (when shown) and GST, or the GST the total
    includes; the total; the tender block; a thank-you and a barcode (some)."""
    family = FONT_FAMILIES[rng.choice(PAGE_FAMILIES)]
    page = Page((rng.choice(WIDTHS), 3000), family, rng.randrange(23, 27))
    s, money, mid = doc.supplier, doc.style.money, page.width // 2
    room = page.width - 2 * M
    y = M
    if rng.random() < 0.6:
        size = round(page.body * 3)
        logo(page, mid - size // 2, y, s.name, rng.choice(ACCENTS), size, rng.random() < 0.5)
        y += size + page.body // 2
    for line in page.joined(s.name.split(), " ", round(room / 1.3)):
        y = page.text(mid, y, line, scale=1.3, bold=True, align="m", room=room)
    head = [s.street, s.locality, labelled(labels("phone"), s.phone)]
    head += [f"www.{s.website}"] if s.website else []
    head.append(labelled(labels("abn"), abn(s.abn)))
    y = page.lines(mid, y, head, align="m", room=room) + page.body // 2
    y = page.text(mid, y, money(doc.total, True), scale=2.2, bold=True, align="m")
    y = page.text(mid, y, labels("receipt_title"), bold=True, align="m", room=room)
    y = _dotted(page, y)
    when = f"{doc.style.date(doc.issued)} {rng.randrange(7, 21):02d}:{rng.randrange(60):02d}"
    y = _spread(page, y, labels("receipt_date"), when)
    y = _spread(page, y, labels("receipt_number"), doc.number)
    if rng.random() < 0.5:
        y = _spread(page, y, labels("served_by"), rng.choice(pools.FIRST_NAMES))
    y = _dotted(page, y)
    times = rng.choice(["x", "×"])
    for item in doc.items:
        y = _spread(page, y, item.description, money(item.amount, True))
        if item.quantity != 1:
            each = f"{quantity(item.quantity)} {times} {money(item.price, True)}"
            y = page.text(M + page.body, y - 4, each, fill=FAINT)
    y = _dotted(page, y)
    if doc.shows_subtotal:
        y = _spread(page, y, labels("subtotal"), money(doc.subtotal, True))
        y = _spread(page, y, labels("gst"), money(doc.gst, True))
    y = _spread(page, y + 4, labels("receipt_total"), money(doc.total, True), scale=1.2, bold=True)
    if not doc.shows_subtotal:
        y = _spread(page, y, labels("gst_included"), money(doc.gst, True), fill=FAINT)
    y = _dotted(page, y)
    y = _tender(page, doc, labels, y, rng)
    y = page.text(mid, y + page.body, "Thank you for shopping with us!", align="m", room=room)
    if rng.random() < 0.5:
        y = _barcode(page, y + page.body, doc.number, rng)
    page.crop(y + 2 * M)
    return page.image
