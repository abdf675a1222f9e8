"""The bank statement layout of the sealed split (see :mod:`vlmserve.synth`): a big bank's
e-statement: the bank's logo and name top left, the title and page number top right, the
holder's postal address where an envelope's window is, the account's details in a panel at
the right, an account summary as a sum across the page (opening balance, less debits, plus
credits, equals closing balance) and the transactions in debit and credit columns.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("statement", random.Random(4))
>>> estatement(doc, Labels(random.Random(4), "sealed"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, LABEL_SCALE, Column, Page, a4
from vlmserve.synth.printed import account
from vlmserve.synth.sealed_invoices import ACCENTS, logo

M = 70
PANEL_FILL = (240, 242, 246)


def _summary(page: Page, doc: Document, labels: Labels, y: int, accent) -> int:
    """Opening balance - debits + credits = closing balance: four cells across the page,
    each a small label over its amount, the operators between them."""
    money, right = doc.style.money, page.width - M
    flows = [t.amount for t in doc.transactions]
    out_label, in_label = labels("summary_flows").split("|")
    cells = [
        (labels("opening"), money(doc.opening, True)),
        (out_label, money(-sum((f for f in flows if f < 0), Decimal(0)), True)),
        (in_label, money(sum((f for f in flows if f > 0), Decimal(0)), True)),
        (labels("closing"), money(doc.closing, True)),
    ]
    y = page.text(M, y, labels("summary_heading"), scale=1.15, bold=True, fill=accent)
    gap = page.body * 2
    width = (right - M - 3 * gap) // 4
    height = page.line_height(LABEL_SCALE) * 2 + page.line_height(1.1) + page.body // 2
    pad = page.body // 2
    for i, ((k, v), op) in enumerate(zip(cells, ["", "-", "+", "="])):
        x = M + i * (width + gap)
        page.box(x, y, x + width, y + height, fill=PANEL_FILL if i < 3 else None, width=2)
        if op:
            page.text(x - gap // 2, y + height // 3, op, scale=1.4, bold=True, align="m")
        lines = page.joined(k.split(), " ", width - 2 * pad)
        top = page.lines(x + pad, y + pad // 2, lines[:2], scale=LABEL_SCALE, fill=FAINT)
        top = max(top, y + pad // 2 + 2 * page.line_height(LABEL_SCALE))
        page.text(x + width - pad, top, v, scale=1.1, bold=True, align="r", room=width - 2 * pad)
    return y + height + page.body


def _transactions(page: Page, doc: Document, labels: Labels, y: int, rng) -> int:
    """Date/Details/Debits/Credits/Balance, between an opening and a closing balance row
    (some); balances marked CR (some)."""
    money, date = doc.style.money, doc.style.date
    out_label, in_label = labels("flows").split("|")
    headers = [labels("txn_date"), labels("txn_details"), out_label, in_label, labels("balance")]
    columns = [
        Column(h, w, "l" if i < 2 else "r")
        for i, (h, w) in enumerate(zip(headers, [2.2, 4.4, 1.8, 1.8, 2.1]))
    ]
    cr = " CR" if rng.random() < 0.5 else ""
    rows = []
    for t in doc.transactions:
        flow = money(abs(t.amount), False)
        debit, credit = ("", flow) if t.amount > 0 else (flow, "")
        rows.append([date(t.day, short=True), t.description, debit, credit,
                     money(t.balance, False) + cr])  # fmt: skip
    if rng.random() < 0.5:
        start, end = (date(d, short=True) for d in doc.period)
        rows.insert(0, [start, "OPENING BALANCE", "", "", money(doc.opening, False) + cr])
        rows.append([end, "CLOSING BALANCE", "", "", money(doc.closing, False) + cr])
    return page.table(M, page.width - M, y, columns, rows, wrap=True)


def estatement(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Sealed. Logo and bank name top left, title and "Page 1 of 1" top right; the holder's
    name and address at the left; a shaded panel at the right with the account name (some),
    BSB, account number and period; the account summary as a sum; the transactions; the
    bank's enquiry contacts in a footer."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    right, bank, a, style = page.width - M, doc.supplier, doc.account, doc.style
    size = round(page.body * 2.6)
    logo(page, M, M, bank.name, accent, size, rng.random() < 0.5)
    page.text(M + size + page.body // 2, M + (size - page.line_height(1.5)) // 2 + 6, bank.name,
              scale=1.5, bold=True, fill=accent)  # fmt: skip
    y_title = page.text(right, M, labels("statement_title"), scale=1.2, bold=True, align="r")
    page.text(right, y_title, "Page 1 of 1", align="r", fill=FAINT)
    y = M + size + page.body * 2
    holder = [doc.payer.name, *blocks.address_lines(doc.payer, False)]
    y_left = page.lines(M + 20, y, holder)
    start, end = (style.date(d) for d in doc.period)
    details = [(labels("account_holder"), doc.payer.name)] if rng.random() < 0.5 else []
    details += [
        (labels("bsb"), style.bsb(a.bsb)),
        (labels("account_number"), account(a.number, rng.random() < 0.4)),
        (labels("period"), f"{start} {rng.choice(['to', '-'])} {end}"),
    ]
    pad = page.body // 2
    need = max(max(page.measure(k, LABEL_SCALE), page.measure(v, bold=True)) for k, v in details)
    x0 = min(page.width // 2 + 40, right - need - 2 * pad)
    bottom = y + pad // 2 + len(details) * (page.line_height(LABEL_SCALE) + page.line_height())
    page.box(x0, y, right, bottom + pad, fill=PANEL_FILL)
    top = y + pad // 2
    for k, v in details:
        top = page.text(x0 + pad, top, k, scale=LABEL_SCALE, fill=FAINT)
        top = page.text(x0 + pad, top, v, bold=True, room=right - x0 - 2 * pad)
    y = max(y_left, bottom + pad) + page.body * 2
    y = _summary(page, doc, labels, y, accent)
    _transactions(page, doc, labels, y, rng)
    contacts = blocks.contact_lines(bank, labels)
    foot = f"{labels('enquiries')}: " + "  ·  ".join(contacts)
    page.rule(page.height - M - page.line_height() - page.body // 2, M, right, width=1)
    page.text(M, page.height - M - page.line_height(), foot, fill=FAINT, room=right - M)
    return page.image
