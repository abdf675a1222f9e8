"""Tax invoice layouts of the blind split (see :mod:`vlmserve.synth`).

``consultancy``: the title and references in one line, the parties as two rows of a table
(name, ABN and contacts, address), items grouped under section headings each closed by its
own total, and a shaded summary column of subtotal, GST and total beside the payment terms.
``remittance``: a window-envelope address, one header row of references (invoice, date,
due, customer reference, amount), a dense gridded item table and a tear-off remittance slip.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(4))
>>> consultancy(doc, Labels(random.Random(4), "blind"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, INK, Column, Page, a4, labelled
from vlmserve.synth.printed import abn

M = 80
SHADE = (236, 240, 236)
SECTIONS = [
    ("Professional services", "Disbursements"),
    ("Consulting", "Expenses"),
    ("Labour", "Materials and other charges"),
]


def cells_table(page: Page, x0: int, x1: int, y: int, weights, rows: list[list[list[str]]]) -> int:
    """A fully ruled table whose cells hold several lines each; the first row is the header
    (bold, shaded), the first column holds row headings (bold)."""
    total, edges = sum(weights), [x0]
    for w in weights:
        edges.append(edges[-1] + round((x1 - x0) * w / total))
    edges[-1] = x1
    pad = page.body // 2
    for r, row in enumerate(rows):
        # long lines wrap at spaces rather than shrink: a cell is narrow
        row = [
            [part for line in lines for part in page.joined(line.split(), " ", b - a - 2 * pad)]
            for lines, a, b in zip(row, edges, edges[1:])
        ]
        height = max(map(len, row)) * page.line_height() + pad
        page.box(x0, y, x1, y + height, fill=SHADE if r == 0 else None)
        for c, (lines, left, right) in enumerate(zip(row, edges, edges[1:])):
            if c:
                page.draw.line([(left, y), (left, y + height)], fill=FAINT, width=2)
            bold = r == 0 or c == 0
            for i, line in enumerate(lines):
                top = y + pad // 2 + i * page.line_height()
                page.text(left + pad, top, line, bold=bold, room=right - left - 2 * pad)
        y += height
    return y + page.body


def _parties(doc: Document, labels: Labels) -> list[list[list[str]]]:
    s, p = doc.supplier, doc.payer
    supplier_contact = [labelled(labels("abn"), abn(s.abn)), *blocks.contact_lines(s, labels)[1:]]
    return [
        [[""], [labels("party_name")], [labels("party_contact")], [labels("party_address")]],
        [[labels("party_supplier")], [s.name], supplier_contact, [s.street, s.locality]],
        [[labels("party_client")], [p.name], blocks.contact_lines(p, labels) or ["-"],
         [p.street, p.locality]],
    ]  # fmt: skip


def _sectioned_items(page: Page, doc: Document, labels: Labels, y: int, rng) -> int:
    """Items in a table per section under the section's heading, each closed by its own
    total (the last third of three or more items are the second section)."""
    order = ["description", "quantity", "unit_price", "amount"]
    columns, rows = blocks.item_table(doc, labels, order)
    cut = len(rows) - len(rows) // 3
    for heading, part, items in zip(
        rng.choice(SECTIONS), (rows[:cut], rows[cut:]), (doc.items[:cut], doc.items[cut:])
    ):
        if not part:
            continue
        y = page.text(M, y, heading.upper(), bold=True)
        y = page.table(M, page.width - M, y, columns, part)
        section = doc.style.money(sum((i.amount for i in items), Decimal(0)), True)
        line = f"{labels('section_total')} {section}"
        y = page.text(page.width - M - page.body // 2, y, line, align="r") + page.body // 2
    return y


def consultancy(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Blind. Title left and references in one line under it; the parties table; sectioned
    items; payment terms left of a shaded summary column (subtotal, GST, total)."""
    page = a4(rng)
    right = page.width - M
    y = page.text(M, M, labels("invoice_title"), scale=1.6, bold=True)
    refs = [labelled(k, v) for k, v in blocks.references(doc, labels)]
    y = page.lines(M, y, page.joined(refs, "     ", right - M)) + page.body // 2
    y = cells_table(page, M, right, y, [1.2, 2.3, 4.6, 2.7], _parties(doc, labels))
    y = _sectioned_items(page, doc, labels, y, rng)
    sums, pad = blocks.totals(doc, labels), page.body // 2
    x = page.width * 3 // 5
    bottom = y + len(sums) * (page.line_height(0.88) + page.line_height(1.1)) + 2 * pad
    page.box(x, y, right, bottom, fill=SHADE)
    top = y + pad
    for k, v in sums:
        top = page.text(x + pad, top, k, scale=0.88, fill=FAINT)
        top = page.text(right - pad, top - 4, v, scale=1.1, bold=True, align="r")
    pay = [labelled(k, v) for k, v in blocks.payment(doc, labels, rng.random() < 0.5)]
    page.lines(M, y, pay, room=x - M - page.body)
    y = max(bottom, y + len(pay) * page.line_height()) + page.body
    page.text(M, y, f"Issued by {doc.supplier.name}. Thank you for your instructions.",
              fill=FAINT, room=right - M)  # fmt: skip
    return page.image


