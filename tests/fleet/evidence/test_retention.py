"""The signed agreements an auditor may ask for outlive the pupils' retention: ``fleet privacy purge``
anonymises the pupil as always, but keeps the documents of each agreement that makes its device count
toward the targets until the audit period ends (FLEET_AUDIT_RETENTION_UNTIL), and deletes them after."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import select, update

from fleet.lending import loans, returns
from fleet.models import Agreement, Device, Document, Loan, Pupil
from tests.fleet.evidence.world import make_world

AUDIT_ENDS = date(2031, 12, 31)


def _documents(session, serial: str) -> dict[str, bool]:
    """Which of the device's first agreement's documents are still stored (as committed now)."""
    session.commit()  # a new snapshot: another connection (the CLI's) may have purged since
    session.expire_all()
    agreement = session.scalar(select(Agreement).join(Loan).join(Device, Device.id == Loan.device_id)
                               .where(Device.serial == serial).order_by(Loan.id).limit(1))
    loan = session.get(Loan, agreement.loan_id)
    return {kind: digest is not None and session.get(Document, digest) is not None
            for kind, digest in (("original", agreement.original_sha256), ("signed", agreement.signed_sha256),
                                 ("return_act", loan.return_act_sha256))}


def _everyone_returned_long_ago(session) -> None:
    for loan in session.scalars(select(Loan).where(Loan.status == "active")).all():
        returns.return_loan(session, loan, {"condition": "good", "accessories_returned": []}, "factory")
    session.execute(update(Loan).values(ended_at=datetime.now(UTC) - timedelta(days=400)))
    session.commit()


def test_counted_agreements_are_kept_until_the_audit_period_ends(session):
    world = make_world(session, devices=1)
    _everyone_returned_long_ago(session)
    counted = world.counted[0]
    assert loans.purge(session, 12, keep_evidence_until=AUDIT_ENDS) == 4
    session.commit()
    session.expire_all()
    assert session.scalar(select(Pupil.id).where(Pupil.anonymised_at.is_(None))) is None  # every pupil anonymised
    assert session.scalar(select(Pupil.id).where(Pupil.given_name != "")) is None
    # the counted device's agreement stays (the original and the signed copy); its return act names the pupil: gone
    assert _documents(session, counted) == {"original": True, "signed": True, "return_act": False}
    # an agreement never signed makes nothing count: deleted as before
    assert _documents(session, world.unsigned) == {"original": False, "signed": False, "return_act": False}

    # a later purge within the period keeps them still
    loans.purge(session, 12, keep_evidence_until=AUDIT_ENDS)
    session.commit()
    assert _documents(session, counted)["signed"] is True

    # the audit period over (Riga time): deleted too
    after = datetime(2031, 12, 31, 22, 0, 1, tzinfo=UTC)  # 2032-01-01 00:00:01 in Riga
    assert loans.purge(session, 12, now=after, keep_evidence_until=AUDIT_ENDS) == 0
    session.commit()
    session.expire_all()
    assert _documents(session, counted) == {"original": False, "signed": False, "return_act": False}
    agreement = session.scalar(select(Agreement).join(Loan).join(Device, Device.id == Loan.device_id)
                               .where(Device.serial == counted))
    assert len(agreement.signed_sha256) == 64  # the hash stays: the count and its proof's fingerprint


def test_without_an_audit_period_the_purge_deletes_as_before(session):
    world = make_world(session, devices=1)
    _everyone_returned_long_ago(session)
    loans.purge(session, 12)
    session.commit()
    session.expire_all()
    assert _documents(session, world.counted[0]) == {"original": False, "signed": False, "return_act": False}


def test_the_cli_reads_the_audit_period_from_the_setting(database_url, tmp_path, session):
    from fleet.cli import main

    world = make_world(session, devices=1)
    _everyone_returned_long_ago(session)
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli"),
           "FLEET_AUDIT_RETENTION_UNTIL": "2031-12-31"}
    result = CliRunner().invoke(main, ["privacy", "purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "4 pupil(s) anonymised" in result.output and "kept until 2031-12-31" in result.output
    session.expire_all()
    assert _documents(session, world.counted[0])["signed"] is True

    result = CliRunner().invoke(main, ["privacy", "purge"], env={**env, "FLEET_AUDIT_RETENTION_UNTIL": "2024-12-31"})
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert _documents(session, world.counted[0])["signed"] is False
    result = CliRunner().invoke(main, ["privacy", "purge"], env={**env, "FLEET_AUDIT_RETENTION_UNTIL": "soon"})
    assert result.exit_code == 1 and "FLEET_AUDIT_RETENTION_UNTIL" in result.output
