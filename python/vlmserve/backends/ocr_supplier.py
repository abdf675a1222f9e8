"""The supplier's name: who issued the document.

Named in its row of a table of the parties, or after "From" / "Issued by" (up to the end
of that sentence); on a statement, the bank; else the name around the business's ABN
(in its phrase, over it or left of it), or the heading's most prominent name, which wins
when the ABN's block prints it again ("Questions? Contact Acme Cafe").

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
from vlmserve.backends.ocr_layout import Line, Segment, Word, label_key
from vlmserve.backends.ocr_party_rows import party_rows
from vlmserve.backends.ocr_text import (
    SUPPLIER_LABELS,
    TITLE_PHRASE,
    abns,
    ends_block,
    plain,
    untitled,
)

if TYPE_CHECKING:
    from vlmserve.backends.ocr_rules import Document

__all__ = ["supplier_name"]

# Where an ABN's label (or the detail separator before it) starts in a phrase.
_ABN_LABEL = re.compile(r"\s+[-–—|·•]\s+|\s*\b(?:a\.?b\.?n|australian business number)\b", re.I)

# A label for a number ("Australian Business No."), not a name.
_NUMBER_LABEL = re.compile(r"(?:\b(?:no|num|number)\.?|[#:])$", re.IGNORECASE)

# Words that say whose a thing is ("Our ABN"): no name.
_DETERMINERS = {"our", "your", "the", "my", "their", "its", "a", "an", "this"}

# Abbreviations a name may end a word with a full stop in ("Pty. Ltd."): no sentence end.
_ABBREVIATIONS = {"pty", "ltd", "co", "inc", "corp", "bros", "st", "no", "dr", "mr", "mrs", "ms"}


def supplier_name(doc: Document) -> Segment | None:
    row = party_rows(doc.page).get("supplier")
    if row and row.name:
        return row.name
    named = doc.values(SUPPLIER_LABELS, accept=plain, below=True)
    if named:
        return _first_sentence(named[0].value)
    if doc.is_statement:
        banks = [
            (line, Segment(_words_of(seg, found)))
            for line in doc.plain_lines()
            for seg in line.segments
            if (found := bank_named(seg.text))
        ]
        if banks:
            return _most_prominent(banks)
    block = _around_abn(doc)
    top = _most_prominent([(line, seg) for line in doc.heading for seg in line.segments])
    if top and any(label_key(top.text) in label_key(seg.text) for _, seg in block):
        return top
    return _most_prominent(block) or top


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
        and not said <= _DETERMINERS
    )


def _most_prominent(phrases: Sequence[tuple[Line, Segment]]) -> Segment | None:
    """The tallest phrase that may be a name (a title run into it cut off), then the
    topmost."""
    best: tuple[float, Segment] | None = None
    for line, seg in phrases:
        name = untitled(seg.text) if TITLE_PHRASE.search(seg.text) else seg.text
        if plain(name):
            size = seg.size - line.index * 0.01
            if best is None or size > best[0]:
                best = (size, seg if name == seg.text else Segment(_words_of(seg, name)))
    return best[1] if best else None


def _words_of(seg: Segment, text: str) -> list[Word]:
    """The words of ``seg`` that spell ``text`` (a title cut from a name)."""
    keep = set(text.split())
    return [w for w in seg.words if w.text in keep] or seg.words
