"""Bank statement layouts on A4.

``classic`` and ``ledger`` are tuned layouts; ``summary`` is held out (account details in a
key/value grid, newest transactions first, the bank named only in the footer).
"""

from __future__ import annotations

import random

from PIL import Image

from vlmserve.synth import blocks
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, Column, Page, a4
from vlmserve.synth.printed import account

M = 90


def _period(doc: Document, rng: random.Random) -> str:
    start, end = (doc.style.date(d) for d in doc.period)
    return f"{start}{rng.choice([' to ', ' - '])}{end}"


def _account_pairs(doc: Document, labels: Labels, rng: random.Random) -> list[tuple[str, str]]:
    a = doc.account
    return [
        (labels("bsb"), doc.style.bsb(a.bsb)),
        (labels("account_number"), account(a.number, rng.random() < 0.5)),
        (labels("period"), _period(doc, rng)),
    ]


def _balances(doc: Document, labels: Labels) -> list[tuple[str, str]]:
    money = doc.style.money
    return [
        (labels("opening"), money(doc.opening, True)),
        (labels("closing"), money(doc.closing, True)),
    ]


def _transactions(
    page: Page, doc: Document, labels: Labels, y: int, split: bool, newest_first=False
) -> int:
    """The transaction table: Debit and Credit columns when ``split``, else one signed Amount."""
    money, date = doc.style.money, doc.style.date
    flows = labels("flows").split("|") if split else [labels("txn_amount")]
    headers = [labels("txn_date"), labels("txn_details"), *flows, labels("balance")]
    weights = [2.2, 4.6, *[1.7] * len(flows), 1.7]
    columns = [
        Column(h, w, "l" if i < 2 else "r") for i, (h, w) in enumerate(zip(headers, weights))
    ]
    rows = []
    for t in doc.transactions:
        if split:
            cells = [money(-t.amount), ""] if t.amount < 0 else ["", money(t.amount)]
        else:
            cells = [money(t.amount)]
        rows.append([date(t.day, short=True), t.description, *cells, money(t.balance)])
    return page.table(M, page.width - M, y, columns, rows[::-1] if newest_first else rows)


def classic(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Bank top left with enquiry details, title top right, the holder's postal address,
    account details and balances side by side, then Date/Description/Debit/Credit/Balance."""
    page = a4(rng)
    right, half = page.width - M, page.width // 2
    page.text(right, M, labels("statement_title"), scale=1.4, bold=True, align="r")
    y = page.text(M, M, doc.supplier.name, scale=1.8, bold=True)
    y = page.lines(M, y, blocks.contact_lines(doc.supplier, labels), fill=FAINT) + page.body
    holder = [doc.payer.name, *blocks.address_lines(doc.payer, False)]
    y = page.lines(M, y, holder) + page.body
    y = page.rule(y, M, right) + page.body
    y_left = page.pairs(M, y, _account_pairs(doc, labels, rng), style="side")
    y_right = page.pairs(half + 150, y, _balances(doc, labels), style="side", x1=right)
    _transactions(page, doc, labels, max(y_left, y_right) + page.body, split=True)
    notice = "Please check your statement and report any errors promptly."
    page.text(half, page.height - M, notice, align="m", fill=FAINT)
    return page.image


def ledger(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Centred bank name and title; "Label: value" account details; a signed Amount column;
    opening and closing balances under the table."""
    page = a4(rng)
    mid, right = page.width // 2, page.width - M
    y = page.text(mid, M, doc.supplier.name, scale=1.6, bold=True, align="m")
    y = page.text(
        mid, y, "   ".join(blocks.contact_lines(doc.supplier, labels)), align="m", fill=FAINT
    )
    y = page.text(
        mid, y + page.body, labels("statement_title").upper(), scale=1.3, bold=True, align="m"
    )
    p = doc.payer
    details = [
        (labels("account_holder"), p.name),
        ("Address", p.address),
        *_account_pairs(doc, labels, rng),
    ]
    y = page.pairs(M, y + page.body, details, style="colon")
    y = _transactions(page, doc, labels, y + page.body, split=False)
    y = page.pairs(mid + 60, y + page.body, _balances(doc, labels), style="side", x1=right)
    page.rule(y, mid + 60, right)
    return page.image


def summary(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Held out. Title and holder top left, a key/value grid with the account, period and
    balances, transactions newest first, and the bank's name and contacts in the footer."""
    page = a4(rng)
    right, mid = page.width - M, page.width // 2
    y = page.text(M, M, labels("statement_title"), scale=1.6, bold=True)
    y = page.lines(M, y + page.body // 2, [doc.payer.name, *blocks.address_lines(doc.payer, False)])
    cells = [
        (labels("account_holder"), doc.payer.name),
        *_account_pairs(doc, labels, rng),
        *_balances(doc, labels),
    ]
    y = page.grid(M, right, y + page.body, cells)
    y = _transactions(page, doc, labels, y, split=True, newest_first=True)
    footer = [doc.supplier.name, "   ".join(blocks.contact_lines(doc.supplier, labels))]
    y = page.height - M - 2 * page.line_height()
    page.rule(y - page.body // 2, M, right)
    page.text(mid, y, footer[0], bold=True, align="m")
    page.text(mid, y + page.line_height(), footer[1], align="m", room=right - M)
    return page.image
