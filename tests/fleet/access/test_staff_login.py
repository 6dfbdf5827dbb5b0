"""Signing in through the login page, against the real slapd and with local accounts: roles and
school scope from the directory, refusals, a directory that is down, and the throttle."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fleet import db
from fleet.access import policy
from fleet.errors import FleetError
from fleet.models import AccessLogEntry, ApiToken, User, utcnow
from tests.conftest import error_code, sign_in
from tests.directory_server import FOUNDER, PASSWORD, SCHOOL_A, SCHOOL_B, SCHOOL_GROUP, free_port
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory, UserFactory, token_for


@pytest.fixture
def schools():
    """The schools the directory names: A of founder DKN, B and the group-named one of another."""
    a = SchoolFactory(registration_number=SCHOOL_A, name="Grobiņas ģimnāzija", founder=FounderFactory(code=FOUNDER))
    b = SchoolFactory(registration_number=SCHOOL_B, name="Liepājas 5. vidusskola")
    c = SchoolFactory(registration_number=SCHOOL_GROUP, name="Nīcas vidusskola", founder=b.founder)
    return {"a": a, "b": b, "c": c, "at_a": DeviceFactory(status="at_school", school=a),
            "at_b": DeviceFactory(status="at_school", school=b), "warehouse": DeviceFactory(status="labelled")}


def log(session, event=None) -> list[AccessLogEntry]:
    session.commit()
    query = select(AccessLogEntry).order_by(AccessLogEntry.id)
    return list(session.scalars(query.where(AccessLogEntry.event == event) if event else query))


def user(session, name) -> User | None:
    session.commit()
    session.expire_all()
    return session.scalar(select(User).where(User.name == name))


def serials(client) -> list[str]:
    r = client.get("/api/v1/devices")
    assert r.status_code == 200, r.get_json()
    return [d["serial"] for d in r.get_json()["items"]]


def test_the_login_page_is_a_form_with_a_csrf_token(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for needed in ('name="username"', 'name="password"', 'type="password"', 'name="csrf_token" value="'):
        assert needed in html


def test_school_it_from_the_directory_signs_in_and_sees_only_their_school(directory_app, client, session, schools):
    r = sign_in(client, "enikitina", PASSWORD)
    assert r.status_code == 303 and r.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "enikitina" in home and "Grobiņas ģimnāzija" in home and "Liepājas" not in home
    assert '<th class="n" id="total">1</th>' in home
    assert serials(client) == [schools["at_a"].serial]
    assert client.get(f"/api/v1/devices/{schools['at_b'].serial}").status_code == 404
    assert client.get(f"/api/v1/devices/{schools['warehouse'].serial}").status_code == 404
    stored = user(session, "enikitina")
    assert (stored.role, stored.source, [s.registration_number for s in stored.schools]) == ("school_it", "directory",
                                                                                            [SCHOOL_A])
    assert stored.password_hash is None  # the directory keeps the password
    [entry] = log(session, "signin")
    assert (entry.actor, entry.via, entry.what, entry.details) == ("enikitina", "form", "POST /login",
                                                                   {"source": "directory"})


def test_a_school_it_user_of_the_other_school_sees_the_other_school(directory_app, client, schools):
    assert sign_in(client, "lozolina", PASSWORD).status_code == 303
    assert serials(client) == [schools["at_b"].serial]


def test_a_school_named_by_a_group_and_two_schools_by_attribute(directory_app, client, session, schools):
    assert sign_in(client, "ņikita", PASSWORD).status_code == 303
    assert [s.registration_number for s in user(session, "ņikita").schools] == [SCHOOL_GROUP]
    client = client.application.test_client()  # a new browser
    assert sign_in(client, "kdivas", PASSWORD).status_code == 303
    assert sorted(serials(client)) == sorted([schools["at_a"].serial, schools["at_b"].serial])


def test_ministry_sees_counts_of_everything(directory_app, client, session, schools):
    assert sign_in(client, "iliepina", PASSWORD).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert '<th class="n" id="total">3</th>' in home and "Skolas" not in home
    assert user(session, "iliepina").role == "ministry"


def test_founder_manager_sees_only_its_municipalitys_schools(directory_app, client, session, schools):
    assert sign_in(client, "mvitols", PASSWORD).status_code == 303
    assert [f.code for f in user(session, "mvitols").founders] == [FOUNDER]
    assert serials(client) == [schools["at_a"].serial]
    assert client.get(f"/api/v1/devices/{schools['at_b'].serial}").status_code == 404
    assert "Grobiņas ģimnāzija" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["akalnins", "iliepina", "mvitols"])
def test_roles_without_personal_data_are_refused_every_pupil_route(directory_app, client, schools, username):
    """Warehouse, ministry and founder managers: every route needing a personal-data permission
    answers 403, whatever the route (those of pupils, loans and agreements included)."""
    assert sign_in(client, username, PASSWORD).status_code == 303
    role = {"akalnins": "warehouse", "iliepina": "ministry", "mvitols": "founder_manager"}[username]
    assert not [p for p in policy.PERMISSIONS[role] if policy.is_personal(p)]
    personal = [(rule, method) for rule in directory_app.url_map.iter_rules()
                for method in rule.methods - {"HEAD", "OPTIONS"}
                if policy.is_personal(getattr(directory_app.view_functions[rule.endpoint], "permission", ""))]
    headers = {"X-CSRF-Token": _csrf(client)}
    for rule, method in personal:  # the permission is checked before anything else: any id will do
        r = client.open(re.sub(r"<[^>]+>", "1", rule.rule), method=method, json={}, headers=headers)
        assert r.status_code == 403, (method, rule.rule, r.get_json())
        if rule.rule.startswith("/api/"):
            assert r.get_json()["error"]["details"]["needs"].startswith(policy.PERSONAL_DATA)
        else:  # a page (/pupils, /desk/…): the 403 page in the reader's language, with its code
            assert "[forbidden]" in r.get_data(as_text=True), (method, rule.rule)


def _csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def test_auditor_signs_in_and_reads_the_access_log(directory_app, client, schools):
    assert sign_in(client, "dkrumina", PASSWORD).status_code == 303
    r = client.get("/api/v1/access-log")
    assert r.status_code == 200
    assert [(e["event"], e["actor"]) for e in r.get_json()["items"]] == [("signin", "dkrumina")]


@pytest.mark.parametrize("username, reason, message", [
    ("gsmits", "no_role", "no Fleet role"),
    ("pdivrolis", "several_roles", "several Fleet roles (school_it, warehouse)"),
    ("zvitola", "no_scope", "no school registration number Fleet knows"),
])
def test_the_directorys_groups_must_give_one_role_and_a_known_school(directory_app, client, session, schools, username,
                                                                       reason, message):
    r = sign_in(client, username, PASSWORD)
    assert r.status_code == 403
    assert 'data-code="forbidden"' in r.get_data(as_text=True) and message in r.get_data(as_text=True)
    assert user(session, username) is None
    [entry] = log(session)
    assert (entry.event, entry.actor, entry.details) == ("signin_refused", username, {"reason": reason})
    assert client.get("/api/v1/devices").status_code == 401


def test_a_founder_manager_whose_founder_fleet_does_not_know(directory_app, client, session):
    r = sign_in(client, "mvitols", PASSWORD)
    assert r.status_code == 403 and "no founder code Fleet knows" in r.get_data(as_text=True)


def test_each_sign_in_takes_the_directorys_word_anew(directory_app, client, session, schools):
    stale = UserFactory(name="lozolina", role="school_it", source="directory", schools=[schools["a"]])
    assert sign_in(client, "lozolina", PASSWORD).status_code == 303
    assert [s.registration_number for s in user(session, "lozolina").schools] == [SCHOOL_B]
    assert user(session, "lozolina").id == stale.id


def test_a_token_acts_with_the_role_and_schools_its_user_has_now(directory_app, client, session, schools):
    """The directory moved lozolina from school A to B: her token follows at her next sign-in."""
    moved = UserFactory(name="lozolina", role="school_it", source="directory", schools=[schools["a"]])
    headers = {"Authorization": f"Bearer {token_for(moved)}"}
    assert [d["serial"] for d in client.get("/api/v1/devices", headers=headers).get_json()["items"]] == [
        schools["at_a"].serial]
    assert sign_in(client, "lozolina", PASSWORD).status_code == 303
    assert [d["serial"] for d in client.get("/api/v1/devices", headers=headers).get_json()["items"]] == [
        schools["at_b"].serial]


def test_a_role_taken_away_in_the_directory_revokes_tokens_and_sessions(directory_app, client, session, schools):
    former = UserFactory(name="gsmits", role="warehouse", source="directory")
    token = token_for(former)
    assert client.get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert sign_in(client, "gsmits", PASSWORD).status_code == 403
    assert client.get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    session.expire_all()
    assert session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == former.id)) is not None
    assert user(session, "gsmits").withdrawn_at is not None  # and no new token until the directory says otherwise


def test_a_directory_user_cannot_take_over_a_local_account(directory_app, client, session, schools):
    UserFactory(name="jberzins", role="ministry")  # local, no password: the directory's jberzins is someone else
    assert sign_in(client, "jberzins", PASSWORD).status_code == 401
    r = sign_in(client, "JBerzins", PASSWORD)
    assert r.status_code == 403 and "ir vietējais konts" in r.get_data(as_text=True)  # the page is Latvian by default
    assert user(session, "jberzins").role == "ministry"


@pytest.mark.parametrize("username, password", [
    ("jberzins", "nepareiza parole"), ("nav-tada", PASSWORD), ("*", PASSWORD), ("*)(uid=*", PASSWORD),
    ("jberzins)(|(uid=*", PASSWORD),
])
def test_wrong_password_unknown_user_or_injection_is_one_answer(directory_app, client, session, schools, username,
                                                               password):
    r = sign_in(client, username, password)
    assert r.status_code == 401
    page = r.get_data(as_text=True)
    assert 'data-code="unauthorized"' in page and "Nepareizs lietotājvārds vai parole." in page
    assert client.get("/").status_code == 303  # not signed in
    [entry] = log(session)
    assert (entry.event, entry.actor) == ("signin_failed", username.lower())
    assert session.scalar(select(User.id)) is None


def test_a_password_is_never_stored_or_logged(directory_app, client, session, schools, caplog):
    secret = "Slepena-Parole-Nr-7"
    sign_in(client, "jberzins", secret)
    sign_in(client, "gsmits", PASSWORD)
    sign_in(client, "enikitina", PASSWORD)
    for entry in log(session):
        assert secret not in repr(vars(entry)) and PASSWORD not in repr(vars(entry))
    assert secret not in caplog.text and PASSWORD not in caplog.text


def test_local_accounts_sign_in_without_a_directory(client, session, schools):
    from fleet.access import auth

    local = UserFactory(name="Anna", role="warehouse")
    auth.set_password(local, "garā-parole-annai")
    session.commit()
    assert sign_in(client, "Anna", "nepareizā-parole").status_code == 401
    assert sign_in(client, "enikitina", PASSWORD).status_code == 401  # no directory configured
    assert sign_in(client, "Anna", "garā-parole-annai").status_code == 303
    assert len(serials(client)) == 3
    assert log(session, "signin")[0].details == {"source": "local"}


def test_a_directory_that_is_down_does_not_lock_out_local_accounts(directory_app, configure, client, session, schools,
                                                                  slapd):
    from fleet.access import auth

    configure(directory=slapd.config(url=f"ldap://127.0.0.1:{free_port()}"))
    admin = UserFactory(name="vietējais-admins", role="admin")
    auth.set_password(admin, "vietējā-parole-1")
    session.commit()
    r = sign_in(client, "enikitina", PASSWORD)
    assert r.status_code == 503 and 'data-code="unavailable"' in r.get_data(as_text=True)
    assert "vietējie konti darbojas" in r.get_data(as_text=True)  # "local accounts work", on the Latvian page
    assert sign_in(client, "vietējais-admins", "vietējā-parole-1").status_code == 303
    assert [(e.event, (e.details or {}).get("reason")) for e in log(session)] == [
        ("signin_refused", "directory_unavailable"), ("signin", None)]


def test_start_tls_sign_in_through_the_page(directory_app, configure, client, slapd, schools):
    configure(directory=slapd.config(start_tls=True, ca_file=slapd.ca_file))
    assert sign_in(client, "enikitina", PASSWORD).status_code == 303
    client = client.application.test_client()  # a new browser
    configure(directory=slapd.config(start_tls=True, ca_file=slapd.other_ca_file))
    assert sign_in(client, "lozolina", PASSWORD).status_code == 503


@pytest.mark.parametrize("form, field", [
    ({"username": "", "password": "x"}, "username"),
    ({"username": "jberzins", "password": ""}, "password"),
    ({"password": "x"}, "username"),
    ({"username": "j" * 101, "password": "x"}, "username"),
    ({"username": "jber\x00zins", "password": "x"}, "username"),
    ({"username": "jberzins\n", "password": "x" * 1025}, "password"),
])
def test_bad_input_is_invalid_and_records_nothing(directory_app, client, session, form, field):
    from tests.conftest import csrf_of

    r = client.post("/login", data={**form, "csrf_token": csrf_of(client)})
    assert r.status_code == 400
    assert 'data-code="invalid_input"' in r.get_data(as_text=True)
    assert log(session) == []


# --- the throttle ---------------------------------------------------------------------------------

def test_too_many_failures_for_one_user_refuse_even_the_right_password(directory_app, configure, client, session,
                                                                      schools):
    configure(signin_failures_per_user=3, signin_throttle_minutes=15)
    for attempt in ("a-1", "a-2", "a-3"):
        assert sign_in(client, "enikitina", attempt).status_code == 401
    r = sign_in(client, "ENikitina", PASSWORD)  # the same name in other letters counts too
    assert r.status_code == 429
    assert 'data-code="throttled"' in r.get_data(as_text=True)
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert sign_in(client, "lozolina", PASSWORD).status_code == 303  # another user from the same address
    assert [e.event for e in log(session)][-2:] == ["signin_refused", "signin"]
    assert log(session, "signin_refused")[0].details == {"reason": "throttled"}
    # the failures age out of the window, and the user may sign in again
    _age(session, minutes=16)
    client = client.application.test_client()  # a new browser
    assert sign_in(client, "enikitina", PASSWORD).status_code == 303


def test_too_many_failures_from_one_address_refuse_that_address(directory_app, configure, client, session, schools):
    configure(signin_failures_per_user=100, signin_failures_per_address=4)
    for name in ("a", "b", "c", "d"):
        assert sign_in(client, name, "nav").status_code == 401
    assert sign_in(client, "enikitina", PASSWORD).status_code == 429
    other = directory_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.20.30.40"
    assert sign_in(other, "enikitina", PASSWORD).status_code == 303
    assert {e.address for e in log(session, "signin_failed")} == {"127.0.0.1"}


def test_refused_attempts_do_not_extend_the_wait(directory_app, configure, client, session, schools):
    configure(signin_failures_per_user=2)
    sign_in(client, "enikitina", "x-1")
    sign_in(client, "enikitina", "x-2")
    for _ in range(5):
        assert sign_in(client, "enikitina", "x-3").status_code == 429
    assert len(log(session, "signin_failed")) == 2


LOCAL_PASSWORD = "Rīga-Daugava-1201"
NAT = "10.20.30.40"  # a school's one public address, shared by every browser in it


@pytest.fixture
def local_users(session):
    """Two local accounts (the throttle is the same for directory ones), signing in from the school's NAT."""
    from fleet.access import auth

    for name in ("anna", "janis"):
        auth.set_password(UserFactory(name=name, role="school_it"), LOCAL_PASSWORD)
    session.commit()


