"""Random but consistent document content, and the ground truth it implies.

A :class:`Document` holds what gets printed (parties, items, transactions, printed phone
numbers) as data; :meth:`Document.truth` derives the 25 schema fields in their normal forms
from that same data, so the page and the truth cannot disagree.

>>> import random
>>> doc = make_document("invoice", random.Random(1))
>>> truth = doc.truth()
>>> truth["DOCUMENT_TYPE"], Decimal(truth["TOTAL_AMOUNT"]) == doc.subtotal + doc.gst
('INVOICE', True)
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from vlmserve.synth import pools
from vlmserve.synth.printed import Style, quantity

NOT_FOUND = "NOT_FOUND"
CENT = Decimal("0.01")
DOCUMENT_TYPES = {"invoice": "INVOICE", "receipt": "RECEIPT", "statement": "BANK_STATEMENT"}
_ABN_WEIGHTS = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Party:
    """A business or person as printed: ``phone`` is the printed spelling."""

    name: str
    street: str | None = None
    locality: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    abn: str | None = None

    @property
    def address(self) -> str | None:
        return f"{self.street}, {self.locality}" if self.street else None


@dataclass
class Item:
    description: str
    quantity: Decimal
    price: Decimal
    gst_free: bool = False  # a GST-free supply (most health services): no GST on the line

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.price)


@dataclass
class Transaction:
    day: datetime.date
    description: str
    amount: Decimal  # signed: credits positive
    balance: Decimal


@dataclass
class BankAccount:
    bank: str
    bsb: str
    number: str


@dataclass
class Document:
    kind: str
    style: Style
    supplier: Party
    payer: Party | None = None
    number: str | None = None
    issued: datetime.date | None = None
    due: datetime.date | None = None
    items: list[Item] = field(default_factory=list)
    shows_subtotal: bool = True
    payment_method: str | None = None
    account: BankAccount | None = None
    period: tuple[datetime.date, datetime.date] | None = None
    opening: Decimal | None = None
    transactions: list[Transaction] = field(default_factory=list)
    billing: tuple[datetime.date, datetime.date] | None = None  # a bill's period (atlas)

    @property
    def subtotal(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal(0))

    @property
    def gst(self) -> Decimal:
        """10 % of the taxable lines (every line but a GST-free one), rounded to cents."""
        return cents(sum((i.amount for i in self.items if not i.gst_free), Decimal(0)) / 10)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.gst

    @property
    def closing(self) -> Decimal | None:
        return self.transactions[-1].balance if self.transactions else self.opening

    def truth(self) -> dict[str, str]:
        """Every schema field in normal form; ``NOT_FOUND`` where the document has none."""
        s, p, a, items = self.supplier, self.payer or Party(""), self.account, self.items
        priced = bool(items)
        values = {
            "DOCUMENT_TYPE": DOCUMENT_TYPES[self.kind],
            "SUPPLIER_NAME": s.name,
            "BUSINESS_ABN": s.abn,
            "BUSINESS_ADDRESS": s.address,
            "BUSINESS_PHONE": _digits(s.phone),
            "SUPPLIER_WEBSITE": s.website,
            "PAYER_NAME": p.name or None,
            "PAYER_ADDRESS": p.address,
            "PAYER_PHONE": _digits(p.phone),
            "PAYER_EMAIL": p.email,
            "INVOICE_NUMBER": self.number,
            "INVOICE_DATE": _iso(self.issued),
            "DUE_DATE": _iso(self.due),
            "LINE_ITEM_DESCRIPTIONS": "|".join(i.description for i in items) or None,
            "LINE_ITEM_QUANTITIES": "|".join(quantity(i.quantity) for i in items) or None,
            "LINE_ITEM_PRICES": "|".join(f"{i.price:.2f}" for i in items) or None,
            "SUBTOTAL_AMOUNT": f"{self.subtotal:.2f}" if priced and self.shows_subtotal else None,
            "GST_AMOUNT": f"{self.gst:.2f}" if priced else None,
            "TOTAL_AMOUNT": f"{self.total:.2f}" if priced else None,
            "PAYMENT_METHOD": self.payment_method,
            "BANK_NAME": a.bank if a else None,
            "BANK_BSB_NUMBER": (a.bsb or None) if a else None,  # a card account has no BSB
            "BANK_ACCOUNT_NUMBER": (a.number or None) if a else None,
            "STATEMENT_DATE_RANGE": "/".join(map(_iso, self.period)) if self.period else None,
            "CLOSING_BALANCE": f"{self.closing:.2f}" if self.kind == "statement" else None,
        }
        return {k: NOT_FOUND if v is None else v for k, v in values.items()}


def _digits(text: str | None) -> str | None:
    return re.sub(r"\D", "", text) if text else None


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def make_document(kind: str, rng: random.Random, flavour: str | None = None) -> Document:
    """A random document of ``kind`` (``invoice``, ``receipt`` or ``statement``); a
    ``flavour`` (:data:`FLAVOURS`) draws the content of one line of business instead:
    ``health`` (a practice's invoice, GST-free services), ``trade`` (a trade supplier's
    account invoice), ``hospitality`` (a cafe's, restaurant's or fuel station's receipt) or
    ``member`` (a credit union's or neo-bank's statement, one month or a quarter); for the
    atlas split ``utility`` (an energy or telco bill), ``freelance`` (a sole trader's
    invoice), ``order`` (an online shop's order confirmation) or ``portal`` (a savings or
    business account's transactions from online banking); for the cobalt split ``workshop``
    (a mechanic's invoice), ``lodging`` (a hotel's guest folio), ``chemist`` (a pharmacy's or
    newsagency's docket) or ``card`` (a credit card statement)."""
    if flavour is not None:
        return FLAVOURS[flavour](rng)
    return {"invoice": _invoice, "receipt": _receipt, "statement": _statement}[kind](rng)


def abn_digits(rng: random.Random) -> str:
    """A random ABN with a valid checksum: 9 random digits, then the 2-digit prefix that
    makes the weighted sum divisible by 89 (one always exists in 10..99)."""
    tail = [rng.randrange(10) for _ in range(9)]
    rest = sum(w * d for w, d in zip(_ABN_WEIGHTS[2:], tail))
    for prefix in rng.sample(range(10, 100), 90):
        first, second = divmod(prefix, 10)
        if ((first - 1) * 10 + second + rest) % 89 == 0:
            return f"{prefix}{''.join(map(str, tail))}"
    raise AssertionError("unreachable: every residue mod 89 has a prefix")


def _number(rng: random.Random, digits: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(digits))


def _landline(rng: random.Random, state: str) -> str:
    area = {"NSW": "02", "ACT": "02", "VIC": "03", "TAS": "03", "QLD": "07"}.get(state, "08")
    body = f"{rng.randrange(3, 10)}{_number(rng, 3)} {_number(rng, 4)}"
    return f"({area}) {body}" if rng.random() < 0.5 else f"{area} {body}"


def _mobile(rng: random.Random) -> str:
    return f"04{_number(rng, 2)} {_number(rng, 3)} {_number(rng, 3)}"


def _place(rng: random.Random) -> tuple[str, str, str]:
    suburb, state, postcode = rng.choice(pools.LOCALITIES)
    street = f"{rng.randrange(1, 400)} {rng.choice(pools.STREETS)} {rng.choice(pools.STREET_TYPES)}"
    if rng.random() < 0.25:
        street = f"{rng.choice(['Unit', 'Suite', 'Level'])} {rng.randrange(1, 30)}, {street}"
    return street, f"{suburb} {state} {postcode}", state


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _business(rng: random.Random, trade: str, website: bool, shop: bool = False) -> Party:
    owner = rng.choice(pools.SHOP_NAMES if shop else [*pools.SURNAMES, *pools.STREETS[:10]])
    name = f"{owner} {trade}"
    name = f"{name} {rng.choice(pools.BUSINESS_SUFFIXES)}" if rng.random() < 0.6 else name
    street, locality, state = _place(rng)
    phone = (
        _landline(rng, state) if rng.random() < 0.8 else f"1300 {_number(rng, 3)} {_number(rng, 3)}"
    )
    site = f"{_slug(owner + trade)}.com.au" if website else None
    return Party(name, street, locality, phone, website=site, abn=abn_digits(rng))


def _customer(rng: random.Random, phone: bool, email: bool, person: bool = False) -> Party:
    """A customer: a person, or (unless ``person``) a business about two times in five."""
    first, last = rng.choice(pools.FIRST_NAMES), rng.choice(pools.SURNAMES)
    if not person and rng.random() < 0.4:
        name = rng.choice(pools.CLIENT_NAMES)
        domain = f"{_slug(name)}.com.au"
        mail = f"{rng.choice(['accounts', 'admin', 'office'])}@{domain}"
    else:
        name, mail = f"{first} {last}", f"{first}.{last}@{rng.choice(pools.EMAIL_DOMAINS)}"
    street, locality, _ = _place(rng)
    return Party(
        name, street, locality, _mobile(rng) if phone else None, mail.lower() if email else None
    )


def _items(rng: random.Random, catalogue: list, count: int) -> list[Item]:
    chosen = rng.sample(catalogue, min(count, len(catalogue)))
    items = []
    for description, low, high, quantities in chosen:
        price = Decimal(str(round(rng.uniform(low, high), rng.choice([0, 2, 2]))))
        items.append(Item(description, Decimal(str(rng.choice(quantities))), cents(price)))
    return items


def _account(rng: random.Random, bank: tuple) -> BankAccount:
    name, _, prefix, digits, _ = bank
    bsb = prefix + _number(rng, 6 - len(prefix))
    return BankAccount(name, bsb, str(rng.randrange(1, 10)) + _number(rng, digits - 1))


def _day(rng: random.Random) -> datetime.date:
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(730))


def _invoice(rng: random.Random) -> Document:
    trade = rng.choice(list(pools.INVOICE_TRADES))
    issued = _day(rng)
    method = rng.choice([*pools.INVOICE_PAYMENT_METHODS, None])
    banked = method in pools.BANK_PAYMENT_METHODS
    prefix = rng.choice(["INV-", "INV", "", "TI-", "A"])
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=_business(rng, trade, website=rng.random() < 0.75),
        payer=_customer(rng, phone=rng.random() < 0.6, email=rng.random() < 0.7),
        number=f"{prefix}{rng.randrange(100, 99999):0{rng.choice([4, 5, 6])}d}",
        issued=issued,
        due=issued + datetime.timedelta(days=rng.choice([7, 14, 14, 30, 30])),
        items=_items(rng, pools.INVOICE_TRADES[trade], rng.randrange(1, 7)),
        payment_method=method,
        account=_account(rng, rng.choice(pools.BANKS)) if banked else None,
    )


def _receipt(rng: random.Random) -> Document:
    shop = rng.choice(list(pools.RECEIPT_SHOPS))
    return Document(
        kind="receipt",
        style=Style.draw(rng),
        supplier=_business(rng, shop, website=rng.random() < 0.3, shop=rng.random() < 0.5),
        number=str(rng.randrange(10000, 999999)),
        issued=_day(rng),
        items=_items(rng, pools.RECEIPT_SHOPS[shop], rng.randrange(1, 7)),
        shows_subtotal=rng.random() < 0.5,
        payment_method=rng.choice(pools.RECEIPT_PAYMENT_METHODS),
    )


def _statement(rng: random.Random) -> Document:
    bank = rng.choice(pools.BANKS)
    start = _day(rng).replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    opening = cents(Decimal(str(rng.uniform(800, 9000))))
    days = sorted(start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                  for _ in range(rng.randrange(6, 15)))  # fmt: skip
    balance, transactions = opening, []
    for day in days:
        text, credit, low, high = rng.choice(pools.TRANSACTIONS)
        amount = cents(Decimal(str(rng.uniform(low, high))))
        if not credit and amount > balance:
            continue  # an overdrawn account is a different story; keep the page plausible
        balance += amount if credit else -amount
        transactions.append(Transaction(day, text, amount if credit else -amount, balance))
    holder = _customer(rng, phone=False, email=False)
    return Document(
        kind="statement",
        style=Style.draw(rng),
        supplier=Party(bank[0], phone=bank[4], website=bank[1]),
        payer=holder,
        account=_account(rng, bank),
        period=(start, end),
        opening=opening,
        transactions=transactions,
    )


def _priced(rng: random.Random, catalogue: list, count: int) -> list[Item]:
    """Like :func:`_items`, every price in cents (a fuel's per-litre price too)."""
    chosen = rng.sample(catalogue, min(count, len(catalogue)))
    return [
        Item(d, Decimal(str(rng.choice(q))), cents(Decimal(str(rng.uniform(low, high)))))
        for d, low, high, q in chosen
    ]


def _health(rng: random.Random) -> Document:
    """A practice's invoice to a patient (or a pet's owner): dental and physiotherapy
    services GST-free, products and a vet's services taxable; a bank payment asked for, or
    the account settled on the day (no due date then)."""
    practice = rng.choice(list(pools.HEALTH_PRACTICES))
    trade = rng.choice(pools.HEALTH_NAMES[practice])
    issued = _day(rng)
    items = _items(rng, pools.HEALTH_PRACTICES[practice], rng.randrange(1, 6))
    for item in items:
        item.gst_free = practice != "Veterinary" and item.description not in pools.HEALTH_PRODUCTS
    paid = rng.random() < 0.3
    method = (
        rng.choice(["EFTPOS", "Credit Card"]) if paid else rng.choice([*pools.BANK_PAYMENT_METHODS])
    )
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=_business(rng, trade, website=rng.random() < 0.7, shop=rng.random() < 0.5),
        payer=_customer(rng, phone=rng.random() < 0.7, email=rng.random() < 0.5, person=True),
        number=f"{rng.choice(['', 'INV', 'INV-', 'T'])}{rng.randrange(1000, 99999)}",
        issued=issued,
        due=None if paid else issued + datetime.timedelta(days=rng.choice([7, 14, 30])),
        items=items,
        shows_subtotal=rng.random() < 0.7,
        payment_method=method,
        account=None if paid else _account(rng, rng.choice(pools.BANKS)),
    )


