"""Statement layouts of the atlas split (see :mod:`vlmserve.synth`).

``portal``: a savings or business account's transactions printed from online banking: the
portal's bar with the bank's name and the signed-in customer, a breadcrumb, the account's
nickname as the heading with its product, BSB and account number (and interest rate, some),
the date range searched ("Transactions from 3 Mar 2025 to 28 May 2025"), a table with Debit,
Credit and Balance columns whose first and last rows are the opening and closing balances
(newest first on some pages, as portals list them), and the print footer.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("statement", random.Random(5), "portal")
>>> portal(doc, Labels(random.Random(5), "atlas"), random.Random(5)).size
(1240, 1754)
"""

from __future__ import annotations

import datetime
import random

from PIL import Image

from vlmserve.synth import pools
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, LABEL_SCALE, PAPER, Column, a4, labelled
from vlmserve.synth.printed import account
from vlmserve.synth.sealed_invoices import ACCENTS

M = 64


def portal(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Atlas. The portal bar (bank name, signed-in holder, "Log out"); a breadcrumb; the
    nickname, product, holder, BSB and account number (in a row of small labels over values,
    or as label/value lines); the date range; the transaction table Date/Description/Debit/
    Credit/Balance (or Debit and Credit after the balance's neighbour, some) with the
    opening and closing balance rows; the footer with the print date, the bank's website and
    phone (some) and the page number."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    bank, a, style, money = doc.supplier, doc.account, doc.style, doc.style.money
    right, pad = page.width - M, page.body // 2
    business = doc.payer.name.endswith("Pty Ltd")  # a company's account (content._portal)
    product = rng.choice(pools.ATLAS_BUSINESS if business else pools.ATLAS_SAVINGS)
    nickname = rng.choice(pools.ATLAS_NICKNAMES)
    # browser print header and the portal bar
    printed = doc.period[1] + datetime.timedelta(days=rng.randrange(0, 5))
    page.text(M - 30, 24, f"{bank.name} - {labels('statement_title')}", scale=0.7, fill=FAINT)
    page.text(page.width - 34, 24, style.date(printed, short=True), scale=0.7, align="r",
              fill=FAINT)  # fmt: skip
    bar = round(page.body * 2.8)
    top = 60
    page.box(M, top, right, top + bar, fill=accent, width=0)
    page.text(M + page.body, top + (bar - page.line_height(1.3)) // 2 + 6, bank.name, scale=1.3,
              bold=True, fill=PAPER)  # fmt: skip
    page.text(right - page.body, top + (bar - page.line_height(0.85)) // 2 + 4,
              f"{doc.payer.name}   |   Log out", scale=0.85, align="r", fill=PAPER)  # fmt: skip
    y = top + bar + pad
    crumbs = f"Accounts  >  {nickname}  >  {labels('statement_title')}"
    y = page.text(M, y, crumbs, scale=0.85, fill=FAINT) + pad
    # the account
    y = page.text(M, y, nickname, scale=1.5, bold=True)
    facts = [
        (labels("product"), product),
        (labels("account_holder"), doc.payer.name),
        (labels("bsb"), style.bsb(a.bsb)),
        (labels("account_number"), account(a.number, rng.random() < 0.4)),
    ]
    if not business and rng.random() < 0.6:
        facts.append((labels("interest_rate"), f"{rng.choice([4.1, 4.5, 4.85, 5.0, 5.25])}% p.a."))
    if rng.random() < 0.5:
        y = page.grid(M, right, y + pad, facts, columns=rng.choice([2, 3]))
    else:
        y = page.pairs(M, y + pad, facts, style="side") + page.body
    start, end = (style.date(d) for d in doc.period)
    rng_label = labels("period")
    joint = rng.choice([" to ", " - "])
    y = page.text(M, y, labelled(rng_label, f"{start}{joint}{end}"), bold=True, room=right - M)
    y += pad
    # the table
    debit, credit = labels("flows").split("|")
    heads = [
        Column(labels("txn_date"), 2.0),
        Column(labels("txn_details"), 5.2),
        Column(debit, 1.7, "r"),
        Column(credit, 1.7, "r"),
        Column(labels("balance"), 2.0, "r"),
    ]
    rows = [[style.date(doc.period[0], short=True), labels("opening"), "", "",
             money(doc.opening, False)]]  # fmt: skip
    for t in doc.transactions:
        flow = money(abs(t.amount), False)
        cells = ["", flow] if t.amount > 0 else [flow, ""]
        rows.append([style.date(t.day, short=True), t.description, *cells,
                     money(t.balance, False)])  # fmt: skip
    rows.append([style.date(doc.period[1], short=True), labels("closing"), "", "",
                 money(doc.closing, False)])  # fmt: skip
    if rng.random() < 0.5:  # newest first, as most portals list them
        rows.reverse()
    y = page.table(M, right, y, heads, rows, grid=rng.random() < 0.3, wrap=True)
    # footer
    foot = [f"www.{bank.website}"]
    foot += [labelled(labels("phone"), bank.phone)] if bank.phone else []
    foot.append(labelled(labels("printed"), style.date(printed)))
    bottom = page.height - M
    page.text(M, bottom - page.line_height(0.85), "   ".join(foot), scale=0.85, fill=FAINT,
              room=right - M - 160)  # fmt: skip
    page.text(right, bottom - page.line_height(0.85), "Page 1 of 1", scale=0.85, align="r",
              fill=FAINT)  # fmt: skip
    page.text(M, y + page.body, "Pending transactions are not shown.", scale=LABEL_SCALE,
              fill=FAINT)  # fmt: skip
    return page.image