def _school_browser(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = NAT
    return client


def test_the_address_limit_counts_failures_only(app, configure, session, local_users):
    """Successful sign-ins from an address neither count towards its limit nor wipe its failures."""
    configure(signin_failures_per_user=100, signin_failures_per_address=3)
    client = _school_browser(app)
    for _ in range(6):  # a busy morning at the school: many right passwords
        assert sign_in(client, "anna", LOCAL_PASSWORD).status_code == 303
    assert sign_in(client, "skolens-1", "minu").status_code == 401
    assert sign_in(client, "skolens-2", "minu").status_code == 401
    assert sign_in(client, "janis", LOCAL_PASSWORD).status_code == 303  # two failures: still open
    assert sign_in(client, "skolens-3", "minu").status_code == 401  # the third, after a success: still counted
    for name in ("janis", "anna"):  # now the address is throttled, the right password included
        r = sign_in(client, name, LOCAL_PASSWORD)
        assert r.status_code == 429 and 'data-code="throttled"' in r.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.1"  # another address is not affected
    assert sign_in(other, "anna", LOCAL_PASSWORD).status_code == 303
    assert [e.details for e in log(session, "signin_refused")] == [{"reason": "throttled"}] * 2


@pytest.fixture
def fleet_cli(database_url, tmp_path, app):
    from click.testing import CliRunner

    from fleet.cli import main

    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}
    return lambda *args: CliRunner().invoke(main, list(args), env=env)