def _trade(rng: random.Random) -> Document:
    """A trade supplier's invoice to an account customer (a builder or a tradie)."""
    issued = _day(rng)
    customer = _customer(rng, phone=rng.random() < 0.6, email=rng.random() < 0.5)
    if rng.random() < 0.6:
        customer.name = f"{rng.choice(pools.SURNAMES)} {rng.choice(pools.TRADE_CUSTOMERS)}"
    method = rng.choice([*pools.INVOICE_PAYMENT_METHODS, None])
    trade = rng.choice(pools.TRADE_SUPPLIERS)
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=_business(rng, trade, website=rng.random() < 0.8, shop=rng.random() < 0.5),
        payer=customer,
        number=f"{rng.choice(['', 'TI', 'IN'])}{rng.randrange(100000, 9999999)}",
        issued=issued,
        due=issued + datetime.timedelta(days=rng.choice([7, 14, 30, 30])),
        items=_priced(rng, pools.TRADE_SUPPLIES, rng.randrange(3, 10)),
        payment_method=method,
        account=_account(rng, rng.choice(pools.BANKS))
        if method in pools.BANK_PAYMENT_METHODS
        else None,
    )


def _hospitality(rng: random.Random) -> Document:
    """A cafe's, restaurant's or fuel station's receipt, paid by card (mostly) or cash."""
    venue = rng.choice(list(pools.HOSPITALITY))
    catalogue = pools.HOSPITALITY[venue]
    if venue == "Roadhouse":  # one fuel at most, and something from the shop
        fuel = [e for e in catalogue if e[0] in pools.FUELS]
        shop = [e for e in catalogue if e[0] not in pools.FUELS]
        items = _priced(rng, [rng.choice(fuel)], 1) + _priced(rng, shop, rng.randrange(0, 3))
    else:
        items = _priced(rng, catalogue, rng.randrange(1, 7))
    name = rng.choice(pools.HOSPITALITY_NAMES[venue])
    return Document(
        kind="receipt",
        style=Style.draw(rng),
        supplier=_business(rng, name, website=rng.random() < 0.3, shop=rng.random() < 0.6),
        number=str(rng.randrange(1000, 999999)),
        issued=_day(rng),
        items=items,
        shows_subtotal=rng.random() < 0.35,
        payment_method=rng.choice(pools.HOSPITALITY_PAYMENT_METHODS),
    )


