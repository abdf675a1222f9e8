"""The receipt layout of the final held-out split (see :mod:`vlmserve.synth`): a narrow POS
docket in a proportional font, quantity first on each item line."""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, FONT_FAMILIES, PAGE_FAMILIES, Page, labelled
from vlmserve.synth.printed import quantity

DOCKET = (576, 3000)  # an 80 mm POS docket: 72 mm printed at 203 dpi; cropped to content
M = 28


def cafe(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Final. The shop's details centred; title; order number and table, date and time;
    items as "2  Flat White  9.00" (quantity first, no header, "@ 4.50 each" under a line of
    more than one); subtotal (when shown), the total, then "Includes GST $x.xx"."""
    page = Page(DOCKET, FONT_FAMILIES[rng.choice(PAGE_FAMILIES)], rng.randrange(23, 27))
    mid, right = page.width // 2, page.width - M
    room, s, money = right - M, doc.supplier, doc.style.money
    y = page.text(mid, M, s.name, scale=1.25, bold=True, align="m", room=room)
    head = [*blocks.address_lines(s, False), *blocks.contact_lines(s, labels)]
    y = page.lines(mid, y, head, align="m", room=room) + page.body // 2
    y = page.text(mid, y, labels("receipt_title"), scale=1.1, bold=True, align="m")
    page.text(right, y, f"Table {rng.randrange(1, 40)}", align="r")
    y = page.text(M, y, labelled(labels("receipt_number"), doc.number))
    when = f"{doc.style.date(doc.issued)} {rng.randrange(7, 16)}:{rng.randrange(60):02d}"
    y = page.text(M, y, labelled(labels("receipt_date"), when), room=room)
    y = page.rule(y + page.body // 3, M, right) + page.body // 2
    indent = M + round(page.body * 2.2)
    for item in doc.items:
        amount = money(item.amount)
        page.text(M, y, quantity(item.quantity))
        page.text(right, y, amount, align="r")
        y = page.text(indent, y, item.description, room=right - indent - page.measure(amount) - 20)
        if item.quantity != 1:
            y = page.text(indent, y, f"@ {money(item.price)} each", fill=FAINT)
    y = page.rule(y + page.body // 3, M, right) + page.body // 2
    if doc.shows_subtotal:
        subtotal = [(labels("subtotal"), money(doc.subtotal, True))]
        y = page.pairs(M, y, subtotal, style="side", x1=right)
    page.text(M, y, labels("receipt_total"), scale=1.3, bold=True)
    y = page.text(right, y, money(doc.total, True), scale=1.3, bold=True, align="r")
    y = page.text(M, y, f"{labels('gst_included')} {money(doc.gst, True)}")
    y = page.text(M, y + page.body // 2, labelled(labels("paid_by"), doc.payment_method))
    y = page.text(mid, y + page.body, "Thank you, see you again soon!", align="m")
    page.crop(y + 2 * M)
    return page.image
