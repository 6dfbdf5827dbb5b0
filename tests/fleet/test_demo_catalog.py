"""The demo world's founders and schools carry their registration numbers, addresses and phones, and its
agreements name the lender with them."""

from sqlalchemy import select

from fleet.lending import agreements
from fleet.models import Agreement
from tests.fleet.test_demo import demo  # noqa: F401  (the demo loaded; ``fleet`` is conftest's)


def test_the_demo_founders_and_schools_have_their_details(demo, session):  # noqa: F811
    riga = demo("founders/RIGA")
    assert riga == {"code": "RIGA", "name": "Rīgas valstspilsētas pašvaldība", "registration_number": "90011524360",
                    "address": "Rātslaukums 1, Rīga, LV-1050"}
    founders = demo("founders")["items"]
    assert all(len(f["registration_number"]) == 11 and f["address"] for f in founders)
    schools = demo("schools")["items"]
    assert schools and all(s["address"] and s["phone"].startswith("+371 ") for s in schools)
    issued = session.scalars(select(Agreement)).all()
    assert issued
    lenders = {agreements.rendered(a)[0].founder.detail for a in issued if a.language == "lv"}
    assert "Reģ. Nr. 90011524360, Rātslaukums 1, Rīga, LV-1050" in lenders
