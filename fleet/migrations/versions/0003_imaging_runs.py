"""Imaging runs: what each station installed and the hardware it reported.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "imaging_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("station", sa.String(length=100), nullable=False),
        sa.Column("image", sa.String(length=100), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=False),
        sa.Column("hardware", JSON, nullable=False),
        sa.Column("mismatches", JSON, nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_imaging_runs_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imaging_runs")),
        sa.UniqueConstraint("nonce", name=op.f("uq_imaging_runs_nonce")),
    )
    op.create_index(op.f("ix_imaging_runs_device_id"), "imaging_runs", ["device_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_imaging_runs_device_id"), table_name="imaging_runs")
    op.drop_table("imaging_runs")
