"""Values of a kind (dates, amounts) on an OCR'd page and the words that name them.

A value's label is wherever a printer puts it: before it in its own phrase ("Tax point:
02/07/2024", "... Plus credits: $4.52 New balance: $2,873.64"), in the phrase to its left,
or in a header cell over it. What a label means is for the rules that read it.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> from vlmserve.backends.ocr_text import DATE
>>> words = "Ref: A92846 = Tax point: 08/07/2024".split()
>>> page = Page.from_words([Word(w, 10 + 90 * i, 10, 80 + 90 * i, 30)
...                         for i, w in enumerate(words)])
>>> [(v.text, v.label) for v in labelled(page, DATE)]
[('08/07/2024', 'tax point')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vlmserve.backends.ocr_layout import Line, Page, Segment, label_key
from vlmserve.backends.ocr_text import contact_like
from vlmserve.extract import normalize

__all__ = ["Labelled", "labelled", "trailing_label"]


@dataclass
class Labelled:
    """A value as printed, the words that name it (label key, "" if none) and where."""

    text: str
    label: str
    line: Line
    segment: Segment

    @property
    def iso(self) -> str | None:
        """The value as an ISO date, if it is one."""
        value = normalize("date", self.text)
        return value if isinstance(value, str) else None


def labelled(
    page: Page, pattern: re.Pattern[str], lines: list[Line] | None = None
) -> list[Labelled]:
    """Every match of ``pattern`` on ``lines`` (default: the page) with its label, in
    reading order."""
    out = []
    for line in lines if lines is not None else page.lines:
        for i, seg in enumerate(line.segments):
            for m in pattern.finditer(seg.text):
                before = seg.text[: m.start()]
                label = trailing_label(before)
                if not label and not re.search(r"\w", before):
                    label = _label_beside(page, line, i)
                out.append(Labelled(m.group(0).strip(), label, line, seg))
    return out


def trailing_label(text: str) -> str:
    """The words right before a value: back to a word with a digit or a mark of its own
    ("Document #: A92846 = Tax point:" -> "tax point")."""
    words: list[str] = []
    for word in reversed(text.split()):
        if any(c.isdigit() for c in word):
            break
        if not any(c.isalpha() or c == "#" for c in word):  # "#" says "number"
            if words:
                break
            continue  # the label's own colon or dash
        words.insert(0, word)
    return label_key(" ".join(words))


def _label_beside(page: Page, line: Line, index: int) -> str:
    """The label left of a phrase on its line, else the header cell over it. A phrase with
    digits or contact details left of it is another column's value, not a label."""
    left = line.segments[index - 1].text if index > 0 else ""
    if left and not re.search(r"\d", left) and not contact_like(left):
        return trailing_label(left)
    over = page.above(line, line.segments[index])
    if over and not any(c.isdigit() for c in over[1].text):
        return label_key(over[1].text)
    return ""
