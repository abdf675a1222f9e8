"""Receipt layouts: a till roll as long as its content, in a monospaced font.

``docket`` and ``table`` are tuned layouts; ``strip`` is held out (title first, items with
amounts on the item line, the shop's details only at the bottom).
"""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import Page, till_roll
from vlmserve.synth.printed import quantity

M = 30  # roll margin


def _dashes(page: Page, y: int) -> int:
    return page.rule(y + page.body // 3, M, page.width - M, width=2) + page.body // 2


def _header(page: Page, doc: Document, labels: Labels, align: str) -> int:
    x = {"m": page.width // 2, "l": M}[align]
    room = page.width - 2 * M
    y = page.text(x, M, doc.supplier.name, scale=1.2, bold=True, align=align, room=room)
    y = page.lines(x, y, blocks.address_lines(doc.supplier, False), align=align, room=room)
    return page.lines(x, y, blocks.contact_lines(doc.supplier, labels), align=align, room=room)


def _references(doc: Document, labels: Labels) -> list[tuple[str, str]]:
    return [
        (labels("receipt_number"), doc.number),
        (labels("receipt_date"), doc.style.date(doc.issued)),
    ]


def _totals(page: Page, doc: Document, labels: Labels, y: int) -> int:
    right = page.width - M
    *rest, (total_label, total) = blocks.totals(doc, labels, total="receipt_total")
    y = page.pairs(M, y, rest, style="side", x1=right) if rest else y
    page.text(M, y, total_label, scale=1.2, bold=True)
    return page.text(right, y, total, scale=1.2, bold=True, align="r")


def _finish(page: Page, doc: Document, labels: Labels, y: int) -> Image.Image:
    y = page.pairs(M, y + page.body // 2, [(labels("paid_by"), doc.payment_method)], style="colon")
    y = page.text(page.width // 2, y + page.body, "Thank you!", align="m")
    page.crop(y + 2 * M)
    return page.image


def docket(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Centred header; each item on its own line with "qty x price" and the amount under it."""
    page = till_roll(rng)
    right = page.width - M
    y = _header(page, doc, labels, "m")
    y = page.text(
        page.width // 2, y + page.body // 2, labels("receipt_title"), bold=True, align="m"
    )
    y = page.pairs(M, y, _references(doc, labels), style="colon")
    y = _dashes(page, y)
    money = doc.style.money
    for item in doc.items:
        y = page.text(M, y, item.description, room=right - M)
        page.text(M + 2 * page.body, y, f"{quantity(item.quantity)} x {money(item.price)}")
        y = page.text(right, y, money(item.amount), align="r")
    y = _dashes(page, y)
    return _finish(page, doc, labels, _totals(page, doc, labels, y))


def table(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Left-aligned header; items in a Qty/Item/Price/Amount table."""
    page = till_roll(rng)
    y = _header(page, doc, labels, "l")
    y = page.text(M, y + page.body // 2, labels("receipt_title"), scale=1.1, bold=True)
    y = page.pairs(M, y, _references(doc, labels), style="side")
    columns, rows = blocks.item_table(
        doc, labels, ["quantity", "description", "unit_price", "amount"], narrow=True
    )
    y = page.table(M, page.width - M, y + page.body // 2, columns, rows)
    return _finish(page, doc, labels, _totals(page, doc, labels, y))


def strip(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Held out. Title and references first; each item line carries its amount and the
    next line "qty @ price ea"; totals; the shop's name, address, ABN and phone at the end."""
    page = till_roll(rng)
    right, mid = page.width - M, page.width // 2
    y = page.text(mid, M, labels("receipt_title"), scale=1.2, bold=True, align="m")
    for k, v in _references(doc, labels):
        page.text(M, y, k)
        y = page.text(right, y, v, align="r")
    y = _dashes(page, y)
    money = doc.style.money
    for item in doc.items:
        page.text(right, y, money(item.amount), align="r")
        y = page.text(M, y, item.description, room=right - M - 7 * page.body)
        y = page.text(M + page.body, y, f"{quantity(item.quantity)} @ {money(item.price)} ea")
    y = _dashes(page, y)
    y = _totals(page, doc, labels, y)
    y = page.pairs(M, y + page.body // 2, [(labels("paid_by"), doc.payment_method)], style="colon")
    y = _dashes(page, y + page.body // 2)
    y = page.text(mid, y, doc.supplier.name, bold=True, align="m", room=right - M)
    lines = blocks.address_lines(doc.supplier, False) + blocks.contact_lines(doc.supplier, labels)
    y = page.lines(mid, y, lines, align="m", room=right - M)
    page.crop(y + 2 * M)
    return page.image