def _member(rng: random.Random) -> Document:
    """A credit union's or neo-bank's statement: one month, or a quarter (then more
    transactions), balances running from the opening balance."""
    bank = rng.choice(pools.MEMBER_BANKS)
    months = rng.choice([1, 1, 3])
    start = _day(rng).replace(day=1)
    end = start
    for _ in range(months):
        end = (end + datetime.timedelta(days=32)).replace(day=1)
    end -= datetime.timedelta(days=1)
    opening = cents(Decimal(str(rng.uniform(500, 12000))))
    days = sorted(start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                  for _ in range(rng.randrange(6, 12) + 3 * (months - 1)))  # fmt: skip
    balance, transactions = opening, []
    for day in days:
        text, credit, low, high = rng.choice(pools.MEMBER_TRANSACTIONS)
        amount = cents(Decimal(str(rng.uniform(low, high))))
        if not credit and amount > balance:
            continue
        balance += amount if credit else -amount
        transactions.append(Transaction(day, text, amount if credit else -amount, balance))
    return Document(
        kind="statement",
        style=Style.draw(rng),
        supplier=Party(bank[0], phone=bank[4], website=bank[1]),
        payer=_customer(rng, phone=False, email=False, person=True),
        account=_account(rng, bank),
        period=(start, end),
        opening=opening,
        transactions=transactions,
    )


