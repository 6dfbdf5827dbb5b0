"""The survey's questionnaire as data: each question's key, section, label in the reader's language, kind
(``choice``, ``int``, ``number``, ``bool``, ``text``), unit, range or choices, and whether the submission needs
it; and ``check``, which validates answers field by field (a draft may leave questions out; a submission may
not). The form, the import's columns, the API and the analysis all read the questions from here.

Units are explicit in the keys and the labels: speeds in Mbit/s, money in EUR a month, years as years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from fleet.i18n import Text, _l

Kind = Literal["choice", "int", "number", "bool", "text"]
SECTIONS: dict[str, Text] = {
    "uplink": _l("The internet connection (uplink)"),
    "inside": _l("The network inside the school"),
    "load": _l("The load"),
    "problems": _l("Problems"),
}
TECHNOLOGIES = ("fibre", "dsl", "cable", "radio", "mobile")
WIFI_STANDARDS = ("wifi4", "wifi5", "wifi6", "wifi6e", "wifi7")  # 802.11n, ac, ax, ax 6 GHz, be
SWITCH_UPLINKS = ("100", "1000", "10000")  # Mbit/s
MAINTAINERS = ("school", "founder", "contractor", "nobody")
LEVELS = ("primary", "secondary")  # pamatizglītība (grades 1–9); vidējā izglītība (a school with grades 10–12)
CHOICE_LABELS: dict[str, Text] = {
    "fibre": _l("fibre"), "dsl": _l("DSL (copper telephone line)"), "cable": _l("cable TV network"),
    "radio": _l("fixed radio link"), "mobile": _l("mobile (4G/5G)"),
    "wifi4": _l("Wi-Fi 4 (802.11n)"), "wifi5": _l("Wi-Fi 5 (802.11ac)"), "wifi6": _l("Wi-Fi 6 (802.11ax)"),
    "wifi6e": _l("Wi-Fi 6E (802.11ax, 6 GHz)"), "wifi7": _l("Wi-Fi 7 (802.11be)"),
    "100": _l("100 Mbit/s"), "1000": _l("1 Gbit/s"), "10000": _l("10 Gbit/s"),
    "school": _l("the school's own staff"), "founder": _l("the founder (municipality)"),
    "contractor": _l("a contractor"), "nobody": _l("nobody"),
    "primary": _l("primary (grades 1–9)"), "secondary": _l("secondary (with grades 10–12)"),
}


@dataclass(frozen=True)
class Question:
    """One question. ``low``/``high`` bound a number (inclusive); ``choices`` a choice; ``longest`` a text;
    ``required``: a submission needs it (``needed_if``: only when that bool question is answered yes)."""

    key: str
    section: str
    label: Text
    kind: Kind
    unit: Text | None = None
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    longest: int = 200
    required: bool = True
    needed_if: str | None = None
    hint: Text | None = None


MBPS, EUR_MONTH, YEARS = _l("Mbit/s"), _l("EUR a month"), _l("year")
QUESTIONS: tuple[Question, ...] = (
    Question("uplink_technology", "uplink", _l("Technology of the connection"), "choice", choices=TECHNOLOGIES),
    Question("provider", "uplink", _l("Internet provider"), "text", longest=100),
    Question("contracted_down_mbps", "uplink", _l("Contracted download speed"), "number", MBPS, 0.1, 100_000),
    Question("contracted_up_mbps", "uplink", _l("Contracted upload speed"), "number", MBPS, 0.1, 100_000),
    Question("monthly_cost_eur", "uplink", _l("Monthly cost of the connection"), "number", EUR_MONTH, 0, 100_000),
    Question("backup_line", "uplink", _l("Is there a backup line?"), "bool"),
    Question("backup_technology", "uplink", _l("Technology of the backup line"), "choice", choices=TECHNOLOGIES,
             required=False, needed_if="backup_line"),
    Question("outages_last_year", "uplink", _l("Outages in the last 12 months"), "int", _l("outages"), 0, 365,
             hint=_l("interruptions longer than 15 minutes")),
    Question("switches", "inside", _l("Network switches"), "int", _l("switches"), 0, 500),
    Question("switch_uplink_mbps", "inside", _l("Speed of the switches' uplinks"), "choice", MBPS,
             choices=SWITCH_UPLINKS),
    Question("access_points", "inside", _l("Wi-Fi access points"), "int", _l("access points"), 0, 2000),
    Question("wifi_standard", "inside", _l("Wi-Fi standard of most access points"), "choice", choices=WIFI_STANDARDS),
    Question("classrooms", "inside", _l("Classrooms"), "int", _l("classrooms"), 1, 500),
    Question("classrooms_covered", "inside", _l("Classrooms with a usable Wi-Fi signal"), "int", _l("classrooms"),
             0, 500),
    Question("cabling_year", "inside", _l("Year the cabling was installed"), "int", YEARS, 1970, 2100),
    Question("maintained_by", "inside", _l("Who maintains the network"), "choice", choices=MAINTAINERS),
    Question("school_level", "load", _l("Level of the school"), "choice", choices=LEVELS),
    Question("pupils", "load", _l("Pupils"), "int", _l("pupils"), 1, 5000),
    Question("staff", "load", _l("Staff"), "int", _l("people"), 0, 1000),
    Question("peak_devices", "load", _l("Devices in use at the busiest lesson"), "int", _l("devices"), 0, 10_000,
             hint=_l("laptops, tablets and phones on the school's network at once")),
    Question("problems", "problems", _l("Problems the school has with the connection"), "text", longest=2000,
             required=False, hint=_l("what goes wrong, when, and how often; no names of pupils")),
)
BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}


@dataclass(frozen=True)
class Problem:
    """One answer refused: the question's key, a reason code (``required``, ``not_a_number``, ``not_whole``,
    ``out_of_range``, ``unknown_choice``, ``too_long``, ``not_yes_no``, ``unknown_question``, ``inconsistent``)
    and the message in the reader's language."""

    field: str
    reason: str
    message: Text

    def as_detail(self) -> dict[str, Any]:
        return {"field": self.field, "reason": self.reason, "message": self.message}


