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

# Health and allied-health practices (the vault split's practice invoice): name words, and
# (description, low, high, quantities) of what they bill for. Services are GST-free where a
# practice's services are (dental, physiotherapy); products and a vet's services are not.
HEALTH_PRACTICES = {
    "Dental": [
        ("Comprehensive oral examination", 60, 95, [1]),
        ("Periodic oral examination", 50, 75, [1]),
        ("Removal of plaque and calculus", 110, 160, [1]),
        ("Topical fluoride application", 30, 45, [1]),
        ("Intraoral periapical radiograph", 40, 60, [1, 2]),
        ("Bitewing radiographs", 60, 90, [1]),
        ("Adhesive restoration - 1 surface", 140, 210, [1, 2]),
        ("Fissure sealing - per tooth", 45, 70, [2, 4]),
        ("Electric toothbrush", 70, 140, [1]),
        ("Interdental brushes (pack)", 8, 14, [1, 2]),
    ],
    "Physiotherapy": [
        ("Initial consultation", 95, 130, [1]),
        ("Standard consultation", 80, 110, [1]),
        ("Extended consultation", 120, 160, [1]),
        ("Dry needling", 20, 35, [1]),
        ("Clinical pilates session", 45, 70, [1, 4]),
        ("Hydrotherapy session", 55, 80, [1]),
        ("Kinesiology tape roll", 14, 22, [1, 2]),
        ("Resistance band - medium", 12, 20, [1]),
        ("Reusable heat pack", 18, 30, [1]),
    ],
    "Veterinary": [
        ("Consultation - standard", 75, 110, [1]),
        ("C5 vaccination", 95, 140, [1]),
        ("Heartworm injection", 90, 160, [1]),
        ("Nail clip", 20, 30, [1]),
        ("Microchip implant", 55, 85, [1]),
        ("Flea and worm treatment", 25, 45, [1, 3]),
        ("Dental scale and polish", 380, 620, [1]),
        ("Prescription diet 2kg", 35, 60, [1, 2]),
    ],
}
# description -> item number a practice prints (dental ADA codes, clinic codes)
HEALTH_ITEM_NUMBERS = {
    "Comprehensive oral examination": "011",
    "Periodic oral examination": "012",
    "Removal of plaque and calculus": "114",
    "Topical fluoride application": "121",
    "Intraoral periapical radiograph": "022",
    "Bitewing radiographs": "025",
    "Adhesive restoration - 1 surface": "521",
    "Fissure sealing - per tooth": "161",
    "Electric toothbrush": "PRD01",
    "Interdental brushes (pack)": "PRD07",
    "Initial consultation": "PT100",
    "Standard consultation": "PT200",
    "Extended consultation": "PT210",
    "Dry needling": "PT560",
    "Clinical pilates session": "PT700",
    "Hydrotherapy session": "PT800",
    "Kinesiology tape roll": "RTL12",
    "Resistance band - medium": "RTL31",
    "Reusable heat pack": "RTL40",
    "Consultation - standard": "CON1",
    "C5 vaccination": "VAC5",
    "Heartworm injection": "HWI12",
    "Nail clip": "NC01",
    "Microchip implant": "MIC1",
    "Flea and worm treatment": "PAR3",
    "Dental scale and polish": "DEN2",
    "Prescription diet 2kg": "FD200",
}
# products a practice sells (taxable); every other dental or physiotherapy line is GST-free
HEALTH_PRODUCTS = {
    "Electric toothbrush", "Interdental brushes (pack)", "Kinesiology tape roll",
    "Resistance band - medium", "Reusable heat pack",
}  # fmt: skip
HEALTH_NAMES = {
    "Dental": ["Dental", "Family Dental", "Dental Care", "Dental Studio"],
    "Physiotherapy": ["Physiotherapy", "Physio & Sports Injury", "Physiotherapy Centre"],
    "Veterinary": ["Veterinary Clinic", "Vet Hospital", "Animal Hospital"],
}
PRACTITIONERS = {
    "Dental": ["Dentist", "Dental Surgeon", "Oral Health Therapist"],
    "Physiotherapy": ["Physiotherapist", "Sports Physiotherapist"],
    "Veterinary": ["Veterinarian", "Veterinary Surgeon"],
}
PET_NAMES = ["Bella", "Max", "Coco", "Charlie", "Luna", "Milo", "Daisy", "Rosie", "Ollie"]
SPECIES = ["Canine", "Feline", "Dog", "Cat"]

