"""Synthetic Australian business documents with their ground truth.

:func:`generate` renders tax invoices, receipts and bank statements as scanned-looking
images and writes ``truth.csv`` beside them: ``image_file``, then one column per field of
the default schema, in the normal forms of FIELDS.md, ``NOT_FOUND`` where the document does
not carry the field. Everything printed is taken from the same data as the truth, money adds
up (line amount = qty x unit price, GST = 10 % of the subtotal rounded to cents (of its
taxable lines where a practice's invoice has GST-free ones), total = subtotal + GST; a
statement's closing balance = opening + credits - debits) and output is byte-identical for a
seed (document ``i`` of seed ``s`` does not depend on ``count``).

The sample set in ``examples/documents/`` is made by::

    python -m vlmserve synth examples/documents --count 12 --seed 0

What each kind carries:

- **invoice**: supplier name, ABN, address, phone, website (most); payer name and address,
  phone and email (some); invoice number, invoice date, due date; line items (description,
  quantity, unit price; ``LINE_ITEM_PRICES`` are unit prices ex GST); subtotal, GST, total;
  payment method (most) and, when it is a bank payment (EFT, Bank Transfer, Direct
  Deposit), the bank name, BSB and account number.
- **receipt**: supplier name, ABN, address, phone, website (some); receipt number (as
  ``INVOICE_NUMBER``), date of sale (as ``INVOICE_DATE``); items; GST and total, the
  subtotal on about half; payment method (EFTPOS, VISA, Mastercard, Cash, Amex). No payer,
  no due date, no bank details.
- **statement** (``BANK_STATEMENT``): the bank is the issuer, so ``SUPPLIER_NAME`` and
  ``BANK_NAME`` are both the bank, with its enquiries phone and website; the account
  holder is ``PAYER_NAME``/``PAYER_ADDRESS``; BSB, account number, statement period
  (``STATEMENT_DATE_RANGE``) and closing balance. The transaction table is not line items:
  every ``LINE_ITEM_*`` field, the amounts, dates, ABN and payment method are ``NOT_FOUND``
  (a credit card statement's payment due date is its ``DUE_DATE``; the card has no BSB and
  its number is printed masked, so ``BANK_ACCOUNT_NUMBER`` is ``NOT_FOUND``).

Layouts (:data:`LAYOUTS`) differ in arrangement, label wording, fonts and sizes. Each
belongs to a split (:data:`SPLITS`): ``tuned`` layouts are drawn by default; ``held-out``
ones (:data:`HELD_OUT`) and ``final`` ones (:data:`FINAL`) only when asked for
(``split="held-out"``/``"final"``), with label wording of their own (``labels.HELD_OUT``;
``labels.FINAL`` on top for the final split), to check extraction rules tuned on the
others. The final split is a second family kept for a last, clean check once the first
held-out family has been measured against too often; the ``exam`` split (:data:`EXAM`,
``labels.EXAM`` wording only) is a third, measured once at the very end: a software-style
and a trades invoice, a supermarket till roll and a landscape statement. The ``blind`` split
(:data:`BLIND`, ``labels.BLIND`` wording only) is a fourth, also measured once: a consultancy
invoice with sectioned items, an invoice with a tear-off remittance slip, an emailed web-shop
receipt and a credit union statement with a sidebar. The ``sealed`` split (:data:`SEALED`,
``labels.SEALED`` wording only) is a fifth, built without sight of any extraction rule: an
accounting-software invoice, a wholesale invoice with item codes and remittance details, a
point-of-sale app's receipt and a big bank's e-statement. The ``vault`` split (:data:`VAULT`,
``labels.VAULT`` wording only) is a sixth, also built without sight of any extraction rule,
each layout with content of its own line of business: a health practice's invoice (GST-free
services), a trade supplier's account invoice, a cafe's, restaurant's or fuel station's
thermal receipt and a credit union's or neo-bank's statement.

The ``atlas`` split (:data:`ATLAS`, ``labels.ATLAS`` wording only) is a seventh, also built
without sight of any extraction rule, each layout with content of its own: an energy or
telco retailer's bill with a BPAY payment slip, a sole trader's word-processor invoice, an
online shop's order confirmation e-mail and a savings or business account's transaction
history printed from online banking.

The ``cobalt`` split (:data:`COBALT`, ``labels.COBALT`` wording only) is an eighth, also
built without sight of any extraction rule, each layout with content of its own: a motor
vehicle workshop's tax invoice (vehicle details, parts and labour tables), a hotel's, motel's
or serviced apartments' guest folio (a room line a night, extras, the card payment), a
pharmacy's or newsagency's docket (barcodes, GST-free items marked, savings) and a credit
card statement (account summary, transaction and posting dates, a payment slip).

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> rows = generate(out, count=3, seed=7, progress=False)
>>> [r["DOCUMENT_TYPE"] for r in rows]
['INVOICE', 'RECEIPT', 'BANK_STATEMENT']
>>> (out / "truth.csv").read_text().splitlines()[0].split(",")[:3]
['image_file', 'DOCUMENT_TYPE', 'SUPPLIER_NAME']
"""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from PIL import Image
from tqdm import tqdm

