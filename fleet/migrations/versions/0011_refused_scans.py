"""Refused scans: who scanned what where, and why it was refused.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refused_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=500), nullable=True),
        sa.Column("error", sa.String(length=32), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("stocktake_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_refused_scans_device_id_devices")),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"],
                                name=op.f("fk_refused_scans_delivery_id_deliveries")),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], name=op.f("fk_refused_scans_shipment_id_shipments")),
        sa.ForeignKeyConstraint(["stocktake_id"], ["stocktakes.id"],
                                name=op.f("fk_refused_scans_stocktake_id_stocktakes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_scans")),
        sa.UniqueConstraint("nonce", name=op.f("uq_refused_scans_nonce")),
    )
    op.create_index("ix_refused_scans_actor_id", "refused_scans", ["actor", "id"])
    op.create_index(op.f("ix_refused_scans_delivery_id"), "refused_scans", ["delivery_id"])
    op.create_index(op.f("ix_refused_scans_shipment_id"), "refused_scans", ["shipment_id"])
    op.create_index(op.f("ix_refused_scans_stocktake_id"), "refused_scans", ["stocktake_id"])


def downgrade() -> None:
    op.drop_table("refused_scans")
