"""Pupils' use cases: the class list in register order (the Latvian alphabet), the classes in natural
order, the eligibility group by code or by name in either language, and the import's bad lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleet import tables
from fleet.errors import FleetError
from fleet.lending import pupils, register_import
from tests.factories import PupilFactory, SchoolFactory

PUPIL = {"register_id": "E900", "given_name": "Anna", "family_name": "Bērziņa", "grade": "7.b",
         "guardian_name": "Ilze Bērziņa"}


def test_the_class_list_is_in_the_latvian_alphabet_by_family_then_given_name(session):
    school = SchoolFactory()
    names = [("Šmits", "Jānis"), ("Smits", "Anna"), ("Ābele", "Līga"), ("Abele", "Zane"), ("Čakste", "Ērika"),
             ("Cīrulis", "Ēriks"), ("Zariņa", "Ilze"), ("Žagars", "Ģirts"), ("ozols", "Pēteris"),
             ("Ozols", "Edgars"), ("Ķikāns", "Oskars"), ("Kalniņš", "Roberts"), ("Ābele", "Ēvalds"),
             ("Ābele", "Elza")]
    for family, given in names:
        PupilFactory(school=school, grade="7.b", family_name=family, given_name=given)
    PupilFactory(school=school, grade="7.a", family_name="Āboliņa")
    PupilFactory(school=SchoolFactory(), grade="7.b", family_name="Bērziņa")
    PupilFactory(school=school, grade="7.b", family_name="Anonīms", anonymised_at=datetime.now(UTC))
    got = [(p.family_name, p.given_name) for p in pupils.class_list(session, school, "7.b")]
    assert got == [("Abele", "Zane"), ("Ābele", "Elza"), ("Ābele", "Ēvalds"), ("Ābele", "Līga"),
                   ("Cīrulis", "Ēriks"), ("Čakste", "Ērika"), ("Kalniņš", "Roberts"), ("Ķikāns", "Oskars"),
                   ("Ozols", "Edgars"), ("ozols", "Pēteris"), ("Smits", "Anna"), ("Šmits", "Jānis"),
                   ("Zariņa", "Ilze"), ("Žagars", "Ģirts")]


def test_the_classes_are_in_natural_order_with_their_sizes(session):
    school = SchoolFactory()
    for grade in ["10.a", "2.b", "1.a", "12.a", "1.b", "2.b", "9.c", "1.a", "1.a"]:
        PupilFactory(school=school, grade=grade)
    PupilFactory(school=SchoolFactory(), grade="3.a")
    assert pupils.classes(session, school) == ["1.a", "1.b", "2.b", "9.c", "10.a", "12.a"]
    assert pupils.class_sizes(session, school)[:3] == [("1.a", 3), ("1.b", 1), ("2.b", 2)]


def test_the_collation_key_follows_the_latvian_alphabet():
    words = ["žurka", "zivs", "šis", "sēne", "ņaudēt", "nams", "ļoti", "lapa", "ķirbis", "kaķis", "ģimene",
             "gads", "īss", "iela", "ēna", "egle", "čūska", "cepure", "ābols", "auto", "ūdens", "upe"]
    assert sorted(words, key=pupils.collation_key) == [
        "auto", "ābols", "cepure", "čūska", "egle", "ēna", "gads", "ģimene", "iela", "īss", "kaķis", "ķirbis",
        "lapa", "ļoti", "nams", "ņaudēt", "sēne", "šis", "upe", "ūdens", "zivs", "žurka"]


# --- eligibility groups by name --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["large_family", "Daudzbērnu ģimene", "daudzbērnu ģimene", "DAUDZBERNU GIMENE",
                                   "Daudzbernu gimene", " Daudzbērnu  ģimene ", "Large family", "LARGE FAMILY"])
def test_a_group_is_named_by_code_or_either_languages_name_in_any_case(session, value):
    pupil = pupils.create(session, SchoolFactory(), {**PUPIL, "eligibility": value})
    assert pupil.eligibility == "large_family"


def test_the_groups_with_long_names_are_known_by_them_too(session):
    groups = pupils.groups_by_code(session)
    assert pupils.group_code("Bērns ārpusģimenes aprūpē (audžuģimene, aizbildnība)", groups) == "out_of_family_care"
    assert pupils.group_code("trūcīga ģimene", groups) == "low_income"
    assert pupils.group_code("Low-income family (trūcīga)", groups) == "low_income"
    assert pupils.group_code("cits", groups) == "other"
    assert pupils.group_code("bagāta ģimene", groups) is None


def test_an_unknown_group_is_refused_with_the_names_in_the_readers_language(session):
    with pytest.raises(FleetError) as e:
        pupils.create(session, SchoolFactory(), {**PUPIL, "eligibility": "Bagāta ģimene"})
    assert e.value.code == "invalid_input"
    [detail] = e.value.details
    assert detail["field"] == "eligibility"
    lv, en = detail["message"].in_("lv"), detail["message"].in_("en")
    assert "nezināma grupa" in lv and '"Daudzbērnu ģimene"' in lv and "Large family" not in lv
    assert "unknown group" in en and '"Large family"' in en and "Daudzbērnu" not in en


# --- the import ------------------------------------------------------------------------------------------

HEADER = ("Skolēna ID;Vārds;Uzvārds;Klase;Likumiskais pārstāvis;Likumiskā pārstāvja e-pasts;Tālrunis;"
          "Mērķa grupa;Personas kods")


def test_a_windows_1257_export_with_latvian_group_names_imports(session):
    school = SchoolFactory()
    lines = [HEADER,
             "E1;Ārija;Ķēniņa;7.b;Ģirts Ķēniņš;girts@example.lv;+371 29123456;Daudzbērnu ģimene;",
             "E2;Čaba;Šņore;7.b;Žanna Šņore;;;trūcīga ģimene;",
             "E3;Ūna;Ļaudiņa;7.b;Ņina Ļaudiņa;;;MAZNODROŠINĀTA ĢIMENE;",
             "E4;Īrisa;Ēdole;7.b;Ēriks Ēdols;;;Large family;"]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1257")
    assert register_import.import_csv(session, school, data) == {"created": 4, "updated": 0}
    got = [(p.family_name, p.given_name, p.eligibility) for p in pupils.class_list(session, school, "7.b")]
    assert got == [("Ēdole", "Īrisa", "large_family"), ("Ķēniņa", "Ārija", "large_family"),
                   ("Ļaudiņa", "Ūna", "limited_means"), ("Šņore", "Čaba", "low_income")]
    assert pupils.class_list(session, school, "7.b")[1].guardian_name == "Ģirts Ķēniņš"


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_imported(session):
    school = SchoolFactory()
    lines = [HEADER,
             "E1;Anna;Bērziņa;7.b;Ilze Bērziņa;;;Daudzbērnu ģimene;",
             "E2;Jānis;;7.b;Ilze Bērziņa;;;Bagāta ģimene;",
             "E3;Pēteris;Ozols;7.b;Ilze Ozola;nav-adrese;;;",
             "E1;Līga;Kalniņa;7.b;Ilze Kalniņa;;;;"]
    with pytest.raises(FleetError) as e:
        register_import.import_csv(session, school, "\n".join(lines).encode())
    assert e.value.code == "invalid_input"
    lines_and_messages = [(d["line"], d["message"].in_("lv")) for d in e.value.details]
    assert [line for line, _ in lines_and_messages] == [3, 3, 4, 5]
    assert lines_and_messages[0][1] == "Uzvārds: nedrīkst būt tukšs"
    assert lines_and_messages[1][1].startswith("Mērķa grupa: nezināma grupa")
    assert "e-pasts" in lines_and_messages[2][1] and lines_and_messages[3][1] == "reģistra ID E1 atkārto 2. rindu"
    assert pupils.classes(session, school) == []


def test_the_headers_of_the_registers_exports_are_known():
    for name, field in [("Skolēna ID", "register_id"), ("Vārds", "given_name"), ("Uzvārds", "family_name"),
                        ("Klase", "grade"), ("Likumiskais pārstāvis", "guardian_name"),
                        ("Likumiskā pārstāvja e-pasts", "guardian_email"), ("Tālrunis", "guardian_phone"),
                        ("Likumiskā pārstāvja tālrunis", "guardian_phone"), ("Mērķa grupa", "eligibility"),
                        ("Personas kods", "personal_code"), ("E-pasts", "guardian_email"),
                        ("Tālr. nr.", "guardian_phone")]:
        assert register_import.HEADERS[tables.header_key(name)] == field, name
