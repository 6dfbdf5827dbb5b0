"""/admin/users and /admin/tokens with the Flask test client: adding a local user, refusals on the form,
changing a role, ending sessions; a token shown once, used with the API, revoked."""

from sqlalchemy import func, select

from fleet.access import sessions
from fleet.models import ApiToken, User, WebSession
from tests.conftest import sign_in
from tests.factories import SchoolFactory, UserFactory, current_session
from tests.fleet.web.admin.forms import as_role, code_of, invalid_fields, post

PASSWORD = "Ļoti-slepena-2026"


def _users(session) -> int:
    session.commit()  # (a new read: the pages wrote in their own transactions)
    session.expire_all()
    return session.scalar(select(func.count()).select_from(User))


def test_an_admin_adds_a_school_it_user_with_a_password(app, session):
    school = SchoolFactory()
    client = as_role(app, "admin")
    r = post(client, "/admin/users", {"name": "skola-it", "role": "school_it", "schools": school.registration_number,
                                      "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"] == "/admin/users"
    page = client.get("/admin/users").get_data(as_text=True)
    assert "skola-it" in page and PASSWORD not in page and 'data-role="school_it"' in page
    session.commit()  # (a new read: the pages wrote in their own transactions)
    session.expire_all()
    user = session.scalar(select(User).where(User.name == "skola-it"))
    assert [s.id for s in user.schools] == [school.id] and user.password_hash and user.source == "local"
    assert sign_in(app.test_client(), "skola-it", PASSWORD).status_code == 303  # the password opens /login


def test_a_duplicate_user_is_refused_on_the_form_and_nothing_changes(app, session):
    UserFactory(name="jau-ir")
    client = as_role(app, "admin")
    before = _users(session)
    r = post(client, "/admin/users", {"name": "jau-ir", "role": "warehouse", "password": PASSWORD,
                                      "password2": PASSWORD})
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and code_of(body) == "duplicate"
    assert invalid_fields(body) == {"name"} and 'value="jau-ir"' in body and PASSWORD not in body
    assert _users(session) == before


def test_refusals_name_their_field(app, session):
    client = as_role(app, "admin")
    before = _users(session)
    r = post(client, "/admin/users", {"name": "a", "role": "warehouse", "password": PASSWORD, "password2": "x"})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"password2"}
    r = post(client, "/admin/users", {"name": "b", "role": "school_it", "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 400 and code_of(r.get_data(as_text=True)) == "invalid_input"
    r = post(client, "/admin/users", {"name": "c", "role": "warehouse", "password": "short", "password2": "short"})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"password"}
    assert _users(session) == before


def test_an_admin_changes_a_role_and_ends_the_sessions(app, session):
    school = SchoolFactory()
    user = UserFactory(role="warehouse")
    sessions.start(session, user, app.config["FLEET"])
    session.commit()
    user_id = user.id
    client = as_role(app, "admin")
    r = post(client, f"/admin/users/{user.id}", {"role": "school_it", "schools": school.registration_number})
    assert r.status_code == 303
    session.commit()  # (a new read: the pages wrote in their own transactions)
    session.expire_all()
    changed = session.get(User, user_id)
    assert changed.role == "school_it" and [s.id for s in changed.schools] == [school.id]
    r = post(client, f"/admin/users/{user.id}/sessions")
    assert r.status_code == 303
    assert "1" in client.get(r.headers["Location"]).get_data(as_text=True)
    session.commit()  # (a new read: the pages wrote in their own transactions)
    session.expire_all()
    live = session.scalar(select(func.count()).select_from(WebSession)
                          .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None)))
    assert live == 0


def test_a_directory_user_keeps_the_directory_role(app, session):
    user = UserFactory(role="warehouse", source="directory")
    client = as_role(app, "admin")
    r = post(client, f"/admin/users/{user.id}", {"role": "admin"})
    assert r.status_code == 409 and code_of(r.get_data(as_text=True)) == "conflict"
    session.commit()  # (a new read: the pages wrote in their own transactions)
    session.expire_all()
    assert user.role == "warehouse"
    assert client.get("/admin/users/999999").status_code == 404


def test_a_token_is_shown_once_works_with_the_api_then_revoked_is_refused(app, session):
    UserFactory(name="skripts", role="ministry")
    client = as_role(app, "admin")
    r = post(client, "/admin/tokens", {"user": "skripts", "name": "inventārs"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"].startswith("no-store")
    plain = body.split('id="plain-token" readonly value="', 1)[1].split('"', 1)[0]
    assert plain.startswith("flt_") and body.count(plain) == 1
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert plain not in listing and "inventārs" in listing
    api = app.test_client()
    assert api.get("/api/v1/devices", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    token = current_session().scalar(select(ApiToken).where(ApiToken.name == "inventārs"))
    r = post(client, f"/admin/tokens/{token.id}/revoke")
    assert r.status_code == 303
    assert f'data-token="{token.id}" data-state="revoked"' in client.get("/admin/tokens").get_data(as_text=True)
    assert api.get("/api/v1/devices", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_a_token_needs_a_user_and_a_purpose(app, session):
    client = as_role(app, "admin")
    r = post(client, "/admin/tokens", {"user": "nav-tāda", "name": "x"})
    assert r.status_code == 404 and code_of(r.get_data(as_text=True)) == "not_found"
    UserFactory(name="kāds")
    r = post(client, "/admin/tokens", {"user": "kāds", "name": ""})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"name"}
    assert current_session().scalar(select(func.count()).select_from(ApiToken)) == 0


def test_other_roles_get_the_forbidden_page(app, session):
    for role in ("warehouse", "auditor", "school_it"):
        r = as_role(app, role, SchoolFactory()).get("/admin/users")
        assert r.status_code == 403 and code_of(r.get_data(as_text=True)) is None
        assert 'data-code="forbidden"' in r.get_data(as_text=True)


def test_an_admin_sets_a_local_users_password_but_not_a_directory_users(app, session):
    local, directory = UserFactory(name="aizmirsa"), UserFactory(name="no-kataloga", source="directory")
    session.commit()
    client = as_role(app, "admin")
    r = post(client, f"/admin/users/{local.id}/password", {"password": PASSWORD, "password2": PASSWORD + "x"})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"password2"}
    r = post(client, f"/admin/users/{local.id}/password", {"password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 303
    assert sign_in(app.test_client(), "aizmirsa", PASSWORD).status_code == 303
    r = post(client, f"/admin/users/{directory.id}/password", {"password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 409 and code_of(r.get_data(as_text=True)) == "conflict"
    page = client.get(f"/admin/users/{directory.id}").get_data(as_text=True)
    assert 'id="password-form"' not in page and 'id="role-form"' not in page
