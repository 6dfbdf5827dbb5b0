"""The connectivity survey's API rows of the role table (``test_access.py``): the questionnaire, rounds, and each
school's answers read with ``connectivity:read``, answered with ``survey:answer``, rounds opened and changed with
``connectivity:plan``; another school's IT, and another founder's manager, are answered ``not_found`` for the
world's school."""

from __future__ import annotations

from tests.fleet.api.route_table import CONNECTIVITY_READ, PLAN, SURVEY_ANSWER, Route
from tests.fleet.connectivity.answers import GOOD

ROUND = {"code": "2030", "title": "Aptauja 2030", "opens_on": "2030-01-07", "deadline": "2030-03-31",
         "budget": "250000.00"}
SCHOOL = "/api/v1/connectivity/rounds/<code>/schools/<reg>"

ROUTES = [
    Route("GET", "/api/v1/connectivity/questionnaire", "connectivity/questionnaire", None, 200, CONNECTIVITY_READ),
    Route("GET", "/api/v1/connectivity/rounds", "connectivity/rounds", None, 200, CONNECTIVITY_READ),
    Route("POST", "/api/v1/connectivity/rounds", "connectivity/rounds", ROUND, 201, PLAN),
    Route("PATCH", "/api/v1/connectivity/rounds/<code>", "connectivity/rounds/{round}", {"budget": "90000"}, 200,
          PLAN),
    Route("GET", "/api/v1/connectivity/rounds/<code>/schools", "connectivity/rounds/{round}/schools", None, 200,
          CONNECTIVITY_READ),  # another school's IT or founder's manager: its own schools
    Route("GET", SCHOOL, "connectivity/rounds/{round}/schools/{school}", None, 200, CONNECTIVITY_READ, elsewhere=404),
    Route("PUT", SCHOOL, "connectivity/rounds/{round}/schools/{school}", {"answers": GOOD, "submit": True}, 200,
          SURVEY_ANSWER, elsewhere=404),
    Route("GET", SCHOOL + "/history", "connectivity/rounds/{round}/schools/{school}/history", None, 200,
          CONNECTIVITY_READ, elsewhere=404),
    Route("POST", "/api/v1/connectivity/rounds/<code>/import", "connectivity/rounds/{round}/import", {}, 400,
          SURVEY_ANSWER),  # reached: no file sent
]
