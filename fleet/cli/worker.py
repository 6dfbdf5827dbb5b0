"""``fleet worker``: queues the reminders due to guardians who have not signed (``fleet.lending.reminders``),
sends the outbox's e-mails, and refreshes the reports' roll-ups every ``FLEET_ROLLUP_SECONDS``
(``fleet.reports.rollup``), and writes the evidence packs asked for (``fleet.evidence``, one a round), in a
loop or once (from cron)."""

from __future__ import annotations

import click

from fleet.cli.common import make_app


@click.command(help="Send the outbox's e-mails to guardians (FLEET_SMTP_*), after queuing the reminders due to "
                   "guardians who have not signed for FLEET_REMINDER_DAYS days: runs until stopped, every INTERVAL "
                   "seconds; failures are retried with backoff and given up after 8 attempts (GET /api/v1/outbox"
                   "?state=dead); refreshes the reports' figures every FLEET_ROLLUP_SECONDS; writes the evidence "
                   "packs asked for (into FLEET_EVIDENCE_DIR). Run one beside `fleet serve` (scripts/run does), or "
                   "--once from cron.")
@click.option("--once", is_flag=True, help="send what is due now, then exit")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="seconds between looks at the outbox")
def worker(once: bool, interval: float) -> None:
    import logging
    import time

    from fleet import evidence, outbox
    from fleet.lending import reminders
    from fleet.reports import rollup

    app = make_app()
    config = app.config["FLEET"]
    if config.smtp is None:
        click.echo("FLEET_SMTP_HOST is not set: no e-mail is queued or sent", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    writes = app.extensions["fleet.sessionmaker"]
    if not once:
        click.echo(f"fleet worker: sending the outbox every {interval:g} s", err=True)
    refreshed_at = float("-inf")
    try:
        while True:
            if time.monotonic() - refreshed_at >= config.rollup_seconds:
                refreshed = refresh_rollups(writes, rollup)
                refreshed_at = time.monotonic()
                if once:
                    click.echo(f"report figures refreshed in {refreshed.took_ms} ms ({refreshed.rows} rows)")
            packed = evidence.run_due(writes, config, app.instance_path, app.extensions["fleet.read_sessionmaker"])
            reminded = reminders.run(writes, config)
            run = outbox.run_once(writes, config.smtp, config.public_url)
            if once:
                click.echo(f"{reminded} reminder(s) queued; {run}")
                return
            if packed is not None:
                logging.getLogger("fleet.worker").info("evidence pack %s finished", packed)
            if reminded:
                logging.getLogger("fleet.worker").info("%s reminder(s) queued", reminded)
            if run.sent or run.retried or run.dead:
                logging.getLogger("fleet.worker").info("%s", run)
            time.sleep(interval)
    except KeyboardInterrupt:
        return


def refresh_rollups(writes, rollup):
    """One refresh of the reports' roll-ups, in its own transaction."""
    with writes() as session:
        run = rollup.refresh(session)
        session.commit()
        return run
