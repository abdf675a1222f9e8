"""vlmserve.extract end to end: schema and prompt, parsing messy VLM answers, the output
record, and scoring against a ground-truth CSV with known errors."""

from __future__ import annotations

import csv
import json

import pytest

import vlmserve
from vlmserve import extract

SCHEMA = extract.Schema.default()
NAMES = SCHEMA.names


def test_default_schema_is_the_25_fields_in_order():
    assert len(SCHEMA) == 25
    assert NAMES[:3] == ["DOCUMENT_TYPE", "SUPPLIER_NAME", "BUSINESS_ABN"]
    assert NAMES[-1] == "CLOSING_BALANCE"
    kinds = {f["name"]: f["kind"] for f in SCHEMA.fields}
    assert kinds["LINE_ITEM_QUANTITIES"] == "list[number]"
    assert kinds["STATEMENT_DATE_RANGE"] == "date_range"
    assert SCHEMA.fields[0]["values"] == ["INVOICE", "RECEIPT", "BANK_STATEMENT"]


def test_prompt_names_every_field_in_order():
    prompt = SCHEMA.prompt()
    positions = [prompt.index(f"\n{name}: \n") for name in NAMES]
    assert positions == sorted(positions)
    for name in NAMES:
        assert f"- {name}: " in prompt
    assert "NOT_FOUND" in prompt and "separate" in prompt.lower()


def test_schema_from_json_text_and_file(tmp_path):
    text = json.dumps({"name": "mini", "fields": [{"name": "TOTAL", "kind": "money"}]})
    path = tmp_path / "mini.json"
    path.write_text(text)
    for source in (text, path, str(path)):
        schema = extract.Schema.from_json(source)
        assert schema.name == "mini" and schema.names == ["TOTAL"]
    assert extract.parse("total: $3", schema) == {"TOTAL": "3.00"}
    with pytest.raises(vlmserve.InvalidArgumentError, match="unknown kind"):
        extract.Schema.from_json('{"fields": [{"name": "X", "kind": "colour"}]}')
    with pytest.raises(vlmserve.InvalidArgumentError, match="cannot read schema file"):
        extract.Schema.from_json(tmp_path / "absent.json")


MARKDOWN_ANSWER = """Here are the extracted fields:

## Document
- **DOCUMENT_TYPE:** Tax Invoice
- **Supplier Name:** Acme   Plumbing Pty Ltd
- **BUSINESS_ABN:** 51 824 753 556
* **BUSINESS_PHONE**: (02) 9999 1234
* SUPPLIER_WEBSITE: https://www.AcmePlumbing.com.au/
1. PAYER_EMAIL: Jane.Citizen@Example.com
2. invoice_number: `INV-0042`
3. INVOICE_DATE: 05/03/2025
4. DUE_DATE: 4 April 2025
LINE_ITEM_DESCRIPTIONS:
- Tap washer
- Labour (1 hr)

LINE_ITEM_QUANTITIES: 2 | 1
LINE_ITEM_PRICES: $4.50 | $120
SUBTOTAL_AMOUNT: $124.50
GST_AMOUNT: $12.45
TOTAL_AMOUNT: $136.95
TOTAL_AMOUNT: 0.00
BANK_BSB_NUMBER: 062-000
BANK_ACCOUNT_NUMBER: 1234 5678
PAYER_NAME: N/A
CLOSING_BALANCE: NOT_FOUND
"""


def test_parse_markdown_answer():
    got = extract.parse(MARKDOWN_ANSWER)
    assert list(got) == NAMES
    assert {k: v for k, v in got.items() if v is not None} == {
        "DOCUMENT_TYPE": "INVOICE",
        "SUPPLIER_NAME": "Acme Plumbing Pty Ltd",
        "BUSINESS_ABN": "51824753556",
        "BUSINESS_PHONE": "0299991234",
        "SUPPLIER_WEBSITE": "acmeplumbing.com.au",
        "PAYER_EMAIL": "jane.citizen@example.com",
        "INVOICE_NUMBER": "INV-0042",
        "INVOICE_DATE": "2025-03-05",
        "DUE_DATE": "2025-04-04",
        "LINE_ITEM_DESCRIPTIONS": ["Tap washer", "Labour (1 hr)"],
        "LINE_ITEM_QUANTITIES": ["2", "1"],
        "LINE_ITEM_PRICES": ["4.50", "120.00"],
        "SUBTOTAL_AMOUNT": "124.50",
        "GST_AMOUNT": "12.45",
        "TOTAL_AMOUNT": "136.95",  # the first of the repeated key
        "BANK_BSB_NUMBER": "062000",
        "BANK_ACCOUNT_NUMBER": "12345678",
    }


