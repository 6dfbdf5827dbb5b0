"""The agreement's text: a versioned template (title, sections of paragraphs with {placeholders}) that
a founder's admin may replace, and the default text in Latvian and English.

The template holds only the agreement's own text. The rest of the document is fixed and always
printed: the header (number, date, funding line, the signing QR code), the signature blocks, the
hand-over act with the device table, the footer with the template's version and the page numbers.

Paragraphs are plain text (no markup); a placeholder is a name in braces, `{{` and `}}` print a brace.
A template is checked when it is made, so every Template in the process is one that renders.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from xml.sax.saxutils import escape

LANGUAGES = ("lv", "en")
MAX_TEXT = 40_000  # characters in all, a few pages; the default is about 6,000
MAX_VERSION = 64

# name -> what it prints; the names a paragraph may use
PLACEHOLDERS = {
    "number": "the agreement's number, e.g. L-2026-000123",
    "date": "the agreement's date, e.g. 2026-11-28",
    "founder": "the lender (the school's founder) with its detail: Ķekavas novada pašvaldība (reģ. Nr. 90000048491)",
    "founder_name": "the lender's name alone",
    "founder_detail": "the lender's detail alone (registration number)",
    "school": "the school with its detail: Baložu vidusskola (VIIS 4312903421)",
    "school_name": "the school's name alone",
    "school_detail": "the school's detail alone",
    "guardian": "the parent or guardian who signs, with their detail if any",
    "guardian_name": "the parent's or guardian's name alone",
    "guardian_detail": "the parent's or guardian's detail alone",
    "pupil": "the pupil with their class: Ērika Ņikitina (5.b klase)",
    "pupil_name": "the pupil's name alone",
    "pupil_detail": "the pupil's detail alone (class)",
    "manufacturer": "the device's manufacturer",
    "model": "the device's model",
    "serial": "the device's serial number",
    "asset_tag": "the device's asset tag (inventory number)",
    "device": "the device in one phrase: manufacturer, model, serial number and asset tag",
    "accessories": "the accessories, comma-separated (or 'nav' / 'none')",
    "condition": "the device's condition at hand-over",
    "template_version": "this template's version",
    "privacy_contact": "where to ask about personal data (the data protection officer's contact), else the school",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Template:
    """Versioned agreement text; `sections` are (heading, paragraphs). Checked on creation (ValueError)."""

    version: str
    language: str
    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    def __post_init__(self) -> None:
        _check(self)


def _check(t: Template) -> None:
    if not isinstance(t.version, str) or not t.version.strip():
        raise ValueError("template: version is empty")
    if len(t.version) > MAX_VERSION or _CONTROL.search(t.version) or "\n" in t.version:
        raise ValueError(f"template: version must be one line of at most {MAX_VERSION} characters")
    if t.language not in LANGUAGES:
        raise ValueError(f"template: language must be one of {', '.join(LANGUAGES)}, not {t.language!r}")
    _text("title", t.title)
    if not isinstance(t.sections, tuple) or not t.sections:
        raise ValueError("template: no sections")
    total = len(t.title)
    for s, section in enumerate(t.sections, 1):
        if not isinstance(section, tuple) or len(section) != 2 or not isinstance(section[1], tuple):
            raise ValueError(f"template: section {s} must be (heading, (paragraph, ...))")
        heading, paragraphs = section
        _text(f"section {s} heading", heading)
        if not paragraphs:
            raise ValueError(f"template: section {s} has no paragraphs")
        for p, paragraph in enumerate(paragraphs, 1):
            _text(f"section {s} paragraph {p}", paragraph)
            total += len(paragraph)
        total += len(heading)
    if total > MAX_TEXT:
        raise ValueError(f"template: the text is {total} characters, more than {MAX_TEXT}")


def _text(where: str, text: object) -> None:
    """One piece of template text: a non-empty string whose placeholders are all known."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"template: {where} is empty")
    if _CONTROL.search(text):
        raise ValueError(f"template: {where} contains a control character")
    for name in placeholders_in(text, where):
        if name not in PLACEHOLDERS:
            raise ValueError(f"template: {where}: unknown placeholder {{{name}}}; "
                             f"known: {', '.join('{' + k + '}' for k in PLACEHOLDERS)}")