# --- atlas split: a utility bill, a freelancer's invoice, an online order, a portal statement


def _utility(rng: random.Random) -> Document:
    """An energy or telco retailer's bill to a household: metered usage at a rate and a daily
    supply charge over the billing period (energy), or plan and add-on charges (telco); paid
    by BPAY or bank transfer by the due date (so no one payment method)."""
    name, site, service, phone, _ = rng.choice(pools.ATLAS_RETAILERS)
    street, locality, _ = _place(rng)
    issued = _day(rng)
    end = issued - datetime.timedelta(days=rng.randrange(2, 9))
    energy = service in pools.ATLAS_UNITS
    days = rng.choice([30, 31, 59, 61, 90, 91, 92] if energy else [30, 31])
    start = end - datetime.timedelta(days=days - 1)
    items = []
    for group in pools.ATLAS_CHARGES[service]:
        lines = group if energy else [rng.choice(group)]
        for description, low, high, how in lines:
            if how != "days" and items and rng.random() < 0.35:
                continue  # an optional second usage or add-on line
            price = cents(Decimal(str(rng.uniform(low, high))))
            if how == "usage":
                per_day = rng.uniform(2, 14) if service == "electricity" else rng.uniform(20, 90)
                qty = Decimal(str(round(per_day * days, 1)))
            else:
                qty = Decimal(days if how == "days" else 1)
            items.append(Item(description, qty, price))
    customer = _customer(rng, phone=False, email=rng.random() < 0.3, person=True)
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=Party(name, street, locality, phone, website=site, abn=abn_digits(rng)),
        payer=customer,
        number=str(rng.randrange(10**8, 10**10)),
        issued=issued,
        due=issued + datetime.timedelta(days=rng.choice([14, 14, 18, 21])),
        items=items,
        account=_account(rng, rng.choice(pools.BANKS)),
        billing=(start, end),
    )


