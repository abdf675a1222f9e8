"""The supplier's name: who issued the document.

Named in its row of a table of the parties, or after "From" / "Issued by" (up to the end
of that sentence); on a statement, the bank; else the name around the business's ABN
(in its phrase, over it or left of it), or the heading's most prominent name, which wins
when the ABN's block prints it again ("Questions? Contact Acme Cafe"). That guess gives
way to a phrase the rest of the page bears out better: the website's domain spells it,
it sits in the ABN's block, it is printed again ("Account name") or a logo prints its
initials; a logo's letters or a label are the most prominent phrase now and then.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_rules import Document
>>> words = [Word("Issued", 10, 10, 60, 30), Word("by", 66, 10, 80, 30),
...          Word("Acme.", 86, 10, 140, 30), Word("Thank", 146, 10, 190, 30),
...          Word("you.", 196, 10, 230, 30)]
>>> supplier_name(Document(Page.from_words(words))).text
'Acme'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vlmserve.backends.ocr_bank import bank_named
from vlmserve.backends.ocr_layout import Line, Page, Segment, Word, label_key
from vlmserve.backends.ocr_party_rows import party_rows
from vlmserve.backends.ocr_payer_labels import labelled_names
from vlmserve.backends.ocr_text import (
    SUPPLIER_LABELS,
    TITLE_PHRASE,
    WEB,
    abns,
    address_like,
    ends_block,
    plain,
    untitled,
)

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["supplier_name", "web_sites"]

# Where an ABN's label (or the detail separator before it) starts in a phrase.
_ABN_LABEL = re.compile(r"\s+[-–—|·•]\s+|\s*\b(?:a\.?b\.?n|australian business number)\b", re.I)

# A label for a number ("Australian Business No."), not a name.
_NUMBER_LABEL = re.compile(r"(?:\b(?:no|num|number)\.?|[#:])$", re.IGNORECASE)

# Words that say whose a thing is ("Our ABN", "Supplier ABN"): no name.
_DETERMINERS = {"our", "your", "the", "my", "their", "its", "a", "an", "this"}
_PARTY_ROLES = {"business", "company", "supplier", "vendor", "seller", "merchant", "trader"}

# The words of a company's legal form ("Pty. Ltd.", "& Co").
_LEGAL_FORMS = {"pty", "ltd", "limited", "proprietary", "inc", "incorporated", "co", "corp"}

# Abbreviations a name may end a word with a full stop in ("Pty. Ltd."): no sentence end.
_ABBREVIATIONS = {"pty", "ltd", "co", "inc", "corp", "bros", "st", "no", "dr", "mr", "mrs", "ms"}


def supplier_name(doc: Document) -> Segment | None:
    row = party_rows(doc.page).get("supplier")
    if row and row.name:
        return row.name
    named = doc.values(SUPPLIER_LABELS, accept=plain, below=True)
    if doc.is_statement and not named:
        banks = [
            (line, Segment(_words_of(seg, found)))
            for line in doc.plain_lines()
            for seg in line.segments
            if (found := bank_named(seg.text))
        ]
        if banks:
            return _most_prominent(banks)
    block = _around_abn(doc)
    payer = labelled_names(doc.page)
    heading = [
        (line, seg)
        for line in doc.heading
        for seg in line.segments
        if label_key(seg.text) not in payer and not _addressee(doc, line, seg)
    ]
    guess = _first_sentence(named[0].value) if named else _prominent(block, heading)
    return _with_legal_form(doc.page, _corroborated(doc.page, block, heading, guess))


def _addressee(doc: Document, line: Line, seg: Segment) -> bool:
    """On a statement, a name over an address printed under the statement's title ("Your
    statement for ...") is whom it is sent to: the bank's letterhead heads the title."""
    if not doc.is_statement:
        return False
    titled = any(TITLE_PHRASE.search(ln.text) for ln in doc.page.lines[: line.index])
    under = doc.page.under(line, seg, limit=1)
    return titled and bool(under) and address_like(under[0][1].text)


