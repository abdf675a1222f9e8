"""What a phrase says: the patterns (dates, contacts, ABNs, addresses) and the label
vocabulary the OCR rules read a page with. Pure text, no geometry.

>>> address_of("1 Main St, Perth WA 6000  08 9999 1234")
'1 Main St, Perth WA 6000'
>>> is_labelled("Invoice No: 12"), is_labelled("Bank of Queensland")
(True, False)
"""

from __future__ import annotations

import re

from vlmserve.backends.ocr_layout import label_key
from vlmserve.backends.ocr_table import TOTAL_LABELS
from vlmserve.extract import abn_valid

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[\s-]{MONTH}[\s,-]+\d{{4}}|{MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s\d{{4}})\b",
    re.IGNORECASE,
)
# The top-level domain is letters: "2@4.97" is a till line, not an address.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
WEB = re.compile(
    r"(?<![@\w.])(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|net|org|biz|info|io|co|gov|edu)(?:\.[a-z]{2})?(?:/\S*)?\b",
    re.IGNORECASE,
)
PHONE = re.compile(
    r"(?:\+61[\s-]?\(?0?\)?[\s-]?\d|\(0\d\)|\b0\d|\b1[38]00)[\d\s-]{5,14}\d"
    r"|\b13(?:[\s-]?\d){4}\b"
)
ABN_DIGITS = re.compile(r"\b\d[\d\s]{9,14}\d\b")
BSB = re.compile(r"\b\d{3}[\s-]?\d{3}\b")
STATE_POSTCODE = re.compile(r"\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\b,?\s+\d{4}\b", re.IGNORECASE)
STREET = re.compile(
    r"^(?:unit|shop|suite|level|lot|floor|building)\s+\d"
    r"|^\d+[a-z]?(?:[/-]\d+[a-z]?)?\s+[a-z]{2,}|\bp\.?\s?o\.?\s+box\b|\bgpo\s+box\b",
    re.IGNORECASE,
)

