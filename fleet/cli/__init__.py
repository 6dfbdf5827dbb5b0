"""The ``fleet`` command line: database, serving, users and tokens, demo data, verification, the
directory, the sign-in throttle, personal data, the outbox worker, the programme's reports, the connectivity survey.

One module per command group; ``main`` (the console script ``fleet = "fleet.cli:main"``) is
defined in ``common`` and every group is added to it here.
"""

from __future__ import annotations

from fleet.cli import (
    access,
    accounts,
    connectivity,
    database,
    demo_data,
    funding,
    privacy,
    report,
    server,
    worker,
)
from fleet.cli.common import main

for _command in (database.db_group, database.verify, server.serve, accounts.users, accounts.tokens, demo_data.demo,
                 access.directory_group, access.throttle_group, privacy.privacy, worker.worker,
                 report.report, funding.funding, connectivity.connectivity):
    main.add_command(_command)

__all__ = ["main"]
