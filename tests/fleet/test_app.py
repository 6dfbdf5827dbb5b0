"""The application factory's own wiring."""

from flask import session

from fleet.app import CookieSessions


def test_sessions_skip_the_signer_without_a_cookie_and_still_read_a_signed_one(app):
    assert isinstance(app.session_interface, CookieSessions)

    def remember():
        session["seen"] = session.get("seen", 0) + 1
        return {"seen": session["seen"]}

    app.add_url_rule("/_test/session", "test_session", remember)
    client = app.test_client()
    assert client.get("/_test/session").get_json() == {"seen": 1}
    assert client.get("/_test/session").get_json() == {"seen": 2}  # the signed cookie came back
    cookie = app.config["SESSION_COOKIE_NAME"]
    client.delete_cookie(cookie)
    assert client.get("/_test/session").get_json() == {"seen": 1}
    client.set_cookie(cookie, "forged.value")
    assert client.get("/_test/session").get_json() == {"seen": 1}
