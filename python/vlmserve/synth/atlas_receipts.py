"""Receipt layouts of the atlas split (see :mod:`vlmserve.synth`).

``order``: an online shop's order confirmation e-mail as a browser prints it: the mail's
subject and print date in small grey type, the shop's name as a logo, a thank-you heading
with the order number and date, every product with a thumbnail placeholder, its variant
lines ("Size: M"), "Qty 2 x $24.95" and the line price; the subtotal, shipping (free), GST
and total; the shipping and billing addresses side by side; the card or wallet paid with
("Visa ending 4242"); the shop's ABN, address and contacts in the footer.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("receipt", random.Random(2), "order")
>>> order(doc, Labels(random.Random(2), "atlas"), random.Random(2)).width
1240
"""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import pools
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import (
    FAINT,
    FONT_FAMILIES,
    LABEL_SCALE,
    PAGE_FAMILIES,
    PAPER,
    Page,
    labelled,
)
from vlmserve.synth.printed import abn, quantity
from vlmserve.synth.sealed_invoices import ACCENTS

M = 90
THUMB = (226, 228, 232)


def _variants(rng: random.Random, description: str) -> list[str]:
    lines = next(
        v for items in pools.ATLAS_SHOPS.values() for d, *_, v in items if d == description
    )
    return [
        line.format(
            size=rng.choice(pools.ATLAS_SIZES),
            colour=rng.choice(pools.ATLAS_COLOURS),
            scent=rng.choice(pools.ATLAS_SCENTS),
        )  # fmt: skip
        for line in lines
    ]


def _card(rng: random.Random, method: str) -> str:
    """What the e-mail says about how it was paid: ``Visa ending 4242``."""
    if method in ("PayPal", "Afterpay"):
        return method
    digits = f"{rng.randrange(10000):04d}"
    return rng.choice([f"{method} ending {digits}", f"{method} ending in {digits}",
                       f"{method} **** {digits}"])  # fmt: skip


def order(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Atlas. A browser's print of the e-mail (A4 wide, cut to its content): subject and print
    date; the shop's name in its colour, left or centred; the heading, order number and
    date; items with thumbnails, variants, quantity x price and line price; the sums at the
    right; shipping and billing addresses; payment; the shop's footer."""
    family = FONT_FAMILIES[rng.choice(PAGE_FAMILIES)]
    page, accent = Page((1240, 2600), family, rng.randrange(25, 30)), rng.choice(ACCENTS)
    s, p, style, money = doc.supplier, doc.payer, doc.style, doc.style.money
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    # the browser's print header
    subject = f"{s.name} - {labels('order_title')} #{doc.number}"
    page.text(M - 40, 30, subject, scale=0.75, fill=FAINT, room=mid)
    page.text(page.width - 50, 30, style.date(doc.issued, short=True), scale=0.75, align="r",
              fill=FAINT)  # fmt: skip
    # the shop's logo
    centred = rng.random() < 0.5
    y = M + page.body
    y = page.text(mid if centred else M, y, s.name.upper() if rng.random() < 0.5 else s.name,
                  scale=2.0, bold=True, align="m" if centred else "l", fill=accent)  # fmt: skip
    y = page.rule(y + pad, M, right, width=2, fill=accent) + page.body
    y = page.text(M, y, labels("order_title"), scale=1.4, bold=True)
    hello = f"Hi {p.name.split()[0]}, we're getting your order ready to be shipped."
    y = page.text(M, y, hello, fill=FAINT, room=right - M) + pad
    refs = [
        (labels("receipt_number"), doc.number),
        (labels("receipt_date"), style.date(doc.issued)),
    ]
    if rng.random() < 0.5:
        y = page.pairs(M, y, refs, style="side") + page.body
    else:
        line = "     ".join(labelled(k, v) for k, v in refs)
        y = page.text(M, y, line, bold=True, room=right - M) + page.body
    # items
    y = page.text(M, y, labels("order_summary"), scale=1.1, bold=True) + 4
    y = page.rule(y, M, right, width=1)
    size = round(page.body * 3.4)
    for item in doc.items:
        top = y + page.body
        page.box(M, top, M + size, top + size, fill=THUMB, width=1)
        page.draw.line([(M, top), (M + size, top + size)], fill=PAPER, width=2)
        page.draw.line([(M, top + size), (M + size, top)], fill=PAPER, width=2)
        x = M + size + page.body
        y_item = page.text(x, top, item.description, bold=True, room=right - x - 200)
        y_item = page.lines(x, y_item, _variants(rng, item.description), scale=LABEL_SCALE,
                            fill=FAINT)  # fmt: skip
        each = f"Qty {quantity(item.quantity)} x {money(item.price, True)}"
        y_item = page.text(x, y_item, each, scale=0.95)
        page.text(right, top, money(item.amount, True), bold=True, align="r")
        y = page.rule(max(y_item, top + size) + page.body, M, right, width=1)
    y += page.body
    sums = [
        (labels("order_subtotal"), money(doc.subtotal, True)),
        (labels("shipping"), labels("free")),
        (labels("order_gst"), money(doc.gst, True)),
    ]
    y = page.pairs(mid + 80, y, sums, style="side", x1=right)
    y = page.rule(y + 4, mid + 80, right, width=2) + pad
    total = labels("receipt_total")
    page.text(mid + 80, y, total, scale=1.2, bold=True, room=right - mid - 300)
    y = page.text(right, y, money(doc.total, True), scale=1.2, bold=True, align="r")
    if rng.random() < 0.5:
        note = f"{labels('gst_included')} {money(doc.gst, True)}"
        y = page.text(right, y, note, scale=0.85, align="r", fill=FAINT)
    y += page.body * 2
    # addresses and payment
    billing = [p.name, p.street, p.locality]
    billing += [p.email] if p.email else []
    billing += [p.phone] if p.phone else []
    shipping = [p.name, p.street, p.locality]
    if rng.random() < 0.3:  # sent to work, or to a parcel locker
        suburb, state, postcode = rng.choice(pools.LOCALITIES)
        spot = rng.choice([f"Parcel Locker {rng.randrange(100, 999)}",
                           f"{rng.randrange(1, 300)} {rng.choice(pools.STREETS)} St"])  # fmt: skip
        shipping = [p.name, spot, f"{suburb} {state} {postcode}"]
    ship_first = rng.random() < 0.7
    blocks_ = [(labels("ship_to"), shipping), (labels("bill_address"), billing)]
    if not ship_first:
        blocks_.reverse()
    bottom = y
    for (heading, lines), x in zip(blocks_, (M, mid + 20)):
        at = page.text(x, y, heading, bold=True)
        bottom = max(bottom, page.lines(x, at, lines, room=mid - M - 40))
    y = bottom + page.body
    y = page.text(M, y, labels("paid_by"), bold=True)
    y = page.text(M, y, _card(rng, doc.payment_method)) + page.body * 2
    # footer
    y = page.rule(y, M, right, width=1) + pad
    foot = [s.name, s.address, labelled(labels("abn"), abn(s.abn))]
    foot += [labelled(labels("phone"), s.phone)] if s.phone else []
    foot.append(f"www.{s.website}")
    y = page.lines(mid, y, page.joined(foot, "  |  ", right - M), scale=0.85, align="m",
                   fill=FAINT)  # fmt: skip
    page.crop(max(y + M // 2, 1000))
    return page.image
