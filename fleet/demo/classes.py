"""The demo's class waiting for its hand-out: its pupils as the school register (E-klase) exports them —
``;``, Windows-1257, Latvian headers and the eligibility groups by their Latvian names, in any case, as a
school writes them. Made up like ``data``: common Latvian names, ``.example`` addresses, unassigned
phone numbers, no personal codes."""

from __future__ import annotations

from fleet.demo.data import _ASCII  # (the e-mail addresses as data.pupil_body makes them)

# A class waiting for its hand-out (its laptops arrived, no loans yet), as the school register exports it:
# given name, family name, guardian, eligibility group by its Latvian name (as the school writes it).
WAITING_CLASS = "5.a"
WAITING_PUPILS = [
    ("Ādams", "Šteins", "Ilga Šteina", "Daudzbērnu ģimene"),
    ("Amēlija", "Ābola", "Ruta Ābola", "Trūcīga ģimene"),
    ("Čārlijs", "Bērziņš", "Raivis Bērziņš", "Maznodrošināta ģimene"),
    ("Dārta", "Čudara", "Elīna Čudare", "Daudzbērnu ģimene"),
    ("Ēriks", "Cīrulis", "Māra Cīrule", "Bērns ar invaliditāti"),
    ("Gabriela", "Ģērmane", "Ģirts Ģērmanis", "Daudzbērnu ģimene"),
    ("Ilvija", "Ķuze", "Ķirils Ķuzis", "Speciālās izglītības vajadzības"),
    ("Jēkabs", "Kurzemnieks", "Laila Kurzemniece", "trūcīga ģimene"),
    ("Keita", "Ļaksa", "Aivars Ļaksa", "MAZNODROŠINĀTA ĢIMENE"),
    ("Mārtiņš", "Ņemcovs", "Svetlana Ņemcova", "Bēgļa vai alternatīvais statuss, Ukrainas civiliedzīvotājs"),
    ("Nellija", "Sproģe", "Pēteris Sproģis", "Large family"),
    ("Oskars", "Šmits", "Linda Šmite", "Daudzbērnu ģimene"),
    ("Patrīcija", "Ūdre", "Jānis Ūdris", "Trūcīga ģimene"),
    ("Rainers", "Žagars", "Zaiga Žagare", "Daudzbērnu ģimene"),
]
WAITING_HEADER = ("Skolēna ID;Vārds;Uzvārds;Klase;Likumiskais pārstāvis;Likumiskā pārstāvja e-pasts;Tālrunis;"
                  "Mērķa grupa")


def waiting_class_csv() -> bytes:
    """The waiting class as E-klase exports it: ``;``, Windows-1257, Latvian headers and group names."""
    lines = [WAITING_HEADER]
    for n, (given, family, guardian, group) in enumerate(WAITING_PUPILS):
        login = guardian.lower().translate(_ASCII).replace(" ", ".")
        lines.append(f"PV-2023-{501 + n:04d};{given};{family};{WAITING_CLASS};{guardian};{login}@epasts.example;"
                     f"+371 2000 {2101 + n:04d};{group}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1257")