def test_an_operator_clears_a_throttled_address(app, configure, session, local_users, fleet_cli):
    configure(signin_failures_per_user=3, signin_failures_per_address=4)
    client = _school_browser(app)
    for name in ("a", "b", "c", "janis"):
        assert sign_in(client, name, "minu").status_code == 401
    assert sign_in(client, "anna", LOCAL_PASSWORD).status_code == 429
    result = fleet_cli("throttle", "clear", NAT)
    assert result.exit_code == 0, result.output
    assert f"{NAT}: 4 failed sign-ins no longer count against the address" in result.output
    [cleared] = log(session, "throttle_cleared")
    assert (cleared.address, cleared.via, cleared.what, cleared.details) == (NAT, "cli", "fleet throttle clear",
                                                                            {"failures": 4})
    assert cleared.actor  # who ran it
    assert sign_in(client, "anna", LOCAL_PASSWORD).status_code == 303  # the address is open again
    for _ in range(2):
        assert sign_in(client, "janis", "minu").status_code == 401
    r = sign_in(client, "janis", LOCAL_PASSWORD)  # each username's own count is not cleared: janis has 3
    assert r.status_code == 429
    for name in ("d", "e"):  # failures after the clear count, janis' two included: four again
        assert sign_in(client, name, "minu").status_code == 401
    assert sign_in(client, "anna", LOCAL_PASSWORD).status_code == 429
    assert len(log(session, "signin_failed")) == 8  # nothing was deleted from the access log


