"""Label wording: a pool of synonyms per label, split into the wording tuned layouts use and
wording only held-out layouts use (so extraction rules meet unseen labels there too).

>>> import random
>>> labels = Labels(random.Random(0), held_out=False)
>>> labels("due_date") in TUNED["due_date"], labels("due_date") == labels("due_date")
(True, True)
"""

from __future__ import annotations

import random

# label -> wording that tuned layouts print.
TUNED: dict[str, list[str]] = {
    "invoice_title": ["TAX INVOICE", "Tax Invoice", "INVOICE"],
    "invoice_number": ["Invoice No.", "Invoice #", "Tax Invoice Number", "Invoice Number", "Ref"],
    "invoice_date": ["Date", "Invoice Date", "Date of Issue", "Issue Date"],
    "due_date": ["Due Date", "Payment Due", "Pay By"],
    "abn": ["ABN", "A.B.N."],
    "bill_to": ["Bill To", "Invoice To", "Customer"],
    "phone": ["Phone", "Ph", "Tel"],
    "email": ["Email", "E"],
    "website": ["Web", "Website"],
    "subtotal": ["Subtotal", "Sub-total", "Total (ex GST)"],
    "gst": ["GST", "GST (10%)", "Tax"],
    "total": ["Total", "Amount Due", "Total (inc GST)", "Balance Due"],
    "payment_method": ["Payment Method", "Payment Type", "How to Pay"],
    "bank_name": ["Bank", "Bank Name"],
    "bsb": ["BSB", "BSB No."],
    "account_number": ["Account No.", "Account Number", "Acc No."],
    "account_name": ["Account Name"],
    "description": ["Description", "Item", "Details"],
    "quantity": ["Qty", "Quantity", "Units"],
    "unit_price": ["Unit Price", "Price", "Rate"],
    "amount": ["Amount", "Total", "Line Total"],
    "short_description": ["Item", "Description"],
    "short_quantity": ["Qty"],
    "short_unit_price": ["Price", "Each"],
    "short_amount": ["Amount", "Total"],
    "receipt_title": ["RECEIPT", "TAX RECEIPT", "SALES RECEIPT"],
    "receipt_number": ["Receipt No.", "Receipt #", "Trans No."],
    "receipt_date": ["Date", "Trans Date"],
    "receipt_total": ["TOTAL", "Total", "Amount Paid"],
    "paid_by": ["Paid By", "Payment", "Tender"],
    "statement_title": ["Bank Statement", "Statement of Account", "Account Statement"],
    "period": ["Statement Period", "Period"],
    "opening": ["Opening Balance"],
    "closing": ["Closing Balance"],
    "account_holder": ["Account Name", "Account Holder"],
    "txn_date": ["Date"],
    "txn_details": ["Description", "Transaction Details", "Details"],
    "flows": ["Debit|Credit", "Withdrawals|Deposits"],  # money out|money in, as a pair
    "txn_amount": ["Amount"],
    "balance": ["Balance"],
}

# label -> wording that appears ONLY on held-out layouts (realistic, but never seen in tuning).
HELD_OUT: dict[str, list[str]] = {
    "invoice_number": ["Document No.", "Our Reference", "Inv. No."],
    "invoice_date": ["Dated", "Billing Date"],
    "due_date": ["Due On", "Please Pay By", "Payable By"],
    "abn": ["Australian Business Number", "ABN No."],
    "bill_to": ["Client", "Billed To", "Sold To"],
    "phone": ["Telephone", "Contact No."],
    "email": ["E-mail"],
    "subtotal": ["Net Total", "Total excl. GST"],
    "gst": ["GST Payable", "GST @ 10%"],
    "total": ["Grand Total", "Total Payable", "Invoice Total"],
    "payment_method": ["Pay Via", "Settlement Method"],
    "bank_name": ["Financial Institution"],
    "bsb": ["BSB Number", "Branch (BSB)"],
    "account_number": ["A/C No.", "Account #"],
    "account_name": ["A/C Name"],
    "description": ["Particulars", "Service"],
    "quantity": ["Hrs/Qty", "No."],
    "unit_price": ["Unit Cost", "Each"],
    "amount": ["Ext. Price", "Value"],
    "receipt_title": ["PURCHASE RECEIPT", "RECEIPT OF SALE"],
    "receipt_number": ["Docket No.", "Ref No.", "Txn"],
    "receipt_date": ["Sale Date", "Purchased"],
    "receipt_total": ["TOTAL AUD", "Total Paid", "Sale Total"],
    "paid_by": ["Payment Type", "Tendered"],
    "statement_title": ["Transaction Statement", "Periodic Statement"],
    "period": ["Statement Covers", "For the Period"],
    "opening": ["Balance Brought Forward", "Starting Balance"],
    "closing": ["Balance Carried Forward", "Ending Balance"],
    "account_holder": ["Customer Name", "Name(s)"],
    "txn_details": ["Particulars", "Narrative"],
    "flows": ["Money Out|Money In", "Debits|Credits"],
    "balance": ["Running Balance"],
}


class Labels:
    """Picks one wording per label for a document and keeps it (a page is consistent).

    A held-out layout prints held-out wording for about two labels in three.
    """

    def __init__(self, rng: random.Random, held_out: bool) -> None:
        self._rng, self._held_out, self._chosen = rng, held_out, {}

    def __call__(self, label: str) -> str:
        if label not in self._chosen:
            pool = TUNED[label]
            if self._held_out and label in HELD_OUT and self._rng.random() < 0.67:
                pool = HELD_OUT[label]
            self._chosen[label] = self._rng.choice(pool)
        return self._chosen[label]
