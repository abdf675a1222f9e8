"""Tax invoice layouts of the final held-out split (see :mod:`vlmserve.synth`).

``letter``: a letterhead, the customer's address block on the right, an item table with an
item code and a GST column; ``band``: a coloured header band, customer and references in
two boxes, payment details in a footer box.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> doc = make_document("invoice", random.Random(2))
>>> sum(row_gst(doc)) == doc.gst
True
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import CENT, Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import INK, PAPER, Column, Page, a4, labelled

M = 80  # page margin
BAND_COLOURS = [(22, 58, 99), (16, 88, 80), (96, 30, 52), (44, 44, 54)]
ITEMS = ["description", "quantity", "unit_price", "amount"]


def row_gst(doc: Document) -> list[Decimal]:
    """GST per item line that adds up to the document's GST: each line's 10 % floored to
    cents, the cents left over going to the lines that lost most (what accounting software
    prints so that the column sums to the GST total)."""
    exact = [item.amount / 10 for item in doc.items]
    floored = [e.quantize(CENT, rounding=ROUND_FLOOR) for e in exact]
    left = int((doc.gst - sum(floored, Decimal(0))) / CENT)
    for i in sorted(range(len(exact)), key=lambda i: floored[i] - exact[i])[:left]:
        floored[i] += CENT
    return floored


def _item_code(description: str, rng: random.Random) -> str:
    """A stock code like ``LD-2041``: the initials of the first two words and a number."""
    initials = "".join(w[0] for w in description.split()[:2] if w[0].isalnum()).upper()
    return f"{initials or 'X'}-{rng.randrange(1000, 9999)}"


def _totals(page: Page, doc: Document, labels: Labels, x: int, x1: int, y: int, bar=None) -> int:
    """Subtotal and GST with labels left of right-aligned values, then the total larger and
    bold: under a rule, or in white on a ``bar`` of that colour. Starts left of ``x`` when
    the widest label and value would otherwise touch."""
    pairs, scale, pad = blocks.totals(doc, labels), 1.15, page.body // 2
    widest = max(page.measure(k, scale, True) for k, _ in pairs)
    x = min(x, x1 - widest - max(page.measure(v, scale, True) for _, v in pairs) - 2 * page.body)
    *rest, (total_label, total) = pairs
    y = page.pairs(x, y, rest, style="side", x1=x1) + page.body // 4
    if bar:
        page.box(x - pad, y, x1 + pad, y + page.line_height(scale), fill=bar, width=0)
    else:
        y = page.rule(y, x, x1) + page.body // 4
    page.text(
        x, y + page.body // 8, total_label, scale=scale, bold=True, fill=PAPER if bar else INK
    )
    kw = {"scale": scale, "bold": True, "align": "r", "fill": PAPER if bar else INK}
    return page.text(x1, y + page.body // 8, total, **kw)


def letter(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Final. A letterhead: the supplier's name centred over its address and contacts joined
    by "|" or "·"; title and references left, the customer's address block right; items
    Item code/Description/Qty/Unit Price/GST/Amount; totals right-aligned under the table;
    payment asked for in a sentence; signed off with the supplier's name."""
    page = a4(rng)
    mid, right, room = page.width // 2, page.width - M, page.width - 2 * M
    s, sep = doc.supplier, rng.choice([" | ", " · "])
    y = page.text(mid, M, s.name, scale=1.7, bold=True, align="m", room=room)
    head = page.joined([s.address, *blocks.contact_lines(s, labels)], sep, room)
    y = page.lines(mid, y, head, align="m", room=room)
    y = page.rule(y + page.body // 2, M, right, width=3)
    y = page.rule(y + 4, M, right, width=1) + page.body
    customer = blocks.party_lines(doc.payer, labels)
    block_x = max(mid - 60, right - max(map(page.measure, customer)))
    page.lines(block_x, y, customer, room=right - block_x)
    y_left = page.text(M, y, labels("invoice_title"), scale=1.5, bold=True)
    refs = [labelled(k, v) for k, v in blocks.references(doc, labels)]
    y_left = page.lines(M, y_left, refs, room=block_x - M - page.body)
    y = max(y_left, y + len(customer) * page.line_height()) + page.body
    y = page.text(M, y, "Please find below our account for goods and services supplied.")
    columns, rows = blocks.item_table(doc, labels, ITEMS)
    columns = [Column(labels("item_code"), 0), *columns]
    columns.insert(4, Column(labels("row_gst"), 0, "r"))
    columns = [replace(c, weight=w) for c, w in zip(columns, [1.6, 4.1, 1.7, 1.8, 1.6, 1.8])]
    for row, item, gst in zip(rows, doc.items, row_gst(doc)):
        row[0:0] = [_item_code(item.description, rng)]
        row.insert(4, doc.style.money(gst))
    y = page.table(M, right, y + page.body // 2, columns, rows, wrap=True)
    y = _totals(page, doc, labels, mid + 80, right, y + page.body // 2) + page.body
    if doc.payment_method:
        days = (doc.due - doc.issued).days
        ask = f"Please pay by {doc.payment_method} within {days} days of the invoice date"
        y = page.text(M, y, ask + (":" if doc.account else "."))
        bank = [labelled(k, v) for k, v in blocks.payment(doc, labels, rng.random() < 0.5)[1:]]
        y = page.lines(M, y, page.joined(bank, sep, room), room=room)
    y = page.text(M, y + page.body, "Yours faithfully,")
    page.text(M, y + page.body, s.name, bold=True)
    return page.image


def band(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Final. A coloured band across the top with the supplier's name, address and the title
    in white; contacts under it; the customer and the references side by side in two boxes;
    items #/Description/Qty/Unit Price/Amount; the total on a coloured bar; payment details
    in a footer box."""
    page = a4(rng)
    mid, right, pad = page.width // 2, page.width - M, page.body // 2
    colour, s = rng.choice(BAND_COLOURS), doc.supplier
    tint = tuple(round(255 - (255 - c) * 0.15) for c in colour)
    title, band_bottom = labels("invoice_title"), M + 2 * page.line_height(1.2)
    page.box(0, 0, page.width, band_bottom - 10, fill=colour, width=0)
    page.text(right, M - 20, title, scale=1.6, bold=True, align="r", fill=PAPER)
    room = page.width - 2 * M - page.measure(title, 1.6, True) - page.body * 2
    y = page.text(M, M - 20, s.name, scale=1.5, bold=True, fill=PAPER, room=room)
    page.text(M, y, s.address, fill=PAPER, room=room)
    contacts = page.joined(blocks.contact_lines(s, labels), "     ", page.width - 2 * M)
    y = page.lines(M, band_bottom + pad, contacts) + page.body
    # Split the width between the boxes by what each needs; the customer's e-mail is long.
    party, refs = blocks.party_lines(doc.payer, labels), blocks.references(doc, labels)
    left_need = max(map(page.measure, party)) + 2 * pad
    right_need = max(page.measure(k, bold=True) for k, _ in refs) + page.body + 2 * pad
    right_need += max(page.measure(v) for _, v in refs)
    split = min(max(mid, M + left_need + 15), right - right_need - 15)
    y_left = page.heading_box(M, split - 15, y, labels("bill_to"), tint)
    y_left = page.lines(M + pad, y_left, party, room=split - 15 - M - 2 * pad)
    y_right = page.heading_box(split + 15, right, y, labels("details_heading"), tint)
    y_right = page.pairs(split + 15 + pad, y_right, refs, style="side", x1=right - pad)
    bottom = max(y_left, y_right) + pad
    page.box(M, y, split - 15, bottom)
    page.box(split + 15, y, right, bottom)
    columns, rows = blocks.item_table(doc, labels, ITEMS)
    columns = [Column("#", 0, "r"), *columns]
    columns = [replace(c, weight=w) for c, w in zip(columns, [0.5, 4.8, 1.5, 1.8, 1.8])]
    rows = [[str(n), *row] for n, row in enumerate(rows, 1)]
    y = page.table(M, right, bottom + page.body, columns, rows, wrap=True)
    _totals(page, doc, labels, mid + 80, right - pad, y + pad, bar=colour)
    pay = [labelled(k, v) for k, v in blocks.payment(doc, labels, rng.random() < 0.5)]
    if pay:
        lines = page.joined(pay, "      ", right - M - 2 * pad)
        top = page.height - M - (len(lines) + 1) * page.line_height() - page.body
        start = page.heading_box(M, right, top, labels("payment_heading"), tint)
        page.lines(M + pad, start, lines, room=right - M - 2 * pad)
        page.box(M, top, right, page.height - M)
    return page.image
