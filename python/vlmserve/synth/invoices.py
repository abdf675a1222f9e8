"""Tax invoice layouts: each draws a :class:`~vlmserve.synth.content.Document` on an A4 page.

``classic``, ``centred`` and ``modern`` are tuned layouts; ``grid`` is held out (key/value
grid, totals box on the left, supplier only in the footer).
"""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, LABEL_SCALE, a4

M = 90  # page margin


def classic(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Supplier top left, title top right; Bill To beside the references; items
    Description/Qty/Unit Price/Amount; totals right; payment details bottom left."""
    page = a4(rng)
    right = page.width - M
    title = labels("invoice_title")
    page.text(right, M, title, scale=1.9, bold=True, align="r")
    room = page.width - 2 * M - page.measure(title, 1.9, True) - page.body * 2
    y = page.text(M, M, doc.supplier.name, scale=1.4, bold=True, room=room)
    y = page.lines(M, y, blocks.address_lines(doc.supplier, rng.random() < 0.4), room=room)
    y = page.lines(M, y, blocks.contact_lines(doc.supplier, labels), room=room)
    y = page.rule(y + page.body, M, right) + page.body
    refs_x = page.width // 2 + 60
    page.pairs(refs_x, y, blocks.references(doc, labels), style="side", x1=right)
    y_bill = page.text(M, y, labels("bill_to"), bold=True)
    payer = blocks.party_lines(doc.payer, labels)
    y = max(page.lines(M, y_bill, payer, room=refs_x - M - page.body), y + 3 * page.line_height())
    columns, rows = blocks.item_table(
        doc, labels, ["description", "quantity", "unit_price", "amount"]
    )
    y = page.table(M, right, y + page.body, columns, rows)
    y = page.pairs(
        page.width // 2 + 60, y + page.body, blocks.totals(doc, labels), style="side", x1=right
    )
    pay = blocks.payment(doc, labels, grouped_account=rng.random() < 0.5)
    if pay:
        y = page.text(M, y + page.body, "Payment Details", bold=True)
        page.pairs(M, y, pay, style="colon")
    page.text(
        page.width // 2,
        page.height - M - page.body,
        "Thank you for your business",
        align="m",
        fill=FAINT,
    )
    return page.image


def centred(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Centred letterhead and title; references as labels over values beside the customer;
    items Qty/Description/Price/Total; totals in a box; payment details below."""
    page = a4(rng)
    mid, right, room = page.width // 2, page.width - M, page.width - 2 * M
    s = doc.supplier
    y = page.text(mid, M, s.name, scale=1.6, bold=True, align="m", room=room)
    y = page.lines(mid, y, blocks.address_lines(s, True), align="m", room=room)
    contacts = blocks.contact_lines(s, labels)
    for i in range(0, len(contacts), 2):
        y = page.text(mid, y, "     ".join(contacts[i : i + 2]), align="m", room=room)
    y = page.rule(y + page.body // 2, M, right, width=3) + page.body
    y = page.text(mid, y, labels("invoice_title"), scale=1.8, bold=True, align="m") + page.body // 2
    page.text(M, y, labels("bill_to"), scale=LABEL_SCALE, fill=FAINT)
    y_left = page.lines(
        M, y + page.line_height(LABEL_SCALE), blocks.party_lines(doc.payer, labels), room=mid - M
    )
    y_right = page.pairs(mid + 150, y, blocks.references(doc, labels), style="above")
    columns, rows = blocks.item_table(
        doc, labels, ["quantity", "description", "unit_price", "amount"]
    )
    y = page.table(M, right, max(y_left, y_right) + page.body, columns, rows)
    totals = blocks.totals(doc, labels)
    x0, top = mid + 80, y + page.body
    y = page.pairs(x0 + page.body, top + page.body // 2, totals, style="side", x1=right - page.body)
    page.box(x0, top, right, y + page.body // 4)
    pay = blocks.payment(doc, labels, grouped_account=rng.random() < 0.5)
    if pay:
        page.pairs(M, y + 2 * page.body, pay, style="side")
    return page.image


def modern(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Big title and references top left, supplier right-aligned top right; customer under
    a shaded band; gridded items Description/Unit Price/Qty/Amount; payment in a box."""
    page = a4(rng)
    right, half = page.width - M, page.width // 2
    y = page.text(M, M, labels("invoice_title"), scale=2.2, bold=True)
    y_left = page.pairs(M, y, blocks.references(doc, labels), style="side")
    s = doc.supplier
    y_right = page.text(right, M, s.name, scale=1.2, bold=True, align="r", room=half - M)
    lines = blocks.address_lines(s, False) + blocks.contact_lines(s, labels)
    y_right = page.lines(right, y_right, lines, align="r", room=half - M)
    y = max(y_left, y_right) + page.body
    page.box(M, y, right, y + page.line_height(), fill=(225, 230, 238))
    y = (
        page.text(M + page.body // 2, y + page.body // 4, labels("bill_to").upper(), bold=True)
        + page.body // 2
    )
    y = page.lines(
        M, y, blocks.party_lines(doc.payer, labels, one_line=rng.random() < 0.5), room=right - M
    )
    order = ["description", "unit_price", "quantity", "amount"]
    columns, rows = blocks.item_table(doc, labels, order)
    y = page.table(M, right, y + page.body, columns, rows, grid=True)
    y = page.pairs(half + 60, y + page.body, blocks.totals(doc, labels), style="side", x1=right)
    pay = blocks.payment(doc, labels, grouped_account=rng.random() < 0.5)
    if pay:
        top = y + page.body
        bottom = page.pairs(M + page.body, top + page.body // 2, pay, style="side")
        page.box(M, top, right, bottom + page.body // 4)
    return page.image


def grid(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Held out. Title right-aligned; references and the customer in a two-column key/value
    grid; items Qty/Description/Unit Price/Amount; totals box on the LEFT with payment
    details beside it; the supplier only in the footer."""
    page = a4(rng)
    right, half = page.width - M, page.width // 2
    y = page.text(right, M, labels("invoice_title"), scale=2.0, bold=True, align="r") + page.body
    p = doc.payer
    cells = [*blocks.references(doc, labels), (labels("bill_to"), p.name), ("Address", p.address)]
    cells += [(labels("phone"), p.phone)] if p.phone else []
    cells += [(labels("email"), p.email)] if p.email else []
    y = page.grid(M, right, y, cells)
    columns, rows = blocks.item_table(
        doc, labels, ["quantity", "description", "unit_price", "amount"]
    )
    y = page.table(M, right, y, columns, rows, grid=True) + page.body
    totals_bottom = page.pairs(
        M + page.body, y + page.body // 2, blocks.totals(doc, labels), style="side", x1=half - 40
    )
    page.box(M, y, half - 20, totals_bottom + page.body // 4)
    pay = blocks.payment(doc, labels, grouped_account=rng.random() < 0.5)
    if pay:
        page.pairs(half + 20, y + page.body // 2, pay, style="colon")
    s = doc.supplier
    footer = [s.name, s.address, *blocks.contact_lines(s, labels)]
    y = page.height - M - len(footer) * page.line_height()
    page.rule(y - page.body // 2, M, right)
    page.text(half, y, footer[0], bold=True, align="m", room=right - M)
    page.lines(half, y + page.line_height(), footer[1:], align="m", room=right - M)
    return page.image
