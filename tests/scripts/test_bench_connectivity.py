"""The connectivity report's benchmark (``scripts.bench.connectivity``) run tiny on a new SQLite file: it loads the
survey and the measurements, every school profile gets its diagnosis, and it prints the table of timings and
the ratios to its baselines (no timing is asserted)."""

from __future__ import annotations

import json
import re

from scripts.bench import connectivity


def test_it_runs_tiny_and_prints_its_table(capsys):
    connectivity.main(["--schools", "12", "--founders", "3", "--measurements", "12", "--runs", "2"])
    out = capsys.readouterr().out
    diagnoses = json.loads(re.search(r"Diagnoses: (\{.*?\});", out).group(1))
    assert sum(diagnoses.values()) == 12 and diagnoses["no_data"] == 2
    assert "12 schools of 3 founders, 144 measurements (sqlite)" in out
    for row in ("| connectivity (JSON) |", "| connectivity (PDF) |", "| connectivity (XLSX) |", "| milestones (JSON) |",
                "| raw SELECT of the recent measurements |", "| connectivity JSON ÷ raw SELECT of the measurements |",
                "| connectivity JSON ÷ milestones JSON |"):
        assert row in out, row
