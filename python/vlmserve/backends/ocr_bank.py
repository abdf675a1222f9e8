"""How a document is paid: the payment method and the bank details (bank name, BSB,
account number), wherever they are printed: a labelled block ("BSB: 062-000"), a
sentence in a footer ("Pay to: Westpac BSB 032-000 Acc 123456") or a statement's heading
(a statement's issuer is its bank).

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_rules import Document
>>> words = "Pay to: Westpac BSB 032-000 Acc 1234 5678".split()
>>> doc = Document(Page.from_words([Word(w, 10 + 90 * i, 10, 80 + 90 * i, 30)
...                                 for i, w in enumerate(words)]))
>>> bank_name(doc), bsb(doc), account_number(doc)
('Westpac', '032-000', '1234 5678')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vlmserve.backends.ocr_layout import Match, label_key
from vlmserve.backends.ocr_text import (
    ACCOUNT_LABELS,
    BANK_LABELS,
    BSB,
    BSB_LABELS,
    DATE,
    HEADING_NOUNS,
    METHOD_LABELS,
    METHOD_WORDS,
    TITLES,
    clip,
    first,
    is_labelled,
    starts_with_label,
)  # fmt: skip
from vlmserve.backends.ocr_values import Labelled, labelled

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["account_number", "bank_name", "bank_named", "bsb", "payment_method"]

# Australian banks, mutual banks and credit unions (world knowledge: who takes deposits
# here), longest first so "Bank of Queensland" wins over a shorter name inside it.
KNOWN_BANKS = sorted(
    [
        "Commonwealth Bank of Australia", "Commonwealth Bank", "CommBank", "Westpac",
        "Westpac Banking Corporation", "ANZ", "ANZ Bank", "National Australia Bank", "NAB",
        "St.George Bank", "St George Bank", "St.George", "St George", "Bank of Melbourne",
        "BankSA", "Bankwest", "Macquarie Bank", "ING", "ING Bank", "Suncorp Bank", "Suncorp",
        "Bendigo Bank", "Bendigo and Adelaide Bank", "Bank of Queensland", "BOQ", "ME Bank",
        "Bank Australia", "Heritage Bank", "People's Choice Credit Union", "Beyond Bank",
        "Newcastle Permanent", "Greater Bank", "Teachers Mutual Bank", "Great Southern Bank",
        "HSBC", "Citibank", "Rabobank", "AMP Bank", "Judo Bank", "UBank", "Police Bank",
        "Defence Bank", "IMB Bank", "Auswide Bank", "MyState Bank", "Hume Bank", "P&N Bank",
        "RACQ Bank", "Unity Bank", "Qudos Bank", "Heartland Bank", "Australian Military Bank",
        "Gateway Bank", "Regional Australia Bank", "Community First Bank", "Bank First", "CUA",
        "Bank of China", "Bank of Sydney", "Arab Bank Australia", "Up Bank",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_BANK_ALTERNATIVES = "|".join(re.escape(b).replace(r"\ ", r"\s+") for b in KNOWN_BANKS)
_KNOWN_BANK = re.compile(rf"(?<![\w.])(?:{_BANK_ALTERNATIVES})(?!\w)", re.IGNORECASE)
# A name that says it is a bank: "Harbour Credit Union", "Bank of Somewhere".
BANK_NAME = re.compile(
    r"^(?:[A-Z][\w&'.-]*\s+){0,4}(?:Bank|Credit Union|Building Society)(?:\s+Limited|\s+Ltd)?$"
    r"|^Bank\s+of(?:\s+[A-Z][\w&'.-]*){1,3}$",
)
# Bank details inside a sentence: the value right after its label, wherever the label is.
# A BSB label may be spelt out ("Bank-State-Branch") and name its kind ("BSB Code"); OCR
# reads the number's 0 as an O ("112 O11").
_BSB_IN_TEXT = re.compile(
    r"\b(?:B\.?S\.?B|bank[\s-]+state[\s-]+branch)\b(?:\s*(?:no|number|num|code|#))?\.?\s*:?\s*"
    r"(?=[\dO\s-]*\d)([\dO]{3}[\s-]?[\dO]{3})\b",
    re.IGNORECASE,
)
_ACCOUNT_IN_TEXT = re.compile(
    r"\b(?:account|acct|acc|a[/il]c)\b\.?(?:\s*(?:no|number|num|#))?\.?\s*:?\s*"
    r"(\d(?:[ -]?\d){3,})\b",
    re.IGNORECASE,
)


def payment_method(doc: Document) -> str | None:
    """A method named after words about paying ("Preferred payment: EFT", "Remit via Bank
    Transfer"), a key-value pair before a sentence; else a payment label's value that names
    no method we know ("Payment method: Money order"); else a method named anywhere. Not a
    statement's: its transactions name methods, it was not paid by one."""
    if doc.kind == "BANK_STATEMENT":
        return None
    named = labelled(doc.page, _METHOD)
    paid = [m for m in named if _about_paying(m.label)]
    if paid:
        return min(paid, key=lambda m: not _keyed(m)).text
    for m in doc.values(METHOD_LABELS, accept=lambda t: bool(t) and not starts_with_label(t)):
        found = _method_value(m)
        if found:
            return found
    return named[0].text if named else None


# Stems of the words that say how a document is paid ("Paid by", "Payment terms",
# "Remit via", "Tendered", "Settle with", "Method").
_PAYING_STEMS = ("pay", "paid", "remit", "tender", "settl", "method")


def _about_paying(label: str) -> bool:
    return any(w.startswith(_PAYING_STEMS) for w in label.split())


def _keyed(value: Labelled) -> bool:
    """The value follows its label's colon ("Payment option: Bank Transfer"), not a
    sentence ("Payment by direct deposit")."""
    before = value.segment.text.split(value.text)[0].rstrip()
    return before.endswith(":") or not before


def _method_value(m: Match) -> str | None:
    """A payment label's value, when it names a method: not a date ("Payment expected
    30/06"), a block's heading ("Payment Details") or a title run on after the label
    ("PAYMENT SLIP": a label's own phrase holds its value only after a colon)."""
    found = clip(m.value.text)
    own = m.value.words[0] in m.segment.words
    if DATE.search(found) or (label_key(found).split() or [""])[0] in HEADING_NOUNS:
        return None
    if re.search(r"\d{3}", found) or (own and ":" not in m.segment.text):
        return None
    return _method_in(found)


# Longest first: "Bank Transfer" before "Bank", "Credit Card" before "Card".
_METHOD = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, METHOD_WORDS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _method_in(value: str) -> str:
    """The method a labelled value names, as printed: the rest of a label run into it
    ("Pay type: EFTPOS", "Payment by: Bank Transfer  Pay into: ...") is not the method.

    >>> _method_in("type: EFTPOS"), _method_in("option: Money order")
    ('EFTPOS', 'Money order')
    """
    named = _METHOD.search(value)
    return named.group(0) if named else re.sub(r"^\w+:\s*", "", value)


def bank_name(doc: Document) -> str | None:
    """A statement's issuer; else a known bank, or a name that says it is one, after a
    bank label, on the line of the BSB or account number, or anywhere outside the payer's
    block."""
    if doc.kind == "BANK_STATEMENT" and doc.supplier_name is not None:
        return doc.supplier_name.text
    for m in doc.values(BANK_LABELS, accept=lambda t: bool(t) and not is_labelled(t)):
        value = clip(m.value.text)
        if (label_key(value).split() or [""])[0] in HEADING_NOUNS:
            continue
        # "Bank transfer", "Bank deposit": a way to pay, not a bank's label.
        if _METHOD.fullmatch(f"{m.segment.words[0].text} {value.split()[0]}"):
            continue
        named = first(_KNOWN_BANK, value)
        titled = set(label_key(value).split()) & set(TITLES)
        if named or (re.search(r"[A-Za-z]{2}", value) and not titled):
            return named or value
    detail_lines = [ln for ln in doc.page.lines if _BSB_IN_TEXT.search(ln.text)]
    for line in [*detail_lines, *doc.page.lines]:
        for seg in line.segments:
            if id(seg) in doc.payer_lines:
                continue
            found = bank_named(seg.text)
            if found:
                return found
    return None


def bank_named(text: str) -> str | None:
    """The bank a phrase names: a known one in it, or the phrase when it says it is a bank.

    >>> bank_named("Bendigo Bank"), bank_named("Call 13 22 21 www.anz.com.au")
    ('Bendigo Bank', None)
    """
    found = first(_KNOWN_BANK, text)
    return found or (text.strip() if BANK_NAME.match(text.strip()) else None)


def bsb(doc: Document) -> str | None:
    """The BSB after its label: in the same sentence, else right of, under or over it (a
    side panel stacks each label over its value)."""
    for line in doc.page.lines:
        m = _BSB_IN_TEXT.search(line.text)
        if m:
            return m.group(1).replace("O", "0").replace("o", "0")
    for m in doc.values(BSB_LABELS, accept=lambda t: bool(BSB.search(t))):
        return first(BSB, m.value.text)
    return next((v.text for v in labelled(doc.page, BSB) if _says_bsb(v.label)), None)


def _says_bsb(label: str) -> bool:
    """A BSB's label, its letters run together or apart ("B.S.B." keys as "b s b")."""
    return bool(re.search(r"\bb ?s ?b\b", label)) or "bank state branch" in label


# An account number: digits, maybe grouped ("1234 5678", "12-345-678").
_ACCOUNT_DIGITS = re.compile(r"\b\d[\d -]{4,}\d\b")


def account_number(doc: Document) -> str | None:
    """The account number after its label: in the same sentence, else right of, under or
    over it; never a date (a transaction's, in the column beside a side panel)."""
    found = [
        (line.index, m.group(1).strip())
        for line in doc.page.lines
        if (m := _ACCOUNT_IN_TEXT.search(line.text)) and not DATE.search(m.group(1))
    ]
    # A biller's "Customer account no" may come first: the bank's is the BSB's neighbour.
    near = next((ln.index for ln in doc.page.lines if _BSB_IN_TEXT.search(ln.text)), None)
    if found:
        return min(found, key=lambda f: abs(f[0] - near) if near is not None else 0)[1]
    for m in doc.values(
        ACCOUNT_LABELS, accept=lambda t: bool(_ACCOUNT_DIGITS.search(t)) and not DATE.search(t)
    ):
        return first(_ACCOUNT_DIGITS, m.value.text)
    return next(
        (v.text for v in labelled(doc.page, _ACCOUNT_DIGITS) if _says_account(v.label)), None
    )


def _says_account(label: str) -> bool:
    """An account number's label ("Acc No.", "A/C number"), not its name's."""
    words = label.split()
    return bool({"acc", "acct", "account", "ac"} & set(words) or "a c" in label) and not (
        {"name", "holder", "type"} & set(words)
    )