def test_parse_json_in_a_code_fence():
    answer = (
        "```json\n"
        '{"DOCUMENT_TYPE": "bank statement", "BANK_NAME": "Commonwealth  Bank",'
        ' "STATEMENT_DATE_RANGE": "01/03/2025 - 31/03/2025", "CLOSING_BALANCE": "(1,050.00)",'
        ' "PAYER_PHONE": "+61 412 345 678", "GST_AMOUNT": null}\n```'
    )
    got = extract.parse(answer)
    assert got["DOCUMENT_TYPE"] == "BANK_STATEMENT"
    assert got["BANK_NAME"] == "Commonwealth Bank"
    assert got["STATEMENT_DATE_RANGE"] == "2025-03-01/2025-03-31"
    assert got["CLOSING_BALANCE"] == "-1050.00"
    assert got["PAYER_PHONE"] == "0412345678"
    assert sum(v is not None for v in got.values()) == 5


def test_parse_json_ish_and_next_line_values():
    got = extract.parse(
        "{\n  'SUPPLIER_NAME': 'Joe's Cafe',\n  'TOTAL_AMOUNT': '8.5',\n  'PAYER_NAME': None,\n}"
    )
    assert got["SUPPLIER_NAME"] == "Joe's Cafe" and got["TOTAL_AMOUNT"] == "8.50"
    assert got["PAYER_NAME"] is None
    got = extract.parse("INVOICE_DATE:\n\n12-Jan-2025\nPAYMENT_METHOD:\nEFTPOS\n")
    assert got["INVOICE_DATE"] == "2025-01-12" and got["PAYMENT_METHOD"] == "EFTPOS"


def test_parse_refusal_gives_all_none():
    got = extract.parse("I'm sorry, I can't read this document.")
    assert got == dict.fromkeys(NAMES)


@pytest.mark.parametrize(
    ("kind", "raw", "want"),
    [
        ("date", "05/03/2025", "2025-03-05"),
        ("date", "5 March 2025", "2025-03-05"),
        ("date", "05-Mar-2025", "2025-03-05"),
        ("date", "31/02/2025", None),
        ("money", "$1,234.5", "1234.50"),
        ("money", "-12", "-12.00"),
        ("money", "(12.00)", "-12.00"),
        ("abn", "51 824 753 556", "51824753556"),
        ("abn", "123", None),
        ("bsb", "062 000", "062000"),
        ("phone", "+61 2 9999 1234", "0299991234"),
        ("email", " A@B.COM ", "a@b.com"),
        ("url", "http://www.Shop.com/", "shop.com"),
        ("enum", "Tax Invoice", "TAX_INVOICE"),
        ("list[date]", "1/2/2025 | N/A | 3 Feb 2025", ["2025-02-01", "2025-02-03"]),
        ("text", "NOT_FOUND", None),
    ],
)
def test_normalize(kind, raw, want):
    assert extract.normalize(kind, raw) == want


def test_normalize_unknown_kind_and_abn_checksum():
    with pytest.raises(vlmserve.InvalidArgumentError, match="unknown kind"):
        extract.normalize("colour", "red")
    assert extract.abn_valid("51824753556")
    assert not extract.abn_valid("51824753557")


