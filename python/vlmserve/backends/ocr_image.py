"""Page images made easy for Tesseract: levelled, light text on dark bands inverted,
ruled lines painted out, and cut into blocks that each hold lines of one height.

>>> page = np.full((100, 200, 3), 255, np.uint8); page[50, 10:190] = 0
>>> int(without_rules(page).min())
255
"""

from __future__ import annotations

import numpy as np
from PIL import Image

__all__ = [
    "at_reading_size",
    "ink",
    "paper",
    "levelled",
    "light_background",
    "skew_degrees",
    "text_blocks",
    "text_height",
    "without_rules",
]

_DARK = 160  # grey level under which a pixel is ink
# Grey levels under the paper around it at which a lighter pixel is ink too: light grey type
# (labels in #aaa or #bbb) and hairlines on white. Sensor noise stays well inside it; the
# paper's level is taken locally (lighting falls off across a scan; panels are shaded).
_FAINT = 40
# Pixels: wider than any stroke of type at reading size, narrower than a shaded panel.
_PAPER_SPAN = 15
_MIN_RULE = 40  # pixels: the shortest run taken for a ruled line
# Text line heights (pixels, ink top to bottom) the reading was tuned at: body text of an A4
# page at 150 dpi. Tesseract misreads large glyphs (a 300 dpi scan, a phone photo) and the
# rule painting below takes their stems for ruled lines; small type (a 100 dpi scan) loses
# its decimal points and thin letters. Pages outside the band are resampled into it first
# (final family at 0.7x: 97.3 % -> 99.0 %; the development families are inside it).
_READING_HEIGHTS = (15.0, 30.0)
_READING_HEIGHT = 20.0
# Pixels: half the side of the square a dark box must mostly fill. Wider than a line of text
# at reading size, so bold type never fills it.
_BOX_RADIUS = 24
# Degrees tried when levelling: scans tilt by up to about 3.
_SKEW_STEPS = tuple(a / 4 for a in range(-12, 13))


def _on_runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Which ``True`` pixels lie on a run of at least ``length`` along ``axis`` (a
    morphological opening with a line, by prefix sums: one pass, no per-pixel loop)."""
    m = np.moveaxis(mask, axis, -1)
    pad = np.zeros(m.shape[:-1] + (1,), np.int32)
    filled = np.concatenate([pad, np.cumsum(m, -1, dtype=np.int32)], -1)
    starts = (filled[..., length:] - filled[..., :-length]) == length  # a full run starts here
    begun = np.concatenate([pad, np.cumsum(starts, -1, dtype=np.int32)], -1)
    idx = np.arange(m.shape[-1])
    hi = np.minimum(idx + 1, starts.shape[-1])
    lo = np.clip(idx - length + 1, 0, starts.shape[-1])
    return np.moveaxis(begun[..., hi] > begun[..., lo], -1, axis)


def _box_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Each pixel's mean over the ``(2 radius + 1)``-square around it (integral image)."""
    padded = np.pad(values.astype(np.int32), radius + 1, mode="edge")
    cum = padded.cumsum(0).cumsum(1)
    k = 2 * radius + 1
    h, w = values.shape
    total = cum[k : k + h, k : k + w] - cum[:h, k : k + w] - cum[k : k + h, :w] + cum[:h, :w]
    return total / (k * k)


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive stretches of sorted indices as ``(first, last + 1)`` pairs."""
    breaks = np.flatnonzero(np.diff(indices) > 1)
    starts = [indices[0], *indices[breaks + 1]] if len(indices) else []
    ends = [*indices[breaks], indices[-1]] if len(indices) else []
    return [(int(a), int(b) + 1) for a, b in zip(starts, ends, strict=True)]


def _grey(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma, as Pillow's ``convert("L")`` computes it."""
    return (rgb @ np.array([299, 587, 114], np.uint32) // 1000).astype(np.uint8)


def _spread(grey: np.ndarray, op: np.ufunc) -> np.ndarray:
    """Each pixel's ``op`` (``np.maximum``/``np.minimum``) over the ``_PAPER_SPAN`` square
    around it, a row pass then a column pass."""
    r = _PAPER_SPAN // 2
    for _ in range(2):  # rows, then (transposed) columns
        padded = np.pad(grey, ((r, r), (0, 0)), "edge")
        out = padded[: grey.shape[0]].copy()
        for i in range(1, _PAPER_SPAN):
            op(out, padded[i : i + grey.shape[0]], out=out)
        grey = out.T
    return grey


def paper(grey: np.ndarray) -> np.ndarray:
    """Each pixel's paper level: the page with every stroke narrower than
    ``_PAPER_SPAN`` closed over (a grey closing), so shaded panels keep their tone."""
    return _spread(_spread(grey, np.maximum), np.minimum)


def ink(grey: np.ndarray, under: np.ndarray | None = None) -> np.ndarray:
    """Which pixels are ink: dark ones, and light ones clearly darker than the paper
    (``under``; :func:`paper` of ``grey`` when not given) with two such neighbours or more
    (grey type; a lone one is sensor noise).

    >>> page = np.full((64, 64), 250, np.uint8); page[10:20, 10:13] = 190; page[40, 40] = 200
    >>> page[:, 50:] = 205   # a shaded panel: no ink
    >>> int(ink(page).sum())
    30
    """
    under = paper(grey) if under is None else under
    faint = under.astype(np.int16) - grey > _FAINT
    padded = np.pad(faint, 1).astype(np.uint8)
    h, w = faint.shape
    near = sum(padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3))
    return (grey < _DARK) | (faint & (near >= 3))


