"""Programme reports and the auditor's evidence: the programme's targets and funding sources (seeded),
contracts' quantities, serials other funds paid for, the roll-ups the worker refreshes, the evidence
packs, and the indexes the reports' lists need.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TARGETS = [
    (date(2022, 12, 31), 13_310,
     "Ar digitālajām ierīcēm nodrošināti vismaz 13 310 mērķa grupas izglītojamie "
     "(kumulatīvi līdz 2022. gada 31. decembrim)",
     "At least 13,310 pupils of the target group provided with digital devices (cumulatively by 31 December 2022)"),
    (date(2023, 12, 31), 26_620,
     "Ar digitālajām ierīcēm nodrošināti vismaz 26 620 mērķa grupas izglītojamie "
     "(kumulatīvi līdz 2023. gada 31. decembrim)",
     "At least 26,620 pupils of the target group provided with digital devices (cumulatively by 31 December 2023)"),
]
SOURCES = [
    ("rrf", "Atveseļošanas fonds", "Recovery and Resilience Facility", Decimal("15000000.00"), True),
    ("state_budget", "Valsts budžets", "State budget", Decimal("3000000.00"), True),
    ("react_eu", "REACT-EU", "REACT-EU", None, False),
    ("municipal", "Pašvaldības budžets", "Municipal budget", None, False),
]


def upgrade() -> None:
    targets = op.create_table(
        "programme_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("wording_lv", sa.Text(), nullable=False),
        sa.Column("wording_en", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_targets")),
        sa.UniqueConstraint("due_on", name=op.f("uq_programme_targets_due_on")),
    )
    op.bulk_insert(targets, [{"due_on": d, "target": t, "wording_lv": lv, "wording_en": en}
                             for d, t, lv, en in TARGETS])
    sources = op.create_table(
        "funding_sources",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_lv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("programme", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_funding_sources")),
    )
    op.bulk_insert(sources, [{"code": c, "name_lv": lv, "name_en": en, "budget": b, "programme": p}
                             for c, lv, en, b, p in SOURCES])
    with op.batch_alter_table("contracts") as t:
        t.add_column(sa.Column("quantity", sa.Integer(), nullable=True))
    op.create_table(
        "other_fund_serials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_other_fund_serials")),
    )
    op.create_index("ix_other_fund_serials_serial", "other_fund_serials", ["serial"])
    op.create_table(
        "rollup_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_counts")),
    )
    op.create_index("ix_rollup_counts_metric_school_id", "rollup_counts", ["metric", "school_id"])
    op.create_table(
        "rollup_counted",
        sa.Column("device_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("founder_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("funding_source", sa.String(length=20), nullable=True),
        sa.Column("provided_on", sa.Date(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("eligibility", sa.String(length=40), nullable=True),
        sa.Column("withheld", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_rollup_counted")),
    )
    op.create_index(op.f("ix_rollup_counted_school_id"), "rollup_counted", ["school_id"])
    op.create_index("ix_rollup_counted_founder_id_provided_on", "rollup_counted", ["founder_id", "provided_on"])
    op.create_table(
        "rollup_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("took_ms", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_runs")),
    )
    op.create_table(
        "evidence_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("founder_id", sa.Integer(), nullable=True),
        sa.Column("agreements", sa.Boolean(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("sample_seed", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("written", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["founder_id"], ["founders.id"], name=op.f("fk_evidence_packs_founder_id_founders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_packs")),
    )
    op.create_index("ix_evidence_packs_status_id", "evidence_packs", ["status", "id"])
    op.create_index("ix_devices_updated_at", "devices", ["updated_at"])
    op.create_index("ix_agreements_status_created_at", "agreements", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_agreements_status_created_at", table_name="agreements")
    op.drop_index("ix_devices_updated_at", table_name="devices")
    for table in ("evidence_packs", "rollup_runs", "rollup_counted", "rollup_counts", "other_fund_serials",
                  "funding_sources", "programme_targets"):
        op.drop_table(table)
    with op.batch_alter_table("contracts", recreate="never") as t:
        t.drop_column("quantity")
