"""The bank statement layout of the exam split (see :mod:`vlmserve.synth`): a landscape page,
the account details in a header table, withdrawals and deposits in their own columns and the
closing balance in a summary line at the bottom.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("statement", random.Random(4))
>>> landscape(doc, Labels(random.Random(4), "exam"), random.Random(4)).size
(1754, 1240)
"""

from __future__ import annotations

import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, FONT_FAMILIES, PAGE_FAMILIES, Column, Page, labelled

A4_LANDSCAPE = (1754, 1240)
M = 60
SUMMARY_FILL = (230, 236, 244)


def period(doc: Document, rng: random.Random) -> str:
    """``01/07/2025 – 31/07/2025`` or ``1 Jul 2025 to 31 Jul 2025``."""
    if rng.random() < 0.5:
        return " – ".join(f"{d:%d/%m/%Y}" for d in doc.period)
    return " to ".join(f"{d.day} {d:%b %Y}" for d in doc.period)


def _transactions(page: Page, doc: Document, labels: Labels, y: int) -> int:
    """Date/Description/Withdrawal/Deposit/Balance, amounts without "$"."""
    money, out_label, in_label = doc.style.money, *labels("flows").split("|")
    headers = [labels("txn_date"), labels("txn_details"), out_label, in_label, labels("balance")]
    weights = [1.8, 6.0, 1.8, 1.8, 2.0]
    columns = [
        Column(h, w, "l" if i < 2 else "r") for i, (h, w) in enumerate(zip(headers, weights))
    ]
    rows = []
    for t in doc.transactions:
        flow = money(abs(t.amount), False)
        rows.append([
            doc.style.date(t.day, short=True),
            t.description,
            "" if t.amount > 0 else flow,
            flow if t.amount > 0 else "",
            money(t.balance, False),
        ])  # fmt: skip
    return page.table(M, page.width - M, y, columns, rows)


def landscape(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Exam. Bank name and title top left, its enquiry contacts top right; the holder's
    postal address; a header table of holder, BSB, account number and period; the
    transactions; a shaded summary line: previous balance, totals out and in, new balance."""
    family = FONT_FAMILIES[rng.choice(PAGE_FAMILIES)]
    page = Page(A4_LANDSCAPE, family, rng.randrange(22, 26))
    right, money, a = page.width - M, doc.style.money, doc.account
    y = page.text(M, M, doc.supplier.name, scale=1.7, bold=True)
    contacts = blocks.contact_lines(doc.supplier, labels)
    page.lines(right, M, contacts, align="r")
    y = page.text(M, y, labels("statement_title"), scale=1.2, fill=FAINT) + page.body // 2
    holder = [doc.payer.name, *blocks.address_lines(doc.payer, rng.random() < 0.5)]
    y = page.lines(M, y, holder) + page.body // 2
    header = [
        Column(labels("account_holder"), 3.0),
        Column(labels("bsb"), 1.4),
        Column(labels("account_number"), 1.9),
        Column(labels("period"), 3.4),
    ]
    values = [doc.payer.name, doc.style.bsb(a.bsb), a.number, period(doc, rng)]
    y = page.table(M, right, y, header, [values], grid=True, wrap=True)
    y = _transactions(page, doc, labels, y)
    flows = [t.amount for t in doc.transactions]
    out_label, in_label = labels("summary_flows").split("|")
    summary = [
        (labels("opening"), money(doc.opening, True)),
        (out_label, money(-sum((f for f in flows if f < 0), Decimal(0)), True)),
        (in_label, money(sum((f for f in flows if f > 0), Decimal(0)), True)),
        (labels("closing"), money(doc.closing, True)),
    ]
    line = "     ".join(labelled(k, v) for k, v in summary)
    pad = page.body // 2
    page.box(M, y, right, y + page.line_height() + pad, fill=SUMMARY_FILL)
    page.text(M + pad, y + pad // 2 + 2, line, bold=True, room=right - M - 2 * pad)
    footer = f"{doc.supplier.name}  ·  Page 1 of 1"
    page.text(right, page.height - M // 2 - page.body, footer, align="r", fill=FAINT)
    return page.image
