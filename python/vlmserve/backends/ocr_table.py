"""The totals of an OCR'd page (line items: :mod:`~vlmserve.backends.ocr_items`).

Totals are read right of (or under) their labels and checked against each other: when
subtotal + GST = total holds for some choice of candidates, that choice wins.

>>> from vlmserve.backends.ocr_layout import Page, Word
>>> page = Page.from_words([Word("Total", 10, 10, 60, 30), Word("$12.50", 300, 10, 370, 30)])
>>> totals(page)
{'total': '$12.50'}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from vlmserve.backends.ocr_layout import Line, Page, Segment, label_key

__all__ = ["MONEY", "TOTAL_LABELS", "starts_with_total", "totals"]

MONEY = re.compile(
    r"(?<![\d.,])\(?-?\$?\s?-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}\)?(?:\s?(?:CR|DR)\b)?(?![\d,]*\d)",
    re.IGNORECASE,
)

# Labels are composed the way printers compose them: a sum word with a GST qualifier is a
# subtotal ("Amount excl. GST"), and so is the qualifier alone on a totals line ("Excl.
# GST"); any "<word> Total/Amount", "<sum> due/payable" or the owing word alone ("To pay")
# is the total.
_SUMS = (
    "total",
    "amount",
    "subtotal",
    "sub total",
    "net total",
    "net amount",
    "net value",
    "sum",
    "fees",
    "charges",
    "value",
    "goods",
    "services",
)
_EXCLUDING = ("ex", "excl", "exc", "excluding", "before", "pre", "exclusive of", "net of", "less")
_TOTAL_OF = ("sale", "order", "receipt", "invoice", "grand", "final", "bill", "job", "purchase")
_OWED = ("due", "payable", "owing", "to pay", "now due", "outstanding", "charged")
# Words that put the GST on its own line: "Add GST", "of which GST", "GST on fees".
_GST_OF = ("add", "plus", "of which", "incl", "inc", "includes", "including", "included")

TOTAL_LABELS = {
    "subtotal": [
        "subtotal", "sub total", "total before gst",
        *(f"{n} {s}" for n in ("net", "nett") for s in ("total", "amount", "value")),
        # The items' sum, printed before the GST is added.
        "items total", "item total", "total of items", "items subtotal",
        *(f"{s} {e} {t}" for s in _SUMS for e in _EXCLUDING for t in ("gst", "tax")),
        *(f"{e} {t}" for e in _EXCLUDING if e not in ("less", "net of") for t in ("gst", "tax")),
    ],
    "gst": [
        "gst", "gst 10%", "gst 10", "tax", "gst amount", "total gst", "gst included",
        "includes gst", "incl gst", "gst incl", "vat", "plus gst", "add gst", "tax 10%",
        "total includes gst", "total tax", "gst @ 10%", "10% gst",
        # A sentence: "This total includes GST", "The total includes GST of".
        *(f"{d} total {w} gst" for d in ("this", "the", "your") for w in _GST_OF),
        *(f"{w} {t}" for w in _GST_OF for t in ("gst", "tax", "gst of")),
        *(f"{w} 10% {t}" for w in _GST_OF for t in ("gst", "tax")),  # the rate between
        *(f"{t} on {s}" for t in ("gst", "tax") for s in _SUMS),
    ],
    "total": [
        "total", "total amount", "total inc gst", "total incl gst", "total aud",
        "amount paid", "total paid", "total including gst", "total inclusive of gst",
        *(f"{w} {s}" for w in _TOTAL_OF for s in ("total", "amount")),
        "to pay", "total to pay", "amount to pay", "charged",
        *(f"{s} {o}" for s in ("total", "amount", "balance") for o in _OWED),
    ],
    "closing": [
        "closing balance", "balance at end", "closing", "ending balance", "new balance",
        "balance carried forward", "final balance", "closing bal", "balance at close",
    ],
}  # fmt: skip
# An amount found for a label: its value and its text as printed.
_Candidate = tuple[Decimal, str]
# Sums of rounded amounts agree to a cent.
_ADD_TOLERANCE = Decimal("0.011")
# GST is a tenth of the subtotal (an eleventh of an inclusive total) rounded to the cent.
_GST_ROUNDING = Decimal("0.0051")
# How far under a box's label (in its line heights) its value may sit.
_BOX_REACH = 2.5
_KIND_OF = {label_key(lab): kind for kind, labs in TOTAL_LABELS.items() for lab in labs}


def starts_with_total(text: str) -> bool:
    """The phrase starts with a totals label ("Sub-Total", "GST 10%", "Amount Due"): the
    end of an item table. A total word inside a description ("Tax return") is not one.

    >>> starts_with_total("Sub-Total"), starts_with_total("2 Individual tax return")
    (True, False)
    """
    words = label_key(text).split()
    return any(" ".join(words[:n]) in _KIND_OF for n in range(1, min(len(words), 5) + 1))


def _amount(text: str) -> Decimal | None:
    m = MONEY.search(text)
    if not m:
        return None
    raw = m.group(0)
    digits = re.sub(r"[^\d.]", "", raw)
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if "-" in raw or "(" in raw or raw.upper().endswith("DR") else value


def _candidates(page: Page) -> dict[str, list[_Candidate]]:
    found: dict[str, list[_Candidate]] = {k: [] for k in TOTAL_LABELS}
    for label, line, seg, n in page.find_labels(list(_KIND_OF)):
        kind = _KIND_OF[label_key(label)]
        rest = seg.tail(n)
        right = [s.text for s in line.segments if s.x0 >= seg.x1]
        texts = ([rest.text] if rest else []) + right
        moneys = [m.group(0) for t in texts for m in MONEY.finditer(t)]
        if not moneys:
            under = [s for _, s in page.under(line, seg, 1)] or _boxed_value(page, line, seg)
            moneys = [m.group(0) for s in under for m in MONEY.finditer(s.text)]
        if moneys:
            # The rightmost amount: a line may carry a rate ("GST 10%") or a count first.
            found[kind].append((_amount(moneys[-1]) or Decimal(0), moneys[-1]))
    return found


def _boxed_value(page: Page, line: Line, seg: Segment) -> list[Segment]:
    """The value of a label that heads a box, set right-aligned under it: the first
    phrase from the label's left edge rightwards on the next line that has one there
    (lines in between may carry only text further left)."""
    for below in page.lines[line.index + 1 :]:
        if below.y0 - line.y1 > _BOX_REACH * line.height:
            break
        right = [s for s in below.segments if s.x1 > seg.x0]
        if right:
            return right[:1] if MONEY.fullmatch(right[0].text.strip()) else []
    return []


def _adding_up(
    subs: list[_Candidate], gsts: list[_Candidate], tots: list[_Candidate]
) -> list[tuple[_Candidate, _Candidate, _Candidate]]:
    """The (subtotal, GST, total) choices with subtotal + GST = total."""
    return [
        (s, g, t)
        for t in tots
        for s in subs
        for g in gsts
        if s is not t and abs(s[0] + g[0] - t[0]) < _ADD_TOLERANCE
    ]


def totals(page: Page, after: int = 0) -> dict[str, str]:
    """``{"subtotal", "gst", "total", "closing"}`` amounts as printed, those found (the
    lines from ``after`` on, below the items, may hold them with labels that did not
    read)."""
    out = _labelled_totals(page)
    if not {"subtotal", "gst"} <= out.keys() or not _adds_up(out):
        out.update(_unlabelled_totals(page, after, out.get("total")))
    if not _total_agrees(out):
        out.update(_total_told(page, after, out))
    if "gst" not in out:
        out.update(_gst_between(out))
    return out


def _gst_between(out: dict[str, str]) -> dict[str, str]:
    """A GST line that did not read: the total less the subtotal, when that is a tenth of
    the subtotal."""
    sub, total = _amount(out.get("subtotal", "")), _amount(out.get("total", ""))
    if sub is None or total is None or abs(sub / 10 - (total - sub)) >= _GST_ROUNDING:
        return {}
    return {"gst": f"{total - sub:.2f}"}


def _total_agrees(out: dict[str, str]) -> bool:
    """Whether the total agrees with the GST: the subtotal plus the GST, or (GST
    included in it) eleven times the GST. With no GST, there must be a total if there is
    a subtotal."""
    total, gst, sub = (_amount(out.get(k, "")) for k in ("total", "gst", "subtotal"))
    if total is None:
        return gst is None and sub is None
    if gst is None:
        return True
    adds_up = sub is not None and abs(sub + gst - total) < _ADD_TOLERANCE
    return adds_up or abs(total / 11 - gst) < _GST_ROUNDING


def _total_told(page: Page, after: int, out: dict[str, str]) -> dict[str, str]:
    """A total that did not read, or misread, told by the GST or the subtotal: a subtotal
    plus a GST that is a tenth of it; else an amount printed again below the items (on
    the payment line: "PURCHASE AUD 58.54") that the GST is an eleventh of, or that is
    the subtotal and a tenth."""
    gst, sub = _amount(out.get("gst", "")), _amount(out.get("subtotal", ""))
    if gst is not None and sub is not None and abs(sub / 10 - gst) < _GST_ROUNDING:
        return {"total": f"{sub + gst:.2f}"}
    for line in page.lines[after:]:
        for text in MONEY.findall(line.text):
            value = _amount(text) or Decimal(0)
            if gst is not None:
                fits = value > gst and abs(value / 11 - gst) < _GST_ROUNDING
            else:
                fits = sub is not None and abs(sub * Decimal("1.1") - value) < _GST_ROUNDING
            if fits:
                return {"total": text.strip()}
    return {}


def _adds_up(out: dict[str, str]) -> bool:
    amounts = [_amount(out[k]) for k in ("subtotal", "gst", "total") if k in out]
    if len(amounts) < 3 or None in amounts:
        return False
    sub, gst, total = amounts
    return abs(sub + gst - total) < _ADD_TOLERANCE  # type: ignore[operator]


def _unlabelled_totals(page: Page, after: int, total: str | None) -> dict[str, str]:
    """Three amounts, a line each, top to bottom, below the items, with subtotal + GST
    = total and the GST a tenth of the subtotal: those are the totals whatever their
    labels say (or whether they read at all). The total must be the labelled one, if any."""
    found = [
        (value, text)
        for line in page.lines[after:]
        for text in MONEY.findall(line.text)[-1:]
        if (value := _amount(text))
    ]
    want = _amount(total) if total else None
    for s, g, t in _gst_triples(found):
        if want is None or abs(t[0] - want) < _ADD_TOLERANCE:
            return {"subtotal": s[1], "gst": g[1], "total": t[1]}
    return {}


def _gst_triples(found: list[_Candidate]) -> Iterator[tuple[_Candidate, ...]]:
    """(subtotal, GST, total) in page order, the lowest total first, where the GST is a
    tenth of the subtotal and adds up with it to the total."""
    for k in range(len(found) - 1, 1, -1):
        for i in range(k - 1):
            for j in range(i + 1, k):
                s, g, t = found[i][0], found[j][0], found[k][0]
                if abs(s + g - t) < _ADD_TOLERANCE and abs(s / 10 - g) < _ADD_TOLERANCE:
                    yield found[i], found[j], found[k]


def _labelled_totals(page: Page) -> dict[str, str]:
    found = _candidates(page)
    out: dict[str, str] = {}
    subs, gsts, tots = found["subtotal"], found["gst"], found["total"]
    if tots:
        total = max(tots, key=lambda c: c[0])
        # "Total includes GST $4.50": a total-labelled amount that is 1/11 of the total.
        gsts = gsts or [c for c in tots if c[0] < total[0] and abs(c[0] * 11 - total[0]) < 0.06]
        # A total-labelled amount that the GST brings to a larger total is the subtotal
        # ("Total fees" + "GST on fees" = "Balance owing"), when no subtotal label adds up.
        consistent = _adding_up(subs, gsts, tots) or _adding_up(tots, gsts, tots)
        if consistent:
            s, g, total = max(consistent, key=lambda c: c[2][0])
            out.update(subtotal=s[1], gst=g[1])
        out["total"] = total[1]
    for kind in ("subtotal", "gst"):
        if kind not in out and (subs if kind == "subtotal" else gsts):
            out[kind] = (subs if kind == "subtotal" else gsts)[0][1]
    # A total is never below its subtotal: a missing or smaller one was misread (a bold
    # "$57.26" read as "157,26" is no amount), and the printed subtotal and GST add up to it.
    if subs and gsts:
        sub, gst = subs[0][0], gsts[0][0]
        if not tots or max(t[0] for t in tots) < sub:
            out.setdefault("subtotal", subs[0][1])
            out.setdefault("gst", gsts[0][1])
            out["total"] = f"{sub + gst:.2f}"
    if found["closing"]:
        out["closing"] = found["closing"][-1][1]
    return out
