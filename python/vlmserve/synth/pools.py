"""Word pools for realistic Australian document content: places, people, trades, banks.

Plain data, no logic. Item entries are ``(description, low price, high price, quantities)``
with prices ex GST in dollars; ``quantities`` are the counts a real line of that item shows.
"""

from __future__ import annotations

# (suburb, state, postcode): real combinations, so an address reads as a real one.
LOCALITIES = [
    ("Sydney", "NSW", "2000"),
    ("Parramatta", "NSW", "2150"),
    ("Chatswood", "NSW", "2067"),
    ("Newcastle", "NSW", "2300"),
    ("Wollongong", "NSW", "2500"),
    ("Penrith", "NSW", "2750"),
    ("Melbourne", "VIC", "3000"),
    ("Fitzroy", "VIC", "3065"),
    ("Geelong", "VIC", "3220"),
    ("Box Hill", "VIC", "3128"),
    ("Ballarat", "VIC", "3350"),
    ("Brisbane City", "QLD", "4000"),
    ("Fortitude Valley", "QLD", "4006"),
    ("Southport", "QLD", "4215"),
    ("Toowoomba", "QLD", "4350"),
    ("Cairns", "QLD", "4870"),
    ("Adelaide", "SA", "5000"),
    ("Glenelg", "SA", "5045"),
    ("Perth", "WA", "6000"),
    ("Subiaco", "WA", "6008"),
    ("Fremantle", "WA", "6160"),
    ("Hobart", "TAS", "7000"),
    ("Launceston", "TAS", "7250"),
    ("Braddon", "ACT", "2612"),
    ("Belconnen", "ACT", "2617"),
    ("Darwin", "NT", "0800"),
]

STREETS = [
    "George", "Pitt", "Harbour", "King", "Queen", "Victoria", "Albert", "Church", "High",
    "Station", "Railway", "Bridge", "Park", "Smith", "Elizabeth", "Collins", "Hunter",
    "Macquarie", "Oxford", "Bay", "Beach", "Main", "Mill", "Wattle", "Banksia", "Gum Tree",
]  # fmt: skip
STREET_TYPES = ["St", "Street", "Rd", "Road", "Ave", "Parade", "Lane", "Drive", "Crescent"]

FIRST_NAMES = [
    "Olivia", "Jack", "Charlotte", "William", "Amelia", "Noah", "Isla", "Thomas", "Mia",
    "James", "Ava", "Lachlan", "Grace", "Oliver", "Chloe", "Liam", "Sophie", "Ethan", "Ruby",
    "Cooper", "Priya", "Wei", "Minh", "Aisha", "Daniel", "Hannah", "Lucas", "Zoe",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin",
    "White", "Anderson", "Walker", "Thompson", "Kelly", "Chen", "Patel", "Ryan", "Murphy",
    "Campbell", "Mitchell", "OConnor", "Russo", "Papadopoulos", "Singh", "Wang", "Harris",
]  # fmt: skip
EMAIL_DOMAINS = ["gmail.com", "outlook.com", "bigpond.com", "hotmail.com", "icloud.com"]

# Business customers of an invoice (payer names that are companies, not people).
CLIENT_NAMES = [
    "Harbourside Dental", "Coastal Property Group", "Summit Legal", "Greenfield Childcare",
    "Blue Gum Physiotherapy", "Redback Logistics", "Southern Cross Realty", "Kookaburra Kids",
    "Brightside Accounting", "Ironbark Constructions", "Saltwater Cafe", "Outback Motors",
]  # fmt: skip

BUSINESS_SUFFIXES = ["Pty Ltd", "Pty Ltd", "Pty. Ltd.", "& Co", "Services", "Group"]

# Trades that send invoices: name words and what they bill for.
INVOICE_TRADES = {
    "Plumbing": [
        ("Call-out fee", 80, 150, [1]),
        ("Labour (per hour)", 95, 140, [1, 1.5, 2, 3, 4]),
        ("Copper pipe 15mm x 3m", 28, 45, [1, 2, 4]),
        ("Hot water system service", 180, 320, [1]),
        ("Replace tap washers", 35, 60, [1, 2, 3]),
        ("Blocked drain clearing", 220, 390, [1]),
        ("PVC elbow 90mm", 6, 12, [2, 4, 6]),
    ],
    "Electrical": [
        ("Safety switch (RCD) installation", 160, 260, [1]),
        ("LED downlight supply and fit", 45, 75, [4, 6, 8, 10]),
        ("Double power point installation", 90, 140, [1, 2, 3]),
        ("Switchboard inspection", 120, 200, [1]),
        ("Labour (per hour)", 90, 130, [1, 2, 2.5, 3]),
        ("Smoke alarm 240V", 70, 110, [1, 2, 3]),
    ],
    "IT Solutions": [
        ("Managed IT services - monthly", 450, 1200, [1]),
        ("Microsoft 365 Business Standard licence", 18, 25, [5, 8, 12, 20]),
        ("On-site support (hours)", 120, 180, [1, 2, 3.5, 4]),
        ("Laptop setup and configuration", 90, 150, [1, 2, 3]),
        ("Network switch 24-port", 280, 520, [1]),
        ("Cloud backup monitoring", 40, 90, [1, 3]),
    ],
    "Cleaning": [
        ("Office cleaning - weekly service", 180, 420, [1, 4]),
        ("Carpet steam clean (per room)", 45, 80, [2, 3, 5]),
        ("Window cleaning - external", 150, 300, [1]),
        ("Bathroom sanitation", 60, 110, [1, 2]),
        ("Consumables restock", 30, 75, [1]),
    ],
    "Landscaping": [
        ("Lawn mowing and edging", 60, 120, [1, 2, 4]),
        ("Hedge trimming", 80, 160, [1]),
        ("Green waste removal (m3)", 55, 90, [1, 2, 3]),
        ("Mulch supply and spread (m3)", 70, 110, [2, 3, 4]),
        ("Irrigation repair", 120, 240, [1]),
    ],
    "Print & Design": [
        ("Business cards (500)", 60, 120, [1, 2]),
        ("A5 flyers full colour (1000)", 140, 260, [1, 2]),
        ("Logo design", 350, 900, [1]),
        ("Vinyl banner 2m x 1m", 90, 160, [1, 2]),
        ("Graphic design (hours)", 80, 130, [1, 2, 3]),
    ],
    "Accounting": [
        ("Individual tax return preparation", 180, 350, [1, 2]),
        ("BAS lodgement - quarterly", 250, 450, [1]),
        ("Bookkeeping (hours)", 65, 110, [2, 4, 6]),
        ("Payroll processing - monthly", 120, 260, [1]),
        ("Financial statements", 900, 1800, [1]),
    ],
}

