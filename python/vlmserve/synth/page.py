"""A page to draw a document on: fonts, text, rules, label/value pairs and tables.

Coordinates are pixels; every drawing call takes a ``y`` and returns the ``y`` below what
it drew, so layouts read top to bottom.

>>> page = Page((1240, 1754), FONT_FAMILIES["DejaVu Sans"], body_px=26)
>>> page.text(90, 90, "TAX INVOICE", scale=2, bold=True) > 90
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from vlmserve.errors import VlmServeError

FONT_DIR = Path("/usr/share/fonts")
# family -> (regular, bold), relative to FONT_DIR (Debian: fonts-dejavu-core, fonts-liberation2,
# fonts-freefont-ttf, fonts-urw-base35).
FONT_FAMILIES: dict[str, tuple[str, str]] = {
    "DejaVu Sans": ("truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf"),
    "DejaVu Serif": ("truetype/dejavu/DejaVuSerif.ttf", "truetype/dejavu/DejaVuSerif-Bold.ttf"),
    "DejaVu Sans Mono": (
        "truetype/dejavu/DejaVuSansMono.ttf",
        "truetype/dejavu/DejaVuSansMono-Bold.ttf",
    ),
    "Liberation Sans": (
        "truetype/liberation2/LiberationSans-Regular.ttf",
        "truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    "Liberation Serif": (
        "truetype/liberation2/LiberationSerif-Regular.ttf",
        "truetype/liberation2/LiberationSerif-Bold.ttf",
    ),
    "Liberation Mono": (
        "truetype/liberation2/LiberationMono-Regular.ttf",
        "truetype/liberation2/LiberationMono-Bold.ttf",
    ),
    "FreeSans": ("truetype/freefont/FreeSans.ttf", "truetype/freefont/FreeSansBold.ttf"),
    "FreeSerif": ("truetype/freefont/FreeSerif.ttf", "truetype/freefont/FreeSerifBold.ttf"),
    "Nimbus Sans": (
        "opentype/urw-base35/NimbusSans-Regular.otf",
        "opentype/urw-base35/NimbusSans-Bold.otf",
    ),
    "Nimbus Roman": (
        "opentype/urw-base35/NimbusRoman-Regular.otf",
        "opentype/urw-base35/NimbusRoman-Bold.otf",
    ),
    "Nimbus Mono": (
        "opentype/urw-base35/NimbusMonoPS-Regular.otf",
        "opentype/urw-base35/NimbusMonoPS-Bold.otf",
    ),
    "P052": ("opentype/urw-base35/P052-Roman.otf", "opentype/urw-base35/P052-Bold.otf"),
}
MONO_FAMILIES = ["DejaVu Sans Mono", "Liberation Mono", "Nimbus Mono"]
LABEL_SCALE = 0.88  # small grey labels over their values: still >= 22 px on every page
INK = (24, 24, 30)
FAINT = (95, 95, 105)
PAPER = (255, 255, 255)


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(FONT_DIR / path), size)
    except OSError as err:
        raise VlmServeError(
            f"font {FONT_DIR / path} is missing: install the Debian packages fonts-dejavu-core "
            "fonts-liberation2 fonts-freefont-ttf fonts-urw-base35 (scripts/setup.sh does)"
        ) from err


def labelled(label: str, value: str) -> str:
    """``Phone: 02 ...``, but ``A.B.N. 12 ...`` (no colon after a full stop, and none added
    after a label that has its own: ``BSB: 062 000``)."""
    return f"{label} {value}" if label.endswith((".", ":")) else f"{label}: {value}"


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the table width, and ``l``/``r`` alignment."""

    header: str
    weight: float
    align: str = "l"


