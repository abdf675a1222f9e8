"""`vlmserve preprocess`: the README's main job, run as a user would."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "documents"


def example(document_type: str) -> Path:
    """The first sample document of a type (``INVOICE`` pages are A4, 1240x1754)."""
    with open(EXAMPLES / "truth.csv", newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["DOCUMENT_TYPE"] == document_type)
    return EXAMPLES / row["image_file"]


def run(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "vlmserve", "preprocess", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_preprocess_sample_documents():
    proc = run(str(EXAMPLES), "--jsonl")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == len([p for p in EXAMPLES.iterdir() if p.suffix != ".csv"])
    for rec in records:
        assert rec["error"] is None
        assert rec["shape"][0] == rec["tiles"] and rec["shape"][1:] == [3, 448, 448]
        with Image.open(rec["image"]) as im:
            w, h = im.size
            if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                w, h = h, w
        assert rec["size"] == [w, h]


def test_bad_file_is_reported_and_others_still_processed(tmp_path):
    shutil.copy(example("INVOICE"), tmp_path / "good.jpg")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    proc = run(str(tmp_path), "--jsonl", "--model", "mllama")
    assert proc.returncode == 1
    records = {Path(r["image"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    assert records["good.jpg"]["error"] is None
    assert records["good.jpg"]["shape"] == [1, 1, 4, 3, 560, 560]
    assert records["broken.png"]["error"]["type"] == "InvalidImageError"
    assert "1 failed" in proc.stderr


def test_npz_output(tmp_path):
    out = tmp_path / "pv.npz"
    receipt = example("RECEIPT")
    proc = run(str(receipt), "--out", str(out), "--dtype", "float16")
    assert proc.returncode == 0, proc.stderr
    import numpy as np

    with np.load(out) as z:
        arr = z[receipt.name]
    assert arr.dtype == np.float16 and arr.shape[1:] == (3, 448, 448)