def text_height(grey: np.ndarray) -> float:
    """The page's typical text line height in pixels: in vertical strips, the stretches of
    rows that hold ink, their median height weighted by the ink in them (so specks and
    thin rules count for little; filled boxes are left out).

    >>> page = np.full((400, 600), 255, np.uint8)
    >>> for y in range(20, 380, 40): page[y : y + 23, 20:580:3] = 0   # lines 23 px tall
    >>> page[390, :] = 0                                                # a rule
    >>> text_height(page)
    23.0
    """
    inked = grey < _DARK  # dark type sets the size; grey labels beside it only follow it
    width = inked.shape[1]
    step = max(32, width // 12)
    heights, weights = [], []
    for left in range(0, width, step):
        counts = inked[:, left : left + step].sum(1)
        for top, bottom in _runs(np.flatnonzero(counts)):
            amount = int(counts[top:bottom].sum())
            if amount < 0.5 * (bottom - top) * min(step, width - left):
                heights.append(bottom - top)
                weights.append(amount)
    if not heights:
        return _READING_HEIGHT
    order = np.argsort(heights)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(heights)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def at_reading_size(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """``rgb`` resampled so its text is as tall as the reading was tuned for, and the
    factor used (1.0 when the text already is: the page is returned as it is).

    >>> page = np.full((400, 600, 3), 255, np.uint8); page[100:160, 50:550:3] = 0
    >>> small, factor = at_reading_size(page)
    >>> small.shape, round(factor, 3)
    ((133, 200, 3), 0.333)
    """
    height = text_height(_grey(rgb))
    low, high = _READING_HEIGHTS
    if low <= height <= high:
        return rgb, 1.0
    factor = _READING_HEIGHT / height
    h, w = rgb.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    filt = Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC
    return np.asarray(Image.fromarray(rgb).resize(size, filt)), factor


def _grown(dark: np.ndarray, box: list[int]) -> list[int]:
    """``box`` (top, bottom, left, right) pushed out while its next row or column is
    still mostly dark: the detection square rounds a region's edges off."""
    top, bottom, left, right = box
    h, w = dark.shape
    while top > 0 and dark[top - 1, left:right].mean() > 0.5:
        top -= 1
    while bottom < h and dark[bottom, left:right].mean() > 0.5:
        bottom += 1
    while left > 0 and dark[top:bottom, left - 1].mean() > 0.5:
        left -= 1
    while right < w and dark[top:bottom, right].mean() > 0.5:
        right += 1
    return [top, bottom, left, right]


def light_background(grey: np.ndarray) -> np.ndarray:
    """``grey`` with every dark box (a coloured band, a filled total bar) inverted, so
    light text printed on it reads as dark text on light paper, as Tesseract expects.

    A dark box is where most of a square wider than a line of text is dark: ink alone
    never fills such a square, even in bold headings. Boxes are found by rows, then by
    columns within each stretch of rows (bands and bars are rectangles).

    >>> band = np.full((200, 300), 255, np.uint8); band[20:120] = 30; band[60:70, 40:90] = 250
    >>> inverted = light_background(band)
    >>> int(inverted[80, 150]), int(inverted[65, 50]), int(inverted[160, 150])
    (225, 5, 255)
    """
    dark = grey < _DARK
    radius = max(_BOX_RADIUS, grey.shape[0] // 60)
    mostly_dark = _box_mean(dark, radius) > 0.5
    out = grey.copy()
    for top, bottom in _runs(np.flatnonzero(mostly_dark.any(1))):
        for left, right in _runs(np.flatnonzero(mostly_dark[top:bottom].any(0))):
            t, b, lft, r = _grown(dark, [top, bottom, left, right])
            out[t:b, lft:r] = 255 - grey[t:b, lft:r]
    return out


def skew_degrees(grey: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's text lines: the one
    whose row profile of ink is sharpest (lines of text, then white gaps), tried in
    steps over a quarter-size copy. A tilted scan has Tesseract (one block, mode 6)
    split words between neighbouring lines.

    >>> from PIL import ImageDraw
    >>> page = Image.new("L", (800, 600), 255)
    >>> for y in range(60, 560, 40):
    ...     ImageDraw.Draw(page).rectangle((60, y, 740, y + 12), fill=0)
    >>> skew_degrees(np.asarray(page.rotate(1.5, fillcolor=255)))
    -1.5
    """
    small = Image.fromarray(grey).reduce(4)
    ink = Image.fromarray(((np.asarray(small) < _DARK) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.BILINEAR)).sum(1)
        return float(np.square(np.diff(rows.astype(np.float64))).sum())

    return max(_SKEW_STEPS, key=lambda a: (sharpness(a), -abs(a)))


def levelled(grey: np.ndarray) -> np.ndarray:
    """``grey`` rotated by :func:`skew_degrees` (white fills the corners)."""
    angle = skew_degrees(grey)
    if angle == 0:
        return grey
    turned = Image.fromarray(grey).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return np.asarray(turned)


def without_rules(rgb: np.ndarray) -> np.ndarray:
    """The page in grey, levelled (:func:`levelled`), dark regions inverted
    (:func:`light_background`), with its ruled lines (table borders, underlines) painted
    white: Tesseract reads a border as "|" or "[" and merges the cells it separates.

    >>> page = np.full((100, 200, 3), 255, np.uint8); page[50, 10:190] = 0
    >>> int(without_rules(page).min())
    255
    """
    grey = light_background(levelled(_grey(rgb)))
    under = paper(grey)
    dark = grey < _DARK
    # Hairlines in light grey are rules too; the grey halo of blurred dark type is not.
    light = ink(grey, under) & ~_widened(_widened(dark, (0, 1)), (0, 1))
    length = max(_MIN_RULE, grey.shape[1] // 25)  # longer than any glyph stroke
    rules = _rules(dark | light, length)
    # One pixel more each way takes the anti-aliased edges too.
    grown = _widened(rules, (0, 1))
    grey[grown] = under[grown]  # the paper's tone: a rule across a shaded panel leaves no seam
    return grey


def _widened(mask: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``mask`` grown by a pixel each way along ``axes``."""
    out = mask.copy()
    if 0 in axes:
        out[1:] |= mask[:-1]
        out[:-1] |= mask[1:]
    if 1 in axes:
        out[:, 1:] |= mask[:, :-1]
        out[:, :-1] |= mask[:, 1:]
    return out


def _rules(mask: np.ndarray, length: int) -> np.ndarray:
    """The pixels of ``mask`` on a row or column run of ``length`` or more. A tilted rule
    steps by a pixel now and then: joined to its neighbours across the step, it is one run
    again."""
    along_rows = _on_runs(_widened(mask, (0,)), length, 1)
    along_cols = _on_runs(_widened(mask, (1,)), length, 0)
    return mask & (along_rows | along_cols)


def _merged(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """``runs`` with those less than ``gap`` apart joined."""
    out: list[tuple[int, int]] = []
    for start, end in runs:
        if out and start - out[-1][1] < gap:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _aligned(ink: np.ndarray, left: tuple[int, int], right: tuple[int, int]) -> bool:
    """Whether two side-by-side pieces print their lines at the same heights (a table's
    cells) rather than each at its own pitch (an address box beside a details box)."""
    lines = [_runs(np.flatnonzero(ink[:, a:b].any(1))) for a, b in (left, right)]
    fewer, more = sorted(lines, key=len)
    return all(any(min(e, f) - max(s, t) > 0.5 * (e - s) for t, f in more) for s, e in fewer)


def text_blocks(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """``(top, bottom, left, right)`` boxes to read one at a time: stretches of rows cut
    by blank space, each cut again at wide blank gutters where the two sides print lines
    at different heights. Tesseract's single-block mode assumes one line pitch; read
    together, interleaved lines of two columns are cut through their letters.

    >>> page = np.full((600, 400), 255, np.uint8)
    >>> for y in range(20, 180, 16): page[y : y + 12, 20:150] = 0      # pitch 16
    >>> for y in range(26, 180, 22): page[y : y + 12, 250:380] = 0     # pitch 22
    >>> for y in range(300, 400, 20): page[y : y + 12, 20:380:200] = 0  # a table: one pitch
    >>> text_blocks(page)
    [(20, 176, 20, 150), (26, 170, 250, 380), (300, 392, 20, 221)]
    """
    inked = ink(grey)
    h, w = grey.shape
    blocks = []
    for top, bottom in _merged(_runs(np.flatnonzero(inked.any(1))), gap=max(8, h // 60)):
        band = inked[top:bottom]
        pieces = _merged(_runs(np.flatnonzero(band.any(0))), gap=max(16, w // 12))
        columns = pieces[:1]
        for piece in pieces[1:]:
            if _aligned(band, columns[-1], piece):
                columns[-1] = (columns[-1][0], piece[1])
            else:
                columns.append(piece)
        for left, right in columns:
            rows = np.flatnonzero(band[:, left:right].any(1))
            blocks.append((top + int(rows[0]), top + int(rows[-1]) + 1, left, right))
    return blocks