# A trade supplier's catalogue (the vault split's account invoice): (description, low, high,
# quantities), with the unit its point-of-sale system prints for each line.
TRADE_SUPPLIES = [
    ("Treated Pine 90x45 H3 4.8m", 18, 32, [2, 4, 6, 10]),
    ("Plasterboard 10mm 2400x1200", 16, 24, [4, 8, 12]),
    ("Cement GP 20kg", 9, 14, [2, 5, 10]),
    ("Merbau Decking 90x19", 6.5, 9.8, [24, 36.5, 48]),
    ("Batten Screws 14g x 75mm 100pk", 28, 42, [1, 2]),
    ("Galv Flat Head Nails 75mm 1kg", 9, 15, [1, 2, 3]),
    ("Construction Adhesive 375ml", 7, 11, [4, 6, 12]),
    ("PVC Pipe DWV 100mm x 6m", 38, 60, [1, 2, 3]),
    ("Builders Plastic 4m x 50m", 85, 130, [1]),
    ("Concrete Mix 20kg", 8, 12, [10, 20, 30]),
    ("Cornice Cove 90mm 4.2m", 9, 14, [6, 10]),
    ("Joist Hanger 90mm Galv", 2.5, 4.5, [10, 20]),
    ("Silicone Sealant Clear 300g", 8, 14, [2, 4]),
    ("Copper Pipe 15mm x 5.5m", 48, 75, [1, 2]),
    ("Paint Interior Low Sheen 10L", 120, 190, [1, 2]),
    ("Sand Paving 0.5m3", 55, 85, [1, 2]),
]
TRADE_UNITS = {
    "Treated Pine 90x45 H3 4.8m": "EA", "Plasterboard 10mm 2400x1200": "SHT",
    "Cement GP 20kg": "BAG", "Merbau Decking 90x19": "LM",
    "Batten Screws 14g x 75mm 100pk": "PKT", "Galv Flat Head Nails 75mm 1kg": "BOX",
    "Construction Adhesive 375ml": "EA", "PVC Pipe DWV 100mm x 6m": "LEN",
    "Builders Plastic 4m x 50m": "RL", "Concrete Mix 20kg": "BAG",
    "Cornice Cove 90mm 4.2m": "LEN", "Joist Hanger 90mm Galv": "EA",
    "Silicone Sealant Clear 300g": "EA", "Copper Pipe 15mm x 5.5m": "LEN",
    "Paint Interior Low Sheen 10L": "TIN", "Sand Paving 0.5m3": "BAG",
}  # fmt: skip
TRADE_SUPPLIERS = ["Building Supplies", "Hardware & Timber", "Trade Centre", "Timber & Hardware"]
TRADE_CUSTOMERS = ["Constructions", "Building Services", "Carpentry", "Renovations", "Plumbing"]

