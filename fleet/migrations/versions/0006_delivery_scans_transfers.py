"""Intake scans of deliveries (every one, repeats too); shipments remember where they come from.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"],
                                name=op.f("fk_delivery_scans_delivery_id_deliveries")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_delivery_scans_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_scans")),
    )
    op.create_index(op.f("ix_delivery_scans_delivery_id"), "delivery_scans", ["delivery_id"])
    fk = "fk_shipments_from_school_id_schools"
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("shipments", sa.Column("from_school_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(fk), "shipments", "schools", ["from_school_id"], ["id"])
    else:  # a plain ADD COLUMN with its constraint: no table copy (items and scans reference shipments)
        op.execute(f"ALTER TABLE shipments ADD COLUMN from_school_id INTEGER CONSTRAINT {fk} REFERENCES schools (id)")
    op.create_index(op.f("ix_shipments_from_school_id"), "shipments", ["from_school_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_shipments_from_school_id"), table_name="shipments")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_shipments_from_school_id_schools"), "shipments", type_="foreignkey")
    op.drop_column("shipments", "from_school_id")
    op.drop_index(op.f("ix_delivery_scans_delivery_id"), table_name="delivery_scans")
    op.drop_table("delivery_scans")