@pytest.mark.parametrize("address", ["", "not-an-address", "10.0.0.300", "10.0.0.1 "])
def test_clearing_needs_an_address(fleet_cli, session, address):
    result = fleet_cli("throttle", "clear", address)
    assert result.exit_code == 1 and "[invalid_input]" in result.output
    assert log(session, "throttle_cleared") == []


def test_clearing_an_address_that_is_not_throttled_says_so(fleet_cli, session):
    result = fleet_cli("throttle", "clear", "2001:DB8::1")
    assert result.exit_code == 0 and "2001:db8::1: 0 failed sign-ins no longer count" in result.output


def _age(session, minutes: int) -> None:
    """Move every access-log row into the past (as if the minutes had gone by)."""
    from datetime import timedelta

    for entry in log(session):
        entry.at = entry.at - timedelta(minutes=minutes)
    session.commit()


def test_api_without_credentials_still_says_how_to_authenticate(client):
    r = client.get("/api/v1/devices")
    assert r.status_code == 401 and error_code(r) == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


# --- fleet directory sync ----------------------------------------------------------------------------

def test_sync_applies_the_directorys_word_between_sign_ins(directory_app, client, session, schools):
    from fleet.access import staff_login

    moved = UserFactory(name="lozolina", role="school_it", source="directory", schools=[schools["a"]])  # now at B
    kept = UserFactory(name="akalnins", role="warehouse", source="directory")
    promoted = UserFactory(name="iliepina", role="warehouse", source="directory")  # the directory says ministry
    no_role = UserFactory(name="gsmits", role="warehouse", source="directory")  # in no Fleet group now
    unknown_school = UserFactory(name="zvitola", role="school_it", source="directory", schools=[schools["a"]])
    gone = UserFactory(name="aizgajusi", role="admin", source="directory")  # no longer in the directory
    local = UserFactory(name="gsmits-local", role="admin")  # a local account: the directory has no say
    tokens = {u.name: token_for(u) for u in (moved, kept, promoted, no_role, unknown_school, gone, local)}

    def sync():
        with directory_app.app_context():  # as `fleet directory sync` runs it: the command's own session
            report = staff_login.sync(db.session(), directory_app.config["FLEET"])
            db.session().commit()
        return report

    report = sync()
    assert (report.unchanged, report.updated, report.withdrawn) == (
        ["akalnins"], ["iliepina", "lozolina"], ["aizgajusi", "gsmits", "zvitola"])

    def answer(name):
        return client.get("/api/v1/devices", headers={"Authorization": f"Bearer {tokens[name]}"})

    assert [d["serial"] for d in answer("lozolina").get_json()["items"]] == [schools["at_b"].serial]
    assert user(session, "iliepina").role == "ministry" and answer("iliepina").status_code == 200
    for name in ("aizgajusi", "gsmits", "zvitola"):
        assert error_code(answer(name)) == "unauthorized"
    assert answer("akalnins").status_code == 200 and answer("gsmits-local").status_code == 200
    assert {u.name for u in session.scalars(select(User).where(User.withdrawn_at.is_not(None)))} == {
        "aizgajusi", "gsmits", "zvitola"}
    again = sync()  # nothing left to do
    assert again.updated == again.withdrawn == [] and len(again.unchanged) == 6