def _with_legal_form(page: Page, name: Segment | None) -> Segment | None:
    """The name with its legal form wrapped onto the line under it ("Acme Tiles Pty" /
    "Ltd"): a phrase of legal-form words alone is no name of its own."""
    line = next((ln for ln in page.lines if name and name.words[0] in ln.words), None)
    if name is None or line is None:
        return name
    under = page.under(line, name, limit=1)
    if under and set(label_key(under[0][1].text).split()) <= _LEGAL_FORMS:
        return Segment([*name.words, *under[0][1].words])
    return name


def _prominent(
    block: list[tuple[Line, Segment]], heading: list[tuple[Line, Segment]]
) -> Segment | None:
    """The most prominent name of the ABN's block, else of the heading (which wins when
    the ABN's block prints it again)."""
    top = _most_prominent(heading)
    if top and any(label_key(top.text) in label_key(seg.text) for _, seg in block):
        return top
    return _most_prominent(block) or top


def _corroborated(
    page: Page,
    block: list[tuple[Line, Segment]],
    near: list[tuple[Line, Segment]],
    guess: Segment | None,
) -> Segment | None:
    """The name the page bears out best, the guess (the most prominent phrase: now and
    then a logo's initials or a label) where nothing bears out another better. Evidence:
    the website's domain spells the name ("kingcleaning.com.au"), wherever the name is
    printed; the name sits in the ABN's block; a name of the heading is printed again (a
    footer, "Account name") or its initials are a logo's ("KC")."""
    evidence = _Evidence(page, block, near)
    # Of phrases as well supported, the heading's (a name printed again in the payment
    # details is the same name), then the most prominent.
    scored = [
        (evidence.support(seg), evidence.is_near(seg), seg.size - line.index * 0.01, seg)
        for line in page.lines
        for seg in line.segments
    ]
    best = max(scored, key=lambda c: c[:3], default=None)
    if best is None or best[0] == 0 or (guess and evidence.support(guess) >= best[0]):
        return guess
    return best[3]


class _Evidence:
    """What a page says about which of its phrases names its issuer."""

    def __init__(
        self, page: Page, block: list[tuple[Line, Segment]], near: list[tuple[Line, Segment]]
    ) -> None:
        self.domains = _domains(page)
        self.texts = [seg.text for line in page.lines for seg in line.segments]
        # A logo's letters: a lone word of two to four letters ("(KC)").
        self.monograms = {
            letters.lower()
            for t in self.texts
            if " " not in t and 2 <= len(letters := re.sub(r"[^A-Za-z]", "", t)) <= 4
        }
        self.block = {id(w) for _, seg in block for w in seg.words}
        self.near = {id(w) for _, seg in near for w in seg.words} | self.block

    def is_near(self, seg: Segment) -> bool:
        """In the heading or the ABN's block."""
        return id(seg.words[0]) in self.near

    def support(self, seg: Segment) -> int:
        name = _name_in(seg)
        if name is None:
            return 0
        # A title's left-overs ("Invoice Num." less its title) are printed again as the
        # title is: only a whole phrase counts as a name printed again.
        again = name == seg.text and _printed_again(self.texts, name)
        near = self.is_near(seg)
        in_block = id(seg.words[0]) in self.block
        logo = bool(_initials(name) & self.monograms)
        return 2 * _spells(self.domains, name) + in_block + near * (again + logo)


def _name_in(seg: Segment) -> str | None:
    """The phrase's text as a name (a title run into it cut off), if it may be one: a
    name is spelt mostly in letters ("7-Eleven"; "INV-68974" is an identifier)."""
    name = untitled(seg.text) if TITLE_PHRASE.search(seg.text) else seg.text
    digits = sum(c.isdigit() for c in name)
    return name if plain(name) and digits < sum(c.isalpha() for c in name) else None


def _domains(page: Page) -> set[str]:
    """The names of the web sites the page prints ("www.acme-tiles.com.au": "acmetiles")."""
    found = (site for line in page.lines for site in web_sites(line.text))
    hosts = (re.sub(r"^(?:https?://)?(?:www\.)?", "", f.lower()) for f in found)
    return {re.sub(r"[^a-z0-9]", "", h.split(".")[0]) for h in hosts}


