"""Tax invoice layouts of the exam split (see :mod:`vlmserve.synth`).

``saas``: a software-style invoice, the supplier's name large top left, the title large top
right over a right-aligned stack of references, "Bill to"/"Ship to" columns, a striped item
table and the ABN and payment instructions in the footer. ``trades``: a tradesperson's
letterhead, boxed forms of label and value cells for the customer and the invoice, a job
description paragraph, parts and labour as "qty x rate" and a direct deposit box.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(4))
>>> saas(doc, Labels(random.Random(4), "exam"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random
from dataclasses import replace

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, INK, Column, Page, a4, labelled
from vlmserve.synth.printed import abn, quantity

M = 80
ACCENTS = [(30, 64, 175), (17, 94, 89), (88, 28, 135), (31, 41, 55)]
STRIPE = (244, 246, 250)
LABEL_FILL = (234, 236, 240)
SAAS_WEIGHTS = {"description": 4.4, "quantity": 2.0, "unit_price": 2.0, "amount": 2.0}
JOB_NOTES = [
    "Attended site as requested and carried out the works itemised below. All works "
    "completed, tested and left in good working order; site left clean and tidy.",
    "Supplied and installed the parts listed below to the manufacturer's specifications. "
    "Labour charged at the hourly rate shown; call-out included where listed.",
    "Works carried out as per quote. Materials supplied by us unless noted. Any further "
    "faults found were reported to the customer on the day.",
]


def striped(page: Page, x0: int, x1: int, y: int, columns: list[Column], rows, accent) -> int:
    """A borderless table: bold headers over a rule in ``accent``, every other row on a
    light stripe (dark text stays legible on it)."""
    total = sum(c.weight for c in columns)
    edges = [x0]
    for c in columns:
        edges.append(edges[-1] + round((x1 - x0) * c.weight / total))
    pad, row_h = page.body // 2, round(page.body * 1.9)
    inset = (row_h - round(page.body * 1.2)) // 2
    for i, cells in enumerate([[c.header for c in columns], *rows]):
        if i and i % 2 == 0:
            page.draw.rectangle([x0, y, x1, y + row_h], fill=STRIPE)
        for column, left, right, cell in zip(columns, edges, edges[1:], cells):
            x = left + pad if column.align == "l" else right - pad
            page.text(
                x, y + inset, cell, bold=not i, align=column.align, room=right - left - 2 * pad
            )
        y += row_h
        if not i:
            y = page.rule(y, x0, x1, width=3, fill=accent)
    return page.rule(y, x0, x1, width=1) + page.body


def saas(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Exam. Supplier's name large and coloured top left over its address and contacts;
    the title large top right over right-aligned references; "Bill to" and "Ship to"
    columns; striped items; totals right-aligned ending in a bold total; the ABN and payment
    instructions in a footer."""
    page, accent, s = a4(rng), rng.choice(ACCENTS), doc.supplier
    right = page.width - M
    title = labels("invoice_title")
    y_right = page.text(right, M, title, scale=2.2, bold=True, align="r", fill=accent)
    refs = blocks.references(doc, labels)
    stack_w = (
        max(page.measure(k) for k, _ in refs)
        + page.body
        + max(page.measure(v, bold=True) for _, v in refs)
    )
    for k, v in refs:
        page.text(right - stack_w, y_right, k, fill=FAINT)
        y_right = page.text(right, y_right, v, bold=True, align="r")
    room = right - stack_w - M - 2 * page.body
    y = page.text(M, M, s.name, scale=1.8, bold=True, fill=accent, room=room)
    contacts = [*blocks.address_lines(s, False), *blocks.contact_lines(s, labels, with_abn=False)]
    y = page.lines(M, y + page.body // 4, contacts, room=room)
    y = max(y, y_right) + page.body
    p = doc.payer
    columns = [
        (
            labels("bill_to"),
            [p.name, *blocks.address_lines(p, False), *blocks.contact_lines(p, labels)],
        ),
        (labels("ship_to"), [p.name, *blocks.address_lines(p, False)]),
    ]
    half, bottom = (page.width - 2 * M) // 2, y
    for i, (heading, lines) in enumerate(columns):
        x = M + i * half
        top = page.text(x, y, heading.upper(), scale=0.9, bold=True, fill=accent)
        bottom = max(bottom, page.lines(x, top, lines, room=half - page.body))
    order = rng.choice([["description", "quantity", "unit_price", "amount"],
                        ["description", "unit_price", "quantity", "amount"]])  # fmt: skip
    columns, rows = blocks.item_table(doc, labels, order)
    # wider number columns than the shared table's: these headers are long
    columns = [replace(c, weight=SAAS_WEIGHTS[name]) for c, name in zip(columns, order)]
    y = striped(page, M, right, bottom + page.body, columns, rows, accent)
    *rest, (total_label, total) = blocks.totals(doc, labels)
    x = page.width // 2 + 60
    y = page.pairs(x, y, rest, style="side", x1=right)
    y = page.rule(y + page.body // 4, x, right, width=2, fill=accent) + page.body // 3
    page.text(x, y, total_label, scale=1.2, bold=True)
    page.text(right, y, total, scale=1.2, bold=True, align="r")
    _footer(page, doc, labels, accent, rng)
    return page.image


def _footer(page: Page, doc: Document, labels: Labels, accent, rng: random.Random) -> None:
    """Payment instructions, then the supplier's name and ABN, at the foot of the page."""
    right, room = page.width - M, page.width - 2 * M
    pay = [labelled(k, v) for k, v in blocks.payment(doc, labels, rng.random() < 0.5)]
    lines = page.joined(pay, "    ", room) if pay else []
    legal = f"{doc.supplier.name}  ·  {labelled(labels('abn'), abn(doc.supplier.abn))}"
    y = page.height - M - (len(lines) + 1) * page.line_height()
    page.rule(y - page.body // 2, M, right, width=2, fill=accent)
    y = page.lines(M, y, lines, room=room)
    page.text(M, y, legal, bold=True, room=room)


def form(page: Page, x0: int, x1: int, y: int, pairs, label_w: int, align: str = "l") -> int:
    """Label cells (shaded) beside value cells, one boxed row a pair; values ``align``ed."""
    # rows roomier than a table's: text near a cell's border is what OCR misreads first
    pad, row_h, inset = page.body // 2, round(page.body * 2.1), round(page.body * 0.45)
    for k, v in pairs:
        page.box(x0, y, x0 + label_w, y + row_h, fill=LABEL_FILL)
        page.box(x0 + label_w, y, x1, y + row_h)
        page.text(x0 + pad, y + inset, k, bold=True, room=label_w - 2 * pad)
        x = x0 + label_w + pad if align == "l" else x1 - pad
        page.text(x, y + inset, v, align=align, room=x1 - x0 - label_w - 2 * pad)
        y += row_h
    return y


def _label_width(page: Page, pairs) -> int:
    return max(page.measure(k, bold=True) for k, _ in pairs) + page.body


def trades(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Exam. Letterhead: name and ABN left, address and contacts right-aligned, a double
    rule; the title boxed; "Customer details" and invoice forms side by side; a job
    description paragraph; items Description/Qty x Rate/Amount; totals as a form;
    a "Direct deposit" box with the payment details."""
    page, s = a4(rng), doc.supplier
    right, mid, money = page.width - M, page.width // 2, doc.style.money
    contacts = [*blocks.address_lines(s, False), *blocks.contact_lines(s, labels, with_abn=False)]
    head_w = max(map(page.measure, contacts))
    page.lines(right, M, contacts, align="r")
    room = right - head_w - M - page.body
    y = page.text(M, M, s.name, scale=1.6, bold=True, room=room)
    y = page.text(M, y, labelled(labels("abn"), abn(s.abn)), room=room)
    y = max(y, M + len(contacts) * page.line_height()) + page.body // 2
    y = page.rule(y, M, right, width=4, fill=INK)
    y = page.rule(y + 5, M, right, width=1, fill=INK) + page.body
    title = labels("invoice_title").upper()
    tw, pad = page.measure(title, 1.4, True) + 2 * page.body, page.body // 2
    page.box(right - tw, y, right, y + page.line_height(1.4) + pad, width=3)
    page.text(right - tw // 2, y + pad, title, scale=1.4, bold=True, align="m")
    page.text(M, y + pad, labels("customer_heading"), scale=1.1, bold=True)
    y += page.line_height(1.4) + 2 * pad
    p = doc.payer
    customer = [
        (labels("customer_name"), p.name),
        (labels("customer_address"), p.street),
        (labels("customer_locality"), p.locality),
    ]
    customer += [(labels("customer_phone"), p.phone)] if p.phone else []
    customer += [(labels("customer_email"), p.email)] if p.email else []
    refs = blocks.references(doc, labels)
    # the invoice form as wide as its widest label and value, the customer's takes the rest
    refs_w = _label_width(page, refs) + max(page.measure(v) for _, v in refs) + 2 * page.body
    split = max(mid, right - refs_w - 20)
    y_left = form(page, M, split - 20, y, customer, _label_width(page, customer))
    y_right = form(page, split + 20, right, y, refs, _label_width(page, refs))
    y = max(y_left, y_right) + page.body
    y = page.text(M, y, labels("job_heading"), scale=1.1, bold=True)
    note = page.joined(rng.choice(JOB_NOTES).split(), " ", right - M)
    y = page.lines(M, y, note) + page.body // 2
    columns = [
        Column(labels("description"), 5.0),
        Column(labels("qty_rate"), 2.6, "r"),
        Column(labels("amount"), 1.9, "r"),
    ]
    rows = [
        [i.description, f"{quantity(i.quantity)} x {money(i.price)}", money(i.amount)]
        for i in doc.items
    ]
    y = page.table(M, right, y, columns, rows, wrap=True)
    sums = blocks.totals(doc, labels)
    x = right - _label_width(page, sums) - max(page.measure(v) for _, v in sums) - 2 * page.body
    y = form(page, min(x, mid + 60), right, y, sums, _label_width(page, sums), "r") + page.body
    pay = [labelled(k, v) for k, v in blocks.payment(doc, labels, rng.random() < 0.5)]
    if doc.account:  # the deposit box only when there is an account to deposit into
        start = page.heading_box(M, right, y, labels("payment_heading"), LABEL_FILL)
        lines = page.joined(pay, "     ", right - M - 2 * pad)
        bottom = page.lines(M + pad, start, lines, room=right - M - 2 * pad) + pad
        page.box(M, y, right, bottom)
        y = bottom + page.body
    elif pay:
        y = page.lines(M, y, pay) + page.body // 2
    page.text(M, y, f"Please quote {doc.number} with your payment. Thank you for your business.")
    return page.image
