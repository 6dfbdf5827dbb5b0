"""The print shop's catalogs (labels/translations): every message has its Latvian and English, the catalogs hold
exactly the messages the source marks, a translation keeps its message's {placeholders}; a wrong catalog is
found."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from labels import catalog

LABELS = Path(catalog.__file__).parent
KEYWORDS = {"N_": None, "NP_": ((1, "c"), 2)}  # as scripts/update-label-catalogs extracts them
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def marked_in_source() -> set[tuple[str | None, str]]:
    """(context, message) of every N_/NP_ message in labels/, as pybabel extract finds them."""
    return {(context, message) for _file, _line, message, _comments, context in
            extract_from_dir(str(LABELS), method_map=[("**.py", "python")], keywords=KEYWORDS)}


def problems(directory: Path, source: set[tuple[str | None, str]]) -> list[str]:
    """What is wrong with the catalogs under `directory`: a message without a translation (or a fuzzy one), a
    message of the source missing from a catalog, one a catalog keeps that the source no longer has, a translation
    that drops or adds a placeholder."""
    found = []
    for language in catalog.LANGUAGES:
        with open(directory / language / "LC_MESSAGES" / f"{catalog.DOMAIN}.po", "rb") as po:
            entries = [m for m in read_po(po, locale=language) if m.id]
        held = {(m.context, m.id) for m in entries}
        found += [f"{language}: not in the catalog: {m!r}" for m in sorted(source - held, key=str)]
        found += [f"{language}: no longer in the source: {m!r}" for m in sorted(held - source, key=str)]
        for m in entries:
            if not isinstance(m.string, str) or not m.string.strip():
                found.append(f"{language}: no translation: {m.id!r}")
            elif m.fuzzy:
                found.append(f"{language}: fuzzy: {m.id!r}")
            elif sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string)):
                found.append(f"{language}: placeholders differ: {m.id!r} -> {m.string!r}")
    return found


def test_catalogs_are_complete_and_up_to_date_with_the_source():
    source = marked_in_source()
    assert len(source) > 60
    assert problems(catalog.DIRECTORY, source) == []


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "translations"
    shutil.copytree(catalog.DIRECTORY, copy)
    return copy


def test_the_check_finds_a_missing_translation_a_new_message_and_a_dropped_placeholder(tmp_path):
    copy = _copy(tmp_path)
    lv = copy / "lv" / "LC_MESSAGES" / "labels.po"
    text = lv.read_text(encoding="utf-8")
    text = text.replace('msgstr "Patapinātājs"', 'msgstr ""')
    text = text.replace('msgstr "Pielikums patapinājuma līgumam Nr. {number}"', 'msgstr "Pielikums līgumam"')
    lv.write_text(text, encoding="utf-8")
    source = marked_in_source() | {(None, "A word added to the source")}
    found = problems(copy, source)
    assert "lv: no translation: 'Lender'" in found
    assert "lv: placeholders differ: 'Annex to loan agreement No. {number}' -> 'Pielikums līgumam'" in found
    assert "lv: not in the catalog: (None, 'A word added to the source')" in found
    assert "en: not in the catalog: (None, 'A word added to the source')" in found
    dropped = problems(copy, marked_in_source() - {(None, "Signatures")})
    assert "lv: no longer in the source: (None, 'Signatures')" in dropped
    assert "en: no longer in the source: (None, 'Signatures')" in dropped