PAYER_LABELS = [
    "bill to", "billed to", "invoice to", "invoiced to", "customer", "customer name",
    "client", "client name", "sold to", "account holder", "account name", "charge to",
    "to", "attention", "attn", "payer", "prepared for", "issued to", "statement for",
    "held by", "member", "name", "full name", "member name", "client party", "recipient",
    "owner", "owners", "owner s", "account owner", "buyer", "owned by", "account owned by",
    "account held by",
]  # fmt: skip
SUPPLIER_LABELS = ["from", "supplier", "seller", "vendor", "issued by", "business name"]
# What a document's number is printed as: what it numbers ("Tax Inv.", "Receipt") and a
# word that says "number", or the noun alone beside its value ("Invoice 10234").
_NUMBERED = [
    "invoice", "inv", "tax invoice", "tax inv", "receipt", "rcpt", "tax receipt", "document",
    "doc", "docket", "transaction", "trans", "txn", "sale", "bill", "order", "sales order",
    "confirmation", "booking", "folio",
]  # fmt: skip
_NUMBER_MARKS = ["number", "no", "#", "num", "nbr"]
# Words that say a label names an identifier ("Customer no.", "Member ID", "Our ref"): such
# a label is the identifier's, not the named party's or thing's.
ID_WORDS = {"no", "number", "num", "#", "id", "ref", "reference"}
NUMBER_LABELS = [
    *(f"{noun} {mark}" for noun in _NUMBERED for mark in _NUMBER_MARKS),
    # Alone, only nouns no value starts with ("INV-0191" is a number, not a label and one).
    "invoice", "tax invoice", "receipt", "docket", "transaction", "trans", "txn", "order",
    "reference", "reference no", "ref", "ref no", "number", "no", "our reference",
    "our ref",
]  # fmt: skip
DATE_LABELS = [
    "invoice date", "date of issue", "issue date", "issued", "date issued", "tax date",
    "receipt date", "transaction date", "date", "dated", "purchase date", "order date",
    "sale date", "tax invoice date", "issued on", "date of invoice", "invoice dated",
    "trans date", "txn date", "date of sale", "date of purchase",
]  # fmt: skip
DUE_LABELS = [
    "due date", "payment due", "due", "due by", "pay by", "payment due date", "please pay by",
    "date due", "payable by", "due on", "payment expected", "payment expected by",
    "expected by", "payment required by",
]  # fmt: skip
PHONE_LABELS = [
    "phone",
    "ph",
    "tel",
    "telephone",
    "mobile",
    "mob",
    "call",
    "contact",
    "p",
    "t",
    "m",
]
ABN_LABELS = ["abn", "a b n", "australian business number"]
EMAIL_LABELS = ["email", "e mail", "e", "email address"]
ADDRESS_LABELS = ["address", "addr", "location", "street address", "postal address"]
METHOD_LABELS = [
    "payment method", "paid by", "payment type", "method of payment", "tender", "paid via",
    "payment", "paid with", "payment mode", "method", "tendered",
]  # fmt: skip
METHOD_WORDS = [
    "credit card", "debit card", "eftpos", "cash", "bank transfer", "direct debit",
    "direct deposit", "eft", "bpay", "visa", "mastercard", "amex", "american express",
    "paypal", "cheque", "card", "apple pay", "google pay", "afterpay", "payid", "osko",
    "money order", "electronic funds transfer", "diners club",
]  # fmt: skip
BANK_LABELS = [
    "bank", "bank name", "financial institution", "institution", "banking with",
    "financial institution name", "institution name", "name of bank", "bank name of",
]  # fmt: skip
BSB_LABELS = ["bsb", "bsb number", "bsb no", "branch", "bsb #"]
ACCOUNT_LABELS = [
    "account number", "account no", "acc no", "a c no", "account #", "acct no", "acc #",
    "account", "acct", "a c", "account num",
    # OCR reads the slash of "A/C" as an I or an l.
    "aic no", "alc no", "aic", "alc",
]  # fmt: skip
PERIOD_LABELS = [
    "statement period", "period", "statement dates", "for the period", "date range",
    "period covered", "statement date range", "from",
]  # fmt: skip
CONTACT_LABELS = {
    label_key(lab)
    for lab in [*PHONE_LABELS, *EMAIL_LABELS, *ADDRESS_LABELS, *ABN_LABELS, "fax", "web"]
}
# Nouns that make a label a block's heading ("Customer information", "Bank details for
# EFT"): the values are printed under the heading, not in it.
HEADING_NOUNS = {"details", "detail", "information", "info", "particulars"}
TITLES = {"invoice": "INVOICE", "receipt": "RECEIPT", "statement": "BANK_STATEMENT"}
TITLE_PHRASE = re.compile(
    r"\b(?:tax\s+|sales\s+|cash\s+|payment\s+)?(?:invoice|receipt)\b"
    r"|\b(?:bank\s+|account\s+)?statement(?:\s+of\s+account)?\b",
    re.IGNORECASE,
)

ALL_LABELS = {
    label_key(lab)
    for group in (
        PAYER_LABELS, NUMBER_LABELS, DATE_LABELS, DUE_LABELS, ABN_LABELS, EMAIL_LABELS,
        ADDRESS_LABELS, METHOD_LABELS, BANK_LABELS, BSB_LABELS, ACCOUNT_LABELS,
        PERIOD_LABELS, SUPPLIER_LABELS, *TOTAL_LABELS.values(),
        ["phone", "tel", "telephone", "mobile", "fax", "web", "website", "www"],
        ["terms", "payment terms", "trading terms"],
    )
    for lab in group
}  # fmt: skip


def clip(text: str) -> str:
    """A value without a following ``Label:`` run into it by OCR, the label's words
    before its colon included.

    >>> clip("Westpac BSB: 032"), clip("Coastal Property = Payment terms: EFT")
    ('Westpac', 'Coastal Property')
    """
    words = text.split()
    for i, word in enumerate(words[1:], 1):
        if word.endswith(":") and len(word) > 1:
            start = next((j for j in range(max(1, i - 2), i) if _is_label(words[j : i + 1])), i)
            return " ".join(words[:start]).strip(_SEPARATORS)
    return text.strip(" :;,")


# What sets a value apart from the next column's label when OCR runs them together.
_SEPARATORS = " :;,=|_-–—"


def _is_label(words: list[str]) -> bool:
    """The words are a known label ("Payment terms:")."""
    return label_key(" ".join(words)) in ALL_LABELS


def first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None