class Page:
    """An image with a font family and a body text size, and drawing helpers."""

    def __init__(self, size: tuple[int, int], family: tuple[str, str], body_px: int) -> None:
        self.image = Image.new("RGB", size, PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.family, self.body = family, body_px
        self.width, self.height = size

    def font(self, scale: float = 1.0, bold: bool = False) -> ImageFont.FreeTypeFont:
        return _font(self.family[bold], round(self.body * scale))

    def line_height(self, scale: float = 1.0) -> int:
        return round(self.body * scale * 1.5)

    def measure(self, text: str, scale: float = 1.0, bold: bool = False) -> int:
        return round(self.draw.textlength(text, font=self.font(scale, bold)))

    def text(
        self, x: int, y: int, text: str, *, scale=1.0, bold=False, align="l", fill=INK, room=None
    ) -> int:
        """Draws one line with its left (``l``), right (``r``) or middle (``m``) at ``x``,
        shrunk (down to 80 %) to fit ``room`` pixels when given."""
        if room is not None:
            scale = self.fit(text, room, scale=scale, bold=bold)
        self.draw.text((x, y), text, font=self.font(scale, bold), fill=fill, anchor=f"{align}a")
        return y + self.line_height(scale)

    def lines(self, x: int, y: int, texts: list[str], **kw) -> int:
        for t in texts:
            y = self.text(x, y, t, **kw)
        return y

    def rule(self, y: int, x0: int, x1: int, width: int = 2, fill=FAINT) -> int:
        self.draw.line([(x0, y), (x1, y)], fill=fill, width=width)
        return y + width

    def box(self, x0: int, y0: int, x1: int, y1: int, fill=None, width: int = 2) -> None:
        self.draw.rectangle([x0, y0, x1, y1], fill=fill, outline=FAINT, width=width)

    def pairs(self, x: int, y: int, pairs: list[tuple[str, str]], *, style: str, x1=None) -> int:
        """Label/value pairs. ``colon``: "Label: value"; ``side``: labels in one column and
        values aligned beside them (right-aligned at ``x1`` when given); ``above``: a small
        label over its value."""
        if style == "colon":
            return self.lines(x, y, [labelled(k, v) for k, v in pairs])
        if style == "above":
            for k, v in pairs:
                y = self.text(x, y, k, scale=LABEL_SCALE, fill=FAINT)
                y = self.text(x, y - self.body // 4, v, bold=True) + self.body // 3
            return y
        gap = self.body
        label_w = max(self.measure(k, bold=True) for k, _ in pairs)
        if x1:  # keep the widest label and value apart
            x = min(x, x1 - label_w - gap - max(self.measure(v) for _, v in pairs))
        col = x + label_w + gap
        for k, v in pairs:
            self.text(x, y, k, bold=True)
            y = self.text(x1, y, v, align="r") if x1 else self.text(col, y, v)
        return y

    def table(
        self,
        x0: int,
        x1: int,
        y: int,
        columns: list[Column],
        rows: list[list[str]],
        *,
        grid=False,
        wrap=False,
    ) -> int:
        """A table under a shaded header row (a header too wide for its column wraps onto a
        second line); ``grid`` draws every cell border; ``wrap`` wraps any cell, header or
        body, that would otherwise shrink below 90 %."""
        total = sum(c.weight for c in columns)
        edges = [x0]
        for c in columns:
            edges.append(edges[-1] + round((x1 - x0) * c.weight / total))
        edges[-1] = x1
        spans = list(zip(columns, edges, edges[1:]))
        pad, top, leading = self.body // 2, y, round(self.body * 1.1)
        # Rows tall enough that ascenders and descenders keep clear of the rules: text that
        # touches a ruling line is what OCR misreads first.
        row_h, inset = round(self.body * 1.8), round(self.body * 0.3)
        shrink = 0.9 if wrap else 0.8
        headers = [self._wrap(c.header, right - left - 2 * pad, shrink) for c, left, right in spans]
        header_h = row_h + (max(map(len, headers)) - 1) * leading
        self.box(x0, y, x1, y + header_h, fill=(232, 232, 236))
        for span, lines in zip(spans, headers):
            for i, line in enumerate(lines):
                self._cell(span, y + inset + i * leading, line, bold=True)
        y += header_h
        for row in rows:
            cells = [
                self._wrap(cell, right - left - 2 * pad, shrink, bold=False) if wrap else [cell]
                for cell, (_, left, right) in zip(row, spans)
            ]
            height = row_h + (max(map(len, cells)) - 1) * leading
            for span, lines in zip(spans, cells):
                for i, line in enumerate(lines):
                    self._cell(span, y + inset + i * leading, line)
            y += height
            if grid:
                self.box(x0, y - height, x1, y)
            else:
                self.rule(y, x0, x1, width=1)
        if grid:
            for x in edges[1:-1]:
                self.draw.line([(x, top), (x, y)], fill=FAINT, width=2)
        return y + self.body // 2

    def _cell(self, span: tuple[Column, int, int], y: int, text: str, bold=False) -> None:
        column, left, right = span
        pad = self.body // 2
        x = left + pad if column.align == "l" else right - pad
        self.text(x, y, text, bold=bold, align=column.align, room=right - left - 2 * pad)

    def _wrap(self, text: str, room: int, shrink: float = 0.8, bold: bool = True) -> list[str]:
        """``text`` on one line if it fits ``room`` (shrunk up to ``shrink``), else on two."""
        words = text.split()
        if len(words) < 2 or self.measure(text, shrink, bold) <= room:
            return [text]
        half = (len(words) + 1) // 2
        return [" ".join(words[:half]), " ".join(words[half:])]

    def fit(self, text: str, room: int, *, scale: float = 1.0, bold: bool = False) -> float:
        """The largest scale <= ``scale`` (in 5 % steps, not below 80 % of it) at which
        ``text`` fits in ``room`` pixels."""
        floor = scale * 0.8
        while scale > floor and self.measure(text, scale, bold) > room:
            scale -= 0.05
        return scale

    def grid(self, x0: int, x1: int, y: int, pairs: list[tuple[str, str]], columns: int = 2) -> int:
        """Label/value pairs in a boxed grid, ``columns`` cells a row, each label over its value."""
        cell_w = (x1 - x0) // columns
        cell_h = self.line_height(LABEL_SCALE) + self.line_height() + self.body // 2
        for i, (k, v) in enumerate(pairs):
            row, col = divmod(i, columns)
            left, top = x0 + col * cell_w, y + row * cell_h
            self.box(left, top, left + cell_w, top + cell_h)
            pad = self.body // 2
            self.text(left + pad, top + pad // 2, k, scale=LABEL_SCALE, fill=FAINT)
            room = cell_w - 2 * pad
            self.text(
                left + pad, top + pad // 2 + self.line_height(LABEL_SCALE), v, bold=True, room=room
            )
        return y + -(-len(pairs) // columns) * cell_h + self.body

    def joined(self, parts: list[str], sep: str, room: int) -> list[str]:
        """``parts`` packed into as few lines as fit ``room``, ``sep`` between them in a line."""
        lines: list[str] = []
        for part in parts:
            if lines and self.measure(lines[-1] + sep + part) <= room:
                lines[-1] += sep + part
            else:
                lines.append(part)
        return lines

    def heading_box(self, x0: int, x1: int, y: int, heading: str, fill) -> int:
        """A shaded strip with a bold heading, the top of a box; returns where the box's
        content starts (draw the box's outline once its bottom is known)."""
        self.box(x0, y, x1, y + self.line_height(), fill=fill)
        return (
            self.text(x0 + self.body // 2, y + self.body // 4, heading, bold=True) + self.body // 2
        )

    def crop(self, bottom: int) -> None:
        """Cuts the page off below ``bottom`` (a till roll is as long as its content)."""
        self.image = self.image.crop((0, 0, self.width, min(bottom, self.height)))
        self.draw = ImageDraw.Draw(self.image)
        self.height = self.image.height


A4 = (1240, 1754)  # A4 at 150 dpi
TILL_ROLL_WIDTH = 640
PAGE_FAMILIES = [f for f in FONT_FAMILIES if f not in MONO_FAMILIES]


def a4(rng: random.Random) -> Page:
    """A blank A4 page in a random proportional font, body text 25-29 px."""
    return Page(A4, FONT_FAMILIES[rng.choice(PAGE_FAMILIES)], rng.randrange(25, 30))


def till_roll(rng: random.Random, length: int = 3000) -> Page:
    """A blank till roll in a monospaced font (crop it to its content when done)."""
    return Page(
        (TILL_ROLL_WIDTH, length), FONT_FAMILIES[rng.choice(MONO_FAMILIES)], rng.randrange(23, 26)
    )
