"""The schools' connectivity survey and improvement plan (the programme's third milestone, by 2024-06-30).

- ``questionnaire``: the questions as data and ``check`` (answers validated field by field).
- ``survey``: the rounds and each school's answers — drafts, the submission, the history of versions.
- ``survey_import``: a founder's CSV or XLSX of answers, all or nothing, bad lines numbered.
- ``measurements``: the speed-test protocol (download, upload, latency to Fleet's own endpoints), measurement
  links for school laptops (``keys``), and recording a measurement.
- ``settings``: the analysis's thresholds and the plan's price table, as the ministry sets them.
- ``analysis``: pure: one school's facts → its diagnosis (uplink, inside_network, congestion, unstable, ok,
  no_data) with the evidence behind it.
- ``plan``: pure: the measures that would remove a school's bottleneck, costed from the price table, ranked by
  pupils served per euro, with totals by founder and overall against the round's budget.
- ``facts``: the database's side of the analysis: each school's answers and recent measurements, read at once.

The report (``fleet.reports.connectivity``) and the pages (``fleet.web.connectivity``) call these.
"""