def is_labelled(text: str) -> bool:
    """The phrase starts with a known label that acts as one: followed by ``:`` or a
    value with digits, of two words or more, or alone ("Invoice No. 12", "Date:",
    "Customer"); "Bank of Queensland" or "Bank Transfer" is a name, not a label."""
    words = label_key(text).split()
    colon = text.split(":", 1)[0] if ":" in text else None
    for n in range(min(len(words), 4), 0, -1):
        head = " ".join(words[:n])
        if head not in ALL_LABELS:
            continue
        if colon is not None and label_key(colon) == head:
            return True
        after = words[n] if n < len(words) else ""
        if len(head) > 1 and (n > 1 or not after or any(c.isdigit() for c in after)):
            return True
    return False


def starts_with_label(text: str) -> bool:
    """The phrase's first words are a known label, whatever follows: in a key/value grid
    the phrase right of a label may be the next cell's label ("Branch (BSB)").

    >>> starts_with_label("Branch (BSB)"), starts_with_label("Liam Smith")
    (True, False)
    """
    words = label_key(text).split()
    return any(" ".join(words[:n]) in ALL_LABELS for n in range(1, min(len(words), 4) + 1))


def ends_block(text: str) -> bool:
    """A phrase that starts another field (a label that is not a contact's): a party
    block stops there."""
    head = label_key(text.split(":", 1)[0] if ":" in text else text)
    return is_labelled(text) and head.split(" ")[0] not in CONTACT_LABELS


def unlabel(text: str) -> str:
    """The text without a leading ``Label:`` ("Address: 1 Main St" -> "1 Main St")."""
    head, colon, rest = text.partition(":")
    return rest.strip() if colon and is_labelled(head) and rest.strip() else text


def abns(text: str) -> list[str]:
    """Every 11-digit run (spaces allowed) with a valid ABN checksum."""
    found = []
    for m in ABN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        found += [
            digits[i : i + 11] for i in range(len(digits) - 10) if abn_valid(digits[i : i + 11])
        ]
    return found


def contact_like(text: str) -> bool:
    return bool(EMAIL.search(text) or WEB.search(text) or abns(text)) or bool(
        PHONE.search(text) and not STREET.search(text)
    )


# A contact label left dangling once its number is taken out ("... WA 6000 ABN No. T:").
_DANGLING_LABEL = re.compile(
    r"\s*\b(?:a\.?b\.?n(?:\s+no)?|australian business number|ph|phone|telephone|tel|t|"
    r"mobile|m|e-?mail|e|web|website|contact(?:\s+no)?|call|fax)\b\.?:?[\s|·•,;-]*$",
    re.IGNORECASE,
)
# What letterheads print between details on one line.
_DETAIL_SEPARATOR = re.compile(r"\s+[|·•]\s*|\s*[|·•]\s+|\s+[-–—]\s+")


def address_of(text: str) -> str | None:
    """The address in a phrase, without a phone, email, web address or ABN printed on after
    it ("1 Main St, Perth WA 6000  08 9999 1234"); None when there is no address. A
    letterhead's details joined by "|", "·" or " - " are told apart part by part.

    >>> address_of("9 Ash St, Perth WA 6000 | ABN No. 51 824 753 556 | T: 08 9999 1234")
    '9 Ash St, Perth WA 6000'
    """
    parts = [_address_part(p) for p in _DETAIL_SEPARATOR.split(text)]
    found = ", ".join(p for p in parts if p)
    return found or None


def _address_part(text: str) -> str | None:
    for pattern in (EMAIL, WEB, PHONE):
        text = pattern.sub(" ", text)
    text = ABN_DIGITS.sub(lambda m: " " if abns(m.group(0)) else m.group(0), text)
    while (unlabelled := _DANGLING_LABEL.sub("", text)) != text:
        text = unlabelled
    text = " ".join(text.split()).strip(" ,;|-")
    if not text or DATE.search(text) or re.search(r"\d\.\d\d\b", text):
        return None
    return text if STATE_POSTCODE.search(text) or STREET.search(text) else None


def address_like(text: str) -> bool:
    return address_of(text) is not None


def untitled(text: str) -> str:
    """The text without a title run into it ("Acme Bank  Statement of Account")."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", TITLE_PHRASE.sub(" ", text)).strip()


def plain(text: str) -> bool:
    """Text that may be a name: letters, no label, title, contact, address or date."""
    words = label_key(text).split()
    return not (
        not words
        or any(w in TITLES for w in words)
        or is_labelled(text)
        or contact_like(text)
        or address_like(text)
        or DATE.search(text)
        or not re.search(r"[A-Za-z]{2}", text)
        # A name is short; a sentence of the page's prose is none.
        or len(words) > 8
    )
