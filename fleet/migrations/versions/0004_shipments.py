"""Shipments to schools, their devices, and the scans at arrival.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_shipments_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
    )
    op.create_index(op.f("ix_shipments_school_id"), "shipments", ["school_id"])
    op.create_table(
        "shipment_items",
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_shipment_items_device_id_devices")),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"],
                                name=op.f("fk_shipment_items_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("shipment_id", "device_id", name=op.f("pk_shipment_items")),
    )
    op.create_table(
        "arrival_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_arrival_scans_device_id_devices")),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], name=op.f("fk_arrival_scans_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrival_scans")),
    )
    op.create_index(op.f("ix_arrival_scans_shipment_id"), "arrival_scans", ["shipment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_arrival_scans_shipment_id"), table_name="arrival_scans")
    op.drop_table("arrival_scans")
    op.drop_table("shipment_items")
    op.drop_index(op.f("ix_shipments_school_id"), table_name="shipments")
    op.drop_table("shipments")
