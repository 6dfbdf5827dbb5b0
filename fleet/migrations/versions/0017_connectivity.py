"""The schools' connectivity survey: survey rounds, each school's answers (every save a version), the speed
measurements from inside schools, and the plan's configuration (the analysis's thresholds and the price table,
seeded with defaults the ministry may change).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The price table's estimates (EUR, installed): the plan's measures and what each is priced per.
PRICES = [
    ("uplink_upgrade", "school", Decimal("2400.00")),
    ("backup_line", "school", Decimal("600.00")),
    ("access_point", "access_point", Decimal("450.00")),
    ("switch", "switch", Decimal("900.00")),
    ("cabling", "classroom", Decimal("700.00")),
]
# The analysis's thresholds (fleet.connectivity.analysis.Thresholds has the same defaults and their sources).
THRESHOLDS = [
    ("compliance_ratio", 0.8), ("per_pupil_mbps", 1.0),
    ("primary_down_mbps", 100.0), ("primary_up_mbps", 30.0),
    ("secondary_down_mbps", 1000.0), ("secondary_up_mbps", 200.0),
    ("wifi_ratio", 0.5), ("peak_ratio", 0.5), ("unstable_cv", 0.5), ("unstable_latency_ms", 100.0),
    ("recent_days", 30.0), ("min_samples", 3.0), ("peak_from_hour", 9.0), ("peak_to_hour", 14.0),
    ("cabling_max_age_years", 15.0),
]


def upgrade() -> None:
    op.create_table(
        "survey_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_rounds")),
        sa.UniqueConstraint("code", name=op.f("uq_survey_rounds_code")),
    )
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_rounds.id"],
                                name=op.f("fk_survey_answers_round_id_survey_rounds")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_survey_answers_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint("round_id", "school_id", "version", name=op.f("uq_survey_answers_round_id")),
    )
    op.create_index("ix_survey_answers_school", "survey_answers", ["school_id", "round_id"])
    op.create_table(
        "connectivity_measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("download_mbps", sa.Float(), nullable=False),
        sa.Column("upload_mbps", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("jitter_ms", sa.Float(), nullable=True),
        sa.Column("link", sa.String(length=8), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_connectivity_measurements_school_id_schools")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_connectivity_measurements_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connectivity_measurements")),
    )
    op.create_index("ix_connectivity_measurements_school", "connectivity_measurements", ["school_id", "taken_at"])
    prices = op.create_table(
        "connectivity_prices",
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("measure", name=op.f("pk_connectivity_prices")),
    )
    thresholds = op.create_table(
        "connectivity_thresholds",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_connectivity_thresholds")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(prices, [{"measure": m, "unit": u, "unit_price": p, "updated_at": now} for m, u, p in PRICES])
    op.bulk_insert(thresholds, [{"key": k, "value": v, "updated_at": now} for k, v in THRESHOLDS])


def downgrade() -> None:
    for table in ("connectivity_thresholds", "connectivity_prices", "connectivity_measurements", "survey_answers",
                  "survey_rounds"):
        op.drop_table(table)
