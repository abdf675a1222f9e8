"""The receipt layout of the cobalt split (see :mod:`vlmserve.synth`): a pharmacy's or
newsagency's docket from a narrow printer in a proportional font: the store's details
centred, the sale's date, time, register and transaction numbers, each item with its barcode
or PLU code under it (a multiple as "x2" after the name or as "2 @ $3.99" under it, a
GST-free item marked "#", an item on special with its saving), the totals, the savings, the
card or cash tender and a return-policy footer.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("receipt", random.Random(4), "chemist")
>>> chemist(doc, Labels(random.Random(4), "cobalt"), random.Random(4)).width in (576, 640)
True
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from PIL import Image

from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, FONT_FAMILIES, PAGE_FAMILIES, Page, labelled
from vlmserve.synth.printed import abn, quantity
from vlmserve.synth.vault_receipts import _Roll

WIDTHS = (576, 640)
M = 24


def _code(rng: random.Random) -> str:
    """An EAN-13 barcode (Australian prefix 93) or a short PLU."""
    if rng.random() < 0.8:
        digits = [9, 3] + [rng.randrange(10) for _ in range(10)]
        check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
        return "".join(map(str, digits)) + str(check)
    return f"PLU {rng.randrange(1000, 99999)}"


def chemist(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Cobalt. The store's name (large, bold), address, phone, website (some) and ABN
    centred; the title; the date and time, register, transaction number and operator (some);
    each item as its name and amount ("#" after a GST-free one) with its code under it, a
    multiple as "Name x2" (the price each by the code) or with a "2 @ $3.99" line; a saving
    under an item on special (some); the number of items; the subtotal and GST (when shown),
    the total, the GST it includes (when the subtotal is not shown), the savings total; the
    GST-free note; the tender (card and approval, or cash and change); the footer."""
    family = FONT_FAMILIES[rng.choice(PAGE_FAMILIES)]
    page = Page((rng.choice(WIDTHS), 3600), family, rng.randrange(22, 25))
    roll, s, money, style = _Roll(page, False), doc.supplier, doc.style.money, doc.style
    for line in page.joined(s.name.split(), " ", round((page.width - 2 * M) / 1.35)):
        roll.line(line, bold=True, scale=1.35, centre=True)
    head = [s.street, s.locality, labelled(labels("phone"), s.phone)]
    head += [f"www.{s.website}"] if s.website else []
    head.append(labelled(labels("abn"), abn(s.abn)))
    for line in head:
        roll.line(line, centre=True)
    roll.y += page.body // 2
    roll.line(labels("receipt_title"), bold=True, scale=1.15, centre=True)
    roll.y += page.body // 3
    time = f"{rng.randrange(8, 21):02d}:{rng.randrange(60):02d}"
    roll.pair(style.date(doc.issued, short=True), time)
    reg = f"{labels('register')} {rng.randrange(1, 6)}"
    roll.pair(reg, labelled(labels("receipt_number"), doc.number))
    if rng.random() < 0.6:
        roll.line(
            labelled(labels("operator"), rng.choice(["Sarah", "Mei", "Josh", "Priya", "Tom"]))
        )
    roll.rule()
    x_suffix = rng.random() < 0.5
    saved = Decimal(0)
    for item in doc.items:
        mark = " #" if item.gst_free else "  "
        amount = money(item.amount, False) + mark
        code = _code(rng)
        if item.quantity == 1:
            roll.pair(item.description, amount)
            roll.line(f"   {code}")
        elif x_suffix:
            roll.pair(f"{item.description} x{quantity(item.quantity)}", amount)
            roll.line(f"   {code}  @ {money(item.price, True)} ea")
        else:
            roll.line(item.description)
            roll.pair(f"   {quantity(item.quantity)} @ {money(item.price, True)}", amount)
            roll.line(f"   {code}")
        if rng.random() < 0.25:
            save = Decimal(rng.choice([1, 2, 3, 4, 5])) + Decimal(rng.choice(["0", "0.5"]))
            saved += save * item.quantity
            roll.line(f"   SPECIAL - SAVE {money(save * item.quantity, True)}")
    roll.rule()
    count = sum(item.quantity for item in doc.items)
    roll.pair(labels("items_count"), quantity(count))
    if doc.shows_subtotal:
        roll.pair(labels("subtotal"), money(doc.subtotal, True))
        roll.pair(labels("gst"), money(doc.gst, True))
    roll.pair(labels("receipt_total"), money(doc.total, True), bold=True, scale=1.35)
    if not doc.shows_subtotal:
        roll.pair(labels("gst_included"), money(doc.gst, True))
    if saved:
        roll.pair(labels("savings"), money(saved, True), bold=True)
    if any(item.gst_free for item in doc.items):
        roll.line(labels("gst_free_note"))
    roll.rule()
    method = doc.payment_method
    roll.pair(labelled(labels("paid_by"), method), money(doc.total, True), bold=True)
    if method == "Cash":
        notes = [n for n in (5, 10, 20, 50, 100) if n >= doc.total]
        given = Decimal(notes[0] if notes else 50 * math.ceil(doc.total / 50))
        roll.pair("Cash", money(given, True))
        roll.pair(labels("change"), money(given - doc.total, True))
    else:
        roll.line(
            f"{method.upper()} ****{rng.randrange(10000):04d}  {rng.choice(['TAP', 'CHIP', 'PIN'])}"
        )
        roll.pair(f"AUTH {rng.randrange(10**6):06d}", "APPROVED")
    roll.y += page.body
    if "Chemist" in s.name or "Pharmacy" in s.name:
        foot = ["Always read the label.", "Use only as directed.",
                "Ask your pharmacist for advice."]  # fmt: skip
    else:
        foot = ["Lotto, Keno & bill payments not refundable."]
    foot.append("Please keep your receipt as proof of purchase.")
    for line in foot:
        page.text(page.width // 2, roll.y, line, align="m", fill=FAINT, room=page.width - 2 * M)
        roll.y += page.line_height()
    page.crop(roll.y + 2 * M)
    return page.image
