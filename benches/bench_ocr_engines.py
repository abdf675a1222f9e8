"""OCR engines for the CPU default backend, compared on the same rendered pages in one run:
word accuracy and seconds per page.

Pages are A4 (1240x1754) drawn by the sample generator's page helpers (its fonts and body
sizes) with the strings of generated documents -- party names, addresses, item lines with
quantities and prices, dates, ABNs -- in two columns, so every printed word is known. Word
accuracy is the share of printed words read back exactly (multiset intersection; case and
punctuation count). Engines, each the way it would be used here:

* ``tesserocr``: vlmserve's :class:`~vlmserve.backends.ocr.TesseractEngine` (Tesseract in
  process, rules painted out, block by block, PSM 6) -- the backend's engine;
* ``pytesseract``: the Tesseract command line on the whole page (PSM 6), a subprocess per page;
* ``rapidocr``: ``rapidocr-onnxruntime`` (PP-OCR ONNX models from its wheel), lines split on
  spaces.

An engine whose package is missing is reported as such, not skipped silently. Run:
``python benches/bench_ocr_engines.py [--pages 4]`` (~40 s; rapidocr dominates). Threads:
one per engine (``OMP_NUM_THREADS=1`` for onnxruntime), so seconds compare like for like.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import time
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from vlmserve.synth import content, page  # noqa: E402

COLUMNS = (60, 650)  # left edges of the two text columns, px


def document_lines(doc: content.Document) -> list[str]:
    """The strings a generated document prints, one per line."""
    parties = [p for p in (doc.supplier, doc.payer) if p]
    lines = [s for p in parties for s in (p.name, p.street, p.locality, p.phone, p.email) if s]
    lines += [f"{i.description} {i.quantity} {i.price} {i.amount}" for i in doc.items]
    if doc.supplier.abn:
        lines.append(f"ABN {doc.supplier.abn}")
    if doc.number:
        lines.append(f"Invoice {doc.number}")
    if doc.issued:
        lines.append(doc.issued.strftime("%d/%m/%Y"))
    return lines


def render(seed: int) -> tuple[np.ndarray, list[str]]:
    """One page and the words printed on it."""
    rng = random.Random(seed)
    sheet = page.a4(rng)
    printed: list[str] = []
    for x in COLUMNS:
        y = 80
        while y < sheet.height - 160:
            kind = rng.choice(["invoice", "receipt", "statement"])
            for line in document_lines(content.make_document(kind, rng)):
                if y >= sheet.height - 160 or sheet.measure(line) > 540:
                    continue
                y = sheet.text(x, y, line)
                printed.append(line)
            y += sheet.line_height()
    return np.asarray(sheet.image), " ".join(printed).split()


def word_accuracy(truth: list[str], read: list[str]) -> float:
    got = collections.Counter(read)
    return sum(min(n, got[w]) for w, n in collections.Counter(truth).items()) / len(truth)


def tesserocr_engine() -> Callable[[np.ndarray], list[str]]:
    from vlmserve.backends.ocr import TesseractEngine

    engine = TesseractEngine()
    return lambda rgb: [w.text for w in engine.words(rgb)]


def pytesseract_engine() -> Callable[[np.ndarray], list[str]]:
    import pytesseract
    from PIL import Image

    return lambda rgb: pytesseract.image_to_string(Image.fromarray(rgb), config="--psm 6").split()


def rapidocr_engine() -> Callable[[np.ndarray], list[str]]:
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR()
    return lambda rgb: [w for _box, text, _score in (ocr(rgb)[0] or []) for w in text.split()]


ENGINES = {
    "tesserocr": tesserocr_engine,
    "pytesseract": pytesseract_engine,
    "rapidocr": rapidocr_engine,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=4)
    args = parser.parse_args()
    pages = [render(seed) for seed in range(args.pages)]
    words = sum(len(t) for _, t in pages)
    print(f"{args.pages} pages 1240x1754, {words} printed words, one thread per engine\n")
    print(f"{'engine':<12} {'word acc':>9} {'s/page':>8} {'vs tesserocr':>13}")
    base = None
    for name, make in ENGINES.items():
        try:
            read = make()
        except ImportError as err:
            print(f"{name:<12} not installed ({err.name}): pip install {name}")
            continue
        read(pages[0][0])  # warm-up: model or language data loading is not per page
        start = time.perf_counter()
        acc = [word_accuracy(truth, read(rgb)) for rgb, truth in pages]
        secs = (time.perf_counter() - start) / len(pages)
        base = base or secs
        print(f"{name:<12} {np.mean(acc):>9.3f} {secs:>8.2f} {secs / base:>12.2f}x")


if __name__ == "__main__":
    main()
