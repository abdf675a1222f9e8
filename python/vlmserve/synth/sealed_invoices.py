"""Tax invoice layouts of the sealed split (see :mod:`vlmserve.synth`).

``accounting``: what small-business accounting software prints: the title large top left
over the customer's address block, the invoice details stacked as label over value in a
middle column, the supplier's logo, name and address top right, items with a GST column
(the rate or the GST of each line), totals right and the payment details under them.
``wholesale``: a wholesaler's or a practice's invoice: letterhead top left, the title and
references in a box at the right, the customer (and sometimes a delivery address) on the
left, items with item codes (and units), the amount due boxed at the right and remittance
details across the foot of the page.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(4))
>>> accounting(doc, Labels(random.Random(4), "sealed"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random
from dataclasses import replace

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.final_invoices import row_gst
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import (
    A4,
    FAINT,
    FONT_FAMILIES,
    INK,
    LABEL_SCALE,
    PAGE_FAMILIES,
    PAPER,
    Column,
    Page,
    a4,
    labelled,
)
from vlmserve.synth.printed import abn

# wider than the shared table's quantity column: these headers ("Quantity Supplied") are long
WEIGHTS = {"description": 5.0, "quantity": 1.7, "unit_price": 2.0, "amount": 2.0}
WHOLESALE_ORDERS = [
    ["item_code", "description", "quantity", "uom", "unit_price", "amount"],
    ["quantity", "item_code", "description", "unit_price", "amount"],
]

M = 70
ACCENTS = [(0, 94, 133), (20, 110, 70), (150, 60, 20), (70, 40, 120), (40, 40, 48)]


def initials(name: str) -> str:
    """The logo's letters: the first letters of the first two words of a name."""
    letters = [w[0] for w in name.replace("&", " ").split() if w[0].isalpha()]
    return "".join(letters[:2]).upper() or "X"