# Hospitality venues (the vault split's thermal receipt): (description, low, high,
# quantities), prices ex GST like every item pool; short enough for a roll; fuel by the litre.
HOSPITALITY = {
    "Cafe": [
        ("Flat White", 4.0, 5.0, [1, 2, 3]),
        ("Cappuccino Lge", 4.8, 5.8, [1, 2]),
        ("Chai Latte", 4.8, 5.8, [1]),
        ("Eggs Benedict", 19.0, 24.0, [1, 2]),
        ("Smashed Avo", 17.0, 22.0, [1]),
        ("Toasted Banana Bread", 6.0, 8.0, [1, 2]),
        ("Fresh OJ", 6.5, 8.0, [1, 2]),
    ],
    "Restaurant": [
        ("Garlic Bread", 8.0, 11.0, [1, 2]),
        ("Salt Pepper Squid", 18.0, 24.0, [1]),
        ("Chicken Parmigiana", 25.0, 31.0, [1, 2]),
        ("Barramundi Fillet", 32.0, 39.0, [1]),
        ("Scotch Fillet 300g", 38.0, 46.0, [1, 2]),
        ("House Red Glass", 9.0, 12.0, [1, 2, 3]),
        ("Pale Ale Schooner", 8.0, 10.0, [2, 3, 4]),
        ("Sticky Date Pudding", 12.0, 15.0, [1, 2]),
    ],
    "Roadhouse": [
        ("Unleaded 91", 1.72, 2.05, [31.84, 38.2, 45.07, 52.63]),
        ("Premium 98", 1.95, 2.25, [28.41, 36.9, 44.12]),
        ("Diesel", 1.85, 2.15, [40.55, 61.2, 72.36]),
        ("Coffee Large", 4.2, 5.2, [1, 2]),
        ("Steak Pie", 5.5, 7.5, [1, 2]),
        ("Water 600ml", 2.8, 3.8, [1, 2]),
        ("Car Wash Express", 12.0, 18.0, [1]),
    ],
}
FUELS = {"Unleaded 91", "Premium 98", "Diesel"}
HOSPITALITY_NAMES = {
    "Cafe": ["Cafe", "Espresso", "Coffee House", "Kitchen"],
    "Restaurant": ["Bistro", "Hotel Bistro", "Grill", "Restaurant & Bar"],
    "Roadhouse": ["Roadhouse", "Service Centre", "Fuel & Food"],
}
HOSPITALITY_PAYMENT_METHODS = ["EFTPOS", "VISA", "Mastercard", "VISA", "Mastercard", "Cash"]

# Credit unions, mutual banks and neo-banks (the vault split's statement): (name, website,
# BSB prefix, account-number digits, enquiries phone as printed), like BANKS.
MEMBER_BANKS = [
    ("Beyond Bank", "beyondbank.com.au", "325", 9, "13 25 85"),
    ("Teachers Mutual Bank", "tmbank.com.au", "812", 8, "13 12 21"),
    ("Police Bank", "policebank.com.au", "815", 8, "13 17 28"),
    ("Great Southern Bank", "greatsouthernbank.com.au", "814", 9, "133 282"),
    ("People's Choice", "peopleschoice.com.au", "805", 9, "13 11 82"),
    ("ubank", "ubank.com.au", "086", 9, "13 30 80"),
    ("Heritage Bank", "heritage.com.au", "638", 8, "13 14 22"),
]
MEMBER_ACCOUNTS = ["Everyday Access", "Everyday Account", "Bonus Saver", "Spend Account"]
MEMBER_TRANSACTIONS = [
    ("Card Purchase WOOLWORTHS", False, 20, 180),
    ("Card Purchase ALDI STORES", False, 15, 140),
    ("Pay ACME PAYROLL", True, 1800, 3600),
    ("Osko Transfer to Savings", False, 100, 600),
    ("ATM Cash Out", False, 20, 250),
    ("BPAY AGL ENERGY", False, 90, 400),
    ("Direct Debit OPTUS", False, 45, 120),
    ("Card Purchase UBER EATS", False, 18, 70),
    ("PayID from M NGUYEN", True, 40, 400),
    ("Interest Earned", True, 0.4, 9),
    ("Direct Debit NETFLIX", False, 11, 23),
    ("Internet Transfer RENT", False, 400, 950),
]

