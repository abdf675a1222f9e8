"""Tax invoice layouts of the cobalt split (see :mod:`vlmserve.synth`).

``workshop``: a motor-vehicle workshop's tax invoice: the workshop's letterhead at the left
beside a logo box, the title and the invoice's numbers (invoice, job card, dates) at the
right, the customer's and the vehicle's details (rego, make and model, odometer) in two
boxes, a parts table and a labour table (hours x rate) in the job's order, the sundries line,
the totals with what was paid and the balance due, and the payment terms. ``folio``: a
hotel's, motel's or serviced apartments' guest folio: the property's letterhead centred, the
guest's name and address beside the folio's details (folio and confirmation numbers, room,
arrival and departure), one charge line a night and the extras, the totals, the card payment
and the balance, and the GST the total includes.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(4), "workshop")
>>> workshop(doc, Labels(random.Random(4), "cobalt"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth import blocks, pools
from vlmserve.synth.content import Document, Item
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, LABEL_SCALE, Column, a4, labelled
from vlmserve.synth.printed import abn, quantity
from vlmserve.synth.sealed_invoices import ACCENTS
from vlmserve.synth.sealed_invoices import logo as draw_logo

M = 70
SHADE = (236, 238, 242)
LABOUR = {d for d, _ in pools.COBALT_LABOUR}
SUNDRIES = set(pools.COBALT_SUNDRIES)


def _sections(doc: Document) -> list[tuple[str, list[Item]]]:
    """The job's items as printed: runs of parts and of labour in the document's order, and
    the sundries (printed as a line of their own)."""
    out: list[tuple[str, list[Item]]] = []
    for item in doc.items:
        kind = (
            "sundries"
            if item.description in SUNDRIES
            else "labour"
            if item.description in LABOUR
            else "parts"
        )
        if out and out[-1][0] == kind:
            out[-1][1].append(item)
        else:
            out.append((kind, [item]))
    return out


def _vehicle(rng: random.Random) -> list[tuple[str, str]]:
    make = rng.choice(list(pools.COBALT_VEHICLES))
    model = rng.choice(pools.COBALT_VEHICLES[make])
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    digits = f"{rng.randrange(1000):03d}"
    rego = rng.choice(
        [f"{letters}{digits}", f"{digits}{letters}", f"{digits[:1]}{letters}{digits[1:]}"]
    )
    year = rng.randrange(2008, 2024)
    out = [("rego", rego), ("make_model", f"{year} {make} {model}")]
    if rng.random() < 0.5:
        out.append(("colour", rng.choice(pools.COBALT_COLOURS)))
    out.append(("odometer", f"{rng.randrange(8, 320) * 1000 + rng.randrange(1000):,} km"))
    if rng.random() < 0.4:
        vin = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
        out.append(("vin", vin))
    return out


def workshop(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Cobalt. A logo box (the initials) and the workshop's name, address, contacts and ABN
    at the left; the title, invoice number, job card number, invoice date and due date (when
    on account) at the right; "Customer" and "Vehicle" boxes side by side; the parts
    (Part No. (some)/Description/Qty/Each/Amount) and the labour (Description/Hours/Rate/
    Amount), each under its heading, in the job's order; the sundries line; the subtotal
    (some), GST, total, paid and balance due at the right, the payment details or how it was
    paid at the left; the terms, technician and next service at the foot."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    s, p, style, money = doc.supplier, doc.payer, doc.style, doc.style.money
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    # letterhead: logo box, name and contacts at the left
    logo = round(page.body * 3.6)
    draw_logo(page, M, M, s.name, accent, logo, rng.random() < 0.3)
    x = M + logo + page.body
    room = mid + 60 - x
    y = page.text(x, M, s.name, scale=page.fit(s.name, room, scale=1.4, bold=True), bold=True)
    head = [*blocks.address_lines(s, False), *blocks.contact_lines(s, labels)]
    y_left = page.lines(x, y, head, room=room, scale=0.95)
    # title and numbers at the right
    title = labels("invoice_title")
    y_right = page.text(right, M, title, scale=1.35, bold=True, align="r", fill=accent,
                        room=right - mid - 80) + pad  # fmt: skip
    refs = [(labels("invoice_number"), doc.number)]
    job = (labels("job_card"), f"{rng.choice(['J', 'JC', ''])}{rng.randrange(1000, 99999)}")
    refs.insert(rng.randrange(2), job)
    refs.append((labels("invoice_date"), style.date(doc.issued)))
    if doc.due:
        refs.append((labels("due_date"), style.date(doc.due)))
    y_right = page.pairs(mid + 100, y_right, refs, style="side", x1=right)
    y = max(y_left, y_right, M + logo) + page.body
    y = page.rule(y, M, right, width=3, fill=accent) + page.body
    # customer and vehicle boxes
    half = (right - M - page.body) // 2
    cust = [p.name, *blocks.address_lines(p, False)]
    cust += [labelled(labels("phone"), p.phone)] if p.phone else []
    cust += [p.email] if p.email else []
    names = {"colour": "Colour"}
    vehicle = [(names.get(k) or labels(k), v) for k, v in _vehicle(rng)]
    boxes = [(labels("customer_heading"), cust, False), (labels("vehicle_heading"), vehicle, True)]
    if rng.random() < 0.3:
        boxes.reverse()
    bottoms = []
    for i, (heading, lines, paired) in enumerate(boxes):
        bx = M + i * (half + page.body)
        inner = page.heading_box(bx, bx + half, y, heading, fill=SHADE)
        need = paired and max(page.measure(k, bold=True) for k, _ in lines) + page.body
        if paired and need + max(page.measure(v) for _, v in lines) <= half - 2 * pad:
            bottom = page.pairs(bx + pad, inner, lines, style="side", x1=bx + half - pad)
        elif paired:
            texts = [labelled(k, v) for k, v in lines]
            bottom = page.lines(bx + pad, inner, texts, room=half - 2 * pad)
        else:
            bottom = page.lines(bx + pad, inner, lines, room=half - 2 * pad)
        bottoms.append(bottom + pad)
    for i in range(2):
        bx = M + i * (half + page.body)
        page.box(bx, y, bx + half, max(bottoms))
    y = max(bottoms) + page.body
    # parts, labour and sundries in the job's order
    part_numbers = rng.random() < 0.5
    grid = rng.random() < 0.3
    for kind, items in _sections(doc):
        if kind == "sundries":
            for item in items:
                page.text(M + pad, y, item.description, bold=True)
                y = page.text(right - pad, y, money(item.amount), align="r")
            y += pad
            continue
        y = page.text(M, y, labels(f"{kind}_heading"), scale=1.1, bold=True, fill=accent)
        if kind == "parts":
            cols = [
                Column(labels("part_description"), 5.4),
                Column(labels("part_qty"), 1.2, "r"),
                Column(labels("part_price"), 1.7, "r"),
                Column(labels("line_amount"), 1.8, "r"),
            ]
            rows = [
                [i.description, quantity(i.quantity), money(i.price), money(i.amount)]
                for i in items
            ]
            if part_numbers:
                cols.insert(0, Column(labels("part_no"), 1.8))
                for row in rows:
                    code = rng.choice(["", "Z", "R", "WCO"]) + str(rng.randrange(100, 99999))
                    row.insert(0, code)
        else:
            cols = [
                Column(labels("labour_description"), 6.0),
                Column(labels("hours"), 1.3, "r"),
                Column(labels("hourly_rate"), 1.5, "r"),
                Column(labels("line_amount"), 1.8, "r"),
            ]
            rows = [
                [i.description, quantity(i.quantity), money(i.price), money(i.amount)]
                for i in items
            ]
        y = page.table(M, right, y, cols, rows, grid=grid, wrap=True) + pad // 2
    # totals at the right
    paid = doc.due is None
    sums = blocks.totals(doc, labels)
    sums += [
        (labels("amount_paid"), money(doc.total if paid else Decimal(0), True)),
        (labels("balance_due"), money(Decimal(0) if paid else doc.total, True)),
    ]
    label_w = max(page.measure(k, 1.1, True) for k, _ in sums)
    value_w = max(page.measure(v, 1.1, True) for _, v in sums)
    x = right - label_w - value_w - page.body * 2
    top = y + pad
    *rest, (due_label, due) = sums
    y_tot = page.pairs(x, top, rest, style="side", x1=right)
    page.box(x - pad, y_tot + 2, right + pad, y_tot + page.line_height(1.1) + pad, fill=SHADE)
    page.text(x, y_tot + pad // 2 + 2, due_label, scale=1.1, bold=True)
    y_tot = page.text(right, y_tot + pad // 2 + 2, due, scale=1.1, bold=True, align="r")
    # payment at the left of the totals
    room = x - M - page.body * 2
    if paid:
        line = labelled(labels("payment_method"), doc.payment_method)
        y_pay = page.text(M, top, line, bold=True, room=room)
        y_pay = page.text(M, y_pay, "Thank you for your business.", fill=FAINT, room=room)
    else:
        y_pay = page.text(M, top, labels("payment_heading"), bold=True, fill=accent, room=room)
        pay = blocks.payment(doc, labels, rng.random() < 0.5)
        y_pay = page.pairs(M, y_pay, pay, style=rng.choice(["colon", "side"]))
        ref = f"Reference: {doc.number}"
        y_pay = page.text(M, y_pay, ref, fill=FAINT, room=room)
    y = max(y_tot, y_pay) + page.body
    # foot: technician, next service, terms
    foot = []
    if rng.random() < 0.6:
        tech = f"{rng.choice(pools.FIRST_NAMES)} {rng.choice(pools.SURNAMES)[0]}."
        foot.append(labelled(labels("technician"), tech))
    if rng.random() < 0.5:
        kms = (rng.randrange(8, 320) + 10) * 1000
        foot.append(labelled(labels("next_service"), f"{kms:,} km or 12 months"))
    if paid:
        foot.append(labels("paid_terms"))
    else:
        foot.append(labels("terms").format(days=(doc.due - doc.issued).days))
    foot.append("All parts carry the manufacturer's warranty. Old parts available on request.")
    y = max(y, page.height - M - len(foot) * page.line_height(0.9))
    page.rule(y - pad, M, right, width=1)
    page.lines(M, y, foot, scale=0.9, fill=FAINT, room=right - M)
    return page.image


def folio(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Cobalt. The property's name, address, contacts and ABN centred; the title; the
    guest's name, address, phone and email (those it has) at the left, the folio number and
    date, confirmation number (some), room, room type (some), arrival and departure at the
    right; the charges Date/Description/Qty/Rate/Amount, one room line a night then the
    extras; the subtotal (some), GST and total at the right; the card payment under a
    "Payments" heading and the balance; the GST the total includes; thanks."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    s, p, style, money = doc.supplier, doc.payer, doc.style, doc.style.money
    right, mid, pad = page.width - M, page.width // 2, page.body // 2
    arrival, departure = doc.billing
    # centred letterhead
    y = M
    scale = rng.choice([1.5, 1.7])
    for line in page.joined(s.name.split(), " ", round((right - M - 120) / scale)):
        y = page.text(mid, y, line, scale=scale, bold=True, align="m", fill=accent)
    y = page.text(mid, y, s.address, align="m", room=right - M)
    contacts = [labelled(labels("phone"), s.phone)]
    if s.website and rng.random() < 0.6:
        contacts.append(labelled(labels("email"), f"stay@{s.website}"))
    contacts += [f"www.{s.website}"] if s.website else []
    y = page.lines(mid, y, page.joined(contacts, "   ", right - M), align="m")
    y = page.text(mid, y, labelled(labels("abn"), abn(s.abn)), align="m")
    y = page.rule(y + pad, M + 120, right - 120, width=2, fill=accent) + page.body
    y = page.text(mid, y, labels("folio_title"), scale=1.3, bold=True, align="m") + pad
    # guest at the left, folio details at the right
    guest = [labelled(labels("guest"), p.name), *blocks.address_lines(p, False)]
    guest += [labelled(labels("phone"), p.phone)] if p.phone else []
    guest += [p.email] if p.email else []
    y_left = page.lines(M, y, guest, room=mid - M - 40)
    details = [
        (labels("folio_number"), doc.number),
        (labels("folio_date"), style.date(doc.issued)),
    ]
    if rng.random() < 0.6:
        details.append((labels("confirmation"), f"{rng.randrange(10**7, 10**9)}"))
    floor = rng.randrange(1, 12)
    details.append((labels("room_number"), f"{floor}{rng.randrange(1, 30):02d}"))
    if rng.random() < 0.5:
        details.append((labels("room_type"), doc.items[0].description))
    details += [
        (labels("arrival"), style.date(arrival)),
        (labels("departure"), style.date(departure)),
    ]
    if rng.random() < 0.4:
        details.append((labels("adults"), str(rng.randrange(1, 5))))
    y_right = page.pairs(mid + 40, y, details, style="side", x1=right)
    y = max(y_left, y_right) + page.body
    # charges
    nights = (departure - arrival).days
    dates = [arrival + datetime.timedelta(days=n) for n in range(nights)]
    extra_day = departure - datetime.timedelta(days=1)
    rows = []
    for n, item in enumerate(doc.items):
        day = dates[n] if n < nights else extra_day
        rows.append([style.date(day, short=True), item.description, quantity(item.quantity),
                     money(item.price, False), money(item.amount, False)])  # fmt: skip
    cols = [
        Column(labels("charge_date"), 2.3),
        Column(labels("charge_description"), 5.0),
        Column(labels("charge_qty"), 1.2, "r"),
        Column(labels("charge_price"), 1.7, "r"),
        Column(labels("charge_amount"), 1.8, "r"),
    ]
    y = page.table(M, right, y, cols, rows, grid=rng.random() < 0.3, wrap=True) + pad
    # totals, payments and balance at the right
    sums = blocks.totals(doc, labels)
    label_w = max(page.measure(k, bold=True) for k, _ in sums)
    x = min(mid + 60, right - label_w - page.measure(sums[-1][1], 1.1, True) - 2 * page.body)
    *rest, (total_label, total) = sums
    y = page.pairs(x, y, rest, style="side", x1=right)
    page.text(x, y, total_label, scale=1.1, bold=True)
    y = page.text(right, y, total, scale=1.1, bold=True, align="r") + pad
    y = page.text(M, y, labels("payments_heading"), bold=True, fill=accent)
    y = page.rule(y, M, right, width=1) + 4
    card = f"{doc.payment_method} {rng.choice(['xxxx', '****', 'XXXX-'])}{rng.randrange(10000):04d}"
    page.text(M + pad, y, style.date(departure, short=True))
    page.text(M + 260, y, card)
    y = page.text(right, y, f"-{money(doc.total, True)}", align="r")
    y = page.rule(y, M, right, width=1) + pad
    page.text(x, y, labels("balance"), scale=1.1, bold=True)
    y = page.text(right, y, money(Decimal(0), True), scale=1.1, bold=True, align="r")
    y += page.body
    y = page.text(M, y, f"{labels('gst_note')} {money(doc.gst, True)}", room=right - M)
    y = max(y + page.body, page.height - M - page.line_height())
    page.text(mid, y, labels("thanks_stay"), align="m", fill=FAINT, room=right - M,
              scale=LABEL_SCALE + 0.05)  # fmt: skip
    return page.image
