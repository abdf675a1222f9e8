"""The printed pieces every layout arranges: party blocks, reference pairs, item rows, totals
and payment details. Absent values are left out, so a page never prints an empty label.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("invoice", random.Random(3))
>>> labels = Labels(random.Random(3), split="tuned")
>>> [k for k, _ in totals(doc, labels)] == [labels("subtotal"), labels("gst"), labels("total")]
True
"""

from __future__ import annotations

from vlmserve.synth.content import Document, Party
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import Column, labelled
from vlmserve.synth.printed import abn, account, quantity

Pairs = list[tuple[str, str]]


def address_lines(party: Party, one_line: bool) -> list[str]:
    if not party.street:
        return []
    return [party.address] if one_line else [party.street, party.locality]


def contact_lines(party: Party, labels: Labels, *, with_abn: bool = True) -> list[str]:
    """ABN, phone, email and website lines of a party, those it has."""
    out = []
    if with_abn and party.abn:
        out.append(labelled(labels("abn"), abn(party.abn)))
    if party.phone:
        out.append(labelled(labels("phone"), party.phone))
    if party.email:
        out.append(labelled(labels("email"), party.email))
    if party.website:
        out.append(labelled(labels("website"), f"www.{party.website}"))
    return out


def party_lines(party: Party, labels: Labels, one_line: bool = False) -> list[str]:
    return [party.name, *address_lines(party, one_line), *contact_lines(party, labels)]


def references(doc: Document, labels: Labels) -> Pairs:
    """Invoice number, date of issue and due date."""
    s = doc.style
    out = [(labels("invoice_number"), doc.number), (labels("invoice_date"), s.date(doc.issued))]
    return out + ([(labels("due_date"), s.date(doc.due))] if doc.due else [])


def totals(doc: Document, labels: Labels, total: str = "total") -> Pairs:
    """Subtotal (when shown), GST and total; ``total`` names the total's label."""
    s, out = doc.style, []
    if doc.shows_subtotal:
        out.append((labels("subtotal"), s.money(doc.subtotal, True)))
    return out + [
        (labels("gst"), s.money(doc.gst, True)),
        (labels(total), s.money(doc.total, True)),
    ]


def payment(doc: Document, labels: Labels, grouped_account: bool) -> Pairs:
    """Payment method and, for bank payments, where to pay."""
    out = [(labels("payment_method"), doc.payment_method)] if doc.payment_method else []
    if doc.account:
        a = doc.account
        out += [
            (labels("bank_name"), a.bank),
            (labels("account_name"), doc.supplier.name),
            (labels("bsb"), doc.style.bsb(a.bsb)),
            (labels("account_number"), account(a.number, grouped_account)),
        ]
    return out


# column -> (share of the table width on a page, on a till roll, alignment)
ITEM_COLUMNS = {
    "description": (5.2, 3.2, "l"),
    "quantity": (1.1, 0.9, "r"),
    "unit_price": (1.9, 1.6, "r"),
    "amount": (1.9, 1.7, "r"),
}


def item_table(
    doc: Document, labels: Labels, order: list[str], narrow: bool = False
) -> tuple[list[Column], list[list[str]]]:
    """Item columns in ``order`` (names of :data:`ITEM_COLUMNS`) and their rows; ``narrow``
    (a till roll) uses the short header wording."""
    money = doc.style.money
    cells = {
        "description": lambda i: i.description,
        "quantity": lambda i: quantity(i.quantity),
        "unit_price": lambda i: money(i.price),
        "amount": lambda i: money(i.amount),
    }
    columns = []
    for name in order:
        page_weight, roll_weight, align = ITEM_COLUMNS[name]
        header = labels(f"short_{name}" if narrow else name)
        columns.append(Column(header, roll_weight if narrow else page_weight, align))
    return columns, [[cells[name](item) for name in order] for item in doc.items]
