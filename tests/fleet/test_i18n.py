"""Translations: the catalogs are complete and current; pages are in the chosen language (the ``lang``
cookie the switch sets, else Accept-Language, else Latvian); guardians' e-mail is in the agreement's
language; API error messages follow Accept-Language (English by default)."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from fleet import display_names, i18n
from fleet.access import auth
from fleet.errors import FleetError, not_found
from fleet.i18n import Text, _l
from fleet.lending import mail
from tests.conftest import csrf_of, sign_in
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, PupilFactory, SchoolFactory, UserFactory
from tests.page_routes import client_as
from tests.provisioning.web.forms import post_form

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def _catalog(locale: str):
    return i18n.read_catalog(locale)


def _id(message_id: str | tuple) -> str | tuple[str, str]:
    """A message's id as extraction and the catalog both give it: a text, or a plural's (singular, plural)."""
    return message_id if isinstance(message_id, str) else tuple(message_id[:2])


def _forms(message) -> list[str]:
    """A catalog message's translations: one, or every plural form (``msgstr[n]``)."""
    return [message.string] if isinstance(message.string, str) else list(message.string)


def _extracted() -> set[tuple[str | None, str | tuple[str, str]]]:
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords={**DEFAULT_KEYWORDS, **i18n.EXTRACT_KEYWORDS}):
        found.add((context, _id(message)))
    return found


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_every_message_has_a_translation_in_each_catalog(locale):
    catalog = _catalog(locale)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    untranslated = [m.id for m in messages if not all(form and form.strip() for form in _forms(m)) or m.fuzzy]
    assert untranslated == [], f"{locale}: translate these (scripts/update-catalogs)"
    wrong = [m.id for m in messages if any(sorted(PLACEHOLDER.findall(_id(m.id)[-1] if m.pluralizable else m.id))
                                           != sorted(PLACEHOLDER.findall(form)) for form in _forms(m))]
    assert wrong == [], f"{locale}: the translation names other parameters than the message"


def test_the_catalogs_hold_exactly_the_messages_of_the_source():
    source = _extracted()
    assert (None, "Sign in") in source and ("device status", "on loan") in source  # templates and _lp are read
    for locale in i18n.LOCALES:
        catalog = {(m.context, _id(m.id)) for m in _catalog(locale) if m.id}
        new = sorted(source - catalog, key=str)
        assert new == [], f"{locale}: new messages not in the catalog (scripts/update-catalogs)"
        assert sorted(catalog - source, key=str) == [], f"{locale}: messages the source no longer has"


def test_a_text_is_translated_when_shown():
    text = _l("no device matches %(code)s", code="'X'")
    assert text.in_("en") == "no device matches 'X'"
    assert text.in_("lv") == "neviens dators neatbilst kodam 'X'"
    assert str(text) == "no device matches 'X'"  # outside a request: English
    nested = not_found("school", "4012345678")
    assert nested.message == "school '4012345678' not found"
    assert nested.localized("lv") == "Ieraksts nav atrasts: skola '4012345678'."


def test_an_error_keeps_english_for_the_log_and_a_plain_message_as_raised():
    error = FleetError("conflict", "plain words")
    assert (error.message, error.localized("lv"), str(error)) == ("plain words", "plain words", "plain words")
    assert FleetError("unauthorized", _l("the token is unknown or revoked")).to_json("lv")["error"]["message"] == \
        "pilnvara (token) nav zināma vai ir atsaukta"


def test_display_names_in_both_languages_and_a_code_without_one_as_itself():
    assert display_names.name("status", "on_loan", "lv") == "izsniegts"
    assert display_names.name("status", "on_loan", "en") == "on loan"
    assert display_names.name("role", "school_it", "lv") == "skolas IT"
    assert display_names.name("eligibility", "large_family", "lv") == "Daudzbērnu ģimene"
    assert display_names.name("condition", "worn", "en") == "worn"
    assert display_names.name("status", "teleported", "lv") == "teleported"
    assert list(display_names.names("accessory", "lv").values())[:2] == ["lādētājs", "soma"]
    assert isinstance(display_names.text("action", "ship"), Text)