def _freelance(rng: random.Random) -> Document:
    """A sole trader's invoice to a client: hourly or fixed-fee lines, sometimes a discount
    (a negative line), paid by bank transfer."""
    trade = rng.choice(list(pools.ATLAS_FREELANCE))
    first, last = rng.choice(pools.FIRST_NAMES), rng.choice(pools.SURNAMES)
    name = rng.choice([f"{first} {last}", f"{first} {last} {trade}", f"{last} {trade}"])
    street, locality, _ = _place(rng)
    site = f"{_slug(name)}.com.au" if rng.random() < 0.5 else None
    mail = f"{first.lower()}@{site}" if site else f"{first}.{last}@gmail.com".lower()
    supplier = Party(name, street, locality, _mobile(rng), mail, site, abn_digits(rng))
    items = []
    for description, low, high, hourly in rng.sample(pools.ATLAS_FREELANCE[trade],
                                                     rng.randrange(1, 4)):  # fmt: skip
        price = Decimal(str(round(rng.uniform(low, high), rng.choice([0, 0, 2]))))
        qty = Decimal(str(rng.choice([1.5, 2, 3.5, 4, 6, 7.5, 10, 12]))) if hourly else Decimal(1)
        items.append(Item(description, qty, cents(price)))
    if rng.random() < 0.3:
        off = cents(sum((i.amount for i in items), Decimal(0)) * Decimal(rng.choice([5, 10])) / 100)
        items.append(Item(rng.choice(pools.ATLAS_DISCOUNTS), Decimal(1), -off))
    issued = _day(rng)
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=supplier,
        payer=_customer(rng, phone=rng.random() < 0.3, email=rng.random() < 0.6),
        number=rng.choice(["INV-", "", "#", f"{issued.year}-"]) + f"{rng.randrange(1, 400):03d}",
        issued=issued,
        due=issued + datetime.timedelta(days=rng.choice([7, 14, 14, 30])),
        items=items,
        shows_subtotal=True,
        payment_method=rng.choice(sorted(pools.BANK_PAYMENT_METHODS)),
        account=_account(rng, rng.choice(pools.BANKS)),
    )


