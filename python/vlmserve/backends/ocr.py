"""The CPU default backend: Tesseract OCR plus layout rules, no model download.

Each page is decoded by the core, read by Tesseract (word boxes, through ``tesserocr``: the
library in-process, no subprocess) and turned by :mod:`~vlmserve.backends.ocr_rules` into
the ``FIELD: value`` answer a VLM would give, so it runs under the same
:class:`~vlmserve.backends.Extractor` (batching, OOM ladder, parsing, records).

Engine choice (``benches/bench_ocr_engines.py``: the same rendered A4 pages through each
engine, one thread): word accuracy tesserocr 0.995, pytesseract 0.995, rapidocr-onnxruntime
0.771 (it drops the spaces between English words); time per page 1x / 3.0x / 8.7x of
tesserocr's (2 pages on a busy 2-core VM; an earlier quiet 8-page run: 0.27 / 0.46 / 1.97 s).
Page segmentation mode 6 (one block) beat 3 (automatic): it keeps lone digits in table cells
that 3 drops.

>>> from vlmserve.backends import Extractor, get_backend
>>> with Extractor(get_backend("ocr", {"allowed_roots": ["docs"]})) as ex:  # doctest: +SKIP
...     ex.process_single_image("docs/invoice.png")["fields"]["TOTAL_AMOUNT"]
'1358.00'
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vlmserve.backends.base import Backend, Prepared, loader_from, schema_from
from vlmserve.backends.ocr_image import at_reading_size, text_blocks, without_rules
from vlmserve.backends.ocr_layout import Page, Word
from vlmserve.backends.ocr_rules import answer
from vlmserve.errors import InvalidArgumentError, VlmServeError

__all__ = ["OcrBackend", "TesseractEngine"]

log = logging.getLogger(__name__)

_MARGIN = 16  # pixels of white around each block read
# Mean word confidence under which a page may be lying on its side or upside down: upright
# pages read at 80-95, turned ones at 35-45.
_UPRIGHT_CONFIDENCE = 60.0
_MIN_BLOCK = 6  # pixels: a shorter block is a rule's remnant, not text

# Where Debian, Homebrew and conda put Tesseract's language data (TESSDATA_PREFIX wins).
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "/usr/local/share/tessdata",
)


def find_tessdata(lang: str) -> str:
    """The directory holding ``<lang>.traineddata``.

    Raises :class:`vlmserve.InvalidArgumentError` saying how to install it when absent.
    """
    first = lang.split("+")[0]
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA_DIRS]
    for d in filter(None, candidates):
        if (Path(d) / f"{first}.traineddata").is_file():
            return d
    raise InvalidArgumentError(
        f"no Tesseract language data for {first!r} in {candidates}; install it "
        f"(Debian: apt-get install tesseract-ocr-{first}) or set TESSDATA_PREFIX / tessdata="
    )


class TesseractEngine:
    """Word boxes from Tesseract, one API instance per thread (an instance is not
    thread-safe; Tesseract releases the GIL while it reads, so threads run in parallel).

    >>> engine = TesseractEngine()                      # doctest: +SKIP
    >>> engine.words(np.full((60, 200, 3), 255, np.uint8))  # doctest: +SKIP
    []
    """

    def __init__(self, lang: str = "eng", psm: int = 6, tessdata: str | None = None) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        self.lang, self.psm = lang, int(psm)
        self.tessdata = tessdata or find_tessdata(lang)
        self._local = threading.local()
        self._api()  # fail now, in load(), on a bad language or psm

    def _api(self) -> Any:
        api = getattr(self._local, "api", None)
        if api is None:
            try:
                api = self._tesserocr.PyTessBaseAPI(
                    path=self.tessdata.rstrip("/") + "/", lang=self.lang, psm=self.psm
                )
            except RuntimeError as err:
                raise InvalidArgumentError(
                    f"Tesseract cannot start with lang={self.lang!r} psm={self.psm} "
                    f"tessdata={self.tessdata!r}: {err}"
                ) from err
            self._local.api = api
        return api

    def page(self, rgb: np.ndarray) -> Page:
        """The words of an ``(H, W, 3)`` uint8 page as a :class:`Page`, the page turned
        upright first when its words read as noise and Tesseract's orientation detection
        finds it on its side or upside down (a scan fed in turned, a photo without EXIF
        orientation); the turned reading is kept when it reads with more confidence."""
        words = self.words(rgb)
        if words and _confidence(words) < _UPRIGHT_CONFIDENCE:
            turned = self._upright(rgb)
            again = [] if turned is None else self.words(turned)
            if again and _confidence(again) > _confidence(words):
                rgb, words = turned, again
        return Page.from_words(words, rgb.shape[1], rgb.shape[0])

    def _upright(self, rgb: np.ndarray) -> np.ndarray | None:
        """``rgb`` turned by the quarter turns Tesseract's orientation detection finds it
        lying at; None when it finds none, or without the ``osd`` language data."""
        tess = self._tesserocr
        osd = getattr(self._local, "osd", None)
        if osd is None:
            if not (Path(self.tessdata) / "osd.traineddata").is_file():
                return None
            osd = tess.PyTessBaseAPI(
                path=self.tessdata.rstrip("/") + "/", lang="osd", psm=tess.PSM.OSD_ONLY
            )
            self._local.osd = osd
        resized, _factor = at_reading_size(rgb)
        osd.SetImage(Image.fromarray(resized))
        found = osd.DetectOrientationScript() or {}
        osd.Clear()
        quarter_turns = int(found.get("orient_deg", 0)) // 90  # clockwise, as it lies
        return np.rot90(rgb, quarter_turns) if quarter_turns else None

    def words(self, rgb: np.ndarray) -> list[Word]:
        """The words of an ``(H, W, 3)`` uint8 page with their boxes and baselines in the
        page's pixels, read block by block (:func:`~vlmserve.backends.ocr_image.text_blocks`)
        at the text size the reading is tuned for
        (:func:`~vlmserve.backends.ocr_image.at_reading_size`)."""
        resized, factor = at_reading_size(rgb)
        grey = without_rules(resized)
        out: list[Word] = []
        for top, bottom, left, right in text_blocks(grey):
            if bottom - top >= _MIN_BLOCK:
                # Tesseract misreads letters that touch the image's edge: a white margin.
                crop = np.pad(grey[top:bottom, left:right], _MARGIN, constant_values=255)
                out.extend(self._read(crop, left - _MARGIN, top - _MARGIN))
        return out if factor == 1.0 else [_scaled(w, 1 / factor) for w in out]

    def _read(self, grey: np.ndarray, dx: int, dy: int) -> list[Word]:
        """The words of one block, placed back on the page by its offset."""
        tess = self._tesserocr
        api = self._api()
        h, w = grey.shape
        api.SetImageBytes(grey.tobytes(), w, h, 1, w)
        api.Recognize()
        level = tess.RIL.WORD
        out: list[Word] = []
        found = api.GetIterator()
        if found is None or found.Empty(level):  # a block of specks: no words
            api.Clear()
            return out
        for it in tess.iterate_level(found, level):
            text = it.GetUTF8Text(level)
            box = it.BoundingBox(level)
            if not text or not box:
                continue
            x0, y0, x1, y1 = box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy
            base, sure = it.Baseline(level), it.Confidence(level)
            if base and base[1][0] != base[0][0]:
                (bx0, by0), (bx1, by1) = base
                slope = (by1 - by0) / (bx1 - bx0)
                mid = by0 + dy + slope * ((box[0] + box[2]) / 2 - bx0)
                out.append(Word(text, x0, y0, x1, y1, mid, slope, sure))
            else:
                out.append(Word(text, x0, y0, x1, y1, confidence=sure))
        api.Clear()
        return out


def _scaled(word: Word, factor: float) -> Word:
    """``word`` with its box and baseline multiplied by ``factor`` (back to page pixels)."""
    x0, y0, x1, y1 = (round(v * factor) for v in (word.x0, word.y0, word.x1, word.y1))
    base = None if word.baseline is None else word.baseline * factor
    return Word(word.text, x0, y0, x1, y1, base, word.slope, word.confidence)


def _confidence(words: list[Word]) -> float:
    """The mean of the words' confidences."""
    return sum(w.confidence for w in words) / len(words)