def test_every_status_action_and_role_of_the_domain_has_a_display_name():
    from fleet import lifecycle
    from fleet.lending import agreements, returns
    from fleet.models import AGREEMENT_STATUSES, FUNDING_SOURCES, LOAN_STATUSES, ROLES

    assert set(lifecycle.STATUSES) == set(display_names.STATUS)
    assert set(lifecycle.ACTIONS) <= set(display_names.ACTION)
    assert set(ROLES) == set(display_names.ROLE)
    assert set(LOAN_STATUSES) == set(display_names.LOAN_STATUS)
    assert set(AGREEMENT_STATUSES) == set(display_names.AGREEMENT_STATUS)
    assert set(agreements.ACCESSORIES) == set(display_names.ACCESSORY)
    assert set(agreements.CONDITIONS) == set(display_names.CONDITION)
    assert set(returns.RETURN_CONDITIONS) == set(display_names.RETURN_CONDITION)
    assert set(FUNDING_SOURCES) == set(display_names.FUNDING)


def test_a_count_takes_the_plural_form_of_its_language():
    # Latvian's three forms, in the order of messages.po's Plural-Forms: 0 and 11-19, then 1 and 21, then the rest
    offline = ("No connection — %(n)s scan waiting", "No connection — %(n)s scans waiting")
    lv, en = i18n.translations("lv"), i18n.translations("en")
    assert [lv.ngettext(*offline, n) % {"n": n} for n in (1, 2, 11, 21)] == [
        "Nav savienojuma — 1 skenējums gaida", "Nav savienojuma — 2 skenējumi gaida",
        "Nav savienojuma — 11 skenējumu gaida", "Nav savienojuma — 21 skenējums gaida"]
    assert [en.ngettext(*offline, n) % {"n": n} for n in (1, 2, 21)] == [
        "No connection — 1 scan waiting", "No connection — 2 scans waiting", "No connection — 21 scans waiting"]
    assert i18n.plural_samples("lv") == [0, 1, 2] and i18n.plural_samples("en") == [1, 0]


def test_a_fragment_brings_plural_messages_and_retires_old_ones(tmp_path, monkeypatch):
    folder = tmp_path / "lv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n%10==0 || n%100>=11 && n%100<=19 ? 0 : n%10==1 && n%100!=11 ? 1 : 2);\n"
"""
    (folder / "messages.po").write_text(header + """
msgid "%(n)s apples"
msgstr "āboli: %(n)s"

msgid "kept"
msgstr "paliek"
""", encoding="utf-8")
    (folder / "piece.po").write_text(header + """
msgid "%(n)s apple"
msgid_plural "%(n)s apples"
msgstr[0] "%(n)s ābolu"
msgstr[1] "%(n)s ābols"
msgstr[2] "%(n)s āboli"

