"""The bank statement layout of the cobalt split (see :mod:`vlmserve.synth`): a credit
card statement: the issuer's name and the card product at the top, the title and statement
period, the cardholder's name and address in the envelope window beside the card's details
(masked card number, credit limit), the account summary (opening balance, payments and
credits, purchases, interest and fees, closing balance, minimum payment, payment due date),
the transactions with their transaction and posting dates, and a payment slip at the foot.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("statement", random.Random(4), "card")
>>> card(doc, Labels(random.Random(4), "cobalt"), random.Random(4)).width
1240
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import pools
from vlmserve.synth.content import CENT, Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import A4, FAINT, FONT_FAMILIES, PAGE_FAMILIES, Column, Page, labelled
from vlmserve.synth.sealed_invoices import ACCENTS

M = 66
SHADE = (238, 240, 244)


def minimum_payment(closing: Decimal) -> Decimal:
    """2 % of the closing balance or $25, whichever is more (the whole balance under $25)."""
    if closing <= 25:
        return max(closing, Decimal(0))
    return max(Decimal(25), (closing * Decimal("0.02")).quantize(CENT))


def summary(doc: Document) -> dict[str, Decimal]:
    """The statement's summary: what it opened with, the payments and credits, purchases,
    interest and fees, and what it closed with (owing)."""
    credits = sum((t.amount for t in doc.transactions if t.amount > 0), Decimal(0))
    charges = [t for t in doc.transactions if t.amount < 0]
    fees = -sum((t.amount for t in charges if t.description in pools.COBALT_CARD_CHARGES),
                Decimal(0))  # fmt: skip
    purchases = -sum((t.amount for t in charges), Decimal(0)) - fees
    return {"opening": doc.opening, "payments_credits": credits, "purchases": purchases,
            "interest_fees": fees, "closing": doc.closing}  # fmt: skip


def card(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Cobalt. The issuer's name (large) and card product at the left, the title and the
    statement period at the right; the cardholder's name and address at the left, the card
    number (masked), cardholder (some), credit limit and available credit (some) at the
    right; the account summary box (opening, payments and credits, purchases, interest and
    fees, closing; minimum payment and payment due date); the transactions (transaction
    date and posting date, in either order, details, amount with credits marked "CR" or
    signed); the enquiries line; a payment slip under a cut line at the foot (card number,
    closing balance, minimum payment, due date, BPAY biller code and reference)."""
    family = FONT_FAMILIES[rng.choice(PAGE_FAMILIES)]
    page = Page((A4[0], 2600), family, rng.randrange(22, 25))
    accent, style, money = rng.choice(ACCENTS), doc.style, doc.style.money
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    issuer = next(i for i in pools.COBALT_ISSUERS if i[0] == doc.supplier.name)
    product, network = issuer[2], issuer[3]
    masked = f"{'4' if network == 'Visa' else '5'}{rng.randrange(100, 999)} XXXX XXXX "
    masked += f"{rng.randrange(10000):04d}"
    sums = summary(doc)
    minimum = minimum_payment(doc.closing)
    # top: issuer and product left, title and period right
    y = page.text(M, M, doc.supplier.name, scale=1.6, bold=True, fill=accent)
    y_left = page.text(M, y, product, scale=1.05, fill=FAINT)
    y = page.text(right, M, labels("statement_title"), scale=1.3, bold=True, align="r")
    start, end = (style.date(d) for d in doc.period)
    period = labelled(labels("period"), f"{start} {rng.choice(['to', '-'])} {end}")
    y_right = page.text(right, y, period, align="r", room=right - mid + 60)
    y = max(y_left, y_right) + page.body
    y = page.rule(y, M, right, width=3, fill=accent) + page.body
    # cardholder address left, card details right
    p = doc.payer
    y_left = page.lines(M + 20, y + page.body, [p.name, p.street, p.locality])
    details = [(labels("card_number"), masked)]
    if rng.random() < 0.5:
        details.append((labels("card_holder"), p.name))
    limit = Decimal(max(1000, (int(doc.closing) // 1000 + rng.randrange(2, 12)) * 1000))
    details.append((labels("credit_limit"), money(limit, True)))
    if rng.random() < 0.6:
        details.append((labels("available"), money(limit - doc.closing, True)))
    y_right = page.pairs(mid + 20, y, details, style="side", x1=right)
    y = max(y_left, y_right) + page.body
    # account summary box
    rows = [(labels(k), money(v, True)) for k, v in sums.items()]
    signs = ["", "-", "+", "+", "="]
    if rng.random() < 0.5:
        rows = [(k, f"{sign} {v}".strip()) for (k, v), sign in zip(rows, signs)]
    due = [(labels("min_payment"), money(minimum, True)),
           (labels("payment_due"), style.date(doc.due))]  # fmt: skip
    top = y
    inner = page.heading_box(M, right, y, labels("summary_heading"), fill=SHADE)
    split = mid - 20
    *flows, closing = rows
    y_sum = page.pairs(M + pad, inner, flows, style="side", x1=split - pad)
    page.text(M + pad, y_sum, closing[0], bold=True, scale=1.1)
    y_sum = page.text(split - pad, y_sum, closing[1], bold=True, scale=1.1, align="r")
    page.draw.line([(split, inner), (split, y_sum)], fill=FAINT, width=1)
    y_due = inner
    for k, v in due:
        y_due = page.text(split + page.body, y_due, k, fill=FAINT)
        y_due = page.text(split + page.body, y_due - 4, v, scale=1.25, bold=True) + pad // 2
    bottom = max(y_sum, y_due) + pad
    page.box(M, top, right, bottom)
    y = bottom + page.body
    # transactions
    txn_first = rng.random() < 0.6
    signed = rng.random() < 0.4
    heads = ["txn_date", "post_date"] if txn_first else ["post_date", "txn_date"]
    cols = [Column(labels(h), 1.9) for h in heads]
    cols += [Column(labels("txn_details"), 6.0), Column(labels("txn_amount"), 2.0, "r")]
    table = []
    if rng.random() < 0.5:
        table.append(["", "", labels("opening"), money(doc.opening, False)])
    lines, posted = [], doc.period[0]
    for t in doc.transactions:
        lag = rng.choice([0, 1, 1, 2, 3])
        if t.description != "INTERNATIONAL TRANSACTION FEE":  # a fee posts with its purchase
            posted = min(t.day + datetime.timedelta(days=lag), doc.period[1])
        lines.append((t, posted))
    if not txn_first:  # listed in the order of the date printed first
        lines.sort(key=lambda line: line[1])
    for t, day in lines:
        dates = [style.date(t.day, short=True), style.date(day, short=True)]
        if not txn_first:
            dates.reverse()
        value = money(abs(t.amount), False)
        if t.amount > 0:
            value = f"-{value}" if signed else f"{value} CR"
        table.append([*dates, t.description, value])
    table.append(["", "", labels("closing"), money(doc.closing, False)])
    y = page.table(M, right, y, cols, table, wrap=True)
    s = doc.supplier
    enquiries = f"{labels('enquiries')} {s.phone}  |  www.{s.website}"
    y = page.text(M, y, enquiries, fill=FAINT, room=right - M) + page.body
    # payment slip at the foot
    slip_h = page.line_height() * 6 + page.body * 3
    y = max(y, A4[1] - M - slip_h)
    for x in range(M, right, 24):
        page.draw.line([(x, y), (x + 12, y)], fill=FAINT, width=2)
    y += page.body
    page.text(M, y, labels("slip_heading"), bold=True, scale=1.1, fill=accent)
    y = page.text(right, y, s.name, bold=True, align="r")
    slip = [
        (labels("card_number"), masked),
        (labels("closing"), money(doc.closing, True)),
        (labels("min_payment"), money(minimum, True)),
        (labels("payment_due"), style.date(doc.due)),
    ]
    y_left = page.pairs(M, y, slip, style="side", x1=mid - 20)
    bpay = [
        (labels("biller_code"), str(rng.randrange(1000, 999999))),
        (labels("bpay_ref"), f"{rng.randrange(10**11, 10**12)}"),
    ]
    y_right = page.pairs(mid + 20, y, bpay, style="side", x1=right)
    page.text(mid + 20, y_right + pad, "Amount paid  $ ____________", bold=True)
    bottom = max(y_left, y_right + page.line_height()) + M
    page.crop(max(A4[1], bottom))
    return page.image