# --- atlas split (a seventh unseen family) -------------------------------------------------
# Energy and telco retailers (the atlas split's utility bill): (name, website, service,
# enquiries phone as printed, BPAY biller code).
ATLAS_RETAILERS = [
    ("Brightside Energy", "brightsideenergy.com.au", "electricity", "13 42 77", "24562"),
    ("Southern Cross Power", "southerncrosspower.com.au", "electricity", "1300 651 220", "31708"),
    ("Gumtree Gas & Power", "gumtreegas.com.au", "gas", "13 18 06", "98541"),
    ("Harbour Gas", "harbourgas.com.au", "gas", "1300 303 949", "62471"),
    ("Outback Broadband", "outbackbroadband.com.au", "internet", "1300 880 412", "51893"),
    ("Wattle Internet", "wattleinternet.com.au", "internet", "13 27 11", "77120"),
    ("Kookaburra Mobile", "kookaburramobile.com.au", "mobile", "1300 733 245", "40398"),
    ("Coastline Telecom", "coastlinetelecom.com.au", "mobile", "13 31 55", "86204"),
]
# service -> charge lines: (description, low, high, quantity kind) where the quantity kind is
# "usage" (metered, with one decimal), "days" (the billing period's days) or "one" (1).
ATLAS_CHARGES = {
    "electricity": [
        [("Peak usage", 0.27, 0.42, "usage"), ("Off-peak usage", 0.15, 0.24, "usage")],
        [("Shoulder usage", 0.22, 0.31, "usage"), ("Controlled load usage", 0.14, 0.21, "usage")],
        [("Supply charge", 0.85, 1.35, "days")],
    ],
    "gas": [
        [("Gas usage - first step", 0.03, 0.05, "usage"), ("Gas usage", 0.02, 0.04, "usage")],
        [("Daily supply charge", 0.60, 0.98, "days")],
    ],
    "internet": [
        [
            ("NBN 100/20 Unlimited - monthly plan", 75, 115, "one"),
            ("NBN 50/20 Unlimited - monthly plan", 65, 90, "one"),
        ],  # fmt: skip
        [("Modem rental", 8, 12, "one"), ("Static IP address", 5, 10, "one")],
    ],
    "mobile": [
        [
            ("Mobile plan 40GB - monthly", 35, 55, "one"),
            ("Mobile plan 120GB - monthly", 55, 75, "one"),
        ],
        [("Extra data pack 5GB", 10, 15, "one"), ("International calls", 3, 25, "one")],
    ],
}
ATLAS_UNITS = {"electricity": "kWh", "gas": "MJ"}

# Sole traders and freelancers (the atlas split's invoice): trade -> (fixed-fee or hourly
# line, low, high, hourly?) and the projects they invoice for.
ATLAS_FREELANCE = {
    "Graphic Design": [
        ("Logo design - concepts and revisions", 450, 1200, False),
        ("Brand style guide", 600, 1500, False),
        ("Design work", 70, 110, True),
        ("Social media templates (set of 10)", 250, 480, False),
    ],
    "Web Development": [
        ("Front-end development", 90, 140, True),
        ("Website hosting setup", 150, 300, False),
        ("Bug fixes and support", 85, 130, True),
        ("Domain renewal (1 year)", 25, 45, False),
    ],
    "Photography": [
        ("Event photography", 120, 220, True),
        ("Photo editing", 60, 95, True),
        ("Product shoot - half day", 550, 900, False),
    ],
    "Copywriting": [
        ("Copywriting", 80, 120, True),
        ("Blog articles (4 x 800 words)", 400, 800, False),
        ("Editing and proofreading", 60, 90, True),
    ],
    "Bookkeeping": [
        ("Bookkeeping services", 55, 85, True),
        ("BAS preparation", 250, 450, False),
        ("Payroll processing", 60, 90, True),
    ],
}
ATLAS_PROJECTS = ["Website refresh", "Spring campaign", "Annual report", "Product launch",
                  "Brand update", "Q3 support", "Shopfront photos", "Newsletter"]  # fmt: skip
ATLAS_DISCOUNTS = [
    "Discount - returning client",
    "Less: agreed discount",
    "Discount (10% off design)",
]

# Online shops (the atlas split's order receipt): shop name -> (product, low, high, variant
# lines).
ATLAS_SHOPS = {
    "Koala Threads": [
        ("Organic Cotton Tee", 22, 39, ["Size: {size}", "Colour: {colour}"]),
        ("Relaxed Linen Shirt", 59, 89, ["Size: {size}", "Colour: {colour}"]),
        ("Merino Crew Jumper", 89, 139, ["Size: {size}"]),
        ("Canvas Tote Bag", 15, 29, ["Colour: {colour}"]),
    ],
    "Saltbush Home": [
        ("Stoneware Mug", 14, 24, ["Colour: {colour}"]),
        ("Linen Tea Towel", 12, 19, ["Colour: {colour}"]),
        ("Soy Candle 300g", 24, 39, ["Scent: {scent}"]),
        ("Cotton Throw Blanket", 69, 119, ["Colour: {colour}"]),
    ],
    "Redgum Outdoors": [
        ("Trail Running Socks", 15, 25, ["Size: {size}"]),
        ("Insulated Drink Bottle 750ml", 29, 45, ["Colour: {colour}"]),
        ("Packable Rain Jacket", 99, 169, ["Size: {size}", "Colour: {colour}"]),
        ("Headlamp 300 lumen", 35, 59, []),
    ],
    "Little Wren Kids": [
        ("Bamboo Sleepsuit", 29, 45, ["Size: {size}"]),
        ("Wooden Stacking Toy", 25, 39, []),
        ("Board Book Set", 19, 35, []),
    ],
}
ATLAS_SIZES = ["XS", "S", "M", "L", "XL", "8", "10", "12", "0-3m", "3-6m"]
ATLAS_COLOURS = ["Navy", "Black", "Sage", "Oatmeal", "Rust", "Charcoal", "White"]
ATLAS_SCENTS = ["Lemon Myrtle", "Sandalwood", "Eucalyptus"]
ATLAS_CARDS = ["Visa", "Mastercard", "Amex", "PayPal", "Afterpay"]

