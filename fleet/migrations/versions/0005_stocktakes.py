"""Stocktakes (inventarizācija) and their scans.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "stocktakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("expected", JSON, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("summary", JSON, nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_stocktakes_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktakes")),
    )
    op.create_index(op.f("ix_stocktakes_school_id"), "stocktakes", ["school_id"])
    op.create_table(
        "stocktake_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stocktake_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_stocktake_scans_device_id_devices")),
        sa.ForeignKeyConstraint(["stocktake_id"], ["stocktakes.id"],
                                name=op.f("fk_stocktake_scans_stocktake_id_stocktakes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktake_scans")),
    )
    op.create_index(op.f("ix_stocktake_scans_stocktake_id"), "stocktake_scans", ["stocktake_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_stocktake_scans_stocktake_id"), table_name="stocktake_scans")
    op.drop_table("stocktake_scans")
    op.drop_index(op.f("ix_stocktakes_school_id"), table_name="stocktakes")
    op.drop_table("stocktakes")
