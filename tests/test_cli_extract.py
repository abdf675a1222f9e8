"""`vlmserve extract` and `vlmserve evaluate`: the main job, run as a user would."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from test_backend_ocr import render

from vlmserve import extract


def vlmserve(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "vlmserve", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def truth_row(name: str, **values: str) -> list[str]:
    return [name] + [values.get(n, "NOT_FOUND") for n in extract.Schema.default().names]


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    render(docs / "a.png")
    render(docs / "b.png")
    (docs / "c.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    out = docs.parent / "results.jsonl"
    proc = vlmserve("extract", str(docs), "--out", str(out), "--batch-size", "2")
    truth = docs.parent / "truth.csv"
    with truth.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["image_file", *extract.Schema.default().names])
        for name in ("a.png", "b.png"):
            writer.writerow(truth_row(name, DOCUMENT_TYPE="INVOICE", TOTAL_AMOUNT="$418.00"))
    return proc, out, truth


def test_extract_writes_a_record_per_file(job):
    proc, out, _ = job
    assert proc.returncode == 0, proc.stderr
    records = {r["document"].rsplit("/", 1)[-1]: r for r in map(json.loads, out.open())}
    assert sorted(records) == ["a.png", "b.png", "c.jpg"]
    assert records["c.jpg"]["error"]["type"] == "InvalidImageError"
    for name in ("a.png", "b.png"):
        assert records[name]["error"] is None
        assert records[name]["fields"]["INVOICE_NUMBER"] == "INV-20931"
    assert "2/3 documents extracted with ocr" in proc.stderr and "1 failed" in proc.stderr


def test_evaluate_prints_the_tables(job):
    _, out, truth = job
    proc = vlmserve("evaluate", str(out), "--truth", str(truth))
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.strip()}
    assert rows["DOCUMENT_TYPE"][1:3] == ["1.000", "2/2"]
    assert rows["TOTAL_AMOUNT"][1:3] == ["1.000", "2/2"]
    # The truth says NOT_FOUND for the payer the documents carry: those cells are wrong.
    assert rows["PAYER_NAME"][1:3] == ["0.000", "0/2"]
    # 16 fields are read, 2 of them in the truth; the 9 absent from both count as right.
    assert rows["a.png"][1:] == ["0.440", "11/25"]
    assert "text similarity" in proc.stdout
    report = json.loads(vlmserve("evaluate", str(out), "--truth", str(truth), "--json").stdout)
    assert report["overall"]["documents"] == 2
    assert report["per_document"]["a.png"]["correct"] == 11


def test_bad_truth_and_missing_files_are_usage_errors(job, tmp_path):
    _, out, _ = job
    no_columns = tmp_path / "truth.csv"
    no_columns.write_text("image_file,TOTAL_AMOUNT\na.png,1.00\n")
    proc = vlmserve("evaluate", str(out), "--truth", str(no_columns))
    assert proc.returncode == 2 and "lacks columns: DOCUMENT_TYPE" in proc.stderr
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    proc = vlmserve("evaluate", str(out), "--truth", str(binary))
    assert proc.returncode == 2 and "invalid utf-8" in proc.stderr.lower()
    proc = vlmserve("evaluate", str(out), "--truth", str(tmp_path / "absent.csv"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = vlmserve("extract", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r.jsonl"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = vlmserve("extract", str(tmp_path), "--out", str(tmp_path / "r.jsonl"))
    assert proc.returncode == 2 and "no images" in proc.stderr
    proc = vlmserve("extract", str(out), "--out", str(tmp_path / "r.jsonl"), "--config", "psm")
    assert proc.returncode == 2 and "not key=value" in proc.stderr
