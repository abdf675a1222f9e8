"""Layout rules: the fields of a business document read off an OCR'd :class:`Page`.

Values come from label synonyms (matched fuzzily) and the value right of or under them,
from patterns (ABN checksum, phone, email, web address, BSB, money, dates) and from
which block of the page a thing sits in (the supplier's heading, the payer's "Bill To"
block). Values are returned as printed; the core normalises them when the answer is
parsed (:func:`vlmserve.extract.parse`).

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> page = Page.from_words([Word("Total", 10, 10, 60, 30), Word("$12.50", 300, 10, 370, 30)])
>>> answer(page, ["TOTAL_AMOUNT", "DUE_DATE"])
'TOTAL_AMOUNT: $12.50\\nDUE_DATE: NOT_FOUND'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from vlmserve.backends.ocr_layout import Line, Match, Page, Segment, Word, label_key
from vlmserve.backends.ocr_table import TOTAL_LABELS, Table, line_items, totals
from vlmserve.extract import abn_valid

__all__ = ["RULES", "Document", "answer"]

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[\s-]{MONTH}[\s,-]+\d{{4}}|{MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s\d{{4}})\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
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
]  # fmt: skip
SUPPLIER_LABELS = ["from", "supplier", "seller", "vendor", "issued by", "business name"]
NUMBER_LABELS = [
    "invoice number", "invoice no", "invoice #", "invoice num", "inv no", "inv #",
    "invoice", "tax invoice no", "tax invoice number", "tax invoice #", "receipt number",
    "receipt no", "receipt #", "receipt", "document number", "document no", "reference",
    "reference no", "ref", "ref no", "transaction no", "transaction number", "bill number",
    "bill no", "order number", "order no", "number", "no", "trans no", "trans #", "txn no",
    "docket no", "docket #", "transaction #", "sale no", "sale #",
]  # fmt: skip
DATE_LABELS = [
    "invoice date", "date of issue", "issue date", "issued", "date issued", "tax date",
    "receipt date", "transaction date", "date", "dated", "purchase date", "order date",
    "sale date", "tax invoice date", "issued on", "date of invoice", "invoice dated",
    "trans date", "txn date", "date of sale", "date of purchase",
]  # fmt: skip
DUE_LABELS = [
    "due date", "payment due", "due", "due by", "pay by", "payment due date", "please pay by",
    "date due", "payable by", "due on",
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
    "paypal", "cheque", "card", "apple pay", "google pay", "afterpay",
]  # fmt: skip
BANK_LABELS = ["bank", "bank name", "financial institution", "institution", "banking with"]
BSB_LABELS = ["bsb", "bsb number", "bsb no", "branch", "bsb #"]
ACCOUNT_LABELS = [
    "account number", "account no", "acc no", "a c no", "account #", "acct no", "acc #",
    "account", "acct", "a c", "account num",
]  # fmt: skip
PERIOD_LABELS = [
    "statement period", "period", "statement dates", "for the period", "date range",
    "period covered", "statement date range", "from",
]  # fmt: skip
CONTACT_LABELS = {
    label_key(lab)
    for lab in [*PHONE_LABELS, *EMAIL_LABELS, *ADDRESS_LABELS, *ABN_LABELS, "fax", "web"]
}
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
    )
    for lab in group
}  # fmt: skip


def clip(text: str) -> str:
    """A value without a following ``Label:`` run into it by OCR ("Westpac BSB: 032")."""
    words = text.split()
    for i, word in enumerate(words[1:], 1):
        if word.endswith(":") and len(word) > 1:
            return " ".join(words[:i])
    return text.strip(" :;,")


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


def _ends_block(text: str) -> bool:
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


def address_of(text: str) -> str | None:
    """The address in a phrase, without a phone, email, web address or ABN printed on after
    it ("1 Main St, Perth WA 6000  08 9999 1234"); None when there is no address."""
    for pattern in (EMAIL, WEB, PHONE):
        text = pattern.sub(" ", text)
    text = ABN_DIGITS.sub(lambda m: " " if abns(m.group(0)) else m.group(0), text)
    text = re.sub(
        r"\s*\b(?:a\.?b\.?n|ph|phone|tel|mobile|email|web)\b\.?:?\s*$", "", text, flags=re.I
    )
    text = " ".join(text.split()).strip(" ,;|-")
    if not text or DATE.search(text) or re.search(r"\d\.\d\d\b", text):
        return None
    return text if STATE_POSTCODE.search(text) or STREET.search(text) else None


def address_like(text: str) -> bool:
    return address_of(text) is not None


@dataclass
class Document:
    """A page and the blocks the rules share (computed once, on first use)."""

    page: Page
    cache: dict[str, object] = field(default_factory=dict)

    @cached_property
    def payer_block(self) -> list[Segment]:
        """The payer's block: labelled ("Bill To" and the like), else a name over an address
        that is not the supplier's."""
        return self.labelled_payer or self._unlabelled_payer()

    @cached_property
    def labelled_payer(self) -> list[Segment]:
        """The phrase after "Bill To" (or like) and those stacked under it."""
        for _, line, seg, n in self.page.find_labels(PAYER_LABELS):
            head = seg.tail(n)
            right = [s for s in line.segments if s.x0 >= seg.x1][:1]
            start = head or (right[0] if right and not is_labelled(right[0].text) else None)
            anchor = start or seg
            block = [start] if start else []
            for below_line, below in self.page.under(line, anchor, limit=6):
                # The block ends where another field's label starts a phrase in its column
                # or left of it (a label further right belongs to another block).
                if any(_ends_block(s.text) for s in below_line.segments if s.x0 <= below.x0):
                    break
                block.append(below)
            # "Account Name: <the supplier>" is where to pay, not who pays.
            if block and not self._is_supplier(block[0]):
                return block
        return []

    def _is_supplier(self, seg: Segment) -> bool:
        name = self.supplier_name
        return name is not None and label_key(unlabel(seg.text)) == label_key(name.text)

    def _unlabelled_payer(self) -> list[Segment]:
        """A name over an address that is not the supplier's: a window-envelope block."""
        taken = {id(s) for s in self.supplier_address}
        for line in self.plain_lines():
            for seg in line.segments:
                if id(seg) in taken or not address_like(seg.text):
                    continue
                over = self.page.above(line, seg)
                if over is None or not _plain(over[1].text) or over[1] is self.supplier_name:
                    continue
                stacked = [s for _, s in self.page.under(line, seg, limit=4)]
                rest = []
                for s in stacked:
                    if not (address_like(s.text) or contact_like(s.text)) or _ends_block(s.text):
                        break
                    rest.append(s)
                return [over[1], seg, *rest]
        return []

    @cached_property
    def supplier_name(self) -> Segment | None:
        return _supplier_name(self)

    @cached_property
    def supplier_address(self) -> list[Segment]:
        """Address phrases stacked under the supplier's name (a tagline may sit between)."""
        name = self.supplier_name
        if name is None:
            return []
        line = next(ln for ln in self.page.lines if name.words[0] in ln.words)
        out: list[Segment] = []
        for _, seg in self.page.under(line, name, limit=5):
            if address_like(seg.text):
                out.append(seg)
            elif out or is_labelled(seg.text) or contact_like(seg.text):
                break
        return out

    @cached_property
    def kind(self) -> str | None:
        return _document_type(self)

    @cached_property
    def table(self) -> Table:
        return line_items(
            self.page,
            is_stop=lambda t: _TOTAL_WORDS.search(t) is not None,
            is_other=lambda t: is_labelled(t) or DATE.search(t) is not None,
        )

    def plain_lines(self) -> list[Line]:
        """The lines outside the item table."""
        return [line for line in self.page.lines if line.index not in self.table.lines]

    @cached_property
    def payer_lines(self) -> set[int]:
        return {id(s) for s in self.payer_block}

    @cached_property
    def heading(self) -> list[Line]:
        """The supplier's heading: lines above the payer block, the item table or totals,
        and within the top third of the page."""
        limit = self.page.height / 3 if self.page.height else float("inf")
        # Where the first payer label sits (not the block: that needs the supplier's name).
        stops = [line.y0 for _, line, _, _ in self.page.find_labels(PAYER_LABELS)][:1]
        if self.table.lines:
            limit = min(limit, self.page.lines[self.table.lines[0]].y0)
        out = []
        for line in self.page.lines:
            if line.y0 > limit or (stops and line.y0 >= stops[0] - line.height):
                break
            out.append(line)
        return out or self.page.lines[:8]

    def values(
        self, labels: Sequence[str], accept: Callable[[str], bool] = bool, below: bool = True
    ) -> list[Match]:
        """The page's values for ``labels`` (see :meth:`Page.values_of`), never another
        field's label."""
        return self.page.values_of(labels, accept, below, other_label=is_labelled)

    def outside_payer(self, lines: Sequence[Line] | None = None) -> list[Segment]:
        return [
            s
            for line in (lines or self.page.lines)
            for s in line.segments
            if id(s) not in self.payer_lines
        ]


