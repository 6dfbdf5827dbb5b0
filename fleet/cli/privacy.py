"""``fleet privacy purge``: the retention of pupils' personal data, the access log and sent e-mails."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app

from fleet.cli.common import fail, writing
from fleet.errors import FleetError


@click.group(help="Personal data of pupils.")
def privacy() -> None:
    pass


@privacy.command("purge", help="Anonymise pupils whose last loan ended more than the retention ago "
                               "(FLEET_PUPIL_RETENTION_MONTHS, default 12; counts and agreement hashes stay; the "
                               "signed agreements of devices counted toward the targets stay until the audit period "
                               "ends, FLEET_AUDIT_RETENTION_UNTIL, default 2031-12-31, and are deleted after it), and "
                               "delete access-log entries older than FLEET_ACCESS_LOG_RETENTION_MONTHS (default 24), "
                               "and the outbox's sent and given-up e-mails after 30 days.")
@click.option("--months", type=int, default=None, help="the pupils' retention in months (overrides the setting)")
@click.option("--access-log-months", type=int, default=None,
              help="the access log's retention in months (overrides the setting)")
def privacy_purge(months: int | None, access_log_months: int | None) -> None:
    from fleet import outbox
    from fleet.access import access_log
    from fleet.lending import loans

    if any(m is not None and m < 1 for m in (months, access_log_months)):
        fail(FleetError("invalid_input", "a retention must be at least 1 month"))
    with writing() as session:
        config = current_app.config["FLEET"]
        months = config.pupil_retention_months if months is None else months
        log_months = config.access_log_retention_months if access_log_months is None else access_log_months
        keep_until = date.fromisoformat(config.audit_retention_until)
        purged = loans.purge(session, months, keep_evidence_until=keep_until)
        deleted = access_log.purge(session, log_months)
        mails = outbox.purge(session)
    click.echo(f"{purged} pupil(s) anonymised (retention {months} months; the signed agreements of devices counted "
               f"toward the targets kept until {keep_until.isoformat()}); "
               f"{deleted} access-log entr{'y' if deleted == 1 else 'ies'} deleted (retention {log_months} months); "
               f"{mails} sent or given-up e-mail(s) deleted (retention {outbox.RETENTION_DAYS} days)")