from vlmserve.errors import InvalidArgumentError
from vlmserve.extract import Schema
from vlmserve.synth import (
    atlas_invoices,
    atlas_receipts,
    atlas_statements,
    blind_invoices,
    blind_receipts,
    blind_statements,
    cobalt_invoices,
    cobalt_receipts,
    cobalt_statements,
    exam_invoices,
    exam_receipts,
    exam_statements,
    final_invoices,
    final_receipts,
    final_statements,
    invoices,
    receipts,
    sealed_invoices,
    sealed_receipts,
    sealed_statements,
    statements,
    vault_invoices,
    vault_receipts,
    vault_statements,
)
from vlmserve.synth.content import Document, make_document
from vlmserve.synth.labels import Labels
from vlmserve.synth.noise import finish

__all__ = [
    "BLIND",
    "EXAM",
    "FINAL",
    "HELD_OUT",
    "KINDS",
    "LAYOUTS",
    "Layout",
    "Rendered",
    "SEALED",
    "SPLITS",
    "VAULT",
    "ATLAS",
    "COBALT",
    "generate",
    "render",
    "select_layouts",
]

KINDS = ("invoice", "receipt", "statement")
SPLITS = ("tuned", "held-out", "final", "exam", "blind", "sealed", "vault", "atlas", "cobalt")


@dataclass(frozen=True)
class Layout:
    """A way to draw one kind of document; layouts of a ``split`` other than ``tuned`` are
    kept out of tuning. A layout with a ``flavour`` draws documents of one line of business
    (a practice's invoice, a fuel station's receipt: see ``content.make_document``)."""

    name: str
    kind: str
    draw: Callable[[Document, Labels, random.Random], Image.Image]
    split: str = "tuned"
    flavour: str | None = None  # content of one line of business (content.FLAVOURS)


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in [
        Layout("invoice_classic", "invoice", invoices.classic),
        Layout("invoice_centred", "invoice", invoices.centred),
        Layout("invoice_modern", "invoice", invoices.modern),
        Layout("invoice_grid", "invoice", invoices.grid, "held-out"),
        Layout("invoice_letter", "invoice", final_invoices.letter, "final"),
        Layout("invoice_band", "invoice", final_invoices.band, "final"),
        Layout("receipt_docket", "receipt", receipts.docket),
        Layout("receipt_table", "receipt", receipts.table),
        Layout("receipt_strip", "receipt", receipts.strip, "held-out"),
        Layout("receipt_cafe", "receipt", final_receipts.cafe, "final"),
        Layout("statement_classic", "statement", statements.classic),
        Layout("statement_ledger", "statement", statements.ledger),
        Layout("statement_summary", "statement", statements.summary, "held-out"),
        Layout("statement_modern", "statement", final_statements.statement, "final"),
        Layout("invoice_saas", "invoice", exam_invoices.saas, "exam"),
        Layout("invoice_trades", "invoice", exam_invoices.trades, "exam"),
        Layout("receipt_supermarket", "receipt", exam_receipts.supermarket, "exam"),
        Layout("statement_landscape", "statement", exam_statements.landscape, "exam"),
        Layout("invoice_consultancy", "invoice", blind_invoices.consultancy, "blind"),
        Layout("invoice_remittance", "invoice", blind_invoices.remittance, "blind"),
        Layout("receipt_emailed", "receipt", blind_receipts.emailed, "blind"),
        Layout("statement_sidebar", "statement", blind_statements.sidebar, "blind"),
        Layout("invoice_accounting", "invoice", sealed_invoices.accounting, "sealed"),
        Layout("invoice_wholesale", "invoice", sealed_invoices.wholesale, "sealed"),
        Layout("receipt_pos", "receipt", sealed_receipts.pos, "sealed"),
        Layout("statement_estatement", "statement", sealed_statements.estatement, "sealed"),
        Layout("invoice_practice", "invoice", vault_invoices.practice, "vault", "health"),
        Layout("invoice_trade", "invoice", vault_invoices.trade, "vault", "trade"),
        Layout("receipt_thermal", "receipt", vault_receipts.thermal, "vault", "hospitality"),
        Layout("statement_member", "statement", vault_statements.member, "vault", "member"),
        # atlas: a seventh family, built without sight of any extraction rule
        Layout("invoice_utility", "invoice", atlas_invoices.utility, "atlas", "utility"),
        Layout("invoice_freelance", "invoice", atlas_invoices.freelance, "atlas", "freelance"),
        Layout("receipt_order", "receipt", atlas_receipts.order, "atlas", "order"),
        Layout("statement_portal", "statement", atlas_statements.portal, "atlas", "portal"),
        # cobalt: an eighth family, built without sight of any extraction rule
        Layout("invoice_workshop", "invoice", cobalt_invoices.workshop, "cobalt", "workshop"),
        Layout("invoice_folio", "invoice", cobalt_invoices.folio, "cobalt", "lodging"),
        Layout("receipt_chemist", "receipt", cobalt_receipts.chemist, "cobalt", "chemist"),
        Layout("statement_card", "statement", cobalt_statements.card, "cobalt", "card"),
    ]
}
HELD_OUT: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "held-out")
FINAL: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "final")
EXAM: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "exam")
BLIND: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "blind")
SEALED: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "sealed")
VAULT: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "vault")
ATLAS: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "atlas")
COBALT: tuple[str, ...] = tuple(n for n, lay in LAYOUTS.items() if lay.split == "cobalt")


