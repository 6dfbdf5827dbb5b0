"""Pupils' use cases: the class list in register order (the Latvian alphabet), the classes in natural
order, the eligibility group by code or by name in either language, and the import's bad lines."""

from __future__ import annotations

from datetime import UTC, datetime

from fleet.lending import pupils
from tests.factories import PupilFactory, SchoolFactory


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
