"""Tax invoice layouts of the atlas split (see :mod:`vlmserve.synth`).

``utility``: an energy or telco retailer's bill: the retailer's letterhead, the customer's
postal address under it and an account summary panel (account number, bill number, issue
date, billing period) beside it, the amount due and due date in a prominent box, a table of
usage and supply charges (metered lines "412.5 kWh @ $0.3100", a daily supply charge, or a
plan and add-ons), GST and the total, and a tear-off payment slip at the foot with the BPAY
biller code and reference and the bank transfer details. ``freelance``: a sole trader's
invoice typed in a word processor or a simple invoicing app: plain black text, "From" and
"Bill to" blocks side by side or stacked, the invoice number, dates and project, hours x
rate or fixed-fee lines (a discount line on some), GST and total, and a payment terms
sentence over the bank details.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(4), "utility")
>>> utility(doc, Labels(random.Random(4), "atlas"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import blocks, pools
from vlmserve.synth.content import Document, Item, cents
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, INK, LABEL_SCALE, PAPER, Column, Page, a4, labelled
from vlmserve.synth.printed import abn, account, quantity
from vlmserve.synth.sealed_invoices import ACCENTS

M = 70
PANEL = (240, 242, 246)


def _service(doc: Document) -> str:
    """The retailer's service (electricity, gas, internet, mobile)."""
    return next(r[2] for r in pools.ATLAS_RETAILERS if r[0] == doc.supplier.name)


def _biller(doc: Document) -> str:
    return next(r[4] for r in pools.ATLAS_RETAILERS if r[0] == doc.supplier.name)


def _usage(doc: Document, item: Item, service: str) -> tuple[str, str]:
    """The quantity (with its unit) and the rate as a bill prints them: energy rates to four
    decimal places of a dollar."""
    unit = pools.ATLAS_UNITS.get(service)
    if item.quantity == 1 and unit is None:
        return "1", doc.style.money(item.price, True)
    if "supply" in item.description.lower():
        return f"{quantity(item.quantity)} days", f"${item.price:.4f}"
    return f"{quantity(item.quantity)} {unit}", f"${item.price:.4f}"


def _dashes(page: Page, y: int, note: str) -> None:
    """A cut-here line with ``note`` above its right end."""
    for x in range(M, page.width - M, 22):
        page.draw.line([(x, y), (x + 11, y)], fill=FAINT, width=2)
    page.text(page.width - M, y - page.line_height(0.8), note, scale=0.8, align="r", fill=FAINT)


