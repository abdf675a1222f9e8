"""Page geometry for the OCR backend: words with boxes grouped into lines and phrases,
and label look-up that knows where a label's value sits (right of it, or below it).

>>> words = [Word("Invoice", 10, 10, 70, 30), Word("No:", 76, 10, 100, 30),
...          Word("INV-7", 300, 10, 360, 30)]
>>> page = Page.from_words(words)
>>> [s.text for s in page.lines[0].segments]
['Invoice No:', 'INV-7']
>>> page.values_of(["invoice no"])[0].value.text
'INV-7'
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["Line", "Match", "Page", "Segment", "Word", "label_key"]

# Gap (in word heights) that separates two phrases on one line: word spacing is ~0.3-0.5
# of a word's height, a column gap is several heights.
_PHRASE_GAP = 1.6
# How close (in word heights) two baselines must be to share a line.
_BASELINE_TOLERANCE = 0.45
# A label's value below it must start within this many line heights.
_BELOW_REACH = 3.0
# Words shorter than this share of the median word height are rule lines, not text.
_MIN_HEIGHT = 0.4
_BORDER = re.compile(r"^[|\[\]{}]+$")
_DASH = re.compile(r"^[-\u2010-\u2015_=~.]+$")
# Fuzzy label match: OCR slips ("lnvoice") still match, different words do not.
_LABEL_SIMILARITY = 0.8


# Words after a label, in its own phrase, that make it prose rather than a label.
_PROSE_WORDS = 5


_PLURAL_MARK = re.compile(r"(?<=[a-z])\(s\)")


def label_key(text: str) -> str:
    """Lower case, punctuation dropped (``#`` kept), single spaces: how labels compare.

    >>> label_key("Invoice No.:"), label_key("Inv #"), label_key("BILL-TO")
    ('invoice no', 'inv #', 'bill to')
    """
    # A plural mark is no word of its own: "Owner(s)" is "owner".
    return " ".join(re.sub(r"[^0-9a-z#&]+", " ", _PLURAL_MARK.sub("", text.lower())).split())


@dataclass(frozen=True)
class Word:
    """One recognised word, its box (pixels, ``x1``/``y1`` exclusive) and how sure the
    OCR is of it (0-100)."""

    text: str
    x0: int
    y0: int
    x1: int
    y1: int
    baseline: float | None = None
    slope: float = 0.0
    confidence: float = 100.0

    @property
    def height(self) -> int:
        return max(self.y1 - self.y0, 1)

    @property
    def base(self) -> float:
        """The baseline's height at the word's centre (the box bottom if unknown)."""
        return self.y1 if self.baseline is None else self.baseline

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def size(self) -> float:
        """Height above the baseline: the type size, whether or not the word has a
        descender ("Qty" is not taller than "Total")."""
        return max(self.base - self.y0, 1.0)


@dataclass
class Segment:
    """A phrase: words on one line with no column gap between them."""

    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> int:
        return self.words[0].x0

    @property
    def x1(self) -> int:
        return self.words[-1].x1

    @property
    def y0(self) -> int:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> float:
        """Median word height."""
        return statistics.median(w.height for w in self.words)

    @property
    def size(self) -> float:
        """Median type size (:attr:`Word.size`), robust to one odd glyph."""
        return statistics.median(w.size for w in self.words)

    def tail(self, n_words: int) -> Segment | None:
        """The phrase without its first ``n_words`` words (None if nothing is left)."""
        rest = self.words[n_words:]
        # OCR reads a form's leader or dash as a word of its own ("Name _ Jo", "Suburb —").
        if rest and not any(c.isalnum() for c in rest[0].text):
            rest = rest[1:]
        return Segment(rest) if rest else None


@dataclass
class Line:
    """Words sharing a baseline, split into phrases at column gaps, left to right."""

    segments: list[Segment]
    index: int = 0

    @property
    def text(self) -> str:
        return "  ".join(s.text for s in self.segments)

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def y0(self) -> int:
        return min(s.y0 for s in self.segments)

    @property
    def y1(self) -> int:
        return max(s.y1 for s in self.segments)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)


@dataclass
class Match:
    """Where a label was found and the value that goes with it."""

    label: str
    line: Line
    segment: Segment
    value: Segment


@dataclass
class Page:
    """The lines of one page, top to bottom."""

    lines: list[Line] = field(default_factory=list)
    width: int = 0
    height: int = 0

    @classmethod
    def from_words(cls, words: Iterable[Word], width: int = 0, height: int = 0) -> Page:
        """Groups words into lines by baseline, then into phrases by the gaps between them."""
        # Bits of box borders read as "|" or "[" are not text.
        words = [w for w in words if w.text.strip() and not _BORDER.match(w.text)]
        if words:
            # Rules, borders and shading read as "words" far shorter than any text; a
            # dash is short too, but reads as one.
            typical = statistics.median(w.height for w in words)
            words = [w for w in words if w.height >= _MIN_HEIGHT * typical or _DASH.match(w.text)]
        skew = _skew(words)

        def level(w: Word) -> float:  # the baseline as if the page were straight
            return w.base - skew * w.centre

        rows: list[list[Word]] = []
        for word in sorted(words, key=level):
            row = rows[-1] if rows else None
            near = row and abs(
                level(word) - _row_level(row, level)
            ) <= _BASELINE_TOLERANCE * _row_height(row)
            if near:
                row.append(word)
            else:
                rows.append([word])
        # A row of dashes alone is a separator, not text.
        rows = [r for r in rows if not all(_DASH.match(w.text) for w in r)]
        lines = [Line(_phrases(sorted(r, key=lambda w: w.x0)), i) for i, r in enumerate(rows)]
        return cls(lines, width or max((w.x1 for w in words), default=0), height)

    def text(self) -> str:
        """The page as plain text, a line per line, phrases two spaces apart."""
        return "\n".join(line.text for line in self.lines)

    def find_labels(self, labels: Sequence[str]) -> Iterator[tuple[str, Line, Segment, int]]:
        """Every phrase that starts with one of ``labels`` (fuzzily): the label, its line,
        its phrase and the number of words it covers, in reading order. Longer labels win."""
        keyed = sorted(((label_key(lab), lab) for lab in labels), key=lambda k: -len(k[0]))
        for line in self.lines:
            for seg in line.segments:
                for key, label in keyed:
                    n = _label_words(seg, key)
                    if n:
                        yield label, line, seg, n
                        break

    def values_of(
        self,
        labels: Sequence[str],
        accept: Callable[[str], bool] = bool,
        below: bool = True,
        other_label: Callable[[str], bool] = lambda text: False,
    ) -> list[Match]:
        """Values for ``labels``: the rest of the label's phrase, else the next phrase to
        its right, else (``below``) the phrase under it; only those ``accept`` takes, and
        no neighbour that is ``other_label`` (the next field's label, not this value)."""
        found = []
        for label, line, seg, n in self.find_labels(labels):
            for value, own in self._candidates(line, seg, n, below):
                if (own or not other_label(value.text)) and accept(value.text):
                    found.append(Match(label, line, seg, value))
                    break
        # The most specific label first ("Payment Method: EFT" before "Payment Details").
        return sorted(found, key=lambda m: -len(label_key(m.label).split()))

    def _candidates(
        self, line: Line, seg: Segment, n: int, below: bool
    ) -> Iterator[tuple[Segment, bool]]:
        """Where a label's value may be, and whether it is in the label's own phrase."""
        rest = seg.tail(n)
        if rest is not None:
            yield rest, True
            # A "label" followed by a run of prose is a word of that prose ("Supplied and
            # fitted the ..."): it labels nothing beside or under it.
            if len(rest.words) >= _PROSE_WORDS:
                return
        right = [s for s in line.segments if s.x0 >= seg.x1]
        if right:
            yield right[0], False
        if below:
            for _, under in self.under(line, seg, limit=1):
                yield under, False

    def above(self, line: Line, seg: Segment) -> tuple[Line, Segment] | None:
        """The phrase stacked right over ``seg`` (overlapping it, within reach), if any."""
        for over in reversed(self.lines[: line.index]):
            if line.y0 - over.y1 > _BELOW_REACH * line.height:
                return None
            hits = [s for s in over.segments if s.x0 < seg.x1 and s.x1 > seg.x0]
            if hits:
                return over, hits[0]
        return None

    def under(self, line: Line, seg: Segment, limit: int = 1) -> list[tuple[Line, Segment]]:
        """Up to ``limit`` phrases stacked under ``seg`` (overlapping it horizontally, each
        within reach of the one above), with their lines."""
        out: list[tuple[Line, Segment]] = []
        last_y1, reach = line.y1, _BELOW_REACH * line.height
        for below in self.lines[line.index + 1 :]:
            if below.y0 - last_y1 > reach or len(out) >= limit:
                break
            reach_x = seg.x1 + 2 * seg.height
            hits = [s for s in below.segments if s.x0 < reach_x and s.x1 > seg.x0]
            if hits:
                out.append((below, hits[0]))
                last_y1 = below.y1
        return out


def _skew(words: list[Word]) -> float:
    """The page's tilt (dy/dx): the median baseline slope of words long enough to show it."""
    slopes = [w.slope for w in words if w.x1 - w.x0 > 3 * w.height]
    return statistics.median(slopes) if slopes else 0.0


def _row_level(row: list[Word], level: Callable[[Word], float]) -> float:
    return statistics.median(level(w) for w in row[-3:])


def _row_height(row: list[Word]) -> float:
    return statistics.median(w.height for w in row)


def _phrases(words: list[Word]) -> list[Segment]:
    segments = [Segment([words[0]])]
    height = statistics.median(w.height for w in words)  # a "-" is no measure of the type
    for prev, word in zip(words, words[1:]):
        if word.x0 - prev.x1 > _PHRASE_GAP * height:
            segments.append(Segment([word]))
        else:
            segments[-1].words.append(word)
    return segments


def _label_words(seg: Segment, key: str) -> int:
    """How many of the phrase's first words spell ``key`` (0: they do not), read letter
    by letter or with an initialism's letters as one word."""
    wanted = key.split()
    for spelling in (label_key, _initials_joined):
        # One printed word may spell several of the label's ("A/C" is "a c").
        said: list[str] = []
        n = 0
        while len(said) < len(wanted) and n < len(seg.words):
            said += spelling(seg.words[n].text).split() or [""]
            n += 1
        if len(said) == len(wanted) and all(map(_same_word, said, wanted)):
            return n
    return 0


# An initialism printed with stops: "B.S.B.", "A.B.N", OCR's "BS.B." (not "St.George").
_INITIALISM = re.compile(r"\b[a-z]{1,2}(?:\.[a-z])+\.?(?![a-z])", re.IGNORECASE)


def _initials_joined(word: str) -> str:
    """A word's label key with an initialism's letters as one word ("B.S.B." is "bsb").

    >>> _initials_joined("B.S.B."), _initials_joined("BS.B.:"), _initials_joined("St.George")
    ('bsb', 'bsb', 'st george')
    """
    return label_key(_INITIALISM.sub(lambda m: m.group(0).replace(".", ""), word))


def _same_word(said: str, wanted: str) -> bool:
    """Equal, or (words of 4+ letters) one OCR slip apart: "lnvoice" is "invoice", but
    "no" is never "to"."""
    if said == wanted:
        return True
    return (
        len(wanted) >= 4
        and difflib.SequenceMatcher(None, said, wanted).ratio() >= _LABEL_SIMILARITY
    )
