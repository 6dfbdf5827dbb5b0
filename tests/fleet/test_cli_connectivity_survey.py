"""``fleet connectivity rounds | round-open | round-set | import``: rounds opened, listed and changed by the operator,
and a file of answers imported for any school, a refused one listing every bad line."""

from __future__ import annotations

from fleet.models import SurveyAnswer, SurveyRound
from tests.factories import SchoolFactory
from tests.fleet.connectivity.answers import GOOD, answers


def test_rounds_opened_listed_and_changed(fleet, count):
    result = fleet("connectivity", "round-open", "2026", "--title", "Aptauja 2026", "--opens", "2026-01-05",
                   "--deadline", "2099-03-31", "--budget", "250000")
    assert result.exit_code == 0, result.output
    assert result.stdout == "round opened: 2026\t2026-01-05\t2099-03-31\t250000.00\tAptauja 2026\n"
    fleet("connectivity", "round-open", "2020", "--title", "Aptauja 2020", "--opens", "2020-01-06", "--deadline",
          "2020-03-31")
    listed = fleet("connectivity", "rounds")
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["2026", "2020"]
    assert "2020-03-31\t-\tAptauja 2020" in listed.stdout
    changed = fleet("connectivity", "round-set", "2026", "--no-budget", "--deadline", "2099-04-30", "--title", "A")
    assert changed.stdout == "round changed: 2026\t2026-01-05\t2099-04-30\t-\tA\n"
    assert fleet("connectivity", "round-set", "2026", "--budget", "10.5").stdout.split("\t")[3] == "10.50"
    again = fleet("connectivity", "round-open", "2026", "--title", "x", "--opens", "2026-01-05", "--deadline",
                  "2026-01-05")
    assert again.exit_code == 1 and "[duplicate]" in again.stderr
    bad = fleet("connectivity", "round-open", "2027", "--title", "x", "--opens", "2027-02-01", "--deadline",
                "2027-01-01")
    assert bad.exit_code == 1 and "[invalid_input]" in bad.stderr
    assert fleet("connectivity", "round-open", "2028", "--title", "x", "--opens", "01.02.2028", "--deadline",
                 "2028-03-01").exit_code == 1
    assert fleet("connectivity", "round-set", "2026", "--budget", "lots").exit_code == 1
    assert fleet("connectivity", "round-set", "1999", "--title", "x").stderr.endswith("[not_found]\n")
    assert count(SurveyRound) == 2


def _csv(rows) -> bytes:
    def cell(v):
        return "jā" if v is True else "nē" if v is False else str(v)
    lines = [";".join(["school", *GOOD])] + [";".join([reg, *(cell(values.get(k, "")) for k in GOOD)])
                                             for reg, values in rows]
    return ("\ufeff" + "\n".join(lines)).encode()


def test_a_file_imported_for_any_school(fleet, count, tmp_path):
    fleet("connectivity", "round-open", "2026", "--title", "Aptauja", "--opens", "2026-01-05", "--deadline",
          "2099-03-31")
    a, b = SchoolFactory(), SchoolFactory()  # of two founders: the operator imports for any school
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([(a.registration_number, answers(pupils="many")), ("0000000000", GOOD),
                          (b.registration_number, answers(staff=""))]))
    refused = fleet("connectivity", "import", str(bad), "--round", "2026")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[:3] == [
        "  line 2: pupils: Pupils: a number is needed",
        "  line 3: school: school '0000000000' is not one of yours (or not known)",
        "  line 4: staff: Staff: an answer is needed"]
    assert "[invalid_input]" in refused.stderr and count(SurveyAnswer) == 0
    good = tmp_path / "novads.csv"
    good.write_bytes(_csv([(a.registration_number, GOOD), (b.registration_number, answers(pupils=12))]))
    done = fleet("connectivity", "import", str(good), "--round", "2026")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [f"{a.registration_number}\tversion 1\tsubmitted",
                                        f"{b.registration_number}\tversion 1\tsubmitted",
                                        "2 school(s) imported into round 2026"]
    assert count(SurveyAnswer, SurveyAnswer.source == "import") == 2
    assert fleet("connectivity", "import", str(good), "--round", "1999").exit_code == 1