def select_layouts(
    layouts: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    split: str | None = None,
) -> list[Layout]:
    """The layouts to draw from: the named ones (of any split: naming one asks for it; of
    ``split`` only when it is given), else those of ``split`` (default ``tuned``); then only
    those of ``kinds``. Raises :class:`InvalidArgumentError` for an unknown name or split, a
    named layout of another split than ``split``, or an empty selection.

    >>> [l.name for l in select_layouts(kinds=["statement"], split="held-out")]
    ['statement_summary']
    >>> [l.name for l in select_layouts(kinds=["invoice"], split="final")]
    ['invoice_letter', 'invoice_band']
    """
    checks = [
        (layouts, LAYOUTS, "layout"),
        (kinds, KINDS, "kind"),
        (split and [split], SPLITS, "split"),
    ]
    for value, known, what in checks:
        unknown = sorted(set(value or ()) - set(known))
        if unknown:
            raise InvalidArgumentError(
                f"unknown {what} {', '.join(unknown)}; choose from {', '.join(known)}"
            )
    if layouts:
        chosen = [LAYOUTS[n] for n in dict.fromkeys(layouts)]
        others = [lay.name for lay in chosen if split and lay.split != split]
        if others:
            mine = [n for n, lay in LAYOUTS.items() if lay.split == split]
            raise InvalidArgumentError(
                f"{', '.join(others)} not in split {split}; drop the split (--split, "
                f"--held-out) or name only layouts of split {split}: {', '.join(mine)}"
            )
    else:
        chosen = [lay for lay in LAYOUTS.values() if lay.split == (split or "tuned")]
    chosen = [lay for lay in chosen if not kinds or lay.kind in kinds]
    if not chosen:
        raise InvalidArgumentError(
            f"no layout is both among {list(layouts or [])} and of kinds {list(kinds or [])}; "
            "drop --kinds or name layouts of those kinds"
        )
    return chosen


class Rendered(NamedTuple):
    file_name: str
    data: bytes
    truth: dict[str, str]
    layout: Layout


def render(index: int, seed: int, layouts: Sequence[Layout]) -> Rendered:
    """Document ``index`` of ``seed``: its file name, file bytes, truth and layout.

    Kinds take turns, and each kind's layouts take turns, so any 12 consecutive documents
    cover every tuned layout; all randomness comes from one ``random.Random`` seeded by
    ``(seed, index)``.
    """
    kinds = list(dict.fromkeys(lay.kind for lay in layouts))
    kind = kinds[index % len(kinds)]
    of_kind = [lay for lay in layouts if lay.kind == kind]
    layout = of_kind[(index // len(kinds)) % len(of_kind)]
    rng = random.Random(f"vlmserve.synth:{seed}:{index}")
    doc = make_document(kind, rng, layout.flavour)
    image = layout.draw(doc, Labels(rng, layout.split), rng)
    data, suffix = finish(image, rng)
    return Rendered(f"doc_{index:04d}.{suffix}", data, doc.truth(), layout)


def generate(
    out_dir: str | os.PathLike[str],
    count: int,
    seed: int = 0,
    *,
    layouts: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    split: str | None = None,
    progress: bool = True,
) -> list[dict[str, str]]:
    """Writes ``count`` document images and ``truth.csv`` into ``out_dir``; returns the
    truth rows (``image_file`` first, then the schema's fields)."""
    if count < 1:
        raise InvalidArgumentError(f"count must be at least 1, got {count}")
    chosen = select_layouts(layouts, kinds, split)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = Schema.default().names
    rows = []
    for index in tqdm(range(count), unit="doc", disable=not progress or None):
        doc = render(index, seed, chosen)
        (out / doc.file_name).write_bytes(doc.data)
        rows.append({"image_file": doc.file_name, **{k: doc.truth[k] for k in names}})
    with open(out / "truth.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["image_file", *names], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows
