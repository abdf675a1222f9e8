"""The bank statement layout of the blind split (see :mod:`vlmserve.synth`): a credit
union's portrait statement, the member's details, BSB, account, period and opening balance
in a shaded sidebar on the left, the transactions in the right two thirds, the closing
balance boxed under them.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("statement", random.Random(4))
>>> sidebar(doc, Labels(random.Random(4), "blind"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, LABEL_SCALE, Column, Page, a4

M = 50
SIDEBAR_W = 340
SIDEBAR_FILL = (234, 242, 238)


def _sidebar(page: Page, doc: Document, labels: Labels, y: int, rng: random.Random) -> None:
    """Small labels over values, each value wrapped to the sidebar's width."""
    a, s, p, style = doc.account, doc.supplier, doc.payer, doc.style
    x, room = M + page.body // 2, SIDEBAR_W - page.body
    start, end = (style.date(d) for d in doc.period)
    entries = [
        (labels("account_holder"), [p.name, p.street, p.locality]),
        (labels("member"), [str(rng.randrange(100000, 9999999))]),
        (labels("bsb"), [style.bsb(a.bsb)]),
        (labels("account_number"), [a.number]),
        (labels("period"), [f"{start} to", end]),
        (labels("opening"), [style.money(doc.opening, True)]),
    ]
    for label, values in entries:
        y = page.text(x, y, label, scale=LABEL_SCALE, fill=FAINT, room=room)
        for value in values:
            for line in page.joined(value.split(), " ", room):
                y = page.text(x, y - 2, line, bold=True, room=room)
        y += page.body // 2
    y = page.text(x, y + page.body, "Enquiries", scale=LABEL_SCALE, fill=FAINT)
    page.lines(x, y, blocks.contact_lines(s, labels), room=room)


def _transactions(page: Page, doc: Document, labels: Labels, x0: int, y: int) -> int:
    """Date/Details/Amount (signed)/Balance, amounts without "$", long details wrapped."""
    money = doc.style.money
    columns = [
        Column(labels("txn_date"), 2.3),
        Column(labels("txn_details"), 3.6),
        Column(labels("txn_amount"), 2.0, "r"),
        Column(labels("balance"), 2.3, "r"),
    ]
    rows = [
        [doc.style.date(t.day, short=True), t.description, money(t.amount, False),
         money(t.balance, False)]
        for t in doc.transactions
    ]  # fmt: skip
    return page.table(x0, page.width - M, y, columns, rows, wrap=True)


def sidebar(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Blind. The credit union's name across the top over the title; the sidebar; the
    transactions right of it; the closing balance boxed under the last row."""
    page = a4(rng)
    right, money = page.width - M, doc.style.money
    y = page.text(M, M, doc.supplier.name, scale=1.6, bold=True)
    y = page.text(M, y, labels("statement_title"), scale=1.15, fill=FAINT)
    y = page.rule(y + page.body // 2, M, right, width=3) + page.body
    page.draw.rectangle([M, y, M + SIDEBAR_W, page.height - M], fill=SIDEBAR_FILL)
    _sidebar(page, doc, labels, y + page.body // 2, rng)
    x0 = M + SIDEBAR_W + 30
    y = _transactions(page, doc, labels, x0, y)
    pad = page.body // 2
    page.box(x0, y, right, y + page.line_height(1.1) + pad, width=3)
    page.text(x0 + pad, y + pad // 2 + 2, labels("closing"), scale=1.1, bold=True)
    page.text(right - pad, y + pad // 2 + 2, money(doc.closing, True), scale=1.1, bold=True,
              align="r")  # fmt: skip
    return page.image