def web_sites(text: str) -> list[str]:
    """The web addresses in ``text``, none an e-mail's domain."""
    # OCR sets an e-mail's "@" apart now and then ("office@ acme.com.au"), and drops or
    # doubles a "w" of "www." ("ww.acme.com.au").
    sites = WEB.findall(re.sub(r"\s*@\s*", "@", text))
    return [re.sub(r"^((?:https?://)?)w{2,4}\.", r"\1www.", s, flags=re.I) for s in sites]


def _spells(domains: set[str], name: str) -> bool:
    """Whether a domain spells the name's first words ("Acme Tiles Pty Ltd")."""
    words = [re.sub(r"[^a-z0-9]", "", w) for w in name.lower().split()]
    heads = {"".join(words[: k + 1]) for k in range(len(words))}
    return any(len(d) >= 4 and d in heads for d in domains)


def _initials(name: str) -> set[str]:
    """The initials of the name's first two or more words ("Acme Tiles Pty": "at", "atp")."""
    heads = "".join(w[0] for w in name.lower().split() if w[0].isalpha())
    return {heads[:k] for k in range(2, len(heads) + 1)}


def _printed_again(texts: list[str], name: str) -> bool:
    """Whether the name is printed in more than one phrase of the page."""
    key = f" {label_key(name)} "
    return sum(key in f" {label_key(t)} " for t in texts) > 1


def _first_sentence(seg: Segment) -> Segment:
    """The words up to the end of the first sentence ("Acme. Thank you ..." is "Acme")."""
    for i, word in enumerate(seg.words[:-1]):
        stem = word.text.rstrip(".!?")
        if stem != word.text and label_key(stem) not in _ABBREVIATIONS:
            return Segment([*seg.words[:i], dataclasses.replace(word, text=stem)])
    return seg


def _around_abn(doc: Document) -> list[tuple[Line, Segment]]:
    """The phrase with the first valid ABN, those stacked over it and those left of it on
    its line: the issuer's block, wherever on the page it is printed (heading, side
    column or footer)."""
    for line in doc.page.lines:
        for seg in line.segments:
            if abns(seg.text):
                # A name printed in the ABN's own phrase names it ("Acme Pty Ltd - ABN: 51
                # 824 ..." in a footer), whatever is printed over it.
                own = _ABN_LABEL.split(seg.text, maxsplit=1)[0].strip(" -|·•,(:")
                if _names_abn(own, seg.text):
                    return [(line, Segment(_words_of(seg, own)))]
                block = [(line, s) for s in line.segments if s.x1 <= seg.x0 or s is seg]
                here = doc.page.above(line, seg)
                while here and len(block) < 8 and not ends_block(here[1].text):
                    block.append(here)
                    here = doc.page.above(*here)
                return block
    return []


def _names_abn(own: str, phrase: str) -> bool:
    """Whether the words before an ABN's label in its phrase are a name."""
    said = set(label_key(own).split())
    return (
        own != phrase.strip()
        and plain(own)
        and not _NUMBER_LABEL.search(own)
        and not said <= _DETERMINERS | _PARTY_ROLES
    )


def _most_prominent(phrases: Sequence[tuple[Line, Segment]]) -> Segment | None:
    """The tallest phrase that may be a name (a title run into it cut off), then the
    topmost."""
    best: tuple[float, Segment] | None = None
    for line, seg in phrases:
        name = _name_in(seg)
        if name:
            size = seg.size - line.index * 0.01
            if best is None or size > best[0]:
                best = (size, seg if name == seg.text else Segment(_words_of(seg, name)))
    return best[1] if best else None


def _words_of(seg: Segment, text: str) -> list[Word]:
    """The words of ``seg`` that spell ``text`` (a title cut from a name)."""
    keep = set(text.split())
    return [w for w in seg.words if w.text in keep] or seg.words
