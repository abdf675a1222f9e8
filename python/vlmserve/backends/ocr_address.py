"""Australian addresses told by their shape and put back together from the lines a narrow
column wraps them onto: a street ("Unit 4, 12 Gum Tree Parade", its street type maybe on
a line of its own) then a locality ("Suburb STATE 4-digit postcode", its postcode maybe
on a line of its own).

>>> assemble(["Unit 10, 10 Queen", "Lane", "Darwin NT 0800"])
'Unit 10, 10 Queen Lane, Darwin NT 0800'
>>> assemble(["Email:", "43 Bay Parade", "Launceston TAS", "7250", "0400 111 222"])
'43 Bay Parade, Launceston TAS 7250'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vlmserve.backends.ocr_text import STATE_POSTCODE, address_of, contact_like, is_labelled

__all__ = ["STREET_TYPE", "address_span", "assemble", "unglue"]

# The word that ends a street's name (Australia Post's common street types, long and
# short). A line ending with one has finished the street: the locality comes next.
STREET_TYPE = re.compile(
    r"\b(?:street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|parade|pde|crescent|cres|cr"
    r"|court|ct|place|pl|boulevard|blvd|highway|hwy|terrace|tce|way|close|cl|circuit|cct"
    r"|grove|gr|square|sq|esplanade|esp|walk|row|mall|parkway|pkwy|circle|cir|track"
    r"|promenade|crest|rise|view|vista|loop|quay|strand|broadway)\.?$",
    re.IGNORECASE,
)
# A locality wrapped before its postcode ("Launceston TAS" / "7250").
_STATE_END = re.compile(r"\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)$", re.IGNORECASE)
_POSTCODE = re.compile(r"^\d{4}$")
# A state the OCR ran into its suburb or postcode: capitals after a lower-case letter
# ("ValleyQLD"), any case with the postcode glued on or set apart by a stray mark
# ("Wollongongnsw2500", "NSW:2750").
_STATES = r"NSW|VIC|QLD|WA|SA|TAS|ACT|NT"
_GLUED_STATE = re.compile(
    rf"(?<=[a-z])({_STATES})\b|(?:(?<=[a-z])|\b)((?i:{_STATES}))[:;/]?(?=\d{{4}}\b)"
)
# A short run of words, no digits: the rest of a street name or a suburb.
_WORDS = re.compile(r"^[A-Za-z][A-Za-z' .-]*$")
_MAX_WORDS = 3


def assemble(texts: Sequence[str]) -> str | None:
    """The first address in ``texts`` (phrases stacked in one column, top to bottom),
    its wrapped lines joined; None if there is none."""
    span = address_span(texts)
    return span[1] if span else None


def address_span(texts: Sequence[str]) -> tuple[range, str] | None:
    """Which of ``texts`` the first address takes, and the address."""
    texts = [unglue(t) for t in texts]
    start = next((i for i, t in enumerate(texts) if address_of(t)), None)
    if start is None:
        return None
    out, end = address_of(texts[start]) or "", start + 1
    while end < len(texts) and not STATE_POSTCODE.search(out):
        part = _continuation(out, texts[end])
        if part is None:
            break
        out, end = f"{out}{part}", end + 1
    return range(start, end), out


def unglue(text: str) -> str:
    """The text with a state the OCR ran into its neighbours set apart.

    >>> unglue("Fortitude ValleyQLD"), unglue("Wollongongnsw2500"), unglue("Penrith NSW:2750")
    ('Fortitude Valley QLD', 'Wollongong NSW 2500', 'Penrith NSW 2750')
    """
    spaced = _GLUED_STATE.sub(lambda m: f" {(m[1] or m[2]).upper()} ", text)
    return " ".join(spaced.split())


def _continuation(so_far: str, text: str) -> str | None:
    """How ``text`` carries on the address ``so_far`` (with its separator), or None when
    it does not: a contact, a label, another field."""
    text = " ".join(text.split()).strip(" ,")
    if not text or is_labelled(text) or contact_like(text):
        return None
    if _POSTCODE.match(text):
        return f" {text}" if _STATE_END.search(so_far) else None
    if STATE_POSTCODE.search(text) or _STATE_END.search(text):
        return f", {address_of(text) or text}"
    # The rest of a street's name, until its street type has been read.
    if _WORDS.match(text) and len(text.split()) <= _MAX_WORDS and not STREET_TYPE.search(so_far):
        return f" {text}"
    return None
