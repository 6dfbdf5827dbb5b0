"""The auditor's evidence pack: for a cut-off (a target's date) and optionally one founder, every device
counted toward the programme's targets with its procurement, its history exactly as hashed and its signed
agreement (all, a sample drawn with a recorded seed, or none), in one ZIP an auditor verifies offline.

- ``jobs``: the pack as a job — queued through the API, claimed and written by ``fleet worker``
  (``run_due``), its progress and result recorded on its ``EvidencePack`` row.
- ``writer``: one pack written into a ZIP, batch by batch, memory flat.
- ``members``: what the pack holds, read from the database (devices.csv, history/, agreements/,
  procurement/).
- ``summary``: summary.json and summary.pdf.
- ``archive``: the ZIP written member by member, each hashed into SHA256SUMS.
- ``verify``: the standard-library script shipped in every pack (``verify.py``), importable for tests.
"""

from fleet.evidence.jobs import directory, founder_code, get, listing, path_of, queue, run_due

__all__ = ["directory", "founder_code", "get", "listing", "path_of", "queue", "run_due"]
