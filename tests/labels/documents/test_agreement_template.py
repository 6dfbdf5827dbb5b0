"""Agreement templates: the defaults, a founder's own text with its placeholders, and the checks."""

from __future__ import annotations

import json

import pytest

from labels.documents import (
    PLACEHOLDERS,
    AgreementData,
    Template,
    agreement_pdf,
    default_template,
    template_from_json,
    template_to_json,
)
from tests.labels.documents.samples import FOUNDER, GUARDIAN, PUPIL, SCHOOL, agreement, text_of

# ---- templates ----------------------------------------------------------------------------------------------------


def test_default_templates_round_trip_through_json():
    for language in ("lv", "en"):
        template = default_template(language)
        as_json = json.loads(json.dumps(template_to_json(template)))
        assert template_from_json(as_json) == template
    with pytest.raises(ValueError, match="no default template in 'de'"):
        default_template("de")


def test_a_founders_template_renders_with_its_placeholders_and_version():
    custom = template_from_json({
        "version": "ĶNP-2026-2", "language": "lv", "title": "Datora patapinājuma līgums",
        "sections": [
            {"heading": "1. Puses", "paragraphs": ["Ķekavas novads nodod {pupil_name} ({pupil_detail}) datoru "
                                                   "{asset_tag}; vecāks: {guardian_name}. Iekavās {{šādi}}."]},
            {"heading": "2. Noteikumi <b>&</b>", "paragraphs": ["Lietot tikai mācībām."]},
        ]})
    pages = text_of(agreement_pdf(agreement(template_version="ĶNP-2026-2"), custom))
    text = "\n".join(pages)
    assert "Datora patapinājuma līgums" in text
    filled = f"nodod {PUPIL} (5.b klase) datoru DIB-000123-K; vecāks: {GUARDIAN}. Iekavās {{šādi}}."
    assert filled in " ".join(text.split())
    assert "2. Noteikumi <b>&</b>" in text
    assert all("veidne ĶNP-2026-2" in page for page in pages)
    assert "5CG0123LVX" in text  # the act's device table is always there


def test_every_placeholder_prints_its_value():
    paragraphs = tuple(f"{name}=[{{{name}}}]" for name in PLACEHOLDERS)
    template = Template("visi-1", "lv", "Visi lauki un ļoti gara virsraksta teksts, kas neietilpst kājenē " * 2,
                        (("Lauki", paragraphs),))
    data = agreement(template_version="visi-1", accessories=())
    text = " ".join("\n".join(text_of(agreement_pdf(data, template))).split())
    school = "Baložu vidusskola, VIIS 4312903421"
    expected = {"number": "L-2026-000123", "date": "2026-11-28",
                "founder": "Ķekavas novada pašvaldība, reģ. Nr. 90000048491",
                "founder_name": FOUNDER.name, "founder_detail": FOUNDER.detail, "school": school,
                "school_name": SCHOOL.name, "school_detail": SCHOOL.detail, "guardian": GUARDIAN,
                "guardian_name": GUARDIAN, "guardian_detail": "", "pupil": f"{PUPIL}, 5.b klase", "pupil_name": PUPIL,
                "pupil_detail": "5.b klase", "manufacturer": "HP", "model": "ProBook 450 G9", "serial": "5CG0123LVX",
                "asset_tag": "DIB-000123-K", "accessories": "nav",
                "device": "HP ProBook 450 G9 (sērijas Nr. 5CG0123LVX, inventāra Nr. DIB-000123-K)",
                "condition": "jauns", "template_version": "visi-1", "privacy_contact": school}
    assert expected.keys() == PLACEHOLDERS.keys()
    for name, value in expected.items():
        assert f"{name}=[{value}]" in text, name
    assert "veidne visi-1" in text  # the long title is shrunk or cut in the footer, the version stays


