"""Tax invoice layouts of the vault split (see :mod:`vlmserve.synth`).

``practice``: a health or allied-health practice's invoice (dentist, physiotherapist, vet):
the practice's letterhead centred, the patient's (or the pet and its owner's) details beside
the invoice's, the treating provider and provider number, services by date of service and
item number with their fee and GST (or "GST-free"), the total, what was paid and the balance
due, and how to pay (bank details) or how it was paid. ``trade``: a trade supplier's account
invoice printed by its point-of-sale system in a monospaced font: the account customer's
"Sold to" and "Ship to" boxes side by side, a strip of order and docket numbers, a dense
item table with product codes and units, the totals stacked at the bottom right of the page
over the terms line.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(4), "health")
>>> practice(doc, Labels(random.Random(4), "vault"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import datetime
import random
from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal

from PIL import Image

from vlmserve.synth import blocks, pools
from vlmserve.synth.content import CENT, Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import (
    A4,
    FAINT,
    FONT_FAMILIES,
    MONO_FAMILIES,
    PAPER,
    Column,
    Page,
    a4,
    labelled,
)
from vlmserve.synth.printed import abn, quantity
from vlmserve.synth.sealed_invoices import ACCENTS

M = 72
SHADE = (236, 238, 242)


def _practice_kind(doc: Document) -> str:
    """Which practice's items the document bills (its catalogue in the pools)."""
    first = doc.items[0].description
    return next(k for k, items in pools.HEALTH_PRACTICES.items() if first in [i[0] for i in items])


def _row_gst(doc: Document) -> list[Decimal | None]:
    """GST per line: none on a GST-free line; 10 % of each other line floored to cents, the
    cents left over going to the lines that lost most, so the column adds up to the GST."""
    exact = {i: item.amount / 10 for i, item in enumerate(doc.items) if not item.gst_free}
    floored = {i: e.quantize(CENT, rounding=ROUND_FLOOR) for i, e in exact.items()}
    left = int((doc.gst - sum(floored.values(), Decimal(0))) / CENT)
    for i in sorted(exact, key=lambda i: floored[i] - exact[i])[:left]:
        floored[i] += CENT
    return [floored.get(i) for i in range(len(doc.items))]


def _provider(rng: random.Random, practice: str) -> tuple[str, str, str]:
    """A treating practitioner's name, title and Medicare-style provider number."""
    name = f"Dr {rng.choice(pools.FIRST_NAMES)} {rng.choice(pools.SURNAMES)}"
    if practice == "Physiotherapy" or rng.random() < 0.3:
        name = name[3:]
    number = f"{rng.randrange(10**6):06d}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}"
    return name, rng.choice(pools.PRACTITIONERS[practice]), number