#~ msgid "%(n)s apples"
#~ msgstr "āboli: %(n)s"
""", encoding="utf-8")
    monkeypatch.setattr(i18n, "DIRECTORY", tmp_path)
    catalog = i18n.read_catalog("lv")
    assert {_id(m.id): _forms(m) for m in catalog if m.id} == {
        ("%(n)s apple", "%(n)s apples"): ["%(n)s ābolu", "%(n)s ābols", "%(n)s āboli"], "kept": ["paliek"]}


# --- the page's language ---------------------------------------------------------------------------

def _lang(client, path="/login", **headers) -> str:
    page = client.get(path, headers=headers).get_data(as_text=True)
    return re.search(r'<html lang="(\w+)">', page).group(1)


def test_latvian_by_default_then_accept_language_then_the_remembered_choice(client):
    assert _lang(client) == "lv"
    assert "Pieslēgties" in client.get("/login").get_data(as_text=True)
    assert _lang(client, **{"Accept-Language": "en-GB,en;q=0.9"}) == "en"
    assert {"Accept-Language", "Cookie"} <= set(client.get("/login").vary)  # caches keep the languages apart
    assert _lang(client, **{"Accept-Language": "de-DE,de;q=0.9"}) == "lv"  # neither: Latvian
    assert _lang(client, **{"Accept-Language": "en;q=0.5,lv;q=0.9"}) == "lv"
    assert _lang(client, **{"Accept-Language": "*"}) == "lv"
    client.set_cookie(i18n.COOKIE, "en")
    assert _lang(client, **{"Accept-Language": "lv"}) == "en"  # the choice wins over the browser
    client.set_cookie(i18n.COOKIE, "ru")
    assert _lang(client) == "lv"  # a cookie that names no catalog is ignored


def test_the_switch_remembers_the_choice_and_returns_to_the_page(client):
    csrf = csrf_of(client, "/d/NOPE")
    r = client.post("/language", data={"lang": "en", "next": "/d/NOPE?x=1", "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["Location"] == "/d/NOPE?x=1"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    page = client.get("/d/NOPE").get_data(as_text=True)
    assert '<html lang="en">' in page and "Not found" in page and 'value="lv"' in page  # offers the other one
    r = client.post("/language", data={"lang": "lv", "next": "//evil.example/x", "csrf_token": csrf})
    assert r.headers["Location"] == "/"  # never to another site
    assert client.get("/login").get_data(as_text=True).count("Pieslēgties") >= 2


def test_lang_in_the_address_switches_and_is_remembered(client):
    """``?lang=en`` / ``?lang=lv`` on any page: that page in that language, and the choice kept (a
    bookmarked station in English stays English); the API's language is not changed by it."""
    r = client.get("/login?lang=en")
    assert '<html lang="en">' in r.get_data(as_text=True)
    assert r.headers["Set-Cookie"].startswith("lang=en;") and "HttpOnly" in r.headers["Set-Cookie"]
    assert _lang(client, **{"Accept-Language": "lv"}) == "en"  # remembered, over the browser's wish
    assert _lang(client, "/login?lang=lv") == "lv" and _lang(client) == "lv"
    assert "Set-Cookie" not in client.get("/login?lang=lv").headers  # already the choice: nothing to set
    assert "Set-Cookie" not in client.get("/login?lang=ru").headers and _lang(client) == "lv"  # no such catalog
    assert "Set-Cookie" not in client.get("/api/v1/openapi.json?lang=en").headers


def test_the_switch_needs_the_form_token_and_a_known_language(client):
    r = client.post("/language", data={"lang": "en", "next": "/login"})
    assert r.status_code == 403 and "lang=" not in r.headers.get("Set-Cookie", "")
    assert "veidlapas drošības pilnvaras nav" in r.get_data(as_text=True)  # the CSRF refusal, in Latvian
    r = client.post("/language", data={"lang": "ru", "next": "/login", "csrf_token": csrf_of(client)})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)
    assert "Izvēlieties kādu no valodām: lv, en." in r.get_data(as_text=True)


@pytest.mark.parametrize("locale, words", [
    ("lv", ["skolas.it", "skolas IT", "Skolas", "Datori", "izsniegts", "skolā", "kopā", "Iziet", "English"]),
    ("en", ["skolas.it", "school IT", "Schools", "Laptops", "on loan", "at school", "total", "Sign out",
            "Latviski"]),
])
def test_the_home_page_in_each_language(client, session, locale, words):
    school = SchoolFactory(name="Grobiņas ģimnāzija")
    DeviceFactory(status="on_loan", school=school)
    DeviceFactory.create_batch(2, status="at_school", school=school)
    DeviceFactory(status="at_school")  # another school's: not counted
    user = UserFactory(name="skolas.it", role="school_it", schools=[school])
    auth.set_password(user, "garā-parole-skolai")
    session.commit()
    client.set_cookie(i18n.COOKIE, locale)
    assert sign_in(client, "skolas.it", "garā-parole-skolai").status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert f'<html lang="{locale}">' in page
    for word in words:
        assert word in page, word
    assert '<th class="n" id="total">3</th>' in page and 'data-status="on_loan"' in page