def test_record_shape_and_errors():
    rec = extract.record(
        "scans/inv1.png",
        MARKDOWN_ANSWER,
        model="internvl3-8b",
        timing_ms={"preprocess": 4.5, "generate": 812.0},
        recovery=["release", "split"],
    )
    assert list(rec) == [
        "document",
        "model",
        "fields",
        "raw_text",
        "quality",
        "timing_ms",
        "recovery",
        "error",
    ]
    assert rec["document"] == "scans/inv1.png" and rec["model"] == "internvl3-8b"
    assert rec["fields"] == extract.parse(MARKDOWN_ANSWER)
    assert rec["raw_text"] == MARKDOWN_ANSWER
    assert rec["quality"] == {"fields_found": 17, "fields_total": 25, "label": "partial"}
    assert rec["timing_ms"] == {"preprocess": 4.5, "generate": 812.0}
    assert rec["recovery"] == ["release", "split"]
    assert rec["error"] is None
    json.dumps(rec)
    failed = extract.record("x.png", error=vlmserve.OutOfMemoryError("all tiers failed"))
    assert failed["error"] == {"type": "OutOfMemoryError", "message": "all tiers failed"}
    assert failed["fields"] == dict.fromkeys(NAMES)
    assert failed["quality"]["label"] == "poor"
    assert extract.record("y.png", error=("Timeout", "slow"))["error"]["type"] == "Timeout"


def _write_truth(path, rows, columns=None):
    columns = columns or ["image_file", *NAMES]
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, restval="NOT_FOUND")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v for k, v in row.items() if k in columns})


TRUTH = [
    {
        "image_file": "inv1.png",
        "DOCUMENT_TYPE": "INVOICE",
        "SUPPLIER_NAME": "Acme Plumbing Pty Ltd",
        "INVOICE_DATE": "05/03/2025",
        "LINE_ITEM_DESCRIPTIONS": "Tap washer | Labour",
        "TOTAL_AMOUNT": "$136.95",
    },
    {
        "image_file": "rcpt2.jpg",
        "DOCUMENT_TYPE": "RECEIPT",
        "SUPPLIER_NAME": "Joe's Cafe",
        "TOTAL_AMOUNT": "8.50",
    },
    {
        "image_file": "stmt3.png",
        "DOCUMENT_TYPE": "BANK_STATEMENT",
        "CLOSING_BALANCE": "1050.00",
    },
]


def _predictions():
    fields = dict.fromkeys(NAMES)
    inv = {
        **fields,
        "DOCUMENT_TYPE": "INVOICE",
        "SUPPLIER_NAME": "ACME PLUMBING PTY LTD",  # right (case ignored)
        "INVOICE_DATE": "2025-03-05",  # right
        "LINE_ITEM_DESCRIPTIONS": ["Tap washer"],  # F1 2/3: wrong
        "TOTAL_AMOUNT": "136.954",  # within 0.005: right
    }
    rcpt = {
        **fields,
        "DOCUMENT_TYPE": "RECEIPT",
        "SUPPLIER_NAME": "Joes Cafe",  # wrong, similar
        "TOTAL_AMOUNT": "8.51",  # wrong
        "PAYER_NAME": "Someone",  # wrong: absent in truth
    }
    return [
        {"document": "/data/images/inv1.png", "fields": inv},
        {"document": "rcpt2.jpg", "fields": rcpt},
        {"document": "extra9.png", "fields": fields},
    ]


