"""The receipt layout of the blind split (see :mod:`vlmserve.synth`): a web shop's emailed
payment receipt, printed: a card in the middle of the page, amount, date and method side by
side as small labels over values, an item summary and the shop's details at the foot.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("receipt", random.Random(4))
>>> emailed(doc, Labels(random.Random(4), "blind"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, LABEL_SCALE, Page, a4, labelled
from vlmserve.synth.printed import abn, quantity

CARD = (170, 1070)  # the receipt card's left and right edges
CARD_FILL = (250, 250, 252)


def _key_facts(page: Page, doc: Document, labels: Labels, y: int, rng: random.Random) -> int:
    """Amount, date and method in three columns, each a small label over its value; a card
    method gets its last four digits under it."""
    x0, x1 = CARD[0] + 40, CARD[1] - 40
    facts = [
        (labels("receipt_total"), doc.style.money(doc.total, True)),
        (labels("receipt_date"), doc.style.date(doc.issued)),
        (labels("paid_by"), doc.payment_method),
    ]
    width, bottom = (x1 - x0) // 3, y
    for i, (k, v) in enumerate(facts):
        x = x0 + i * width
        top = page.text(x, y, k.upper(), scale=LABEL_SCALE, fill=FAINT, room=width - 20)
        bottom = page.text(x, top, v, bold=True, room=width - 20)
    if doc.payment_method != "Cash":
        page.text(x0 + 2 * width, bottom, f"ending {rng.randrange(10000):04d}", fill=FAINT)
    return bottom + page.line_height() + page.body // 2


def _summary(page: Page, doc: Document, labels: Labels, y: int) -> int:
    """Each item, its amount at the right and "qty x $unit" under it; then the subtotal
    (when shown), GST and the amount paid."""
    x0, x1, money = CARD[0] + 40, CARD[1] - 40, doc.style.money
    y = page.text(x0, y, labels("summary_heading").upper(), scale=LABEL_SCALE, fill=FAINT)
    y = page.rule(y, x0, x1, width=1) + page.body // 2
    for item in doc.items:
        amount = money(item.amount, True)
        page.text(x1, y, amount, align="r")
        y = page.text(x0, y, item.description, room=x1 - x0 - page.measure(amount) - 30)
        each = f"{quantity(item.quantity)} × {money(item.price, True)}"
        y = page.text(x0, y - 4, each, fill=FAINT) + page.body // 3
    y = page.rule(y, x0, x1, width=1) + page.body // 2
    sums = [(labels("subtotal"), money(doc.subtotal, True))] if doc.shows_subtotal else []
    sums.append((labels("gst_included"), money(doc.gst, True)))
    y = page.pairs(x0, y, sums, style="side", x1=x1)
    y = page.rule(y, x0, x1, width=1) + page.body // 2
    page.text(x0, y, labels("receipt_total"), bold=True, scale=1.15)
    return page.text(x1, y, money(doc.total, True), bold=True, scale=1.15, align="r")


def emailed(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Blind. On a grey page, a card: the shop's name, the receipt title and number centred;
    amount/date/method; the items; the totals; a footer with address, contacts and ABN."""
    page, s = a4(rng), doc.supplier
    page.draw.rectangle([0, 0, page.width, page.height], fill=(243, 244, 247))
    top = 110
    page.draw.rectangle(
        [CARD[0], top, CARD[1], page.height - top], fill=CARD_FILL, outline=(210, 212, 218)
    )
    mid = page.width // 2
    room = CARD[1] - CARD[0] - 80
    y = page.text(mid, top + 50, s.name, scale=1.5, bold=True, align="m", room=room)
    y = page.text(mid, y, labels("receipt_title"), scale=1.15, align="m")
    y = page.text(mid, y, labelled(labels("receipt_number"), doc.number), align="m", fill=FAINT)
    y = _key_facts(page, doc, labels, y + page.body, rng)
    y = _summary(page, doc, labels, y) + page.body
    contacts = blocks.contact_lines(s, labels, with_abn=False)
    foot = [
        f"Questions? Contact {s.name}",
        *page.joined(contacts, "  ·  ", room),
        s.address,
        labelled(labels("abn"), abn(s.abn)),
    ]
    y = page.rule(y, CARD[0] + 40, CARD[1] - 40, width=1) + page.body // 2
    page.lines(mid, y, foot, align="m", room=room, fill=FAINT)
    return page.image