def placeholders_in(text: str, where: str = "text") -> list[str]:
    """The placeholder names in `text`, in order; ValueError for a stray brace or a formatted field."""
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as error:  # "Single '}' encountered in format string", ...
        raise ValueError(f"template: {where}: {error} (write {{{{ or }}}} for a brace)") from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not re.fullmatch(r"[a-z_]+", name):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"template: {where}: {shown} is not a placeholder (a placeholder is a name in braces)")
        names.append(name)
    return names


def fill(text: str, values: dict[str, str], open_value: str = "", close_value: str = "") -> str:
    """`text` with its placeholders replaced, as platypus markup: the text escaped, each value escaped and
    wrapped in `open_value`/`close_value` (e.g. a bold font tag)."""
    out = []
    for literal, name, _spec, _conversion in _FORMATTER.parse(text):
        out.append(escape(literal))
        if name is not None:
            out.append(open_value + escape(values[name]) + close_value)
    return "".join(out)


def template_from_json(data: dict) -> Template:
    """A template from its JSON form ({"version", "language", "title", "sections": [{"heading",
    "paragraphs": [...]}]}); ValueError with a message that says what is wrong and where."""
    if not isinstance(data, dict):
        raise ValueError("template: expected a JSON object")
    keys = {"version", "language", "title", "sections"}
    if unknown := sorted(set(data) - keys):
        raise ValueError(f"template: unknown field(s) {', '.join(map(str, unknown))}; "
                         f"expected {', '.join(sorted(keys))}")
    if missing := sorted(keys - set(data)):
        raise ValueError(f"template: missing field(s) {', '.join(missing)}")
    sections = data["sections"]
    if not isinstance(sections, list):
        raise ValueError("template: sections must be a list")
    built = []
    for s, section in enumerate(sections, 1):
        if not isinstance(section, dict) or set(section) != {"heading", "paragraphs"}:
            raise ValueError(f"template: section {s} must be an object with heading and paragraphs")
        paragraphs = section["paragraphs"]
        if not isinstance(paragraphs, list):
            raise ValueError(f"template: section {s} paragraphs must be a list of strings")
        built.append((section["heading"], tuple(paragraphs)))
    return Template(version=data["version"], language=data["language"], title=data["title"], sections=tuple(built))


def template_to_json(t: Template) -> dict:
    return {"version": t.version, "language": t.language, "title": t.title,
            "sections": [{"heading": heading, "paragraphs": list(paragraphs)} for heading, paragraphs in t.sections]}


def default_template(language: str = "lv") -> Template:
    """Fleet's own text: a plain loan-for-use agreement under the Civil Law, with a data-protection notice."""
    try:
        return _DEFAULTS[language]
    except KeyError:
        raise ValueError(f"no default template in {language!r}; there are {', '.join(LANGUAGES)}") from None


