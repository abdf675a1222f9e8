"""The bank statement layout of the final held-out split (see :mod:`vlmserve.synth`): an
account summary box, the period in words, opening and closing balance rows in the table."""

from __future__ import annotations

import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, Column, Page, a4, labelled

M = 80
SUMMARY_FILL = (236, 238, 242)


def _summary(page: Page, doc: Document, labels: Labels, y: int) -> tuple[int, int]:
    """The account summary box at the right margin, half the page wide or as wide as its
    longest label and value need: opening balance, money out, money in, closing balance.
    Returns the box's left edge and bottom."""
    right, pad, money = page.width - M, page.body // 2, doc.style.money
    out_label, in_label = labels("summary_flows").split("|")
    flows = [t.amount for t in doc.transactions]
    summary = [
        (labels("opening"), money(doc.opening, True)),
        (out_label, money(-sum((f for f in flows if f < 0), Decimal(0)), True)),
        (in_label, money(sum((f for f in flows if f > 0), Decimal(0)), True)),
        (labels("closing"), money(doc.closing, True)),
    ]
    need = max(page.measure(k, bold=True) for k, _ in summary) + page.body + 2 * pad
    x0 = min(page.width // 2 + 40, right - need - max(page.measure(v) for _, v in summary))
    inner = page.heading_box(x0, right, y, labels("summary_heading"), SUMMARY_FILL)
    bottom = page.pairs(x0 + pad, inner, summary, style="side", x1=right - pad) + pad
    page.box(x0, y, right, bottom)
    return x0, bottom


def _transactions(page: Page, doc: Document, labels: Labels, y: int) -> int:
    """Date/Details/Amount/Balance between an opening and a closing balance row; dates
    without the year (the period gives it), amounts signed and without "$", balances
    marked CR."""
    money = doc.style.money
    headers = [labels("txn_date"), labels("txn_details"), labels("txn_amount"), labels("balance")]
    columns = [
        Column(h, w, "l" if i < 2 else "r")
        for i, (h, w) in enumerate(zip(headers, [1.5, 5.6, 2.0, 2.5]))
    ]
    rows = [[f"{doc.period[0]:%d %b}", labels("opening"), "", f"{money(doc.opening, False)} CR"]]
    for t in doc.transactions:
        rows.append(
            [
                f"{t.day:%d %b}",
                t.description,
                money(t.amount, False),
                f"{money(t.balance, False)} CR",
            ]
        )
    rows.append(
        [f"{doc.period[1]:%d %b}", labels("closing"), "", f"{money(doc.closing, False)} CR"]
    )
    return page.table(M, page.width - M, y, columns, rows, wrap=True)


def statement(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Final. The bank's name over the holder's name and address top left, BSB and account
    number under them; the account summary box top right; the period in words ("1 July
    2025 to 31 July 2025"); the transactions; the bank's contacts in the footer."""
    page = a4(rng)
    mid, right, a = page.width // 2, page.width - M, doc.account
    page.text(right, M + 10, labels("statement_title"), scale=1.3, bold=True, align="r")
    y = page.text(M, M, doc.supplier.name, scale=1.8, bold=True) + page.body
    box_x, box_bottom = _summary(page, doc, labels, y)
    holder = [doc.payer.name, *blocks.address_lines(doc.payer, False)]
    details = [labelled(labels("bsb"), doc.style.bsb(a.bsb))]
    details.append(labelled(labels("account_number"), a.number))
    y_left = page.lines(M, y, holder, room=box_x - M - page.body) + page.body // 2
    y_left = page.lines(M, y_left, details, room=box_x - M - page.body)
    y = max(y_left, box_bottom) + page.body
    start, end = (f"{d.day} {d:%B %Y}" for d in doc.period)
    y = page.text(M, y, f"{labels('period')}: {start} to {end}", bold=True) + page.body // 2
    _transactions(page, doc, labels, y)
    contacts = blocks.contact_lines(doc.supplier, labels)
    footer = " · ".join([f"{doc.supplier.name} enquiries", *contacts])
    page.text(mid, page.height - M, footer, align="m", fill=FAINT, room=right - M)
    return page.image