def logo(page: Page, x: int, y: int, name: str, colour, size: int, round_: bool) -> None:
    """A plain logo: ``name``'s initials in white on a ``colour`` disc or square with its
    top left at ``x``, ``y``."""
    box = [x, y, x + size, y + size]
    if round_:
        page.draw.ellipse(box, fill=colour)
    else:
        page.draw.rounded_rectangle(box, radius=size // 6, fill=colour)
    scale = size * 0.42 / page.body
    page.text(
        x + size // 2, y + (size - page.line_height(scale)) // 2 + size // 14,
        initials(name), scale=scale, bold=True, align="m", fill=PAPER,
    )  # fmt: skip


def _wrapped(page: Page, text: str, room: int, scale: float = 1.0, bold: bool = False):
    """``text`` broken at spaces into lines no wider than ``room`` at ``scale``."""
    lines: list[str] = []
    for word in text.split():
        if lines and page.measure(f"{lines[-1]} {word}", scale, bold) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _reference(labels: Labels, rng: random.Random) -> list[tuple[str, str]]:
    """The customer's order reference, on about half the invoices (never where the invoice
    number itself is labelled a reference)."""
    if rng.random() < 0.5 or labels("invoice_number") == "Ref":
        return []
    prefix = rng.choice(["PO", "PO-", "WO", "JOB "])
    return [(labels("reference"), f"{prefix}{rng.randrange(1000, 99999)}")]


def _item_code(description: str, rng: random.Random) -> str:
    """A stock code like ``CPP-0415``: up to three initials and a number."""
    letters = "".join(w[0] for w in description.split()[:3] if w[0].isalpha()).upper()
    return f"{letters or 'GEN'}{rng.choice(['-', ''])}{rng.randrange(10, 9999):04d}"


def _unit(description: str) -> str:
    """The unit of measure a wholesaler's system prints for an item."""
    text = description.lower()
    if "hour" in text:
        return "HR"
    if "(m3)" in text:
        return "M3"
    if "monthly" in text or "quarterly" in text:
        return "MTH" if "monthly" in text else "QTR"
    return "EA"


def _totals(page: Page, doc: Document, labels: Labels, x: int, x1: int, y: int, accent) -> int:
    """Subtotal and GST as label and right-aligned value, then the total in bold over a
    heavy rule; starts left of ``x`` when the widest label and value would otherwise touch."""
    pairs = blocks.totals(doc, labels)
    widest = max(page.measure(k, 1.1, True) for k, _ in pairs)
    x = min(x, x1 - widest - max(page.measure(v, 1.1, True) for _, v in pairs) - page.body)
    *rest, (total_label, total) = pairs
    for k, v in rest:
        page.text(x, y, k)
        y = page.text(x1, y, v, align="r")
    y = page.rule(y + page.body // 4, x, x1, width=3, fill=accent) + page.body // 3
    page.text(x, y, total_label, scale=1.1, bold=True)
    return page.text(x1, y, total, scale=1.1, bold=True, align="r")


def accounting(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Sealed. Title top left over the customer's block (labelled or not); invoice date,
    number, reference (some) and due date (some; else under the totals) stacked label over
    value in a middle column, with the ABN there or under the supplier's address; the logo,
    name and address right-aligned top right; items Description/Quantity/Unit Price/GST/
    Amount (or Quantity first, GST last); totals; the payment details under them."""
    page = Page(A4, FONT_FAMILIES[rng.choice(PAGE_FAMILIES)], rng.randrange(23, 27))
    accent, s, p = rng.choice(ACCENTS), doc.supplier, doc.payer
    right, money = page.width - M, doc.style.money
    abn_in_meta, due_in_meta = rng.random() < 0.5, rng.random() < 0.6
    # right: logo, then the supplier's name, address and contacts, right-aligned
    size = round(page.body * rng.uniform(2.6, 3.4))
    logo(page, right - size, M, s.name, accent, size, rng.random() < 0.5)
    supplier = [*blocks.address_lines(s, False)]
    supplier += [labelled(labels("phone"), s.phone)] if s.phone else []
    supplier += [f"www.{s.website}"] if s.website else []
    supplier += [] if abn_in_meta else [labelled(labels("abn"), abn(s.abn))]
    right_w = min(480, max([page.measure(s.name, bold=True), *map(page.measure, supplier)]))
    y_right = M + size + page.body // 2
    for line in _wrapped(page, s.name, right_w, bold=True):
        y_right = page.text(right, y_right, line, bold=True, align="r", fill=accent)
    y_right = page.lines(right, y_right, supplier, align="r", room=right_w)
    # middle: the invoice's details
    meta = [(labels("invoice_date"), doc.style.date(doc.issued))]
    meta.append((labels("invoice_number"), doc.number))
    meta += _reference(labels, rng)
    if due_in_meta:
        meta.append((labels("due_date"), doc.style.date(doc.due)))
    if abn_in_meta:
        meta.append((labels("abn"), abn(s.abn)))
    meta_w = max(max(page.measure(k, LABEL_SCALE, True), page.measure(v)) for k, v in meta)
    meta_x = right - right_w - page.body * 2 - meta_w
    y_meta = M + page.line_height(2.0) + page.body // 2
    for k, v in meta:
        y_meta = page.text(meta_x, y_meta, k, scale=LABEL_SCALE, bold=True)
        y_meta = page.text(meta_x, y_meta - 3, v) + page.body // 3
    # left: the title and the customer
    left_room = meta_x - M - page.body * 2
    y = page.text(M, M, labels("invoice_title"), scale=2.0, bold=True, room=left_room)
    y += page.body // 2
    if rng.random() < 0.6:
        y = page.text(M, y, labels("bill_to"), scale=LABEL_SCALE, bold=True, fill=FAINT)
    customer = [p.name, *blocks.address_lines(p, False)]
    customer += [p.phone] if p.phone else []
    customer += [p.email] if p.email else []
    y = page.lines(M, y, customer, room=left_room)
    y = max(y, y_meta, y_right) + page.body * 2
    # items
    order = rng.choice([["description", "quantity", "unit_price", "gst", "amount"],
                        ["quantity", "description", "unit_price", "amount", "gst"]])  # fmt: skip
    names = [c for c in order if c != "gst"]
    columns, rows = blocks.item_table(doc, labels, names)
    columns = [replace(c, weight=WEIGHTS[name]) for c, name in zip(columns, names)]
    at = order.index("gst")
    if rng.random() < 0.5:
        columns.insert(at, Column(labels("gst_rate"), 1.2, "r"))
        for row in rows:
            row.insert(at, "10%")
    else:
        columns.insert(at, Column(labels("row_gst"), 1.5, "r"))
        for row, gst in zip(rows, row_gst(doc)):
            row.insert(at, money(gst))
    y = page.table(M, right, y, columns, rows, wrap=True) + page.body // 2
    y = _totals(page, doc, labels, page.width // 2 + 60, right, y, accent) + page.body
    if not due_in_meta:
        due = labelled(labels("due_date"), doc.style.date(doc.due))
        y = page.text(M, y, due, scale=1.1, bold=True) + page.body // 2
    pay = blocks.payment(doc, labels, rng.random() < 0.5)
    if pay:
        y = page.rule(y + page.body // 2, M, right, width=1) + page.body // 2
        if doc.account:  # a heading only over bank details: a card needs none
            y = page.text(M, y, labels("payment_heading"), scale=1.1, bold=True, fill=accent)
        y = page.pairs(M, y, pay, style="side")
        if doc.account:
            note = f"Please use {doc.number} as the reference when paying."
            y = page.text(M, y + page.body // 3, note, fill=FAINT, room=right - M)
    foot = f"{s.name} · {labelled(labels('abn'), abn(s.abn))}" if abn_in_meta else s.name
    page.text(page.width // 2, page.height - M, foot, align="m", fill=FAINT, room=right - M)
    return page.image


def wholesale(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Sealed. Letterhead top left (name, address, contacts, ABN); at the right a box headed
    by the title with the invoice number, date, customer number and reference (some), terms
    (some) and due date; the customer under the letterhead, a delivery address beside it
    (some); items Item code/Description/Qty/Unit/Unit Price/Amount (or Qty first); the
    amount due boxed at the right, a retention-of-title note at the left; remittance
    details across the foot."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    s, p = doc.supplier, doc.payer
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    refs = [(labels("invoice_number"), doc.number),
            (labels("invoice_date"), doc.style.date(doc.issued))]  # fmt: skip
    if rng.random() < 0.5:
        refs.append((labels("customer_no"), f"{p.name[:3].upper()}{rng.randrange(100, 999)}"))
    refs += _reference(labels, rng)
    if rng.random() < 0.5:
        refs.append((labels("terms"), f"{(doc.due - doc.issued).days} days"))
    refs.append((labels("due_date"), doc.style.date(doc.due)))
    title = labels("invoice_title")
    need = max(page.measure(k, bold=True) for k, _ in refs) + page.body
    need += max(page.measure(v) for _, v in refs) + 2 * pad
    box_x = min(mid + 60, right - max(need, page.measure(title, 1.2, True) + 2 * pad))
    band = M + page.line_height(1.2) + pad
    page.box(box_x, M, right, band, fill=accent, width=0)
    page.text(box_x + pad, M + pad // 2, title, scale=1.2, bold=True, fill=PAPER)
    box_bottom = page.pairs(box_x + pad, band + pad, refs, style="side", x1=right - pad) + pad
    page.box(box_x, M, right, box_bottom)
    room = box_x - M - page.body
    y = M
    for line in _wrapped(page, s.name, room, 1.4, True):
        y = page.text(M, y, line, scale=1.4, bold=True, room=room)
    head = [*blocks.address_lines(s, rng.random() < 0.4), *blocks.contact_lines(s, labels)]
    y = page.lines(M, y, head, room=room)
    y = max(y, box_bottom) + page.body * 2
    party = [p.name, *blocks.address_lines(p, False), *blocks.contact_lines(p, labels)]
    y_left = page.text(M, y, labels("bill_to").upper(), bold=True, fill=accent)
    y_left = page.lines(M, y_left, party, room=mid - M - page.body)
    if rng.random() < 0.5:
        y_right = page.text(mid + 20, y, labels("ship_to").upper(), bold=True, fill=accent)
        page.lines(mid + 20, y_right, [p.name, *blocks.address_lines(p, False)], room=right - mid)
    y = y_left + page.body
    order = rng.choice(WHOLESALE_ORDERS)
    names = [c for c in order if c in WEIGHTS]
    columns, rows = blocks.item_table(doc, labels, names)
    columns = [replace(c, weight=WEIGHTS[name]) for c, name in zip(columns, names)]
    extra = {"item_code": (1.9, [_item_code(i.description, rng) for i in doc.items]),
             "uom": (1.0, [_unit(i.description) for i in doc.items])}  # fmt: skip
    for name in ("item_code", "uom"):
        if name in order:
            at, (weight, cells) = order.index(name), extra[name]
            columns.insert(at, Column(labels(name), weight, "l"))
            for row, cell in zip(rows, cells):
                row.insert(at, cell)
    y = page.table(M, right, y, columns, rows, grid=rng.random() < 0.5, wrap=True)
    sums = blocks.totals(doc, labels)
    label_w = max(page.measure(k, 1.1, True) for k, _ in sums)
    x = min(mid + 100, right - label_w - max(page.measure(v, 1.1, True) for _, v in sums) - 60)
    top = y + pad
    *rest, (total_label, total) = sums
    y = page.pairs(x + pad, top + pad, rest, style="side", x1=right - pad)
    page.box(x, y, right, y + page.line_height(1.1) + pad, width=3)
    page.text(x + pad, y + pad // 2, total_label, scale=1.1, bold=True)
    y = page.text(right - pad, y + pad // 2, total, scale=1.1, bold=True, align="r") + pad
    page.box(x, top, right, y)
    note = f"Goods remain the property of {s.name} until paid for in full."
    page.lines(M, top + pad, _wrapped(page, note, x - M - page.body, 0.9), scale=0.9, fill=FAINT)
    _remittance(page, doc, labels, max(y + page.body * 2, page.height - 340), accent, rng)
    return page.image


def _remittance(page: Page, doc: Document, labels: Labels, y: int, accent, rng) -> None:
    """The payment method and bank details at the left, how to reference the payment at the
    right, under a heading across the page."""
    right, mid = page.width - M, page.width // 2
    pay = blocks.payment(doc, labels, rng.random() < 0.5)
    if not pay:
        return
    y = page.rule(y, M, right, width=3, fill=accent) + page.body // 2
    if doc.account:  # a heading only over bank details: a card needs none
        y = page.text(M, y, labels("payment_heading").upper(), bold=True)
    page.pairs(M, y, pay, style="side")
    notes = [f"Please quote invoice {doc.number} as your payment reference."]
    if doc.supplier.website:
        notes.append(f"Remittances to accounts@{doc.supplier.website}")
    lines = [part for n in notes for part in _wrapped(page, n, right - mid - 60)]
    page.lines(mid + 60, y, lines, fill=INK if doc.account else FAINT)