def _document_type(doc: Document) -> str | None:
    best: tuple[float, str] | None = None
    for line in doc.page.lines:
        for seg in line.segments:
            words = label_key(seg.text).split()
            kinds = [TITLES[w] for w in words if w in TITLES]
            # A title has no value (digits) or "Label:" in its phrase.
            if kinds and len(words) <= 7 and not re.search(r"[\d:#]", seg.text):
                size = seg.size - line.index * 0.01  # the tallest, then the topmost
                if best is None or size > best[0]:
                    best = (size, kinds[0])
    return best[1] if best else None


def untitled(text: str) -> str:
    """The text without a title run into it ("Acme Bank  Statement of Account")."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", TITLE_PHRASE.sub(" ", text)).strip()


def _plain(text: str) -> bool:
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
    )


def _supplier_name(doc: Document) -> Segment | None:
    """After "From:" (or like), else the most prominent name over the business's ABN,
    else the most prominent plain phrase of the heading."""
    named = doc.values(SUPPLIER_LABELS, accept=lambda t: not is_labelled(t), below=True)
    if named:
        return named[0].value
    return _most_prominent(_over_abn(doc)) or _most_prominent(
        [(line, seg) for line in doc.heading for seg in line.segments]
    )


def _over_abn(doc: Document) -> list[tuple[Line, Segment]]:
    """The phrase with the first valid ABN and those stacked over it: the issuer's block,
    wherever on the page it is printed."""
    for line in doc.page.lines:
        for seg in line.segments:
            if abns(seg.text):
                block, here = [(line, seg)], doc.page.above(line, seg)
                while here and len(block) < 8 and not _ends_block(here[1].text):
                    block.append(here)
                    here = doc.page.above(*here)
                return block
    return []


def _most_prominent(phrases: Sequence[tuple[Line, Segment]]) -> Segment | None:
    """The tallest phrase that may be a name (a title run into it cut off), then the
    topmost."""
    best: tuple[float, Segment] | None = None
    for line, seg in phrases:
        name = untitled(seg.text) if TITLE_PHRASE.search(seg.text) else seg.text
        if _plain(name):
            size = seg.size - line.index * 0.01
            if best is None or size > best[0]:
                best = (size, seg if name == seg.text else Segment(_words_of(seg, name)))
    return best[1] if best else None


def _words_of(seg: Segment, text: str) -> list[Word]:
    """The words of ``seg`` that spell ``text`` (a title cut from a name)."""
    keep = set(text.split())
    return [w for w in seg.words if w.text in keep] or seg.words


def _supplier_segments(doc: Document) -> list[Segment]:
    return doc.outside_payer(doc.heading)


def _business_abn(doc: Document) -> str | None:
    labelled = [
        a
        for m in doc.values(ABN_LABELS, accept=lambda t: bool(abns(t)))
        for a in abns(m.value.text)
    ]
    anywhere = [a for s in doc.outside_payer() for a in abns(s.text)]
    return (labelled or anywhere or [None])[0]


def _business_address(doc: Document) -> str | None:
    labelled = doc.values(ADDRESS_LABELS, accept=address_like)
    labelled = [m for m in labelled if id(m.segment) not in doc.payer_lines]
    if labelled:
        m = labelled[0]
        more = [address_of(s.text) for _, s in doc.page.under(m.line, m.value, limit=2)]
        return ", ".join([clip(m.value.text), *filter(None, more)])
    return ", ".join(filter(None, (address_of(s.text) for s in doc.supplier_address))) or None


def _phone_in(segments: Sequence[Segment]) -> str | None:
    for seg in segments:
        text = re.sub(r"(?i)\bfax\b.*", "", seg.text)
        # An ABN's digits hold phone-like runs ("27 001 242 437").
        text = ABN_DIGITS.sub(lambda m: " " if abns(m.group(0)) else m.group(0), text)
        found = first(PHONE, text)
        if found and not abns(found) and not DATE.search(text):
            return found
    return None


def _business_phone(doc: Document) -> str | None:
    labelled = doc.values(PHONE_LABELS, accept=lambda t: bool(PHONE.search(t)))
    labelled = [
        m.value
        for m in labelled
        if id(m.value) not in doc.payer_lines and id(m.segment) not in doc.payer_lines
    ]
    return _phone_in(labelled) or _phone_in(_supplier_segments(doc))


def _website(doc: Document) -> str | None:
    for seg in doc.outside_payer():
        found = first(WEB, seg.text)
        if found:
            return found
    return None


def _payer_part(kind: str) -> Callable[[Document], str | None]:
    """A part of the payer block: its name (first plain line), address, phone or email."""

    def rule(doc: Document) -> str | None:
        block = [clip(unlabel(s.text)) for s in doc.payer_block]
        if kind == "name":
            names = [t for t in block if not contact_like(t) and not address_like(t)]
            return names[0] if names else None
        if kind == "address":
            return ", ".join(filter(None, map(address_of, block[1:]))) or None
        if kind == "phone":
            return _phone_in(doc.payer_block)
        emails = [first(EMAIL, t) for t in block]
        return next((e for e in emails if e), None)

    return rule


def _payer_email(doc: Document) -> str | None:
    in_block = _payer_part("email")(doc)
    if in_block:
        return in_block
    site = (_website(doc) or "").lower().removeprefix("www.")
    for seg in doc.outside_payer():
        found = first(EMAIL, seg.text)
        if found and not (site and found.lower().endswith(site.split("/")[0])):
            in_heading = any(seg in line.segments for line in doc.heading)
            if not in_heading:
                return found
    return None


def _labelled(
    labels: list[str], pattern: re.Pattern[str] | None, text: bool = False
) -> Callable[[Document], str | None]:
    """The value after the first of ``labels`` that matches ``pattern`` (or any text)."""

    def accept(value: str) -> bool:
        return bool(pattern.search(value)) if pattern else bool(value) and not is_labelled(value)

    def rule(doc: Document) -> str | None:
        for m in doc.values(labels, accept=accept):
            return (
                clip(m.value.text)
                if text
                else first(pattern, m.value.text)
                if pattern
                else clip(m.value.text)
            )
        return None

    return rule


ID = re.compile(r"(?<![\w/])(?=[A-Z0-9/#-]*\d)[A-Z0-9][A-Z0-9/#-]*[A-Z0-9]\b|\b\d\b", re.IGNORECASE)


def _invoice_number(doc: Document) -> str | None:
    for m in doc.values(NUMBER_LABELS, accept=lambda t: bool(ID.search(clip(t)))):
        value = clip(m.value.text)
        if not DATE.search(value) and not abns(value):
            return first(ID, value)
    return None


def _invoice_date(doc: Document) -> str | None:
    if doc.kind == "BANK_STATEMENT":
        return None  # a statement has a period (and transaction dates), not an issue date
    due = {label_key(d) for d in DUE_LABELS}
    for m in doc.values(DATE_LABELS, accept=lambda t: bool(DATE.search(t))):
        if label_key(m.segment.text).split(" ")[0] not in due:
            return first(DATE, m.value.text)
    for line in doc.plain_lines():
        if not any(w in label_key(line.text).split() for w in ("due", "period", "from", "to")):
            found = first(DATE, line.text)
            if found:
                return found
    return None


def _statement_range(doc: Document) -> str | None:
    for line in doc.page.lines:
        dates = DATE.findall(line.text)
        if len(dates) == 2 and any(
            k in label_key(line.text) for k in ("period", "from", "statement", "to")
        ):
            return f"{dates[0]} to {dates[1]}"
    return None


def _payment_method(doc: Document) -> str | None:
    found = _labelled(METHOD_LABELS, None, text=True)(doc)
    if found and not DATE.search(found) and not re.search(r"\d{3}", found):
        return found
    if doc.kind == "BANK_STATEMENT":
        return None  # its transactions name payment methods, it was not paid by one
    text = " " + " ".join(label_key(line.text) for line in doc.plain_lines()) + " "
    for word in METHOD_WORDS:
        if f" {word} " in text:
            return word
    return None


BANK_NAME = re.compile(
    r"^(?:[A-Z][\w&'.-]*\s+){0,4}(?:Bank|Credit Union|Building Society)(?:\s+Limited|\s+Ltd)?$"
    r"|^Bank\s+of(?:\s+[A-Z][\w&'.-]*){1,3}$",
)


def _bank_name(doc: Document) -> str | None:
    if doc.kind == "BANK_STATEMENT" and doc.supplier_name is not None:
        return doc.supplier_name.text  # a statement's issuer is its bank
    found = _labelled(BANK_LABELS, None, text=True)(doc)
    if (
        found
        and re.search(r"[A-Za-z]{2}", found)
        and not set(label_key(found).split()) & set(TITLES)
    ):
        return found
    for seg in doc.outside_payer():
        if BANK_NAME.match(seg.text.strip()):
            return seg.text.strip()
    return None


def _items(part: int) -> Callable[[Document], list[str] | None]:
    def rule(doc: Document) -> list[str] | None:
        column = [row[part] for row in doc.table.rows]
        return column if any(column) else None

    return rule


_TOTAL_WORDS = re.compile(r"\b(?:sub\s?-?total|total|gst|tax|balance|amount due)\b", re.IGNORECASE)


def _total(kind: str) -> Callable[[Document], str | None]:
    def rule(doc: Document) -> str | None:
        if "totals" not in doc.cache:
            doc.cache["totals"] = totals(doc.page)
        return doc.cache["totals"].get(kind)  # type: ignore[union-attr]

    return rule


RULES: dict[str, Callable[[Document], str | list[str] | None]] = {
    "DOCUMENT_TYPE": _document_type,
    "SUPPLIER_NAME": lambda doc: doc.supplier_name and clip(doc.supplier_name.text),
    "BUSINESS_ABN": _business_abn,
    "BUSINESS_ADDRESS": _business_address,
    "BUSINESS_PHONE": _business_phone,
    "SUPPLIER_WEBSITE": _website,
    "PAYER_NAME": _payer_part("name"),
    "PAYER_ADDRESS": _payer_part("address"),
    "PAYER_PHONE": _payer_part("phone"),
    "PAYER_EMAIL": _payer_email,
    "INVOICE_NUMBER": _invoice_number,
    "INVOICE_DATE": _invoice_date,
    "DUE_DATE": _labelled(DUE_LABELS, DATE),
    "LINE_ITEM_DESCRIPTIONS": _items(0),
    "LINE_ITEM_QUANTITIES": _items(1),
    "LINE_ITEM_PRICES": _items(2),
    "SUBTOTAL_AMOUNT": _total("subtotal"),
    "GST_AMOUNT": _total("gst"),
    "TOTAL_AMOUNT": _total("total"),
    "PAYMENT_METHOD": _payment_method,
    "BANK_NAME": _bank_name,
    "BANK_BSB_NUMBER": _labelled(BSB_LABELS, BSB),
    "BANK_ACCOUNT_NUMBER": _labelled(ACCOUNT_LABELS, re.compile(r"\b\d[\d -]{4,}\d\b")),
    "STATEMENT_DATE_RANGE": _statement_range,
    "CLOSING_BALANCE": _total("closing"),
}
"""The rule that reads each field of the default schema; other fields are NOT_FOUND."""


def answer(page: Page, names: Sequence[str]) -> str:
    """The ``FIELD: value`` text for ``names`` (``NOT_FOUND`` when absent, lists
    ``|``-separated), as a VLM prompted with the schema would answer."""
    doc = Document(page)
    out = []
    for name in names:
        rule = RULES.get(name)
        value = rule(doc) if rule else None
        if isinstance(value, list):
            value = " | ".join(v or "NOT_FOUND" for v in value)
        out.append(f"{name}: {value or 'NOT_FOUND'}")
    return "\n".join(out)
