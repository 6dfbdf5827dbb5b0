"""The class hand-out's use cases called directly, as the desk page calls them: each scan checked
before it is paired (``loans.handout_check``), the class committed pair by pair (``class_handout``:
the refused pairs with their codes, the rest stand), and the sitting's agreements in one PDF, one or
two copies of each (``class_agreements_pdf``), only loans the scope sees."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from fleet.access.policy import Principal, Scope
from fleet.errors import FleetError
from fleet.lending import loans
from fleet.models import Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, UserFactory, token_for

URL = "https://fleet.example.lv"


def school_it(*schools) -> Scope:
    return Scope.of(Principal(1, "skolas-it", "school_it", frozenset(s.id for s in schools)))


def admin() -> Scope:
    return Scope.of(Principal(2, "admins", "admin"))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def refusal(fn, *args, **kwargs) -> FleetError:
    with pytest.raises(FleetError) as e:
        fn(*args, **kwargs)
    return e.value


# --- a scan checked -------------------------------------------------------------------------

def test_a_laptop_at_the_school_passes_the_check_by_serial_or_tag(session):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    scope = school_it(school)
    assert loans.handout_check(session, scope, school, device.serial) is device
    assert loans.handout_check(session, scope, school, f" {device.asset_tag.lower()} ") is device
    assert loans.handout_check(session, scope, school, device.asset_tag, [], PupilFactory(school=school).id) is device


def test_each_refused_scan_has_its_code_and_words(session):
    school, other = SchoolFactory(), SchoolFactory()
    scope = school_it(school, other)  # school IT of two schools sees both schools' laptops
    elsewhere = DeviceFactory(status="at_school", school=other)
    e = refusal(loans.handout_check, session, scope, school, elsewhere.serial)
    assert e.code == "conflict" and "citai skolai" in e.localized("lv") and elsewhere.serial in e.localized("en")
    # a laptop of a school the reader does not see: as if it did not exist
    hidden = DeviceFactory(status="at_school", school=SchoolFactory())
    assert refusal(loans.handout_check, session, scope, school, hidden.serial).code == "not_found"
    assert refusal(loans.handout_check, session, scope, school, "NO-SUCH-LAPTOP").code == "not_found"
    # not at the school yet (in transit): the status in the reader's words
    shipped = DeviceFactory(status="in_transit", school=school)
    e = refusal(loans.handout_check, session, scope, school, shipped.serial)
    assert e.code == "invalid_transition" and "in_transit" not in e.localized("lv")
    assert shipped.serial in e.localized("lv")
    # paired already in this sitting
    free = DeviceFactory(status="at_school", school=school)
    e = refusal(loans.handout_check, session, scope, school, free.asset_tag, [free.serial])
    assert e.code == "duplicate" and "šajā reizē" in e.localized("lv")
    # on loan already
    lent = DeviceFactory(status="at_school", school=school)
    loans.hand_over(session, scope, loans.HandOver(lent.serial, PupilFactory(school=school).id), URL)
    assert refusal(loans.handout_check, session, scope, school, lent.serial).code == "conflict"
    # an empty scan
    assert refusal(loans.handout_check, session, scope, school, "  ").code == "invalid_input"


def test_a_pupil_with_a_laptop_or_of_another_school_is_refused_at_the_check(session):
    school, other = SchoolFactory(), SchoolFactory()
    scope = school_it(school)
    pupil = PupilFactory(school=school)
    loans.hand_over(session, scope, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                   pupil.id), URL)
    free = DeviceFactory(status="at_school", school=school)
    assert refusal(loans.handout_check, session, scope, school, free.serial, [], pupil.id).code == "conflict"
    stranger = PupilFactory(school=other)
    assert refusal(loans.handout_check, session, scope, school, free.serial, [], stranger.id).code == "not_found"
    # an admin sees the other school's pupil, but the check is for this school: not one of its pupils
    assert refusal(loans.handout_check, session, admin(), school, free.serial, [], stranger.id).code == "not_found"


# --- the class committed ----------------------------------------------------------------------

def test_refused_pairs_keep_their_reasons_and_the_rest_stand(session):
    school, other = SchoolFactory(), SchoolFactory()
    scope = admin()  # sees every school: the other school's laptop is a conflict, not unknown
    pupils = [PupilFactory(school=school, grade="7.b") for _ in range(6)]
    ok = DeviceFactory(status="at_school", school=school)
    twice = DeviceFactory(status="at_school", school=school)
    elsewhere = DeviceFactory(status="at_school", school=other)
    in_transit = DeviceFactory(status="in_transit", school=school)
    free = DeviceFactory(status="at_school", school=school)
    lent_pupil = pupils[4]
    loans.hand_over(session, scope, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                   lent_pupil.id), URL)
    pairs = [{"pupil": pupils[0].id, "device": ok.serial},
             {"pupil": pupils[1].id, "device": twice.asset_tag},
             {"pupil": pupils[2].id, "device": twice.serial},  # the same laptop twice in one sitting
             {"pupil": pupils[3].id, "device": elsewhere.serial},  # another school's laptop
             {"pupil": lent_pupil.id, "device": free.serial},  # the pupil has a laptop already
             {"pupil": pupils[5].id, "device": in_transit.serial}]  # not at the school yet
    done, failed, pdf = loans.class_handout(session, scope, pairs, ["charger"], URL, locale="lv", in_words=True)
    assert [h.loan.pupil_id for h in done] == [pupils[0].id, pupils[1].id]
    assert [(f["index"], f["code"]) for f in failed] == [
        (2, "invalid_transition"), (3, "conflict"), (4, "conflict"), (5, "invalid_transition")]
    assert "citai skolai" in failed[1]["message"]  # in the page's language
    assert "ceļā" in failed[3]["message"] and "in_transit" not in failed[3]["message"]  # the status in words
    assert all(f["message"] for f in failed)
    assert session.scalar(select(func.count()).select_from(Loan).where(Loan.pupil_id == pupils[2].id)) == 0
    assert len(pages_text(pdf)) == 2 * len(pages_text(loans.class_agreements_pdf(session, scope, [done[0].loan.id])))


def test_a_pupil_with_a_laptop_already_is_refused_at_the_commit(session):
    school = SchoolFactory()
    scope = school_it(school)
    pupil = PupilFactory(school=school)
    loans.hand_over(session, scope, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                   pupil.id), URL)
    done, failed, pdf = loans.class_handout(
        session, scope, [{"pupil": pupil.id, "device": DeviceFactory(status="at_school", school=school).serial}],
        [], URL)
    assert done == [] and pdf is None and failed[0]["code"] == "conflict" and "already" in failed[0]["message"]


def test_copies_print_each_agreement_twice_and_a_pair_may_have_its_own_language_and_accessories(session):
    school = SchoolFactory()
    scope = school_it(school)
    pupils = [PupilFactory(school=school) for _ in range(2)]
    devices = [DeviceFactory(status="at_school", school=school) for _ in range(2)]
    pairs = [{"pupil": pupils[0].id, "device": devices[0].serial},
             {"pupil": pupils[1].id, "device": devices[1].serial, "accessories": ["bag"], "language": "en"}]
    done, failed, pdf = loans.class_handout(session, scope, pairs, ["charger"], URL, copies=2)
    assert failed == [] and [h.agreement.language for h in done] == ["lv", "en"]
    assert [list(h.loan.accessories) for h in done] == [["charger"], ["bag"]]
    once = pages_text(loans.class_agreements_pdf(session, scope, [h.loan.id for h in done]))
    twice = pages_text(pdf)
    assert len(twice) == 2 * len(once)
    numbers = [h.agreement.number for h in done]
    assert [sum(n in page for page in twice) for n in numbers] == [2 * sum(n in page for page in once)
                                                                   for n in numbers]
    assert refusal(loans.class_handout, session, scope, pairs, [], URL, copies=3).code == "invalid_input"


def test_the_sittings_pdf_holds_only_loans_the_scope_sees(session):
    school, other = SchoolFactory(), SchoolFactory()
    mine = loans.hand_over(session, school_it(school), loans.HandOver(
        DeviceFactory(status="at_school", school=school).serial, PupilFactory(school=school).id), URL)
    theirs = loans.hand_over(session, school_it(other), loans.HandOver(
        DeviceFactory(status="at_school", school=other).serial, PupilFactory(school=other).id), URL)
    text = "\n".join(pages_text(loans.class_agreements_pdf(session, school_it(school), [mine.loan.id], 2)))
    assert text.count(mine.agreement.number) >= 2
    e = refusal(loans.class_agreements_pdf, session, school_it(school), [mine.loan.id, theirs.loan.id])
    assert e.code == "not_found"
    for bad in ([], ["1"], [True], list(range(1, loans.MAX_CLASS + 2))):
        assert refusal(loans.class_agreements_pdf, session, school_it(school), bad).code == "invalid_input"
    assert refusal(loans.class_agreements_pdf, session, school_it(school), [mine.loan.id], 0).code == "invalid_input"


def test_two_sittings_race_for_one_laptop_one_wins_the_other_is_told_why(pg_app):
    """Two desks (PostgreSQL, two threads) commit a class each with the same laptop in it: one loan for
    that laptop; the other sitting's pair is refused with its reason, its other pair stands."""
    school = SchoolFactory()
    shared = DeviceFactory(status="at_school", school=school)
    sittings = [[{"pupil": PupilFactory(school=school).id, "device": shared.serial},
                 {"pupil": PupilFactory(school=school).id,
                  "device": DeviceFactory(status="at_school", school=school).serial}] for _ in range(2)]
    token = token_for(UserFactory(role="school_it", schools=[school]))
    barrier = threading.Barrier(2)

    def commit(pairs):
        client = pg_app.test_client()
        barrier.wait()
        r = client.post("/api/v1/loans/class", json={"pairs": pairs, "accessories": ["charger"]},
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(commit, sittings))
    assert [status for status, _ in results] == [200, 200], results
    made = sorted(len(body["loans"]) for _, body in results)
    assert made == [1, 2], results
    refused = [f for _, body in results for f in body["failed"]]
    assert len(refused) == 1 and refused[0]["index"] == 0
    assert refused[0]["code"] in ("invalid_transition", "duplicate", "conflict") and refused[0]["message"]
    with pg_app.extensions["fleet.read_sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Loan).where(Loan.device_id == shared.id)) == 1


# --- the API: copies ----------------------------------------------------------------------------

def test_the_api_prints_two_copies_when_asked_and_documents_it(api_as, app, session):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    pairs = [{"pupil": PupilFactory(school=school).id,
              "device": DeviceFactory(status="at_school", school=school).serial} for _ in range(2)]
    r = it.post("loans/class", json={"pairs": pairs[:1], "accessories": ["charger"]})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    once = len(PdfReader(io.BytesIO(r.data)).pages)
    r = it.post("loans/class", json={"pairs": pairs[1:], "accessories": ["charger"], "copies": 2})
    assert r.status_code == 200 and len(PdfReader(io.BytesIO(r.data)).pages) == 2 * once
    before = session.scalar(select(func.count()).select_from(Loan))
    r = it.post("loans/class", json={"pairs": pairs, "copies": 3})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert session.scalar(select(func.count()).select_from(Loan)) == before
    schema = app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]["ClassIn"]
    copies = schema["properties"]["copies"]
    assert copies["enum"] == [1, 2] and "school" in copies["description"]
