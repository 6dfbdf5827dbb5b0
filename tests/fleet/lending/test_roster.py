"""The agreements roster (fleet.lending.roster) and the reminders (fleet.lending.reminders): listing by
class and state, the keyset cursor, the counts, the scope (another school's loans are invisible), new
links e-mailed one message per guardian, reminders due / not due / not twice within N days."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fleet.access.policy import Principal, Scope
from fleet.config import SmtpConfig
from fleet.errors import FleetError
from fleet.lending import agreements, loans, pupils, reminders, roster
from fleet.models import Agreement, OutboxMessage, utcnow
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory

URL = "https://fleet.example.lv"
ADMIN = Scope.of(Principal(0, "factory", "admin"))
SMTP = SmtpConfig(host="127.0.0.1", port=25, sender="skola@example.lv", starttls=False, timeout=5)


def it_of(school) -> Scope:
    return Scope.of(Principal(1, "it", "school_it", frozenset({school.id})))


def lend(session, school, grade="7.b", **pupil) -> loans.Handed:
    p = PupilFactory(school=school, grade=grade, **pupil)
    device = DeviceFactory(status="at_school", school=school)
    handed = loans.hand_over(session, ADMIN, loans.HandOver(device.serial, p.id), URL)
    session.flush()
    return handed


def sign(session, handed, method="paper", **fields):
    agreement = handed.agreement
    if method == "paper":
        from PIL import Image
        out = io.BytesIO()
        Image.new("L", (200, 280), 255).save(out, format="PNG")
        agreements.sign(session, agreement, "paper", handed.loan.pupil.guardian_name, scan=out.getvalue())
    else:
        agreement.status, agreement.method, agreement.signed_at = "signed", method, utcnow()
        agreement.signer_name = fields.get("signer_name", "Anna Ņikitina")
        agreement.signer_is_guardian = fields.get("signer_is_guardian", True)
        agreement.signer_relationship = fields.get("signer_relationship")
    session.flush()


def age(session, handed, days):
    handed.agreement.created_at = utcnow() - timedelta(days=days)
    session.flush()


@pytest.fixture
def school():
    return SchoolFactory(name="Ķekavas vidusskola")


def test_listing_by_class_then_name_with_states_and_paging(session, school):
    a = lend(session, school, "7.b", family_name="Ozoliņa", given_name="Līga")
    b = lend(session, school, "7.b", family_name="Bērziņš", given_name="Jānis")
    c = lend(session, school, "10.a", family_name="Kalniņa", given_name="Ilze")
    sign(session, b, "desk")
    sign(session, c, "paper")
    rows, last = roster.listing(session, it_of(school), school)
    assert [r.loan.id for r in rows] == [c.loan.id, b.loan.id, a.loan.id] and last is None  # "10.a" < "7.b"
    assert [r.state for r in rows] == ["signed_paper", "signed_desk", "awaiting_signature"]

    first, cursor = roster.listing(session, it_of(school), school, limit=2)
    assert [r.loan.id for r in first] == [c.loan.id, b.loan.id] and cursor == b.loan.id
    rest, end = roster.listing(session, it_of(school), school, limit=2, after=cursor)
    assert [r.loan.id for r in rest] == [a.loan.id] and end is None

    def ids(**kw):
        return [r.loan.id for r in roster.listing(session, it_of(school), school, **kw)[0]]
    assert ids(grade="7.b") == [b.loan.id, a.loan.id]
    assert ids(state="awaiting_signature") == [a.loan.id]
    assert ids(state="signed") == [c.loan.id, b.loan.id]
    assert ids(state="signed_desk") == [b.loan.id]
    assert ids(state="signed_paper", grade="7.b") == []
    assert ids(state="void") == []


def test_bad_filters_and_cursors_are_refused_by_name(session, school):
    handed = lend(session, school)
    with pytest.raises(FleetError) as e:
        roster.listing(session, ADMIN, school, state="unsigned")
    assert e.value.code == "invalid_input" and "awaiting_signature" in str(e.value.message)
    assert e.value.details[0]["allowed"] == list(roster.STATES)
    with pytest.raises(FleetError) as e:
        roster.listing(session, ADMIN, school, grade="x" * 11)
    assert e.value.code == "invalid_input" and e.value.details[0]["field"] == "class"
    other = lend(session, SchoolFactory())
    with pytest.raises(FleetError) as e:
        roster.listing(session, ADMIN, school, after=other.loan.id)  # a cursor of another list
    assert e.value.code == "invalid_input" and e.value.details[0]["field"] == "after"
    assert roster.listing(session, ADMIN, school, after=handed.loan.id) == ([], None)


def test_another_schools_loans_are_invisible(session, school):
    elsewhere = SchoolFactory()
    mine, theirs = lend(session, school), lend(session, elsewhere)
    rows, _ = roster.listing(session, it_of(school), school)
    assert [r.loan.id for r in rows] == [mine.loan.id]
    for call in (lambda: roster.listing(session, it_of(school), elsewhere),
                 lambda: roster.summary(session, it_of(school), elsewhere),
                 lambda: pupils.school_of(session, it_of(school), elsewhere.registration_number),
                 lambda: roster.print_links(session, it_of(school), [theirs.loan.id], URL),
                 lambda: roster.email_links(session, it_of(school), [theirs.loan.id], URL, SMTP)):
        with pytest.raises(FleetError) as e:
            call()
        assert e.value.code == "not_found"
    assert pupils.school_of(session, it_of(school), None).id == school.id
    assert pupils.school_of(session, ADMIN, "") is None  # an admin picks a school


def test_summary_counts_states_age_bands_and_signer_differs(session, school):
    fresh, week, month, old = (lend(session, school) for _ in range(4))
    age(session, week, 7)
    age(session, month, 30)
    age(session, old, 31)
    for method in ("link", "desk"):
        sign(session, lend(session, school, "8.a"), method)
    sign(session, lend(session, school, "8.a"), "link", signer_name="Vera Ņikitina", signer_is_guardian=False,
         signer_relationship="vecmāmiņa")
    sign(session, lend(session, school, "8.a"), "paper")
    lend(session, SchoolFactory())  # another school's: not counted
    s = roster.summary(session, ADMIN, school)
    assert (s.total, s.active) == (8, 8)
    assert s.states == {"awaiting_signature": 4, "signed": 4, "signed_link": 2, "signed_desk": 1, "signed_paper": 1,
                        "void": 0}
    assert s.awaiting_by_age == {"under_7": 1, "from_7_to_30": 2, "over_30": 1}
    assert s.signer_differs == 1
    assert roster.summary(session, ADMIN, school, grade="8.a").states["awaiting_signature"] == 0
    assert [(c.grade, c.pupils, c.on_loan, c.awaiting, c.signed) for c in roster.classes(session, school)] == [
        ("7.b", 4, 4, 4, 0), ("8.a", 4, 4, 0, 4)]


def test_new_links_emailed_one_message_per_guardian(session, school):
    anna = [lend(session, school, "5.a", guardian_email="Anna@example.lv"),
            lend(session, school, "7.b", guardian_email="anna@example.lv")]
    janis = lend(session, school, "7.b", guardian_email="janis@example.lv")
    nobody = lend(session, school, "7.b", guardian_email=None)
    old_hashes = {h.agreement.id: h.agreement.token_hash for h in [*anna, janis, nobody]}
    done = roster.email_links(session, it_of(school), [h.loan.id for h in [*anna, janis, nobody]], URL, SMTP)
    assert done.messages == 2 and [loan.id for loan in done.no_address] == [nobody.loan.id]
    queued = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.recipient) for m in queued] == [("sign_links", "Anna@example.lv"),
                                                       ("sign_links", "janis@example.lv")]
    family = queued[0].body
    for h in anna:
        assert h.agreement.number in family and f"{h.loan.pupil.given_name} {h.loan.pupil.family_name}" in family
        assert h.agreement.token_hash != old_hashes[h.agreement.id]  # a new link: the old one stops working
    assert family.count(f"{URL}/sign/") == 2
    assert nobody.agreement.token_hash == old_hashes[nobody.agreement.id]  # untouched: print it instead
    assert [r.reminders for r in (nobody.agreement, janis.agreement)] == [0, 0]  # no reminder: asked for


def test_no_email_configured_or_signed_agreements_are_refused(session, school):
    handed = lend(session, school)
    with pytest.raises(FleetError) as e:
        roster.email_links(session, ADMIN, [handed.loan.id], URL, None)
    assert e.value.code == "conflict"
    sign(session, handed, "desk")
    with pytest.raises(FleetError) as e:
        roster.print_links(session, ADMIN, [handed.loan.id], URL)
    assert e.value.code == "conflict"
    for bad in ([], ["x"], [0], "1"):
        with pytest.raises(FleetError) as e:
            roster.print_links(session, ADMIN, bad, URL)
        assert e.value.code == "invalid_input"


def test_printed_links_are_the_agreements_with_new_qr_codes(session, school):
    one, two = lend(session, school), lend(session, school, guardian_email=None)
    before = (one.agreement.original_sha256, two.agreement.token_hash)
    pdf = roster.print_links(session, ADMIN, [one.loan.id, two.loan.id], URL)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert one.agreement.number in text and two.agreement.number in text
    assert one.agreement.original_sha256 != before[0] and two.agreement.token_hash != before[1]
    assert session.scalar(select(OutboxMessage.id)) is None  # printed: nothing mailed
    single = roster.print_links(session, ADMIN, [one.loan.id], URL)
    assert hashlib.sha256(single).hexdigest() == one.agreement.original_sha256  # one: the new original itself


def test_reminders_due_not_due_and_not_twice_within_n_days(session, school):
    now = utcnow()
    due = lend(session, school, guardian_email="anna@example.lv")
    sibling = lend(session, school, "5.a", guardian_email="anna@example.lv")
    young = lend(session, school, guardian_email="janis@example.lv")
    no_address = lend(session, school, guardian_email=None)
    signed = lend(session, school, guardian_email="ilze@example.lv")
    for h in (due, sibling, no_address, signed):
        age(session, h, 8)
    age(session, young, 6)
    sign(session, signed, "desk")
    old_hash = due.agreement.token_hash

    assert reminders.queue_due(session, None, URL, 7, now) == 0  # no e-mail set up: nothing
    assert reminders.queue_due(session, SMTP, URL, 7, now) == 1  # one message for Anna's two children
    (message,) = session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.recipient) == ("reminder", "anna@example.lv")
    assert due.agreement.number in message.body and sibling.agreement.number in message.body
    assert due.agreement.token_hash != old_hash  # a fresh link: the old one's token is only stored hashed
    assert [(a.reminders, a.reminded_at) for a in (due.agreement, sibling.agreement)] == [(1, now), (1, now)]
    assert (young.agreement.reminders, no_address.agreement.reminders, signed.agreement.reminders) == (0, 0, 0)

    assert reminders.queue_due(session, SMTP, URL, 7, now + timedelta(days=6)) == 1  # young is due now, alone
    assert young.agreement.reminders == 1 and due.agreement.reminders == 1  # not twice within 7 days
    assert reminders.queue_due(session, SMTP, URL, 7, now + timedelta(days=7)) == 1  # Anna again, 7 days on
    assert (due.agreement.reminders, sibling.agreement.reminders) == (2, 2)
    rows = session.scalars(select(Agreement).where(Agreement.reminders > 0)).all()
    assert {a.id for a in rows} == {due.agreement.id, sibling.agreement.id, young.agreement.id}


def test_ended_loans_are_not_reminded(session, school):
    handed = lend(session, school)
    age(session, handed, 30)
    handed.loan.status = "returned"
    session.flush()
    assert reminders.due(session, 7, utcnow()) == []
