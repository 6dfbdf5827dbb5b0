"""The demo's programme story, so the milestone chart has a history: the laptops shipped to Rīga 64 and
Valmiera in October 2022 are lent one by one to pupils there on days through 2022 and 2023 and signed by
link a few days later (the last one still awaiting), REACT-EU's register holds the serial of one of them
(the planted double funding the funding report lists), and the roll-ups are refreshed so the dashboard has
figures at once. Through the domain's use cases, as the rest of the demo."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.demo import data
from fleet.demo.images import signature_png
from fleet.lending import agreements, loans, pupils
from fleet.models import Device, OtherFundSerial, School

# school, given name, family name, guardian, group, the hand-over day (signed by link 3 days later; None: awaiting)
PUPILS = [
    (data.RIGA64, "Jēkabs", "Auziņš", "Ilga Auziņa", "low_income", "2022-11-21", True),
    (data.RIGA64, "Rūta", "Meiere", "Aija Meiere", "large_family", "2022-12-05", True),
    (data.RIGA64, "Edvards", "Kalns", "Juris Kalns", "limited_means", "2023-01-16", True),
    (data.RIGA64, "Linda", "Pūce", "Maija Pūce", "refugee", "2023-03-06", True),
    (data.RIGA64, "Krišjānis", "Lapiņš", "Uldis Lapiņš", "disability", "2023-05-08", True),
    (data.RIGA64, "Madara", "Sproģe", "Gita Sproģe", "large_family", "2023-09-11", True),
    (data.VALMIERA, "Aleksis", "Rozītis", "Dina Rozīte", "low_income", "2022-12-12", True),
    (data.VALMIERA, "Nikola", "Zvaigzne", "Rita Zvaigzne", "special_needs", "2023-04-17", True),
    (data.VALMIERA, "Valters", "Bērzs", "Kaspars Bērzs", "large_family", "2023-10-09", True),
    (data.VALMIERA, "Samanta", "Krieviņa", "Inga Krieviņa", "limited_means", "2023-11-20", False),
]
OTHER_FUND = "REACT-EU 7.–9. klašu portatīvie datori (2021)"


def spread(session: Session, cal, scope, public_url: str) -> int:
    """Lend laptops at Rīga 64 and Valmiera on the days above; the loans made."""
    made = 0
    for n, (reg, given, family, guardian, group, day, signs) in enumerate(PUPILS):
        school = session.scalar(select(School).where(School.registration_number == reg))
        serial = session.scalar(select(Device.serial).where(Device.school_id == school.id,
                                                            Device.status == "at_school").order_by(Device.id))
        if serial is None:
            break
        cal.on(day, 9)
        login = guardian.lower().translate(data._ASCII).replace(" ", ".")
        pupil = pupils.create(session, school, {
            "register_id": f"PV-2022-{901 + n:04d}", "given_name": given, "family_name": family, "grade": "8.a",
            "guardian": {"name": guardian, "email": f"{login}@epasts.example", "phone": f"+371 2000 {1201 + n:04d}"},
            "eligibility": group})
        handed = loans.hand_over(session, scope, loans.HandOver(serial, pupil.id), public_url)
        made += 1
        if signs:
            cal.on((date.fromisoformat(day) + timedelta(days=3)).isoformat(), 19)
            agreement = agreements.by_token(session, handed.sign_url.rsplit("/", 1)[1])
            agreements.sign(session, agreement, "link", guardian, image_png=signature_png())
            if n == 2:  # REACT-EU's register holds this serial too: the funding report's planted duplicate
                session.add(OtherFundSerial(serial=serial, source="react_eu", reference=OTHER_FUND,
                                            imported_by="demo"))
    session.flush()
    return made
