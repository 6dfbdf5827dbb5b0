"""The national fleet's generator (``scripts.bench.national``) at a tiny size on PostgreSQL: every device's
history is a valid hash chain (what ``fleet verify`` checks), the devices, loans, agreements and the planted
double funding are where the benchmark expects them, and the roll-ups refresh over them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet import history
from fleet.db import make_engine
from fleet.models import (
    Agreement,
    Device,
    Document,
    Event,
    FundingSource,
    Loan,
    OtherFundSerial,
    RollupCounted,
    RollupRun,
)
from scripts.bench import national

TINY = ["--devices", "240", "--loans", "80", "--schools", "9", "--founders", "3", "--contracts", "4",
        "--other-fund", "10", "--planted", "3", "--chunk", "100"]


@pytest.fixture
def engine(postgres_only_url):
    engine = make_engine(postgres_only_url)
    yield engine
    engine.dispose()


def funding_sources(engine) -> None:
    """The migration's funding sources (the tests' reset empties them)."""
    with Session(engine) as session:
        for code, programme in [("rrf", True), ("state_budget", True), ("react_eu", False)]:
            session.merge(FundingSource(code=code, name_lv=code, name_en=code, programme=programme))
        session.commit()


def test_the_generator_writes_valid_chains_and_the_rollups_refresh(engine, postgres_only_url, capsys):
    funding_sources(engine)
    national.main(["--pg", postgres_only_url, *TINY])
    out = capsys.readouterr().out
    assert "Roll-ups refreshed in" in out
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Device)) == 240
        checked, broken = history.verify_all(session)
        assert (checked, broken) == (240, None)
        assert session.scalar(select(func.count()).select_from(Event)) > 240 * 4
        assert session.scalar(select(func.count()).select_from(Loan).where(Loan.status == "active")) == 80
        on_loan = session.scalar(select(func.count()).select_from(Device).where(Device.status == "on_loan"))
        assert on_loan == 80
        signed = session.scalars(select(Agreement).where(Agreement.status == "signed")).all()
        assert signed and {a.signed_at.year for a in signed} <= {2022, 2023, 2024}
        for a in signed[:5]:  # the stand-in documents are stored under their hashes
            assert session.get(Document, a.signed_sha256) is not None
        assert session.scalar(select(func.count()).select_from(OtherFundSerial)) == 13
        withheld = dict(session.execute(select(RollupCounted.withheld, func.count()).group_by(RollupCounted.withheld))
                        .all())
        assert withheld.get("other_fund") and withheld.get("no_contract") and withheld.get(None) > 40
        assert "other_source" not in withheld  # REACT-EU's contracts start at the tenth
        assert session.scalar(select(func.count()).select_from(RollupRun)) == 1


def test_the_generator_loads_only_into_an_empty_database(engine, postgres_only_url):
    national.main(["--pg", postgres_only_url, *TINY, "--no-refresh"])
    with pytest.raises(SystemExit, match="already holds devices"):
        national.main(["--pg", postgres_only_url, *TINY, "--no-refresh"])
