"""The connectivity survey's rows of the role × page table (tests/fleet/web/test_page_access.py): the overview,
a school's questionnaire (read by every connectivity reader, answered by school IT, founder managers and admins),
its history, the founder's import and its template, and the plan's settings (the ministry and admins).

``{round}`` is a survey round open until long after the tests, made the first time a row names it."""

from __future__ import annotations

from datetime import date

from tests.page_routes import PageRoute

READ = frozenset({"admin", "school_it", "ministry", "founder_manager", "auditor"})
ANSWER = frozenset({"admin", "school_it", "founder_manager"})
PLAN = frozenset({"admin", "ministry"})


class SurveyRoute(PageRoute):
    """A row whose path names ``{round}``: the round is added to the world when it has none yet."""

    def call(self, client, world: dict):
        if "round" not in world:
            world["round"] = open_round()
        return super().call(client, world)


def open_round(code: str = "2024") -> str:
    from fleet.models import SurveyRound
    from tests.factories import current_session

    session = current_session()
    session.add(SurveyRound(code=code, title=f"Aptauja {code}", opens_on=date(2024, 1, 8), deadline=date(2099, 6, 30)))
    session.commit()
    return code


PAGE_ROUTES = [
    SurveyRoute("GET", "/connectivity", "/connectivity", READ),
    SurveyRoute("GET", "/connectivity/<code>/<reg>", "/connectivity/{round}/{school}", READ, elsewhere=404),
    SurveyRoute("POST", "/connectivity/<code>/<reg>", "/connectivity/{round}/{school}", ANSWER, ok=303,
                elsewhere=404, form={"action": "draft", "pupils": "120"}),
    SurveyRoute("GET", "/connectivity/<code>/<reg>/history", "/connectivity/{round}/{school}/history", READ,
                elsewhere=404),
    SurveyRoute("GET", "/connectivity/<code>/import", "/connectivity/{round}/import", ANSWER),
    SurveyRoute("POST", "/connectivity/<code>/import", "/connectivity/{round}/import", ANSWER, ok=400),
    SurveyRoute("GET", "/connectivity/<code>/template.csv", "/connectivity/{round}/template.csv", ANSWER),
    SurveyRoute("GET", "/connectivity/diagnoses", "/connectivity/diagnoses?round={round}", READ),
    SurveyRoute("GET", "/connectivity/diagnoses", "/connectivity/diagnoses?founder={founder}", READ, elsewhere=404),
    SurveyRoute("GET", "/connectivity/settings", "/connectivity/settings", PLAN),
    SurveyRoute("POST", "/connectivity/settings", "/connectivity/settings", PLAN, ok=400, form={"form": "nothing"}),
]
