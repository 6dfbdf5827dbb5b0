"""The connectivity survey's pages (``/connectivity/…``), one module per page, all on the ``web`` blueprint:

- ``survey_pages``: ``/connectivity``, the rounds and the schools' answers where each stands; a school's history
- ``survey_form``: a school's questionnaire (drafts, the submission, the refusals beside each field)
- ``survey_import_page``: a founder's CSV or XLSX import and its template
- ``diagnoses``: ``/connectivity/diagnoses``, each school's diagnosis and the ranked, costed plan (the report)
- ``measure``: ``/connectivity/measure``, the speed test from inside a school (and links for school laptops)
- ``plan_settings``: ``/connectivity/settings``, the rounds' deadlines and budgets, the price table and thresholds
"""

from __future__ import annotations

from fleet.web.connectivity import (  # noqa: F401  (each adds its routes to bp)
    diagnoses,
    measure,
    plan_settings,
    survey_form,
    survey_import_page,
    survey_pages,
)
