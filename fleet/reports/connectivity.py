"""The connectivity report (the programme's third milestone): per school the diagnosis with its evidence, the
measured against the contracted speed, the bandwidth per pupil, and the costed, ranked improvement plan with
totals by founder and overall against the round's budget. ``?round=`` picks the survey round (default the
latest); computed live from the answers and the measurements (``fleet.connectivity.facts``).

(Stub: registered by the report's builder.)
"""
