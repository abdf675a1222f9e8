"""The OCR backend: real Tesseract on rendered documents, through the Extractor."""

from __future__ import annotations

import doctest

import pytest
from PIL import Image, ImageDraw

from conftest import _font
from vlmserve import extract, synth
from vlmserve.backends import (
    Extractor,
    get_backend,
    ocr_address,
    ocr_balance,
    ocr_bank,
    ocr_dates,
    ocr_doctype,
    ocr_image,
    ocr_items,
    ocr_layout,
    ocr_parties,
    ocr_party_rows,
    ocr_payer,
    ocr_payer_labels,
    ocr_rows,
    ocr_rules,
    ocr_supplier,
    ocr_table,
    ocr_text,
    ocr_values,
)
from vlmserve.backends.ocr_layout import Page, Word

INVOICE = [
    ((80, 80), 44, "Harbour Electrical Services"),
    ((80, 150), 24, "45 Collins St, Melbourne VIC 3000"),
    ((80, 186), 24, "ABN: 51 824 753 556"),
    ((80, 222), 24, "Phone: (03) 9876 5432"),
    ((800, 80), 40, "TAX INVOICE"),
    ((800, 140), 24, "Invoice No: INV-20931"),
    ((800, 176), 24, "Date: 05/03/2025"),
    ((80, 300), 26, "Bill To:"),
    ((80, 336), 24, "Jane Citizen"),
    ((80, 370), 24, "12 George Street, Sydney NSW 2000"),
    ((80, 404), 24, "jane@example.com"),
    ((80, 480), 26, "Description"), ((700, 480), 26, "Qty"),
    ((850, 480), 26, "Price"), ((1020, 480), 26, "Amount"),
    ((80, 524), 24, "Ceiling fan install"), ((700, 524), 24, "2"),
    ((850, 524), 24, "$150.00"), ((1020, 524), 24, "$300.00"),
    ((80, 560), 24, "Site inspection"), ((700, 560), 24, "1"),
    ((850, 560), 24, "$80.00"), ((1020, 560), 24, "$80.00"),
    ((700, 630), 26, "Subtotal"), ((1020, 630), 26, "$380.00"),
    ((700, 670), 26, "GST (10%)"), ((1020, 670), 26, "$38.00"),
    ((700, 710), 26, "Total"), ((1020, 710), 26, "$418.00"),
]  # fmt: skip


def render(path, texts=INVOICE, scale=1.0, bold=False, width=1240, ink="black"):
    """``texts`` drawn on a page in ``ink``; ``scale`` > 1 draws it as a finer scan (or a
    closer photo) of the same page would show it."""
    img = Image.new("RGB", (round(width * scale), round(1000 * scale)), "white")
    draw = ImageDraw.Draw(img)
    for (x, y), size, text in texts:
        font = _font(round(size * scale), bold)
        draw.text((x * scale, y * scale), text, font=font, fill=ink)
    img.save(path)
    return path


@pytest.fixture(scope="module")
def extractor(tmp_path_factory):
    root = tmp_path_factory.mktemp("ocr")
    with Extractor(get_backend("ocr", {"allowed_roots": [str(root)]})) as ex:
        ex.root = root
        yield ex


# A 150 dpi scan; 2.5 and 3.5 times finer (a 400-500 dpi scan, a phone photo: Tesseract
# misreads glyphs that large and their stems look like ruled lines, so the page is read at
# its text's usual size); all bold (no run of bold letters is a dark box or a rule); all in
# light grey (#bbb: ink is what is clearly darker than the paper, not only what is dark).
@pytest.mark.parametrize(
    "scale, bold, ink",
    [(1.0, False, "black"), (2.5, False, "black"), (3.5, False, "black"), (1.0, True, "black"),
     (1.0, False, "#bbb")],
)  # fmt: skip
def test_reads_the_fields_of_a_rendered_invoice(extractor, scale, bold, ink):
    path = extractor.root / f"invoice-{scale}-{bold}-{ink}.png"
    rec = extractor.process_single_image(str(render(path, scale=scale, bold=bold, ink=ink)))
    assert rec["error"] is None and rec["model"] == "ocr"
    f = rec["fields"]
    assert f["DOCUMENT_TYPE"] == "INVOICE"
    assert f["SUPPLIER_NAME"] == "Harbour Electrical Services"
    assert f["BUSINESS_ABN"] == "51824753556"
    assert f["BUSINESS_PHONE"] == "0398765432"
    assert f["PAYER_NAME"] == "Jane Citizen"
    assert f["PAYER_ADDRESS"] == "12 George Street, Sydney NSW 2000"
    assert f["PAYER_EMAIL"] == "jane@example.com"
    assert f["INVOICE_NUMBER"] == "INV-20931"
    assert f["INVOICE_DATE"] == "2025-03-05"
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["Ceiling fan install", "Site inspection"]
    assert f["LINE_ITEM_QUANTITIES"] == ["2", "1"]
    assert f["LINE_ITEM_PRICES"] == ["150.00", "80.00"]
    totals = f["SUBTOTAL_AMOUNT"], f["GST_AMOUNT"], f["TOTAL_AMOUNT"]
    assert totals == ("380.00", "38.00", "418.00")
    assert f["DUE_DATE"] is None and f["BANK_BSB_NUMBER"] is None
    assert set(rec["timing_ms"]) >= {"decode", "generate", "total"}


MAIN_FIELDS = {
    "invoice": ["DOCUMENT_TYPE", "SUPPLIER_NAME", "BUSINESS_ABN", "PAYER_NAME", "INVOICE_NUMBER",
                "INVOICE_DATE", "DUE_DATE", "SUBTOTAL_AMOUNT", "GST_AMOUNT", "TOTAL_AMOUNT"],
    "receipt": ["DOCUMENT_TYPE", "SUPPLIER_NAME", "BUSINESS_ABN", "INVOICE_NUMBER",
                "INVOICE_DATE", "GST_AMOUNT", "TOTAL_AMOUNT", "PAYMENT_METHOD"],
    "statement": ["DOCUMENT_TYPE", "SUPPLIER_NAME", "PAYER_NAME", "BANK_BSB_NUMBER",
                  "BANK_ACCOUNT_NUMBER", "STATEMENT_DATE_RANGE", "CLOSING_BALANCE"],
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(MAIN_FIELDS))
def test_reads_the_main_fields_of_generated_documents(extractor, kind):
    out = extractor.root / kind
    truth = synth.generate(out, count=2, seed=3, kinds=[kind], progress=False)
    records = extractor.process_image_batch([str(out / row["image_file"]) for row in truth])
    kinds = {f["name"]: f["kind"] for f in extract.Schema.default().fields}
    misses, checked = [], 0
    for row, rec in zip(truth, records):
        assert rec["error"] is None and rec["fields"]["DOCUMENT_TYPE"] == row["DOCUMENT_TYPE"]
        for name in MAIN_FIELDS[kind]:
            want = extract.normalize(kinds[name], row[name])
            assert want is not None, f"{name} is in every {kind}"
            checked += 1
            if rec["fields"][name] != want:
                misses.append((row["image_file"], name, rec["fields"][name], want))
    # Scanned-looking pages in small type: a misread glyph now and then is OCR's, not the
    # rules'; 1 cell in 8 is tolerated.
    assert len(misses) <= checked // 8, misses


def test_a_bad_image_fails_alone(extractor):
    good = render(extractor.root / "good.png")
    broken = extractor.root / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    outside = "/etc/hostname"
    records = extractor.process_image_batch([str(broken), str(good), outside])
    assert records[0]["error"]["type"] == "InvalidImageError"
    assert records[2]["error"]["type"] == "SourceNotAllowedError"
    assert records[1]["error"] is None
    assert records[1]["fields"]["TOTAL_AMOUNT"] == "418.00"
    assert all(r["fields"]["TOTAL_AMOUNT"] is None for r in (records[0], records[2]))


def test_lines_and_phrases_from_word_boxes():
    words = [
        Word("Due", 10, 100, 50, 120, baseline=118),
        Word("Date:", 56, 101, 110, 121, baseline=118),
        Word("12/03/2025", 400, 99, 520, 121, baseline=119),
        Word("Total", 10, 10, 70, 32, baseline=30),
    ]
    page = Page.from_words(words)
    assert [line.text for line in page.lines] == ["Total", "Due Date:  12/03/2025"]
    assert page.values_of(["due date"])[0].value.text == "12/03/2025"
    # OCR slips in long label words still match; short words must be exact.
    assert [m[0] for m in page.find_labels(["totai", "due dates"])] == ["totai", "due dates"]
    assert not list(page.find_labels(["dve date", "total amount"]))


def test_unknown_backend_settings_are_refused():
    with pytest.raises(ValueError, match="lang"):
        get_backend("ocr", {"lang": "xx_not_a_language"})
    with pytest.raises(ValueError, match="threads"):
        get_backend("ocr", {"threads": 0})


@pytest.mark.parametrize(
    "module",
    [
        ocr_layout,
        ocr_table,
        ocr_items,
        ocr_rows,
        ocr_rules,
        ocr_text,
        ocr_parties,
        ocr_payer,
        ocr_payer_labels,
        ocr_balance,
        ocr_bank,
        ocr_dates,
        ocr_values,
        ocr_image,
        ocr_address,
        ocr_party_rows,
        ocr_supplier,
        ocr_doctype,
    ],  # fmt: skip
)
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# Arrangements the rules were not written against: the supplier only in a footer line,
# columns in another order with an item code and GST per row, totals on the left, bank
# details in a sentence.
FOOTER_INVOICE = [
    ((80, 60), 44, "INVOICE"),
    ((80, 150), 26, "Customer:"),
    ((80, 186), 24, "Jane Citizen"),
    ((80, 220), 24, "12 George Street"),
    ((80, 254), 24, "Sydney NSW 2000"),
    ((700, 150), 24, "Invoice No: INV-20931"),
    ((700, 186), 24, "Date: 05/03/2025"),
    ((700, 220), 24, "Due Date: 19/03/2025"),
    ((80, 340), 24, "Code"), ((200, 340), 24, "Qty"), ((300, 340), 24, "Description"),
    ((760, 340), 24, "Rate"), ((900, 340), 24, "GST"), ((1040, 340), 24, "Amount"),
    ((80, 384), 24, "A12"), ((200, 384), 24, "2"), ((300, 384), 24, "Ceiling fan install"),
    ((760, 384), 24, "150.00"), ((900, 384), 24, "30.00"), ((1040, 384), 24, "300.00"),
    ((80, 420), 24, "B7"), ((200, 420), 24, "1"), ((300, 420), 24, "Site inspection"),
    ((760, 420), 24, "80.00"), ((900, 420), 24, "8.00"), ((1040, 420), 24, "80.00"),
    ((80, 500), 26, "Subtotal"), ((400, 500), 26, "$380.00"),
    ((80, 540), 26, "GST"), ((400, 540), 26, "$38.00"),
    ((80, 580), 26, "Total"), ((400, 580), 26, "$418.00"),
    ((80, 660), 24, "Pay to: Westpac BSB 032-000 Acc 1234 5678"),
    ((80, 900), 20, "Harbour Electrical Services  |  ABN 51 824 753 556  |  "
                    "45 Collins St, Melbourne VIC 3000  |  (03) 9876 5432"),
]  # fmt: skip
TILL_DOCKET = [
    ((400, 60), 36, "Bean There Cafe"),
    ((400, 110), 24, "7 King St, Perth WA 6000"),
    ((400, 146), 24, "ABN 51 824 753 556"),
    ((400, 200), 30, "TAX INVOICE"),
    ((300, 260), 24, "Trans: 80231"),
    ((300, 320), 24, "2 x Flat White"), ((800, 320), 24, "9.00"),
    ((300, 356), 24, "Banana Bread"), ((560, 356), 24, "1 @ 6.50"), ((800, 356), 24, "6.50"),
    ((300, 392), 24, "Long Black"),
    ((330, 428), 24, "2 x $4.20"), ((800, 428), 24, "8.40"),
    ((300, 490), 24, "Subtotal"), ((800, 490), 24, "$23.90"),
    ((300, 526), 24, "GST"), ((800, 526), 24, "$2.39"),
    ((300, 562), 24, "Total"), ((800, 562), 24, "$26.29"),
    ((300, 620), 24, "Paid by: EFTPOS"),
]  # fmt: skip