def _order(rng: random.Random) -> Document:
    """An online shop's order confirmation: the customer's billing address (the payer),
    products with variants, paid by card or wallet."""
    shop = rng.choice(list(pools.ATLAS_SHOPS))
    street, locality, state = _place(rng)
    phone = _landline(rng, state) if rng.random() < 0.5 else None
    supplier = Party(shop, street, locality, phone, website=f"{_slug(shop)}.com.au",
                     abn=abn_digits(rng))  # fmt: skip
    chosen = rng.sample(pools.ATLAS_SHOPS[shop], rng.randrange(1, 4))
    items = [
        Item(d, Decimal(rng.choice([1, 1, 1, 2, 3])), cents(Decimal(str(rng.uniform(lo, hi)))))
        for d, lo, hi, _ in chosen
    ]
    return Document(
        kind="receipt",
        style=Style.draw(rng),
        supplier=supplier,
        payer=_customer(rng, phone=rng.random() < 0.4, email=rng.random() < 0.6, person=True),
        number=f"{rng.choice(['', 'AU', 'W'])}{rng.randrange(10000, 999999)}",
        issued=_day(rng),
        items=items,
        shows_subtotal=True,
        payment_method=rng.choice(pools.ATLAS_CARDS),
    )


def _portal(rng: random.Random) -> Document:
    """A savings or business account's transactions exported from online banking: any
    range of dates (a few weeks to three months), interest lines among them; no postal
    address on the page."""
    bank = rng.choice(pools.BANKS)
    business = rng.random() < 0.5
    start = _day(rng)
    end = start + datetime.timedelta(days=rng.randrange(20, 92))
    opening = cents(Decimal(str(rng.uniform(1500, 40000))))
    catalogue = pools.ATLAS_BUSINESS_TXNS if business else pools.ATLAS_SAVINGS_TXNS
    days = sorted(start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                  for _ in range(rng.randrange(5, 14)))  # fmt: skip
    balance, transactions = opening, []
    for day in days:
        text, credit, low, high = rng.choice(catalogue)
        amount = cents(Decimal(str(rng.uniform(low, high))))
        if not credit and amount > balance:
            continue
        balance += amount if credit else -amount
        transactions.append(Transaction(day, text, amount if credit else -amount, balance))
    if business:
        holder = Party(f"{rng.choice(pools.SURNAMES)} {rng.choice(pools.TRADE_CUSTOMERS)} Pty Ltd")
    else:
        holder = Party(f"{rng.choice(pools.FIRST_NAMES)} {rng.choice(pools.SURNAMES)}")
    return Document(
        kind="statement",
        style=Style.draw(rng),
        supplier=Party(bank[0], phone=bank[4] if rng.random() < 0.6 else None, website=bank[1]),
        payer=holder,
        account=_account(rng, bank),
        period=(start, end),
        opening=opening,
        transactions=transactions,
    )


# --- cobalt split: a workshop's invoice, a guest folio, a chemist's docket, a card statement


