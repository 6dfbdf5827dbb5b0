"""The demo world's people and places: Latvian founders, schools, contracts, a class of pupils.

Made up: names are common Latvian names put together at random, schools' registration numbers are
10 digits in the VIIS form, e-mail addresses use the reserved ``.example`` domain and phone
numbers are not assigned to anyone. No personal codes. The founders' registration numbers (11
digits) and addresses are printed on agreements as the lender's.
"""

from __future__ import annotations

FOUNDERS = [  # Rīga's registration number and address are its public ones; the others' are of the same form
    {"code": "RIGA", "name": "Rīgas valstspilsētas pašvaldība", "registration_number": "90011524360",
     "address": "Rātslaukums 1, Rīga, LV-1050"},
    {"code": "DIENVIDKURZEME", "name": "Dienvidkurzemes novada pašvaldība", "registration_number": "90000058625",
     "address": "Lielā iela 76, Grobiņa, Dienvidkurzemes nov., LV-3430"},
    {"code": "VALMIERA", "name": "Valmieras novada pašvaldība", "registration_number": "90000043403",
     "address": "Lāčplēša iela 2, Valmiera, Valmieras nov., LV-4201"},
]
PURVCIEMS, RIGA64, GROBINA, VALMIERA = "3113900701", "3113900764", "4113900705", "4213900703"
SCHOOLS = [  # addresses of the kind the schools have; the phones are made up (67 000 0xx: no one's)
    {"registration_number": PURVCIEMS, "name": "Rīgas Purvciema vidusskola", "founder": "RIGA",
     "address": "Dzelzavas iela 90, Rīga, LV-1084", "phone": "+371 67 000 011"},
    {"registration_number": RIGA64, "name": "Rīgas 64. vidusskola", "founder": "RIGA",
     "address": "Ieriķu iela 14, Rīga, LV-1084", "phone": "+371 67 000 012"},
    {"registration_number": GROBINA, "name": "Grobiņas vidusskola", "founder": "DIENVIDKURZEME",
     "address": "Lielā iela 48, Grobiņa, Dienvidkurzemes nov., LV-3430", "phone": "+371 63 400 013"},
    {"registration_number": VALMIERA, "name": "Valmieras Pārgaujas ģimnāzija", "founder": "VALMIERA",
     "address": "Rīgas iela 30, Valmiera, Valmieras nov., LV-4201", "phone": "+371 64 200 014"},
]
CONTRACTS = [
    {"number": "IZM-2022/2.3.2.3.i-01", "supplier": "SIA Baltijas Datortehnika",
     "funding_source": "rrf", "unit_price": "612.40", "signed_on": "2022-09-14", "quantity": 60},
    {"number": "IZM-2023/2.3.2.3.i-02", "supplier": "SIA Kurzemes IT Serviss",
     "funding_source": "state_budget", "unit_price": "589.00", "signed_on": "2023-03-02", "quantity": 40},
]
MODELS = [("Lenovo", "ThinkPad 11e Yoga Gen 6", "PF"), ("Dell", "Latitude 3120", "DL"),
          ("HP", "ProBook x360 11 G7", "5CG")]
IMAGE = "Windows 11 Education 23H2 / DIB v3"
PRINTERS = [  # a label printer at the warehouse, a sheet printer at a school's office
    {"name": "Noliktava – Zebra ZD421", "offset_x": 0.4, "offset_y": -0.3, "stock": "zebra-2x1"},
    {"name": "Purvciema sekretariāts – HP LaserJet", "offset_x": 0, "offset_y": 0.8, "stock": "avery-l7160",
     "school": PURVCIEMS},
]
CLASS = "7.b"
# given name, family name, guardian, eligibility group (or (group, basis))
PUPILS = [
    ("Anna", "Bērziņa", "Ilze Bērziņa", "low_income"),
    ("Roberts", "Kalniņš", "Jānis Kalniņš", "large_family"),
    ("Elīza", "Ozola", "Santa Ozola", "limited_means"),
    ("Markuss", "Liepiņš", "Aiga Liepiņa", "large_family"),
    ("Katrīna", "Jansone", "Inese Jansone", "low_income"),
    ("Gustavs", "Krūmiņš", "Edgars Krūmiņš", "disability"),
    ("Paula", "Vītola", "Līga Vītola", "limited_means"),
    ("Daniels", "Zariņš", "Kristīne Zariņa", "large_family"),
    ("Marta", "Pētersone", "Dace Pētersone", "out_of_family_care"),
    ("Ralfs", "Kļaviņš", "Mārtiņš Kļaviņš", "low_income"),
    ("Emīlija", "Eglīte", "Baiba Eglīte", "special_needs"),
    ("Kārlis", "Siliņš", "Andris Siliņš", "large_family"),
    ("Alise", "Lāce", "Zane Lāce", "limited_means"),
    ("Olivers", "Balodis", "Ieva Balode", "refugee"),
    ("Sofija", "Freimane", "Vita Freimane", "low_income"),
    ("Tomass", "Ābele", "Gints Ābele", "large_family"),
    ("Estere", "Kalēja", "Laura Kalēja", ("other", "Vecāks zaudējis darbu; sociālā dienesta izziņa")),
    ("Artūrs", "Vanags", "Ilona Vanaga", "limited_means"),
    ("Adele", "Grīnberga", "Sandra Grīnberga", "disability"),
    ("Ričards", "Purmalis", "Valdis Purmalis", "large_family"),
    ("Viktorija", "Ozoliņa", "Olga Ozoliņa", "refugee"),
    ("Niks", "Strazds", "Agnese Strazda", "low_income"),
    ("Luīze", "Kronberga", "Evija Kronberga", "large_family"),
    ("Renārs", "Celmiņš", "Juris Celmiņš", "limited_means"),
    ("Megija", "Dūmiņa", "Anita Dūmiņa", "special_needs"),
]
_ASCII = str.maketrans("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ", "acegiklnsuzACEGIKLNSUZ")


def pupil_body(n: int) -> dict:
    """The body ``POST /schools/{reg}/pupils`` takes for the class's ``n``-th pupil."""
    given, family, guardian, group = PUPILS[n]
    login = guardian.lower().translate(_ASCII).replace(" ", ".")
    eligibility = {"group": group[0], "basis": group[1]} if isinstance(group, tuple) else group
    return {"register_id": f"PV-2022-{701 + n:04d}", "given_name": given, "family_name": family, "grade": CLASS,
            "guardian": {"name": guardian, "email": f"{login}@epasts.example", "phone": f"+371 2000 {1101 + n:04d}"},
            "eligibility": eligibility}