# Savings and business accounts (the atlas split's portal statement): product names,
# nicknames and transactions (text, credit?, low, high).
ATLAS_SAVINGS = ["Online Saver", "Bonus Saver", "High Interest Savings", "NetSaver"]
ATLAS_BUSINESS = ["Business Transaction Account", "Business Everyday", "Business One"]
ATLAS_NICKNAMES = ["Holiday fund", "Rainy day", "Tax savings", "House deposit", "Rego & insurance",
                   "Emergency fund", "Operating account", "GST holding"]  # fmt: skip
ATLAS_SAVINGS_TXNS = [
    ("Transfer from Everyday Account", True, 100, 1500),
    ("Osko Transfer to Everyday", False, 50, 900),
    ("Interest credit", True, 2, 45),
    ("Bonus interest", True, 1, 30),
    ("Internet Transfer - car rego", False, 300, 900),
    ("Direct Credit - tax refund ATO", True, 200, 2500),
]
ATLAS_BUSINESS_TXNS = [
    ("Direct Credit - customer payment", True, 300, 4800),
    ("Square settlement", True, 150, 2600),
    ("BPAY ATO BAS payment", False, 400, 3000),
    ("Direct Debit - XERO AUSTRALIA", False, 35, 80),
    ("Internet Transfer - supplier", False, 120, 1900),
    ("Account keeping fee", False, 10, 20),
    ("Interest credit", True, 0.5, 18),
    ("Merchant fees", False, 15, 95),
]

# --- cobalt split --------------------------------------------------------------------------
# A motor-vehicle workshop's tax invoice: workshop names, the vehicles it services (make,
# models), parts (description, low, high, quantities), labour jobs (description, hours) and
# sundries.
COBALT_WORKSHOPS = ["Auto Repairs", "Motors", "Mechanical Repairs", "Automotive", "Service Centre",
                    "Tyre & Auto", "Car Care"]  # fmt: skip
COBALT_VEHICLES = {
    "Toyota": ["Corolla", "Camry", "RAV4", "HiLux SR5", "LandCruiser 200", "Yaris"],
    "Mazda": ["Mazda3", "CX-5", "BT-50", "CX-3"],
    "Ford": ["Ranger XLT", "Everest", "Focus", "Territory"],
    "Hyundai": ["i30", "Tucson", "Santa Fe", "Kona"],
    "Mitsubishi": ["Triton GLX", "Outlander", "ASX", "Pajero Sport"],
    "Holden": ["Commodore VF", "Colorado", "Cruze", "Captiva"],
    "Subaru": ["Forester", "Outback", "XV", "Impreza"],
    "Volkswagen": ["Golf", "Amarok", "Tiguan", "Polo"],
}
COBALT_COLOURS = ["White", "Silver", "Grey", "Black", "Blue", "Red", "Bronze"]
COBALT_PARTS = [
    ("Engine Oil 5W-30 Synthetic (L)", 11.0, 16.0, [4, 5, 6]),
    ("Oil Filter", 14.0, 28.0, [1]),
    ("Air Filter", 22.0, 48.0, [1]),
    ("Cabin Filter", 25.0, 45.0, [1]),
    ("Fuel Filter", 35.0, 80.0, [1]),
    ("Spark Plug Iridium", 18.0, 32.0, [4, 6]),
    ("Front Brake Pads (set)", 75.0, 140.0, [1]),
    ("Rear Brake Shoes (set)", 65.0, 120.0, [1]),
    ("Brake Rotor Front", 70.0, 150.0, [2]),
    ("Brake Fluid DOT 4 500ml", 12.0, 19.0, [1, 2]),
    ("Coolant Premix (L)", 6.0, 11.0, [2, 4, 5]),
    ("Wiper Blade 600mm", 18.0, 30.0, [1, 2]),
    ("Battery 12V 600CCA", 180.0, 260.0, [1]),
    ("Drive Belt", 35.0, 75.0, [1]),
    ("Sump Plug Washer", 1.5, 3.5, [1]),
    ("Tyre 265/65R17", 190.0, 290.0, [2, 4]),
    ("Globe H4 Headlight", 12.0, 24.0, [1, 2]),
]
COBALT_LABOUR = [
    ("Logbook service as per manufacturer schedule", [1.5, 2, 2.5]),
    ("Minor service", [1, 1.5]),
    ("Major service", [2.5, 3, 3.5]),
    ("Replace front brake pads and machine rotors", [1.5, 2]),
    ("Diagnose warning light, scan and clear codes", [0.5, 1]),
    ("Replace battery and test charging system", [0.5]),
    ("Replace drive belt", [1, 1.5]),
    ("Fit and balance tyres, wheel alignment", [1, 1.5]),
    ("Coolant flush and pressure test", [1]),
    ("Road test and safety inspection", [0.5]),
]
COBALT_SUNDRIES = ["Workshop sundries", "Shop supplies & disposal", "Environmental levy",
                   "Consumables (rags, cleaners)"]  # fmt: skip