def test_reads_an_invoice_whose_supplier_is_only_in_its_footer(extractor):
    rec = extractor.process_single_image(str(render(extractor.root / "footer.png", FOOTER_INVOICE)))
    f = rec["fields"]
    assert f["SUPPLIER_NAME"] == "Harbour Electrical Services"
    assert f["BUSINESS_ADDRESS"] == "45 Collins St, Melbourne VIC 3000"
    assert f["BUSINESS_PHONE"] == "0398765432"
    assert (f["PAYER_NAME"], f["PAYER_ADDRESS"]) == (
        "Jane Citizen",
        "12 George Street, Sydney NSW 2000",
    )
    # Quantity x rate = amount picks the columns; the code and GST columns are left out.
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["Ceiling fan install", "Site inspection"]
    assert f["LINE_ITEM_QUANTITIES"] == ["2", "1"]
    assert f["LINE_ITEM_PRICES"] == ["150.00", "80.00"]
    assert (f["SUBTOTAL_AMOUNT"], f["GST_AMOUNT"], f["TOTAL_AMOUNT"]) == (
        "380.00",
        "38.00",
        "418.00",
    )
    assert (f["BANK_NAME"], f["BANK_BSB_NUMBER"], f["BANK_ACCOUNT_NUMBER"]) == (
        "Westpac", "032000", "12345678",
    )  # fmt: skip


def test_reads_till_style_item_rows(extractor):
    rec = extractor.process_single_image(str(render(extractor.root / "till.png", TILL_DOCKET)))
    f = rec["fields"]
    assert f["DOCUMENT_TYPE"] == "RECEIPT"  # titled "Tax Invoice", but paid with no payer
    assert f["INVOICE_NUMBER"] == "80231"
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["Flat White", "Banana Bread", "Long Black"]
    assert f["LINE_ITEM_QUANTITIES"] == ["2", "1", "2"]
    assert f["LINE_ITEM_PRICES"] == ["4.50", "6.50", "4.20"]
    assert f["TOTAL_AMOUNT"] == "26.29" and f["PAYMENT_METHOD"] == "EFTPOS"


# No title; a key/value grid with each label over its value; the supplier only in the
# footer. The grid's "Address" cell sits under the client's cell, so it is the client's.
GRID_INVOICE = [
    ((80, 80), 24, "Our Ref"), ((600, 80), 24, "Issued"),
    ((80, 116), 24, "RT-4410"), ((600, 116), 24, "12/02/2025"),
    ((80, 180), 24, "Due By"), ((600, 180), 24, "Client"),
    ((80, 216), 24, "20/02/2025"), ((600, 216), 24, "Nora Quill"),
    ((80, 280), 24, "Address"), ((600, 280), 24, "Phone"),
    ((80, 316), 24, "8 Ridge Road, Ballarat VIC 3350"), ((600, 316), 24, "0412 345 678"),
    ((80, 420), 24, "Qty"), ((200, 420), 24, "Description"),
    ((800, 420), 24, "Rate"), ((1000, 420), 24, "Amount"),
    ((80, 460), 24, "2"), ((200, 460), 24, "Gutter repair"),
    ((800, 460), 24, "$60.00"), ((1000, 460), 24, "$120.00"),
    ((800, 540), 24, "Subtotal"), ((1000, 540), 24, "$120.00"),
    ((800, 576), 24, "GST"), ((1000, 576), 24, "$12.00"),
    ((800, 612), 24, "Total"), ((1000, 612), 24, "$132.00"),
    ((80, 840), 30, "Ridgeline Roofing"),
    ((80, 884), 24, "14 Quarry Lane, Bendigo VIC 3550"),
    ((80, 920), 24, "ABN 51 824 753 556"),
]  # fmt: skip

# No title either: a balance carried makes it a statement. The account holder heads the
# page (window envelope), the bank is named only in its footer, by a name not on any list.
UNTITLED_STATEMENT = [
    ((80, 80), 30, "Nora Quill"),
    ((80, 124), 24, "8 Ridge Road"),
    ((80, 160), 24, "Ballarat VIC 3350"),
    ((80, 240), 24, "Account Holder"), ((600, 240), 24, "BSB"),
    ((80, 276), 24, "Nora Quill"), ((600, 276), 24, "633-000"),
    ((80, 340), 24, "A/C No."), ((600, 340), 24, "Covering"),
    ((80, 376), 24, "1234 5678"), ((600, 376), 24, "1 April 2025 - 30 April 2025"),
    ((80, 460), 24, "Date"), ((300, 460), 24, "Details"), ((700, 460), 24, "Debit"),
    ((850, 460), 24, "Credit"), ((1000, 460), 24, "Balance"),
    ((80, 500), 24, "03/04/2025"), ((300, 500), 24, "Card purchase"),
    ((700, 500), 24, "70.00"), ((1000, 500), 24, "430.00"),
    ((80, 580), 24, "Opening Balance"), ((600, 580), 24, "$500.00"),
    ((80, 616), 24, "Closing Balance"), ((600, 616), 24, "$430.00"),
    ((80, 860), 30, "Harbour Credit Union"),
    ((80, 904), 24, "Call 1300 555 123"),
]  # fmt: skip

# A till docket that prints each item's amount on its line and "2 @ 4.50 ea" under it.
DETAIL_DOCKET = [
    ((300, 60), 30, "RECEIPT"),
    ((300, 140), 24, "Rye Loaf"), ((800, 140), 24, "$9.00"),
    ((300, 176), 24, "2 @ $4.50 ea"),
    ((300, 224), 24, "Honey 500g"), ((800, 224), 24, "$7.25"),
    ((300, 260), 24, "1 @ $7.25 each"),
    ((300, 330), 24, "GST"), ((800, 330), 24, "$1.48"),
    ((300, 366), 24, "Total"), ((800, 366), 24, "$16.25"),
]  # fmt: skip


def test_reads_an_untitled_key_value_grid_invoice(extractor):
    rec = extractor.process_single_image(str(render(extractor.root / "grid.png", GRID_INVOICE)))
    f = rec["fields"]
    assert f["DOCUMENT_TYPE"] == "INVOICE"  # a client billed with a due date
    assert (f["INVOICE_NUMBER"], f["INVOICE_DATE"], f["DUE_DATE"]) == (
        "RT-4410", "2025-02-12", "2025-02-20",
    )  # fmt: skip
    assert (f["PAYER_NAME"], f["PAYER_ADDRESS"], f["PAYER_PHONE"]) == (
        "Nora Quill", "8 Ridge Road, Ballarat VIC 3350", "0412345678",
    )  # fmt: skip
    assert f["SUPPLIER_NAME"] == "Ridgeline Roofing"
    assert f["BUSINESS_ADDRESS"] == "14 Quarry Lane, Bendigo VIC 3550"


def test_reads_an_untitled_statement_from_its_content(extractor):
    page = render(extractor.root / "statement.png", UNTITLED_STATEMENT)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["DOCUMENT_TYPE"] == "BANK_STATEMENT"
    assert f["SUPPLIER_NAME"] == f["BANK_NAME"] == "Harbour Credit Union"
    assert (f["PAYER_NAME"], f["PAYER_ADDRESS"]) == (
        "Nora Quill",
        "8 Ridge Road, Ballarat VIC 3350",
    )
    assert f["BUSINESS_ADDRESS"] is None  # the only address on the page is the holder's
    assert (f["BANK_BSB_NUMBER"], f["BANK_ACCOUNT_NUMBER"]) == ("633000", "12345678")
    assert f["STATEMENT_DATE_RANGE"] == "2025-04-01/2025-04-30"
    assert f["CLOSING_BALANCE"] == "430.00"


def test_reads_item_details_printed_under_their_amounts(extractor):
    page = render(extractor.root / "detail.png", DETAIL_DOCKET)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["Rye Loaf", "Honey 500g"]
    assert f["LINE_ITEM_QUANTITIES"] == ["2", "1"]
    assert f["LINE_ITEM_PRICES"] == ["4.50", "7.25"]


def test_reads_light_text_on_bands_and_side_by_side_boxes_on_a_tilted_page(extractor):
    """The supplier printed white on a dark band, the total white on a filled bar, the
    customer's box beside a details box with another line pitch, the page scanned
    askew, and the totals labelled "Amount excl. GST" / "Order Total"."""
    img = Image.new("RGB", (1240, 1100), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 1240, 170), fill=(20, 60, 90))
    draw.text((80, 50), "Kestrel Joinery", font=_font(46), fill="white")
    draw.text((80, 115), "ABN 51 824 753 556", font=_font(24), fill="white")
    left = ["Invoice for", "Ruth Okafor", "9 Lark Lane", "Hobart TAS 7000"]
    for i, text in enumerate(left):
        draw.text((80, 230 + 44 * i), text, font=_font(26), fill="black")
    right = ["Reference: KJ-4471", "Issued: 12/02/2025", "Terms: 14 days"]
    for i, text in enumerate(right):
        draw.text((720, 250 + 58 * i), text, font=_font(24), fill="black")
    rows = [("Description", "Qty", "Unit", "Amount"), ("Oak shelving", "2", "$120.00", "$240.00")]
    rows += [("Hinge set", "4", "$15.00", "$60.00")]
    for i, (desc, qty, unit, amount) in enumerate(rows):
        for x, text in ((80, desc), (640, qty), (800, unit), (1000, amount)):
            draw.text((x, 480 + 46 * i), text, font=_font(24), fill="black")
    draw.text((640, 660), "Amount excl. GST", font=_font(24), fill="black")
    draw.text((1000, 660), "$300.00", font=_font(24), fill="black")
    draw.text((640, 700), "GST", font=_font(24), fill="black")
    draw.text((1000, 700), "$30.00", font=_font(24), fill="black")
    draw.rectangle((620, 740, 1160, 800), fill=(20, 60, 90))
    draw.text((640, 752), "Order Total", font=_font(30), fill="white")
    draw.text((1000, 752), "$330.00", font=_font(30), fill="white")
    path = extractor.root / "banded.png"
    img.rotate(1.2, resample=Image.Resampling.BICUBIC, fillcolor="white").save(path)
    f = extractor.process_single_image(str(path))["fields"]
    assert f["SUPPLIER_NAME"] == "Kestrel Joinery"
    assert f["PAYER_NAME"] == "Ruth Okafor"
    assert f["PAYER_ADDRESS"] == "9 Lark Lane, Hobart TAS 7000"
    assert f["INVOICE_NUMBER"] == "KJ-4471"
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["Oak shelving", "Hinge set"]
    totals = f["SUBTOTAL_AMOUNT"], f["GST_AMOUNT"], f["TOTAL_AMOUNT"]
    assert totals == ("300.00", "30.00", "330.00")