def utility(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Atlas. The retailer's name in its colour top left with its address, ABN, phone and
    website under it, the title top right; the customer's name and postal address at the
    left, the account summary panel at the right; the amount due and due date in a coloured
    box; the supply address (some) and a previous bill / payment / new charges summary
    (some); the charges table (Description/Quantity/Rate/Amount, or one line each with the
    usage and rate written out) over the subtotal, GST and total; the payment slip."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    s, p, style, money = doc.supplier, doc.payer, doc.style, doc.style.money
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    service = _service(doc)
    cust = str(rng.randrange(10**9, 10**11))
    # letterhead
    title = labels("invoice_title")
    page.text(right, M, title, scale=1.3, bold=True, align="r")
    room = right - M - page.measure(title, 1.3, True) - page.body
    y = page.text(M, M - 6, s.name, scale=1.7, bold=True, fill=accent, room=room)
    y = page.text(M, y, s.address, scale=0.9, room=right - M)
    contacts = [labelled(labels("abn"), abn(s.abn)), labelled(labels("phone"), s.phone),
                f"www.{s.website}"]  # fmt: skip
    y = page.lines(M, y, page.joined(contacts, "   ", right - M), scale=0.9, fill=FAINT)
    y = page.rule(y + pad, M, right, width=3, fill=accent) + page.body
    # customer at the left, account summary at the right
    top = y
    y_left = page.lines(M, y + page.body, [p.name, p.street, p.locality])
    if p.email:
        y_left = page.text(M, y_left, labelled(labels("email"), p.email), scale=0.9, fill=FAINT)
    start, end = (style.date(d, short=True) for d in doc.billing)
    panel = [
        (labels("customer_account"), cust),
        (labels("invoice_number"), doc.number),
        (labels("invoice_date"), style.date(doc.issued)),
        (labels("billing_period"), f"{start} - {end}"),
    ]
    if rng.random() < 0.3:  # the date before the bill number
        panel[1], panel[2] = panel[2], panel[1]
    x1 = right - pad
    widest = max(page.measure(k, bold=True) for k, _ in panel)
    x = min(mid + 10, x1 - widest - page.body - max(page.measure(v) for _, v in panel))
    page.box(x - pad, top, right, top + 4 * page.line_height() + page.body, fill=PANEL)
    y_right = page.pairs(x, top + pad, panel, style="side", x1=x1)
    y = max(y_left, y_right + pad) + page.body
    # amount due box: the label, the amount large under it, the due date
    box_h = page.line_height() + page.line_height(1.8) + page.line_height() + page.body
    box_x0 = M if rng.random() < 0.5 else mid + 10 - pad
    box_x1 = box_x0 + (mid - M - 10 if box_x0 == M else right + pad // 2 - box_x0)
    room = box_x1 - box_x0 - 2 * page.body
    page.box(box_x0, y, box_x1, y + box_h, fill=accent, width=0)
    at = page.text(box_x0 + page.body, y + pad, labels("amount_due"), bold=True, fill=PAPER,
                   room=room)  # fmt: skip
    at = page.text(box_x0 + page.body, at, money(doc.total, True), scale=1.8, bold=True,
                   fill=PAPER)  # fmt: skip
    due = labelled(labels("due_date"), style.date(doc.due))
    page.text(box_x0 + page.body, at, due, fill=PAPER, room=room)
    side = M if box_x0 != M else mid + 10
    notes = []
    if rng.random() < 0.5:
        notes.append(labels("supply_address"))
    if notes:
        page.text(side, y + pad, notes[0], scale=LABEL_SCALE, fill=FAINT)
        page.lines(side, y + pad + page.line_height(LABEL_SCALE), [p.street, p.locality],
                   room=mid - M - 20)  # fmt: skip
    y += box_h + page.body
    if rng.random() < 0.5:  # last bill paid in full: the new charges are what is due
        last = money(cents(doc.total * Decimal(str(rng.uniform(0.7, 1.3)))), True)
        summary = [
            (labels("previous_bill"), last),
            (labels("payment_received"), f"-{last}"),
            (labels("new_charges"), money(doc.total, True)),
        ]
        y = page.pairs(M, y, summary, style="side", x1=mid + 160) + pad
    # charges
    y = page.text(M, y, labels("charges_heading"), scale=1.15, bold=True, fill=accent) + 4
    usage = [_usage(doc, i, service) for i in doc.items]
    if rng.random() < 0.5:
        columns = [Column(labels("charge_description"), 5.0),
                   Column(labels("usage_quantity"), 2.2, "r"), Column(labels("rate"), 1.8, "r"),
                   Column(labels("amount"), 1.8, "r")]  # fmt: skip
        rows = [
            [i.description, q, r, money(i.amount, False)] for i, (q, r) in zip(doc.items, usage)
        ]
    else:
        columns = [Column(labels("charge_description"), 7.0), Column(labels("amount"), 1.8, "r")]
        rows = []
        for i, (q, r) in zip(doc.items, usage):
            text = i.description if q == "1" else f"{i.description} {q} @ {r}"
            rows.append([text, money(i.amount, False)])
    y = page.table(M, right, y, columns, rows, grid=False)
    y = page.pairs(mid + 60, y, blocks.totals(doc, labels), style="side", x1=right) + page.body
    # tear-off slip
    a = doc.account
    slip_h = 9 * page.line_height() + page.body
    top = max(y + page.body, page.height - M - slip_h)
    _dashes(page, top, labels("slip_heading"))
    y = page.text(M, top + page.body, s.name, bold=True, fill=accent)
    facts = [
        (labels("customer_account"), cust),
        (labels("amount_due"), money(doc.total, True)),
        (labels("due_date"), style.date(doc.due)),
    ]
    y_facts = page.pairs(mid + 10, top + page.body, facts, style="side", x1=right)
    y = max(page.text(M, y, p.name, scale=0.9), y_facts) + pad
    ref = cust if rng.random() < 0.5 else cust + str(rng.randrange(10))
    page.box(M, y, M + 110, y + page.line_height(1.2) + pad, width=3)
    page.text(M + 55, y + pad // 2, "BPAY", scale=1.2, bold=True, align="m", fill=INK)
    bpay = [labelled(labels("biller_code"), _biller(doc)), labelled(labels("bpay_ref"), ref)]
    page.lines(M + 130, y, bpay, room=mid - M - 150)
    x = mid + 10
    y2 = page.text(x, y, labels("transfer"), bold=True)
    transfer = [
        labelled(labels("bank_name"), a.bank),
        labelled(labels("account_name"), s.name),
        labelled(labels("bsb"), style.bsb(a.bsb)),
        labelled(labels("account_number"), account(a.number, rng.random() < 0.4)),
    ]
    page.lines(x, y2, transfer, scale=0.95, room=right - x)
    return page.image


def freelance(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Atlas. Plain black text as a word processor or a simple invoicing app prints it: the
    title; "From" and "Bill to" blocks side by side or one under the other; the invoice
    number, date, due date and project; the lines (Description/Hours/Rate/Amount, gridded
    some, the quantity first on some); subtotal, GST and total at the right; the payment
    terms sentence, the payment method and bank details, and a thank-you."""
    page = a4(rng)
    s, p, style = doc.supplier, doc.payer, doc.style
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    title = labels("invoice_title")
    title_right = rng.random() < 0.4
    y = page.text(right if title_right else M, M, title, scale=1.9, bold=True,
                  align="r" if title_right else "l") + page.body  # fmt: skip
    supplier = [s.name, s.street, s.locality, labelled(labels("abn"), abn(s.abn)),
                labelled(labels("phone"), s.phone), labelled(labels("email"), s.email)]  # fmt: skip
    supplier += [f"www.{s.website}"] if s.website else []
    client = [p.name, *blocks.address_lines(p, False)]
    client += [labelled(labels("phone"), p.phone)] if p.phone else []
    client += [p.email] if p.email else []
    refs = blocks.references(doc, labels)
    project = rng.choice(pools.ATLAS_PROJECTS)
    refs.append((labels("project"), project))
    if rng.random() < 0.5:  # side by side, the references under them
        y_a = page.text(M, y, labels("from"), bold=True)
        y_a = page.lines(M, y_a, supplier, room=mid - M - 20)
        y_b = page.text(mid + 20, y, labels("bill_to"), bold=True)
        y_b = page.lines(mid + 20, y_b, client, room=right - mid - 20)
        y = max(y_a, y_b) + page.body
        y = page.pairs(M, y, refs, style=rng.choice(["colon", "side"])) + page.body
    else:  # stacked at the left, the references at the right
        top = y
        y = page.text(M, y, labels("from"), bold=True)
        y = page.lines(M, y, supplier, room=mid - M) + pad
        y = page.text(M, y, labels("bill_to"), bold=True)
        y = page.lines(M, y, client, room=mid - M)
        y_r = page.pairs(mid + 60, top, refs, style="side", x1=right)
        y = max(y, y_r) + page.body
    order = ["description", "quantity", "unit_price", "amount"]
    if rng.random() < 0.3:
        order = ["quantity", "description", "unit_price", "amount"]
    y = page.table(M, right, y, *blocks.item_table(doc, labels, order),
                   grid=rng.random() < 0.5, wrap=True)  # fmt: skip
    y = page.pairs(mid + 80, y, blocks.totals(doc, labels), style="side", x1=right)
    y += page.body * 2
    days = (doc.due - doc.issued).days
    terms = labels("terms_intro").format(days=days, due=style.date(doc.due))
    y = page.lines(M, y, page.joined(terms.split(), " ", right - M)) + pad
    pay = blocks.payment(doc, labels, rng.random() < 0.5)
    pay.append((labels("pay_reference"), doc.number))
    y = page.pairs(M, y, pay, style=rng.choice(["colon", "side"])) + page.body
    page.text(M, y, labels("thanks"), fill=FAINT)
    return page.image