def test_score_known_errors(tmp_path):
    truth = tmp_path / "truth.csv"
    _write_truth(truth, TRUTH)
    report = extract.score(_predictions(), truth)
    assert report.per_document == {
        "inv1.png": {"correct": 24, "total": 25, "accuracy": 24 / 25},
        "rcpt2.jpg": {"correct": 22, "total": 25, "accuracy": 22 / 25},
    }
    assert report.overall == {
        "accuracy": 46 / 50,
        "correct": 46,
        "total": 50,
        "documents": 2,
        "mean_document_accuracy": (24 / 25 + 22 / 25) / 2,
    }
    items = report.per_field["LINE_ITEM_DESCRIPTIONS"]
    assert items["accuracy"] == 0.5  # inv1 wrong, rcpt2 absent in both
    assert items["mean_f1"] == pytest.approx((2 / 3 + 1) / 2)
    assert report.per_field["TOTAL_AMOUNT"]["accuracy"] == 0.5
    assert report.per_field["SUPPLIER_NAME"]["accuracy"] == 0.5
    assert report.per_field["PAYER_NAME"]["accuracy"] == 0.5
    assert report.per_field["DOCUMENT_TYPE"]["accuracy"] == 1.0
    assert report.per_field["DUE_DATE"] == {
        "kind": "date",
        "correct": 2,
        "total": 2,
        "accuracy": 1.0,
        "mean_f1": None,
        "similarity": None,
    }
    # "joes cafe" vs "joe's cafe": one edit over 10 characters.
    assert report.similarity["SUPPLIER_NAME"] == pytest.approx((1.0 + 0.9) / 2)
    assert "TOTAL_AMOUNT" not in report.similarity
    assert report.missing == {
        "not_in_predictions": ["stmt3.png"],
        "not_in_truth": ["extra9.png"],
        "duplicates": [],
    }
    table = report.table()
    assert "overall: 0.920 (46/50 fields) over 2 documents" in table
    assert "not in predictions: stmt3.png" in table and "not in truth: extra9.png" in table
    assert report.to_dict()["overall"]["correct"] == 46
    json.dumps(report.to_dict())


def test_score_from_jsonl_path_of_records(tmp_path):
    truth = tmp_path / "truth.csv"
    _write_truth(truth, TRUTH)
    jsonl = tmp_path / "predictions.jsonl"
    recs = [
        extract.record("inv1.png", MARKDOWN_ANSWER, model="m"),
        extract.record("rcpt2.jpg", "DOCUMENT_TYPE: receipt\nSUPPLIER_NAME: Joe's Cafe"),
        extract.record("stmt3.png", "DOCUMENT_TYPE: Bank Statement\nCLOSING_BALANCE: $1,050"),
    ]
    jsonl.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    report = extract.score(jsonl, truth)
    assert report.missing == {"not_in_predictions": [], "not_in_truth": [], "duplicates": []}
    assert report.per_document["stmt3.png"]["accuracy"] == 1.0
    # rcpt2: everything right but the missing TOTAL_AMOUNT.
    assert report.per_document["rcpt2.jpg"]["correct"] == 24
    # inv1: the answer has 17 fields, the truth 5; 12 extra fields are wrong, and the
    # descriptions differ ("Labour (1 hr)" vs "Labour"): 25 - 12 - 1 = 12.
    assert report.per_document["inv1.png"]["correct"] == 12
    assert report.overall["correct"] == 12 + 24 + 25


def test_score_missing_columns_are_named(tmp_path):
    truth = tmp_path / "truth.csv"
    columns = [c for c in ["image_file", *NAMES] if c not in ("GST_AMOUNT", "BANK_NAME")]
    _write_truth(truth, TRUTH, columns)
    with pytest.raises(vlmserve.InvalidArgumentError, match="lacks columns: GST_AMOUNT, BANK_NAME"):
        extract.score(_predictions(), truth)


def test_score_bad_inputs(tmp_path):
    truth = tmp_path / "truth.csv"
    _write_truth(truth, TRUTH)
    with pytest.raises(vlmserve.InvalidArgumentError, match="cannot open ground truth"):
        extract.score(_predictions(), tmp_path / "nope.csv")
    with pytest.raises(vlmserve.InvalidArgumentError, match='needs a "document"'):
        extract.score([{"fields": {}}], truth)


def test_parse_echoed_prompt_then_title_case_answer():
    answer = (
        SCHEMA.prompt()
        + "\nHere is the information:\n\n**Document Type:** Receipt\n**Total Amount:** $8.50\n"
        + "**Invoice Date:** 12/01/2025 09:41 AM\n**Payment Method:** Visa   Debit\n"
    )
    got = extract.parse(answer)
    assert {k: v for k, v in got.items() if v is not None} == {
        "DOCUMENT_TYPE": "RECEIPT",
        "INVOICE_DATE": "2025-01-12",
        "TOTAL_AMOUNT": "8.50",
        "PAYMENT_METHOD": "Visa Debit",
    }