# A hotel's, motel's or serviced apartments' guest folio: property names, room types
# (low, high nightly rate) and extras (description, low, high, per night?).
COBALT_PROPERTIES = ["Motor Inn", "Hotel", "Serviced Apartments", "Motel", "Suites",
                     "Apartment Hotel", "Resort"]  # fmt: skip
COBALT_PLACES = ["Harbourside", "Esplanade", "Riverview", "Parkview", "Bayview", "The Heritage",
                 "Central", "Lakeside", "Admiralty", "Golden Wattle"]  # fmt: skip
COBALT_ROOMS = [
    ("Standard Queen Room", 120.0, 170.0),
    ("Deluxe King Room", 170.0, 240.0),
    ("Twin Room", 130.0, 180.0),
    ("One Bedroom Apartment", 180.0, 260.0),
    ("Two Bedroom Apartment", 240.0, 360.0),
    ("Family Room", 160.0, 220.0),
    ("Executive Spa Suite", 230.0, 320.0),
]
COBALT_EXTRAS = [
    ("Car parking", 18.0, 35.0, True),
    ("Breakfast - 2 adults", 30.0, 48.0, True),
    ("Continental breakfast", 16.0, 24.0, True),
    ("Minibar", 8.0, 40.0, False),
    ("Restaurant - dinner", 45.0, 120.0, False),
    ("Late checkout", 25.0, 45.0, False),
    ("Laundry service", 15.0, 30.0, False),
]
COBALT_GUEST_CARDS = ["VISA", "Mastercard", "Amex", "VISA", "Mastercard", "EFTPOS"]

