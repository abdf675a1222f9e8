"""How a page labels its payer: a known label ("Bill To", "Customer"), a heading built on
a word for whoever is billed ("Invoice recipient", "Billing address"), and, in a form, the
rows of the party's other cells under its name's row ("Postal address", "Locality",
"Mobile", "Email").

>>> role_heading("Invoice recipient"), role_heading("Billing period")
(True, False)
"""

from __future__ import annotations

from vlmserve.backends.ocr_layout import Line, Page, Segment, label_key
from vlmserve.backends.ocr_text import HEADING_NOUNS, ID_WORDS, PAYER_LABELS

__all__ = [
    "NAME_NOUNS",
    "form_rows",
    "labelled_names",
    "names_role",
    "payer_labels",
    "role_heading",
    "role_words_only",
]

# Nouns that end a payer label ("Member name", "Client party"): its value is beside or
# under it, not in it.
NAME_NOUNS = {"name", "names", "party", "parties"}
# Words for whoever is billed, by meaning: a role noun, or a verb of billing that needs its
# "to" ("Sold to"). A heading made of one and nouns that say what follows ("Invoice
# recipient", "Billing address", "Bill-to party") heads the payer's block, wherever in the
# heading the role word sits.
_ROLE_NOUNS = {
    "customer", "customers", "client", "clients", "recipient", "buyer", "purchaser",
    "payer", "addressee", "debtor", "billing",
    # Whoever a service is billed to is named for the service: a practice's patient, a
    # school's student, a landlord's tenant, a hotel's guest, an insurer's policyholder.
    "patient", "patients", "student", "tenant", "guest", "policyholder", "insured",
}  # fmt: skip
_HOLDER_NOUNS = {"holder", "holders", "member", "owner", "owners"}
# A compound's last word is its head ("Pet owner", "Primary holder", "Card holder"): a
# short phrase headed by one of these names whoever holds the account, whatever qualifies it.
_HOLDER_HEADS = {"holder", "holders", "owner", "owners"}
_HOLDER_PHRASE_WORDS = 3
_ROLE_VERBS = {"bill", "billed", "invoiced", "sold", "charged", "charge", "issued"}
_HEADING_TAIL = HEADING_NOUNS | NAME_NOUNS | {"address", "addr", "contact", "to", "account"}
_ROLE_HEADING_WORDS = 4
# Words that make a heading another field's label, wherever the role word sits in it
# ("Account no. (customer)", "Customer ref", "Date of bill").
_OTHER_FIELD_WORDS = ID_WORDS | {"date", "period"}
# The labels of a party's cells in a form's rows: its address's parts and its contacts.
_ROW_LABELS = {
    "address", "addr", "postal address", "street address", "home address", "street",
    "locality", "suburb", "town", "city", "state", "postcode", "post code",
    "phone", "ph", "tel", "telephone", "mobile", "mob", "contact", "contact no",
    "contact number", "email", "e mail", "email address", "email id",
}  # fmt: skip
_ROW_LABEL_WORDS = 3
_FORM_ROWS = 6


def payer_labels(page: Page) -> list[tuple[Line, Segment, int]]:
    """Every payer label (its line, phrase and the words it takes), in reading order: the
    known labels, the headings made of a role word and a holder's phrase before a colon."""
    found = {id(seg): (line, seg, n) for _, line, seg, n in page.find_labels(PAYER_LABELS)}
    for line in page.lines:
        for seg in line.segments:
            if id(seg) in found:
                continue
            head, colon, _ = seg.text.partition(":")
            if role_heading(seg.text):
                found[id(seg)] = (line, seg, len(seg.words))
            elif colon and holder_phrase(head):  # "Card holder: Jo Li"
                found[id(seg)] = (line, seg, len(head.split()))
    return sorted(found.values(), key=lambda f: (f[0].index, f[1].x0))


def labelled_names(page: Page) -> set[str]:
    """The keys of the phrases a payer label labels in its row ("Primary holder | Jo Li"):
    the payer's name, whatever else the page prints it as (a heading's name over an
    address is the addressee's, not the issuer's letterhead)."""
    return {
        label_key(right.text)
        for line, seg, _ in payer_labels(page)
        for right in [s for s in line.segments if s.x0 >= seg.x1][:1]
    }


def names_role(text: str) -> bool:
    """The words name a party's role ("of party", "of account holder")."""
    return bool(set(label_key(text).split()) & (_ROLE_NOUNS | NAME_NOUNS | _HOLDER_NOUNS))


def role_words_only(text: str) -> bool:
    """The words only name a role or head a block ("Sold to", "Payer", "Account"): the
    label goes on, or is another column's header; no party's name is made of them.

    >>> role_words_only("Sold to"), role_words_only("Name of patient"), role_words_only("Jo Li")
    (True, True, False)
    """
    # "of" only joins a label's nouns ("Name of patient").
    words = set(label_key(text).split()) - {"of"}
    role = _ROLE_NOUNS | _ROLE_VERBS | _HOLDER_NOUNS | _HEADING_TAIL
    return bool(words) and (words <= role or holder_phrase(text))


def holder_phrase(text: str) -> bool:
    """A short phrase headed by a holder noun ("Primary holder", "Pet owner").

    >>> holder_phrase("Pet owner"), holder_phrase("Owner occupied home loan")
    (True, False)
    """
    words = label_key(text).split()
    return 0 < len(words) <= _HOLDER_PHRASE_WORDS and words[-1] in _HOLDER_HEADS


def role_heading(text: str) -> bool:
    """A short heading whose role word is followed only by heading nouns: "Invoice
    recipient", "Billing address", "Bill-to party" (not "Customer copy", "Billing period")."""
    words = label_key(text).split()
    if not words or len(words) > _ROLE_HEADING_WORDS or any(c.isdigit() for c in text):
        return False
    if set(words) & _OTHER_FIELD_WORDS:
        return False
    if holder_phrase(text):
        return True
    for i, word in enumerate(words):
        tail = words[i + 1 :]
        verb = word in _ROLE_VERBS and tail[:1] == ["to"]
        if (verb or word in _ROLE_NOUNS) and set(tail) <= _HEADING_TAIL:
            return True
    return False


def form_rows(page: Page, line: Line, label: Segment, value: Segment) -> list[Segment]:
    """The cells of the form's rows under ``label`` (its row's ``value`` right of it) that
    hold a party's address or contact, each with its label ("Postal address 1 Main St",
    "Locality Perth WA 6000"), up to the first row that is another field's. A row's value
    ends where the label row's next column starts ("Name | Jo Li | Invoice No. | 12")."""
    columns = [s.x0 for s in line.segments if s.x0 > value.x1]
    stop = columns[0] - line.height if columns else float("inf")
    out = []
    for row, cell in page.under(line, label, limit=_FORM_ROWS):
        words = label_key(cell.text).split()
        if not any(" ".join(words[:k]) in _ROW_LABELS for k in range(1, _ROW_LABEL_WORDS + 1)):
            break
        values = [s for s in row.segments if cell.x1 <= s.x0 < stop]
        out.append(Segment([*cell.words, *(w for s in values for w in s.words)]))
    return out