def _dashed(page: Page, y: int, note: str) -> None:
    """A cut-here line with ``note`` in the middle of it."""
    w = page.measure(note, 0.88) + page.body
    mid = page.width // 2
    for x in range(M, page.width - M, 24):
        if not mid - w // 2 < x < mid + w // 2:
            page.draw.line([(x, y), (x + 12, y)], fill=INK, width=2)
    page.text(mid, y - page.body // 2, note, scale=0.88, align="m")


def remittance(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Blind. Supplier top left, title top right; the customer's address where an envelope's
    window is; one header row of references and the amount due; gridded items; totals
    right; a tear-off remittance slip at the foot with the payment details."""
    page, s, p = a4(rng), doc.supplier, doc.payer
    right, money = page.width - M, doc.style.money
    page.text(right, M, labels("invoice_title"), scale=1.5, bold=True, align="r")
    room = right - M - page.measure(labels("invoice_title"), 1.5, True) - page.body
    y = page.text(M, M, s.name, scale=1.4, bold=True, room=room)
    y = page.text(M, y, s.address, room=right - M)
    contacts = blocks.contact_lines(s, labels)
    y = page.lines(M, y, page.joined(contacts, "   ", right - M)) + page.body
    window = [p.name, p.street, p.locality]
    y = page.lines(M + 40, max(y, 330), window) + page.body // 2
    y = page.lines(M + 40, y, blocks.contact_lines(p, labels)) + page.body
    ref = f"{rng.choice(['PO', 'WO', 'JOB'])}-{rng.randrange(1000, 99999)}"
    refs = blocks.references(doc, labels) + [(labels("customer_ref"), ref),
                                             (labels("total"), money(doc.total, True))]  # fmt: skip
    header = [Column(k, 1.0, "l") for k, _ in refs]
    y = page.table(M, right, y, header, [[v for _, v in refs]], grid=True, wrap=True)
    order = ["description", "quantity", "unit_price", "amount"]
    y = page.table(M, right, y, *blocks.item_table(doc, labels, order), grid=True)
    y = page.pairs(page.width // 2 + 80, y, blocks.totals(doc, labels), style="side", x1=right)
    pay = [labelled(k, v) for k, v in blocks.payment(doc, labels, rng.random() < 0.5)]
    slip = [
        (labels("party_client"), p.name),
        (labels("invoice_number"), doc.number),
        (labels("total"), money(doc.total, True)),
    ]
    top = max(y + page.body, page.height - M - (max(len(pay), 3) + 2) * page.line_height())
    _dashed(page, top, "Please detach and return this portion with your payment")
    y = page.text(M, top + page.body, labels("remittance"), bold=True)
    page.pairs(M, y, slip, style="side")
    page.lines(page.width // 2 + 20, y, pay, room=right - page.width // 2 - 20)
    return page.image
