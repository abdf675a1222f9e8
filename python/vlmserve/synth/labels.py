"""Label wording: a pool of synonyms per label, split into the wording tuned layouts use,
wording only held-out layouts use, wording only the final held-out layouts add, and wording
only the exam, the blind, the sealed, the vault, the atlas or the cobalt layouts use (so
extraction rules meet unseen labels there too).

>>> import random
>>> labels = Labels(random.Random(0), split="tuned")
>>> labels("due_date") in TUNED["due_date"], labels("due_date") == labels("due_date")
(True, True)
>>> Labels(random.Random(0), split="final")("item_code") in FINAL["item_code"]
True
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


# label -> wording that appears ONLY on the final held-out layouts, drawn together with
# HELD_OUT. Labels missing from TUNED name things only those layouts print.
FINAL: dict[str, list[str]] = {
    "invoice_number": ["Invoice Ref", "Tax Invoice No."],
    "invoice_date": ["Date Issued", "Invoiced On"],
    "due_date": ["Remit By", "Due For Payment"],
    "bill_to": ["Prepared For", "Customer Details"],
    "phone": ["T", "Call"],
    "subtotal": ["Amount excl. GST", "Net Amount"],
    "gst": ["Plus GST", "Add GST 10%"],
    "total": ["Amount Payable", "Total Due"],
    "payment_method": ["Paid Via", "Method of Payment"],
    "bank_name": ["Institution", "Bank/Institution"],
    "bsb": ["BSB Code"],
    "account_number": ["Acct No.", "Account"],
    "description": ["Product", "Item Description"],
    "quantity": ["Qty Ord.", "Count"],
    "unit_price": ["Price Each", "Unit $"],
    "amount": ["Net", "Line Amount"],
    "receipt_number": ["Order No.", "Docket #"],
    "receipt_date": ["Date/Time", "Ordered"],
    "receipt_total": ["TOTAL INC GST", "Order Total"],
    "paid_by": ["Paid With", "Settled By"],
    "statement_title": ["eStatement", "Statement of Transactions"],
    "period": ["Period Covered", "Statement Dates"],
    "opening": ["Balance at Start", "Opening Bal."],
    "closing": ["Balance at End", "Closing Bal."],
    "account_holder": ["Account Owner", "Prepared For"],
    "txn_date": ["Posted", "Txn Date"],
    "txn_details": ["Transaction", "Description of Transaction"],
    "txn_amount": ["Amount ($)", "Transaction Amount"],
    "balance": ["Bal.", "Balance $"],
    "item_code": ["Item Code", "Code", "SKU", "Part No."],
    "row_gst": ["GST", "GST Amt"],
    "gst_included": ["Includes GST", "Total includes GST of", "GST included"],
    "details_heading": ["Details", "Invoice Details", "Reference"],
    "payment_heading": ["Payment Details", "Remittance Advice", "Payment Information"],
    "summary_heading": ["Account Summary", "Summary", "Your Account at a Glance"],
    "summary_flows": ["Total Debits|Total Credits", "Total Money Out|Total Money In"],
}

# label -> wording that appears ONLY on the exam layouts, drawn instead of every earlier pool
# (the exam is measured once, against wording no rule was ever tuned or checked on). Labels
# missing from TUNED name things only the exam layouts print.
EXAM: dict[str, list[str]] = {
    "invoice_title": ["Tax invoice", "Invoice"],
    "invoice_number": ["Invoice ID", "Bill No.", "Reference No."],
    "invoice_date": ["Issued", "Bill Date", "Date of invoice"],
    "due_date": ["Due by", "Pay before", "Payment expected"],
    "abn": ["ABN #", "Business No. (ABN)"],
    "bill_to": ["Bill to", "Charge to", "Invoiced to"],
    "ship_to": ["Ship to", "Deliver to", "Delivery address"],
    "phone": ["Ph.", "Phone no.", "Office"],
    "email": ["Email address", "Mail"],
    "website": ["Online", "Visit us"],
    "subtotal": ["Sub total", "Total before GST", "Excl. GST"],
    "gst": ["GST 10%", "GST amount", "Total GST"],
    "total": ["Amount due (AUD)", "Total AUD", "Invoice amount"],
    "payment_method": ["Payment by", "Payment option", "Pay using"],
    "bank_name": ["Pay into", "Banking institution"],
    "bsb": ["Branch BSB", "BSB #"],
    "account_number": ["Acct #", "A/c number", "Account no"],
    "account_name": ["Name on account", "Payee"],
    "description": ["Description of work", "Product / service", "Item & description"],
    "quantity": ["QTY", "Seats", "Quantity/Hrs"],
    "unit_price": ["Unit rate", "Price per unit", "Cost each"],
    "amount": ["Amount (AUD)", "Ext. amount", "Charge"],
    "qty_rate": ["Qty x Rate", "Hrs/Units x Rate", "Quantity @ Rate"],
    "customer_heading": ["Client details", "Customer information"],
    "customer_name": ["Name", "Customer name"],
    "customer_address": ["Address", "Postal address"],
    "customer_locality": ["Suburb", "Locality"],
    "customer_phone": ["Mobile", "Contact no."],
    "customer_email": ["Email", "E-mail address"],
    "job_heading": ["Job description", "Work performed", "Scope of works"],
    "payment_heading": ["Direct deposit", "Bank details for EFT", "Payment by direct deposit"],
    "receipt_title": ["CUSTOMER RECEIPT", "SALE RECEIPT", "Your receipt"],
    "receipt_number": ["Trans#", "Sale No.", "Transaction ID"],
    "receipt_date": ["Sold", "Date & time", "Time of sale"],
    "receipt_total": ["TOTAL DUE", "TO PAY", "TOTAL AMOUNT"],
    "gst_included": ["GST included in total", "Incl. GST", "GST component"],
    "paid_by": ["Tender type", "Pay type", "Method"],
    "statement_title": [
        "Everyday Account statement",
        "Your statement",
        "Statement of account activity",
    ],
    "period": ["Statement period", "Period of statement", "Transactions from"],
    "opening": ["Previous balance", "Balance at open", "Opening bal"],
    "closing": ["New balance", "Balance at close", "Current balance"],
    "account_holder": ["Account holder(s)", "Held by"],
    "txn_date": ["Value date", "Trans. date", "Date posted"],
    "txn_details": ["Transaction description", "Details of transaction", "Narration"],
    "flows": ["Withdrawal|Deposit", "Paid out|Paid in", "Dr|Cr"],
    "balance": ["Balance ($)", "Running bal."],
    "summary_flows": ["Total withdrawals|Total deposits", "Less debits|Plus credits"],
}

# label -> wording that appears ONLY on the blind layouts, drawn instead of every earlier
# pool (a fourth unseen family, measured once). Labels missing from TUNED name things only
# the blind layouts print.
BLIND: dict[str, list[str]] = {
    "invoice_title": ["TAX INVOICE / STATEMENT", "Tax Invoice & Account"],
    "invoice_number": ["Inv No", "Document #", "Invoice Ref. No."],
    "invoice_date": ["Inv Date", "Date raised", "Tax point"],
    "due_date": ["Terms due", "Settle by", "Pay by date"],
    "abn": ["ABN no", "Our ABN"],
    "customer_ref": ["Your ref", "Customer ref", "Order ref"],
    "phone": ["P", "Tel."],
    "email": ["Em", "Email addr"],
    "website": ["W", "Internet"],
    "subtotal": ["Fees excl. GST", "Total fees", "Net value"],
    "gst": ["GST on fees", "Add: GST", "10% GST"],
    "total": ["Total this invoice", "Please pay", "Balance owing"],
    "payment_method": ["Payment terms", "Remit via", "Preferred payment"],
    "bank_name": ["Banker", "Our bank"],
    "bsb": ["BSB no", "Bank-State-Branch"],
    "account_number": ["Acct", "Acct number"],
    "account_name": ["In the name of", "Acct name"],
    "description": ["Service description", "Work item", "Activity"],
    "quantity": ["Hours", "Qty/Hrs", "Units/Hrs"],
    "unit_price": ["Rate/hr", "Fee rate", "Unit fee"],
    "amount": ["Fee", "Value (AUD)", "Ext."],
    "party_supplier": ["Supplier", "From", "Provider"],
    "party_client": ["Client party", "To", "Recipient"],
    "party_name": ["Entity", "Party", "Name of party"],
    "party_contact": ["ABN / contact", "Registration & contact"],
    "party_address": ["Address for service", "Location"],
    "section_total": ["Section total", "Subtotal for section", "Sum of section"],
    "remittance": ["REMITTANCE ADVICE", "PAYMENT SLIP"],
    "receipt_title": ["Payment receipt", "Receipt for your order", "Online order receipt"],
    "receipt_number": ["Receipt no", "Order number", "Confirmation no."],
    "receipt_date": ["Date paid", "Paid on", "Order date"],
    "receipt_total": ["Amount paid", "Total charged", "Charged"],
    "gst_included": ["Includes GST of", "GST (incl.)", "of which GST"],
    "paid_by": ["Payment method", "Charged to", "Paid using"],
    "summary_heading": ["Your items", "Order summary", "What you bought"],
    "statement_title": [
        "Member statement",
        "Savings account statement",
        "Statement of your account",
    ],
    "member": ["Member", "Member number", "Member no."],
    "period": ["Statement for period", "Covering", "Dates covered"],
    "opening": ["Opening balance b/f", "Balance brought fwd", "Start balance"],
    "closing": ["Closing balance c/f", "Final balance", "End balance"],
    "account_holder": ["Member name", "Owner(s)"],
    "txn_date": ["When", "Eff. date", "Processed"],
    "txn_details": ["What", "Transaction narrative", "Particulars of transaction"],
    "txn_amount": ["Amount +/-", "Movement", "Debit(-)/Credit(+)"],
    "balance": ["Account balance", "Bal ($)", "Balance after"],
}

# label -> wording that appears ONLY on the sealed layouts, drawn instead of every earlier
# pool (a fifth unseen family, built without sight of any extraction rule). Labels missing
# from TUNED name things only the sealed layouts print.
SEALED: dict[str, list[str]] = {
    "invoice_title": ["TAX INVOICE - ORIGINAL", "GST Tax Invoice", "Tax Invoice (GST)"],
    "invoice_number": ["Tax Invoice #", "Invoice Num.", "Inv. Number"],
    "invoice_date": ["Date Invoiced", "Invoice Dated", "Document Date"],
    "due_date": ["Payment Due Date", "Due", "Pay On or Before"],
    "abn": ["ABN Number", "Supplier ABN", "Business ABN"],
    "bill_to": ["Bill-to", "Billing address", "Invoice recipient"],
    "ship_to": ["Deliver-to", "Delivery To", "Ship-to"],
    "phone": ["Phone Number", "Telephone No.", "Contact Ph"],
    "email": ["Contact email", "Email ID"],
    "website": ["Web address", "Homepage", "Online at"],
    "subtotal": ["Subtotal (ex GST)", "Total excluding GST", "Total ex. GST"],
    "gst": ["TOTAL GST 10%", "GST Total", "Total Tax (GST)"],
    "total": ["Amount Due AUD", "Total incl. GST", "Invoice Total AUD"],
    "payment_method": ["Payment Mode", "Preferred Method", "Paying By"],
    "bank_name": ["Bank Account With", "Banking With", "Name of Bank"],
    "bsb": ["B.S.B.", "Branch No. (BSB)"],
    "account_number": ["Acc. Number", "Account Num.", "Bank Account No."],
    "account_name": ["Acc. Name", "Account Title", "Beneficiary"],
    "description": ["Description of Goods", "Product/Service", "Goods/Services"],
    "quantity": ["Qty.", "Quantity Supplied", "Qty Shipped"],
    "unit_price": ["Unit Price (ex GST)", "Price Ex", "Rate (ex GST)"],
    "amount": ["Amount AUD", "Line Total (ex GST)", "Amount ex GST"],
    "row_gst": ["GST AUD", "Tax Amt", "GST $"],
    "gst_rate": ["GST Rate", "Tax Rate", "GST %"],
    "item_code": ["Item No.", "Product Code", "Stock Code"],
    "uom": ["UOM", "Unit", "Per"],
    "reference": ["Your Reference", "Cust. Ref.", "PO Number"],
    "customer_no": ["Customer No.", "Customer Code", "Client ID"],
    "terms": ["Terms", "Trading Terms", "Credit Terms"],
    "payment_heading": ["Payment Advice", "Remittance Details", "EFT Payment Details"],
    "receipt_title": ["Receipt / Tax Invoice", "Receipt (Customer Copy)", "POS Receipt"],
    "receipt_number": ["Receipt Number", "Sale #", "Ticket No."],
    "receipt_date": ["Transaction Date", "Sale Time", "Time"],
    "receipt_total": ["Total (AUD)", "Sale Amount", "TOTAL TO PAY"],
    "gst_included": ["Total includes GST", "GST incl. in total", "Includes 10% GST"],
    "paid_by": ["Payment Received", "Tender Method", "Paid"],
    "served_by": ["Served by", "Your server", "Staff"],
    "statement_title": [
        "Transaction Account Statement",
        "Everyday Transaction Statement",
        "Access Account Statement",
    ],
    "period": ["This statement covers", "Statement period from", "Dates of statement"],
    "opening": ["Opening account balance", "Balance at start of period", "Open Balance"],
    "closing": ["Closing account balance", "Balance at end of period", "Close Balance"],
    "account_holder": ["Account name(s)", "Account holder name", "Registered name"],
    "txn_date": ["Tran Date", "Posting Date", "Date Processed"],
    "txn_details": ["Description / Reference", "Transaction Particulars", "Details / Narrative"],
    "flows": ["Withdrawals ($)|Deposits ($)", "Debits ($)|Credits ($)", "Money out $|Money in $"],
    "balance": ["Balance AUD", "Bal. $", "Ledger Balance"],
    "summary_flows": [
        "Debits this period|Credits this period",
        "Less total debits|Plus total credits",
        "Total withdrawn|Total deposited",
    ],
    "summary_heading": ["Your Account Summary", "Summary of Account", "Account Overview"],
    "enquiries": ["Enquiries", "Contact us", "General enquiries"],
}

# label -> wording that appears ONLY on the vault layouts, drawn instead of every earlier
# pool (a sixth unseen family, built without sight of any extraction rule). Labels missing
# from TUNED name things only the vault layouts print.
VAULT: dict[str, list[str]] = {
    "invoice_title": [
        "TAX INVOICE - CUSTOMER COPY",
        "Account Tax Invoice",
        "Tax Invoice / Account",
    ],
    "invoice_number": ["Invoice Nbr", "Inv #", "Tax Inv. No."],
    "invoice_date": ["Inv. Date", "Invoice Dt", "Billed On"],
    "due_date": ["Due Dt", "Payment due by", "Amount due by"],
    "abn": ["Our A.B.N.", "ABN (GST registered)", "Australian Bus. No."],
    "phone": ["Tel No.", "Ph No.", "Phone (office)"],
    "email": ["Email us", "Accounts email", "E-mail addr."],
    "website": ["Book online", "On the web", "Web site"],
    "subtotal": ["Nett Total", "Total ex-GST", "Items total"],
    "gst": ["GST @10%", "G.S.T.", "GST charged"],
    "total": ["Total Payable Inc GST", "Total Amount (AUD)", "Invoice Total Inc GST"],
    "amount_paid": ["Paid to date", "Payments received", "Less paid"],
    "balance_due": ["Balance Due", "Amount Outstanding", "Balance to pay"],
    "payment_method": ["Payment options", "Payment made by", "Settle via"],
    "payment_heading": ["Ways to pay", "How to pay this account", "Paying your account"],
    "bank_name": ["Account held at", "Deposit bank", "Our bankers"],
    "bsb": ["BSB Nbr", "Bank BSB", "BSB (branch)"],
    "account_number": ["Account Nbr", "Bank Acct No.", "Acc #"],
    "account_name": ["Payable to", "Deposit name", "Account in name of"],
    "patient_heading": ["Patient Details", "Patient information", "Client & Patient"],
    "patient": ["Patient Name", "Patient", "Name of patient"],
    "animal": ["Animal", "Pet", "Patient (animal)"],
    "owner": ["Owner", "Pet owner", "Client name"],
    "provider_heading": ["Your provider", "Treating practitioner", "Provider details"],
    "provider_number": ["Provider No.", "Prov. No.", "Provider Number"],
    "service_date": ["Date of Service", "Service Date", "Treatment date"],
    "item_number": ["Item Nbr", "Item #", "Svc Code"],
    "service_description": ["Treatment", "Service provided", "Procedure / Item"],
    "service_quantity": ["Qty/No.", "Services", "Svc Qty"],
    "fee": ["Fee charged", "Fee each", "Scheduled fee"],
    "line_fee": ["Line fee", "Amount charged", "Charge (AUD)"],
    "row_gst": ["GST ($)", "GST Chg", "Tax $"],
    "gst_free": ["GST-free", "GST Free", "Exempt"],
    "account_code": ["Cust Acct No.", "Account Code", "Trade Acct"],
    "sold_to": ["Sold To Account", "Customer - Sold To", "Account Customer"],
    "ship_to": ["Ship To Address", "Delivery Site", "Deliver To Site"],
    "order_no": ["Sales Order", "S/O Number", "Order #"],
    "docket_no": ["Docket", "Delivery Docket", "Pick Slip No."],
    "cust_order": ["Cust Order No", "Your Order No", "Customer PO"],
    "salesperson": ["Salesperson", "Rep", "Sold By"],
    "item_code": ["Prod Code", "Product No.", "Stock No."],
    "description": ["Product Description", "Description/Item", "Item Details"],
    "quantity": ["Qty Supp", "Qty Sold", "Quan."],
    "uom": ["U/M", "Sell Unit", "UoM Code"],
    "unit_price": ["Unit Price Ex", "Price/Unit", "Sell Price"],
    "amount": ["Ext Price", "Extension", "Ext Value"],
    "terms": ["Terms of Trade", "Account Terms", "Terms & Conditions"],
    "receipt_title": ["Tax Invoice/Receipt", "TAX INVOICE - RECEIPT", "Customer Tax Invoice"],
    "receipt_number": ["Tax Inv #", "Receipt Nbr", "Txn No."],
    "receipt_date": ["Trans Time", "Printed", "Order Time"],
    "table": ["Table", "Tbl", "Table No."],
    "order": ["Order", "Check #", "Ticket"],
    "receipt_total": ["TOTAL $", "Grand Total AUD", "Total Sale"],
    "gst_included": ["GST incl in total", "This total includes GST", "Inc. GST"],
    "paid_by": ["Payment Tender", "Tendered By", "Settled"],
    "statement_title": [
        "Account Activity Statement",
        "Member Account Statement",
        "Your Account Statement",
    ],
    "period_intro": ["Your statement for", "Here is your statement for", "Statement covering"],
    "summary_heading": ["At a glance", "This period", "Your money this period"],
    "opening": ["Previous statement balance", "Start of period", "You started with"],
    "closing": ["End of period balance", "You ended with", "Statement closing balance"],
    "card_flows": ["Money in|Money out", "Total in|Total out", "Incoming|Outgoing"],
    "account_holder": ["Account holder/s", "Primary holder", "Held in the name of"],
    "member_number": ["Membership No.", "Member ID", "Customer number"],
    "account_type": ["Account type", "Product name", "Account product"],
    "txn_date": ["Post date", "Date of txn", "Booked"],
    "txn_details": ["Merchant / details", "Transaction info", "Payee / payer"],
    "txn_amount": ["Txn amount ($)", "$ Amount", "Debit/credit"],
    "balance": ["Bal after txn", "Running total", "Available after"],
    "enquiries": ["Questions? Call", "Need help?", "Get in touch"],
}

# --- atlas split ---------------------------------------------------------------------------
# label -> wording that appears ONLY on the atlas layouts, drawn instead of every earlier
# pool (a seventh unseen family, built without sight of any extraction rule): a utility bill,
# a freelancer's invoice, an online order confirmation and an online-banking statement.
# Labels missing from TUNED name things only the atlas layouts print.
ATLAS: dict[str, list[str]] = {
    "invoice_title": ["Tax Invoice / Bill", "Your bill", "Tax invoice for services"],
    "invoice_number": ["Bill number", "Invoice no", "Tax invoice no"],
    "invoice_date": ["Date of bill", "Invoice issued", "Bill issued"],
    "due_date": ["Payment due date:", "Pay on or by", "Due date for payment"],
    "abn": ["ABN:", "ABN no:", "A.B.N"],
    "bill_to": ["Bill to:", "Invoice to:", "Billed to:"],
    "phone": ["Mob", "M:", "Phone:"],
    "email": ["Email:", "e:", "Email me at"],
    "website": ["www", "Website:", "Find us online"],
    "subtotal": ["Total charges (excl. GST)", "Subtotal ex GST", "Sub-total (ex GST)"],
    "gst": ["GST (10%) on charges", "Plus GST 10%", "GST on charges"],
    "total": ["Total charges incl. GST", "Total amount due", "Invoice total (AUD)"],
    "payment_method": ["Pay by method", "Payment method:", "Payment via"],
    "bank_name": ["Bank:", "Bank name:", "Financial institution name"],
    "bsb": ["BSB:", "BSB no:", "BSB number:"],
    "account_number": ["Account no:", "Account number:", "Acct no"],
    "account_name": ["Account name:", "Name of account", "Acct name:"],
    "description": ["Work description", "Task / item", "Description of services"],
    "quantity": ["Hours / qty", "Hrs", "Hours/Units"],
    "unit_price": ["Rate ($)", "Hourly rate / fee", "Fee / rate"],
    "charge_description": ["Charge description", "Details of charge", "Charge type"],
    "usage_quantity": ["Quantity used", "Usage", "Units used"],
    "rate": ["Unit rate ($)", "Tariff rate", "Rate per unit"],
    "amount": ["Amount $", "Cost ($)", "Line amount ($)"],
    "from": ["From:", "Invoice from", "Issued by"],
    "project": ["Project:", "Job reference", "Job"],
    "terms_intro": [
        "Payment terms: {days} days. Please pay by {due} to the account below.",
        "Please pay within {days} days (by {due}) by direct transfer.",
        "Terms: {days} days from the invoice date, due {due}.",
    ],
    "thanks": [
        "Thanks for your business!",
        "Thank you - it was a pleasure working with you.",
        "Cheers, and thanks for the work.",
    ],  # fmt: skip
    "pay_reference": ["Payment reference", "Please use reference", "Ref. to quote"],
    "customer_account": ["Customer account no", "Your account number", "Account no. (customer)"],
    "bill_summary": ["Summary of this bill", "Your bill at a glance", "Bill summary"],
    "billing_period": ["Billing period", "Period of supply", "Supply period"],
    "supply_address": ["Supply address", "Service address", "Premises"],
    "amount_due": ["Amount due now", "Total amount to pay", "Please pay this amount"],
    "previous_bill": ["Previous bill", "Last bill amount", "Your last bill"],
    "payment_received": [
        "Payment received - thank you",
        "Payments since last bill",
        "Less payment received",
    ],  # fmt: skip
    "new_charges": ["New charges", "This bill's charges", "Charges this period"],
    "charges_heading": ["Your charges", "Charges this bill", "Details of your charges"],
    "slip_heading": [
        "Payment advice - detach and return",
        "Ways to pay this bill",
        "Tear off and pay",
    ],  # fmt: skip
    "biller_code": ["Biller code", "BPAY biller code", "Biller Code:"],
    "bpay_ref": ["Ref:", "Customer reference no", "BPAY ref"],
    "transfer": ["Bank transfer", "Pay by bank transfer", "Direct transfer"],
    "order_title": ["Order confirmation", "Thanks for your order!", "Your order receipt"],
    "receipt_number": ["Order no", "Order reference", "Order No:"],
    "receipt_date": ["Placed on", "Order placed", "Date ordered"],
    "ship_to": ["Delivering to", "Shipping to", "Delivery address:"],
    "bill_address": ["Billing info", "Billing details", "Billing address:"],
    "order_summary": ["In this order", "Items in this order", "What you ordered"],
    "order_subtotal": ["Items subtotal", "Merchandise subtotal", "Subtotal (excl. GST)"],
    "order_gst": ["GST portion", "GST (10 per cent)", "Goods and Services Tax"],
    "shipping": ["Shipping", "Delivery", "Standard shipping"],
    "free": ["Free", "FREE", "$0.00 (free)"],
    "receipt_total": ["Total charged to card", "Order total (AUD)", "Grand total (AUD)"],
    "gst_included": ["This order includes GST of", "GST included:", "Incl. GST of"],
    "paid_by": ["Payment info", "Paid with card", "Payment type:"],
    "statement_title": ["Transaction history", "Account transactions", "Transaction listing"],
    "period": ["Transactions between", "Showing transactions", "Date range"],
    "opening": ["Opening balance (AUD)", "Opening bal. (AUD)", "Brought forward (opening)"],
    "closing": ["Closing balance (AUD)", "Closing bal. (AUD)", "Carried forward (closing)"],
    "account_holder": ["Account holder:", "Account owner(s)", "Account owned by"],
    "nickname": ["Nickname", "Account nickname", "Your name for this account"],
    "product": ["Product:", "Account product type", "Type of account"],
    "txn_date": ["Effective date", "Date processed:", "Txn posted"],
    "txn_details": ["Transaction text", "What happened", "Txn details"],
    "flows": ["Debit ($)|Credit ($)", "Debit amount|Credit amount", "Debit AUD|Credit AUD"],
    "balance": ["Balance (AUD)", "Account bal.", "Balance after txn ($)"],
    "interest_rate": ["Interest rate", "Current rate p.a.", "Variable rate"],
    "printed": ["Printed on", "Exported", "Generated"],
}

# --- cobalt split --------------------------------------------------------------------------
# label -> wording that appears ONLY on the cobalt layouts, drawn instead of every earlier
# pool (an eighth unseen family, built without sight of any extraction rule): a workshop's
# invoice, a hotel's guest folio, a chemist's docket and a credit card statement. Labels
# missing from TUNED name things only the cobalt layouts print.
COBALT: dict[str, list[str]] = {
    "invoice_title": ["TAX INVOICE / JOB CARD", "Workshop Tax Invoice", "Repair Tax Invoice"],
    "invoice_number": ["Invoice No:", "Invoice Ref.", "Tax Invoice No:"],
    "invoice_date": ["Invoice Date:", "Invoice Date -", "Date of this invoice"],
    "due_date": ["Due Date:", "Payment due:", "Payment required by"],
    "abn": ["ABN#", "A.B.N.:", "ABN (reg.)"],
    "phone": ["Phone No", "P:", "Telephone:"],
    "email": ["Email addr:", "Reservations email", "Email to"],
    "website": ["Web:", "Visit us at", "Online:"],
    "subtotal": ["SubTotal", "Total (excl GST)", "Nett amount"],
    "gst": ["GST 10% amount", "Plus G.S.T.", "GST @10 percent"],
    "total": ["Amount Due AUD $", "Total Invoice", "TOTAL INC. GST"],
    "amount_paid": ["Paid today", "Amount received", "Less amount paid"],
    "balance_due": ["Balance due now", "Balance owing:", "Balance remaining"],
    "payment_method": ["Paid via:", "Payment made via", "Payment received by"],
    "payment_heading": ["Direct deposit details", "Remit payment to", "Pay by EFT to"],
    "bank_name": ["Bank name", "Bank / branch", "Bankers"],
    "bsb": ["BSB Nbr.", "BSB#", "BSB no.:"],
    "account_number": ["A/C #", "A/C Nbr", "A/C No:"],
    "account_name": ["A/C name:", "A/C title", "Account held by"],
    "terms": [
        "Payment strictly {days} days from date of invoice.",
        "Trading terms: {days} days. Overdue accounts may incur a fee.",
        "Terms: payment within {days} days.",
    ],
    "paid_terms": [
        "Payment is due on collection of the vehicle.",
        "All repairs are payable on completion.",
        "Vehicles are released on payment in full.",
    ],
    # workshop
    "job_card": ["Job Card No.", "Job No.", "Work Order"],
    "vehicle_heading": ["Vehicle Details", "Vehicle", "Vehicle Information"],
    "rego": ["Rego", "Registration", "Reg No."],
    "make_model": ["Make / Model", "Vehicle make & model", "Make & Model"],
    "odometer": ["Odometer", "Odo (km)", "Kms"],
    "vin": ["VIN", "Chassis / VIN", "VIN No."],
    "customer_heading": ["Customer / Owner", "Vehicle owner", "Customer"],
    "parts_heading": ["Parts", "Parts Supplied", "Parts & Materials"],
    "labour_heading": ["Labour", "Labour Charges", "Workshop Labour"],
    "part_no": ["Part Code", "Part #", "Part Number"],
    "part_description": ["Part Description", "Parts Description", "Part"],
    "part_qty": ["Qty Used", "Qnty", "Qty supplied"],
    "part_price": ["Price ea.", "Unit price (ex)", "Each $"],
    "line_amount": ["Line Total", "Total ($)", "Line amt"],
    "labour_description": ["Work Done", "Labour Description", "Work Carried Out"],
    "hours": ["Labour Hrs", "Hrs.", "Time (hrs)"],
    "hourly_rate": ["$/Hr", "Hourly Rate", "Labour Rate"],
    "technician": ["Technician", "Mechanic", "Serviced by"],
    "next_service": ["Next service due", "Next service", "Service due next"],
    # hotel folio
    "folio_title": [
        "Guest Folio / Tax Invoice",
        "TAX INVOICE - GUEST FOLIO",
        "Tax Invoice (Folio)",
    ],
    "folio_number": ["Folio No.", "Folio Number", "Folio #"],
    "folio_date": ["Folio Date", "Invoice Date:", "Date Printed"],
    "guest": ["Guest", "Guest Name", "Guest:"],
    "confirmation": ["Confirmation #", "Booking Ref.", "Reservation #"],
    "arrival": ["Arrival", "Check-in", "Arrival Date"],
    "departure": ["Departure", "Check-out", "Departure Date"],
    "room_number": ["Room", "Room No.", "Room Number"],
    "room_type": ["Room Type", "Accommodation", "Room Category"],
    "adults": ["Adults", "Guests", "No. of Guests"],
    "charge_date": ["Date", "Date of charge", "Charge Date"],
    "charge_description": ["Charge Details", "Description", "Item / Service"],
    "charge_qty": ["Nights/Qty", "Nts/Qty", "Units"],
    "charge_price": ["Rate", "Price", "Rate ea."],
    "charge_amount": ["Charges", "Amount", "Debit"],
    "payments_heading": ["Payments", "Less payments", "Payment(s)"],
    "balance": ["Folio Balance Due", "Folio balance", "Balance Due:"],
    "gst_note": [
        "This folio includes GST of",
        "GST included in the total above:",
        "Total GST payable:",
    ],
    "thanks_stay": [
        "Thank you for staying with us. We hope to welcome you back soon.",
        "Thank you for your stay - safe travels!",
        "We hope you enjoyed your stay.",
    ],
    # docket
    "receipt_title": ["*** TAX INVOICE ***", "Tax Invoice / Receipt", "RETAIL TAX INVOICE"],
    "receipt_number": ["Trans", "Transaction No.", "Trans #"],
    "receipt_date": ["Date:", "Sale date/time", "Dt/Tm"],
    "register": ["Reg", "Register", "Till"],
    "operator": ["Operator", "Operator ID", "Cashier"],
    "receipt_total": ["TOTAL $AUD", "TOTAL SALE $", "AMOUNT DUE"],
    "gst_included": ["GST incl", "GST incl.", "*GST incl. in total"],
    "savings": ["YOU SAVED", "Your savings today", "Total savings"],
    "gst_free_note": [
        "# denotes GST-free item",
        "Items marked # are GST free",
        "# = GST free",
    ],
    "paid_by": ["Tendered:", "Tender:", "Payment tendered"],
    "change": ["Change", "CHANGE DUE", "Change given"],
    "items_count": ["Items", "No. of items", "Item count"],
    # credit card statement
    "statement_title": ["Credit Card Statement", "Your Credit Card Statement", "Card Statement"],
    "period": ["Statement begins", "Statement Period:", "Statement from"],
    "card_number": ["Card number", "Card No.", "Card Number:"],
    "card_holder": ["Card holder", "Cardholder", "Primary cardholder"],
    "summary_heading": ["Your card summary", "Statement summary", "Card account summary"],
    "opening": ["Opening balance", "Previous balance:", "Balance from last statement"],
    "payments_credits": ["Payments & credits", "Less payments and credits", "Credits"],
    "purchases": ["Purchases", "Plus purchases", "New purchases & debits"],
    "interest_fees": ["Interest & fees", "Plus interest and fees", "Interest and charges"],
    "closing": ["Closing balance", "Closing Balance:", "New balance owing"],
    "min_payment": ["Minimum payment due", "Minimum Payment", "Minimum amount due"],
    "payment_due": ["Pay in full by", "Due date", "Please pay by:"],
    "credit_limit": ["Credit limit", "Your credit limit", "Credit Limit:"],
    "available": ["Available credit", "Available to spend", "Available balance"],
    "txn_date": ["Date of purchase", "Date of transaction", "Trans date"],
    "post_date": ["Post dt", "Posted on", "Processed on"],
    "txn_details": ["Transaction details", "Merchant details", "Transaction / merchant"],
    "txn_amount": ["Amount (A$)", "Amount (A$)", "Debit / (Credit)"],
    "slip_heading": ["Payment slip - detach here", "How to pay", "Payment remittance"],
    "biller_code": ["BPAY Biller", "BPAY Biller code:", "Biller no."],
    "bpay_ref": ["Ref", "Reference number", "Your BPAY ref"],
    "enquiries": ["Card enquiries", "Questions? Call us on", "Card services"],
}

# How often a label with unseen wording prints it instead of tuned wording, per split.
UNSEEN_SHARE = {
    "held-out": 0.67,
    "final": 0.8,
    "exam": 0.8,
    "blind": 0.8,
    "sealed": 0.8,
    "vault": 0.8,
    "atlas": 0.8,
    "cobalt": 0.8,
}


class Labels:
    """Picks one wording per label for a document and keeps it (a page is consistent).

    ``split`` is the layout's: a ``held-out`` layout prints HELD_OUT wording for about two
    labels in three, a ``final`` one HELD_OUT or FINAL wording for four in five, an
    ``exam`` one EXAM wording (only) for four in five, a ``blind`` one BLIND wording (only)
    for four in five, a ``sealed`` one SEALED wording (only) for four in five, a ``vault``
    one VAULT wording (only) for four in five, an ``atlas`` one ATLAS wording (only) for
    four in five, a ``cobalt`` one COBALT wording (only) for four in five.
    """

    def __init__(self, rng: random.Random, split: str) -> None:
        self._rng, self._split, self._chosen = rng, split, {}

    def __call__(self, label: str) -> str:
        if label not in self._chosen:
            self._chosen[label] = self._rng.choice(self._pool(label))
        return self._chosen[label]

    def _pool(self, label: str) -> list[str]:
        own = {"exam": EXAM, "blind": BLIND, "sealed": SEALED, "vault": VAULT}
        own["atlas"], own["cobalt"] = ATLAS, COBALT
        if self._split in own:
            unseen = own[self._split].get(label, [])
        else:
            unseen = HELD_OUT.get(label, [])
        if self._split == "final":
            unseen = unseen + FINAL.get(label, [])
        if label not in TUNED:
            return unseen
        # The draw happens only for labels with unseen wording: the held-out pages of a
        # seed stay byte-identical to those rendered before FINAL existed.
        if unseen and self._split != "tuned" and self._rng.random() < UNSEEN_SHARE[self._split]:
            return unseen
        return TUNED[label]