# Shops that give receipts: short descriptions that fit a till roll.
RECEIPT_SHOPS = {
    "Cafe": [
        ("Flat White", 4.5, 5.5, [1, 2, 3]),
        ("Long Black", 4.0, 5.0, [1, 2]),
        ("Cappuccino", 4.5, 5.5, [1, 2]),
        ("Banana Bread", 5.0, 7.0, [1, 2]),
        ("Avocado Toast", 14.0, 19.0, [1]),
        ("Ham Cheese Croissant", 8.0, 11.0, [1, 2]),
        ("Iced Latte", 6.0, 7.5, [1]),
        ("Big Breakfast", 21.0, 26.0, [1]),
    ],
    "Grocer": [
        ("Milk 2L", 3.1, 4.2, [1, 2]),
        ("Wholemeal Bread", 3.5, 5.5, [1]),
        ("Bananas 1kg", 3.5, 4.9, [1, 2]),
        ("Eggs Free Range 12", 6.0, 8.5, [1]),
        ("Cheddar Cheese 500g", 7.0, 10.0, [1]),
        ("Coffee Beans 1kg", 25.0, 38.0, [1]),
        ("Pasta 500g", 1.5, 3.5, [2, 3]),
        ("Olive Oil 750ml", 9.0, 14.0, [1]),
    ],
    "Hardware": [
        ("Screws 8g x 30mm", 6.0, 12.0, [1, 2]),
        ("Paint Roller Kit", 14.0, 25.0, [1]),
        ("Masking Tape 24mm", 3.5, 6.0, [2, 3]),
        ("Cable Ties 100pk", 5.0, 9.0, [1]),
        ("Sandpaper 120 Grit", 4.0, 8.0, [2, 5]),
        ("Extension Lead 10m", 18.0, 32.0, [1]),
        ("Wood Glue 250ml", 7.0, 12.0, [1]),
    ],
    "Pharmacy": [
        ("Paracetamol 20pk", 3.0, 6.0, [1, 2]),
        ("Sunscreen SPF50 200ml", 12.0, 20.0, [1]),
        ("Adhesive Bandages", 4.5, 8.0, [1]),
        ("Vitamin C 60 Tabs", 10.0, 18.0, [1]),
        ("Hand Sanitiser 500ml", 5.0, 9.0, [1, 2]),
    ],
}
SHOP_NAMES = ["Harbourview", "Eastside", "Corner", "Main Street", "Bayside", "Northside", "Village"]

# (name, website, BSB prefix, account-number digits, enquiries phone as printed)
BANKS = [
    ("Commonwealth Bank", "commbank.com.au", "06", 8, "13 22 21"),
    ("Westpac", "westpac.com.au", "73", 6, "132 032"),
    ("ANZ", "anz.com.au", "01", 9, "13 13 14"),
    ("NAB", "nab.com.au", "08", 9, "13 22 65"),
    ("Bendigo Bank", "bendigobank.com.au", "633", 9, "1300 236 344"),
    ("ING", "ing.com.au", "923", 8, "133 464"),
    ("St.George Bank", "stgeorge.com.au", "11", 9, "13 33 30"),
    ("Bank of Queensland", "boq.com.au", "12", 9, "1300 55 72 72"),
]

# Statement transaction descriptions: (text, credit?) with a typical amount range.
TRANSACTIONS = [
    ("EFTPOS Purchase WOOLWORTHS", False, 20, 180),
    ("EFTPOS Purchase COLES", False, 15, 160),
    ("Direct Credit SALARY", True, 1800, 4200),
    ("Transfer to Savings", False, 100, 800),
    ("ATM Withdrawal", False, 20, 300),
    ("BPAY ORIGIN ENERGY", False, 90, 420),
    ("Direct Debit TELSTRA", False, 45, 130),
    ("Visa Purchase AMAZON AU", False, 12, 250),
    ("Transfer from J SMITH", True, 50, 600),
    ("Interest Credit", True, 0.5, 12),
    ("Direct Debit GYM MEMBERSHIP", False, 15, 40),
    ("Osko Payment RENT", False, 400, 950),
    ("Monthly Account Fee", False, 4, 10),
]

INVOICE_PAYMENT_METHODS = ["EFT", "Bank Transfer", "Direct Deposit", "Credit Card"]
BANK_PAYMENT_METHODS = {"EFT", "Bank Transfer", "Direct Deposit"}
RECEIPT_PAYMENT_METHODS = ["EFTPOS", "VISA", "Mastercard", "Cash", "Amex"]
