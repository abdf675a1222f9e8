"""The bank statement layout of the vault split (see :mod:`vlmserve.synth`): a credit
union's or neo-bank's statement: a coloured band with the bank's name and the title, the
statement period in a heading sentence, the holder's address beside the account's details,
four summary cards (opening balance, money in, money out, closing balance) and the
transactions grouped under month headings or under a row for each date.

>>> import random
>>> from vlmserve.synth.content import make_document
>>> from vlmserve.synth.labels import Labels
>>> doc = make_document("statement", random.Random(4), "member")
>>> member(doc, Labels(random.Random(4), "vault"), random.Random(4)).size
(1240, 1754)
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from itertools import groupby

from PIL import Image

from vlmserve.synth import blocks, pools
from vlmserve.synth.content import Document
from vlmserve.synth.labels import Labels
from vlmserve.synth.page import FAINT, INK, LABEL_SCALE, PAPER, Page, a4
from vlmserve.synth.printed import account
from vlmserve.synth.sealed_invoices import ACCENTS

M = 70
CARD_FILL = (242, 244, 248)
GROUP_FILL = (228, 232, 238)


def _cards(page: Page, doc: Document, labels: Labels, y: int, accent, rng) -> int:
    """Opening balance, money in, money out and closing balance as four cards, a small
    label over a large amount: in a row, or two by two."""
    money, right = doc.style.money, page.width - M
    flows = [t.amount for t in doc.transactions]
    in_label, out_label = labels("card_flows").split("|")
    cards = [
        (labels("opening"), money(doc.opening, True)),
        (in_label, money(sum((f for f in flows if f > 0), Decimal(0)), True)),
        (out_label, money(-sum((f for f in flows if f < 0), Decimal(0)), True)),
        (labels("closing"), money(doc.closing, True)),
    ]
    y = page.text(M, y, labels("summary_heading"), scale=1.1, bold=True) + page.body // 3
    per_row = rng.choice([4, 2])
    gap, pad = page.body, page.body // 2
    width = (right - M - (per_row - 1) * gap) // per_row
    value_scale = 1.35 if per_row == 4 else 1.5
    height = page.line_height(LABEL_SCALE) * 2 + page.line_height(value_scale) + pad
    for i, (k, v) in enumerate(cards):
        row, col = divmod(i, per_row)
        x, top = M + col * (width + gap), y + row * (height + gap)
        last = i == len(cards) - 1
        page.draw.rounded_rectangle([x, top, x + width, top + height], radius=page.body // 2,
                                    fill=accent if last else CARD_FILL)  # fmt: skip
        ink = PAPER if last else FAINT
        lines = page.joined(k.split(), " ", width - 2 * pad)
        page.lines(x + pad, top + pad // 2, lines[:2], scale=LABEL_SCALE, fill=ink)
        at = top + pad // 2 + 2 * page.line_height(LABEL_SCALE)
        page.text(x + pad, at, v, scale=value_scale, bold=True, fill=PAPER if last else INK,
                  room=width - 2 * pad)  # fmt: skip
    rows = -(-len(cards) // per_row)
    return y + rows * height + (rows - 1) * gap + page.body


def _signed(doc: Document, amount: Decimal) -> str:
    text = doc.style.money(abs(amount), False)
    return f"+{text}" if amount > 0 else f"-{text}"


def _transactions(page: Page, doc: Document, labels: Labels, y: int, accent, rng) -> int:
    """Under month headings (Date/Details/Amount/Balance) or under a shaded row for each
    date (Details/Amount/Balance); amounts signed in one column, or in and out apart."""
    right, style = page.width - M, doc.style
    by_date = (doc.period[1] - doc.period[0]).days < 31 and rng.random() < 0.5
    split = rng.random() < 0.4
    heads = [] if by_date else [labels("txn_date")]
    heads.append(labels("txn_details"))
    heads += labels("card_flows").split("|") if split else [labels("txn_amount")]
    heads.append(labels("balance"))
    weights = ([] if by_date else [2.0]) + [5.0] + ([1.7, 1.7] if split else [2.0]) + [2.1]
    total, edges = sum(weights), [M]
    for w in weights:
        edges.append(edges[-1] + round((right - M) * w / total))
    edges[-1] = right
    pad, row_h = page.body // 2, round(page.body * 1.55)

    def cells(values: list[str], at: int, bold=False, fill=None) -> None:
        for i, value in enumerate(values):
            left_col = i < len(values) - (3 if split else 2)
            x = edges[i] + pad if left_col else edges[i + 1] - pad
            page.text(x, at, value, bold=bold, align="l" if left_col else "r",
                      room=edges[i + 1] - edges[i] - 2 * pad, fill=fill or INK)  # fmt: skip

    cells(heads, y, bold=True, fill=FAINT)
    y = page.rule(y + row_h, M, right, width=2, fill=accent) + 6

    def row(t) -> list[str]:
        out = [] if by_date else [style.date(t.day, short=True)]
        out.append(t.description)
        if split:
            flow = style.money(abs(t.amount), False)
            out += [flow, ""] if t.amount > 0 else ["", flow]
        else:
            out.append(_signed(doc, t.amount))
        return [*out, style.money(t.balance, False)]

    key = (lambda t: t.day) if by_date else (lambda t: (t.day.year, t.day.month))
    for group, items in groupby(doc.transactions, key=key):
        heading = style.date(group) if by_date else _month(*group)
        page.box(M, y, right, y + row_h - 4, fill=GROUP_FILL if by_date else None, width=0)
        page.text(M + pad, y + 2, heading, bold=True)
        y += row_h
        for t in items:
            cells(row(t), y + 2)
            y = page.rule(y + row_h, M, right, width=1, fill=(210, 210, 216)) + 1
    return y + page.body


def _month(year: int, month: int) -> str:
    """``March 2025``: a month heading."""
    return datetime.date(year, month, 1).strftime("%B %Y")


def member(doc: Document, labels: Labels, rng: random.Random) -> Image.Image:
    """Vault. A coloured band across the top with the bank's name left and the title right
    in white; the period in a heading sentence ("Your statement for 1 March 2025 to 31 May
    2025"); the holder's name and address at the left, the account holder (some), account
    type, member number (some), BSB and account number at the right; the summary cards; the
    transactions by month or by date; the bank's contacts in the footer."""
    page, accent = a4(rng), rng.choice(ACCENTS)
    right, bank, a, style = page.width - M, doc.supplier, doc.account, doc.style
    band = round(page.body * 3.6)
    page.box(0, 0, page.width, band, fill=accent, width=0)
    page.text(M, (band - page.line_height(1.5)) // 2 + 6, bank.name, scale=1.5, bold=True,
              fill=PAPER)  # fmt: skip
    page.text(right, (band - page.line_height()) // 2 + 4, labels("statement_title"),
              bold=True, align="r", fill=PAPER)  # fmt: skip
    start, end = (style.date(d) for d in doc.period)
    sentence = f"{labels('period_intro')} {start} {rng.choice(['to', '–'])} {end}"
    y = page.text(M, band + page.body, sentence, scale=1.25, bold=True, room=right - M)
    y += page.body // 2
    holder = [doc.payer.name, *blocks.address_lines(doc.payer, False)]
    y_left = page.lines(M, y, holder)
    details = [(labels("account_holder"), doc.payer.name)] if rng.random() < 0.5 else []
    details.append((labels("account_type"), rng.choice(pools.MEMBER_ACCOUNTS)))
    if rng.random() < 0.5:
        details.append((labels("member_number"), str(rng.randrange(10**6, 10**8))))
    details += [
        (labels("bsb"), style.bsb(a.bsb)),
        (labels("account_number"), account(a.number, rng.random() < 0.4)),
    ]
    x = page.width // 2 + 20
    y_right = page.pairs(x, y, details, style="side", x1=right)
    y = max(y_left, y_right) + page.body
    y = _cards(page, doc, labels, y, accent, rng)
    _transactions(page, doc, labels, y, accent, rng)
    foot = f"{labels('enquiries')} {bank.phone}  |  www.{bank.website}"
    page.rule(page.height - M - page.line_height() - page.body // 2, M, right, width=1)
    page.text(M, page.height - M - page.line_height(), foot, fill=FAINT, room=right - M)
    return page.image