class OcrBackend(Backend):
    """Tesseract + layout rules as a :class:`~vlmserve.backends.Backend`.

    Config keys: ``lang`` (``"eng"``), ``psm`` (Tesseract page segmentation mode; 6, one
    block, read best here as the rules group lines themselves), ``threads`` (pages read
    at once; default: the CPU count), ``tessdata`` (language data directory), ``schema``
    (a schema JSON path or text; default the 25 fields), and the image loader's keys
    (:data:`~vlmserve.backends.base.LOADER_KEYS`).
    """

    name: ClassVar[str] = "ocr"

    def load(self, config: Mapping[str, Any]) -> None:
        self.loader = loader_from(config)
        self.engine = TesseractEngine(
            str(config.get("lang", "eng")), int(config.get("psm", 6)), config.get("tessdata")
        )
        threads = int(config.get("threads", os.cpu_count() or 1))
        if threads < 1:
            raise InvalidArgumentError(f"threads must be >= 1, got {threads}")
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="vlmserve-ocr")
        self.schema = schema_from(config)

    def prepare(self, images: Sequence[Any]) -> list[Prepared | BaseException]:
        out: list[Prepared | BaseException] = []
        for image in images:
            start = time.perf_counter()
            try:
                rgb = self.loader.load(image)
            except VlmServeError as err:
                out.append(err)
                continue
            out.append(Prepared(rgb, timing_ms={"decode": (time.perf_counter() - start) * 1e3}))
        return out

    def generate(self, batch: list[Any], **params: Any) -> list[str | Exception]:
        """Each page's answer; a page whose reading fails gets its exception (one bad page
        never costs the others their answers)."""
        return list(self.pool.map(self._read_alone, batch))

    def _read_alone(self, rgb: np.ndarray) -> str | Exception:
        try:
            return self.read_page(rgb)
        except Exception as err:  # any failure: reported in that page's record
            log.exception("OCR failed on a %s page", "x".join(map(str, rgb.shape[:2])))
            return err

    def read_page(self, rgb: np.ndarray) -> str:
        """The ``FIELD: value`` answer for one decoded page."""
        page = self.engine.page(rgb)
        log.debug("OCR page %dx%d: %d lines", page.width, page.height, len(page.lines))
        return answer(page, self.schema.names)