def _workshop(rng: random.Random) -> Document:
    """A motor-vehicle workshop's invoice to a car owner (or a fleet): parts, then labour
    (hours at the workshop's one hourly rate; some jobs list labour first), then sundries
    (some); paid on pick-up (EFTPOS, card or cash: no due date then) or on account by bank
    transfer by the due date."""
    trade = rng.choice(pools.COBALT_WORKSHOPS)
    supplier = _business(rng, trade, website=rng.random() < 0.6, shop=rng.random() < 0.4)
    customer = _customer(rng, phone=rng.random() < 0.8, email=rng.random() < 0.5)
    parts = _priced(rng, pools.COBALT_PARTS, rng.randrange(1, 6))
    rate = Decimal(rng.choice([110, 115, 120, 125, 132, 135, 140, 145, 150, 165]))
    jobs = rng.sample(pools.COBALT_LABOUR, rng.randrange(1, 3))
    labour = [Item(d, Decimal(str(rng.choice(hours))), rate) for d, hours in jobs]
    items = labour + parts if rng.random() < 0.3 else parts + labour
    if rng.random() < 0.7:
        price = cents(Decimal(str(rng.uniform(6, 25))))
        items.append(Item(rng.choice(pools.COBALT_SUNDRIES), Decimal(1), price))
    issued = _day(rng)
    paid = rng.random() < 0.45
    method = rng.choice(
        ["EFTPOS", "Credit Card", "Cash"] if paid else sorted(pools.BANK_PAYMENT_METHODS)
    )
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=supplier,
        payer=customer,
        number=f"{rng.choice(['', 'INV', 'W', 'TI-'])}{rng.randrange(1000, 99999)}",
        issued=issued,
        due=None if paid else issued + datetime.timedelta(days=rng.choice([7, 14, 30])),
        items=items,
        shows_subtotal=rng.random() < 0.8,
        payment_method=method,
        account=None if paid else _account(rng, rng.choice(pools.BANKS)),
    )


def _lodging(rng: random.Random) -> Document:
    """A hotel's, motel's or serviced apartments' guest folio: one room line a night at the
    night's rate (a weekend night dearer, some), extras (parking, breakfast, minibar), settled
    by card on departure (the folio's date); ``billing`` is the stay (arrival, departure)."""
    name = f"{rng.choice(pools.COBALT_PLACES)} {rng.choice(pools.COBALT_PROPERTIES)}"
    street, locality, state = _place(rng)
    site = f"{_slug(name)}.com.au" if rng.random() < 0.75 else None
    supplier = Party(name, street, locality, _landline(rng, state), website=site,
                     abn=abn_digits(rng))  # fmt: skip
    departure = _day(rng)
    nights = rng.choice([1, 1, 2, 2, 3, 4, 5])
    arrival = departure - datetime.timedelta(days=nights)
    room, low, high = rng.choice(pools.COBALT_ROOMS)
    rate = cents(Decimal(str(rng.uniform(low, high))))
    weekend = cents(rate * Decimal("1.2")) if rng.random() < 0.5 else rate
    items = []
    for night in range(nights):
        day = arrival + datetime.timedelta(days=night)
        items.append(Item(room, Decimal(1), weekend if day.weekday() in (4, 5) else rate))
    for description, lo, hi, nightly in rng.sample(pools.COBALT_EXTRAS, rng.randrange(0, 4)):
        qty = Decimal(rng.randrange(1, nights + 1)) if nightly else Decimal(1)
        items.append(Item(description, qty, cents(Decimal(str(rng.uniform(lo, hi))))))
    return Document(
        kind="invoice",
        style=Style.draw(rng),
        supplier=supplier,
        payer=_customer(rng, phone=rng.random() < 0.5, email=rng.random() < 0.6, person=True),
        number=f"{rng.choice(['', 'F', 'FOL'])}{rng.randrange(10000, 999999)}",
        issued=departure,
        items=items,
        shows_subtotal=rng.random() < 0.6,
        payment_method=rng.choice(pools.COBALT_GUEST_CARDS),
        billing=(arrival, departure),
    )