def practice(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Vault. The practice's name, address and contacts (with its ABN) centred over a rule;
    the title; the patient's details (name, or the owner and the animal; address, phone,
    email) in a shaded box at the left, the invoice number, date and due date (when one is
    set) at the right; the treating provider; services Date/Item/Description/Qty/Fee/GST/
    Amount (or item number first, date later); the subtotal (some), GST, total, the amount
    paid and the balance due; payment details (bank, BSB, account) or how it was paid."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    s, p, style, money = doc.supplier, doc.payer, doc.style, doc.style.money
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    kind = _practice_kind(doc)
    # centred letterhead
    y = M
    for line in page.joined(s.name.split(), " ", right - M - 200):
        y = page.text(mid, y, line, scale=1.6, bold=True, align="m", fill=accent)
    y = page.text(mid, y, s.address, align="m", room=right - M)
    contacts = [labelled(labels("phone"), s.phone)]
    contacts += [labelled(labels("website"), f"www.{s.website}")] if s.website else []
    contacts.append(labelled(labels("abn"), abn(s.abn)))
    sep = rng.choice(["   |   ", "   ·   ", "     "])
    y = page.lines(mid, y, page.joined(contacts, sep, right - M), align="m")
    y = page.rule(y + pad, M, right, width=3, fill=accent) + page.body
    title_align = rng.choice(["l", "m"])
    y = page.text(M if title_align == "l" else mid, y, labels("invoice_title"), scale=1.4,
                  bold=True, align=title_align) + pad  # fmt: skip
    # patient box left, invoice details right
    left_w = mid - M - 30
    if kind == "Veterinary":
        animal = f"{rng.choice(pools.PET_NAMES)} ({rng.choice(pools.SPECIES)})"
        who = [(labels("owner"), p.name), (labels("animal"), animal)]
    else:
        who = [(labels("patient"), p.name)]
    lines = [labelled(k, v) for k, v in who] + blocks.address_lines(p, False)
    lines += [labelled(labels("phone"), p.phone)] if p.phone else []
    lines += [p.email] if p.email else []
    top = y
    inner = page.heading_box(M, M + left_w, y, labels("patient_heading"), fill=SHADE)
    bottom = page.lines(M + pad, inner, lines, room=left_w - 2 * pad) + pad
    page.box(M, top, M + left_w, bottom)
    refs = blocks.references(doc, labels)
    y_refs = page.pairs(mid + 30, top + pad, refs, style="side", x1=right)
    name, title, number = _provider(rng, kind)
    provider = [labelled(labels("provider_heading"), name), title]
    provider.append(labelled(labels("provider_number"), number))
    y_refs = page.lines(mid + 30, y_refs + pad, provider, room=right - mid - 30)
    y = max(bottom, y_refs) + page.body
    # services
    served = doc.issued - datetime.timedelta(days=rng.choice([0, 0, 0, 1, 3]))
    date_first = rng.random() < 0.5
    cells = {
        "service_date": (2.6, "l", lambda i, g: style.date(served, short=True)),
        "item_number": (1.6, "l", lambda i, g: pools.HEALTH_ITEM_NUMBERS[i.description]),
        "service_description": (4.3, "l", lambda i, g: i.description),
        "service_quantity": (1.7, "r", lambda i, g: quantity(i.quantity)),
        "fee": (1.8, "r", lambda i, g: money(i.price, False)),
        "row_gst": (1.8, "r", lambda i, g: labels("gst_free") if g is None else money(g, False)),
        "line_fee": (1.9, "r", lambda i, g: money(i.amount, False)),
    }
    first = ["service_date", "item_number"] if date_first else ["item_number"]
    later = [] if date_first else ["service_date"]
    order = [*first, "service_description", *later, "service_quantity", "fee", "row_gst",
             "line_fee"]  # fmt: skip
    columns = [Column(labels(c), cells[c][0], cells[c][1]) for c in order]
    rows = [[cells[c][2](i, g) for c in order] for i, g in zip(doc.items, _row_gst(doc))]
    y = page.table(M, right, y, columns, rows, grid=rng.random() < 0.4, wrap=True) + pad
    # totals, paid and balance
    paid = doc.due is None
    sums = blocks.totals(doc, labels)
    sums += [
        (labels("amount_paid"), money(doc.total if paid else Decimal(0), True)),
        (labels("balance_due"), money(Decimal(0) if paid else doc.total, True)),
    ]
    x = mid + 80
    label_w = max(page.measure(k, bold=True) for k, _ in sums)
    x = min(x, right - label_w - page.measure(sums[-1][1], 1.1, True) - page.body * 2)
    *rest, (due_label, due) = sums
    y_tot = page.pairs(x, y, rest, style="side", x1=right)
    page.box(x - pad, y_tot + 4, right + pad, y_tot + page.line_height(1.15) + pad, fill=SHADE)
    page.text(x, y_tot + pad // 2 + 4, due_label, scale=1.15, bold=True)
    y_tot = page.text(right, y_tot + pad // 2 + 4, due, scale=1.15, bold=True, align="r")
    # payment, under the totals
    y_pay = y_tot + page.body
    if paid:
        note = labelled(labels("payment_method"), doc.payment_method)
        y_pay = page.text(M, y_pay, note, bold=True)
        y_pay = page.text(M, y_pay, "Thank you for your payment.", fill=FAINT)
    else:
        y_pay = page.rule(y_pay, M, right, width=1) + page.body // 2
        y_pay = page.text(M, y_pay, labels("payment_heading"), scale=1.1, bold=True, fill=accent)
        pay = blocks.payment(doc, labels, rng.random() < 0.5)
        y_pay = page.pairs(M, y_pay, pay, style=rng.choice(["side", "colon"]))
        ref = f"Please quote invoice {doc.number} as the reference."
        y_pay = page.text(M, y_pay + 4, ref, fill=FAINT, room=right - M)
    y = max(y_pay, y_tot) + page.body * 2
    notes = [
        "Please retain this invoice for your health fund or Medicare claim.",
        "Appointments cancelled with less than 24 hours notice may incur a fee.",
    ]
    if kind == "Veterinary":
        notes = ["Thank you for trusting us with the care of your pet."]
    page.lines(mid, max(y, page.height - M - len(notes) * page.line_height()), notes,
               align="m", fill=FAINT, room=right - M)  # fmt: skip
    return page.image


def _site(rng: random.Random) -> list[str]:
    """A delivery site: a lot or street address that is not the customer's postal one."""
    suburb, state, postcode = rng.choice(pools.LOCALITIES)
    street = f"{rng.choice(pools.STREETS)} {rng.choice(pools.STREET_TYPES)}"
    first = (
        f"Lot {rng.randrange(1, 300)} {street}"
        if rng.random() < 0.5
        else (f"{rng.randrange(1, 400)} {street}")
    )
    return [first, f"{suburb} {state} {postcode}"]


def trade(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Vault. In a monospaced font: the supplier's name, address, contacts and ABN top left;
    the title over the invoice number, date, account code and page in a box top right; "Sold
    to" (the account customer) and "Ship to" (a delivery site, or counter pick-up) boxes side
    by side; a strip of sales order, docket, customer order (some) and salesperson; items
    Code/Description/Qty/Unit/Price/Ext (columns in one of three orders); at the foot of the
    page the payment details (some) at the left, the totals stacked at the right and the terms
    line with the due date under them."""
    family = FONT_FAMILIES[rng.choice(MONO_FAMILIES)]
    page = Page(A4, family, rng.randrange(22, 25))
    s, p, style = doc.supplier, doc.payer, doc.style
    right, pad = page.width - M, page.body // 2
    # top right: title and the invoice's numbers
    refs = [
        (labels("invoice_number"), doc.number),
        (labels("invoice_date"), style.date(doc.issued)),
        (labels("account_code"), f"{p.name[:4].upper().strip()}{rng.randrange(10, 999):03d}"),
        ("Page", "1 of 1"),
    ]
    title = labels("invoice_title")
    need = max(page.measure(k, bold=True) for k, _ in refs) + page.body
    need = max(need + max(page.measure(v) for _, v in refs), page.measure(title, 1.2, True))
    box_x = right - need - 2 * pad
    band = M + page.line_height(1.2) + pad
    page.box(box_x, M, right, band, fill=(40, 40, 48), width=0)
    page.text(box_x + pad, M + pad // 2, title, scale=1.2, bold=True, fill=PAPER, room=need)
    box_bottom = page.pairs(box_x + pad, band + pad, refs, style="side", x1=right - pad) + pad
    page.box(box_x, M, right, box_bottom)
    # top left: the supplier
    room = box_x - M - page.body
    name_scale = max(1.0, page.fit(s.name, room, scale=1.5, bold=True))
    y = page.text(M, M, s.name, scale=name_scale, bold=True)
    head = [*blocks.address_lines(s, False), *blocks.contact_lines(s, labels)]
    y = page.lines(M, y, head, room=room)
    y = max(y, box_bottom) + page.body
    # sold to / ship to
    sold = [p.name, *blocks.address_lines(p, False)]
    sold += [labelled(labels("phone"), p.phone)] if p.phone else []
    sold += [p.email] if p.email else []
    ship = [p.name, *_site(rng)] if rng.random() < 0.7 else ["COUNTER PICK-UP", s.locality]
    half = (right - M - page.body) // 2
    bottoms = []
    for x, heading, lines in ((M, "sold_to", sold), (M + half + page.body, "ship_to", ship)):
        inner = page.heading_box(x, x + half, y, labels(heading).upper(), fill=SHADE)
        bottoms.append(page.lines(x + pad, inner, lines, room=half - 2 * pad) + pad)
    for x, bottom in zip((M, M + half + page.body), [max(bottoms)] * 2):
        page.box(x, y, x + half, bottom)
    y = max(bottoms) + page.body
    # order strip
    strip = [
        (labels("order_no"), f"SO{rng.randrange(10000, 999999)}"),
        (labels("docket_no"), f"{rng.randrange(100000, 999999)}"),
    ]
    if rng.random() < 0.6:
        strip.append(
            (labels("cust_order"), rng.choice(["PO", "JOB ", ""]) + str(rng.randrange(100, 9999)))
        )
    strip.append((labels("salesperson"), rng.choice(pools.FIRST_NAMES).upper()))
    columns = [Column(k, 1.0) for k, _ in strip]
    y = page.table(M, right, y, columns, [[v for _, v in strip]], grid=True, wrap=True)
    # items
    order = rng.choice([
        ["item_code", "description", "quantity", "uom", "unit_price", "amount"],
        ["quantity", "uom", "item_code", "description", "unit_price", "amount"],
        ["item_code", "quantity", "uom", "description", "unit_price", "amount"],
    ])  # fmt: skip
    names = [c for c in order if c in blocks.ITEM_COLUMNS]
    columns, rows = blocks.item_table(doc, labels, names)
    weights = {"description": 5.6, "quantity": 1.3, "unit_price": 1.8, "amount": 1.9}
    columns = [replace(c, weight=weights[n]) for c, n in zip(columns, names)]
    for row in rows:  # a POS system prints its money without the dollar sign
        for i, n in enumerate(names):
            if n in ("unit_price", "amount"):
                row[i] = row[i].replace("$", "")
    codes = [
        f"{rng.randrange(10**5, 10**7)}" if rng.random() < 0.7 else
        f"{''.join(w[0] for w in i.description.split()[:2]).upper()}{rng.randrange(100, 9999)}"
        for i in doc.items
    ]  # fmt: skip
    extra = {"item_code": (1.7, codes), "uom": (1.0, [pools.TRADE_UNITS[i.description]
                                                       for i in doc.items])}  # fmt: skip
    for name in ("item_code", "uom"):
        at, (weight, cells) = order.index(name), extra[name]
        columns.insert(at, Column(labels(name), weight, "l"))
        for row, cell in zip(rows, cells):
            row.insert(at, cell)
    y = page.table(M, right, y + pad, columns, rows, wrap=True)
    page.text(M, y, f"{len(doc.items)} line(s)", fill=FAINT)
    # foot: terms, totals stacked bottom right, payment at the left
    terms = f"{labels('terms')}: {(doc.due - doc.issued).days} days. " + labelled(
        labels("due_date"), style.date(doc.due)
    )
    sums = blocks.totals(doc, labels)
    label_w = max(page.measure(k, 1.15, True) for k, _ in sums)
    value_w = max(page.measure(v, 1.15, True) for _, v in sums)
    x = right - label_w - value_w - page.body * 2
    tot_h = (len(sums) - 1) * page.line_height() + page.line_height(1.15) + pad
    bottom = page.height - M - page.line_height() * 2 - pad
    top = max(y + page.line_height() + page.body, bottom - tot_h)
    *rest, (total_label, total) = sums
    y_tot = page.pairs(x, top, rest, style="side", x1=right)
    y_tot = page.rule(y_tot, x, right, width=2) + 4
    page.text(x, y_tot, total_label, scale=1.15, bold=True)
    y_tot = page.text(right, y_tot, total, scale=1.15, bold=True, align="r")
    pay = blocks.payment(doc, labels, rng.random() < 0.5)
    if pay:
        page.pairs(M, top, pay, style="colon")
    y = page.rule(max(y_tot, top + len(pay) * page.line_height()) + pad, M, right, width=1)
    y = page.text(M, y + pad, terms, bold=True, room=right - M)
    note = "Claims for shortages or damage must be made within 48 hours of delivery."
    page.text(M, y, note, fill=FAINT, room=right - M, scale=0.9)
    return page.image
