"""Renders the small sample set in examples/documents/ (run once; the outputs are committed).

Covers what a preprocessing pipeline meets in practice: a scanned A4-ratio invoice (JPEG),
a phone photo of a receipt with an EXIF rotation tag, a greyscale statement (PNG, L mode),
a long receipt strip (WebP) and a page with transparency (PNG, RGBA)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def page(width: int, height: int, lines: list[str], seed: int, noise: float = 2.0) -> Image.Image:
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), (252, 251, 248))
    draw = ImageDraw.Draw(img)
    size = max(width // 40, 10)
    font = ImageFont.truetype(FONT, size)
    y = size
    for line in lines:
        draw.text((size, y), line, fill=(15, 15, 25), font=font)
        y += int(size * 1.6)
    arr = np.asarray(img).astype(np.float32) + rng.normal(0, noise, (height, width, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


INVOICE = [
    "TAX INVOICE",
    "Acme Plumbing Pty Ltd",
    "ABN 51 824 753 556",
    "12 Harbour St, Sydney NSW 2000",
    "Invoice No: INV-20931",
    "Date: 05/03/2025",
    "Due: 04/04/2025",
    "",
    "Description            Qty     Price",
    "Pipe fitting           2       $45.00",
    "Labour (hours)         3      $120.00",
    "",
    "Subtotal: $405.00",
    "GST: $40.50",
    "Total: $445.50",
]
RECEIPT = [
    "CORNER CAFE",
    "ABN 12 345 678 901",
    "Flat white   $4.50",
    "Croissant    $5.00",
    "TOTAL        $9.50",
    "EFTPOS",
    "21/07/2025 08:14",
]
STATEMENT = [
    "Commonwealth Bank",
    "Statement 01/06/2025 - 30/06/2025",
    "BSB 062-000",
    "Account 1234 5678",
    "Opening balance $1,200.00",
    "Closing balance $980.25",
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    page(1240, 1754, INVOICE, 1).save(out / "invoice_a4.jpg", quality=90)
    photo = page(1024, 768, RECEIPT, 2).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated; viewers (and vlmserve) turn it upright
    photo.save(out / "receipt_photo.jpg", quality=85, exif=exif.tobytes())
    page(1240, 1754, STATEMENT, 3, noise=0).convert("L").save(out / "statement_gray.png")
    page(480, 2400, RECEIPT * 4, 4).save(out / "long_receipt.webp", quality=80)
    rgba = page(800, 600, INVOICE[:6], 5, noise=0).convert("RGBA")
    rgba.putalpha(Image.new("L", rgba.size, 230))
    rgba.save(out / "letterhead_rgba.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "documents")
