"""The receipt layout of the exam split (see :mod:`vlmserve.synth`): a supermarket till
roll, item code, description and price on one line, "3 @ $1.20" under multiples, the total
printed double height and a card or cash block at the end.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("receipt", random.Random(4))
>>> supermarket(doc, Labels(random.Random(4), "exam"), random.Random(4)).width
640
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from PIL import Image, ImageDraw

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import INK, PAPER, Page, labelled, till_roll
from vlmserve.synth.printed import quantity

M = 26


def double_height(page: Page, y: int, left: str, right: str) -> int:
    """``left`` and ``right`` on one line, bold and stretched to twice their height (what a
    thermal printer's double-height mode prints)."""
    font = page.font(bold=True)
    strip = Image.new("RGB", (page.width, page.line_height()), PAPER)
    draw = ImageDraw.Draw(strip)
    draw.text((M, 0), left, font=font, fill=INK)
    draw.text((page.width - M, 0), right, font=font, fill=INK, anchor="ra")
    tall = strip.resize((page.width, 2 * strip.height), Image.Resampling.BICUBIC)
    page.image.paste(tall, (0, y))
    return y + tall.height


def _tender(doc: Document, labels: Labels, rng: random.Random) -> list[str]:
    """The card slip (masked card number, purchase amount, approval) or cash and change."""
    total, money = doc.total, doc.style.money
    method = doc.payment_method
    if method == "Cash":
        # the note or notes a shopper hands over: the smallest that covers the total
        notes = [n for n in (5, 10, 20, 50, 100) if n >= total]
        given = Decimal(notes[0] if notes else 50 * math.ceil(total / 50))
        return [
            labelled(labels("paid_by"), method),
            f"CASH TENDERED {money(given, True)}",
            f"CHANGE {money(given - total, True)}",
        ]
    return [
        labelled(labels("paid_by"), method),
        f"CARD ************{rng.randrange(10000):04d}",
        f"PURCHASE AUD {money(total, False)}",
        f"{'EFTPOS' if method == 'EFTPOS' else method.upper()} APPROVED",
        f"AUTH {rng.randrange(10**6):06d}  RRN {rng.randrange(10**9):09d}",
    ]


def supermarket(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Exam. Store name, address, contacts and ABN centred; store, lane and operator; sale
    number and time; each item as "code  DESCRIPTION  price" (the line amount), with
    "qty @ $unit" under multiples; subtotal (when shown); the total double height; "GST
    included in total"; then the tender block and a thank-you."""
    page, s = till_roll(rng), doc.supplier
    mid, right, money = page.width // 2, page.width - M, doc.style.money
    room = right - M
    y = page.text(mid, M, s.name.upper(), scale=1.2, bold=True, align="m", room=room)
    head = [*blocks.address_lines(s, False), *blocks.contact_lines(s, labels)]
    y = page.lines(mid, y, head, align="m", room=room) + page.body // 2
    y = page.text(mid, y, labels("receipt_title"), bold=True, align="m")
    store = f"Store {rng.randrange(1000, 9999)}  Lane {rng.randrange(1, 20)}"
    y = page.text(M, y, f"{store}  Op {rng.randrange(100, 999)}", room=room)
    y = page.text(M, y, labelled(labels("receipt_number"), doc.number))
    when = f"{doc.style.date(doc.issued)} {rng.randrange(7, 22):02d}:{rng.randrange(60):02d}"
    y = page.text(M, y, labelled(labels("receipt_date"), when), room=room)
    y = page.rule(y + page.body // 3, M, right) + page.body // 2
    indent = M + page.measure("0000 ")
    for item in doc.items:
        amount = money(item.amount)
        page.text(M, y, f"{rng.randrange(1000, 10000)}")
        page.text(right, y, amount, align="r")
        desc_room = right - indent - page.measure(amount) - page.body
        y = page.text(indent, y, item.description.upper(), room=desc_room)
        if item.quantity != 1:
            y = page.text(
                indent + page.body, y, f"{quantity(item.quantity)} @ {money(item.price, True)}"
            )
    y = page.rule(y + page.body // 3, M, right) + page.body // 2
    if doc.shows_subtotal:
        y = page.pairs(
            M, y, [(labels("subtotal").upper(), money(doc.subtotal, True))], style="side", x1=right
        )
    y = double_height(page, y, labels("receipt_total").upper(), money(doc.total, True))
    y = page.text(M, y + page.body // 3, f"{labels('gst_included')} {money(doc.gst, True)}")
    y = page.rule(y + page.body // 3, M, right) + page.body // 2
    y = page.lines(M, y, _tender(doc, labels, rng), room=room)
    y = page.text(mid, y + page.body, "Thank you for shopping with us", align="m", room=room)
    page.crop(y + 2 * M)
    return page.image
