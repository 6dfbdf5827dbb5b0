"""/admin/templates, /admin/access-log, /admin/outbox, /admin/verify and the /admin index with the Flask
test client."""

import re
from datetime import timedelta

import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import select

from fleet import history
from fleet.access import access_log
from fleet.cli import main
from fleet.lending import agreements
from fleet.models import AgreementTemplate, Event, OutboxMessage, VerifyRun, utcnow
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory
from tests.fleet.web.admin.forms import as_role, code_of, invalid_fields, post

TEXT = ("Patapinājuma līgums\n\n1. Līdzēji\nPatapinātājs: {founder}.\nSkola: {school}.\n\n"
        "2. Priekšmets\nDators {device}.")


def test_a_draft_is_previewed_then_published(app, session):
    founder = FounderFactory(code="KEKAVA")
    client = as_role(app, "admin")
    page = client.get("/admin/templates?founder=KEKAVA&language=lv").get_data(as_text=True)
    assert "Patapinājuma līgums" in page and 'id="template-form"' in page  # starts from the text in use
    draft = {"founder": "KEKAVA", "language": "lv", "version": "2027-1", "text": TEXT}
    r = post(client, "/admin/templates/preview", draft)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert session.scalar(select(AgreementTemplate.id)) is None  # a preview saves nothing
    r = post(client, "/admin/templates", draft)
    assert r.status_code == 303
    session.commit()
    assert agreements.template_for(session, founder, "lv").version == "2027-1"
    listing = client.get("/admin/templates").get_data(as_text=True)
    assert 'data-version="2027-1" data-current' in listing
    r = post(client, "/admin/templates", draft)
    assert r.status_code == 409 and invalid_fields(r.get_data(as_text=True)) == {"version"}


def test_a_bad_draft_is_refused_on_the_form(app, session):
    FounderFactory(code="KEKAVA")
    client = as_role(app, "admin")
    bad = {"founder": "KEKAVA", "language": "lv", "version": "x", "text": "Līgums\n\n1. Daļa\nSkolēns {pupil_code}."}
    for path in ("/admin/templates/preview", "/admin/templates"):
        r = post(client, path, bad)
        body = r.get_data(as_text=True)
        assert r.status_code == 400 and code_of(body) == "invalid_input" and "pupil_code" in body
        assert 'aria-invalid="true"' in body and "{pupil_code}" in body  # the draft is kept as typed
    r = post(client, "/admin/templates", {**bad, "text": "only a title"})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"text"}
    assert session.scalar(select(AgreementTemplate.id)) is None


def test_the_access_log_is_filtered_and_paged(app, session):
    for n in range(3):
        access_log.record(session, "signin", f"user-{n}", address="10.0.0.1", via="form")
    access_log.record(session, "personal_data", "user-1", what="GET /api/v1/pupils/<int:pupil_id>")
    session.commit()
    client = as_role(app, "auditor", None)
    r = client.get("/admin/access-log?actor=user-1")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("no-store")
    assert body.count('data-event="') == 2 and "GET /api/v1/pupils/&lt;int:pupil_id&gt;" in body
    assert client.get("/admin/access-log?event=personal_data").get_data(as_text=True).count('data-event="') == 1
    today = utcnow().date()
    since = (today + timedelta(days=1)).isoformat()
    assert 'data-event="' not in client.get(f"/admin/access-log?since={since}").get_data(as_text=True)
    assert client.get(f"/admin/access-log?until={today.isoformat()}&actor=user-0").get_data(as_text=True).count(
        'data-event="signin"') == 1
    r = client.get("/admin/access-log?since=vakar")
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"since"}


def test_the_outbox_shows_stuck_messages_without_their_content(app, session):
    session.add(OutboxMessage(kind="sign_link", state="dead", recipient="vecaks@example.lv", subject="Līgums",
                              body="https://fleet.example/sign/secret", attempts=8,
                              last_error="SMTPRecipientsRefused 550"))
    session.add(OutboxMessage(kind="signed_copy", state="queued", attempts=2, last_error="ConnectionRefusedError"))
    session.commit()
    client = as_role(app, "admin")
    body = client.get("/admin/outbox").get_data(as_text=True)
    assert 'data-state="dead"' in body and "SMTPRecipientsRefused 550" in body and "ConnectionRefusedError" in body
    assert "vecaks@example.lv" not in body and "secret" not in body
    only = client.get("/admin/outbox?state=dead").get_data(as_text=True)
    assert only.count('data-state="') == 1
    assert client.get("/admin/outbox?state=stuck").status_code == 400


def test_the_latest_verify_is_shown_and_run_now(app, session, raw):
    client = as_role(app, "admin")
    assert 'data-result="none"' in client.get("/admin/verify").get_data(as_text=True)
    device = DeviceFactory(status="labelled")
    r = post(client, "/admin/verify")
    assert r.status_code == 303
    assert 'data-result="ok"' in client.get("/admin/verify").get_data(as_text=True)
    target = session.scalars(select(Event).where(Event.device_id == device.id).order_by(Event.seq)).all()[1]
    with raw.begin() as conn:
        conn.execute(sa.update(Event).where(Event.id == target.id).values(data={"edited": True}))
    assert post(client, "/admin/verify").status_code == 303
    session.commit()
    run = history.latest_run(session)
    assert (run.broken_serial, run.broken_event_id, run.broken_seq) == (device.serial, target.id, 2)
    page = as_role(app, "auditor").get("/admin/verify").get_data(as_text=True)
    assert 'data-result="broken"' in page and device.serial in page and 'id="verify-now"' not in page


def test_fleet_verify_keeps_its_result(app, session, database_url, tmp_path):
    DeviceFactory(status="imaged")
    session.commit()
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}
    assert CliRunner().invoke(main, ["verify"], env=env).exit_code == 0
    session.commit()
    run = session.scalar(select(VerifyRun).order_by(VerifyRun.id.desc()))
    assert (run.actor, run.checked, run.reason) == ("cli", 1, None)


def test_the_index_lists_what_the_role_may_open(app, session):
    sections = {
        "admin": {"users", "tokens", "founders", "schools", "contracts", "printers", "templates", "access_log",
                  "outbox", "verify"},
        "auditor": {"access_log", "verify"},
        "school_it": {"printers"},
        "warehouse": {"contracts", "printers"},
    }
    for role, expected in sections.items():
        body = as_role(app, role, SchoolFactory() if role == "school_it" else None).get("/admin").get_data(as_text=True)
        shown = {s.removeprefix("web.admin_") for s in re.findall(r'data-section="([a-z_.]+)"', body)}
        assert shown == expected, role
        assert 'href="/admin"' in body  # the bar's item
    assert as_role(app, "ministry").get("/admin").status_code == 403