def test_data_protection_contact_or_the_school():
    def notice(data: AgreementData) -> str:
        return " ".join("\n".join(text_of(agreement_pdf(data, default_template("lv")))).split())

    assert "datu aizsardzības speciālistam, var vērsties: Baložu vidusskola, VIIS 4312903421." in notice(agreement())
    given = notice(agreement(privacy_contact="das@kekava.lv, tālr. 67935800"))
    assert "var vērsties: das@kekava.lv, tālr. 67935800." in given


def test_template_version_may_be_left_to_the_template():
    text = "\n".join(text_of(agreement_pdf(agreement(template_version=""), default_template("lv"))))
    assert "veidne default-lv-1" in text


def good_json(**changes) -> dict:
    data = {"version": "ĶNP-2026-2", "language": "lv", "title": "Līgums",
            "sections": [{"heading": "1. Puses", "paragraphs": ["{guardian} un {school}."]}]}
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "message"), [
    ({"sections": [{"heading": "1", "paragraphs": ["Skolēns {pupil_code}."]}]},
     r"section 1 paragraph 1: unknown placeholder \{pupil_code\}"),
    ({"title": "Līgums {nr}"}, r"title: unknown placeholder \{nr\}"),
    ({"title": ""}, "title is empty"),
    ({"title": "   "}, "title is empty"),
    ({"version": ""}, "version is empty"),
    ({"version": "x" * 65}, "version must be one line"),
    ({"language": "de"}, "language must be one of lv, en"),
    ({"sections": []}, "no sections"),
    ({"sections": [{"heading": "", "paragraphs": ["Teksts."]}]}, "section 1 heading is empty"),
    ({"sections": [{"heading": "1", "paragraphs": []}]}, "section 1 has no paragraphs"),
    ({"sections": [{"heading": "1", "paragraphs": ["Teksts.", ""]}]}, "section 1 paragraph 2 is empty"),
    ({"sections": [{"heading": "1", "paragraphs": [None]}]}, "section 1 paragraph 1 is empty"),
    ({"sections": [{"heading": "1", "paragraphs": ["Figūriekava } viena."]}]}, "Single '}'"),
    ({"sections": [{"heading": "1", "paragraphs": ["Sākas {pupil"]}]}, "section 1 paragraph 1"),
    ({"sections": [{"heading": "1", "paragraphs": ["{serial:>20}"]}]}, "is not a placeholder"),
    ({"sections": [{"heading": "1", "paragraphs": ["{pupil.__class__}"]}]}, "is not a placeholder"),
    ({"sections": [{"heading": "1", "paragraphs": ["{pupil!r}"]}]}, "is not a placeholder"),
    ({"sections": [{"heading": "1", "paragraphs": ["Vadības\x07zīme"]}]}, "control character"),
    ({"sections": [{"heading": "1", "paragraphs": ["x" * 40_001]}]}, "more than 40000"),
    ({"sections": [{"heading": "1"}]}, "section 1 must be an object with heading and paragraphs"),
    ({"sections": [{"heading": "1", "paragraphs": "Teksts."}]}, "section 1 paragraphs must be a list"),
    ({"sections": "1. Puses"}, "sections must be a list"),
    ({"sectons": []}, "unknown field"),
])
def test_template_from_json_rejects_bad_templates(changes, message):
    with pytest.raises(ValueError, match=message):
        template_from_json(good_json(**changes))


def test_template_from_json_rejects_missing_fields_and_non_objects():
    data = good_json()
    del data["title"]
    with pytest.raises(ValueError, match="missing field"):
        template_from_json(data)
    with pytest.raises(ValueError, match="expected a JSON object"):
        template_from_json(["version"])  # type: ignore[arg-type]


def test_template_is_checked_however_it_is_made():
    with pytest.raises(ValueError, match="unknown placeholder"):
        Template("x-1", "lv", "Līgums", (("1", ("{nope}",)),))
    assert set(PLACEHOLDERS) >= {"pupil", "guardian", "device", "accessories", "serial", "asset_tag", "number"}