_LV = Template(
    version="default-lv-1",
    language="lv",
    title="Patapinājuma līgums",
    sections=(
        ("1. Līdzēji", (
            "1.1. Patapinātājs: {founder}, ko šajā līgumā pārstāv izglītības iestāde {school} (turpmāk – Skola).",
            "1.2. Patapinājuma ņēmējs: {guardian} – izglītojamā vecāks vai likumiskais pārstāvis, kas slēdz šo "
            "līgumu izglītojamā vārdā un interesēs.",
            "1.3. Izglītojamais, kura lietošanā nodod ierīci: {pupil} (turpmāk – Izglītojamais).",
        )),
        ("2. Līguma priekšmets", (
            "2.1. Patapinātājs nodod un Patapinājuma ņēmējs pieņem bezatlīdzības lietošanā portatīvo datoru {device} "
            "ar piederumiem: {accessories} (turpmāk – Ierīce). Ierīces stāvoklis nodošanas brīdī: {condition}.",
            "2.2. Ierīce ir Patapinātāja īpašums un paliek tā uzskaitē. To nodod Izglītojamā mācībām programmā "
            "„Dators ikvienam bērnam”.",
            "2.3. Ierīces nodošanu apliecina šā līguma pielikums – nodošanas–pieņemšanas akts.",
        )),
        ("3. Patapinājuma ņēmēja pienākumi", (
            "3.1. Gādāt, lai Ierīci lieto Izglītojamais mācībām; nenodot to citām personām un neizmantot "
            "komercdarbībai vai prettiesiskiem mērķiem.",
            "3.2. Rūpēties par Ierīci kā krietns un rūpīgs saimnieks: sargāt to no triecieniem, mitruma un karstuma, "
            "neatvērt tās korpusu, nenoņemt inventāra uzlīmi un nemainīt Ierīci bez Skolas ziņas.",
            "3.3. Bez kavēšanās, ne vēlāk kā nākamajā darba dienā, paziņot Skolai par Ierīces bojājumu, darbības "
            "traucējumiem, nozaudēšanu vai zādzību; zādzības gadījumā arī ziņot Valsts policijai un nodot Skolai "
            "ziņojuma numuru.",
            "3.4. Atdot Ierīci ar visiem piederumiem Skolai, kad Izglītojamais beidz mācības Skolā vai pāriet uz citu "
            "izglītības iestādi, kā arī pēc Skolas pieprasījuma, tādā stāvoklī, kādā tā saņemta, ņemot vērā normālu "
            "nolietojumu.",
        )),
        ("4. Patapinātāja pienākumi", (
            "4.1. Nodot Ierīci darba kārtībā, ar mācībām vajadzīgo programmatūru.",
            "4.2. Bez maksas novērst bojājumus, kas radušies, Ierīci parasti lietojot, vai ražotāja vainas dēļ, un "
            "remonta laikā iespēju robežās nodot lietošanā citu ierīci.",
            "4.3. Pieņemot Ierīci atpakaļ, pārbaudīt tās stāvokli un sastādīt atgriešanas aktu; pirms Ierīces "
            "nodošanas citam izglītojamajam izdzēst tajā saglabātos datus.",
        )),
        ("5. Atbildība", (
            "5.1. Patapinājuma ņēmējs atbild tikai par Ierīces tīšu sabojāšanu vai tās nozaudēšanu. Par normālu "
            "nolietojumu, darbības traucējumiem un bojājumiem, kas radušies, Ierīci lietojot paredzētajam mērķim, "
            "kā arī par zādzību, par kuru ziņots policijai, Patapinājuma ņēmējs neatbild.",
            "5.2. Atlīdzināmo summu nosaka pēc Ierīces atlikušās vērtības Patapinātāja uzskaitē. Patapinātājs var "
            "atlīdzību samazināt vai no tās atteikties, ņemot vērā ģimenes apstākļus.",
        )),
        ("6. Līguma darbība", (
            "6.1. Līgums stājas spēkā, kad to paraksta Patapinājuma ņēmējs, un ir spēkā, līdz Ierīce atdota Skolai "
            "un sastādīts atgriešanas akts.",
            "6.2. Strīdus līdzēji risina sarunās, bet, ja vienošanās netiek panākta, – Latvijas Republikas "
            "normatīvajos aktos noteiktajā kārtībā.",
            "6.3. Patapinājuma ņēmējs saņem parakstītā līguma kopiju elektroniski vai papīra formā.",
        )),
        ("7. Personas datu apstrāde", (
            "7.1. Pārzinis ir Patapinātājs ({founder_name}), ko pārstāv Skola. Jautājumos par datu apstrādi, arī "
            "datu aizsardzības speciālistam, var vērsties: {privacy_contact}.",
            "7.2. Dati: Patapinājuma ņēmēja vārds, uzvārds un kontaktinformācija; Izglītojamā vārds, uzvārds, klase "
            "un atbalsta mērķgrupa, kuras dēļ Ierīce piešķirta; Ierīces dati; paraksts, parakstīšanas laiks un veids. "
            "Personas kodu neprasa.",
            "7.3. Mērķis: Ierīces nodošana lietošanā, uzskaite un atgriešana, šā līguma izpilde un Eiropas Savienības "
            "finansējuma izlietojuma pierādīšana. Ministrija un uzraudzības iestādes saņem tikai apkopotus skaitļus "
            "bez vārdiem; pārbaudē tās var iepazīties ar līgumu.",
            "7.4. Tiesiskais pamats: Vispārīgās datu aizsardzības regulas (ES) 2016/679 6. panta 1. punkta b) "
            "apakšpunkts (līguma izpilde), c) apakšpunkts (juridisks pienākums – grāmatvedības un finansējuma "
            "uzskaite) un e) apakšpunkts (sabiedrības interesēs veicams uzdevums izglītībā).",
            "7.5. Glabāšana: kamēr līgums ir spēkā, un pēc tam tik ilgi, cik to prasa normatīvie akti par grāmatvedību "
            "un Eiropas Savienības finansējuma kontroli; pēc tam personas datus dzēš vai anonimizē.",
            "7.6. Tiesības: piekļūt saviem un Izglītojamā datiem, tos labot, prasīt to apstrādes ierobežošanu vai "
            "dzēšanu, ja tam ir pamats, iebilst pret apstrādi un iesniegt sūdzību Datu valsts inspekcijai "
            "(www.dvi.gov.lv).",
        )),
    ),
)

