"""Generator: a national fleet on PostgreSQL far beyond the programme, for the reports' benchmark.

By default 1,000,000 devices with about 5,000,000 events (real hash chains: ``fleet verify`` and an
evidence pack's ``verify.py`` pass), 300,000 loans to stand-in pupils with their agreements (signed on
days spread over 2022–2023, 5 % awaiting signature) and small stand-in documents, 800 schools, 119
founders, 40 contracts (RRF and the state budget, every tenth REACT-EU) each with a closed delivery,
REACT-EU's register of serials (``other_fund_serials``) holding five lent programme devices (the planted
double funding), and three lent devices with no contract. The rest of the devices are at school (a
quarter audited), in the warehouse, in transit, in repair, lost or stolen.

Method: the schema is built by Fleet's migrations; the rows are written with COPY
(``fleet.db.bulk_copy.copy_rows``) in chunks of devices, each chunk committed; then VACUUM ANALYZE, and
the roll-ups are refreshed (``fleet.reports.rollup.refresh``) and timed. The database must be empty.

Run from the repository's root: ``.venv/bin/python -m scripts.bench.national --pg URL [--devices N]
[--loans N] [--schools N] [--founders N] [--contracts N]`` (URL: a PostgreSQL database, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/fleet_national``). A tiny size for tests:
``--devices 60 --loans 20 --schools 6 --founders 3 --contracts 4 --other-fund 10``.
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fleet import migrations
from fleet.db import make_engine
from fleet.db.bulk_copy import copy_rows
from fleet.models import Device
from scripts.bench import national_rows as rows
from scripts.bench.harness import settle

CHUNK = 50_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.national", description=__doc__.split("\n")[0])
    p.add_argument("--pg", required=True, help="the PostgreSQL database's URL (empty; migrated here)")
    d = rows.Sizes()
    p.add_argument("--devices", type=int, default=d.devices)
    p.add_argument("--loans", type=int, default=d.loans, help="lent devices, each with a pupil and an agreement")
    p.add_argument("--schools", type=int, default=d.schools)
    p.add_argument("--founders", type=int, default=d.founders)
    p.add_argument("--contracts", type=int, default=d.contracts)
    p.add_argument("--other-fund", type=int, default=d.other_fund, help="serials in REACT-EU's register")
    p.add_argument("--planted", type=int, default=d.planted, help="lent devices REACT-EU's register holds too")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--chunk", type=int, default=CHUNK, help="devices per committed chunk")
    p.add_argument("--no-refresh", dest="refresh", action="store_false", help="skip the roll-ups' refresh")
    return p.parse_args(argv)


def sizes_of(args: argparse.Namespace) -> rows.Sizes:
    sizes = rows.Sizes(devices=args.devices, loans=args.loans, schools=args.schools, founders=args.founders,
                       contracts=args.contracts, other_fund=args.other_fund, planted=args.planted, seed=args.seed)
    sizes.check()
    return sizes


def load(engine, sizes: rows.Sizes, chunk: int = CHUNK, log=print) -> dict[str, int]:
    """Write the national fleet into the (migrated, empty) database; rows written per table."""
    counts: dict[str, int] = {}

    def copy(session: Session, table: str, data: list) -> None:
        copy_rows(session, table, rows.COLUMNS[table], data)
        counts[table] = counts.get(table, 0) + len(data)

    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Device)):
            raise SystemExit("the database already holds devices: the generator loads only into an empty one")
        for table, data in [("founders", rows.founders(sizes)), ("schools", rows.schools(sizes)),
                            ("contracts", rows.contracts(sizes)), ("deliveries", rows.deliveries(sizes)),
                            ("other_fund_serials", rows.other_fund(sizes))]:
            copy(session, table, data)
        session.commit()
    chains, began = rows.Chains(), time.monotonic()
    for first in range(1, sizes.devices + 1, chunk):
        last = min(sizes.devices, first + chunk - 1)
        part = rows.chunk(sizes, chains, first, last)
        with Session(engine) as session:
            for table in ("devices", "events", "pupils", "loans", "documents", "agreements"):
                copy(session, table, getattr(part, table))
            session.commit()
        log(f"  devices {last:>9,} of {sizes.devices:,}  events {counts['events']:>10,}  "
            f"{time.monotonic() - began:6.1f} s", file=sys.stderr)
    with Session(engine) as session:
        for table in rows.SEQUENCES:
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
        session.execute(text("SELECT setval('asset_tag_seq', :n)"), {"n": sizes.devices})
        session.commit()
    return counts


def refresh(engine) -> float:
    """``fleet.reports.rollup.refresh`` once, committed; the seconds it took."""
    from fleet.reports import rollup

    began = time.perf_counter()
    with Session(engine) as session:
        rollup.refresh(session)
        session.commit()
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sizes = sizes_of(args)
    engine, began = make_engine(args.pg), time.monotonic()
    try:
        migrations.upgrade(engine)
        counts = load(engine, sizes, args.chunk)
        loaded = time.monotonic() - began
        settle(engine)
        print(f"Loaded in {loaded:.1f} s (VACUUM ANALYZE after: {time.monotonic() - began - loaded:.1f} s):")
        for table, n in counts.items():
            print(f"  {table:<20} {n:>10,}")
        if args.refresh:
            print(f"Roll-ups refreshed in {refresh(engine):.1f} s.")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