def _chemist(rng: random.Random) -> Document:
    """A pharmacy's or newsagency's docket: most medicines GST-free, everything else taxable;
    paid by card or cash."""
    line = "pharmacy" if rng.random() < 0.65 else "newsagent"
    trade = rng.choice(pools.COBALT_SHOPS[line])
    supplier = _business(rng, trade, website=rng.random() < 0.4, shop=rng.random() < 0.6)
    chosen = rng.sample(pools.COBALT_STOCK[line], rng.randrange(1, 8))
    items = [
        Item(d, Decimal(rng.choice(q)), cents(Decimal(str(rng.uniform(lo, hi)))), gst_free=free)
        for d, lo, hi, q, free in chosen
    ]
    return Document(
        kind="receipt",
        style=Style.draw(rng),
        supplier=supplier,
        number=str(rng.randrange(10000, 9999999)),
        issued=_day(rng),
        items=items,
        shows_subtotal=rng.random() < 0.4,
        payment_method=rng.choice(pools.RECEIPT_PAYMENT_METHODS),
    )


def _card(rng: random.Random) -> Document:
    """A credit card statement: a monthly cycle; the payment towards the previous balance,
    purchases, interest when the previous balance was not paid in full and fees (some). A
    transaction's ``balance`` is what is owed after it (credits, positive, reduce it), so the
    closing balance is the amount owing; the card account has no BSB and its number is
    printed masked (``account`` holds the issuer only); the due date is the payment's."""
    issuer, site, _, _, phone = rng.choice(pools.COBALT_ISSUERS)
    start = _day(rng).replace(day=rng.randrange(1, 29))
    year, month = divmod(start.month, 12)
    end = datetime.date(start.year + year, month + 1, start.day) - datetime.timedelta(days=1)
    span = (end - start).days
    opening = Decimal(0) if rng.random() < 0.1 else cents(Decimal(str(rng.uniform(150, 4500))))
    moves: list[tuple[datetime.date, str, Decimal]] = []  # (day, text, owed change)
    paid_in_full = True
    if opening:
        paid_in_full = rng.random() < 0.5
        pay = opening if paid_in_full else cents(opening * Decimal(str(rng.uniform(0.05, 0.6))))
        day = start + datetime.timedelta(days=rng.randrange(min(20, span)))
        moves.append((day, rng.choice(pools.COBALT_CARD_CREDITS), -pay))
    for _ in range(rng.randrange(4, 14)):
        text, lo, hi = rng.choice(pools.COBALT_MERCHANTS)
        suburb = rng.choice(pools.LOCALITIES)[0].upper()
        day = start + datetime.timedelta(days=rng.randrange(span - 2))
        moves.append((day, text.format(suburb=suburb), cents(Decimal(str(rng.uniform(lo, hi))))))
    if rng.random() < 0.2:
        text, lo, hi = rng.choice(pools.COBALT_OVERSEAS)
        day = start + datetime.timedelta(days=rng.randrange(span - 2))
        amount = cents(Decimal(str(rng.uniform(lo, hi))))
        moves.append((day, text, amount))
        moves.append((day, "INTERNATIONAL TRANSACTION FEE", cents(amount * Decimal("0.03"))))
    if rng.random() < 0.1:
        day = start + datetime.timedelta(days=rng.randrange(span - 2))
        moves.append((day, "ANNUAL FEE", Decimal(rng.choice([49, 59, 99, 149]))))
    if not paid_in_full:
        owed = opening + moves[0][2]
        moves.append((end, "INTEREST CHARGED ON PURCHASES", cents(owed * Decimal("0.0175"))))
    moves.sort(key=lambda m: m[0])
    balance, transactions = opening, []
    for day, text, change in moves:
        balance += change
        transactions.append(Transaction(day, text, -change, balance))
    return Document(
        kind="statement",
        style=Style.draw(rng),
        supplier=Party(issuer, phone=phone, website=site),
        payer=_customer(rng, phone=False, email=False, person=True),
        due=end + datetime.timedelta(days=rng.choice([21, 25, 25, 28])),
        account=BankAccount(issuer, "", ""),
        period=(start, end),
        opening=opening,
        transactions=transactions,
    )


FLAVOURS = {
    "health": _health,
    "trade": _trade,
    "hospitality": _hospitality,
    "member": _member,
    "utility": _utility,
    "freelance": _freelance,
    "order": _order,
    "portal": _portal,
    "workshop": _workshop,
    "lodging": _lodging,
    "chemist": _chemist,
    "card": _card,
}