_EN = Template(
    version="default-en-1",
    language="en",
    title="Loan agreement",
    sections=(
        ("1. Parties", (
            "1.1. Lender: {founder}, represented in this agreement by the school {school} (the School).",
            "1.2. Borrower: {guardian}, parent or legal guardian of the pupil, who concludes this agreement on the "
            "pupil's behalf and in the pupil's interest.",
            "1.3. Pupil who will use the device: {pupil} (the Pupil).",
        )),
        ("2. Subject", (
            "2.1. The Lender lends and the Borrower accepts for use free of charge the laptop {device} with the "
            "accessories: {accessories} (the Device). Condition of the Device at hand-over: {condition}.",
            "2.2. The Device is the Lender's property and stays on its books. It is lent for the Pupil's learning in "
            "the programme \u201cDators ikvienam bērnam\u201d (a computer for every child).",
            "2.3. The hand-over of the Device is confirmed by the annex to this agreement, the hand-over and "
            "acceptance act.",
        )),
        ("3. The Borrower's duties", (
            "3.1. To see that the Device is used by the Pupil for learning; not to pass it on to anyone else and not "
            "to use it for business or unlawful purposes.",
            "3.2. To take good care of the Device: protect it from knocks, moisture and heat, not open its case, not "
            "remove the asset label and not alter the Device without the School's knowledge.",
            "3.3. To tell the School without delay, at the latest on the next working day, of any damage, fault, loss "
            "or theft of the Device; in case of theft, also to report it to the State Police and give the School the "
            "report number.",
            "3.4. To return the Device with all its accessories to the School when the Pupil leaves the School or "
            "moves to another school, and whenever the School asks, in the condition in which it was received apart "
            "from normal wear.",
        )),
        ("4. The Lender's duties", (
            "4.1. To hand over the Device in working order, with the software needed for learning.",
            "4.2. To repair free of charge faults that arise in normal use or through the manufacturer's fault, and "
            "during a repair to lend another device where possible.",
            "4.3. On taking the Device back, to check its condition and draw up a return act; to erase the data stored "
            "on the Device before lending it to another pupil.",
        )),
        ("5. Liability", (
            "5.1. The Borrower is liable only for deliberate damage to the Device or for its loss. The Borrower is not "
            "liable for normal wear, for faults, for damage that arises in using the Device as intended, or for a "
            "theft reported to the police.",
            "5.2. Any compensation is based on the Device's remaining value on the Lender's books. The Lender may "
            "reduce or waive it in view of the family's circumstances.",
        )),
        ("6. Term", (
            "6.1. This agreement takes effect when the Borrower signs it and lasts until the Device has been returned "
            "to the School and a return act drawn up.",
            "6.2. The parties settle disputes by negotiation, or failing agreement as provided by the laws of the "
            "Republic of Latvia.",
            "6.3. The Borrower receives a copy of the signed agreement electronically or on paper.",
        )),
        ("7. Personal data", (
            "7.1. Controller: the Lender, {founder_name}, represented by the School. Questions about the processing, "
            "also for the data protection officer, may be addressed to: {privacy_contact}.",
            "7.2. Data: the Borrower's name and contact details; the Pupil's name, class and the support group for "
            "which the Device was granted; the Device's details; the signature, the time and the way of signing. "
            "No personal identity number is required.",
            "7.3. Purpose: lending, recording and taking back the Device, performing this agreement, and proving how "
            "European Union funding was used. The ministry and supervising bodies receive only counts without names; "
            "in an audit they may inspect this agreement.",
            "7.4. Legal basis: Article 6(1)(b) (performance of a contract), (c) (legal obligation: accounting and "
            "funding records) and (e) (a task in the public interest in education) of the General Data Protection "
            "Regulation (EU) 2016/679.",
            "7.5. Retention: while this agreement is in force and afterwards for as long as the laws on accounting "
            "and on the control of European Union funding require; then the personal data are erased or anonymised.",
            "7.6. Rights: to access your and the Pupil's data, to have them corrected, to ask for their processing to "
            "be restricted or for their erasure where there are grounds, to object to the processing, and to "
            "complain to the Data State Inspectorate (www.dvi.gov.lv).",
        )),
    ),
)

_DEFAULTS = {"lv": _LV, "en": _EN}