def test_a_withdrawn_user_gets_no_token_until_the_directory_gives_it_a_role_again(directory_app, client, session,
                                                                                  schools):
    from fleet.access import auth, staff_login

    gone = UserFactory(name="gsmits", role="admin", source="directory")  # the directory gives it no Fleet role
    back = UserFactory(name="iliepina", role="ministry", source="directory", withdrawn_at=utcnow())  # a role again
    with directory_app.app_context():
        report = staff_login.sync(db.session(), directory_app.config["FLEET"])
        db.session().commit()
    assert (report.unchanged, report.updated, report.withdrawn) == ([], ["iliepina"], ["gsmits"])
    with pytest.raises(FleetError) as refused:  # `fleet tokens create gsmits`: an admin's token, refused
        auth.create_token(session, "gsmits")
    assert refused.value.code == "conflict" and "withdrew" in refused.value.message
    session.rollback()
    assert session.scalar(select(ApiToken).where(ApiToken.user_id == gone.id)) is None
    _, plain = auth.create_token(session, "iliepina")
    session.commit()
    assert client.get("/api/v1/devices", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    assert user(session, "iliepina").withdrawn_at is None and back.id == user(session, "iliepina").id
    signs_in = UserFactory(name="enikitina", role="school_it", source="directory", schools=[schools["a"]],
                           withdrawn_at=utcnow())  # withdrawn earlier; the directory gives it its role again
    assert sign_in(client, "enikitina", PASSWORD).status_code == 303
    assert user(session, "enikitina").withdrawn_at is None and signs_in.id == user(session, "enikitina").id


def test_a_withdrawn_users_token_or_session_left_live_lets_nobody_in(app, client, session):
    from fleet.access import sessions

    withdrawn = UserFactory(name="aizgajusi", role="admin", source="directory")
    token, plain = token_for(withdrawn), sessions.start(session, withdrawn, app.config["FLEET"])
    withdrawn.withdrawn_at = utcnow()  # by hand, say, without revoking the token or ending the session
    session.commit()
    r = client.get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and error_code(r) == "unauthorized"
    with pytest.raises(FleetError) as refused:
        sessions.principal(session, plain, app.config["FLEET"])
    assert refused.value.code == "unauthorized"


def test_sync_from_the_command_line_and_when_it_cannot_ask(database_url, tmp_path, slapd, session, schools):
    from click.testing import CliRunner

    from fleet.cli import main

    gone = UserFactory(name="aizgajusi", role="admin", source="directory")
    token_for(gone)
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}
    result = CliRunner().invoke(main, ["directory", "sync"], env=env)
    assert result.exit_code == 1
    assert "no directory is configured" in result.output and "[invalid_input]" in result.output
    down = {**env, **slapd.env(), "FLEET_LDAP_URL": f"ldap://127.0.0.1:{free_port()}"}
    result = CliRunner().invoke(main, ["directory", "sync"], env=down)
    assert result.exit_code == 1 and "[unavailable]" in result.output
    session.commit()  # a fresh snapshot: the command wrote through its own connection
    assert session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == gone.id)) is None  # nothing changed
    result = CliRunner().invoke(main, ["directory", "sync"], env={**env, **slapd.env()})
    assert result.exit_code == 0, result.output
    assert "withdrawn: aizgajusi" in result.output and "0 unchanged, 0 updated, 1 withdrawn" in result.output
    session.commit()  # a fresh snapshot: the command wrote through its own connection
    assert session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == gone.id)) is not None