@pytest.mark.parametrize("locale, owner, found", [
    ("lv", "Šis portatīvais dators pieder", "Ja esat to atradis(-usi)"),  # the founder in the dative
    ("en", "This laptop belongs to", "If you found it"),
])
def test_the_finder_page_in_each_language(client, session, locale, owner, found):
    device = DeviceFactory(status="at_school", school=SchoolFactory(name="Baložu <vidusskola>"))
    session.commit()
    assert device.asset_tag
    page = client.get(f"/d/{device.asset_tag}", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert owner in page and found in page
    assert "Baložu &lt;vidusskola&gt;" in page  # names are escaped inside translated sentences


def test_an_unknown_page_is_an_error_page_in_the_visitor_s_language(client):
    r = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and "There is no page at this address." in r.get_data(as_text=True)
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Šajā adresē lapas nav." in r.get_data(as_text=True)
    assert 'data-code="not_found"' in r.get_data(as_text=True)
    r = client.delete("/login", headers={"Accept-Language": "en"})
    assert r.status_code == 405 and "This page cannot be used that way." in r.get_data(as_text=True)
    assert set(r.headers["Allow"].split(", ")) >= {"GET", "POST"}


# --- e-mail and API ------------------------------------------------------------------------------

def test_the_guardian_s_e_mails_in_each_language():
    subject, body = mail.link_message("L-2026-000001", "Baložu vidusskola", "https://x.example/sign/T", "lv")
    assert subject == "Patapinājuma līgums L-2026-000001 parakstīšanai"
    assert body.startswith("Labdien!") and "Baložu vidusskola ir izsniegusi" in body
    assert "https://x.example/sign/T" in body
    assert "Hello" not in body
    subject, body = mail.link_message("L-2026-000001", "Baložu vidusskola", "https://x.example/sign/T", "en")
    assert subject == "Loan agreement L-2026-000001 to sign"
    assert body.startswith("Hello,") and "has lent your child a laptop" in body and "Labdien" not in body
    assert mail.signed_message("L-1", "S", "lv")[0] == "Parakstītais līgums L-1"
    assert mail.signed_message("L-1", "S", "en") == ("Signed agreement L-1",
                                                     "Thank you! Attached is the signed loan agreement L-1 (S).\n")


@pytest.mark.parametrize("accept, message", [
    (None, "authentication required: send Authorization: Bearer <token>"),
    ("en-US,en;q=0.9", "authentication required: send Authorization: Bearer <token>"),
    ("de", "authentication required: send Authorization: Bearer <token>"),  # neither: English for machines
    ("*", "authentication required: send Authorization: Bearer <token>"),
    ("lv-LV,lv;q=0.9,en;q=0.5", "vajag autentifikāciju: sūtiet Authorization: Bearer <token>"),
])
def test_an_api_error_in_the_language_accept_language_asks_for(client, accept, message):
    r = client.get("/api/v1/devices", headers={"Accept-Language": accept} if accept else {})
    assert r.status_code == 401
    assert r.get_json()["error"] == {"code": "unauthorized", "message": message, "details": None}
    assert "Accept-Language" in r.vary


def test_a_scan_that_matches_nothing_is_refused_in_latvian_when_asked(api):
    r = api.client.get("/api/v1/devices/NO-SUCH-SERIAL-1", headers={**api.headers, "Accept-Language": "lv"})
    assert r.status_code == 404 and r.get_json()["error"]["message"].startswith("neviens dators neatbilst kodam")


@pytest.mark.parametrize("accept, message", [
    (None, "cannot ship a device that is expected"),
    ("lv", "darbību ship nevar veikt datoram, kura statuss ir expected"),
])
def test_a_lifecycle_refusal_in_each_language(api, accept, message):
    device = DeviceFactory(status="expected")
    headers = {**api.headers, **({"Accept-Language": accept} if accept else {})}
    r = api.client.post(f"/api/v1/devices/{device.serial}/actions/ship",
                        json={"school": SchoolFactory().registration_number}, headers=headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    assert r.get_json()["error"]["message"] == message


def test_a_guard_s_reason_is_translated_and_its_details_stay_english(api):
    device = DeviceFactory(status="in_transit")
    other = SchoolFactory()
    r = api.client.post(f"/api/v1/devices/{device.serial}/actions/arrive", json={"school": other.registration_number},
                        headers={**api.headers, "Accept-Language": "lv"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"
    sent_to, came_to = device.school.registration_number, other.registration_number
    assert r.get_json()["error"]["message"] == f"dators tika nosūtīts uz {sent_to}, nevis uz {came_to}"
    assert r.get_json()["error"]["details"]["failed"] == [
        {"guard": "arrives_at_its_school", "message": f"the device was sent to {sent_to}, not to {came_to}"}]


def test_the_signing_page_is_in_the_agreement_s_language_unless_the_visitor_chose(api_as, client):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    r = it.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial, "language": "en",
                               "pupil": PupilFactory(school=school).id, "accessories": ["charger"]})
    path = r.get_json()["agreement"]["sign_url"].split("fleet.example.lv", 1)[1]
    page = client.get(path, headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Loan agreement" in page and re.search(r"Accessories:\s+charger", page)
    client.set_cookie(i18n.COOKIE, "lv")
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="lv">' in page and "Patapinājuma līgums" in page and re.search(r"Piederumi:\s+lādētājs", page)


def test_no_message_is_marked_inside_an_f_string():
    """pybabel cannot see a ``_l(…)`` written inside an f-string's braces: its words would never reach the
    catalogs, and Latvian readers would get the English msgid. Take it out into a variable."""
    import ast

    marks = {"_", "_l", "_lp", "gettext", "pgettext"} | set(i18n.EXTRACT_KEYWORDS)
    hidden = []
    for path in sorted([*(ROOT / "fleet").rglob("*.py"), *(ROOT / "provisioning").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path.relative_to(ROOT)}:{call.lineno}" for call in ast.walk(node)
                           if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in marks]
    assert hidden == []


# --- the API's refusals, per field and per item, in the reader's language ---------------------------

def _lv(api, accept):
    return {**api.headers, **({"Accept-Language": accept} if accept else {})}


@pytest.mark.parametrize("accept, limit, unknown", [
    (None, "must be a whole number 1-500", "unknown field"),
    ("lv-LV,lv;q=0.9,en;q=0.5", "jābūt veselam skaitlim no 1 līdz 500", "nezināms lauks"),
])
def test_the_schema_layer_s_refusals_in_each_language(api, accept, limit, unknown):
    r = api.client.get("/api/v1/devices?limit=0", headers=_lv(api, accept))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert r.get_json()["error"]["details"] == [{"field": "limit", "message": limit}]
    assert r.get_json()["error"]["message"] == f"limit: {limit}"
    r = api.client.post("/api/v1/loans/class", json={"pairs": [{"pupil": 1, "device": "X"}], "colour": "red"},
                        headers=_lv(api, accept))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert {"field": "colour", "message": unknown} in r.get_json()["error"]["details"]


def test_a_schema_refusal_keeps_english_for_the_log_and_names_the_allowed_values(api):
    r = api.client.get("/api/v1/devices?limit=abc", headers=_lv(api, "lv"))
    assert r.get_json()["error"]["message"] == "limit: jābūt veselam skaitlim no 1 līdz 500"
    r = api.client.post("/api/v1/loans/class", json={"pairs": [], "language": "ru"}, headers=_lv(api, "lv"))
    details = {d["field"]: d for d in r.get_json()["error"]["details"]}
    assert details["language"]["message"] == "jābūt vienam no: lv, en"
    assert details["language"]["allowed"] == ["lv", "en"]
    assert details["pairs"]["message"] == "jāsatur vismaz 1 vienības"
    r = api.client.post("/api/v1/loans/class", data="[1]", content_type="application/json", headers=_lv(api, "lv"))
    assert r.get_json()["error"]["message"] == "pieprasījuma saturam jābūt JSON objektam"


@pytest.mark.parametrize("accept, message", [
    (None, "the ministry role may not do this"),
    ("lv", "lomai „ministrija” tas nav atļauts"),
])
def test_a_role_s_refusal_in_each_language(api_as, accept, message):
    ministry = api_as("ministry")
    r = ministry.client.post("/api/v1/devices", json={"serial": "PF-1", "manufacturer": "L", "model": "T"},
                             headers=_lv(ministry, accept))
    assert r.status_code == 403
    assert r.get_json()["error"] == {"code": "forbidden", "message": message, "details": {"needs": "devices:write"}}


@pytest.mark.parametrize("accept, message", [
    (None, "the warehouse role may not apply arrive"),
    ("lv", "lomai „noliktava” nav atļauts veikt darbību arrive"),
])
def test_an_action_the_role_may_not_apply_in_each_language(api_as, accept, message):
    warehouse = api_as("warehouse")
    r = warehouse.client.post("/api/v1/bulk", json={"action": "arrive", "devices": ["X"]},
                              headers=_lv(warehouse, accept))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert r.get_json()["error"]["message"] == message


def test_user_management_refusals_in_each_language(session):
    with pytest.raises(FleetError) as refused:
        auth.add_user(session, "x", "pilot")
    assert refused.value.code == "invalid_input" and refused.value.message.startswith("role must be one of admin")
    assert refused.value.localized("lv").startswith("lomai jābūt vienai no: admin")
    with pytest.raises(FleetError) as refused:
        auth.set_password(UserFactory(), "īsa")
    assert refused.value.localized("en") == "the password must be at least 12 characters"
    assert refused.value.localized("lv") == "parolei jābūt vismaz 12 zīmes garai"
    assert refused.value.localized_details("en") == [
        {"message": "the password must be at least 12 characters", "field": "password"}]
    with pytest.raises(FleetError) as refused:
        auth.create_token(session, "nobody")
    assert (refused.value.code, refused.value.message) == ("not_found", "user 'nobody' not found")
    assert refused.value.localized("lv") == "lietotājs 'nobody' nav atrasts"


@pytest.mark.parametrize("accept, messages", [
    (None, ["cannot ship a device that is imaged", "no device matches 'NOPE-0001'"]),
    ("lv", ["darbību ship nevar veikt datoram, kura statuss ir imaged", "neviens dators neatbilst kodam 'NOPE-0001'"]),
])
def test_a_bulk_action_s_per_item_messages_in_each_language(api, accept, messages):
    imaged = DeviceFactory(status="imaged")
    school = SchoolFactory().registration_number
    r = api.client.post("/api/v1/bulk", headers=_lv(api, accept),
                        json={"action": "ship", "devices": [imaged.serial, "NOPE-0001"], "params": {"school": school}})
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [i["code"] for i in items] == ["invalid_transition", "not_found"]
    assert [i["message"] for i in items] == messages


@pytest.mark.parametrize("accept, message", [
    (None, "cannot hand_over a device that is in_transit"),
    ("lv", "darbību hand_over nevar veikt datoram, kura statuss ir in_transit"),
])
def test_a_class_hand_out_s_refused_pairs_in_each_language(api_as, accept, message):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    ready = DeviceFactory(status="at_school", school=school)
    travelling = DeviceFactory(status="in_transit", school=school)
    pairs = [{"pupil": PupilFactory(school=school).id, "device": ready.serial},
             {"pupil": PupilFactory(school=school).id, "device": travelling.serial}]
    r = it.client.post("/api/v1/loans/class", json={"pairs": pairs},
                       headers={**_lv(it, accept), "Accept": "application/json"})
    assert r.status_code == 200, r.get_json()
    [failed] = r.get_json()["failed"]
    assert (failed["index"], failed["code"], failed["message"]) == (1, "invalid_transition", message)


@pytest.mark.parametrize("accept, top, item", [
    (None, "nothing was shipped: 1 of 2 device(s) cannot go", "listed already as item 0"),
    ("lv", None, "jau norādīts kā 0. vienība"),
])
def test_a_shipment_s_refused_items_in_each_language(api, accept, top, item):
    device = DeviceFactory(status="labelled")
    r = api.client.post("/api/v1/shipments", headers=_lv(api, accept), json={
        "school": SchoolFactory().registration_number, "devices": [device.serial, device.serial]})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert top is None or r.get_json()["error"]["message"] == top
    [refused] = r.get_json()["error"]["details"]
    assert (refused["index"], refused["code"], refused["message"]) == (1, "duplicate", item)


@pytest.mark.parametrize("accept, messages", [
    (None, ["unknown field", "is required: a string of 1-100 characters"]),
    ("lv", ["nezināms lauks", "ir obligāts: teksts ar 1–100 zīmēm"]),
])
def test_registering_devices_refuses_each_item_in_the_reader_s_language(api, accept, messages):
    r = api.client.post("/api/v1/devices", headers=_lv(api, accept),
                        json={"devices": [{"serial": "PF-OK-1", "manufacturer": "L", "colour": "red"}]})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert [(d["index"], d["field"], d["message"]) for d in r.get_json()["error"]["details"]] == [
        (0, "colour", messages[0]), (0, "model", messages[1])]


@pytest.mark.parametrize("accept, body, query", [
    (None, "the JSON body holds a NUL character (\\u0000), which no field accepts",
     "the query string holds a NUL character, which no parameter accepts"),
    ("lv", "JSON saturā ir NUL rakstzīme (\\u0000), ko nepieņem neviens lauks",
     "vaicājuma virknē ir NUL rakstzīme, ko nepieņem neviens parametrs"),
])
def test_the_guards_before_the_schema_in_each_language(api, accept, body, query):
    r = api.client.post("/api/v1/loans/class", json={"pairs": [{"pupil": 1, "device": "A\x00"}]},
                        headers=_lv(api, accept))
    assert r.status_code == 400 and r.get_json()["error"] == {"code": "invalid_input", "message": body, "details": None}
    r = api.client.get("/api/v1/devices?status=a%00", headers=_lv(api, accept))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert r.get_json()["error"]["message"] == query


@pytest.mark.parametrize("accept, item", [(None, "listed already as item 0"), ("lv", "jau norādīts kā 0. vienība")])
def test_a_print_run_s_refused_items_in_each_language(api, accept, item):
    device = DeviceFactory(status="labelled")
    r = api.client.post("/api/v1/labels", json={"devices": [device.serial, device.serial]}, headers=_lv(api, accept))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    [refused] = r.get_json()["error"]["details"]
    assert (refused["index"], refused["code"], refused["message"]) == (1, "duplicate", item)


def test_a_validator_s_own_refusal_in_latvian(api):
    assert api.post("printers", json={"name": "Zebra 7"}).status_code == 201
    r = api.client.patch("/api/v1/printers/Zebra%207", json={"name": "Zebra 8"}, headers=_lv(api, "lv"))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert r.get_json()["error"]["details"] == [
        {"field": "name", "message": "printera nosaukumu nevar mainīt; izveidojiet jaunu profilu"}]


# --- a refusal's lines in the reader's language: a manifest's bad lines, a form's fields, an action's parameters ---

_BAD_MANIFEST = b"serial,model\nPF,short\nPFQ00001,ok\nPFQ00001,again\n"


def _refusal_lines(page: str) -> list[str]:
    """The lines under a page's refusal (layout.html's ``#refusal-lines``), as the reader sees them."""
    block = re.search(r'<ul class="refusal-lines" id="refusal-lines">(.*?)</ul>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li>(.*?)</li>", block.group(1))]


@pytest.mark.parametrize("accept, top, lines, known", [
    (None, "2 bad line(s); nothing was imported",
     ["serial 'PF' must be 4-40 characters long, has 2", "serial PFQ00001 repeats line 3"],
     "serial PFQ00009 is already on delivery %s"),
    ("lv", "kļūdainas rindas: 2; nekas netika importēts",
     ["sērijas numurs 'PF': garumam jābūt 4–40 zīmēm, ir 2", "sērijas numurs PFQ00001 atkārto 3. rindu"],
     "sērijas numurs PFQ00009 jau ir piegādē %s"),
])
def test_a_manifest_s_bad_lines_from_the_api_in_each_language(api, accept, top, lines, known):
    contract = ContractFactory()
    r = api.client.post("/api/v1/deliveries", headers=_lv(api, accept), content_type="multipart/form-data",
                        data={"contract": contract.number, "file": (io.BytesIO(_BAD_MANIFEST), "manifest.csv")})
    assert r.status_code == 400 and r.get_json()["error"]["message"] == top
    assert r.get_json()["error"]["details"] == [{"line": 2, "message": lines[0]}, {"line": 4, "message": lines[1]}]
    delivery = DeliveryFactory(contract=contract, serials=["PFQ00009"])
    r = api.client.post("/api/v1/deliveries", headers=_lv(api, accept),
                        json={"contract": contract.number, "manifest": [{"serial": "PFQ00009"}]})
    assert r.status_code == 400 and r.get_json()["error"]["details"] == [{"line": 2, "message": known % delivery.id}]


@pytest.mark.parametrize("locale, line, item", [
    ("en", "line 2: serial 'PF' must be 4-40 characters long, has 2", "line 4: serial PFQ00001 repeats line 3"),
    ("lv", "2. rinda: sērijas numurs 'PF': garumam jābūt 4–40 zīmēm, ir 2",
     "4. rinda: sērijas numurs PFQ00001 atkārto 3. rindu"),
])
def test_a_manifest_s_bad_lines_on_the_deliveries_page_in_its_language(app, session, locale, line, item):
    client = client_as(app, "warehouse")
    client.set_cookie("lang", locale)
    r = post_form(client, "/deliveries", {"contract": ContractFactory().number,
                                          "file": (io.BytesIO(_BAD_MANIFEST), "manifest.csv")},
                  content_type="multipart/form-data")
    assert r.status_code == 400 and _refusal_lines(r.get_data(as_text=True)) == [line, item]


@pytest.mark.parametrize("locale, top, registration_number, name", [
    ("en", "some fields are not valid; nothing was saved", "registration_number: must be the 10-digit VIIS "
     "registration number", "name: is required"),
    ("lv", "daži lauki nav derīgi; nekas netika saglabāts", "registration_number: jābūt 10 ciparu reģistrācijas "
     "numuram no VIIS", "name: ir obligāts"),
])
def test_a_catalog_refusal_on_the_schools_page_in_its_language(app, session, locale, top, registration_number, name):
    client = client_as(app, "admin")
    client.set_cookie("lang", locale)
    r = post_form(client, "/admin/schools", {"registration_number": "12345", "name": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and top in page
    assert {registration_number, name} <= set(_refusal_lines(page))


@pytest.mark.parametrize("locale, line", [
    ("en", "school: no school with registration number '0000000000'"),
    ("lv", "school: nav skolas ar reģistrācijas numuru '0000000000'"),
])
def test_an_action_s_parameter_refusal_on_the_device_page_in_its_language(app, session, locale, line):
    device = DeviceFactory(status="labelled")
    client = client_as(app, "warehouse")
    client.set_cookie("lang", locale)
    r = post_form(client, f"/devices/{device.asset_tag}/actions/ship", {"school": "0000000000"})
    assert r.status_code == 400 and _refusal_lines(r.get_data(as_text=True)) == [line]


def test_a_refusal_s_details_are_text_in_any_language_and_as_raised_when_plain():
    error = FleetError("invalid_input", _l("the manifest is empty"), [
        {"line": 1, "message": _l("no header and no rows")}, {"field": "x", "message": "as raised", "n": 3}])
    assert error.localized_details("lv") == [{"line": 1, "message": "nav ne galvenes, ne rindu"},
                                            {"field": "x", "message": "as raised", "n": 3}]
    assert error.to_json()["error"]["details"][0] == {"line": 1, "message": "no header and no rows"}
    assert error.localized_details()[0]["message"] == "no header and no rows"  # outside a request: English


@pytest.mark.parametrize("accept, lines", [
    (None, [(3, "given name must not be empty"), (4, "register id E1 repeats line 2"),  # the file's column names
            (5, "guardian email is not an e-mail address")]),
    ("lv", [(3, "given name: nedrīkst būt tukšs"), (4, "reģistra ID E1 atkārto 2. rindu"),
            (5, "guardian email: nav e-pasta adrese")]),
])
def test_a_pupil_list_s_bad_lines_in_each_language(api, accept, lines):
    school = SchoolFactory()
    text = "\n".join(["register id;given name;family name;class;guardian name;guardian email",
                      "E1;Ērika;Ņikitina;5.b;Jānis;", "E2;;Ozoliņš;5.b;Līga;", "E1;Ērika;Ņikitina;5.b;Jānis;",
                      "E3;Anna;Kalniņa;5.b;Ilze;nav-epasts"])
    r = api.client.post(f"/api/v1/schools/{school.registration_number}/pupils/import", headers=_lv(api, accept),
                        data={"file": (io.BytesIO(text.encode()), "skoleni.csv")}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert [(d["line"], d["message"]) for d in r.get_json()["error"]["details"]] == lines


def test_a_figure_in_a_message_is_written_as_its_reader_writes_numbers():
    from fleet.i18n import Figure, Text

    message = Text("measured %(x)s Mbit/s", None, {"x": Figure("33.3")})
    assert message.in_("lv").endswith("33,3 Mbit/s") and message.in_("en") == "measured 33.3 Mbit/s"