# A pharmacy's or newsagency's docket: shop names and (description, low, high, quantities,
# GST-free?) items; most medicines are GST-free.
COBALT_SHOPS = {
    "pharmacy": ["Chemist", "Pharmacy", "Discount Chemist", "Day & Night Chemist"],
    "newsagent": ["Newsagency", "News & Lotto", "Newsagency & Post"],
}
COBALT_STOCK = {
    "pharmacy": [
        ("Panadol Tablets 20", 3.5, 6.5, [1, 2], True),
        ("Nurofen 200mg 24", 6.0, 9.0, [1], True),
        ("Claratyne 10 Tabs", 9.0, 14.0, [1], True),
        ("Telfast 180mg 10", 10.0, 15.0, [1], True),
        ("Codral Day & Night 24", 13.0, 18.0, [1], True),
        ("Betadine Sore Throat Gargle", 11.0, 16.0, [1], True),
        ("Blackmores Vitamin C 1000mg", 14.0, 22.0, [1], False),
        ("Swisse Multivitamin Women", 20.0, 34.0, [1], False),
        ("Cenovis Fish Oil 200", 12.0, 19.0, [1, 2], False),
        ("Cancer Council SPF50+ 110ml", 9.0, 15.0, [1], False),
        ("Band-Aid Plastic Strips 50", 4.0, 7.0, [1, 2], False),
        ("Colgate Total Toothpaste 115g", 3.0, 6.0, [1, 2, 3], False),
        ("Dettol Hand Wash 250ml", 3.0, 5.5, [1, 2], False),
        ("QV Skin Lotion 500ml", 11.0, 17.0, [1], False),
        ("Script - PBS", 6.0, 30.0, [1], True),
    ],
    "newsagent": [
        ("The Australian", 3.0, 4.0, [1], False),
        ("Herald Sun", 2.0, 3.5, [1], False),
        ("Womens Weekly", 8.0, 10.0, [1], False),
        ("Birthday Card", 4.5, 8.0, [1, 2], False),
        ("A4 Copy Paper 500 Sheets", 6.0, 9.0, [1, 2], False),
        ("Bic Ballpoint Pens 10pk", 5.0, 8.0, [1], False),
        ("Gift Wrap Roll", 3.0, 6.0, [1, 2], False),
        ("Spirax Notebook A5", 2.5, 5.0, [1, 2, 3], False),
        ("Sticky Tape 18mm", 1.5, 3.0, [2, 3], False),
        ("Envelopes DL 25pk", 3.0, 5.5, [1], False),
        ("Puzzler Magazine", 4.0, 6.5, [1], False),
    ],
}

# Credit card statements: (issuer, website, card product, network, enquiries phone), and
# what appears on one (text, kind: purchase/payment/interest/fee, low, high).
COBALT_ISSUERS = [
    ("Commonwealth Bank", "commbank.com.au", "Low Rate Mastercard", "Mastercard", "13 22 21"),
    ("Westpac", "westpac.com.au", "Altitude Black Visa", "Visa", "132 032"),
    ("ANZ", "anz.com.au", "ANZ Low Rate Visa", "Visa", "13 22 73"),
    ("NAB", "nab.com.au", "NAB Qantas Rewards Signature", "Visa", "13 22 65"),
    ("Bankwest", "bankwest.com.au", "Breeze Mastercard", "Mastercard", "13 17 19"),
    ("St.George Bank", "stgeorge.com.au", "Vertigo Visa", "Visa", "13 33 30"),
    ("Bank of Queensland", "boq.com.au", "Platinum Visa", "Visa", "1300 55 72 72"),
    ("ING", "ing.com.au", "Orange One Rewards Platinum", "Visa", "133 464"),
]
COBALT_MERCHANTS = [
    ("WOOLWORTHS {suburb}", 25, 260),
    ("COLES {suburb}", 20, 240),
    ("ALDI STORES {suburb}", 20, 180),
    ("BP {suburb}", 40, 110),
    ("AMPOL {suburb}", 35, 120),
    ("BUNNINGS {suburb}", 15, 320),
    ("KMART {suburb}", 12, 150),
    ("JB HI-FI {suburb}", 30, 900),
    ("NETFLIX.COM MELBOURNE", 10.99, 25.99),
    ("SPOTIFY P1A2B3C4 SYDNEY", 12.99, 22.99),
    ("UBER *TRIP SYDNEY", 12, 65),
    ("CHEMIST WAREHOUSE {suburb}", 10, 90),
    ("DAN MURPHYS {suburb}", 25, 140),
    ("QANTAS AIRWAYS MASCOT", 180, 900),
    ("TELSTRA BILL PAYMENT", 60, 140),
    ("AMAZON AU MARKETPLACE SYDNEY", 15, 220),
]
COBALT_OVERSEAS = [
    ("APPLE.COM/BILL CORK IE", 2.99, 19.99),
    ("AIRBNB * HM4X2 SAN FRANCISCO", 150, 800),
]
COBALT_CARD_CHARGES = {
    "INTEREST CHARGED ON PURCHASES",
    "ANNUAL FEE",
    "INTERNATIONAL TRANSACTION FEE",
    "LATE PAYMENT FEE",
}
COBALT_CARD_CREDITS = ["PAYMENT RECEIVED - THANK YOU", "BPAY PAYMENT - THANK YOU",
                       "DIRECT DEBIT PAYMENT RECEIVED"]  # fmt: skip