# The payer's label heads a column (another party's heading right of it), labels a form's
# cells (a "Name" cell right of a heading that only says "particulars"), or is no label at
# all ("Member Receipt" is the title of a receipt with no payer).
SUPPLIER_HEADING = [
    ((80, 60), 40, "Saltbush Joinery"),
    ((80, 120), 24, "3 Kiln Road, Orange NSW 2800"),
    ((80, 156), 24, "ABN 51 824 753 556"),
]
PAYER_COLUMNS = [
    *SUPPLIER_HEADING,
    ((800, 60), 36, "INVOICE"),
    ((80, 260), 24, "CHARGE TO"), ((600, 260), 24, "SEND GOODS TO"),
    ((80, 296), 24, "Willa Harcourt"), ((600, 296), 24, "Willa Harcourt"),
    ((80, 332), 24, "27 Banksia Way, Dubbo NSW 2830"),
    ((600, 332), 24, "27 Banksia Way, Dubbo NSW 2830"),
]  # fmt: skip
PAYER_FORM = [
    *SUPPLIER_HEADING,
    ((80, 260), 26, "Customer particulars"), ((800, 260), 36, "INVOICE"),
    ((90, 310), 24, "Name"), ((330, 310), 24, "Willa Harcourt"),
    ((90, 346), 24, "Address"), ((330, 346), 24, "27 Banksia Way, Dubbo NSW 2830"),
]  # fmt: skip
# Cell labels read into their values' phrases, under a line of the page's prose that
# starts like a label ("Supplied ..." is no "Supplier").
PAYER_TIGHT_FORM = [
    *SUPPLIER_HEADING,
    ((80, 230), 24, "Supplied and fitted the joinery listed below to the plans you approved."),
    ((80, 280), 26, "Client details"), ((800, 280), 36, "INVOICE"),
    ((90, 330), 24, "Name"), ((330, 330), 24, "Willa Harcourt"),
    ((90, 366), 24, "Address 27 Banksia Way"),
    ((90, 402), 24, "Suburb = Dubbo NSW 2830"),
]  # fmt: skip
TITLED_RECEIPT = [
    *SUPPLIER_HEADING,
    ((80, 260), 30, "MEMBER RECEIPT"),
    ((80, 310), 24, "Dowel pack"), ((600, 310), 24, "$6.50"),
    ((80, 346), 24, "TOTAL"), ((600, 346), 24, "$6.50"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("texts", "payer"),
    [
        (PAYER_COLUMNS, "Willa Harcourt"),
        (PAYER_FORM, "Willa Harcourt"),
        (PAYER_TIGHT_FORM, "Willa Harcourt"),
        (TITLED_RECEIPT, None),
    ],
    ids=["column-heading", "form-cell", "form-cell-label-in-value", "title-not-label"],
)
def test_finds_the_payer_under_a_heading_or_in_a_form_cell(extractor, texts, payer):
    page = render(extractor.root / "payer.png", texts)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["PAYER_NAME"] == payer
    assert f["SUPPLIER_NAME"] == "Saltbush Joinery"
    if payer:
        assert f["PAYER_ADDRESS"] == "27 Banksia Way, Dubbo NSW 2830"


# Totals labelled by their qualifier or owing word alone, a method after a label whose
# last word ran into the value, a due date the page says payment is expected on, a bank
# named under a heading that starts with a bank label.
COMPOSED_LABELS_INVOICE = [
    *SUPPLIER_HEADING,
    ((800, 60), 36, "INVOICE"),
    ((800, 120), 24, "Payment expected 30/06/2025"),
    ((80, 260), 24, "Sanding discs"), ((700, 260), 24, "$40.00"),
    ((80, 296), 24, "Wood glue"), ((700, 296), 24, "$20.00"),
    ((500, 360), 24, "Excl. GST"), ((700, 360), 24, "$60.00"),
    ((500, 396), 24, "GST"), ((700, 396), 24, "$6.00"),
    ((500, 432), 24, "TO PAY"), ((700, 432), 24, "$66.00"),
    ((80, 464), 24, "Payment details"),
    ((80, 500), 24, "Payment option: Direct Debit"),
    ((80, 560), 24, "Bank details for EFT"),
    ((80, 596), 24, "Bank: Westpac"),
]  # fmt: skip


def test_reads_totals_method_and_due_date_from_composed_labels(extractor):
    page = render(extractor.root / "composed.png", COMPOSED_LABELS_INVOICE)
    f = extractor.process_single_image(str(page))["fields"]
    assert (f["SUBTOTAL_AMOUNT"], f["GST_AMOUNT"], f["TOTAL_AMOUNT"]) == ("60.00", "6.00", "66.00")
    assert f["PAYMENT_METHOD"] == "Direct Debit"
    assert f["DUE_DATE"] == "2025-06-30"
    assert f["BANK_NAME"] == "Westpac"  # "details for EFT" heads the bank's block


# The issuer named only in its footer's ABN phrase, under a payment line; till rows with
# product numbers before their descriptions.
FOOTER_ABN_DOCKET = [
    ((80, 60), 36, "TAX INVOICE"),
    ((80, 140), 24, "8841 BIRDSEED 2KG"), ((700, 140), 24, "$12.00"),
    ((80, 176), 24, "30271 SUET CAKE"), ((700, 176), 24, "$3.50"),
    ((500, 240), 24, "TOTAL"), ((700, 240), 24, "$15.50"),
    ((80, 320), 24, "Payment by: Cash"),
    ((80, 380), 24, "Wren Feed Supplies - ABN: 51 824 753 556"),
]  # fmt: skip
# A statement's title between the bank's heading and the holder's name and address.
TITLED_STATEMENT_HEADING = [
    ((80, 60), 40, "Harbour Credit Union"),
    ((80, 112), 24, "Everyday Saver statement"),
    ((80, 146), 24, "Ada Fenwick"),
    ((80, 180), 24, "5 Pier Street, Hobart TAS 7000"),
    ((80, 290), 24, "Statement period 01/05/2025 - 31/05/2025"),
    ((80, 330), 24, "BSB 633-000  Account 12345678"),
    ((80, 400), 24, "Closing balance"), ((700, 400), 24, "$210.00"),
]  # fmt: skip


def test_reads_a_footer_abn_name_and_till_rows_with_product_numbers(extractor):
    page = render(extractor.root / "footer_abn.png", FOOTER_ABN_DOCKET)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["SUPPLIER_NAME"] == "Wren Feed Supplies"
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["BIRDSEED 2KG", "SUET CAKE"]
    assert f["PAYMENT_METHOD"] == "Cash"


def test_the_address_under_a_statement_title_is_the_holders(extractor):
    page = render(extractor.root / "titled_statement.png", TITLED_STATEMENT_HEADING)
    f = extractor.process_single_image(str(page))["fields"]
    assert (f["PAYER_NAME"], f["PAYER_ADDRESS"]) == (
        "Ada Fenwick", "5 Pier Street, Hobart TAS 7000",
    )  # fmt: skip
    assert f["BUSINESS_ADDRESS"] is None


# A total whose figures did not read as an amount (a bold "$57.26" read "157,26"): the
# printed subtotal and GST still add up to it.
UNREADABLE_TOTAL_DOCKET = [
    *SUPPLIER_HEADING,
    ((80, 240), 24, "Kiln-dried pine"), ((700, 240), 24, "$52.05"),
    ((80, 300), 24, "Excl. GST"), ((700, 300), 24, "$52.05"),
    ((80, 336), 24, "TOTAL DUE"), ((700, 336), 24, "157,26"),
    ((80, 372), 24, "Incl. GST $5.21"),
]  # fmt: skip


def test_a_total_that_did_not_read_is_the_subtotal_plus_gst(extractor):
    page = render(extractor.root / "unreadable_total.png", UNREADABLE_TOTAL_DOCKET)
    f = extractor.process_single_image(str(page))["fields"]
    assert (f["SUBTOTAL_AMOUNT"], f["GST_AMOUNT"], f["TOTAL_AMOUNT"]) == ("52.05", "5.21", "57.26")


# The parties as rows of a table: a role, then name, contact and address cells, each
# wrapped over the row's lines (the street type and the postcode on lines of their own).
PARTY_ROWS_INVOICE = [
    ((80, 60), 40, "TAX INVOICE"),
    ((80, 130), 24, "Invoice No: INV-20931"), ((600, 130), 24, "Date: 05/03/2025"),
    ((230, 200), 24, "Party"), ((500, 200), 24, "ABN / contact"), ((900, 200), 24, "Address"),
    ((80, 250), 24, "Supplier"), ((230, 250), 24, "Saltbush"),
    ((500, 250), 24, "ABN 51 824 753 556"), ((900, 250), 24, "3 Kiln"),
    ((230, 290), 24, "Joinery"), ((500, 290), 24, "P: (02) 6361 2222"), ((900, 290), 24, "Road"),
    ((900, 330), 24, "Orange NSW 2800"),
    ((80, 390), 24, "Client"), ((230, 390), 24, "Willa"),
    ((500, 390), 24, "P: 0412 345 678"), ((900, 390), 24, "27 Banksia Way"),
    ((230, 430), 24, "Harcourt"), ((900, 430), 24, "Dubbo NSW"),
    ((900, 470), 24, "2830"),
    ((80, 560), 24, "Description"), ((900, 560), 24, "Amount"),
    ((80, 600), 24, "Joinery repairs"), ((900, 600), 24, "$300.00"),
    ((700, 660), 24, "Total"), ((900, 660), 24, "$300.00"),
]  # fmt: skip


def test_reads_parties_printed_as_rows_of_a_table(extractor):
    page = render(extractor.root / "party_rows.png", PARTY_ROWS_INVOICE)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["SUPPLIER_NAME"] == "Saltbush Joinery"
    assert f["BUSINESS_ADDRESS"] == "3 Kiln Road, Orange NSW 2800"
    assert f["BUSINESS_PHONE"] == "0263612222"
    assert (f["PAYER_NAME"], f["PAYER_PHONE"]) == ("Willa Harcourt", "0412345678")
    assert f["PAYER_ADDRESS"] == "27 Banksia Way, Dubbo NSW 2830"


# The payer named on a remittance slip ("Client party") and printed in full, unlabelled,
# in the window envelope's block at the top (a wrapped street type among its lines).
SLIP_AND_ENVELOPE = [
    *SUPPLIER_HEADING,
    ((800, 60), 36, "INVOICE"),
    ((120, 240), 24, "Willa Harcourt"),
    ((120, 276), 24, "Unit 4, 27 Banksia"),
    ((120, 312), 24, "Way"),
    ((120, 348), 24, "Dubbo NSW 2830"),
    ((120, 384), 24, "Tel. 0412 345 678"),
    ((80, 470), 24, "Joinery repairs"), ((700, 470), 24, "$300.00"),
    ((500, 530), 24, "Total"), ((700, 530), 24, "$300.00"),
    ((80, 640), 24, "PAYMENT SLIP"),
    ((80, 680), 24, "Client party"), ((330, 680), 24, "Willa Harcourt"),
]  # fmt: skip


def test_a_payer_named_on_a_slip_is_read_from_its_envelope_block(extractor):
    page = render(extractor.root / "slip.png", SLIP_AND_ENVELOPE)
    f = extractor.process_single_image(str(page))["fields"]
    assert (f["SUPPLIER_NAME"], f["PAYER_NAME"]) == ("Saltbush Joinery", "Willa Harcourt")
    assert f["PAYER_ADDRESS"] == "Unit 4, 27 Banksia Way, Dubbo NSW 2830"
    assert f["PAYER_PHONE"] == "0412345678"


def test_a_payer_label_whose_value_is_no_name_names_no_payer():
    def phrase(text, x, y):
        return [Word(w, x + 70 * i, y, x + 70 * i + 60, y + 20) for i, w in enumerate(text.split())]

    page = Page.from_words([
        *phrase("Acme Cafe", 10, 10),
        *phrase("CHARGED TO", 10, 80), *phrase("VISA", 10, 110),
        *phrase("Member number", 400, 80), *phrase("4303122", 400, 110),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert doc.payer_block == []
    assert ocr_supplier.supplier_name(doc).text == "Acme Cafe"


# A payer heading by meaning ("Billing address": a role word and a noun for what follows)
# left of the delivery block; a bank's details whose "Name of Bank" and "Account Name"
# (the ABN holder's, printed again in the footer) name no payer.
ROLE_HEADING_INVOICE = [
    ((80, 60), 36, "Saltbush Joinery"), ((700, 60), 36, "TAX INVOICE"),
    ((80, 120), 24, "3 Kiln Road, Orange NSW 2800"),
    ((80, 156), 24, "Business ABN: 51 824 753 556"),
    ((80, 260), 24, "BILLING ADDRESS"), ((600, 260), 24, "DELIVER-TO"),
    ((80, 296), 24, "Willa Harcourt"), ((600, 296), 24, "Willa Harcourt"),
    ((80, 332), 24, "27 Banksia Way"), ((600, 332), 24, "27 Banksia Way"),
    ((80, 368), 24, "Dubbo NSW 2830"), ((600, 368), 24, "Dubbo NSW 2830"),
    ((80, 404), 24, "Contact Ph: 0412 345 678"),
    ((80, 480), 24, "Joinery repairs"), ((700, 480), 24, "$300.00"),
    ((500, 540), 24, "Total"), ((700, 540), 24, "$300.00"),
    ((80, 640), 24, "Name of Bank"), ((330, 640), 24, "Westpac"),
    ((80, 676), 24, "Account Name"), ((330, 676), 24, "Saltbush Joinery"),
    ((80, 712), 24, "BSB"), ((330, 712), 24, "032-000"),
    ((300, 900), 24, "Saltbush Joinery - ABN 51 824 753 556"),
]  # fmt: skip


def test_a_payer_heading_is_read_by_its_role_word_and_bank_names_are_no_payer(extractor):
    page = render(extractor.root / "role.png", ROLE_HEADING_INVOICE)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["PAYER_NAME"] == "Willa Harcourt"
    assert f["PAYER_ADDRESS"] == "27 Banksia Way, Dubbo NSW 2830"
    assert f["PAYER_PHONE"] == "0412345678"


@pytest.mark.parametrize(
    ("text", "heads"),
    [
        ("Invoice recipient", True),
        ("Billing address", True),
        ("Bill-to party", True),
        ("Customer copy", False),
        ("Billing period", False),
        ("Invoiced", False),
    ],
)
def test_a_payer_heading_is_a_role_word_and_nouns_for_what_follows(text, heads):
    assert ocr_payer_labels.role_heading(text) is heads


def test_a_form_payer_is_read_from_the_rows_under_its_name_up_to_the_next_column():
    def phrase(text, x, y):
        return [Word(w, x + 70 * i, y, x + 70 * i + 60, y + 20) for i, w in enumerate(text.split())]

    # Each row: a label cell (maybe read into its value's phrase), the party's value, and
    # another column's label and value further right.
    page = Page.from_words([
        *phrase("Acme Cafe", 10, 10), *phrase("ABN 51 824 753 556", 10, 40),
        *phrase("Customer information", 10, 100),
        *phrase("Name", 20, 150), *phrase("Jo Li", 250, 150), *phrase("Invoice No.", 800, 150),
        *phrase("Postal address 2 Side Rd", 20, 190), *phrase("Issued 01/02/2025", 800, 190),
        *phrase("Locality", 20, 230), *phrase("Hobart TAS 7000", 250, 230),
        *phrase("Pay before 01/03/2025", 800, 230),
        *phrase("Mobile", 20, 270), *phrase("0412 345 678", 250, 270),
        *phrase("Job description", 10, 330),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert ocr_parties.payer_part("name")(doc) == "Jo Li"
    assert ocr_parties.payer_part("address")(doc) == "2 Side Rd, Hobart TAS 7000"
    assert ocr_parties.payer_part("phone")(doc) == "0412 345 678"


def test_an_unlabelled_block_with_an_abn_is_the_issuers_not_the_payers():
    def phrase(text, x, y):
        return [Word(w, x + 70 * i, y, x + 70 * i + 60, y + 20) for i, w in enumerate(text.split())]

    # A receipt's letterhead: a name over an address, then the ABN, and no customer; so
    # even where the issuer's name did not read as such (a logo over it).
    page = Page.from_words([
        *phrase("Bayside Pharmacy", 10, 50), *phrase("188 Pitt Lane", 10, 80),
        *phrase("Ballarat VIC 3350", 10, 110), *phrase("ABN: 51 824 753 556", 10, 140),
        *phrase("Paracetamol", 10, 220), *phrase("$5.00", 400, 220),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    doc.__dict__["supplier_name"] = None
    assert doc.payer_block == []


# Items in two sections, each under its own header ("Qty/Hrs": one cell, two column names)
# and closed by a sum whose label is no known word, with its amount in the label's phrase.
# Totals labelled by meaning: fees excluding GST, GST added, a balance owing.
SECTIONED_INVOICE = [
    *SUPPLIER_HEADING,
    ((80, 240), 24, "LABOUR"),
    ((80, 290), 24, "Work item"), ((620, 290), 24, "Qty/Hrs"),
    ((800, 290), 24, "Rate/hr"), ((1040, 290), 24, "Fee"),
    ((80, 340), 24, "Hedge trimming"), ((620, 340), 24, "2"),
    ((800, 340), 24, "$60.00"), ((1040, 340), 24, "$120.00"),
    ((80, 390), 24, "Lawn mowing"), ((620, 390), 24, "1"),
    ((800, 390), 24, "$80.00"), ((1040, 390), 24, "$80.00"),
    ((760, 450), 24, "Sum of section $200.00"),
    ((80, 510), 24, "MATERIALS"),
    ((80, 560), 24, "Work item"), ((620, 560), 24, "Qty/Hrs"),
    ((800, 560), 24, "Rate/hr"), ((1040, 560), 24, "Fee"),
    ((80, 610), 24, "Mulch bags"), ((620, 610), 24, "3"),
    ((800, 610), 24, "$10.00"), ((1040, 610), 24, "$30.00"),
    ((760, 670), 24, "Sum of section $30.00"),
    ((760, 740), 24, "Fees excl. GST"), ((1040, 740), 24, "$230.00"),
    ((760, 780), 24, "Add: GST"), ((1040, 780), 24, "$23.00"),
    ((760, 820), 24, "Balance owing"), ((1040, 820), 24, "$253.00"),
]  # fmt: skip


def test_reads_items_of_every_section_up_to_the_line_that_sums_them(extractor):
    page = render(extractor.root / "sectioned.png", SECTIONED_INVOICE)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["LINE_ITEM_DESCRIPTIONS"] == ["Hedge trimming", "Lawn mowing", "Mulch bags"]
    assert f["LINE_ITEM_QUANTITIES"] == ["2", "1", "3"]
    assert f["LINE_ITEM_PRICES"] == ["60.00", "80.00", "10.00"]
    assert (f["SUBTOTAL_AMOUNT"], f["GST_AMOUNT"], f["TOTAL_AMOUNT"]) == (
        "230.00", "23.00", "253.00",
    )  # fmt: skip


def test_a_line_that_sums_the_rows_above_ends_the_items_whatever_its_label():
    words = [
        Word("Tap", 10, 10, 60, 30), Word("2", 400, 10, 412, 30),
        Word("$4.50", 600, 10, 660, 30), Word("$9.00", 900, 10, 960, 30),
        Word("Valve", 10, 50, 80, 70), Word("1", 400, 50, 412, 70),
        Word("$3.00", 600, 50, 660, 70), Word("$3.00", 900, 50, 960, 70),
        Word("Net", 10, 90, 50, 110), Word("value", 56, 90, 120, 110),
        Word("$12.00", 900, 90, 970, 110),
        Word("Total", 10, 130, 80, 150), Word("$13.20", 900, 130, 970, 150),
    ]  # fmt: skip
    table = ocr_items.items(
        Page.from_words(words), lambda t: t.startswith("Total"), lambda t: False
    )
    assert table.rows == [("Tap", "2", "4.50"), ("Valve", "1", "3.00")]


def test_a_totals_box_label_reads_the_amount_set_right_under_it():
    words = [
        Word("Total", 700, 10, 770, 30), Word("fees", 776, 10, 830, 30),
        Word("Banker:", 10, 45, 100, 65), Word("NAB", 106, 45, 150, 65),
        Word("$230.00", 1000, 48, 1090, 68),
        Word("Add:", 700, 90, 750, 110), Word("GST", 756, 90, 800, 110),
        Word("$23.00", 1010, 125, 1090, 145),
        Word("Balance", 700, 170, 790, 190), Word("owing", 796, 170, 860, 190),
        Word("$253.00", 1000, 205, 1090, 225),
    ]  # fmt: skip
    found = ocr_table.totals(Page.from_words(words))
    assert found == {"subtotal": "$230.00", "gst": "$23.00", "total": "$253.00"}


def test_totals_whose_labels_did_not_read_are_found_by_their_arithmetic():
    words = [
        Word("Vinyl", 10, 10, 70, 30), Word("banner", 76, 10, 150, 30),
        Word("$94.00", 900, 10, 970, 30),
        Word("Toil", 700, 60, 750, 80), Word("ioae", 756, 60, 800, 80),
        Word("$1,003.00", 900, 60, 1000, 80),
        Word("$100.30", 920, 100, 1000, 120),
        Word("a", 700, 140, 712, 160), Word("$1,103.30", 900, 140, 1000, 160),
    ]  # fmt: skip
    found = ocr_table.totals(Page.from_words(words), after=1)
    assert found == {"subtotal": "$1,003.00", "gst": "$100.30", "total": "$1,103.30"}


def test_item_codes_and_measure_slips_leave_the_description():
    words = [
        Word("LD-8876", 10, 10, 100, 30), Word("—", 106, 10, 120, 30),
        Word("Bananas", 126, 10, 220, 30), Word("Ikg", 226, 10, 260, 30),
        Word("$4.00", 900, 10, 960, 30),
        Word("Sanitiser", 10, 50, 120, 70), Word("500mI", 126, 50, 190, 70),
        Word("$6.00", 900, 50, 960, 70),
        Word("Total", 10, 90, 80, 110), Word("$10.00", 900, 90, 970, 110),
    ]  # fmt: skip
    table = ocr_items.items(
        Page.from_words(words), lambda t: t.startswith("Total"), lambda t: False
    )
    assert [row[0] for row in table.rows] == ["Bananas 1kg", "Sanitiser 500ml"]


# Dates named by words of any wording, in a header cell over them or before them in their
# phrase: an issue date ("Date raised", "Tax point") and a due date ("Settle by", "Pay by").
HEADER_ROW_DATES = [
    ((80, 60), 40, "TAX INVOICE"),
    ((80, 140), 24, "Bill to: Jane Citizen"),
    ((80, 176), 24, "12 George Street, Sydney NSW 2000"),
    ((80, 260), 24, "Ref No."), ((330, 260), 24, "Date raised"), ((600, 260), 24, "Settle by"),
    ((80, 300), 24, "TI-52336"), ((330, 300), 24, "24 April 2024"),
    ((600, 300), 24, "24 May 2024"),
    ((700, 400), 26, "Total"), ((1000, 400), 26, "$418.00"),
]  # fmt: skip


def test_reads_dates_by_what_their_labels_mean(extractor):
    page = render(extractor.root / "header_dates.png", HEADER_ROW_DATES)
    f = extractor.process_single_image(str(page))["fields"]
    assert (f["INVOICE_DATE"], f["DUE_DATE"]) == ("2024-04-24", "2024-05-24")
    words = "Inv No: 7 Tax point: 02/07/2024 _ Pay by date: 09/07/2024".split()
    doc = ocr_rules.Document(
        Page.from_words([Word(w, 10 + 90 * i, 10, 80 + 90 * i, 30) for i, w in enumerate(words)])
    )
    assert (ocr_dates.invoice_date(doc), ocr_dates.due_date(doc)) == ("02/07/2024", "09/07/2024")


def test_a_due_date_is_never_before_the_issue_date():
    # The goods were due before the invoice was issued; the payment falls due after it.
    words = "Issued: 10/07/2024 Goods due: 01/07/2024 Payment due: 24/07/2024".split()
    doc = ocr_rules.Document(
        Page.from_words([Word(w, 10 + 90 * i, 10, 80 + 90 * i, 30) for i, w in enumerate(words)])
    )
    assert ocr_dates.due_date(doc) == "24/07/2024"


# A statement's side panel: its period stacked over two lines, the end date under the start.
STACKED_PERIOD_STATEMENT = [
    ((80, 60), 40, "Harbour Credit Union"),
    ((80, 112), 24, "Savings account statement"),
    ((80, 200), 24, "Member name"), ((450, 200), 24, "Date"),
    ((650, 200), 24, "Details"), ((1050, 200), 24, "Balance"),
    ((80, 236), 24, "Ada Fenwick"), ((450, 236), 24, "03/02/2025"),
    ((650, 236), 24, "ATM Withdrawal"), ((1050, 236), 24, "1,077.70"),
    ((80, 300), 24, "Dates covered"), ((450, 300), 24, "25/02/2025"),
    ((650, 300), 24, "Direct Debit"), ((1050, 300), 24, "882.96"),
    ((80, 336), 24, "01/02/2025 to"),
    ((80, 372), 24, "28/02/2025"),
]  # fmt: skip


def test_reads_a_statement_period_carried_onto_the_next_line(extractor):
    page = render(extractor.root / "stacked_period.png", STACKED_PERIOD_STATEMENT)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["STATEMENT_DATE_RANGE"] == "2025-02-01/2025-02-28"


# A statement's summary line: the closing balance labelled after other totals in one phrase.
SUMMARY_LINE_STATEMENT = [
    ((80, 60), 40, "Harbour Credit Union"),
    ((80, 112), 24, "Statement of account"),
    ((80, 200), 24, "Statement period 01/05/2025 - 31/05/2025"),
    ((80, 260), 24, "Date"), ((300, 260), 24, "Details"), ((1000, 260), 24, "Balance"),
    ((80, 300), 24, "02/05/2025"), ((300, 300), 24, "ATM Withdrawal"),
    ((800, 300), 24, "-20.00"), ((1000, 300), 24, "80.00"),
    ((80, 380), 24, "Previous balance: $100.00  Paid out: $20.00  New balance: $80.00"),
]  # fmt: skip


def test_reads_a_closing_balance_labelled_inside_a_summary_line(extractor):
    page = render(extractor.root / "summary_line.png", SUMMARY_LINE_STATEMENT)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["CLOSING_BALANCE"] == "80.00"


# Payment details in a remittance slip: its "PAYMENT SLIP" title is no method; the method is
# named after a payment word of any wording, a key-value pair before a sentence.
REMITTANCE_SLIP = [
    ((80, 60), 40, "TAX INVOICE"),
    ((80, 140), 24, "Bill to: Jane Citizen"),
    ((700, 400), 26, "Total"), ((1000, 400), 26, "$418.00"),
    ((80, 500), 28, "PAYMENT SLIP"),
    ((80, 560), 24, "Payment by direct deposit"),
    ((80, 600), 24, "Jane Citizen = Preferred payment: Credit Card"),
]  # fmt: skip


def test_reads_the_payment_method_named_after_words_about_paying(extractor):
    page = render(extractor.root / "remittance.png", REMITTANCE_SLIP)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["PAYMENT_METHOD"] == "Credit Card"


def _page(rows):
    """A page of phrases at (x, y), each word 60 px wide."""
    return Page.from_words(
        [
            Word(w, x + 70 * i, y, x + 70 * i + 60, y + 20)
            for x, y, text in rows
            for i, w in enumerate(text.split())
        ]
    )


def test_reads_bank_details_stacked_under_their_labels_in_a_side_panel():
    # A transaction's date beside the account label is not the account number.
    page = _page([
        (10, 0, "Bank-State-Branch"), (600, 0, "13/04/2025 EFTPOS 8,428.31"),
        (10, 40, "015 071"),
        (10, 80, "Acc No."), (600, 80, "2025-09-16 Interest 6,040.16"),
        (10, 120, "39906028"),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert (ocr_bank.bsb(doc), ocr_bank.account_number(doc)) == ("015 071", "39906028")


def test_reads_a_bsb_label_spelt_out_or_naming_its_kind():
    doc = ocr_rules.Document(_page([(10, 0, "A/C Name: Pitt IT - BSB Code: 080-075")]))
    assert ocr_bank.bsb(doc) == "080-075"
    doc = ocr_rules.Document(_page([(10, 0, "Bank-State-Branch: 112 O11")]))
    assert ocr_bank.bsb(doc) == "112 011"


@pytest.mark.parametrize("label", ["B.S.B.", "BS.B."])
def test_reads_a_bsb_label_printed_as_an_initialism_with_stops(label):
    # Stacked over its value or beside it; OCR may drop one of the stops.
    doc = ocr_rules.Document(_page([(10, 0, label), (10, 40, "016 949")]))
    assert ocr_bank.bsb(doc) == "016 949"
    doc = ocr_rules.Document(_page([(10, 0, f"Pay to {label} 739-119 Acc 968574")]))
    assert ocr_bank.bsb(doc) == "739-119"


def test_reads_an_invoice_number_labelled_in_a_run_on_phrase_or_a_header_cell():
    doc = ocr_rules.Document(_page([(10, 0, "Document #: A92846 = Tax point: 08/07/2024")]))
    assert ocr_rules.RULES["INVOICE_NUMBER"](doc) == "A92846"
    doc = ocr_rules.Document(_page([(10, 0, "Doc Ref"), (10, 40, "TI-64983")]))
    assert ocr_rules.RULES["INVOICE_NUMBER"](doc) == "TI-64983"


def _supplier(rows, logo=None):
    """The supplier's name read off ``rows`` (see :func:`_page`), with a tall logo word
    (text, x, y) over them where given."""
    page = _page(rows)
    if logo:
        text, x, y = logo
        page = Page.from_words(
            [*(w for ln in page.lines for w in ln.words), Word(text, x, y, x + 60, y + 50)]
        )
    name = ocr_parties.supplier_name(ocr_rules.Document(page))
    return name and name.text


def test_reads_the_supplier_name_its_website_spells_over_a_logo_and_a_role_word():
    # "Business ABN" names no business; the logo's letters are taller than the name.
    rows = [
        (10, 80, "TAX INVOICE"), (10, 140, "Ava Singh"), (10, 170, "5 Park Crescent"),
        (700, 80, "King Cleaning"), (700, 110, "241 Smith Rd"),
        (700, 140, "Melbourne VIC 3000"), (700, 170, "www.kingcleaning.com.au"),
        (700, 200, "Business ABN: 34 705 430 954"),
    ]  # fmt: skip
    assert _supplier(rows, logo=("(KC)", 760, 0)) == "King Cleaning"


def test_reads_the_supplier_name_printed_again_or_spelt_by_its_logo():
    rows = [
        (700, 80, "Brown Cleaning"), (700, 110, "2 Macquarie Parade"),
        (700, 140, "A.B.N. 88 006 563 682"),
        (10, 600, "Acc. Name"), (300, 600, "Brown Cleaning"),
    ]  # fmt: skip
    assert _supplier(rows, logo=("(BC)", 760, 0)) == "Brown Cleaning"
    assert _supplier(rows[:3], logo=("(BC)", 760, 0)) == "Brown Cleaning"


def test_a_payer_printed_twice_does_not_outweigh_the_name_over_the_abn():
    rows = [
        (10, 0, "Patel Cleaning & Co"), (10, 40, "180 Collins Street, Parramatta NSW 2150"),
        (10, 80, "ABN no: 95 835 286 286"), (10, 200, "Aisha White"),
        (10, 240, "134 Queen Ave"), (10, 900, "Client party"), (300, 900, "Aisha White"),
    ]  # fmt: skip
    assert _supplier(rows) == "Patel Cleaning & Co"


def test_reads_a_supplier_name_whose_legal_form_wraps_onto_the_next_line():
    rows = [(10, 0, "Thompson IT Solutions Pty"), (10, 30, "Ltd"), (10, 60, "ABN 58 629 998 543")]
    assert _supplier(rows) == "Thompson IT Solutions Pty Ltd"


def test_an_e_mail_whose_at_sign_ocr_set_apart_is_no_website():
    doc = ocr_rules.Document(_page([(10, 0, "office@ coastalgroup.com.au")]))
    assert ocr_parties.website(doc) is None
    doc = ocr_rules.Document(_page([(10, 0, "Web: www.acme.com.au")]))
    assert ocr_parties.website(doc) == "www.acme.com.au"


def test_reads_a_website_whose_www_ocr_misread():
    doc = ocr_rules.Document(_page([(10, 0, "Online: ww.cornergrocer.com.au")]))
    assert ocr_parties.website(doc) == "www.cornergrocer.com.au"


def test_an_identifier_over_the_abn_is_no_supplier_name():
    rows = [(10, 0, "Acme Tiles"), (600, 0, "INV-68974"), (600, 30, "ABN 58 629 998 543")]
    assert _supplier(rows) == "Acme Tiles"


def test_an_address_labelled_in_the_payers_block_is_not_the_suppliers():
    page = _page([
        (10, 0, "Station Landscaping"), (10, 30, "ABN #: 66 800 106 344"),
        (800, 0, "82 Victoria Lane"), (800, 30, "Ballarat VIC 3350"),
        (10, 150, "Customer name Outback Motors"), (10, 190, "Address"),
        (300, 190, "190 Albert Lane"), (10, 230, "Locality"), (300, 230, "Braddon ACT 2612"),
    ])  # fmt: skip
    address = ocr_parties.business_address(ocr_rules.Document(page))
    assert address == "82 Victoria Lane, Ballarat VIC 3350"


@pytest.mark.parametrize(
    "lines",
    [
        ["331 Mill Lane", "Fortitude ValleyQLD", "4006"],
        ["331 Mill Lane", "Fortitude Valleyqld4006"],
        ["331 Mill Lane", "Fortitude Valley QLD:4006"],
    ],
)
def test_an_address_whose_state_the_ocr_ran_into_its_neighbours_is_put_back(lines):
    assert ocr_address.assemble(lines) == "331 Mill Lane, Fortitude Valley QLD 4006"


def _phrase(text, x, y):
    return [Word(w, x + 70 * i, y, x + 70 * i + 60, y + 20) for i, w in enumerate(text.split())]


def test_a_receipt_reference_number_and_a_rule_across_the_page_are_no_items():
    # A gap sets the totals apart from the items; a line across the page under the last
    # row (a dotted rule read as letters) reaches into the amounts: no wrapped description.
    page = Page.from_words([
        *_phrase("Ticket No.", 10, 10), *_phrase("187895", 500, 10),
        *_phrase("Served by", 10, 40), *_phrase("James", 500, 40),
        *_phrase("Hand Sanitiser", 10, 80), *_phrase("$5.00", 500, 80),
        *_phrase("Milk 2L", 10, 110), *_phrase("$8.00", 500, 110),
        *_phrase("2 x $4.00", 40, 140),
        Word("saseaeeaeaaesaeaaeeseaaa", 10, 170, 560, 190),
        *_phrase("Total", 10, 300), *_phrase("$13.00", 500, 300),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert table.rows == [("Hand Sanitiser", "1", "5.00"), ("Milk 2L", "2", "4.00")]


def test_a_header_whose_cells_say_more_and_an_amount_split_at_its_point():
    # "Description of work" and "Seats" are cells, not header words: three cells of four
    # name columns, so the name and address over the header are no rows.
    page = Page.from_words([
        *_phrase("Isla Johnson", 10, 10), *_phrase("55 Station Road", 10, 40),
        *_phrase("Description of work", 10, 80), *_phrase("Unit Price", 400, 80),
        *_phrase("Seats", 650, 80), *_phrase("Total", 900, 80),
        *_phrase("Vinyl banner", 10, 120), *_phrase("$37 .00", 400, 120),
        *_phrase("2", 650, 120), *_phrase("$74.00", 900, 120),
        *_phrase("Total", 650, 170), *_phrase("$74.00", 900, 170),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert table.rows == [("Vinyl banner", "2", "37.00")]


def test_a_gst_label_may_name_its_rate_between_its_words():
    page = Page.from_words([
        *_phrase("Sale Amount", 10, 10), *_phrase("$8.80", 500, 10),
        *_phrase("Includes 10% GST", 10, 40), *_phrase("$0.80", 500, 40),
    ])  # fmt: skip
    assert ocr_table.totals(page) == {"total": "$8.80", "gst": "$0.80"}


def test_a_misread_total_gives_way_to_what_the_gst_tells():
    # GST included: the total is eleven times it, printed again on the payment line.
    receipt = Page.from_words([
        *_phrase("AMOUNT PAID", 10, 10), *_phrase("8,54", 500, 10),
        *_phrase("GST component $5.32", 10, 40), *_phrase("PURCHASE AUD 58.54", 10, 70),
    ])  # fmt: skip
    assert ocr_table.totals(receipt)["total"] == "58.54"
    # A subtotal and a GST a tenth of it outvote the total that disagrees with both.
    invoice = Page.from_words([
        *_phrase("Subtotal", 10, 10), *_phrase("$15.04", 500, 10),
        *_phrase("GST", 10, 40), *_phrase("$1.50", 500, 40),
        *_phrase("To pay", 10, 70), *_phrase("$46.54", 500, 70),
    ])  # fmt: skip
    assert ocr_table.totals(invoice)["total"] == "16.54"


def test_a_total_label_that_did_not_read_and_the_gst_between_the_amounts():
    # "TO PAY" read as "10 PAY": the payment line's amount is the subtotal and a tenth,
    # and the GST line that did not read is their difference.
    page = Page.from_words([
        *_phrase("EXCL. GST", 10, 10), *_phrase("$77.28", 500, 10),
        *_phrase("10 PAY", 10, 40), *_phrase("$85.01", 500, 40),
        *_phrase("PURCHASE AUD 85.01", 10, 70),
    ])  # fmt: skip
    assert ocr_table.totals(page) == {"subtotal": "$77.28", "total": "$85.01", "gst": "7.73"}


def test_an_invoice_number_is_id_shaped_and_may_number_a_ticket():
    # The supplier's address beside a stacked label is no number; the id under it is.
    page = _page([(10, 0, "Invoice Num."), (700, 0, "Melbourne VIC 3000"), (10, 40, "TI-002778")])
    assert ocr_rules.RULES["INVOICE_NUMBER"](ocr_rules.Document(page)) == "TI-002778"
    doc = ocr_rules.Document(_page([(10, 0, "Ticket No."), (400, 0, "187895")]))
    assert ocr_rules.RULES["INVOICE_NUMBER"](doc) == "187895"


# A till docket titled both ways, paid on the spot: its card slip's "CUSTOMER COPY" is no
# payer label, so nobody is billed and it is a receipt.
CARD_SLIP_DOCKET = [
    ((80, 60), 36, "Eastside Bistro"),
    ((80, 120), 24, "ABN 61 147 971 487"),
    ((80, 200), 30, "TAX INVOICE/RECEIPT"),
    ((80, 280), 24, "1 Chicken Parmigiana"), ((600, 280), 24, "27.50"),
    ((80, 330), 24, "TOTAL"), ((600, 330), 24, "$27.50"),
    ((80, 400), 24, "Settled: Mastercard"), ((600, 400), 24, "$27.50"),
    ((80, 470), 24, "CUSTOMER COPY"),
    ((80, 510), 24, "MASTERCARD DEBIT"),
    ((80, 550), 24, "APPROVED"), ((600, 550), 24, "AUTH 756104"),
]  # fmt: skip


def test_a_till_docket_with_a_customer_copy_slip_is_a_receipt(extractor):
    page = render(extractor.root / "docket.png", CARD_SLIP_DOCKET)
    f = extractor.process_single_image(str(page))["fields"]
    assert f["DOCUMENT_TYPE"] == "RECEIPT"
    assert f["PAYER_NAME"] is None


def test_transactions_moving_a_running_balance_make_an_untitled_page_a_statement():
    ledger = _page([
        (10, 0, "Your money this period"),
        (10, 40, "Direct Debit OPTUS"), (400, 40, "110.79"), (600, 40, "7,787.10"),
        (10, 80, "Card Purchase ALDI"), (400, 80, "17.84"), (600, 80, "7,769.26"),
        (10, 120, "Pay ACME PAYROLL"), (400, 120, "3,104.55"), (600, 120, "10,873.81"),
        (10, 160, "Interest Earned"), (400, 160, "2.18"), (600, 160, "10,875.99"),
    ])  # fmt: skip
    assert ocr_rules.Document(ledger).kind == "BANK_STATEMENT"
    items = _page([
        (10, 0, "2 Flat White"), (400, 0, "4.50"), (600, 0, "9.00"),
        (10, 40, "1 Chai Latte"), (400, 40, "5.50"), (600, 40, "5.50"),
        (10, 80, "Total"), (600, 80, "14.50"),
    ])  # fmt: skip
    assert not ocr_doctype.carries_balance(items)


def test_a_newest_first_ledger_is_a_statement_and_a_paid_order_a_receipt():
    """Newest first, each balance steps by the amount of the row above it; an order
    confirmation that was paid by card and owes nothing records a payment."""
    ledger = _page([
        (10, 0, "19 Oct Closing balance"), (600, 0, "36,480.32"),
        (10, 40, "18 Oct Interest credit"), (400, 40, "2.95"), (600, 40, "36,480.32"),
        (10, 80, "7 Sep Direct Credit"), (400, 80, "564.34"), (600, 80, "36,477.37"),
        (10, 120, "3 Sep Transfer out"), (400, 120, "545.85"), (600, 120, "35,913.03"),
        (10, 160, "1 Sep Direct Credit"), (400, 160, "4,605.90"), (600, 160, "36,458.88"),
    ])  # fmt: skip
    assert ocr_doctype.carries_balance(ledger)
    order = _page([
        (10, 0, "Order confirmation"), (10, 40, "Order No: 816638"),
        (10, 80, "Stoneware Mug"), (600, 80, "$18.55"),
        (10, 120, "Grand total"), (600, 120, "$18.55"),
        (10, 160, "Billing details"), (10, 200, "Oliver Murphy"), (10, 240, "325 Victoria Lane"),
        (10, 280, "Darwin NT 0800"), (10, 320, "Paid with Visa ending 4242"),
    ])  # fmt: skip
    assert ocr_rules.Document(order).kind == "RECEIPT"


@pytest.mark.parametrize(
    "heading",
    ["Patient Details", "CUSTOMER - SOLD TO", "SOLD TO ACCOUNT"],
)
def test_a_heading_of_role_words_heads_the_payer_block(heading):
    # Whoever is billed may be named for the service ("Patient"), and a heading may
    # stack role words; none of them is the payer's name.
    page = _page([
        (10, 0, "Williams Dental"),
        (10, 80, heading),
        (10, 120, "Cooper Chen"),
        (10, 160, "282 Banksia Road"),
        (10, 200, "Box Hill VIC 3128"),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert ocr_rules.RULES["PAYER_NAME"](doc) == "Cooper Chen"
    assert ocr_rules.RULES["PAYER_ADDRESS"](doc) == "282 Banksia Road, Box Hill VIC 3128"


@pytest.mark.parametrize("cell", ["Patient Name: Ava Harris", "Patient: Ava Harris"])
def test_the_role_labelling_the_payers_name_is_no_part_of_it(cell):
    page = _page([
        (10, 0, "Wang Physio"),
        (10, 80, "Patient Details"),
        (10, 120, cell),
        (10, 160, "260 Oxford Street"),
        (10, 200, "Fortitude Valley QLD 4006"),
    ])  # fmt: skip
    assert ocr_rules.RULES["PAYER_NAME"](ocr_rules.Document(page)) == "Ava Harris"


def test_reads_large_type_on_a_narrow_photo(extractor):
    """A docket photographed close up: 60 px type on a page 1200 px wide, whose glyph stems
    are as long as the ruled lines of a page of usual type."""
    lines = ["Mitchell Hardware", "ABN 51 824 753 556", "TAX INVOICE", "Hammer  $34.50",
             "Total  $34.50", "Paid by EFTPOS"]  # fmt: skip
    texts = [((40, 40 + 100 * i), 60, line) for i, line in enumerate(lines)]
    rec = extractor.process_single_image(
        str(render(extractor.root / "photo.png", texts, width=1200))
    )
    f = rec["fields"]
    assert (f["SUPPLIER_NAME"], f["BUSINESS_ABN"]) == ("Mitchell Hardware", "51824753556")
    assert (f["TOTAL_AMOUNT"], f["PAYMENT_METHOD"]) == ("34.50", "EFTPOS")


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_reads_a_page_fed_in_on_its_side_or_upside_down(extractor, quarter_turns):
    """No EXIF orientation to go by: the words read as noise, Tesseract's orientation
    detection says how the page lies, and the turned page reads better."""
    path = render(extractor.root / f"turned-{quarter_turns}.png")
    Image.open(path).rotate(90 * quarter_turns, expand=True).save(path)
    f = extractor.process_single_image(str(path))["fields"]
    assert (f["SUPPLIER_NAME"], f["INVOICE_NUMBER"]) == ("Harbour Electrical Services", "INV-20931")
    assert (f["TOTAL_AMOUNT"], f["LINE_ITEM_QUANTITIES"]) == ("418.00", ["2", "1"])


def test_a_column_offering_either_party_of_a_transaction_names_no_payer():
    # "Payee / payer" heads a transaction column; the statement's addressee is the
    # name over the address at the top.
    page = _page([
        (10, 0, "Heritage Bank"), (600, 0, "Member Account Statement"),
        (10, 40, "Your statement for 1 Aug 2024 to 31 Aug 2024"),
        (10, 80, "Olivia Mitchell"), (600, 80, "Acc # 21790622"),
        (10, 120, "121 Railway Road"),
        (10, 160, "Braddon ACT 2612"),
        (10, 240, "Date"), (200, 240, "Payee / payer"), (600, 240, "Amount"),
        (10, 280, "1 Aug 2024"), (200, 280, "BPAY AGL ENERGY"), (600, 280, "-286.85"),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert ocr_parties.payer_part("name")(doc) == "Olivia Mitchell"


def test_a_phrase_headed_by_holder_or_owner_labels_the_payer():
    page = _page([
        (10, 0, "High Veterinary Clinic"),
        (10, 40, "Pet owner: Oliver Mitchell"),
        (10, 80, "Unit 24, 272 Victoria Drive"),
        (10, 120, "Hobart TAS 7000"),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert ocr_parties.payer_part("name")(doc) == "Oliver Mitchell"


def test_a_name_over_an_address_under_a_statements_title_is_its_addressee():
    # The bank's letterhead (a light band OCR lost) is missing: the name under the
    # statement's title is whom it is sent to, not who issued it.
    page = _page([
        (10, 0, "Your statement for 1 Aug 2024 to 31 Aug 2024"),
        (10, 40, "Thomas Taylor"), (600, 40, "BSB 638 521"),
        (10, 80, "93 King Crescent"),
        (10, 120, "Subiaco WA 6008"),
        (10, 200, "Closing balance $1,234.50"),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert (doc.supplier_name.text if doc.supplier_name else None) != "Thomas Taylor"
    assert ocr_parties.payer_part("name")(doc) == "Thomas Taylor"
    assert ocr_parties.business_address(doc) is None


def test_a_role_label_joined_by_of_is_no_part_of_the_payers_name():
    page = _page([
        (10, 0, "Harbour Dental"),
        (10, 80, "Client & Patient"),
        (10, 120, "Name of patient: Jack Campbell"),
        (10, 160, "146 Main Road"),
        (10, 200, "Braddon ACT 2612"),
    ])  # fmt: skip
    doc = ocr_rules.Document(page)
    assert ocr_parties.payer_part("name")(doc) == "Jack Campbell"


def test_reads_order_lines_with_qty_details_and_metered_charges():
    """An emailed order: each item's "Qty 3x $112.29" line under it gives its quantity and
    unit price, its "Colour:" line is no part of its name, and the line whose label ends
    in "subtotal" ends the items. A bill's metered charges: quantities counted in kWh and
    days, rates printed to the tenth of a cent."""
    order = _page([
        (10, 0, "In this order"),
        (10, 40, "Cotton Throw Blanket"), (700, 40, "$336.87"), (10, 80, "Colour: Oatmeal"),
        (10, 120, "Qty 3x $112.29"),
        (10, 160, "Stoneware Mug"), (700, 160, "$18.55"), (10, 200, "Qty 1 x $18.55"),
        (10, 320, "Merchandise subtotal"), (700, 320, "$355.42"),
        (10, 360, "Delivery"), (700, 360, "$0.00"),
        (10, 400, "GST portion"), (700, 400, "$35.54"),
    ])  # fmt: skip
    assert ocr_rules.Document(order).table.rows == [
        ("Cotton Throw Blanket", "3", "112.29"),
        ("Stoneware Mug", "1", "18.55"),
    ]
    bill = _page([
        (10, 0, "Details of charge"), (400, 0, "Quantity used"), (700, 0, "Rate"),
        (900, 0, "Cost"),
        (10, 40, "Peak usage"), (400, 40, "77.3 kWh"), (700, 40, "$0.2900"), (900, 40, "22.42"),
        (10, 80, "Supply charge"), (400, 80, "30 days"), (700, 80, "$0.8700"), (900, 80, "26.10"),
        (10, 120, "Sub-total"), (900, 120, "48.52"),
    ])  # fmt: skip
    assert ocr_rules.Document(bill).table.rows == [
        ("Peak usage", "77.3", "0.29"),
        ("Supply charge", "30", "0.87"),
    ]


def test_reads_a_footer_phone_printed_beside_a_date():
    """An online-banking print's footer: the bank's "13" number beside the print date (the
    date is taken out before the phone is looked for, not the whole phrase dropped)."""
    page = _page([
        (10, 0, "Holiday fund"), (10, 40, "Account Name Jones Plumbing Pty Ltd"),
        (10, 400, "www.westpac.com.au Mob: 132 032 Printed on: 08-Jan-2026"),
    ])  # fmt: skip
    assert ocr_rules.answer(page, ["BUSINESS_PHONE"]).strip() == "BUSINESS_PHONE: 132 032"


def test_a_header_cut_short_over_two_lines_and_a_count_of_its_lines():
    # "Quan." is a stem of quantity; "GST charged" under "Fee GST" is the header's second
    # line, not the totals; "2 line(s)" counts the rows above, it is no item.
    page = Page.from_words([
        *_phrase("Quan.", 10, 10), *_phrase("Item Details", 100, 10),
        *_phrase("Fee GST", 500, 10), *_phrase("Extension", 800, 10),
        *_phrase("GST charged", 500, 35),
        *_phrase("3", 10, 70), *_phrase("Cement GP 20kg", 100, 70),
        *_phrase("$10.00", 500, 70), *_phrase("$30.00", 800, 70),
        *_phrase("1", 10, 100), *_phrase("Joist Hanger", 100, 100),
        *_phrase("$5.00", 500, 100), *_phrase("$5.00", 800, 100),
        *_phrase("2 line(s)", 10, 130),
        *_phrase("Total ex GST", 500, 160), *_phrase("$35.00", 800, 160),
    ])  # fmt: skip
    table = ocr_items.items(page, ocr_table.starts_with_total, lambda t: False)
    assert table.rows == [("Cement GP 20kg", "3", "10.00"), ("Joist Hanger", "1", "5.00")]


def test_a_usage_detail_in_the_description_and_a_signed_discount():
    page = Page.from_words([
        *_phrase("Peak usage 968.8 kWh @ $0.3300", 10, 10), *_phrase("319.70", 800, 10),
        *_phrase("Supply charge 92 days @ $1.3400", 10, 40), *_phrase("123.28", 800, 40),
        *_phrase("Less: agreed discount", 10, 70), *_phrase("-$22.70", 800, 70),
        *_phrase("Total", 10, 110), *_phrase("$420.28", 800, 110),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert table.rows == [
        ("Peak usage", "968.8", "0.33"),
        ("Supply charge", "92", "1.34"),
        ("Less: agreed discount", "1", "-22.70"),
    ]


def test_priced_lines_above_the_items_that_do_not_add_up_to_the_total_are_no_items():
    # An account summary over the charges: only the last rows sum to the subtotal. A label
    # line over a row with words of its own ("Served by") is not the row's description.
    page = Page.from_words([
        *_phrase("Your last bill", 10, 10), *_phrase("$131.09", 800, 10),
        *_phrase("Payment received", 10, 40), *_phrase("-$131.09", 800, 40),
        *_phrase("New charges", 10, 70), *_phrase("$91.94", 800, 70),
        *_phrase("Served by", 10, 100), *_phrase("Ava", 500, 100),
        *_phrase("NBN monthly plan", 10, 130), *_phrase("81.33", 800, 130),
        *_phrase("Modem rental", 10, 160), *_phrase("10.61", 800, 160),
        *_phrase("Total charges", 10, 200), *_phrase("$91.94", 800, 200),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert table.rows == [("NBN monthly plan", "1", "81.33"), ("Modem rental", "1", "10.61")]


def test_items_printed_as_blocks_apart_with_their_attributes_and_quantity_lines():
    # Each item of an online order is a block of its own; "Colour: Navy" after a rule's
    # mark is what the item is, and "Qty 3 x $64.74" its detail.
    page = Page.from_words([
        *_phrase("Relaxed Linen Shirt", 10, 10), *_phrase("$194.22", 800, 10),
        *_phrase("_———_", 10, 40), *_phrase("Colour: Navy", 300, 40),
        *_phrase("Qty 3 x $64.74", 10, 70),
        *_phrase("Merino Crew Jumper", 10, 200), *_phrase("$109.44", 800, 200),
        *_phrase("Qty 1 x $109.44", 10, 230),
        *_phrase("Merchandise subtotal", 10, 280), *_phrase("$303.66", 800, 280),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert table.rows == [
        ("Relaxed Linen Shirt", "3", "64.74"),
        ("Merino Crew Jumper", "1", "109.44"),
    ]


def test_totals_labelled_nett_items_total_or_in_a_sentence():
    invoice = Page.from_words([
        *_phrase("Nett Total", 10, 10), *_phrase("$303.95", 500, 10),
        *_phrase("GST", 10, 40), *_phrase("$1.58", 500, 40),
    ])  # fmt: skip
    found = ocr_table.totals(invoice)
    assert (found["subtotal"], found["gst"]) == ("$303.95", "$1.58")
    receipt = Page.from_words([
        *_phrase("Items total", 10, 10), *_phrase("$100.25", 500, 10),
        *_phrase("This total includes GST", 10, 40), *_phrase("$10.03", 500, 40),
    ])  # fmt: skip
    found = ocr_table.totals(receipt)
    assert (found["subtotal"], found["gst"]) == ("$100.25", "$10.03")


def test_a_wrapped_description_tail_with_a_number_in_it_is_no_row_of_its_own():
    page = Page.from_words([
        *_phrase("PT521", 10, 10), *_phrase("Adhesive restoration", 100, 10),
        *_phrase("1", 500, 10), *_phrase("$206.00", 800, 10),
        *_phrase("1 surface", 100, 35),
        *_phrase("PT012", 10, 70), *_phrase("Oral examination", 100, 70),
        *_phrase("1", 500, 70), *_phrase("$51.00", 800, 70),
        *_phrase("Total", 500, 110), *_phrase("$257.00", 800, 110),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert table.rows == [
        ("Adhesive restoration 1 surface", "1", "206.00"),
        ("Oral examination", "1", "51.00"),
    ]


def _answers(page, fields):
    text = ocr_rules.answer(page, fields)
    return dict(line.split(": ", 1) for line in text.strip().splitlines())


def test_a_bill_title_an_account_number_and_a_customer_payment_are_no_payer_labels():
    # "Your bill" over the issuer's block, "Date of bill" and "Customer account no" head no
    # payer, nor does a transaction's "customer payment": "Billed to:" does.
    page = Page.from_words([
        *_phrase("Your bill", 10, 10),
        *_phrase("Invoice from", 10, 60), *_phrase("Date of bill", 500, 60),
        *_phrase("10-Mar-2025", 900, 60),
        *_phrase("Isla Jones", 10, 90), *_phrase("Customer account no", 500, 90),
        *_phrase("94802844464", 900, 90),
        *_phrase("288 Oxford Drive", 10, 120), *_phrase("Geelong VIC 3220", 10, 150),
        *_phrase("Billed to:", 10, 220), *_phrase("Noah Wilson", 10, 250),
        *_phrase("Suite 21, 311 Main Crescent", 10, 280), *_phrase("Glenelg SA 5045", 10, 310),
        *_phrase("15/11/2024 Direct Credit - customer payment", 10, 400),
    ])  # fmt: skip
    assert _answers(page, ["PAYER_NAME", "PAYER_ADDRESS"]) == {
        "PAYER_NAME": "Noah Wilson",
        "PAYER_ADDRESS": "Suite 21, 311 Main Crescent, Glenelg SA 5045",
    }


def test_an_account_owned_by_or_its_owners_name_the_payer():
    owned = Page.from_words([
        *_phrase("Account product type", 10, 10), *_phrase("Account owned by", 500, 10),
        *_phrase("Business Everyday", 10, 40), *_phrase("OConnor Renovations Pty Ltd", 500, 40),
    ])  # fmt: skip
    assert _answers(owned, ["PAYER_NAME"])["PAYER_NAME"] == "OConnor Renovations Pty Ltd"
    owners = Page.from_words([
        *_phrase("Type of account", 10, 10), *_phrase("Account owner(s)", 500, 10),
        *_phrase("High Interest Savings", 10, 40), *_phrase("Chloe Papadopoulos", 500, 40),
        *_phrase("BSB number:", 10, 80), *_phrase("Account no:", 500, 80),
    ])  # fmt: skip
    assert _answers(owners, ["PAYER_NAME"])["PAYER_NAME"] == "Chloe Papadopoulos"


def test_a_labelled_payer_takes_the_address_under_its_name_read_with_an_ocr_slip():
    page = Page.from_words([
        *_phrase("Westpac", 10, 10), *_phrase("Office: 132 032", 900, 10),
        *_phrase("lronbark Constructions", 10, 80),
        *_phrase("249 Wattle Lane", 10, 110), *_phrase("Newcastle NSW 2300", 10, 140),
        *_phrase("Account holder(s)", 10, 200), *_phrase("BSB No.", 500, 200),
        *_phrase("Ironbark Constructions", 10, 230), *_phrase("730 332", 500, 230),
    ])  # fmt: skip
    assert _answers(page, ["PAYER_NAME", "PAYER_ADDRESS", "BUSINESS_ADDRESS"]) == {
        "PAYER_NAME": "Ironbark Constructions",
        "PAYER_ADDRESS": "249 Wattle Lane, Newcastle NSW 2300",
        "BUSINESS_ADDRESS": "NOT_FOUND",
    }


def test_a_running_balance_under_dates_of_their_own_and_none_on_an_invoice():
    statement = Page.from_words([
        *_phrase("Your Account Statement", 10, 10),
        *_phrase("Merchant / details", 10, 60), *_phrase("Total in", 500, 60),
        *_phrase("Total out", 700, 60), *_phrase("Balance", 900, 60),
        *_phrase("24-Jul-2024", 10, 100),
        *_phrase("Direct Debit OPTUS", 10, 130), *_phrase("48.07", 700, 130),
        *_phrase("4,882.65", 900, 130),
        *_phrase("Pay ACME PAYROLL", 10, 160), *_phrase("3,451.93", 500, 160),
        *_phrase("8,334.58", 900, 160),
        *_phrase("28-Jul-2024", 10, 200),
        *_phrase("Osko Transfer to Savings", 10, 230), *_phrase("268.62", 700, 230),
        *_phrase("8,065.96", 900, 230),
    ])  # fmt: skip
    assert _answers(statement, ["CLOSING_BALANCE"]) == {"CLOSING_BALANCE": "8,065.96"}
    # A vet's invoice dates each treatment: its rows' amounts are no balance.
    invoice = Page.from_words([
        *_phrase("Tax Invoice", 10, 10),
        *_phrase("Procedure", 10, 60), *_phrase("Date", 400, 60), *_phrase("Fee", 700, 60),
        *_phrase("Amount", 900, 60),
        *_phrase("Heartworm injection", 10, 100), *_phrase("28-May-2024", 400, 100),
        *_phrase("124.00", 700, 100), *_phrase("124.00", 900, 100),
        *_phrase("C5 vaccination", 10, 130), *_phrase("28-May-2024", 400, 130),
        *_phrase("96.00", 700, 130), *_phrase("96.00", 900, 130),
        *_phrase("Total Amount (AUD)", 600, 180), *_phrase("$220.00", 900, 180),
    ])  # fmt: skip
    assert _answers(invoice, ["CLOSING_BALANCE"]) == {"CLOSING_BALANCE": "NOT_FOUND"}


def test_the_documents_own_number_before_an_order_a_table_or_an_amount():
    docket = Page.from_words([
        *_phrase("TAX INVOICE - RECEIPT", 100, 10),
        *_phrase("Table No. 35", 10, 60),
        *_phrase("Order 132", 10, 90),
        *_phrase("Tax Inv. No.", 10, 120), *_phrase("564790", 500, 120),
    ])  # fmt: skip
    assert _answers(docket, ["INVOICE_NUMBER"]) == {"INVOICE_NUMBER": "564790"}
    # A title over a line of items labels none of them; an amount is no number.
    title = Page.from_words([
        *_phrase("CUSTOMER TAX INVOICE", 100, 10),
        *_phrase("1 Sticky Date Pudding", 10, 60), *_phrase("12.30", 500, 60),
        *_phrase("Invoice total", 10, 120), *_phrase("$353.74", 500, 120),
    ])  # fmt: skip
    assert _answers(title, ["INVOICE_NUMBER"]) == {"INVOICE_NUMBER": "NOT_FOUND"}


def test_a_payer_cell_run_into_the_next_columns_label():
    page = Page.from_words([
        *_phrase("Harbour Plumbing Pty. Ltd.", 10, 10), *_phrase("Tax Invoice", 700, 10),
        *_phrase("335 Railway Rd, Darwin NT 0800", 10, 40),
        *_phrase("ABN 77 309 124 607", 10, 70),
        *_phrase("Coastal Property Group", 10, 140), *_phrase("350 Collins Drive", 10, 170),
        *_phrase("Wollongong NSW 2500", 10, 200),
        *_phrase("REMITTANCE ADVICE", 10, 300),
        *_phrase("Client party", 10, 340),
        *_phrase("Coastal Property Group = Payment terms: Bank Transfer", 300, 340),
        *_phrase("Document #", 10, 380), *_phrase("TI-64983", 300, 380),
    ])  # fmt: skip
    assert _answers(page, ["PAYER_NAME", "PAYER_ADDRESS", "INVOICE_NUMBER"]) == {
        "PAYER_NAME": "Coastal Property Group",
        "PAYER_ADDRESS": "350 Collins Drive, Wollongong NSW 2500",
        "INVOICE_NUMBER": "TI-64983",
    }


def test_item_codes_of_letters_and_a_digit_and_look_alike_letters_in_descriptions():
    page = Page.from_words([
        *_phrase("PAR3 - Flea and worm treatment", 10, 10), *_phrase("34.61", 800, 10),
        *_phrase("RTL40_ Reusable heat pack", 10, 40), *_phrase("22.00", 800, 40),
        *_phrase("Fresh 0J", 10, 70), *_phrase("7.50", 800, 70),
        *_phrase("sticky Date Pudding", 10, 100), *_phrase("12.30", 800, 100),
        *_phrase("C5 vaccination", 10, 130), *_phrase("96.00", 800, 130),
        *_phrase("Total", 10, 170), *_phrase("$172.41", 800, 170),
    ])  # fmt: skip
    table = ocr_items.items(page, lambda t: t.startswith("Total"), lambda t: False)
    assert [row[0] for row in table.rows] == [
        "Flea and worm treatment", "Reusable heat pack", "Fresh OJ", "Sticky Date Pudding",
        "C5 vaccination",
    ]  # fmt: skip


def test_bank_details_of_a_bill_beside_its_customer_account_number():
    page = Page.from_words([
        *_phrase("Coastline Telecom", 10, 10), *_phrase("Customer account no", 500, 10),
        *_phrase("94802844464", 900, 10),
        *_phrase("BPAY Biller Code: 86204", 10, 60), *_phrase("Bank transfer", 500, 60),
        *_phrase("Financial institution name: St.George Bank", 500, 90),
        *_phrase("Acct name: Coastline Telecom", 500, 120),
        *_phrase("BSB number: 112-908", 500, 150),
        *_phrase("Acc No. 221958307", 500, 180),
    ])  # fmt: skip
    assert _answers(page, ["BANK_NAME", "BANK_BSB_NUMBER", "BANK_ACCOUNT_NUMBER"]) == {
        "BANK_NAME": "St.George Bank",
        "BANK_BSB_NUMBER": "112-908",
        "BANK_ACCOUNT_NUMBER": "221958307",
    }


def test_sections_under_titles_and_totals_right_of_a_footnote():
    page = Page.from_words([
        *_phrase("Labour", 10, 10),
        *_phrase("Work Done", 10, 40), *_phrase("Hrs", 500, 40), *_phrase("Rate", 650, 40),
        *_phrase("Line amt", 850, 40),
        *_phrase("Minor service", 10, 70), *_phrase("1.5", 500, 70), *_phrase("$135.00", 650, 70),
        *_phrase("$202.50", 850, 70),
        *_phrase("Parts Supplied", 10, 110),
        *_phrase("Parts Description", 10, 140), *_phrase("Qnty", 500, 140),
        *_phrase("Price ea.", 650, 140), *_phrase("Line amt", 850, 140),
        *_phrase("Drive Belt", 10, 170), *_phrase("1", 500, 170), *_phrase("$70.87", 650, 170),
        *_phrase("$70.87", 850, 170),
        *_phrase("Paid via: EFTPOS", 10, 220), *_phrase("GST @10 percent", 500, 220),
        *_phrase("$27.34", 850, 220),
        *_phrase("Thank you for your business.", 10, 250), *_phrase("Total Invoice", 500, 250),
        *_phrase("$300.71", 850, 250),
    ])  # fmt: skip
    table = ocr_items.items(page, ocr_table.starts_with_total, lambda t: False)
    assert table.rows == [("Minor service", "1.5", "135.00"), ("Drive Belt", "1", "70.87")]


def test_a_rule_that_fails_loses_its_field_not_the_page(monkeypatch, caplog):
    def broken(doc):
        raise IndexError("list index out of range")

    monkeypatch.setitem(ocr_rules.RULES, "LINE_ITEM_DESCRIPTIONS", broken)
    page = Page.from_words([*_phrase("Acme Pty Ltd", 10, 10), *_phrase("Tax Invoice", 500, 10)])
    with caplog.at_level("WARNING"):
        found = _answers(page, ["SUPPLIER_NAME", "LINE_ITEM_DESCRIPTIONS"])
    assert found == {"SUPPLIER_NAME": "Acme Pty Ltd", "LINE_ITEM_DESCRIPTIONS": "NOT_FOUND"}
    assert "LINE_ITEM_DESCRIPTIONS rule failed" in caplog.text


def test_a_chemist_docket_with_codes_savings_quantity_suffixes_and_gst_free_marks():
    page = Page.from_words([
        *_phrase("Trans No. 6043446", 10, 10),
        *_phrase("Nurofen 200mg 24", 10, 60), *_phrase("6.77 #", 500, 60),
        *_phrase("9335721871907", 30, 90),
        *_phrase("SPECIAL - SAVE $3.50", 30, 120),
        *_phrase("Sticky Tape 18mm x2", 10, 150), *_phrase("5.28", 500, 150),
        *_phrase("9389855474381 @ $2.64 ea", 30, 180),
        *_phrase("QV Skin Lotion 500ml", 10, 210), *_phrase("13.82", 500, 210),
        *_phrase("PLU 21382", 30, 240),
        *_phrase("Items", 10, 290), *_phrase("4", 500, 290),
        *_phrase("TOTAL $AUD", 10, 320), *_phrase("$25.87", 500, 320),
        *_phrase("# denotes GST-free item", 10, 350),
        *_phrase("Tender: VISA", 10, 400), *_phrase("$25.87", 500, 400),
    ])  # fmt: skip
    table = ocr_items.items(page, ocr_table.starts_with_total, lambda t: False)
    assert table.rows == [
        ("Nurofen 200mg 24", "1", "6.77"),
        ("Sticky Tape 18mm", "2", "2.64"),
        ("QV Skin Lotion 500ml", "1", "13.82"),
    ]


def test_a_guest_folio_charged_in_a_debit_column_is_an_item_table():
    page = Page.from_words([
        *_phrase("Date of charge Description", 10, 10), *_phrase("Nts/Qty", 500, 10),
        *_phrase("Rate", 650, 10), *_phrase("Debit", 850, 10),
        *_phrase("20/08/2025", 10, 50), *_phrase("Deluxe King Room", 200, 50),
        *_phrase("1", 500, 50), *_phrase("237.05", 650, 50), *_phrase("237.05", 850, 50),
        *_phrase("20/08/2025", 10, 80), *_phrase("Laundry service", 200, 80),
        *_phrase("1", 500, 80), *_phrase("25.54", 650, 80), *_phrase("25.54", 850, 80),
        *_phrase("Total (inc GST)", 600, 130), *_phrase("$262.59", 850, 130),
    ])  # fmt: skip
    table = ocr_items.items(page, ocr_table.starts_with_total, lambda t: False)
    assert table.rows == [("Deluxe King Room", "1", "237.05"), ("Laundry service", "1", "25.54")]


def test_a_card_statement_asks_for_payment_by_its_due_date():
    page = Page.from_words([
        *_phrase("Westpac Altitude Visa", 10, 10), *_phrase("Credit Card Statement", 600, 10),
        *_phrase("Statement period 01/05/2025 - 31/05/2025", 600, 40),
        *_phrase("Opening balance", 10, 100), *_phrase("$1,204.33", 400, 100),
        *_phrase("Closing balance", 10, 130), *_phrase("$1,530.10", 400, 130),
        *_phrase("Minimum payment", 600, 100), *_phrase("$45.90", 900, 100),
        *_phrase("Payment due date", 600, 130), *_phrase("25/06/2025", 900, 130),
    ])  # fmt: skip
    found = _answers(page, ["DOCUMENT_TYPE", "DUE_DATE", "CLOSING_BALANCE"])
    assert found == {
        "DOCUMENT_TYPE": "BANK_STATEMENT",
        "DUE_DATE": "25/06/2025",
        "CLOSING_BALANCE": "$1,530.10",
    }


def test_a_count_of_items_and_a_date_run_into_a_description_are_no_part_of_the_items():
    page = Page.from_words([
        *_phrase("11-Dec-2024 Two Bedroom Apartment", 10, 10), *_phrase("1", 500, 10),
        *_phrase("$310.00", 650, 10), *_phrase("$310.00", 850, 10),
        *_phrase("Late checkout", 10, 40), *_phrase("1", 500, 40),
        *_phrase("$45.00", 650, 40), *_phrase("$45.00", 850, 40),
        *_phrase("No. of items", 10, 70), *_phrase("3", 500, 70),
        *_phrase("Total", 10, 110), *_phrase("$355.00", 850, 110),
    ])  # fmt: skip
    table = ocr_items.items(page, ocr_table.starts_with_total, lambda t: False)
    assert table.rows == [("Two Bedroom Apartment", "1", "310.00"), ("Late checkout", "1", "45.00")]