def _number(q: Question, raw: Any) -> tuple[Any, Problem | None]:
    if isinstance(raw, bool):
        return None, Problem(q.key, "not_a_number", _l("%(question)s: a number is needed", question=q.label))
    if isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            raw = float(text)
        except ValueError:
            return None, Problem(q.key, "not_a_number", _l("%(question)s: a number is needed", question=q.label))
    if not isinstance(raw, int | float) or raw != raw or raw in (float("inf"), float("-inf")):
        return None, Problem(q.key, "not_a_number", _l("%(question)s: a number is needed", question=q.label))
    if q.kind == "int":
        if float(raw) != int(raw):
            return None, Problem(q.key, "not_whole", _l("%(question)s: a whole number is needed", question=q.label))
        raw = int(raw)
    if (q.low is not None and raw < q.low) or (q.high is not None and raw > q.high):
        return None, Problem(q.key, "out_of_range", _l("%(question)s must be from %(low)s to %(high)s %(unit)s",
                                                       question=q.label, low=_plain(q.low), high=_plain(q.high),
                                                       unit=q.unit or ""))
    return raw, None


def _plain(value: float | None) -> str:
    return "" if value is None else (f"{value:g}" if value != int(value) else str(int(value)))


def _one(q: Question, raw: Any) -> tuple[Any, Problem | None]:
    """An answer as stored (numbers as numbers, yes/no as bool, text stripped), or why it is refused."""
    if q.kind in ("int", "number"):
        return _number(q, raw)
    if q.kind == "bool":
        if isinstance(raw, bool):
            return raw, None
        text = str(raw).strip().lower()
        if text in ("yes", "jā", "ja", "true", "1"):
            return True, None
        if text in ("no", "nē", "ne", "false", "0"):
            return False, None
        return None, Problem(q.key, "not_yes_no", _l("%(question)s: answer yes or no", question=q.label))
    text = str(raw).strip()
    if q.kind == "choice":
        if text not in q.choices:
            return None, Problem(q.key, "unknown_choice", _l("%(question)s: choose one of %(choices)s",
                                                             question=q.label, choices=", ".join(q.choices)))
        return text, None
    if len(text) > q.longest:
        return None, Problem(q.key, "too_long", _l("%(question)s: at most %(n)s characters", question=q.label,
                                                   n=q.longest))
    return text, None


def check(answers: dict[str, Any], *, complete: bool,
          today: date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """(the answers as stored, the problems, field by field, in the questionnaire's order). Blank answers
    (None, "") are left out. ``complete``: the submission, which needs every required question and answers that
    agree with each other (covered classrooms ≤ classrooms, a backup line's technology, cabling not in the
    future); a draft is checked only answer by answer."""
    clean: dict[str, Any] = {}
    problems = [Problem(str(key)[:60], "unknown_question",
                        _l("%(key)s is not a question of the survey", key=str(key)[:60]))
                for key in answers if key not in BY_KEY]
    for q in QUESTIONS:
        raw = answers.get(q.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        value, problem = _one(q, raw)
        if problem:
            problems.append(problem)
        else:
            clean[q.key] = value
    if complete:
        problems += _missing(clean, {p.field for p in problems})
        problems += _inconsistent(clean, today or date.today())
    order = {q.key: i for i, q in enumerate(QUESTIONS)}
    problems.sort(key=lambda p: order.get(p.field, -1))
    return clean, problems


def _missing(clean: dict[str, Any], refused: set[str]) -> list[Problem]:
    out = []
    for q in QUESTIONS:
        needed = q.required or (q.needed_if is not None and clean.get(q.needed_if) is True)
        if needed and q.key not in clean and q.key not in refused:
            out.append(Problem(q.key, "required", _l("%(question)s: an answer is needed", question=q.label)))
    return out


def _inconsistent(clean: dict[str, Any], today: date) -> list[Problem]:
    out = []
    covered, rooms = clean.get("classrooms_covered"), clean.get("classrooms")
    if covered is not None and rooms is not None and covered > rooms:
        out.append(Problem("classrooms_covered", "inconsistent",
                           _l("more classrooms covered (%(covered)s) than classrooms (%(rooms)s)",
                              covered=covered, rooms=rooms)))
    if clean.get("backup_line") is False and clean.get("backup_technology"):
        out.append(Problem("backup_technology", "inconsistent",
                           _l("a backup line's technology is given, but there is no backup line")))
    if clean.get("cabling_year") is not None and clean["cabling_year"] > today.year:
        out.append(Problem("cabling_year", "inconsistent",
                           _l("the cabling cannot be installed in the future (%(year)s)", year=clean["cabling_year"])))
    return out
